// libmaxminddb behind GeoDatabase (geoip.h).
#include "cloudtwin/dns/geoip.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace cloudtwin::dns {

struct GeoDatabase::Impl {
  MMDB_s db{};
  bool open = false;
  ~Impl() {
    if (open) MMDB_close(&db);
  }
};

GeoDatabase::GeoDatabase() : impl_(std::make_unique<Impl>()) {}
GeoDatabase::~GeoDatabase() = default;

bool GeoDatabase::open(const std::string& path, std::string& error) {
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &impl_->db);
  if (status != MMDB_SUCCESS) {
    error = path + ": " + MMDB_strerror(status);
    return false;
  }
  impl_->open = true;
  return true;
}

std::string GeoDatabase::description() const {
  if (!impl_->open) return "";
  const auto& m = impl_->db.metadata;
  return std::string(m.database_type ? m.database_type : "?") + ", IPv" + std::to_string(m.ip_version) + ", " +
         std::to_string(m.node_count) + " nodes";
}

namespace {

// Copies a UTF-8 string value at `path...` into `out` (truncated to fit); empty when absent.
template <std::size_t N, typename... Path>
void text(MMDB_entry_s* entry, char (&out)[N], Path... path) {
  MMDB_entry_data_s data{};
  if (MMDB_get_value(entry, &data, path..., nullptr) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    out[0] = '\0';
    return;
  }
  const std::size_t n = std::min<std::size_t>(data.data_size, N - 1);
  std::memcpy(out, data.utf8_string, n);
  out[n] = '\0';
}

bool number(MMDB_entry_s* entry, double& out, const char* a, const char* b) {
  MMDB_entry_data_s data{};
  if (MMDB_get_value(entry, &data, a, b, nullptr) != MMDB_SUCCESS || !data.has_data) return false;
  if (data.type == MMDB_DATA_TYPE_DOUBLE) out = data.double_value;
  else if (data.type == MMDB_DATA_TYPE_FLOAT) out = data.float_value;
  else return false;
  return true;
}

}  // namespace

bool GeoDatabase::lookup(const ClientAddress& address, GeoResult& out, GeoCache* cache) const {
  if (!impl_->open) return false;
  sockaddr_storage storage{};
  if (address.v6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(storage);
    a.sin6_family = AF_INET6;
    std::memcpy(&a.sin6_addr, address.bytes.data(), 16);
  } else {
    auto& a = reinterpret_cast<sockaddr_in&>(storage);
    a.sin_family = AF_INET;
    std::memcpy(&a.sin_addr, address.bytes.data(), 4);
  }
  int error = 0;
  MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&impl_->db, reinterpret_cast<const sockaddr*>(&storage), &error);
  if (error != MMDB_SUCCESS || !r.found_entry) return false;
  GeoCache::Slot* slot = cache != nullptr ? &cache->slots_[r.entry.offset % GeoCache::kSlots] : nullptr;
  if (slot != nullptr && slot->record == r.entry.offset && slot->database == impl_.get()) {
    out = slot->result;
  } else {
    text(&r.entry, out.continent, "continent", "code");
    text(&r.entry, out.country, "country", "iso_code");
    text(&r.entry, out.subdivision, "subdivisions", "0", "iso_code");
    out.location = {};
    double latitude = 0, longitude = 0;
    if (number(&r.entry, latitude, "location", "latitude") && number(&r.entry, longitude, "location", "longitude"))
      out.location.point = GeoPoint{latitude, longitude};
    if (slot != nullptr) {
      slot->record = r.entry.offset;
      slot->database = impl_.get();
      slot->result = out;
    }
  }
  // The views point into `out` itself, never into the cache.
  out.location.continent = out.continent;
  out.location.country = out.country;
  out.location.subdivision = out.subdivision;
  // An IPv4 address in an IPv6 tree is looked up as ::a.b.c.d: its netmask counts 96 more bits.
  int prefix = r.netmask;
  if (!address.v6 && impl_->db.metadata.ip_version == 6) prefix -= 96;
  out.location.prefix = static_cast<std::uint8_t>(std::clamp(prefix, 0, address.v6 ? 128 : 32));
  return true;
}

}  // namespace cloudtwin::dns
