// Any bytes as a DNS query, over UDP and over TCP, against a zone that has every kind of node
// (delegation, wildcard, CNAME chain, DNAME, empty non-terminal): the decoder and the answer path
// never crash, never read or write out of bounds, and every response is a well-formed message
// no larger than the limit it was given (RFC 1035 §4.2.1, RFC 6891 §6.2.5).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cloudtwin/dns/answer.h"
#include "cloudtwin/load/zone_file.h"

namespace {

constexpr std::string_view kZone = R"($ORIGIN example.com.
$TTL 300
@ 900 IN SOA ns1 hostmaster 1 7200 900 1209600 86400
@ IN NS ns1
@ IN NS ns.example.net.
@ IN MX 10 mail
@ IN A 192.0.2.1
ns1 IN A 192.0.2.53
mail IN A 192.0.2.25
www IN CNAME web
web IN A 192.0.2.80
loop1 IN CNAME loop2
loop2 IN CNAME loop1
*.wild IN TXT "wildcard"
*.cw IN CNAME www
a.b.ent IN A 192.0.2.7
sub IN NS ns1.sub
ns1.sub IN A 192.0.2.54
old IN DNAME new.example.com.
long IN TXT "0123456789012345678901234567890123456789012345678901234567890123456789" "0123456789012345678901234567890123456789012345678901234567890123456789" "0123456789012345678901234567890123456789012345678901234567890123456789"
long IN TXT "1123456789012345678901234567890123456789012345678901234567890123456789" "0123456789012345678901234567890123456789012345678901234567890123456789" "0123456789012345678901234567890123456789012345678901234567890123456789"
)";

const cloudtwin::dns::ZoneStore& store() {
  static auto s = [] {
    cloudtwin::model::Network n;
    cloudtwin::Diagnostics d;
    if (!cloudtwin::load::read_zone_text(kZone, "fuzz.zone", n, d) || !cloudtwin::model::finalize(n, d)) {
      __builtin_trap();
    }
    return cloudtwin::dns::compile_zones(n, d);
  }();
  return *s;
}

void check(const std::uint8_t* out, std::size_t n, std::size_t limit) {
  using namespace cloudtwin::dns;
  if (n == 0) return;
  if (n > limit || n < kHeaderSize) __builtin_trap();
  std::size_t pos = kHeaderSize;
  std::uint8_t name[kMaxNameLength];
  std::size_t name_size = 0;
  for (int i = 0; i < get16(out + 4); ++i) {
    pos = read_name(out, n, pos, name, &name_size);
    if (pos == 0 || pos + 4 > n) __builtin_trap();
    pos += 4;
  }
  const int records = get16(out + 6) + get16(out + 8) + get16(out + 10);
  for (int i = 0; i < records; ++i) {
    pos = read_name(out, n, pos, name, &name_size);
    if (pos == 0 || pos + 10 > n) __builtin_trap();
    pos += 10 + get16(out + pos + 8);
    if (pos > n) __builtin_trap();
  }
  if (pos != n) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin::dns;
  static std::vector<std::uint8_t> out(kMaxMessage);
  Query q;
  QueryStatus status = parse_query(data, size, q);
  AnswerInfo info;
  std::size_t n = answer_query(store(), q, status, Transport::kUdp, out.data(), out.size(), info);
  check(out.data(), n, response_limit(q, Transport::kUdp));
  n = answer_query(store(), q, status, Transport::kTcp, out.data(), out.size(), info);
  check(out.data(), n, kMaxMessage);
  std::uint8_t name[kMaxNameLength];
  std::size_t name_size = 0;
  if (size > 0) (void)read_name(data, size, data[0] % size, name, &name_size);
  return 0;
}
