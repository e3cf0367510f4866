// Route 53's routing policies as pure functions (../shared/reference/route53.md §2): which record
// sets of one Name+Type group answer a given client, given each set's health. Nothing here
// allocates or locks: the answer path calls choose() per query with the group compiled once and
// health bits read from the checkers' snapshot; `cloudtwin dns answer` calls the same function and
// prints the reason it returns.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "cloudtwin/core/ip.h"

namespace cloudtwin::dns {

enum class Policy : std::uint8_t {
  kWeighted,
  kLatency,
  kGeolocation,
  kGeoproximity,
  kFailover,
  kMultivalue,
  kIpBased,
};

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
};

// Great-circle distance in kilometres (haversine, mean Earth radius 6,371 km).
[[nodiscard]] double distance_km(GeoPoint a, GeoPoint b);

// An AWS Region's code and the approximate coordinates of its metro area (docs/dns-policies.md).
struct Region {
  std::string_view code;
  GeoPoint point;
  // Where its data centres are, as geolocation names it (a query from a VPC of a private zone
  // is located at its Region, route53.md §4): continent, ISO country, US state.
  std::string_view continent, country, subdivision;
};
[[nodiscard]] std::span<const Region> aws_regions();
[[nodiscard]] const Region* find_region(std::string_view code);

// Where the client is, as far as the geo database knows (empty codes: unknown), and how many
// leading bits of its address that knowledge rests on (the ECS scope of a geo answer).
struct ClientLocation {
  std::string_view continent;    // "EU"
  std::string_view country;      // "DE"
  std::string_view subdivision;  // "CA" (with country "US")
  std::optional<GeoPoint> point;
  std::uint8_t prefix = 0;  // the database network's length
};

// The client's address as the policy sees it: the ECS prefix, or the source address (/32, /128).
struct ClientAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t prefix = 0;  // SOURCE PREFIX-LENGTH
};

// Geolocation set keys: "*" default, a continent, a country, or a country's subdivision.
enum class GeoLevel : std::uint8_t { kDefault, kContinent, kCountry, kSubdivision };

// One record set of a group; only the fields of the group's policy matter.
struct Member {
  std::uint32_t weight = 0;                 // weighted: 0-255
  std::string_view region;                  // latency: the Region's code
  GeoLevel geo_level = GeoLevel::kDefault;  // geolocation
  std::string_view continent, country, subdivision;
  GeoPoint point;  // geoproximity: the Region's or the given coordinates; latency: the Region's
  bool has_point = false;  // latency: `region` is a Region whose coordinates are known
  int bias = 0;    // geoproximity: -99..99
  bool primary = false;                     // failover: PRIMARY (else SECONDARY)
  std::uint16_t cidr_location = 0;          // IP-based: index of its location; kDefaultLocation = "*"
};
inline constexpr std::uint16_t kDefaultLocation = 0xffff;

// One CIDR block of an IP-based group's collection, pointing at its location.
struct CidrBlock {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t prefix = 0;
  std::uint16_t location = 0;
};

// The block of a prefix (its location 0), and whether it holds an address (the client's prefix).
[[nodiscard]] CidrBlock cidr_block(const Prefix& prefix);
// A client given as an address (Prefix::host) or a subnet.
[[nodiscard]] ClientAddress client_address(const Prefix& prefix);
[[nodiscard]] bool block_contains(const CidrBlock& block, const ClientAddress& address);

// Route 53 answers with at most eight record sets of a multivalue group (route53.md §2.7).
inline constexpr unsigned kMaxMultivalue = 8;

// Why a choice was made, for explanations (`dns answer`, `serve dns --explain`).
enum class Reason : std::uint8_t {
  kChosen,              // the policy's pick was healthy
  kUnhealthySkipped,    // the first pick was unhealthy; the next healthy one answered
  kAllUnhealthy,        // nothing healthy: the policy's rule for that case answered
  kZeroWeight,          // weighted: every non-zero set unhealthy; a zero-weight set answered
  kAllZeroWeights,      // weighted: every weight 0; sets equally likely
  kSecondary,           // failover: the primary is unhealthy, the secondary answered
  kPrimaryAllUnhealthy, // failover: both unhealthy; the primary answers
  kChinaRegion,         // latency: a client in China gets the cn-north-1 set
  kNoMatch,             // geolocation / IP-based: no set for the client and no default: NODATA
  kDefaultShorterPrefix,// IP-based: the client's prefix is shorter than the matching block
  kUnknownLocation,     // latency / geoproximity: where the client is is unknown; the first healthy set
};
[[nodiscard]] std::string_view reason_text(Reason r);
// "weighted", "latency", "geolocation", "geoproximity", "failover", "multivalue", "IP-based".
[[nodiscard]] std::string_view policy_text(Policy p);

struct Choice {
  std::array<std::uint16_t, kMaxMultivalue> members{};
  std::uint8_t count = 0;  // 0: no answer (NODATA)
  std::uint8_t scope = 0;  // ECS SCOPE PREFIX-LENGTH the answer depends on (RFC 7871 §7.2.1)
  Reason reason = Reason::kChosen;
};

// A small, fast generator (splitmix64): one per worker, seeded from --seed for reproducible runs.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) {  // uniform in [0, n), n > 0 (Lemire)
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next() >> 32) * n) >> 32);
  }

 private:
  std::uint64_t state_;
};

// What choose() needs besides the members: health (one flag per member, a set without a check
// counts healthy), the client, latencies (latency: one figure per member's region, lower is
// better), and the IP-based blocks.
struct ChoiceInput {
  std::span<const Member> members;
  std::span<const bool> healthy;
  const ClientLocation* location = nullptr;
  const ClientAddress* address = nullptr;
  std::span<const double> latency;  // per member, for kLatency
  std::span<const CidrBlock> blocks;  // for kIpBased
};

[[nodiscard]] Choice choose(Policy policy, const ChoiceInput& in, Random& random);

}  // namespace cloudtwin::dns
