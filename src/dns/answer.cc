// RFC 1034 §4.3.2 at query time over the precompiled store: find the zone, the first delegation
// or DNAME on the way down, the node or its wildcard, then copy the template that zone_compiler
// wrote for that node and type. Only DNAME synthesis (RFC 6672 §3.3), whose CNAME depends on the
// question name, is written here.
#include "cloudtwin/dns/answer.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace cloudtwin::dns {

namespace {

constexpr std::uint16_t kOptSize = 11;

std::string_view key(const std::uint8_t* p, std::size_t n) { return {reinterpret_cast<const char*>(p), n}; }

class Writer {
 public:
  Writer(const Query& q, std::uint8_t* out, std::size_t limit) : q_(q), out_(out), limit_(limit) {
    put16(out_, q.id);
    flags_ = static_cast<std::uint16_t>(kFlagQr | (q.flags & (0x7800 | kFlagRd | kFlagCd)));
    std::memset(out_ + 4, 0, 8);
    pos_ = kHeaderSize;
    reserve_ = q.edns ? kOptSize : 0;
  }

  void question() {
    if (q_.question_size == 0 || pos_ + q_.question_size > limit_) return;
    std::memcpy(out_ + pos_, q_.question, q_.question_size);
    pos_ += q_.question_size;
    put16(out_ + 4, 1);
  }

  void rcode(std::uint16_t rc) { rcode_ = rc; }
  void authoritative() { flags_ |= kFlagAa; }

  void copy(const ZoneStore& s, std::uint32_t index) {
    const Template& t = s.templates[index];
    const std::size_t room = limit_ - reserve_ - pos_;
    std::size_t size = t.size;
    std::uint16_t an = t.an, ns = t.ns, ar = t.ar;
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
      if (an < t.required_an || ns < t.required_ns || ar < t.required_ar) flags_ |= kFlagTc;
    }
    std::memcpy(out_ + pos_, s.bytes.data() + t.offset, size);
    const int delta = static_cast<int>(q_.qname_size) - t.base_size;
    for (std::uint32_t i = 0; i < t.fixups_count; ++i) {
      const std::uint16_t at = s.fixups[t.fixups_begin + i];
      if (at + 2u > size) continue;
      std::uint8_t* p = out_ + pos_ + at;
      const int target = (get16(p) & 0x3FFF) + delta;
      put16(p, static_cast<std::uint16_t>(0xC000 | target));
    }
    pos_ += size;
    put16(out_ + 6, an);
    put16(out_ + 8, ns);
    put16(out_ + 10, ar);
    rcode_ = t.rcode;
    if (t.authoritative) flags_ |= kFlagAa;
  }

  // RFC 6672 §3.3: the DNAME, then a CNAME from the question name to its rewrite.
  void dname(const ZoneStore& s, const Node& n) {
    const std::size_t prefix = q_.qname_size - n.name_size;  // octets of the question name below the DNAME
    const std::size_t dname_rr = 2 + 10 + n.dname_target_size;
    const std::size_t cname_rr = 2 + 10 + prefix + 2;
    authoritative();
    if (pos_ + dname_rr > limit_ - reserve_) {
      flags_ |= kFlagTc;
      return;
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
    put16(out_ + 6, 1);
    if (prefix + n.dname_target_size > kMaxNameLength) {
      rcode_ = 6;  // YXDOMAIN: the rewrite would be longer than a name may be
      return;
    }
    if (pos_ + cname_rr > limit_ - reserve_) {
      flags_ |= kFlagTc;
      return;
    }
    p = out_ + pos_;
    put16(p, 0xC000 | kHeaderSize);
    put16(p + 2, kTypeCname);
    put16(p + 4, kClassIn);
    put32(p + 6, n.dname_ttl);
    put16(p + 10, static_cast<std::uint16_t>(prefix + 2));
    std::memcpy(p + 12, q_.question, prefix);
    put16(p + 12 + prefix, static_cast<std::uint16_t>(0xC000 | target_at));
    pos_ += cname_rr;
    put16(out_ + 6, 2);
  }

  std::size_t finish(AnswerInfo& info) {
    if (q_.edns && pos_ + kOptSize <= limit_) {
      std::uint8_t* p = out_ + pos_;
      p[0] = 0;
      put16(p + 1, kTypeOpt);
      put16(p + 3, static_cast<std::uint16_t>(kDefaultEdnsSize));
      p[5] = static_cast<std::uint8_t>(rcode_ >> 4);  // extended rcode
      p[6] = 0;                                       // version
      put16(p + 7, q_.edns_flags & kEdnsDo);          // RFC 3225 §3: DO copied
      put16(p + 9, 0);
      pos_ += kOptSize;
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
};

const Zone* find_zone(const ZoneStore& s, const Query& q, std::size_t& apex_at) {
  std::size_t labels = q.qname_labels;
  std::size_t pos = 0;
  // Skip the labels that no apex can be that long.
  while (labels > s.max_labels) {
    pos += 1 + q.qname_lower[pos];
    --labels;
  }
  while (true) {
    auto it = s.zone_by_apex.find(key(q.qname_lower + pos, q.qname_size - pos));
    if (it != s.zone_by_apex.end()) {
      apex_at = pos;
      return &s.zones[it->second];
    }
    if (labels == 0) return nullptr;
    pos += 1 + q.qname_lower[pos];
    --labels;
  }
}

std::uint32_t type_template(const ZoneStore& s, const Node& n, std::uint16_t qtype, Transport t) {
  if (qtype == kTypeAny && n.any_udp != kNoTemplate) return t == Transport::kTcp ? n.any_tcp : n.any_udp;
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
  return std::clamp<std::size_t>(q.edns_size, kClassicUdpSize, std::max(server_max, kClassicUdpSize));
}

std::size_t answer_query(const ZoneStore& s, const Query& q, QueryStatus status, Transport t, std::uint8_t* out,
                         std::size_t capacity, AnswerInfo& info) {
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
  if (q.qclass != kClassIn || q.qtype == kTypeAxfr || q.qtype == kTypeIxfr) {
    w.rcode(static_cast<std::uint16_t>(Rcode::kRefused));
    return w.finish(info);
  }
  std::size_t apex_at = 0;
  const Zone* z = find_zone(s, q, apex_at);
  if (z == nullptr) {
    w.rcode(static_cast<std::uint16_t>(Rcode::kRefused));  // RFC 8906 §3.1.4: not authoritative
    return w.finish(info);
  }
  // The labels between the apex and the question name, top down: the first delegation or DNAME
  // decides; a missing name means nothing deeper exists (empty non-terminals are nodes).
  std::size_t starts[128];
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < apex_at; pos += 1 + q.qname_lower[pos]) starts[count++] = pos;
  std::size_t encloser_at = apex_at;  // the closest encloser found so far
  const Node* exact = nullptr;
  if (count > 0 && (s.nodes[z->apex_node].flags & Node::kDname)) {
    w.dname(s, s.nodes[z->apex_node]);
    return w.finish(info);
  }
  for (std::size_t i = count; i-- > 0;) {
    auto it = z->nodes.find(key(q.qname_lower + starts[i], q.qname_size - starts[i]));
    if (it == z->nodes.end()) break;
    const Node& n = s.nodes[it->second];
    if (i == 0) {
      exact = &n;
      break;
    }
    encloser_at = starts[i];
    if (n.flags & Node::kCut) {
      w.copy(s, n.referral);
      return w.finish(info);
    }
    if (n.flags & Node::kDname) {
      w.dname(s, n);
      return w.finish(info);
    }
  }
  if (count == 0) exact = &s.nodes[z->apex_node];
  if (exact != nullptr) {
    if ((exact->flags & Node::kCut) && q.qtype != kTypeDs) {
      w.copy(s, exact->referral);
    } else {
      w.copy(s, type_template(s, *exact, q.qtype, t));
    }
    return w.finish(info);
  }
  // RFC 4592 §3.3.1: the closest encloser's wildcard, else the name does not exist.
  std::uint8_t star[kMaxNameLength + 2] = {1, '*'};
  const std::size_t rest = q.qname_size - encloser_at;
  if (rest + 2 <= kMaxNameLength) {
    std::memcpy(star + 2, q.qname_lower + encloser_at, rest);
    auto it = z->nodes.find(key(star, rest + 2));
    if (it != z->nodes.end()) {
      w.copy(s, type_template(s, s.nodes[it->second], q.qtype, t));
      return w.finish(info);
    }
  }
  w.copy(s, z->nxdomain);
  return w.finish(info);
}

}  // namespace cloudtwin::dns
