// CloudFormation templates (JSON or YAML with short-form tags): parameters, conditions,
// mappings and intrinsic functions evaluated offline into model resources.
#pragma once

#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

bool read_cloudformation(std::string_view text, const std::string& path, const LoadOptions& options,
                         model::Network& network, Diagnostics& diagnostics);
bool read_cloudformation_file(const std::string& path, const LoadOptions& options,
                              model::Network& network, Diagnostics& diagnostics);

}  // namespace cloudtwin::load
