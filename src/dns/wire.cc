#include "cloudtwin/dns/wire.h"

#include <cstring>

namespace cloudtwin::dns {

std::size_t read_name(const std::uint8_t* message, std::size_t size, std::size_t offset, std::uint8_t* out,
                      std::size_t* out_size) {
  std::size_t written = 0;
  std::size_t end = 0;          // where the name ends in the message (after the first pointer)
  std::size_t limit = offset;   // pointers must go strictly backwards: no loops
  std::size_t pos = offset;
  for (int hops = 0; hops < 128; ++hops) {
    if (pos >= size) return 0;
    std::uint8_t len = message[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= size) return 0;
      std::size_t target = static_cast<std::size_t>((len & 0x3F) << 8 | message[pos + 1]);
      if (end == 0) end = pos + 2;
      if (target >= limit) return 0;
      limit = target;
      pos = target;
      continue;
    }
    if ((len & 0xC0) != 0) return 0;  // 0x40 and 0x80: extended label types (RFC 6891 §5)
    if (written + 1 + len > kMaxNameLength) return 0;
    if (pos + 1 + len > size) return 0;
    out[written++] = len;
    if (len == 0) {
      *out_size = written;
      return end != 0 ? end : pos + 1;
    }
    std::memcpy(out + written, message + pos + 1, len);
    written += len;
    pos += 1 + len;
  }
  return 0;
}

namespace {

// The question's name, in place: no compression (nothing precedes it to point at).
bool read_qname(const std::uint8_t* p, std::size_t size, std::size_t& pos, Query& q) {
  std::size_t written = 0;
  std::uint8_t labels = 0;
  while (true) {
    if (pos >= size) return false;
    std::uint8_t len = p[pos];
    if (len > kMaxLabelLength) return false;  // a pointer or an extended label type
    if (written + 1 + len > kMaxNameLength || pos + 1 + len > size) return false;
    q.qname_lower[written++] = len;
    ++pos;
    if (len == 0) break;
    for (std::uint8_t i = 0; i < len; ++i) q.qname_lower[written++] = ascii_lower(p[pos + i]);
    pos += len;
    ++labels;
  }
  q.qname_size = written;
  q.qname_labels = labels;
  return true;
}

// RFC 7871 §6, §7.1.1: a malformed ECS option (unknown FAMILY, SOURCE beyond the family's width,
// ADDRESS not exactly the octets SOURCE needs or with bits set beyond it) is FORMERR. SCOPE is
// 0 in queries; another value is ignored.
bool read_ecs(const std::uint8_t* o, std::size_t size, Query& q) {
  if (size < 4 || q.ecs) return false;
  const std::uint16_t family = get16(o);
  const std::uint8_t source = o[2];
  const std::size_t width = family == 1 ? 32 : family == 2 ? 128 : 0;
  if (width == 0 || source > width) return false;
  const std::size_t octets = (source + 7u) / 8u;
  if (size - 4 != octets) return false;
  if (source % 8 != 0 && (o[4 + octets - 1] & (0xffu >> (source % 8))) != 0) return false;
  q.ecs = true;
  q.ecs_family = family;
  q.ecs_source = source;
  std::memset(q.ecs_address, 0, sizeof q.ecs_address);
  std::memcpy(q.ecs_address, o + 4, octets);
  return true;
}

// Skips or reads the resource records after the question; finds the OPT record.
bool read_records(const std::uint8_t* p, std::size_t size, std::size_t pos, std::uint16_t an, std::uint16_t ns,
                  std::uint16_t ar, Query& q) {
  std::uint8_t name[kMaxNameLength];
  std::size_t name_size = 0;
  const std::uint32_t total = std::uint32_t{an} + ns + ar;
  for (std::uint32_t i = 0; i < total; ++i) {
    std::size_t after = read_name(p, size, pos, name, &name_size);
    if (after == 0 || after + 10 > size) return false;
    std::uint16_t type = get16(p + after);
    std::uint16_t rclass = get16(p + after + 2);
    std::uint32_t ttl = get32(p + after + 4);
    std::uint16_t rdlen = get16(p + after + 8);
    std::size_t rdata = after + 10;
    if (rdata + rdlen > size) return false;
    if (type == kTypeOpt) {
      // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
      if (q.edns) {
        q.edns = false;  // two OPTs: which to honour is unknowable; answer as without (NSD, Knot)
        return false;
      }
      if (i < std::uint32_t{an} + ns || name_size != 1) return false;
      std::size_t o = rdata;
      while (o < rdata + rdlen) {
        if (o + 4 > rdata + rdlen) return false;
        const std::uint16_t code = get16(p + o);
        std::uint16_t olen = get16(p + o + 2);
        if (o + 4 + olen > rdata + rdlen) return false;
        if (code == kOptionEcs && !read_ecs(p + o + 4, olen, q)) return false;
        o += 4 + olen;  // unknown options are ignored (RFC 6891 §6.1.2)
      }
      q.edns = true;
      q.edns_size = rclass;
      q.edns_version = static_cast<std::uint8_t>(ttl >> 16);
      q.edns_flags = static_cast<std::uint16_t>(ttl);
    }
    pos = rdata + rdlen;
  }
  return true;
}

}  // namespace

QueryStatus parse_query(const std::uint8_t* p, std::size_t size, Query& q) {
  q.question = nullptr;
  q.question_size = 0;
  q.qname_size = 0;
  q.edns = false;
  q.ecs = false;
  if (size < kHeaderSize) return QueryStatus::kDrop;
  q.id = get16(p);
  q.flags = get16(p + 2);
  if (q.flags & kFlagQr) return QueryStatus::kDrop;  // a response: never answer it
  q.opcode = static_cast<std::uint8_t>((q.flags >> 11) & 0xF);
  const std::uint16_t qd = get16(p + 4), an = get16(p + 6), ns = get16(p + 8), ar = get16(p + 10);
  if (qd != 1) {
    // Still find the OPT (RFC 6891 §6.1.1: a response to a request with one carries one).
    std::size_t pos = kHeaderSize;
    std::uint8_t name[kMaxNameLength];
    std::size_t name_size = 0;
    bool ok = true;
    for (std::uint16_t i = 0; i < qd && ok; ++i) {
      pos = read_name(p, size, pos, name, &name_size);
      ok = pos != 0 && pos + 4 <= size;
      pos += 4;
    }
    if (!ok || !read_records(p, size, pos, an, ns, ar, q)) q.edns = false;
    if (q.edns && q.edns_version > 0) return QueryStatus::kBadVers;
    return q.opcode != 0 && qd == 0 ? QueryStatus::kNotImp : QueryStatus::kFormErr;
  }
  std::size_t pos = kHeaderSize;
  if (!read_qname(p, size, pos, q) || pos + 4 > size) return QueryStatus::kFormErr;
  q.qtype = get16(p + pos);
  q.qclass = get16(p + pos + 2);
  q.question = p + kHeaderSize;
  q.question_size = pos + 4 - kHeaderSize;
  if (!read_records(p, size, pos + 4, an, ns, ar, q)) return QueryStatus::kFormErr;
  if (q.opcode != 0) return QueryStatus::kNotImp;
  if (q.edns && q.edns_version > 0) return QueryStatus::kBadVers;
  return QueryStatus::kOk;
}

}  // namespace cloudtwin::dns
