// The --latency-table reader accepts or rejects any text without crashing; an accepted table's
// lookups stay within its rows (every latency a row's, or NaN).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cloudtwin/dns/latency_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  const std::string text(reinterpret_cast<const char*>(data), size);
  dns::LatencyTable table;
  Diagnostics d;
  const bool ok = table.parse(text, "fuzz.csv", d);
  if (ok != (d.error_count() == 0)) std::abort();
  dns::Member members[2];
  members[0].region = "us-east-1";
  members[1].region = "eu-west-1";
  dns::ClientAddress client;
  client.bytes = {198, 51, 100, 7};
  client.prefix = 32;
  double out[2] = {0, 0};
  if (auto p = table.lookup(client, members, out)) {
    if (*p > 32) std::abort();
    for (double v : out) {
      if (!std::isnan(v) && v < 0) std::abort();
    }
  }
  return 0;
}
