// The one entry point the CLI and servers use: reads every network named on the command line,
// in any supported format (detected by content), into one model::Network and finalizes it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

enum class Format { kNative, kCloudFormation, kTerraform, kAwsCliSnapshot, kUnknown };
const char* format_name(Format f);

struct LoadOptions {
  // CloudFormation parameter overrides (--param Key=Value).
  std::map<std::string, std::string> parameters;
  // CloudFormation Fn::ImportValue answers (--import Name=Value), if the user has them.
  std::map<std::string, std::string> imports;
  std::string region;   // default region for formats that do not say (CloudFormation)
  std::string account;  // default account id
};

// What a path holds: a snapshot folder (aws_configs/ or accounts/ inside), or a file whose
// content says Terraform (`format_version` with `values`/`planned_values`), CloudFormation
// (`Resources` or `AWSTemplateFormatVersion`) or cloudtwin's native format.
Format detect_format(const std::string& path);

// Reads each path into `out` (folders: a snapshot, or every network file inside in name order),
// then runs model::finalize() unless reading found errors. Returns !d.has_errors().
bool load_network(const std::vector<std::string>& paths, model::Network& out, Diagnostics& d,
                  const LoadOptions& options = {});

}  // namespace cloudtwin::load
