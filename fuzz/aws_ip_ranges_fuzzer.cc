// Any text given as ip-ranges.json yields diagnostics or the ranges, never a crash; ranges that
// read fill the AWS-managed prefix lists of a network with S3, DynamoDB and CloudFront lists,
// which then finalizes. The lists are filled from a file, so each input is written to a
// per-process scratch file.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string_view>

#include "cloudtwin/load/aws_ip_ranges.h"
#include "cloudtwin/load/aws_managed_prefix_lists.h"
#include "cloudtwin/load/native_yaml.h"
#include "scratch_path.h"

namespace {

constexpr std::string_view kNetwork = R"(
vpcs: [{name: app, cidr_block: 10.0.0.0/16}]
route_tables: [{name: private, vpc: app}]
prefix_lists: [{id: pl-1, prefix_list_name: com.amazonaws.eu-west-1.dynamodb, entries: []}]
vpc_endpoints:
  - {name: s3, vpc: app, service_name: com.amazonaws.us-east-1.s3, route_tables: [private]}
  - {name: ddb, vpc: app, service_name: com.amazonaws.eu-west-1.dynamodb, route_tables: [private]}
security_groups:
  - name: origin
    vpc: app
    ingress:
      - {protocol: tcp, port: 443, prefix_list: com.amazonaws.global.cloudfront.origin-facing}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  static const fuzz::ScratchPath scratch("ip-ranges.json");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  auto ranges = load::read_aws_ip_ranges(text, "fuzz.json", 1, diagnostics);
  if (!ranges) return 0;
  for (auto region : ranges->regions()) (void)ranges->prefixes(region, "S3", Family::kV4);
  (void)ranges->prefixes_anywhere("CLOUDFRONT_ORIGIN_FACING", Family::kV4);

  {
    std::ofstream out(scratch.path(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  model::Network network;
  Diagnostics d;
  if (!load::read_native_yaml(kNetwork, "net.yaml", network, d)) __builtin_trap();
  load::LoadOptions options;
  options.ip_ranges = scratch.path().string();
  if (load::add_aws_managed_prefix_lists(network, d, options)) model::finalize(network, d);
  return 0;
}
