// Route 53's selection rules, one function per policy; each cites the rule it follows in
// ../shared/reference/route53.md. Members arrive in a fixed order (the compiler sorts them by
// SetIdentifier), which makes every tie-break deterministic.
#include "cloudtwin/dns/policy.h"

#include <algorithm>
#include <cmath>

namespace cloudtwin::dns {
namespace {

constexpr Region kRegions[] = {
    {"af-south-1", {-33.92, 18.42}, "AF", "ZA", ""},
    {"ap-east-1", {22.32, 114.17}, "AS", "HK", ""},
    {"ap-northeast-1", {35.68, 139.69}, "AS", "JP", ""},
    {"ap-northeast-2", {37.57, 126.98}, "AS", "KR", ""},
    {"ap-northeast-3", {34.69, 135.50}, "AS", "JP", ""},
    {"ap-south-1", {19.08, 72.88}, "AS", "IN", ""},
    {"ap-south-2", {17.39, 78.49}, "AS", "IN", ""},
    {"ap-southeast-1", {1.35, 103.82}, "AS", "SG", ""},
    {"ap-southeast-2", {-33.87, 151.21}, "OC", "AU", ""},
    {"ap-southeast-3", {-6.21, 106.85}, "AS", "ID", ""},
    {"ap-southeast-4", {-37.81, 144.96}, "OC", "AU", ""},
    {"ap-southeast-5", {3.14, 101.69}, "AS", "MY", ""},
    {"ap-southeast-7", {13.76, 100.50}, "AS", "TH", ""},
    {"ca-central-1", {45.50, -73.57}, "NA", "CA", ""},
    {"ca-west-1", {51.05, -114.07}, "NA", "CA", ""},
    {"cn-north-1", {39.90, 116.40}, "AS", "CN", ""},
    {"cn-northwest-1", {38.49, 106.23}, "AS", "CN", ""},
    {"eu-central-1", {50.11, 8.68}, "EU", "DE", ""},
    {"eu-central-2", {47.38, 8.54}, "EU", "CH", ""},
    {"eu-north-1", {59.33, 18.07}, "EU", "SE", ""},
    {"eu-south-1", {45.46, 9.19}, "EU", "IT", ""},
    {"eu-south-2", {41.65, -0.88}, "EU", "ES", ""},
    {"eu-west-1", {53.35, -6.26}, "EU", "IE", ""},
    {"eu-west-2", {51.51, -0.13}, "EU", "GB", ""},
    {"eu-west-3", {48.86, 2.35}, "EU", "FR", ""},
    {"il-central-1", {32.09, 34.78}, "AS", "IL", ""},
    {"me-central-1", {24.45, 54.38}, "AS", "AE", ""},
    {"me-south-1", {26.07, 50.56}, "AS", "BH", ""},
    {"mx-central-1", {20.59, -100.39}, "NA", "MX", ""},
    {"sa-east-1", {-23.55, -46.63}, "SA", "BR", ""},
    {"us-east-1", {38.95, -77.45}, "NA", "US", "VA"},
    {"us-east-2", {39.96, -83.00}, "NA", "US", "OH"},
    {"us-gov-east-1", {39.96, -83.00}, "NA", "US", "OH"},
    {"us-gov-west-1", {45.52, -122.68}, "NA", "US", "OR"},
    {"us-west-1", {37.34, -121.89}, "NA", "US", "CA"},
    {"us-west-2", {45.84, -119.70}, "NA", "US", "OR"},
};

// Indices of the healthy members (or of all when `all`), in member order.
unsigned collect(const ChoiceInput& in, bool all, std::array<std::uint16_t, 256>& out,
                 bool (*keep)(const Member&) = nullptr) {
  unsigned n = 0;
  for (std::size_t i = 0; i < in.members.size() && n < out.size(); ++i) {
    if (keep != nullptr && !keep(in.members[i])) continue;
    if (all || in.healthy[i]) out[n++] = static_cast<std::uint16_t>(i);
  }
  return n;
}

Choice one(std::size_t member, Reason reason, std::uint8_t scope = 0) {
  Choice c;
  c.members[0] = static_cast<std::uint16_t>(member);
  c.count = 1;
  c.reason = reason;
  c.scope = scope;
  return c;
}

// §2.2: weight / sum among the healthy non-zero sets; every non-zero set unhealthy → the healthy
// zero-weight sets, equally likely; none of those either → the non-zero sets as if healthy.
// Every weight zero → all sets equally likely (the healthy ones, else all).
Choice weighted(const ChoiceInput& in, Random& random) {
  std::array<std::uint16_t, 256> pool;
  auto nonzero = [](const Member& m) { return m.weight > 0; };
  const bool any_weight = std::any_of(in.members.begin(), in.members.end(), nonzero);
  if (!any_weight) {
    unsigned n = collect(in, false, pool);
    const bool none_healthy = n == 0;
    if (none_healthy) n = collect(in, true, pool);
    if (n == 0) return {};
    return one(pool[random.below(n)], none_healthy ? Reason::kAllUnhealthy : Reason::kAllZeroWeights);
  }
  unsigned n = collect(in, false, pool, +[](const Member& m) { return m.weight > 0; });
  Reason reason = Reason::kChosen;
  if (n == 0) {
    n = collect(in, false, pool, +[](const Member& m) { return m.weight == 0; });
    if (n > 0) return one(pool[random.below(n)], Reason::kZeroWeight);
    n = collect(in, true, pool, +[](const Member& m) { return m.weight > 0; });
    reason = Reason::kAllUnhealthy;
  } else if (n < static_cast<unsigned>(std::count_if(in.members.begin(), in.members.end(), nonzero))) {
    reason = Reason::kUnhealthySkipped;
  }
  std::uint32_t total = 0;
  for (unsigned i = 0; i < n; ++i) total += in.members[pool[i]].weight;
  std::uint32_t pick = random.below(total);
  for (unsigned i = 0; i < n; ++i) {
    const std::uint32_t w = in.members[pool[i]].weight;
    if (pick < w) return one(pool[i], reason);
    pick -= w;
  }
  return one(pool[n - 1], reason);
}

// §2.6: primary if healthy; else a healthy secondary (a secondary without a check is healthy);
// both unhealthy → the primary.
Choice failover(const ChoiceInput& in) {
  std::optional<std::size_t> primary, secondary;
  for (std::size_t i = 0; i < in.members.size(); ++i) {
    if (in.members[i].primary) {
      if (!primary) primary = i;
    } else if (!secondary) {
      secondary = i;
    }
  }
  if (primary && in.healthy[*primary]) return one(*primary, Reason::kChosen);
  if (secondary && in.healthy[*secondary]) {
    return one(*secondary, primary ? Reason::kSecondary : Reason::kChosen);
  }
  if (primary) return one(*primary, secondary ? Reason::kPrimaryAllUnhealthy : Reason::kAllUnhealthy);
  if (secondary) return one(*secondary, Reason::kAllUnhealthy);
  return {};
}

// §2.7: up to eight healthy sets at random (all of them when eight or fewer); none healthy → up
// to eight of the unhealthy ones. The chosen sets keep member order in the answer.
Choice multivalue(const ChoiceInput& in, Random& random) {
  std::array<std::uint16_t, 256> pool;
  unsigned n = collect(in, false, pool);
  Choice c;
  if (n == 0) {
    n = collect(in, true, pool);
    c.reason = Reason::kAllUnhealthy;
  } else if (n < in.members.size()) {
    c.reason = Reason::kUnhealthySkipped;
  }
  // A partial Fisher-Yates shuffle picks min(n, 8) distinct sets uniformly.
  const unsigned take = std::min(n, kMaxMultivalue);
  for (unsigned i = 0; i < take; ++i) {
    const unsigned j = i + random.below(n - i);
    std::swap(pool[i], pool[j]);
  }
  std::sort(pool.begin(), pool.begin() + take);
  std::copy(pool.begin(), pool.begin() + take, c.members.begin());
  c.count = static_cast<std::uint8_t>(take);
  return c;
}

// The member with the smallest key among the healthy ones, else (nothing healthy) among all.
// Ties go to the earlier member. Keys that are NaN (no figure) never win.
template <typename Key>
Choice best(const ChoiceInput& in, Key key, std::uint8_t scope) {
  std::optional<std::size_t> best_any, best_healthy;
  double any_key = 0, healthy_key = 0;
  for (std::size_t i = 0; i < in.members.size(); ++i) {
    const double k = key(i);
    if (std::isnan(k)) continue;
    if (!best_any || k < any_key) {
      best_any = i;
      any_key = k;
    }
    if (in.healthy[i] && (!best_healthy || k < healthy_key)) {
      best_healthy = i;
      healthy_key = k;
    }
  }
  if (!best_any) {
    // Nothing to measure by (no location, or no set with a place): Route 53 always has its
    // telemetry and answers; here the first healthy set in SetIdentifier order does (docs/dns-policies.md).
    for (std::size_t i = 0; i < in.members.size(); ++i) {
      if (in.healthy[i]) return one(i, Reason::kUnknownLocation, scope);
    }
    return one(0, Reason::kAllUnhealthy, scope);
  }
  if (best_healthy) return one(*best_healthy, best_healthy == best_any ? Reason::kChosen : Reason::kUnhealthySkipped, scope);
  return one(*best_any, Reason::kAllUnhealthy, scope);
}

// §2.3: the Region of lowest latency that is healthy; all unhealthy → the best (rule 3). A client
// in China gets the cn-north-1 set regardless of latency.
Choice latency(const ChoiceInput& in) {
  const std::uint8_t scope = in.location ? in.location->prefix : 0;
  if (in.location != nullptr && in.location->country == "CN") {
    for (std::size_t i = 0; i < in.members.size(); ++i) {
      if (in.members[i].region == "cn-north-1") return one(i, Reason::kChinaRegion, scope);
    }
  }
  return best(in, [&](std::size_t i) { return i < in.latency.size() ? in.latency[i] : NAN; }, scope);
}

// §2.4: the most specific set for the client's location (subdivision > country > continent >
// default); an unhealthy one walks up to the next larger region that has a healthy set; every
// applicable set unhealthy → the smallest region's; none applicable → no answer (NODATA).
Choice geolocation(const ChoiceInput& in) {
  const ClientLocation none;
  const ClientLocation& where = in.location ? *in.location : none;
  // Applicable sets from the smallest region to the largest.
  std::array<std::optional<std::size_t>, 4> by_level;
  for (std::size_t i = 0; i < in.members.size(); ++i) {
    const Member& m = in.members[i];
    bool applies = false;
    switch (m.geo_level) {
      case GeoLevel::kSubdivision:
        applies = !where.subdivision.empty() && m.country == where.country && m.subdivision == where.subdivision;
        break;
      case GeoLevel::kCountry:
        applies = !where.country.empty() && m.country == where.country;
        break;
      case GeoLevel::kContinent:
        applies = !where.continent.empty() && m.continent == where.continent;
        break;
      case GeoLevel::kDefault:
        applies = true;
        break;
    }
    auto& slot = by_level[3 - std::min<std::size_t>(3, static_cast<std::size_t>(m.geo_level))];
    if (applies && !slot) slot = i;
  }
  // The scope: a default answer for an unknown address rests on nothing more than the database's
  // network for it; any answer here depends on the location, so the database's prefix applies.
  const std::uint8_t scope = where.prefix;
  std::optional<std::size_t> smallest;
  for (const auto& level : by_level) {
    if (!level) continue;
    if (!smallest) smallest = level;
    if (in.healthy[*level]) {
      return one(*level, *level == *smallest ? Reason::kChosen : Reason::kUnhealthySkipped, scope);
    }
  }
  if (smallest) return one(*smallest, Reason::kAllUnhealthy, scope);
  Choice c;
  c.reason = Reason::kNoMatch;
  c.scope = scope;
  return c;
}

// §2.5: the smallest biased great-circle distance; positive bias shrinks distance by bias %,
// negative bias divides it by (1 + bias/100). Ties: the earlier member (lowest SetIdentifier).
Choice geoproximity(const ChoiceInput& in) {
  if (in.location == nullptr || !in.location->point) {
    // No location for the client: Route 53 does not say; the first set answers (docs/dns-policies.md).
    if (in.members.empty()) return {};
    return best(in, [](std::size_t i) { return static_cast<double>(i); }, 0);
  }
  const GeoPoint client = *in.location->point;
  return best(
      in,
      [&](std::size_t i) {
        const Member& m = in.members[i];
        const double d = distance_km(client, m.point);
        return m.bias >= 0 ? d * (1.0 - m.bias / 100.0) : d / (1.0 + m.bias / 100.0);
      },
      in.location->prefix);
}

}  // namespace

bool block_contains(const CidrBlock& b, const ClientAddress& a) {
  if (b.v6 != a.v6) return false;
  const unsigned full = b.prefix / 8, rest = b.prefix % 8;
  if (!std::equal(b.bytes.begin(), b.bytes.begin() + full, a.bytes.begin())) return false;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (b.bytes[full] & mask) == (a.bytes[full] & mask);
}

ClientAddress client_address(const Prefix& p) {
  const CidrBlock b = cidr_block(p);
  ClientAddress c;
  c.v6 = b.v6;
  c.bytes = b.bytes;
  c.prefix = b.prefix;
  return c;
}

CidrBlock cidr_block(const Prefix& p) {
  CidrBlock b;
  b.v6 = !p.address().is_v4();
  const auto bits = p.address().bits();
  const std::size_t width = b.v6 ? 16 : 4;
  for (std::size_t i = 0; i < width; ++i) b.bytes[width - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  b.prefix = static_cast<std::uint8_t>(p.length());
  return b;
}

namespace {

// §2.8: the longest block that holds the client's prefix; a query prefix shorter than that block
// gets the default set "*" (and SCOPE the block's length: "ask with a longer prefix"). The chosen
// location's set unhealthy → the next longest match, then the default; nothing healthy → the best.
Choice ip_based(const ChoiceInput& in) {
  std::optional<std::size_t> default_member;
  for (std::size_t i = 0; i < in.members.size(); ++i) {
    if (in.members[i].cidr_location == kDefaultLocation && !default_member) default_member = i;
  }
  auto member_of = [&](std::uint16_t location) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < in.members.size(); ++i) {
      if (in.members[i].cidr_location == location) return i;
    }
    return std::nullopt;
  };
  // Candidates from the longest matching block to the shortest, then the default.
  std::array<std::pair<std::size_t, std::uint8_t>, 130> order{};  // member, block length
  unsigned n = 0;
  std::uint8_t longest = 0;
  bool shorter_query = false;
  if (in.address != nullptr) {
    std::array<const CidrBlock*, 129> by_length{};
    for (const CidrBlock& b : in.blocks) {
      // A block longer than the query's prefix cannot be matched by it (route53.md §2.8): the
      // longest such block still sets the scope.
      if (b.prefix > in.address->prefix) {
        ClientAddress widened = *in.address;
        if (b.v6 == widened.v6) {
          CidrBlock shortened = b;
          shortened.prefix = in.address->prefix;
          if (block_contains(shortened, widened)) {
            shorter_query = true;
            longest = std::max(longest, b.prefix);
          }
        }
        continue;
      }
      if (block_contains(b, *in.address) && by_length[b.prefix] == nullptr) by_length[b.prefix] = &b;
    }
    for (int len = 128; len >= 0; --len) {
      if (by_length[len] == nullptr) continue;
      if (auto m = member_of(by_length[len]->location)) {
        order[n++] = {*m, static_cast<std::uint8_t>(len)};
        longest = std::max(longest, static_cast<std::uint8_t>(len));
      }
    }
  }
  if (default_member) order[n++] = {*default_member, 0};
  if (n == 0) {
    Choice c;
    c.reason = Reason::kNoMatch;
    c.scope = longest;
    return c;
  }
  const bool default_only = order[0].first == default_member && shorter_query;
  for (unsigned i = 0; i < n; ++i) {
    if (in.healthy[order[i].first]) {
      Reason reason = i == 0 ? (default_only ? Reason::kDefaultShorterPrefix : Reason::kChosen)
                             : Reason::kUnhealthySkipped;
      return one(order[i].first, reason, longest);
    }
  }
  return one(order[0].first, Reason::kAllUnhealthy, longest);
}

}  // namespace

double distance_km(GeoPoint a, GeoPoint b) {
  constexpr double kRadius = 6371.0;
  constexpr double kDegree = 3.14159265358979323846 / 180.0;
  const double dlat = (b.latitude - a.latitude) * kDegree;
  const double dlon = (b.longitude - a.longitude) * kDegree;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude * kDegree) * std::cos(b.latitude * kDegree) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

std::span<const Region> aws_regions() { return kRegions; }

const Region* find_region(std::string_view code) {
  for (const Region& r : kRegions) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

std::string_view policy_text(Policy p) {
  switch (p) {
    case Policy::kWeighted: return "weighted";
    case Policy::kLatency: return "latency";
    case Policy::kGeolocation: return "geolocation";
    case Policy::kGeoproximity: return "geoproximity";
    case Policy::kFailover: return "failover";
    case Policy::kMultivalue: return "multivalue";
    case Policy::kIpBased: return "IP-based";
  }
  return "?";
}

std::string_view reason_text(Reason r) {
  switch (r) {
    case Reason::kChosen: return "the policy's choice is healthy";
    case Reason::kUnhealthySkipped: return "the policy's first choice is unhealthy; the next healthy one answers";
    case Reason::kAllUnhealthy: return "no record set is healthy; the policy answers as if all were";
    case Reason::kZeroWeight: return "every non-zero weight is unhealthy; a healthy zero-weight set answers";
    case Reason::kAllZeroWeights: return "every weight is 0; the sets are equally likely";
    case Reason::kSecondary: return "the primary is unhealthy; the secondary answers";
    case Reason::kPrimaryAllUnhealthy: return "primary and secondary are unhealthy; the primary answers";
    case Reason::kChinaRegion: return "a client in China gets the cn-north-1 set";
    case Reason::kNoMatch: return "no record set for the client's location and no default: no answer";
    case Reason::kDefaultShorterPrefix: return "the client's prefix is shorter than the matching block: the default answers";
    case Reason::kUnknownLocation: return "the client's location is unknown: the first healthy set answers";
  }
  return "";
}

Choice choose(Policy policy, const ChoiceInput& in, Random& random) {
  if (in.members.empty() || in.healthy.size() < in.members.size()) return {};
  switch (policy) {
    case Policy::kWeighted: return weighted(in, random);
    case Policy::kLatency: return latency(in);
    case Policy::kGeolocation: return geolocation(in);
    case Policy::kGeoproximity: return geoproximity(in);
    case Policy::kFailover: return failover(in);
    case Policy::kMultivalue: return multivalue(in, random);
    case Policy::kIpBased: return ip_based(in);
  }
  return {};
}

}  // namespace cloudtwin::dns
