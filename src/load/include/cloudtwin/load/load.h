// The one entry point the CLI and servers use: reads every network named on the command line,
// in any supported format (detected by content), into one model::Network and finalizes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Files larger than this are refused unread unless LoadOptions::max_input_size says otherwise:
// far above any real network (a 10,000-subnet snapshot is 180 MB), far below what would exhaust
// a machine's memory by accident.
inline constexpr std::uint64_t kDefaultMaxInputSize = std::uint64_t{1} << 30;

enum class Format {
  kNative,
  kCloudFormation,
  kTerraform,
  kAwsCliSnapshot,
  kZoneFile,
  kRoute53,
  kCloudFront,
  kUnknown
};
const char* format_name(Format f);

struct LoadOptions {
  // CloudFormation parameter overrides (--param Key=Value).
  std::map<std::string, std::string> parameters;
  // CloudFormation parameter files (--param-file), read by prepare_cloudformation().
  std::vector<std::string> param_files;
  // CloudFormation Fn::ImportValue answers (--import Name=Value), if the user has them.
  std::map<std::string, std::string> imports;
  std::string region;   // default region for formats that do not say (CloudFormation)
  std::string account;  // default account id
  // Larger input files are an error naming the file, its size and this limit (--max-input-size).
  std::uint64_t max_input_size = kDefaultMaxInputSize;
  // AWS's ip-ranges.json for the AWS-managed prefix lists (--ip-ranges); empty: the default
  // (aws_managed_prefix_lists.h, find_ip_ranges_file()).
  std::string ip_ranges;
  // A Terraform plan's network before it (`prior_state`) instead of after (`cloudtwin diff
  // plan.json`); states and other formats are read as they are.
  bool terraform_prior_state = false;
};

// Why `path` is no input cloudtwin reads: it is not a regular file (a FIFO or device could
// block or never end; "is not a regular file (a FIFO)"), or it is larger than `max_size`.
// nullopt when it may be read, and when it does not exist (opening it then says why).
struct InputProblem {
  std::string message;
  std::string hint;
};
std::optional<InputProblem> input_file_problem(const std::string& path, std::uint64_t max_size);

// A size as people write it: "1048576", "512K", "512M", "2G", "1T" (powers of 1024; "KiB",
// "MB", "g" and the like too). nullopt for anything else, 0 or a value over 2^63.
std::optional<std::uint64_t> parse_size(std::string_view text);
// "1 GiB", "1.5 MiB", "100 bytes".
std::string size_text(std::uint64_t bytes);

// What a path holds: a snapshot folder (aws_configs/ or accounts/ inside), or a file whose
// content says Terraform (`format_version` with `values`/`planned_values`), CloudFormation
// (`Resources` or `AWSTemplateFormatVersion`), Route 53 JSON (a change batch or an answer, see
// route53_json.h), CloudFront JSON (an `aws cloudfront` answer, see cloudfront_json.h) or
// cloudtwin's native format.
Format detect_format(const std::string& path);

// Reads each path into `out` (folders: a snapshot, or every network file inside in name order),
// then runs model::finalize() unless reading found errors. Returns !d.has_errors().
bool load_network(const std::vector<std::string>& paths, model::Network& out, Diagnostics& d,
                  const LoadOptions& options = {});

}  // namespace cloudtwin::load
