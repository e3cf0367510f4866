// Any text as a zone file (and its cli53 extensions): located diagnostics or a zone, never a
// crash; a zone that finalizes compiles and answers its apex and a name below it.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "cloudtwin/dns/answer.h"
#include "cloudtwin/load/zone_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network n;
  Diagnostics d;
  load::read_zone_text(text, "fuzz.zone", n, d);
  if (!model::finalize(n, d)) return 0;
  auto zones = dns::compile_zones(n, d);
  static std::vector<std::uint8_t> out(dns::kMaxMessage);
  for (const auto& z : zones->zones) {
    for (std::uint16_t type : {dns::kTypeSoa, dns::kTypeA, dns::kTypeAny}) {
      std::vector<std::uint8_t> q(12, 0);
      q[5] = 1;
      q.insert(q.end(), z.apex.begin(), z.apex.end());
      q.insert(q.end(), {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type), 0, 1});
      dns::Query query;
      auto status = dns::parse_query(q.data(), q.size(), query);
      dns::AnswerInfo info;
      (void)dns::answer_query(*zones, query, status, dns::Transport::kUdp, out.data(), out.size(), info);
    }
  }
  return 0;
}
