// RFC 1034 §4.3.2 at query time over the precompiled store: find the zone, the first delegation
// or DNAME on the way down, the node or its wildcard, then copy the template that zone_compiler
// wrote for that node and type. Only DNAME synthesis (RFC 6672 §3.3), whose CNAME depends on the
// question name, is written here.
#include "cloudtwin/dns/answer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <optional>
#include <string_view>

namespace cloudtwin::dns {

namespace {

constexpr std::uint16_t kOptSize = 11;

std::string_view key(const std::uint8_t* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

class Writer {
 public:
  Writer(const Query& q, std::uint8_t* out, std::size_t limit) : q_(q), out_(out), limit_(limit) {
    put16(out_, q.id);
    // CD is not copied: these zones are unsigned and the server is not security-aware (NSD and
    // Knot clear it too; RFC 4035 §3.1.6 asks the copy of security-aware servers).
    flags_ = static_cast<std::uint16_t>(kFlagQr | (q.flags & (0x7800 | kFlagRd)));
    std::memset(out_ + 4, 0, 8);
    pos_ = kHeaderSize;
    reserve_ = q.edns ? kOptSize + ecs_size() : 0;
  }

  // RFC 7871 §7.2.1: the query's ECS option echoed (FAMILY, SOURCE, ADDRESS) with the SCOPE the
  // answer depends on.
  [[nodiscard]] std::size_t ecs_size() const { return q_.ecs ? 4 + 4 + (q_.ecs_source + 7u) / 8u : 0; }
  // The answer depends on the widest prefix any choice on its way looked at.
  void ecs_scope(std::uint8_t scope) { ecs_scope_ = std::max(ecs_scope_, scope); }

  void question() {
    if (q_.question_size == 0 || pos_ + q_.question_size > limit_) return;
    std::memcpy(out_ + pos_, q_.question, q_.question_size);
    pos_ += q_.question_size;
    put16(out_ + 4, 1);
  }

  void rcode(std::uint16_t rc) { rcode_ = rc; }
  void authoritative() { flags_ |= kFlagAa; }

  // Where the name a template answers for is in the message: the question name at offset 12,
  // or a DNAME's synthesised target (its first `prefix` octets at `prefix_at`, the rest at
  // `tail_at`, in the DNAME's data).
  struct Place {
    std::size_t name_size;
    std::size_t qname_at;
    std::size_t prefix;
    std::size_t prefix_at;
    std::size_t tail_at;
  };

  [[nodiscard]] Place question_place() const {
    return {q_.qname_size, kHeaderSize, q_.qname_size, kHeaderSize, 0};
  }

  // Appends template `index`; false (nothing written) when a pointer would not fit in 14 bits.
  bool copy(const ZoneStore& s, std::uint32_t index, const Place& at, bool first = true) {
    const Template& t = s.templates[index];
    const std::size_t room = limit_ - reserve_ - pos_;
    std::size_t size = t.size;
    std::uint16_t an = t.an, ns = t.ns, ar = t.ar;
    bool truncate = false;
    if (size > room) {
      size = 0;
      an = ns = ar = 0;
      for (std::uint32_t i = 0; i < t.cuts_count; ++i) {
        const Cut& c = s.cuts[t.cuts_begin + i];
        if (c.end > room) break;
        size = c.end;
        an = c.an;
        ns = c.ns;
        ar = c.ar;
      }
      // RFC 2181 §9: TC only when data the answer needs is missing, not for extra addresses.
      truncate = an < t.required_an || ns < t.required_ns || ar < t.required_ar;
    }
    if (pos_ + size > 0x3FFF && !first) return false;
    std::uint8_t* base = out_ + pos_;
    std::memcpy(base, s.bytes.data() + t.offset, size);
    const std::size_t question_end = kHeaderSize + t.base_size + 4;  // where the template began
    for (std::uint32_t i = 0; i < t.fixups_count; ++i) {
      const std::uint16_t f = s.fixups[t.fixups_begin + i];
      if (f + 2u > size) continue;
      const std::size_t ptr = get16(base + f) & 0x3FFF;
      std::size_t target;
      if (ptr < kHeaderSize + t.base_size) {
        const std::size_t off = at.name_size - t.base_size + (ptr - kHeaderSize);
        target = off < at.prefix ? at.prefix_at + off : at.tail_at + (off - at.prefix);
      } else {
        target = pos_ + (ptr - question_end);
      }
      put16(base + f, static_cast<std::uint16_t>(0xC000 | (target & 0x3FFF)));
    }
    for (std::uint32_t i = 0; i < t.qname_fixups_count; ++i) {
      const std::uint16_t f = s.fixups[t.qname_fixups_begin + i];
      if (f + 2u <= size) put16(base + f, static_cast<std::uint16_t>(0xC000 | at.qname_at));
    }
    pos_ += size;
    put16(out_ + 6, static_cast<std::uint16_t>(get16(out_ + 6) + an));
    put16(out_ + 8, static_cast<std::uint16_t>(get16(out_ + 8) + ns));
    put16(out_ + 10, static_cast<std::uint16_t>(get16(out_ + 10) + ar));
    rcode_ = t.rcode;
    if (truncate) flags_ |= kFlagTc;
    if (t.authoritative && first) flags_ |= kFlagAa;
    return true;
  }

  [[nodiscard]] bool truncated() const { return flags_ & kFlagTc; }

  // CHAOS TXT (RFC 4892 §2): one record with the question name as owner.
  void chaos_txt(const std::string& text) {
    const std::size_t len = std::min<std::size_t>(text.size(), 255);
    if (pos_ + 12 + 1 + len > limit_ - reserve_) {
      flags_ |= kFlagTc;
      return;
    }
    std::uint8_t* p = out_ + pos_;
    put16(p, 0xC000 | kHeaderSize);
    put16(p + 2, kTypeTxt);
    put16(p + 4, kClassCh);
    put32(p + 6, 0);
    put16(p + 10, static_cast<std::uint16_t>(len + 1));
    p[12] = static_cast<std::uint8_t>(len);
    std::memcpy(p + 13, text.data(), len);
    pos_ += 13 + len;
    put16(out_ + 6, 1);  // not authoritative: no zone holds it (as NSD and Knot answer)
  }

  void extended_error(std::uint16_t code) { ede_ = code; }

  // RFC 6672 §3.1 step 3c: the DNAME, then a CNAME from the question name to its rewrite.
  // Returns where the rewrite is in the message, for the lookup that goes on from it.
  std::optional<Place> dname(const ZoneStore& s, const Node& n) {
    const std::size_t prefix =
        q_.qname_size - n.name_size;  // octets of the question name below the DNAME
    const std::size_t dname_rr = 2 + 10 + n.dname_target_size;
    const std::size_t cname_rr = 2 + 10 + prefix + 2;
    authoritative();
    if (pos_ + dname_rr > limit_ - reserve_) {
      flags_ |= kFlagTc;
      return std::nullopt;
    }
    std::uint8_t* p = out_ + pos_;
    put16(p, static_cast<std::uint16_t>(0xC000 | (kHeaderSize + prefix)));
    put16(p + 2, kTypeDname);
    put16(p + 4, kClassIn);
    put32(p + 6, n.dname_ttl);
    put16(p + 10, n.dname_target_size);
    const std::size_t target_at = pos_ + 12;
    std::memcpy(p + 12, s.bytes.data() + n.dname_target, n.dname_target_size);
    pos_ += dname_rr;
    put16(out_ + 6, static_cast<std::uint16_t>(get16(out_ + 6) + 1));
    if (prefix + n.dname_target_size > kMaxNameLength) {
      rcode_ = 6;  // YXDOMAIN: the rewrite would be longer than a name may be (RFC 6672 §2.2)
      return std::nullopt;
    }
    if (pos_ + cname_rr > limit_ - reserve_ || target_at > 0x3FFF) {
      flags_ |= kFlagTc;
      return std::nullopt;
    }
    p = out_ + pos_;
    put16(p, 0xC000 | kHeaderSize);
    put16(p + 2, kTypeCname);
    put16(p + 4, kClassIn);
    put32(p + 6, n.dname_ttl);
    put16(p + 10, static_cast<std::uint16_t>(prefix + 2));
    const std::size_t prefix_at = pos_ + 12;
    std::memcpy(p + 12, q_.question, prefix);
    put16(p + 12 + prefix, static_cast<std::uint16_t>(0xC000 | target_at));
    pos_ += cname_rr;
    put16(out_ + 6, static_cast<std::uint16_t>(get16(out_ + 6) + 1));
    return Place{prefix + n.dname_target_size, prefix_at, prefix, prefix_at, target_at};
  }

  std::size_t finish(AnswerInfo& info) {
    const std::size_t ede_size = ede_ ? 6 : 0;
    const std::size_t ecs = ecs_size();
    if (q_.edns && pos_ + kOptSize + ede_size + ecs <= limit_) {
      std::uint8_t* p = out_ + pos_;
      p[0] = 0;
      put16(p + 1, kTypeOpt);
      put16(p + 3, static_cast<std::uint16_t>(kDefaultEdnsSize));
      p[5] = static_cast<std::uint8_t>(rcode_ >> 4);  // extended rcode
      p[6] = 0;                                       // version
      put16(p + 7, q_.edns_flags & kEdnsDo);          // RFC 3225 §3: DO copied
      put16(p + 9, static_cast<std::uint16_t>(ede_size + ecs));
      std::uint8_t* option = p + kOptSize;
      if (ede_) {  // RFC 8914 §2: option 15, INFO-CODE, no EXTRA-TEXT
        put16(option, 15);
        put16(option + 2, 2);
        put16(option + 4, ede_);
        option += 6;
      }
      if (ecs != 0) {
        put16(option, kOptionEcs);
        put16(option + 2, static_cast<std::uint16_t>(ecs - 4));
        put16(option + 4, q_.ecs_family);
        option[6] = q_.ecs_source;
        option[7] = ecs_scope_;
        std::memcpy(option + 8, q_.ecs_address, ecs - 8);
      }
      pos_ += kOptSize + ede_size + ecs;
      put16(out_ + 10, static_cast<std::uint16_t>(get16(out_ + 10) + 1));
    }
    put16(out_ + 2, static_cast<std::uint16_t>(flags_ | (rcode_ & 0xF)));
    info.rcode = rcode_;
    info.truncated = flags_ & kFlagTc;
    info.authoritative = flags_ & kFlagAa;
    return pos_;
  }

 private:
  const Query& q_;
  std::uint8_t* out_;
  std::size_t limit_;
  std::size_t pos_ = 0;
  std::size_t reserve_ = 0;
  std::uint16_t flags_ = 0;
  std::uint16_t rcode_ = 0;
  std::uint16_t ede_ = 0;
  std::uint8_t ecs_scope_ = 0;
};

// The zone in `by_apex` closest to the question name: its apex is the longest suffix.
const Zone* closest_zone(const ZoneStore& s, const NameMap& by_apex, std::uint8_t max_labels,
                         const Query& q, std::size_t& apex_at) {
  if (by_apex.empty()) return nullptr;
  std::size_t labels = q.qname_labels;
  std::size_t pos = 0;
  // Skip the labels that no apex can be that long.
  while (labels > max_labels) {
    pos += 1 + q.qname_lower[pos];
    --labels;
  }
  while (true) {
    auto it = by_apex.find(key(q.qname_lower + pos, q.qname_size - pos));
    if (it != by_apex.end()) {
      apex_at = pos;
      return &s.zones[it->second];
    }
    if (labels == 0) return nullptr;
    pos += 1 + q.qname_lower[pos];
    --labels;
  }
}

// route53.md §4: inside a VPC, the most specific private zone associated with it that contains
// the name answers (NXDOMAIN when it has no such name: no fall-through); else the public zones.
const Zone* find_zone(const ZoneStore& s, const View* view, const Query& q, std::size_t& apex_at) {
  if (view != nullptr) {
    if (const Zone* z = closest_zone(s, view->private_by_apex, view->max_labels, q, apex_at)) return z;
  }
  return closest_zone(s, s.zone_by_apex, s.max_labels, q, apex_at);
}

std::uint32_t type_template(const ZoneStore& s, const Node& n, std::uint16_t qtype, Transport t) {
  if (qtype == kTypeAny && n.any_udp != kNoTemplate)
    return t == Transport::kTcp ? n.any_tcp : n.any_udp;
  const TypeTemplate* begin = s.types.data() + n.types_begin;
  const TypeTemplate* end = begin + n.types_count;
  for (const TypeTemplate* it = begin; it != end; ++it) {
    if (it->type == qtype) return it->tmpl;
  }
  return n.other;
}

}  // namespace

std::size_t response_limit(const Query& q, Transport t, std::size_t server_max) {
  if (t == Transport::kTcp) return kMaxMessage;
  if (!q.edns) return kClassicUdpSize;
  return std::clamp<std::size_t>(q.edns_size, kClassicUdpSize,
                                 std::max(server_max, kClassicUdpSize));
}

namespace {

// What answers a name in a zone: a template, or a DNAME above it to synthesise from.
struct Resolution {
  std::uint32_t tmpl = kNoTemplate;
  const Node* dname = nullptr;
};

// RFC 1034 §4.3.2 step 3 for `name` (lower case, wire) whose last `size - apex_at` octets are
// zone `z`'s apex: the labels between, top down; the first delegation or DNAME decides; a
// missing name means nothing deeper exists (empty non-terminals are nodes); then the name, its
// wildcard (RFC 4592 §3.3.1), or NXDOMAIN.
Resolution resolve(const ZoneStore& s, const Zone& z, const std::uint8_t* name, std::size_t size,
                   std::size_t apex_at, std::uint16_t qtype, Transport t) {
  std::size_t starts[128];
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < apex_at && count < 128; pos += 1 + name[pos])
    starts[count++] = pos;
  const Node& apex = s.nodes[z.apex_node];
  if (count == 0) return {type_template(s, apex, qtype, t), nullptr};
  if (apex.flags & Node::kDname) return {kNoTemplate, &apex};
  std::size_t encloser_at = apex_at;
  for (std::size_t i = count; i-- > 0;) {
    const std::uint32_t found = s.find_node(z, key(name + starts[i], size - starts[i]));
    if (found == NodeIndex::kMissing) break;
    const Node& n = s.nodes[found];
    if (i == 0) {
      if ((n.flags & Node::kCut) && qtype != kTypeDs) return {n.referral, nullptr};
      return {type_template(s, n, qtype, t), nullptr};
    }
    encloser_at = starts[i];
    if (n.flags & Node::kCut) return {n.referral, nullptr};
    if (n.flags & Node::kDname) return {kNoTemplate, &n};
  }
  std::uint8_t star[kMaxNameLength + 2] = {1, '*'};
  const std::size_t rest = size - encloser_at;
  if (rest + 2 <= kMaxNameLength) {
    std::memcpy(star + 2, name + encloser_at, rest);
    const std::uint32_t found = s.find_node(z, key(star, rest + 2));
    if (found != NodeIndex::kMissing) return {type_template(s, s.nodes[found], qtype, t), nullptr};
  }
  return {z.nxdomain, nullptr};
}

// Copies what answers `tmpl`: the template itself, or the members a routing policy chooses.
void copy_answer(Writer& w, const ZoneStore& s, std::uint32_t tmpl, const Writer::Place& at, bool first,
                 const PolicyContext& p, AnswerInfo& info) {
  if (tmpl == kNoTemplate) return;
  if (!(tmpl & kGroupBit)) {
    w.copy(s, tmpl, at, first);
    return;
  }
  const std::uint32_t index = tmpl & ~kGroupBit;
  const PolicyGroup& g = s.groups[index];
  Random fixed(0);
  const Choice c = choose_member(s, g, p, p.random != nullptr ? *p.random : fixed);
  info.group = index;
  info.choice = c;
  if (info.depth < info.path.size()) {
    info.path[info.depth] = index;
    info.choices[info.depth] = c;
    ++info.depth;
  }
  w.ecs_scope(c.scope);
  if (c.count == 0) {
    w.copy(s, g.none, at, first);
    return;
  }
  for (unsigned k = 0; k < c.count; ++k) {
    const std::uint32_t member = s.member_templates[g.members_begin + c.members[k]];
    if (member & kGroupBit) {  // an alias into another group: it chooses in turn
      copy_answer(w, s, member, at, first && k == 0, p, info);
    } else if (!w.copy(s, member, at, first && k == 0)) {
      break;
    }
  }
}

bool chaos_name(const Query& q, std::string_view a, std::string_view b) {
  const std::string_view name = key(q.qname_lower, q.qname_size);
  return name == a || name == b;
}

}  // namespace

std::size_t append_explanation(const ZoneStore& s, const AnswerInfo& info, const PolicyContext& p, std::uint8_t* out,
                               std::size_t length, std::size_t limit) {
  if (length < kHeaderSize || info.truncated || info.zone == nullptr) return length;
  // The strings, each at most 255 octets (RFC 1035 §3.3.14).
  std::array<std::string, 6> strings;
  std::size_t count = 0;
  const View* view = p.view < s.views.size() ? &s.views[p.view] : nullptr;
  strings[count++] = "zone " + info.zone->id + (info.zone->private_zone ? " (private)" : " (public)") +
                     (view != nullptr ? ", asked from inside " + view->vpc : "");
  for (unsigned d = 0; d < info.depth && count < strings.size(); ++d) {
    const PolicyGroup& g = s.groups[info.path[d]];
    const Choice& c = info.choices[d];
    std::string line = std::string(d > 0 ? "then " : "") + std::string(policy_text(g.policy)) + " chose ";
    for (unsigned k = 0; k < c.count; ++k) line += (k ? "," : "") + s.member_names[g.members_begin + c.members[k]];
    if (c.count == 0) line += "nothing";
    line += ": " + std::string(reason_text(c.reason));
    if (c.scope > 0) line += " (scope /" + std::to_string(c.scope) + ")";
    strings[count++] = std::move(line);
  }
  using namespace std::string_view_literals;
  constexpr std::string_view owner = "\x07" "explain" "\x09" "cloudtwin" "\x00"sv;
  std::size_t rdata = 0;
  for (std::size_t i = 0; i < count; ++i) rdata += 1 + std::min<std::size_t>(strings[i].size(), 255);
  const std::size_t size = owner.size() + 10 + rdata;
  if (length + size > limit) return length;
  std::uint8_t* w = out + length;
  std::memcpy(w, owner.data(), owner.size());
  w += owner.size();
  put16(w, kTypeTxt);
  put16(w + 2, kClassIn);
  put32(w + 4, 0);
  put16(w + 8, static_cast<std::uint16_t>(rdata));
  w += 10;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t n = std::min<std::size_t>(strings[i].size(), 255);
    *w++ = static_cast<std::uint8_t>(n);
    std::memcpy(w, strings[i].data(), n);
    w += n;
  }
  put16(out + 10, static_cast<std::uint16_t>(get16(out + 10) + 1));
  return length + size;
}

// route53.md §2.9 rules 2 and 5: a member is healthy when its own check (if any) passes and, for
// an alias with EvaluateTargetHealth, while at least one member of its target group is healthy
// (the compiler bounds the depth).
bool member_healthy(const ZoneStore& s, std::uint32_t m, const PolicyContext& p) {
  const std::uint32_t check = s.member_checks[m];
  if (check != kNoCheck && check < p.health.size() && p.health[check] == 0) return false;
  const std::uint32_t target = s.member_evaluates[m];
  if (target == kNoTemplate) return true;
  const PolicyGroup& t = s.groups[target & ~kGroupBit];
  for (std::uint32_t i = 0; i < t.members_count; ++i) {
    if (member_healthy(s, t.members_begin + i, p)) return true;
  }
  return false;
}

Choice choose_member(const ZoneStore& s, const PolicyGroup& g, const PolicyContext& p, Random& random) {
  constexpr std::size_t kMaxMembers = 256;
  std::array<bool, kMaxMembers> healthy;
  std::array<double, kMaxMembers> latency;
  const std::size_t n = std::min<std::size_t>(g.members_count, kMaxMembers);
  for (std::size_t i = 0; i < n; ++i) healthy[i] = member_healthy(s, g.members_begin + static_cast<std::uint32_t>(i), p);
  ChoiceInput in;
  in.members = {s.members.data() + g.members_begin, n};
  in.healthy = {healthy.data(), n};
  in.location = p.location;
  GeoResult found;
  const bool by_location =
      g.policy == Policy::kGeolocation || g.policy == Policy::kLatency || g.policy == Policy::kGeoproximity;
  if (by_location && in.location == nullptr && p.geo != nullptr && p.address != nullptr &&
      p.geo->lookup(*p.address, found, p.geo_cache)) {
    in.location = &found.location;
  }
  in.address = p.address;
  ClientLocation measured;
  if (g.policy == Policy::kLatency) {
    in.latency = {latency.data(), n};
    // A measured table holding the client decides; the answer rests on its prefix (ECS scope).
    std::optional<std::uint8_t> prefix;
    if (p.latency != nullptr && p.address != nullptr && p.view == kNoView)
      prefix = p.latency->lookup(*p.address, in.members, latency.data());
    if (prefix) {
      if (in.location != nullptr) measured = *in.location;
      measured.prefix = *prefix;
      in.location = &measured;
    } else {
      // The default latency model: great-circle distance from the client to the Region.
      for (std::size_t i = 0; i < n; ++i) {
        latency[i] = NAN;
        const Member& m = s.members[g.members_begin + i];
        if (m.has_point && in.location != nullptr && in.location->point)
          latency[i] = distance_km(*in.location->point, m.point);
      }
    }
  }
  if (g.blocks_count > 0) in.blocks = {s.cidr_blocks.data() + g.blocks_begin, g.blocks_count};
  return choose(g.policy, in, random);
}

std::size_t answer_query(const ZoneStore& s, const Query& q, QueryStatus status, Transport t,
                         std::uint8_t* out, std::size_t capacity, AnswerInfo& info,
                         const PolicyContext& policy) {
  info.group = kNoTemplate;
  info.zone = nullptr;
  info.depth = 0;
  if (status == QueryStatus::kDrop || capacity < kClassicUdpSize) return 0;
  Writer w(q, out, std::min(capacity, response_limit(q, t)));
  w.question();
  switch (status) {
    case QueryStatus::kFormErr:
      w.rcode(static_cast<std::uint16_t>(Rcode::kFormErr));
      return w.finish(info);
    case QueryStatus::kNotImp:
      w.rcode(static_cast<std::uint16_t>(Rcode::kNotImp));
      return w.finish(info);
    case QueryStatus::kBadVers:
      w.rcode(kBadVers);  // RFC 6891 §6.1.3: in the OPT's extended rcode
      return w.finish(info);
    default:
      break;
  }
  if (q.qclass == kClassCh) {
    // RFC 4892 §2: who and what answers, as NSD and Knot do.
    using namespace std::string_view_literals;
    if ((q.qtype == kTypeTxt || q.qtype == kTypeAny) && chaos_name(q, "\x02id\x06server\x00"sv,
                                                                   "\x08hostname\x04"
                                                                   "bind\x00"sv)) {
      w.chaos_txt(s.identity);
    } else if ((q.qtype == kTypeTxt || q.qtype == kTypeAny) &&
               chaos_name(q, "\x07version\x06server\x00"sv,
                          "\x07version\x04"
                          "bind\x00"sv)) {
      w.chaos_txt(s.version);
    } else {
      w.rcode(static_cast<std::uint16_t>(Rcode::kRefused));
    }
    return w.finish(info);
  }
  // QCLASS ANY (RFC 1035 §3.2.5) reads the IN data; other classes are not served.
  if (q.qclass != kClassIn && q.qclass != kClassAny) {
    w.rcode(static_cast<std::uint16_t>(Rcode::kRefused));
    return w.finish(info);
  }
  if (q.qtype == kTypeAxfr || q.qtype == kTypeIxfr) {
    // RFC 5936 §4.2: AXFR is not defined over UDP; over TCP, no transfers are allowed.
    w.rcode(static_cast<std::uint16_t>(
        t == Transport::kUdp && q.qtype == kTypeAxfr ? Rcode::kNotImp : Rcode::kRefused));
    return w.finish(info);
  }
  std::size_t apex_at = 0;
  const View* view = policy.view < s.views.size() ? &s.views[policy.view] : nullptr;
  const Zone* z = find_zone(s, view, q, apex_at);
  info.zone = z;
  if (z == nullptr) {
    w.rcode(static_cast<std::uint16_t>(Rcode::kRefused));  // RFC 8906 §3.1.4: not authoritative
    w.extended_error(20);                                  // RFC 8914 §4.21: Not Authoritative
    return w.finish(info);
  }
  // The client routing policies see. From inside a VPC, the Amazon resolver asks from the VPC's
  // Region: a private zone ignores ECS and locates the query there (route53.md §4), and a public
  // zone sees the resolver, in that Region. Elsewhere, the ECS prefix when the query has one
  // with SOURCE above 0 (RFC 7871 §7.1.1; SOURCE 0 asks not to use client information).
  ClientAddress ecs_client;
  PolicyContext with_ecs;
  const PolicyContext* policy_in = &policy;
  if (view != nullptr) {
    with_ecs = policy;
    with_ecs.location = &view->location;
    policy_in = &with_ecs;
  } else if (q.ecs && q.ecs_source > 0 && !z->private_zone) {
    ecs_client.v6 = q.ecs_family == 2;
    std::memcpy(ecs_client.bytes.data(), q.ecs_address, 16);
    ecs_client.prefix = q.ecs_source;
    with_ecs = policy;
    with_ecs.address = &ecs_client;
    policy_in = &with_ecs;
  }
  Resolution r = resolve(s, *z, q.qname_lower, q.qname_size, apex_at, q.qtype, t);
  if (r.dname == nullptr) {
    copy_answer(w, s, r.tmpl, w.question_place(), true, *policy_in, info);
    return w.finish(info);
  }
  // RFC 6672 §3.1 step 3c: synthesise, then go on from the rewritten name inside the zone.
  auto place = w.dname(s, *r.dname);
  if (!place || q.qtype == kTypeCname) return w.finish(info);  // a CNAME query has its answer
  std::uint8_t name[kMaxNameLength];
  const std::size_t prefix = place->prefix;
  std::memcpy(name, q.qname_lower, prefix);
  for (std::size_t i = 0; i < r.dname->dname_target_size; ++i) {
    name[prefix + i] = ascii_lower(s.bytes[r.dname->dname_target + i]);
  }
  const std::size_t size = prefix + r.dname->dname_target_size;
  if (size < z->apex.size() ||
      std::memcmp(name + size - z->apex.size(), z->apex.data(), z->apex.size()) != 0) {
    return w.finish(info);  // the rewrite leaves the zone
  }
  // The apex must start at a label boundary of the rewrite.
  std::size_t apex_in = 0;
  while (apex_in < size - z->apex.size()) apex_in += 1 + name[apex_in];
  if (apex_in != size - z->apex.size()) return w.finish(info);
  Resolution next = resolve(s, *z, name, size, apex_in, q.qtype, t);
  if (next.dname == nullptr && next.tmpl != kNoTemplate)
    copy_answer(w, s, next.tmpl, *place, /*first=*/false, *policy_in, info);
  return w.finish(info);
}

}  // namespace cloudtwin::dns
