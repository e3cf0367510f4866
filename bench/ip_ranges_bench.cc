// What a load pays once a gateway endpoint needs AWS's ip-ranges.json (2.6 MB, 16,828 prefixes):
// the file mapped, parsed and kept by Region and service (src/load/aws_ip_ranges.cc). Loads
// without gateway endpoints or AWS-managed lists never read it.
#include <benchmark/benchmark.h>

#include <string>

#include "cloudtwin/load/aws_ip_ranges.h"

namespace {

void BM_ReadAwsIpRanges(benchmark::State& state) {
  const std::string path = std::string(CLOUDTWIN_SHARED_DIR) + "/data/aws/ip-ranges.json";
  for (auto _ : state) {
    cloudtwin::Diagnostics d;
    auto ranges = cloudtwin::load::read_aws_ip_ranges_file(path, 1, d);
    if (!ranges) {
      state.SkipWithError(("cannot read " + path).c_str());
      break;
    }
    benchmark::DoNotOptimize(ranges->ipv4_count);
  }
}
BENCHMARK(BM_ReadAwsIpRanges)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
