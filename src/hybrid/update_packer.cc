#include "cloudtwin/hybrid/update_packer.h"

#include <map>
#include <string>

namespace cloudtwin::hybrid::bgp {

namespace {

std::size_t prefix_size(const Ipv4Prefix& p) { return 1 + (std::size_t{p.length} + 7) / 8; }
std::size_t prefix_size(const Ipv6Prefix& p) { return 1 + (std::size_t{p.length} + 7) / 8; }

void append_prefix(std::vector<std::uint8_t>& out, const Ipv4Prefix& p) {
  out.push_back(p.length);
  for (int k = 0; k < (p.length + 7) / 8; ++k)
    out.push_back(static_cast<std::uint8_t>(p.bits >> (24 - 8 * k)));
}

void set16(std::vector<std::uint8_t>& out, std::size_t at, std::size_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v);
}

// How many of `prefixes` from `from` fit in `room` octets when the attribute that carries them
// grows from a 1-octet to a 2-octet length past 255 octets of value (`value` is its size
// without prefixes).
template <typename P>
std::size_t fit(std::span<const P> prefixes, std::size_t from, std::size_t room,
                std::size_t value) {
  std::size_t n = 0;
  std::size_t used = 0;
  for (std::size_t i = from; i < prefixes.size(); ++i) {
    std::size_t add = prefix_size(prefixes[i]);
    std::size_t grown = (value + used + add > 255 && value + used <= 255) ? 1 : 0;
    if (add + grown > room) break;
    room -= add + grown;
    used += add;
    ++n;
  }
  return n;
}

// Messages for MP_REACH/MP_UNREACH: the NLRI lives inside the attribute, so each message is
// encoded whole.
template <typename Make>
std::optional<std::size_t> pack_mp(std::span<const Ipv6Prefix> prefixes,
                                   const SessionOptions& options, std::vector<std::uint8_t>& out,
                                   Make make) {
  std::size_t start = out.size();
  std::vector<std::uint8_t> empty;
  if (!encode_to(make(std::span<const Ipv6Prefix>{}), options, empty)) return std::nullopt;
  // The carrying attribute's value without prefixes: AFI, SAFI (and next hop, reserved).
  std::size_t messages = 0;
  for (std::size_t i = 0; i < prefixes.size();) {
    std::size_t room = kMaxMessageSize - empty.size();
    Message probe = make(std::span<const Ipv6Prefix>{});
    const Update& u = std::get<Update>(probe);
    std::size_t value = u.mp_reach ? 5 + (u.mp_reach->link_local ? 32 : 16) : 3;
    std::size_t n = fit(prefixes, i, room, value);
    if (n == 0) {
      out.resize(start);
      return std::nullopt;
    }
    if (!encode_to(make(prefixes.subspan(i, n)), options, out)) {
      out.resize(start);
      return std::nullopt;
    }
    i += n;
    ++messages;
  }
  return messages;
}

}  // namespace

std::optional<std::size_t> pack_ipv4(const PathAttributes& attributes,
                                     std::span<const Ipv4Prefix> prefixes,
                                     const SessionOptions& options,
                                     std::vector<std::uint8_t>& out) {
  if (!attributes.origin || !attributes.as_path || !attributes.next_hop) return std::nullopt;
  Update u;
  u.attributes = attributes;
  std::vector<std::uint8_t> head;
  if (!encode_to(u, options, head)) return std::nullopt;
  std::size_t begin = out.size();
  std::size_t messages = 0;
  for (std::size_t i = 0; i < prefixes.size();) {
    std::size_t at = out.size();
    if (head.size() + prefix_size(prefixes[i]) > kMaxMessageSize) {
      out.resize(begin);
      return std::nullopt;
    }
    out.insert(out.end(), head.begin(), head.end());
    while (i < prefixes.size() && out.size() - at + prefix_size(prefixes[i]) <= kMaxMessageSize) {
      append_prefix(out, prefixes[i++]);
    }
    set16(out, at + 16, out.size() - at);
    ++messages;
  }
  return messages;
}

std::optional<std::size_t> pack_ipv6(const PathAttributes& attributes, const Ipv6NextHop& next_hop,
                                     std::span<const Ipv6Prefix> prefixes,
                                     const SessionOptions& options,
                                     std::vector<std::uint8_t>& out) {
  if (!attributes.origin || !attributes.as_path) return std::nullopt;
  return pack_mp(prefixes, options, out, [&](std::span<const Ipv6Prefix> chunk) {
    Update u;
    u.attributes = attributes;
    u.attributes.next_hop.reset();  // IPv6 routes take their next hop from MP_REACH (RFC 4760 §3)
    u.mp_reach = MpReach{
        kIpv6Unicast, next_hop.global, next_hop.link_local, {}, {chunk.begin(), chunk.end()}};
    return Message{std::move(u)};
  });
}

std::size_t pack_withdrawals(std::span<const Ipv4Prefix> prefixes, std::vector<std::uint8_t>& out) {
  std::size_t messages = 0;
  for (std::size_t i = 0; i < prefixes.size();) {
    std::size_t at = out.size();
    out.insert(out.end(), kMarkerSize, 0xFF);
    out.insert(out.end(), {0, 0, static_cast<std::uint8_t>(MessageType::kUpdate), 0, 0});
    while (i < prefixes.size() &&
           out.size() - at + prefix_size(prefixes[i]) + 2 <= kMaxMessageSize) {
      append_prefix(out, prefixes[i++]);
    }
    set16(out, at + kHeaderSize, out.size() - at - kHeaderSize - 2);
    out.insert(out.end(), {0, 0});  // no path attributes
    set16(out, at + 16, out.size() - at);
    ++messages;
  }
  return messages;
}

std::size_t pack_withdrawals(std::span<const Ipv6Prefix> prefixes, std::vector<std::uint8_t>& out) {
  auto packed = pack_mp(prefixes, SessionOptions{}, out, [](std::span<const Ipv6Prefix> chunk) {
    Update u;
    u.mp_unreach = MpUnreach{kIpv6Unicast, {}, {chunk.begin(), chunk.end()}};
    return Message{std::move(u)};
  });
  return packed.value_or(0);
}

std::optional<std::size_t> pack_routes(std::span<const PathAttributes> attribute_sets,
                                       std::span<const Ipv4Route> routes,
                                       const SessionOptions& options,
                                       std::vector<std::uint8_t>& out) {
  // Sets that encode to the same bytes are one group.
  // Keyed by std::string, not std::vector<std::uint8_t>: GCC 12 at -O3 reports a false
  // -Wstringop-overread in the vector's three-way comparison, which breaks the release build.
  std::map<std::string, std::uint32_t> groups;
  std::vector<std::uint32_t> group_of(attribute_sets.size());
  std::vector<std::uint32_t> representative;
  for (std::size_t s = 0; s < attribute_sets.size(); ++s) {
    Update u;
    u.attributes = attribute_sets[s];
    std::vector<std::uint8_t> bytes;
    if (!encode_to(u, options, bytes))
      bytes.assign(1, static_cast<std::uint8_t>(s));  // fails below if used
    auto [it, added] = groups.emplace(std::string(bytes.begin(), bytes.end()),
                                      static_cast<std::uint32_t>(representative.size()));
    if (added) representative.push_back(static_cast<std::uint32_t>(s));
    group_of[s] = it->second;
  }
  // A counting sort of the prefixes by group, in their given order within a group.
  std::vector<std::size_t> start(representative.size() + 1, 0);
  for (const Ipv4Route& r : routes) {
    if (r.attributes >= attribute_sets.size()) return std::nullopt;
    ++start[group_of[r.attributes] + 1];
  }
  for (std::size_t g = 0; g < representative.size(); ++g) start[g + 1] += start[g];
  std::vector<Ipv4Prefix> sorted(routes.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (const Ipv4Route& r : routes) sorted[next[group_of[r.attributes]]++] = r.prefix;
  std::size_t begin = out.size();
  std::size_t messages = 0;
  for (std::size_t g = 0; g < representative.size(); ++g) {
    std::span<const Ipv4Prefix> prefixes(sorted.data() + start[g], start[g + 1] - start[g]);
    if (prefixes.empty()) continue;
    auto packed = pack_ipv4(attribute_sets[representative[g]], prefixes, options, out);
    if (!packed) {
      out.resize(begin);
      return std::nullopt;
    }
    messages += *packed;
  }
  return messages;
}

}  // namespace cloudtwin::hybrid::bgp
