// `terraform show -json` output of a state or a plan: aws_* resources of the root module and
// every child module.
#pragma once

#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

bool read_terraform(std::string_view text, const std::string& path, model::Network& network,
                    Diagnostics& diagnostics);
bool read_terraform_file(const std::string& path, model::Network& network, Diagnostics& diagnostics);

}  // namespace cloudtwin::load
