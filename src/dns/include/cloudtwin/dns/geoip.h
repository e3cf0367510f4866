// Client locations from a MaxMind-format database (GeoIP2-City shaped: continent.code,
// country.iso_code, subdivisions[0].iso_code, location.latitude/longitude), read with Debian's
// libmaxminddb. The database is memory-mapped once; a lookup allocates nothing and takes no lock,
// so workers call it per query. Route 53's geolocation, latency and geoproximity policies read the
// client's location from here (route53.md §2.3-2.5, §12).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "cloudtwin/dns/policy.h"

namespace cloudtwin::dns {

// One lookup's result: the location's codes live here, and `location` views them.
struct GeoResult {
  char continent[4] = {};
  char country[4] = {};
  char subdivision[8] = {};
  ClientLocation location;
};

// One worker's memory of its recent lookups, by the database record they found: reading a
// record's fields walks its maps (about a microsecond for five fields), while clients of one
// network share one record. Not shared between threads; 512 slots, direct-mapped.
class GeoCache {
 public:
  static constexpr std::size_t kSlots = 512;

 private:
  friend class GeoDatabase;
  struct Slot {
    std::uint32_t record = 0xffffffffu;  // the record's offset in the database; none yet
    const void* database = nullptr;      // whose
    GeoResult result;
  };
  std::array<Slot, kSlots> slots_{};
};

class GeoDatabase {
 public:
  GeoDatabase();
  ~GeoDatabase();
  GeoDatabase(const GeoDatabase&) = delete;
  GeoDatabase& operator=(const GeoDatabase&) = delete;

  // Opens `path`; false with `error` set when it is not a readable MaxMind database.
  [[nodiscard]] bool open(const std::string& path, std::string& error);
  // The location of `address` (its first `prefix` bits); false when the database has none. The
  // result's prefix is the database network's length (IPv4 in an IPv6 tree counted as IPv4).
  [[nodiscard]] bool lookup(const ClientAddress& address, GeoResult& out, GeoCache* cache = nullptr) const;
  [[nodiscard]] std::string description() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloudtwin::dns
