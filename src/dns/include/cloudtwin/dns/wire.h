// DNS messages on the wire (RFC 1035 §4, RFC 6891 EDNS(0)): the constants the server uses and
// the query decoder. The decoder reads a query in place, never allocates and never throws: it
// says what is wrong so the caller answers FORMERR or drops the packet (RFC 1035 §4.1.1,
// RFC 8906 §3).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cloudtwin::dns {

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::size_t kMaxNameLength = 255;
inline constexpr std::size_t kMaxLabelLength = 63;
// RFC 1035 §4.2.1 without EDNS; RFC 6891 §6.2.5 with it: a buffer below 512 is treated as 512.
inline constexpr std::size_t kClassicUdpSize = 512;
// DNS flag day 2020 and NSD's and Knot's default: no fragmentation on common paths.
inline constexpr std::size_t kDefaultEdnsSize = 1232;
inline constexpr std::size_t kMaxMessage = 65535;

enum class Rcode : std::uint8_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5,
};
inline constexpr std::uint16_t kBadVers = 16;  // extended rcode (RFC 6891 §6.1.3)

enum : std::uint16_t {
  kTypeA = 1,
  kTypeNs = 2,
  kTypeCname = 5,
  kTypeSoa = 6,
  kTypeMx = 15,
  kTypeTxt = 16,
  kTypeAaaa = 28,
  kTypeSrv = 33,
  kTypeDname = 39,
  kTypeOpt = 41,
  kTypeDs = 43,
  kTypeRrsig = 46,
  kTypeIxfr = 251,
  kTypeAxfr = 252,
  kTypeMailb = 253,
  kTypeMaila = 254,
  kTypeAny = 255,
  kClassIn = 1,
  kClassCh = 3,
  kClassAny = 255,
};

// Header flag bits in the second 16-bit word.
enum : std::uint16_t {
  kFlagQr = 0x8000,
  kFlagAa = 0x0400,
  kFlagTc = 0x0200,
  kFlagRd = 0x0100,
  kFlagRa = 0x0080,
  kFlagAd = 0x0020,
  kFlagCd = 0x0010,
};
inline constexpr std::uint16_t kEdnsDo = 0x8000;

// What the decoder found. kDrop: not a query at all (a response, shorter than a header): never
// answered, so the server cannot be used to reflect. The others are answered.
enum class QueryStatus : std::uint8_t {
  kOk,
  kDrop,
  kFormErr,   // malformed: answer FORMERR (with the question when it was read)
  kNotImp,    // an opcode other than QUERY
  kBadVers,   // EDNS version above 0
};

struct Query {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;  // as received
  std::uint8_t opcode = 0;
  // The question as received (qname in the packet's own case) and its lower-case copy.
  const std::uint8_t* question = nullptr;  // points into the packet, at the qname
  std::size_t question_size = 0;           // qname + type + class; 0 if not read
  std::uint8_t qname_lower[kMaxNameLength];
  std::size_t qname_size = 0;  // wire length including the root label
  std::uint8_t qname_labels = 0;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  // EDNS(0)
  bool edns = false;
  std::uint16_t edns_size = 0;  // the requester's UDP payload size as sent
  std::uint8_t edns_version = 0;
  std::uint16_t edns_flags = 0;  // DO and the rest of the OPT TTL's low 16 bits
  // EDNS Client Subnet (RFC 7871 §6), checked: FAMILY 1 or 2, SOURCE within the family's width,
  // ADDRESS exactly ceil(SOURCE / 8) octets with no bit set beyond SOURCE.
  bool ecs = false;
  std::uint16_t ecs_family = 0;  // 1 IPv4, 2 IPv6
  std::uint8_t ecs_source = 0;   // SOURCE PREFIX-LENGTH
  std::uint8_t ecs_address[16] = {};
};
inline constexpr std::uint16_t kOptionEcs = 8;

// Decodes `size` bytes at `packet` into `q`.
[[nodiscard]] QueryStatus parse_query(const std::uint8_t* packet, std::size_t size, Query& q);

// Reads a possibly compressed name at `offset` of a message into `out` (wire form, at most 255
// octets) and returns the offset just past it in the message; 0 when it is malformed (a loop,
// a pointer forward or out of the message, a label over 63 octets, a name over 255).
[[nodiscard]] std::size_t read_name(const std::uint8_t* message, std::size_t size, std::size_t offset,
                                    std::uint8_t* out, std::size_t* out_size);

inline std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}
inline std::uint8_t ascii_lower(std::uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

}  // namespace cloudtwin::dns
