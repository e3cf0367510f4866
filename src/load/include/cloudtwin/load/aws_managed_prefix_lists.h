// The AWS-managed prefix lists a network uses but no input fills: the list of a gateway
// endpoint's service (com.amazonaws.<region>.s3 or .dynamodb, aws-vpc-services.md §5.1) and
// com.amazonaws.global.cloudfront.origin-facing, filled with AWS's published ranges
// (ip-ranges.json, aws_ip_ranges.h). load_network() runs this before model::finalize(), for
// every input format alike.
#pragma once

#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Where the ranges come from: LoadOptions::ip_ranges (--ip-ranges FILE), else
// $CLOUDTWIN_IP_RANGES, else the copy of ip-ranges.json the build found beside the source tree
// (../shared/data/aws/) if it is still there; else none, and placeholders stand in.
struct IpRangesFile {
  enum class Origin { kOption, kEnvironment, kDefault, kNone };
  std::string path;
  Origin origin = Origin::kNone;
};
IpRangesFile find_ip_ranges_file(const LoadOptions& options);
// The path compiled in as the default ("" when the build found none).
std::string_view default_ip_ranges_file();

// The placeholders (RFC 5737 TEST-NET-1) of lists when no ip-ranges.json is found.
inline constexpr const char* kS3Placeholder = "192.0.2.0/25";
inline constexpr const char* kDynamoDbPlaceholder = "192.0.2.128/25";

// Makes the AWS-managed prefix list of every gateway endpoint that neither names one
// (`prefix_list`) nor finds one by `prefix_list_name` == its service name, and of every
// reference by name to an AWS-managed list no input declares; fills the AWS-managed lists the
// inputs declare without entries (an AWS CLI snapshot's describe-prefix-lists without Cidrs, a
// Terraform plan before apply). Their entries are the Region's IPv4 ranges of the service (a
// gateway endpoint is IPv4 only and serves its own Region). The file is read only when some list
// needs it. A gateway endpoint of another service, or a Region or service the file does not
// list, is a located error on the endpoint; with no file, placeholders and one warning. Returns
// false if it reported an error.
bool add_aws_managed_prefix_lists(model::Network& network, Diagnostics& diagnostics,
                                  const LoadOptions& options = {});
// The same with the file already chosen instead of find_ip_ranges_file(options) (tests use it
// to load without any file).
bool add_aws_managed_prefix_lists(model::Network& network, Diagnostics& diagnostics,
                                  const LoadOptions& options, const IpRangesFile& file);

}  // namespace cloudtwin::load
