#include "cloudtwin/hybrid/bgp_message.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstring>
#include <type_traits>
#include <utility>

namespace cloudtwin::hybrid::bgp {

namespace {

std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
U128 get128(const std::uint8_t* p) {
  U128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | p[i];
  return v;
}
void put8(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
}
void put16(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, v >> 16);
  put16(out, v & 0xFFFF);
}
void put128(std::vector<std::uint8_t>& out, U128 v) {
  for (int i = 15; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void set16(std::vector<std::uint8_t>& out, std::size_t at, std::size_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v);
}

Notification make_notification(std::uint8_t code, std::uint8_t subcode,
                               std::span<const std::uint8_t> data = {}) {
  return Notification{code, subcode, std::vector<std::uint8_t>(data.begin(), data.end())};
}

// ---- prefixes (RFC 4271 §4.3: a length in bits, then the fewest octets that hold it)

// Two passes: the first checks every prefix (RFC 7606 §5.3: a length above the family's width
// or one that runs past the field makes the field unparseable) and counts them, so the second
// fills a vector reserved to the exact size: no reallocation on the hot path.
template <typename P, int kWidth>
bool read_prefixes(std::span<const std::uint8_t> field, std::vector<P>& out) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < field.size();) {
    int length = field[i];
    if (length > kWidth) return false;
    std::size_t octets = static_cast<std::size_t>(length + 7) / 8;
    if (field.size() - i - 1 < octets) return false;
    i += 1 + octets;
    ++count;
  }
  out.reserve(out.size() + count);
  for (std::size_t i = 0; i < field.size();) {
    int length = field[i];
    std::size_t octets = static_cast<std::size_t>(length + 7) / 8;
    if constexpr (kWidth == 32) {
      std::uint32_t bits = 0;
      for (std::size_t k = 0; k < octets; ++k)
        bits |= std::uint32_t{field[i + 1 + k]} << (24 - 8 * k);
      out.push_back(Ipv4Prefix::make(bits, length));
    } else {
      U128 bits = 0;
      for (std::size_t k = 0; k < octets; ++k) bits |= U128{field[i + 1 + k]} << (120 - 8 * k);
      out.push_back(Ipv6Prefix::make(bits, length));
    }
    i += 1 + octets;
  }
  return true;
}

void write_prefix(std::vector<std::uint8_t>& out, const Ipv4Prefix& p) {
  int length = std::min<int>(p.length, 32);
  put8(out, length);
  for (int k = 0; k < (length + 7) / 8; ++k) put8(out, p.bits >> (24 - 8 * k));
}
void write_prefix(std::vector<std::uint8_t>& out, const Ipv6Prefix& p) {
  int length = std::min<int>(p.length, 128);
  U128 bits = p.bits();
  put8(out, length);
  for (int k = 0; k < (length + 7) / 8; ++k)
    put8(out, static_cast<std::uint32_t>(bits >> (120 - 8 * k)) & 0xFF);
}

// ---- AS paths

enum class PathError { kNone, kMalformed };

// RFC 4271 §4.3 and RFC 7606 §7.2: malformed on an unrecognised segment type, a segment that
// overruns the attribute, a single octet left over, or a zero-length segment.
bool read_as_path(std::span<const std::uint8_t> v, std::size_t asn_size, AsPath& out) {
  for (std::size_t i = 0; i < v.size();) {
    if (v.size() - i < 2) return false;
    std::uint8_t type = v[i];
    std::size_t count = v[i + 1];
    if (type < 1 || type > 4 || count == 0) return false;
    if (v.size() - i - 2 < count * asn_size) return false;
    AsPathSegment segment;
    segment.type = static_cast<SegmentType>(type);
    segment.asns.reserve(count);
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint8_t* p = v.data() + i + 2 + k * asn_size;
      segment.asns.push_back(asn_size == 4 ? get32(p) : get16(p));
    }
    out.push_back(std::move(segment));
    i += 2 + count * asn_size;
  }
  return true;
}

bool is_confed(SegmentType t) {
  return t == SegmentType::kConfedSequence || t == SegmentType::kConfedSet;
}

// Writes segments of at most 255 ASNs; `two_octet` maps ASNs above 65535 to AS_TRANS
// (RFC 6793 §4.2.2); `skip_confed` leaves confederation segments out (for AS4_PATH).
void write_as_path(std::vector<std::uint8_t>& out, const AsPath& path, bool two_octet,
                   bool skip_confed) {
  for (const AsPathSegment& s : path) {
    if (skip_confed && is_confed(s.type)) continue;
    for (std::size_t at = 0; at < s.asns.size(); at += 255) {
      std::size_t n = std::min<std::size_t>(255, s.asns.size() - at);
      put8(out, static_cast<std::uint8_t>(s.type));
      put8(out, n);
      for (std::size_t k = 0; k < n; ++k) {
        std::uint32_t asn = s.asns[at + k];
        if (two_octet) {
          put16(out, asn > 0xFFFF ? kAsTrans : asn);
        } else {
          put32(out, asn);
        }
      }
    }
  }
}

bool has_non_mappable(const AsPath& path) {
  for (const AsPathSegment& s : path) {
    if (is_confed(s.type)) continue;
    for (std::uint32_t asn : s.asns) {
      if (asn > 0xFFFF) return true;
    }
  }
  return false;
}

// RFC 6793 §4.2.3: the leading ASes of AS_PATH that AS4_PATH does not cover, then AS4_PATH.
// Confederation segments are kept only where they lead the path (where RFC 5065 puts them).
AsPath merge_as4_path(const AsPath& as_path, const AsPath& as4_path) {
  std::size_t budget = path_length(as_path) - path_length(as4_path);
  AsPath merged;
  bool leading = true;
  for (const AsPathSegment& s : as_path) {
    if (is_confed(s.type)) {
      if (leading) merged.push_back(s);
      continue;
    }
    leading = false;
    if (budget == 0) break;
    if (s.type == SegmentType::kSet) {
      merged.push_back(s);
      --budget;
      continue;
    }
    std::size_t take = std::min(budget, s.asns.size());
    merged.push_back(AsPathSegment{
        s.type, {s.asns.begin(), s.asns.begin() + static_cast<std::ptrdiff_t>(take)}});
    budget -= take;
  }
  merged.insert(merged.end(), as4_path.begin(), as4_path.end());
  return merged;
}

// RFC 4271 §6.3: a NEXT_HOP must be a valid IP host address.
bool valid_ipv4_host(std::uint32_t a) {
  std::uint8_t first = static_cast<std::uint8_t>(a >> 24);
  return a != 0 && first != 127 && first < 224;  // not 0.0.0.0, loopback, multicast, class E
}
bool valid_ipv6_host(U128 a) {
  return a != 0 && a != 1 && static_cast<std::uint8_t>(a >> 120) != 0xFF;
}

// ---- UPDATE decoding (RFC 4271 §6.3 as revised by RFC 7606)

class UpdateDecoder {
 public:
  UpdateDecoder(const SessionOptions& options, DecodeResult& result)
      : options_(options), result_(result) {}

  void run(std::span<const std::uint8_t> body);

 private:
  // Records an error: the strongest action wins (RFC 7606 §3.h); the first NOTIFICATION of a
  // reset is sent, and the first of a treat-as-withdraw is kept in case §5.2 makes it a reset.
  void error(ErrorAction action, Notification n, std::string note) {
    result_.action = std::max(result_.action, action);
    result_.notes.push_back(std::move(note));
    if (action == ErrorAction::kSessionReset && !reset_) reset_ = std::move(n);
    if (action == ErrorAction::kTreatAsWithdraw && !withdraw_) withdraw_ = std::move(n);
  }
  void discard(std::string note) { error(ErrorAction::kAttributeDiscard, {}, std::move(note)); }
  Notification with_attribute(std::uint8_t subcode) const {
    return make_notification(error::kUpdateMessage, subcode, attribute_);
  }
  // RFC 7606 §3.c: Optional or Transitive bits that contradict the attribute's definition.
  bool flags_ok(std::uint8_t flags, std::uint8_t expected, const char* name) {
    if ((flags & (flag::kOptional | flag::kTransitive)) == expected) return true;
    error(
        ErrorAction::kTreatAsWithdraw, with_attribute(update_error::kAttributeFlagsError),
        std::string(name) + ": wrong Optional/Transitive flags: treat-as-withdraw (RFC 7606 §3.c)");
    return false;
  }
  void attribute(std::uint8_t flags, std::uint8_t type, std::span<const std::uint8_t> v);
  void mp_reach(std::uint8_t flags, std::span<const std::uint8_t> v);
  void mp_unreach(std::uint8_t flags, std::span<const std::uint8_t> v);
  void as4_path(std::uint8_t flags, std::span<const std::uint8_t> v);
  void finish();

  const SessionOptions& options_;
  DecodeResult& result_;
  Update update_;
  std::span<const std::uint8_t> attribute_;  // the attribute being read, flags to value
  std::bitset<256> seen_;
  bool other_than_unreach_ = false;  // an attribute besides MP_UNREACH was present (§5.2)
  bool walk_abandoned_ = false;
  std::optional<AsPath> as4_path_;
  std::optional<Aggregator> as4_aggregator_;
  std::optional<Notification> reset_;
  std::optional<Notification> withdraw_;
};

void UpdateDecoder::run(std::span<const std::uint8_t> body) {
  // RFC 4271 §6.3, RFC 7606 §3.b: lengths that overrun the message are a Malformed Attribute
  // List; RFC 7606 §3.i/§3.j: a withdrawn-routes or NLRI field that cannot be parsed resets.
  std::size_t withdrawn_length = get16(body.data());
  if (withdrawn_length + 4 > body.size()) {
    error(ErrorAction::kSessionReset,
          make_notification(error::kUpdateMessage, update_error::kMalformedAttributeList),
          "withdrawn routes length runs past the message: session reset (RFC 7606 §3.b)");
    return finish();
  }
  if (!read_prefixes<Ipv4Prefix, 32>(body.subspan(2, withdrawn_length), update_.withdrawn)) {
    error(ErrorAction::kSessionReset,
          make_notification(error::kUpdateMessage, update_error::kInvalidNetworkField),
          "withdrawn routes field cannot be parsed: session reset (RFC 7606 §3.i, §5.3)");
    return finish();
  }
  std::size_t attributes_at = 2 + withdrawn_length + 2;
  std::size_t attributes_length = get16(body.data() + 2 + withdrawn_length);
  if (attributes_at + attributes_length > body.size()) {
    error(ErrorAction::kSessionReset,
          make_notification(error::kUpdateMessage, update_error::kMalformedAttributeList),
          "total path attribute length runs past the message: session reset (RFC 7606 §3.b)");
    return finish();
  }
  if (!read_prefixes<Ipv4Prefix, 32>(body.subspan(attributes_at + attributes_length),
                                     update_.nlri)) {
    error(ErrorAction::kSessionReset,
          make_notification(error::kUpdateMessage, update_error::kInvalidNetworkField),
          "NLRI field cannot be parsed: session reset (RFC 7606 §3.j, §5.3)");
    return finish();
  }
  std::span<const std::uint8_t> attrs = body.subspan(attributes_at, attributes_length);
  for (std::size_t i = 0; i < attrs.size() && !reset_;) {
    std::size_t left = attrs.size() - i;
    std::uint8_t flags = attrs[i];
    std::size_t header = (flags & flag::kExtendedLength) ? 4 : 3;
    // RFC 7606 §4: too few octets for an attribute header, or a length past the Total Path
    // Attribute Length: treat-as-withdraw, and the NLRI is found by the total length.
    if (left < header) {
      other_than_unreach_ = true;
      walk_abandoned_ = true;
      error(ErrorAction::kTreatAsWithdraw,
            make_notification(error::kUpdateMessage, update_error::kMalformedAttributeList),
            "an attribute header is cut short by the total attribute length: treat-as-withdraw "
            "(RFC 7606 §4)");
      break;
    }
    std::uint8_t type = attrs[i + 1];
    std::size_t length = header == 4 ? get16(attrs.data() + i + 2) : attrs[i + 2];
    if (left - header < length) {
      other_than_unreach_ = true;
      walk_abandoned_ = true;
      error(ErrorAction::kTreatAsWithdraw,
            make_notification(error::kUpdateMessage, update_error::kMalformedAttributeList),
            "attribute " + std::to_string(type) +
                " runs past the total attribute length: treat-as-withdraw (RFC 7606 §4)");
      break;
    }
    attribute_ = attrs.subspan(i, header + length);
    std::span<const std::uint8_t> value = attrs.subspan(i + header, length);
    i += header + length;
    if (type != attribute::kMpUnreachNlri) other_than_unreach_ = true;
    if (seen_[type]) {
      // RFC 7606 §3.g: MP_REACH/MP_UNREACH twice is a Malformed Attribute List; any other
      // attribute seen again is discarded.
      if (type == attribute::kMpReachNlri || type == attribute::kMpUnreachNlri) {
        error(ErrorAction::kSessionReset,
              make_notification(error::kUpdateMessage, update_error::kMalformedAttributeList),
              "MP_REACH_NLRI or MP_UNREACH_NLRI appears twice: session reset (RFC 7606 §3.g)");
        break;
      }
      discard("attribute " + std::to_string(type) +
              " repeated: the later copy discarded (RFC 7606 §3.g)");
      continue;
    }
    seen_[type] = true;
    attribute(flags, type, value);
  }
  finish();
}

void UpdateDecoder::attribute(std::uint8_t flags, std::uint8_t type,
                              std::span<const std::uint8_t> v) {
  constexpr std::uint8_t kWellKnown = flag::kTransitive;
  constexpr std::uint8_t kOptionalTransitive = flag::kOptional | flag::kTransitive;
  constexpr std::uint8_t kOptionalNonTransitive = flag::kOptional;
  auto withdraw = [&](std::uint8_t subcode, const std::string& note) {
    error(ErrorAction::kTreatAsWithdraw, with_attribute(subcode), note);
  };
  PathAttributes& a = update_.attributes;
  switch (type) {
    case attribute::kOrigin:
      if (!flags_ok(flags, kWellKnown, "ORIGIN")) return;
      if (v.size() != 1)
        return withdraw(update_error::kAttributeLengthError,
                        "ORIGIN length is not 1: treat-as-withdraw (RFC 7606 §7.1)");
      if (v[0] > 2)
        return withdraw(update_error::kInvalidOriginAttribute,
                        "ORIGIN value undefined: treat-as-withdraw (RFC 7606 §7.1)");
      a.origin = static_cast<Origin>(v[0]);
      return;
    case attribute::kAsPath: {
      if (!flags_ok(flags, kWellKnown, "AS_PATH")) return;
      AsPath path;
      if (!read_as_path(v, options_.four_octet_as ? 4 : 2, path)) {
        error(ErrorAction::kTreatAsWithdraw,
              make_notification(error::kUpdateMessage, update_error::kMalformedAsPath),
              "AS_PATH malformed (segment type, zero-length segment, overrun or underrun): "
              "treat-as-withdraw (RFC 7606 §7.2)");
        return;
      }
      a.as_path = std::move(path);
      return;
    }
    case attribute::kNextHop:
      if (!flags_ok(flags, kWellKnown, "NEXT_HOP")) return;
      if (v.size() != 4)
        return withdraw(update_error::kAttributeLengthError,
                        "NEXT_HOP length is not 4: treat-as-withdraw (RFC 7606 §7.3)");
      a.next_hop = IpAddress::v4(get32(v.data()));
      return;
    case attribute::kMultiExitDisc:
      if (!flags_ok(flags, kOptionalNonTransitive, "MULTI_EXIT_DISC")) return;
      if (v.size() != 4)
        return withdraw(update_error::kAttributeLengthError,
                        "MULTI_EXIT_DISC length is not 4: treat-as-withdraw (RFC 7606 §7.4)");
      a.med = get32(v.data());
      return;
    case attribute::kLocalPref:
      if (options_.external)
        return discard("LOCAL_PREF from an external peer discarded (RFC 7606 §7.5)");
      if (!flags_ok(flags, kWellKnown, "LOCAL_PREF")) return;
      if (v.size() != 4)
        return withdraw(update_error::kAttributeLengthError,
                        "LOCAL_PREF length is not 4: treat-as-withdraw (RFC 7606 §7.5)");
      a.local_pref = get32(v.data());
      return;
    case attribute::kAtomicAggregate:
      if (!flags_ok(flags, kWellKnown, "ATOMIC_AGGREGATE")) return;
      if (!v.empty()) return discard("ATOMIC_AGGREGATE length is not 0: discarded (RFC 7606 §7.6)");
      a.atomic_aggregate = true;
      return;
    case attribute::kAggregator: {
      if (!flags_ok(flags, kOptionalTransitive, "AGGREGATOR")) return;
      std::size_t asn_size = options_.four_octet_as ? 4 : 2;
      if (v.size() != asn_size + 4)
        return discard("AGGREGATOR length is not " + std::to_string(asn_size + 4) +
                       ": discarded (RFC 7606 §7.7)");
      a.aggregator =
          Aggregator{asn_size == 4 ? get32(v.data()) : get16(v.data()), get32(v.data() + asn_size)};
      return;
    }
    case attribute::kCommunities:
      if (!flags_ok(flags, kOptionalTransitive, "COMMUNITIES")) return;
      if (v.empty() || v.size() % 4 != 0)
        return withdraw(
            update_error::kOptionalAttributeError,
            "COMMUNITIES length is 0 or not a multiple of 4: treat-as-withdraw (RFC 7606 §7.8)");
      a.communities.reserve(v.size() / 4);
      for (std::size_t i = 0; i < v.size(); i += 4) a.communities.push_back(get32(v.data() + i));
      return;
    case attribute::kOriginatorId:
    case attribute::kClusterList: {
      const char* name = type == attribute::kOriginatorId ? "ORIGINATOR_ID" : "CLUSTER_LIST";
      if (options_.external)
        return discard(std::string(name) +
                       " from an external peer discarded (RFC 7606 §7.9, §7.10)");
      if (!flags_ok(flags, kOptionalNonTransitive, name)) return;
      bool good =
          type == attribute::kOriginatorId ? v.size() == 4 : (!v.empty() && v.size() % 4 == 0);
      if (!good)
        return withdraw(
            update_error::kAttributeLengthError,
            std::string(name) + " length malformed: treat-as-withdraw (RFC 7606 §7.9, §7.10)");
      // Route reflection is not spoken: the attribute is non-transitive, so it is not kept.
      return;
    }
    case attribute::kMpReachNlri:
      return mp_reach(flags, v);
    case attribute::kMpUnreachNlri:
      return mp_unreach(flags, v);
    case attribute::kExtendedCommunities:
    case attribute::kLargeCommunities: {
      bool extended = type == attribute::kExtendedCommunities;
      const char* name = extended ? "EXTENDED_COMMUNITIES" : "LARGE_COMMUNITY";
      if (!flags_ok(flags, kOptionalTransitive, name)) return;
      std::size_t unit = extended ? 8 : 12;
      if (v.empty() || v.size() % unit != 0) {
        return withdraw(update_error::kOptionalAttributeError,
                        std::string(name) + " length is 0 or not a multiple of " +
                            std::to_string(unit) +
                            (extended ? ": treat-as-withdraw (RFC 7606 §7.14)"
                                      : ": treat-as-withdraw (RFC 8092 §6)"));
      }
      a.other.push_back(
          RawAttribute{static_cast<std::uint8_t>(flags & 0xE0), type, {v.begin(), v.end()}});
      return;
    }
    case attribute::kAs4Path:
      return as4_path(flags, v);
    case attribute::kAs4Aggregator:
      // RFC 6793 §4.1: not between NEW speakers; §6: a malformed one is discarded.
      if (options_.four_octet_as)
        return discard("AS4_AGGREGATOR on a 4-octet AS session discarded (RFC 6793 §4.1)");
      if ((flags & 0xC0) != kOptionalTransitive || v.size() != 8)
        return discard("AS4_AGGREGATOR malformed: discarded (RFC 6793 §6)");
      as4_aggregator_ = Aggregator{get32(v.data()), get32(v.data() + 4)};
      return;
    default:
      break;
  }
  if (!(flags & flag::kOptional)) {
    // RFC 4271 §6.3 (not revised by RFC 7606): an unrecognised well-known attribute.
    error(ErrorAction::kSessionReset, with_attribute(update_error::kUnrecognizedWellKnownAttribute),
          "unrecognised well-known attribute " + std::to_string(type) +
              ": session reset (RFC 4271 §6.3)");
    return;
  }
  if (!(flags & flag::kTransitive)) {
    discard("unrecognised optional non-transitive attribute " + std::to_string(type) +
            " ignored (RFC 4271 §5)");
    return;
  }
  // RFC 4271 §5: passed on with the Partial bit set.
  a.other.push_back(RawAttribute{
      static_cast<std::uint8_t>((flags & 0xE0) | flag::kPartial), type, {v.begin(), v.end()}});
}

void UpdateDecoder::mp_reach(std::uint8_t flags, std::span<const std::uint8_t> v) {
  // RFC 7606 §5.3, §3.j, §7.11: MP_REACH_NLRI that cannot be parsed resets the session
  // ("AFI/SAFI disable" is not implemented).
  auto reset = [&](std::uint8_t subcode, const std::string& why, bool with_data = true) {
    error(ErrorAction::kSessionReset,
          with_data ? with_attribute(subcode) : make_notification(error::kUpdateMessage, subcode),
          "MP_REACH_NLRI " + why + ": session reset (RFC 7606 §3.j, §5.3)");
  };
  if ((flags & 0xC0) != flag::kOptional)
    return reset(update_error::kAttributeFlagsError, "flags are not optional non-transitive");
  if (v.size() < 5) return reset(update_error::kOptionalAttributeError, "shorter than 5 octets");
  AfiSafi family{get16(v.data()), v[2]};
  std::size_t nh_length = v[3];
  if (4 + nh_length + 1 > v.size())
    return reset(update_error::kOptionalAttributeError, "next hop runs past the attribute");
  const std::uint8_t* nh = v.data() + 4;
  std::span<const std::uint8_t> nlri = v.subspan(4 + nh_length + 1);  // after the reserved octet
  MpReach reach;
  reach.family = family;
  if (family == kIpv4Unicast) {
    if (nh_length != 4)
      return reset(update_error::kOptionalAttributeError,
                   "IPv4 next hop length is not 4 (RFC 7606 §7.11)");
    reach.next_hop = IpAddress::v4(get32(nh));
    if (!read_prefixes<Ipv4Prefix, 32>(nlri, reach.ipv4))
      return reset(update_error::kInvalidNetworkField, "NLRI cannot be parsed", false);
  } else if (family == kIpv6Unicast) {
    if (nh_length != 16 && nh_length != 32)
      return reset(update_error::kOptionalAttributeError,
                   "IPv6 next hop length is not 16 or 32 (RFC 7606 §7.11)");
    reach.next_hop = IpAddress::v6(get128(nh));
    if (nh_length == 32) reach.link_local = IpAddress::v6(get128(nh + 16));
    if (!read_prefixes<Ipv6Prefix, 128>(nlri, reach.ipv6))
      return reset(update_error::kInvalidNetworkField, "NLRI cannot be parsed", false);
  } else {
    discard("MP_REACH_NLRI for AFI " + std::to_string(family.afi) + " SAFI " +
            std::to_string(family.safi) + " ignored: family not supported (RFC 4760 §7)");
    return;
  }
  update_.mp_reach = std::move(reach);
}

void UpdateDecoder::mp_unreach(std::uint8_t flags, std::span<const std::uint8_t> v) {
  auto reset = [&](std::uint8_t subcode, const std::string& why, bool with_data = true) {
    error(ErrorAction::kSessionReset,
          with_data ? with_attribute(subcode) : make_notification(error::kUpdateMessage, subcode),
          "MP_UNREACH_NLRI " + why + ": session reset (RFC 7606 §3.j, §5.3)");
  };
  if ((flags & 0xC0) != flag::kOptional)
    return reset(update_error::kAttributeFlagsError, "flags are not optional non-transitive");
  if (v.size() < 3) return reset(update_error::kOptionalAttributeError, "shorter than 3 octets");
  MpUnreach unreach;
  unreach.family = AfiSafi{get16(v.data()), v[2]};
  std::span<const std::uint8_t> nlri = v.subspan(3);
  if (unreach.family == kIpv4Unicast) {
    if (!read_prefixes<Ipv4Prefix, 32>(nlri, unreach.ipv4))
      return reset(update_error::kInvalidNetworkField, "NLRI cannot be parsed", false);
  } else if (unreach.family == kIpv6Unicast) {
    if (!read_prefixes<Ipv6Prefix, 128>(nlri, unreach.ipv6))
      return reset(update_error::kInvalidNetworkField, "NLRI cannot be parsed", false);
  } else {
    discard("MP_UNREACH_NLRI for AFI " + std::to_string(unreach.family.afi) + " SAFI " +
            std::to_string(unreach.family.safi) + " ignored: family not supported (RFC 4760 §7)");
    return;
  }
  update_.mp_unreach = std::move(unreach);
}

void UpdateDecoder::as4_path(std::uint8_t flags, std::span<const std::uint8_t> v) {
  // RFC 6793 §4.1: not between NEW speakers; §6: malformed is discarded, confederation
  // segments are removed.
  if (options_.four_octet_as)
    return discard("AS4_PATH on a 4-octet AS session discarded (RFC 6793 §4.1)");
  AsPath path;
  if ((flags & 0xC0) != (flag::kOptional | flag::kTransitive) || v.empty() ||
      !read_as_path(v, 4, path)) {
    return discard("AS4_PATH malformed: discarded (RFC 6793 §6)");
  }
  auto confed = std::remove_if(path.begin(), path.end(),
                               [](const AsPathSegment& s) { return is_confed(s.type); });
  if (confed != path.end()) {
    path.erase(confed, path.end());
    result_.notes.push_back("AS4_PATH confederation segments removed (RFC 6793 §6)");
  }
  as4_path_ = std::move(path);
}

void UpdateDecoder::finish() {
  PathAttributes& a = update_.attributes;
  if (!reset_ && !options_.four_octet_as) {
    // RFC 6793 §4.2.3: rebuild the 4-octet path and aggregator from AS4_PATH/AS4_AGGREGATOR.
    bool ignore_as4 = false;
    if (as4_aggregator_ && a.aggregator) {
      if (a.aggregator->asn != kAsTrans) {
        ignore_as4 = true;
        result_.notes.push_back(
            "AGGREGATOR is not AS_TRANS: AS4_AGGREGATOR and AS4_PATH ignored (RFC 6793 §4.2.3)");
      } else {
        a.aggregator = *as4_aggregator_;
      }
    }
    if (!ignore_as4 && as4_path_ && a.as_path) {
      if (path_length(*a.as_path) < path_length(*as4_path_)) {
        result_.notes.push_back("AS4_PATH longer than AS_PATH: ignored (RFC 6793 §4.2.3)");
      } else {
        a.as_path = merge_as4_path(*a.as_path, *as4_path_);
      }
    }
  }
  bool reach_ipv4 = !update_.nlri.empty();
  bool reach_mp =
      update_.mp_reach && (!update_.mp_reach->ipv4.empty() || !update_.mp_reach->ipv6.empty());
  if (!reset_ && (reach_ipv4 || reach_mp)) {
    // RFC 7606 §3.d: a missing well-known mandatory attribute; NEXT_HOP only with IPv4 NLRI in
    // the NLRI field (RFC 4760 §3).
    auto missing = [&](std::uint8_t type, const char* name) {
      if (seen_[type]) return;
      std::uint8_t code[1] = {type};
      error(
          ErrorAction::kTreatAsWithdraw,
          make_notification(error::kUpdateMessage, update_error::kMissingWellKnownAttribute, code),
          std::string(name) + " missing: treat-as-withdraw (RFC 7606 §3.d)");
    };
    missing(attribute::kOrigin, "ORIGIN");
    missing(attribute::kAsPath, "AS_PATH");
    if (reach_ipv4) missing(attribute::kNextHop, "NEXT_HOP");
    // RFC 4271 §6.3: a NEXT_HOP that is not a valid host address (0.0.0.0, loopback, multicast,
    // class E) is syntactically incorrect, one equal to the receiver's address semantically;
    // either way the routes are not used: treat-as-withdraw (RFC 7606 §2), no NOTIFICATION.
    if (reach_ipv4 && a.next_hop) {
      auto nh = static_cast<std::uint32_t>(a.next_hop->bits());
      if (!valid_ipv4_host(nh)) {
        error(ErrorAction::kTreatAsWithdraw,
              make_notification(error::kUpdateMessage, update_error::kInvalidNextHopAttribute),
              "NEXT_HOP " + a.next_hop->str() +
                  " is not a valid host address: treat-as-withdraw (RFC 4271 §6.3, RFC 7606 §2)");
      } else if (options_.local_address && *options_.local_address == *a.next_hop) {
        error(ErrorAction::kTreatAsWithdraw,
              make_notification(error::kUpdateMessage, update_error::kInvalidNextHopAttribute),
              "NEXT_HOP " + a.next_hop->str() +
                  " is the receiver's own address: routes ignored (RFC 4271 §6.3)");
      }
    }
    if (reach_mp) {
      const IpAddress& nh = update_.mp_reach->next_hop;
      bool valid = nh.is_v4() ? valid_ipv4_host(static_cast<std::uint32_t>(nh.bits()))
                              : valid_ipv6_host(nh.bits());
      if (!valid) {
        error(ErrorAction::kTreatAsWithdraw,
              make_notification(error::kUpdateMessage, update_error::kInvalidNextHopAttribute),
              "MP_REACH_NLRI next hop " + nh.str() +
                  " is not a valid host address: treat-as-withdraw (RFC 4760 §3, RFC 4271 §6.3)");
      } else if (options_.local_address && *options_.local_address == nh) {
        error(ErrorAction::kTreatAsWithdraw,
              make_notification(error::kUpdateMessage, update_error::kInvalidNextHopAttribute),
              "MP_REACH_NLRI next hop " + nh.str() +
                  " is the receiver's own address: routes ignored (RFC 4271 §6.3)");
      }
    }
  }
  if (!reset_ && result_.action == ErrorAction::kTreatAsWithdraw && !reach_ipv4 && !reach_mp &&
      other_than_unreach_) {
    // RFC 7606 §5.2: attributes but no reachable NLRI: nothing to withdraw, and the error may
    // have hidden the NLRI, so anything stronger than attribute discard resets.
    result_.action = ErrorAction::kSessionReset;
    result_.notes.push_back(
        "the UPDATE announces no routes, so its error resets the session (RFC 7606 §5.2)");
    reset_ = withdraw_;
  }
  if (reset_) {
    result_.action = ErrorAction::kSessionReset;
    result_.reset = std::move(reset_);
    result_.message = Update{};
    return;
  }
  if (result_.action == ErrorAction::kTreatAsWithdraw) {
    // RFC 7606 §2: the UPDATE is treated as though all the routes it contains had been withdrawn.
    result_.withdraw_ipv4 = std::move(update_.nlri);
    update_.nlri.clear();
    if (update_.mp_reach) {
      auto& r = *update_.mp_reach;
      result_.withdraw_ipv4.insert(result_.withdraw_ipv4.end(), r.ipv4.begin(), r.ipv4.end());
      result_.withdraw_ipv6 = std::move(r.ipv6);
      update_.mp_reach.reset();
    }
    update_.attributes = PathAttributes{};
  }
  std::stable_sort(a.other.begin(), a.other.end(),
                   [](const RawAttribute& x, const RawAttribute& y) { return x.type < y.type; });
  result_.message = std::move(update_);
}

// ---- OPEN decoding (RFC 4271 §6.2, RFC 5492)

void decode_open(std::span<const std::uint8_t> message, std::span<const std::uint8_t> body,
                 DecodeResult& result) {
  auto fail = [&](std::uint8_t code, std::uint8_t subcode, std::span<const std::uint8_t> data,
                  std::string note) {
    result.action = ErrorAction::kSessionReset;
    result.reset = make_notification(code, subcode, data);
    result.notes.push_back(std::move(note));
  };
  Open open;
  open.version = body[0];
  open.my_as = get16(body.data() + 1);
  open.hold_time = get16(body.data() + 3);
  open.bgp_identifier = get32(body.data() + 5);
  std::size_t params_length = body[9];
  if (open.version != kVersion) {
    const std::uint8_t supported[2] = {0, kVersion};
    return fail(error::kOpenMessage, open_error::kUnsupportedVersionNumber, supported,
                "OPEN version " + std::to_string(open.version) + " is not 4 (RFC 4271 §6.2)");
  }
  if (open.hold_time == 1 || open.hold_time == 2) {
    return fail(error::kOpenMessage, open_error::kUnacceptableHoldTime, {},
                "OPEN hold time 1 or 2 seconds (RFC 4271 §6.2)");
  }
  if (open.bgp_identifier == 0) {
    return fail(error::kOpenMessage, open_error::kBadBgpIdentifier, {},
                "OPEN BGP Identifier is 0 (RFC 6286 §2.2)");
  }
  if (10 + params_length != body.size()) {
    return fail(
        error::kMessageHeader, header_error::kBadMessageLength, message.subspan(16, 2),
        "OPEN optional parameters length disagrees with the message length (RFC 4271 §6.1)");
  }
  std::span<const std::uint8_t> params = body.subspan(10);
  for (std::size_t i = 0; i < params.size();) {
    if (params.size() - i < 2 || params.size() - i - 2 < params[i + 1]) {
      return fail(error::kOpenMessage, open_error::kUnspecific, {},
                  "OPEN optional parameter runs past its field (RFC 4271 §4.2)");
    }
    std::uint8_t type = params[i];
    std::span<const std::uint8_t> caps = params.subspan(i + 2, params[i + 1]);
    i += 2 + caps.size();
    if (type != 2) {
      return fail(error::kOpenMessage, open_error::kUnsupportedOptionalParameter, {},
                  "OPEN optional parameter " + std::to_string(type) +
                      " is not Capabilities (RFC 4271 §6.2, RFC 5492 §4)");
    }
    for (std::size_t k = 0; k < caps.size();) {
      if (caps.size() - k < 2 || caps.size() - k - 2 < caps[k + 1]) {
        return fail(error::kOpenMessage, open_error::kUnspecific, {},
                    "OPEN capability runs past its parameter (RFC 5492 §4)");
      }
      std::uint8_t code = caps[k];
      std::span<const std::uint8_t> v = caps.subspan(k + 2, caps[k + 1]);
      k += 2 + v.size();
      auto malformed = [&](const char* name) {
        fail(error::kOpenMessage, open_error::kUnspecific, {},
             std::string("OPEN ") + name + " capability has a wrong length");
      };
      switch (code) {
        case capability::kMultiprotocol:
          if (v.size() != 4) return malformed("multiprotocol");  // RFC 4760 §8
          open.multiprotocol.push_back(AfiSafi{get16(v.data()), v[3]});
          continue;
        case capability::kRouteRefresh:
          if (!v.empty()) return malformed("route refresh");  // RFC 2918 §2
          open.route_refresh = true;
          continue;
        case capability::kGracefulRestart:
          if (open.graceful_restart) break;  // a second copy is kept raw
          if (v.size() < 2 || (v.size() - 2) % 4 != 0)
            return malformed("graceful restart");  // RFC 4724 §3
          {
            GracefulRestart gr;
            gr.restart_state = (v[0] & 0x80) != 0;
            gr.notification = (v[0] & 0x40) != 0;
            gr.restart_time = static_cast<std::uint16_t>(((v[0] & 0x0F) << 8) | v[1]);
            for (std::size_t f = 2; f < v.size(); f += 4) {
              gr.families.push_back(
                  {AfiSafi{get16(v.data() + f), v[f + 2]}, (v[f + 3] & 0x80) != 0});
            }
            open.graceful_restart = std::move(gr);
          }
          continue;
        case capability::kFourOctetAs:
          if (open.four_octet_as) break;
          if (v.size() != 4) return malformed("4-octet AS");  // RFC 6793 §3
          open.four_octet_as = get32(v.data());
          continue;
        default:
          break;
      }
      open.other_capabilities.push_back(RawCapability{code, {v.begin(), v.end()}});
    }
  }
  result.message = std::move(open);
}

Frame frame_error(std::uint8_t subcode, std::span<const std::uint8_t> data) {
  Frame f;
  f.status = FrameStatus::kError;
  f.error = make_notification(error::kMessageHeader, subcode, data);
  return f;
}

// ---- encoding

// Appends one attribute, with the Extended Length bit when the value exceeds 255 octets.
template <typename Write>
void write_attribute(std::vector<std::uint8_t>& out, std::uint8_t flags, std::uint8_t type,
                     Write&& write_value) {
  std::size_t at = out.size();
  put8(out, flags & 0xE0);
  put8(out, type);
  put8(out, 0);
  write_value();
  std::size_t length = out.size() - at - 3;
  if (length > 255) {
    out[at] |= flag::kExtendedLength;
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at + 3), 0);
    set16(out, at + 2, length);
  } else {
    out[at + 2] = static_cast<std::uint8_t>(length);
  }
}

bool is_modelled(std::uint8_t type) {
  switch (type) {
    case attribute::kOrigin:
    case attribute::kAsPath:
    case attribute::kNextHop:
    case attribute::kMultiExitDisc:
    case attribute::kLocalPref:
    case attribute::kAtomicAggregate:
    case attribute::kAggregator:
    case attribute::kCommunities:
    case attribute::kMpReachNlri:
    case attribute::kMpUnreachNlri:
    case attribute::kAs4Path:
    case attribute::kAs4Aggregator:
      return true;
    default:
      return false;
  }
}

bool encode_open(const Open& open, std::vector<std::uint8_t>& out) {
  put8(out, open.version);
  put16(out, open.my_as);
  put16(out, open.hold_time);
  put32(out, open.bgp_identifier);
  std::size_t params_at = out.size();
  put8(out, 0);
  put8(out, 2);  // one Capabilities parameter holds them all (RFC 5492 §4)
  put8(out, 0);
  for (const AfiSafi& f : open.multiprotocol) {
    put8(out, capability::kMultiprotocol);
    put8(out, 4);
    put16(out, f.afi);
    put8(out, 0);
    put8(out, f.safi);
  }
  if (open.route_refresh) {
    put8(out, capability::kRouteRefresh);
    put8(out, 0);
  }
  if (open.graceful_restart) {
    const GracefulRestart& gr = *open.graceful_restart;
    if (gr.restart_time > 0x0FFF || gr.families.size() > 63) return false;
    put8(out, capability::kGracefulRestart);
    put8(out, 2 + 4 * gr.families.size());
    put8(out,
         (gr.restart_state ? 0x80 : 0) | (gr.notification ? 0x40 : 0) | (gr.restart_time >> 8));
    put8(out, gr.restart_time & 0xFF);
    for (const auto& f : gr.families) {
      put16(out, f.family.afi);
      put8(out, f.family.safi);
      put8(out, f.forwarding_state ? 0x80 : 0);
    }
  }
  if (open.four_octet_as) {
    put8(out, capability::kFourOctetAs);
    put8(out, 4);
    put32(out, *open.four_octet_as);
  }
  for (const RawCapability& c : open.other_capabilities) {
    if (c.value.size() > 255) return false;
    put8(out, c.code);
    put8(out, c.value.size());
    out.insert(out.end(), c.value.begin(), c.value.end());
  }
  std::size_t caps = out.size() - params_at - 3;
  if (caps == 0) {
    out.resize(params_at + 1);  // no parameters at all
    return true;
  }
  if (caps > 253) return false;  // RFC 9072 extended parameters are not spoken
  out[params_at] = static_cast<std::uint8_t>(caps + 2);
  out[params_at + 2] = static_cast<std::uint8_t>(caps);
  return true;
}

bool encode_update(const Update& u, const SessionOptions& options, std::vector<std::uint8_t>& out) {
  const PathAttributes& a = u.attributes;
  bool reach_mp = u.mp_reach && (!u.mp_reach->ipv4.empty() || !u.mp_reach->ipv6.empty());
  // RFC 4271 §5, RFC 4760 §3: the well-known mandatory attributes travel with any NLRI.
  if ((!u.nlri.empty() || reach_mp) && (!a.origin || !a.as_path)) return false;
  if (!u.nlri.empty() && !a.next_hop) return false;
  if (a.next_hop && !a.next_hop->is_v4()) return false;
  if (a.origin && static_cast<std::uint8_t>(*a.origin) > 2) return false;
  for (const RawAttribute& r : a.other) {
    if (is_modelled(r.type)) return false;
  }
  std::size_t withdrawn_at = out.size();
  put16(out, 0);
  for (const Ipv4Prefix& p : u.withdrawn) write_prefix(out, p);
  set16(out, withdrawn_at, out.size() - withdrawn_at - 2);
  std::size_t attributes_at = out.size();
  put16(out, 0);
  bool two_octet = !options.four_octet_as;
  // RFC 7606 §5.1: MP_REACH_NLRI and MP_UNREACH_NLRI first.
  if (u.mp_reach) {
    const MpReach& r = *u.mp_reach;
    bool v4 = r.family == kIpv4Unicast;
    if (!v4 && r.family != kIpv6Unicast) return false;
    if (v4 ? (!r.next_hop.is_v4() || r.link_local || !r.ipv6.empty())
           : (!r.next_hop.is_v6() || (r.link_local && !r.link_local->is_v6()) || !r.ipv4.empty())) {
      return false;
    }
    write_attribute(out, flag::kOptional, attribute::kMpReachNlri, [&] {
      put16(out, r.family.afi);
      put8(out, r.family.safi);
      if (v4) {
        put8(out, 4);
        put32(out, static_cast<std::uint32_t>(r.next_hop.bits()));
      } else {
        put8(out, r.link_local ? 32 : 16);
        put128(out, r.next_hop.bits());
        if (r.link_local) put128(out, r.link_local->bits());
      }
      put8(out, 0);  // reserved
      for (const Ipv4Prefix& p : r.ipv4) write_prefix(out, p);
      for (const Ipv6Prefix& p : r.ipv6) write_prefix(out, p);
    });
  }
  if (u.mp_unreach) {
    const MpUnreach& r = *u.mp_unreach;
    bool v4 = r.family == kIpv4Unicast;
    if (!v4 && r.family != kIpv6Unicast) return false;
    if (v4 ? !r.ipv6.empty() : !r.ipv4.empty()) return false;
    write_attribute(out, flag::kOptional, attribute::kMpUnreachNlri, [&] {
      put16(out, r.family.afi);
      put8(out, r.family.safi);
      for (const Ipv4Prefix& p : r.ipv4) write_prefix(out, p);
      for (const Ipv6Prefix& p : r.ipv6) write_prefix(out, p);
    });
  }
  std::size_t other = 0;
  auto others_before = [&](int type) {
    for (; other < a.other.size() && a.other[other].type < type; ++other) {
      const RawAttribute& r = a.other[other];
      write_attribute(out, r.flags, r.type,
                      [&] { out.insert(out.end(), r.value.begin(), r.value.end()); });
    }
  };
  others_before(attribute::kOrigin);
  if (a.origin) {
    write_attribute(out, flag::kTransitive, attribute::kOrigin,
                    [&] { put8(out, static_cast<std::uint8_t>(*a.origin)); });
  }
  if (a.as_path) {
    write_attribute(out, flag::kTransitive, attribute::kAsPath,
                    [&] { write_as_path(out, *a.as_path, two_octet, false); });
  }
  if (a.next_hop) {
    write_attribute(out, flag::kTransitive, attribute::kNextHop,
                    [&] { put32(out, static_cast<std::uint32_t>(a.next_hop->bits())); });
  }
  if (a.med) {
    write_attribute(out, flag::kOptional, attribute::kMultiExitDisc, [&] { put32(out, *a.med); });
  }
  // RFC 4271 §5.1.5: LOCAL_PREF only toward internal peers.
  if (a.local_pref && !options.external) {
    write_attribute(out, flag::kTransitive, attribute::kLocalPref,
                    [&] { put32(out, *a.local_pref); });
  }
  if (a.atomic_aggregate)
    write_attribute(out, flag::kTransitive, attribute::kAtomicAggregate, [] {});
  if (a.aggregator) {
    write_attribute(out, flag::kOptional | flag::kTransitive, attribute::kAggregator, [&] {
      if (two_octet) {
        put16(out, a.aggregator->asn > 0xFFFF ? kAsTrans : a.aggregator->asn);
      } else {
        put32(out, a.aggregator->asn);
      }
      put32(out, a.aggregator->address);
    });
  }
  others_before(attribute::kCommunities);
  if (!a.communities.empty()) {
    write_attribute(out, flag::kOptional | flag::kTransitive, attribute::kCommunities, [&] {
      for (std::uint32_t c : a.communities) put32(out, c);
    });
  }
  others_before(attribute::kAs4Path);
  // RFC 6793 §4.2.2: toward an OLD speaker, the 4-octet path and aggregator go in AS4_PATH and
  // AS4_AGGREGATOR when some ASN does not fit two octets.
  if (two_octet && a.as_path && has_non_mappable(*a.as_path)) {
    write_attribute(out, flag::kOptional | flag::kTransitive, attribute::kAs4Path,
                    [&] { write_as_path(out, *a.as_path, false, true); });
  }
  if (two_octet && a.aggregator && a.aggregator->asn > 0xFFFF) {
    write_attribute(out, flag::kOptional | flag::kTransitive, attribute::kAs4Aggregator, [&] {
      put32(out, a.aggregator->asn);
      put32(out, a.aggregator->address);
    });
  }
  others_before(256);
  set16(out, attributes_at, out.size() - attributes_at - 2);
  for (const Ipv4Prefix& p : u.nlri) write_prefix(out, p);
  return true;
}

}  // namespace

// ---- names

std::string_view error_name(std::uint8_t code) {
  switch (code) {
    case error::kMessageHeader:
      return "Message Header Error";
    case error::kOpenMessage:
      return "OPEN Message Error";
    case error::kUpdateMessage:
      return "UPDATE Message Error";
    case error::kHoldTimerExpired:
      return "Hold Timer Expired";
    case error::kFiniteStateMachine:
      return "Finite State Machine Error";
    case error::kCease:
      return "Cease";
    case error::kRouteRefreshMessage:
      return "ROUTE-REFRESH Message Error";
    default:
      return "";
  }
}

std::string_view error_subcode_name(std::uint8_t code, std::uint8_t subcode) {
  switch (code) {
    case error::kMessageHeader:
      switch (subcode) {
        case header_error::kConnectionNotSynchronized:
          return "Connection Not Synchronized";
        case header_error::kBadMessageLength:
          return "Bad Message Length";
        case header_error::kBadMessageType:
          return "Bad Message Type";
        default:
          return "";
      }
    case error::kOpenMessage:
      switch (subcode) {
        case open_error::kUnspecific:
          return "Unspecific";
        case open_error::kUnsupportedVersionNumber:
          return "Unsupported Version Number";
        case open_error::kBadPeerAs:
          return "Bad Peer AS";
        case open_error::kBadBgpIdentifier:
          return "Bad BGP Identifier";
        case open_error::kUnsupportedOptionalParameter:
          return "Unsupported Optional Parameter";
        case open_error::kUnacceptableHoldTime:
          return "Unacceptable Hold Time";
        case open_error::kUnsupportedCapability:
          return "Unsupported Capability";
        default:
          return "";
      }
    case error::kUpdateMessage:
      switch (subcode) {
        case update_error::kMalformedAttributeList:
          return "Malformed Attribute List";
        case update_error::kUnrecognizedWellKnownAttribute:
          return "Unrecognized Well-known Attribute";
        case update_error::kMissingWellKnownAttribute:
          return "Missing Well-known Attribute";
        case update_error::kAttributeFlagsError:
          return "Attribute Flags Error";
        case update_error::kAttributeLengthError:
          return "Attribute Length Error";
        case update_error::kInvalidOriginAttribute:
          return "Invalid ORIGIN Attribute";
        case update_error::kInvalidNextHopAttribute:
          return "Invalid NEXT_HOP Attribute";
        case update_error::kOptionalAttributeError:
          return "Optional Attribute Error";
        case update_error::kInvalidNetworkField:
          return "Invalid Network Field";
        case update_error::kMalformedAsPath:
          return "Malformed AS_PATH";
        default:
          return "";
      }
    case error::kCease:
      switch (subcode) {
        case cease::kMaximumNumberOfPrefixesReached:
          return "Maximum Number of Prefixes Reached";
        case cease::kAdministrativeShutdown:
          return "Administrative Shutdown";
        case cease::kPeerDeconfigured:
          return "Peer De-configured";
        case cease::kAdministrativeReset:
          return "Administrative Reset";
        case cease::kConnectionRejected:
          return "Connection Rejected";
        case cease::kOtherConfigurationChange:
          return "Other Configuration Change";
        case cease::kConnectionCollisionResolution:
          return "Connection Collision Resolution";
        case cease::kOutOfResources:
          return "Out of Resources";
        case cease::kHardReset:
          return "Hard Reset";
        case cease::kBfdDown:
          return "BFD Down";
        default:
          return "";
      }
    case error::kRouteRefreshMessage:
      return subcode == route_refresh_error::kInvalidMessageLength ? "Invalid Message Length" : "";
    default:
      return "";
  }
}

std::string describe(const Notification& n) {
  std::string text(error_name(n.code));
  if (text.empty()) text = "error " + std::to_string(n.code);
  std::string_view sub = error_subcode_name(n.code, n.subcode);
  if (!sub.empty()) text += " / " + std::string(sub);
  return text + " (" + std::to_string(n.code) + "/" + std::to_string(n.subcode) + ")";
}

Notification maximum_prefixes_reached(AfiSafi family, std::uint32_t limit) {
  Notification n{error::kCease, cease::kMaximumNumberOfPrefixesReached, {}};
  put16(n.data, family.afi);
  put8(n.data, family.safi);
  put32(n.data, limit);
  return n;
}

Notification administrative_cease(std::uint8_t subcode, std::string_view message) {
  Notification n{error::kCease, subcode, {}};
  std::size_t length = std::min<std::size_t>(message.size(), 255);
  put8(n.data, length);
  n.data.insert(n.data.end(), message.begin(),
                message.begin() + static_cast<std::ptrdiff_t>(length));
  return n;
}

std::string community_name(std::uint32_t c) {
  switch (c) {
    case community::kGracefulShutdown:
      return "GRACEFUL_SHUTDOWN";
    case community::kBlackhole:
      return "BLACKHOLE";
    case community::kNoExport:
      return "NO_EXPORT";
    case community::kNoAdvertise:
      return "NO_ADVERTISE";
    case community::kNoExportSubconfed:
      return "NO_EXPORT_SUBCONFED";
    case community::kNoPeer:
      return "NOPEER";
    default:
      return std::to_string(c >> 16) + ":" + std::to_string(c & 0xFFFF);
  }
}

std::size_t path_length(const AsPath& path) {
  std::size_t n = 0;
  for (const AsPathSegment& s : path) {
    if (s.type == SegmentType::kSequence) n += s.asns.size();
    if (s.type == SegmentType::kSet) n += 1;
  }
  return n;
}

std::optional<AfiSafi> Update::end_of_rib() const {
  if (!withdrawn.empty() || !nlri.empty() || mp_reach || attributes != PathAttributes{})
    return std::nullopt;
  if (!mp_unreach) return kIpv4Unicast;
  if (mp_unreach->ipv4.empty() && mp_unreach->ipv6.empty()) return mp_unreach->family;
  return std::nullopt;
}

// ---- framing

Frame next_frame(std::span<const std::uint8_t> buffer) {
  // RFC 4271 §6.1: the marker, then the length (19..4096 and the type's minimum), then the type.
  std::size_t marker = std::min(buffer.size(), kMarkerSize);
  for (std::size_t i = 0; i < marker; ++i) {
    if (buffer[i] != 0xFF) return frame_error(header_error::kConnectionNotSynchronized, {});
  }
  if (buffer.size() < kHeaderSize) return Frame{};
  std::size_t length = get16(buffer.data() + 16);
  std::uint8_t type = buffer[18];
  std::span<const std::uint8_t> length_field = buffer.subspan(16, 2);
  if (length < kHeaderSize || length > kMaxMessageSize) {
    return frame_error(header_error::kBadMessageLength, length_field);
  }
  if (type < 1 || type > 5)
    return frame_error(header_error::kBadMessageType, buffer.subspan(18, 1));
  bool too_short = (type == 1 && length < kMinOpenSize) || (type == 2 && length < kMinUpdateSize) ||
                   (type == 3 && length < kMinNotificationSize) ||
                   (type == 4 && length != kHeaderSize);
  if (too_short) return frame_error(header_error::kBadMessageLength, length_field);
  if (buffer.size() < length) return Frame{};
  Frame f;
  f.status = FrameStatus::kComplete;
  f.size = length;
  return f;
}

void Framer::feed(std::span<const std::uint8_t> bytes) {
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> Framer::next() {
  if (error_) return {};
  std::span<const std::uint8_t> rest(buffer_.data() + start_, buffer_.size() - start_);
  Frame f = next_frame(rest);
  if (f.status == FrameStatus::kError) {
    error_ = std::move(f.error);
    return {};
  }
  if (f.status == FrameStatus::kNeedMore) return {};
  start_ += f.size;
  return rest.first(f.size);
}

// ---- decode / encode

DecodeResult decode(std::span<const std::uint8_t> message, const SessionOptions& options) {
  DecodeResult result;
  Frame f = next_frame(message);
  if (f.status != FrameStatus::kComplete || f.size != message.size()) {
    result.action = ErrorAction::kSessionReset;
    if (f.status == FrameStatus::kError) {
      result.reset = std::move(f.error);
    } else {
      std::span<const std::uint8_t> length_field =
          message.size() >= kHeaderSize ? message.subspan(16, 2) : std::span<const std::uint8_t>{};
      result.reset =
          make_notification(error::kMessageHeader, header_error::kBadMessageLength, length_field);
    }
    result.notes.push_back("the message's length field disagrees with its size (RFC 4271 §6.1)");
    return result;
  }
  std::span<const std::uint8_t> body = message.subspan(kHeaderSize);
  switch (static_cast<MessageType>(message[18])) {
    case MessageType::kOpen:
      decode_open(message, body, result);
      break;
    case MessageType::kUpdate: {
      UpdateDecoder decoder(options, result);
      decoder.run(body);
      break;
    }
    case MessageType::kNotification:
      result.message = Notification{body[0], body[1], {body.begin() + 2, body.end()}};
      break;
    case MessageType::kKeepalive:
      result.message = Keepalive{};
      break;
    case MessageType::kRouteRefresh:
      if (message.size() != kRouteRefreshSize) {
        // RFC 7313 §5: the NOTIFICATION carries the whole message.
        result.action = ErrorAction::kSessionReset;
        result.reset = make_notification(error::kRouteRefreshMessage,
                                         route_refresh_error::kInvalidMessageLength, message);
        result.notes.push_back("ROUTE-REFRESH length is not 23 (RFC 7313 §5)");
        break;
      }
      result.message = RouteRefresh{AfiSafi{get16(body.data()), body[3]}, body[2]};
      break;
  }
  return result;
}

bool encode_to(const Message& message, const SessionOptions& options,
               std::vector<std::uint8_t>& out) {
  std::size_t start = out.size();
  out.insert(out.end(), kMarkerSize, 0xFF);
  put16(out, 0);
  put8(out, message.index() + 1);
  bool ok = std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Open>) {
          return encode_open(m, out);
        } else if constexpr (std::is_same_v<T, Update>) {
          return encode_update(m, options, out);
        } else if constexpr (std::is_same_v<T, Notification>) {
          put8(out, m.code);
          put8(out, m.subcode);
          out.insert(out.end(), m.data.begin(), m.data.end());
          return true;
        } else if constexpr (std::is_same_v<T, Keepalive>) {
          return true;
        } else {
          put16(out, m.family.afi);
          put8(out, m.subtype);
          put8(out, m.family.safi);
          return true;
        }
      },
      message);
  std::size_t length = out.size() - start;
  if (!ok || length > kMaxMessageSize) {
    out.resize(start);
    return false;
  }
  set16(out, start + 16, length);
  return true;
}

std::optional<std::vector<std::uint8_t>> encode(const Message& message,
                                                const SessionOptions& options) {
  std::vector<std::uint8_t> out;
  if (!encode_to(message, options, out)) return std::nullopt;
  return out;
}

}  // namespace cloudtwin::hybrid::bgp
