// A folder of `aws ec2 describe-*` (and `aws directconnect describe-*`) JSON answers in the
// layout Batfish reads: aws_configs/<region>/*.json, aws_configs/<account>/<region>/*.json or
// accounts/<account>/<region>/*.json; files are recognised by their top-level key.
#pragma once

#include <string>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// True if `folder` looks like a snapshot (has aws_configs/ or accounts/).
bool is_aws_cli_snapshot(const std::string& folder);
bool read_aws_cli_snapshot(const std::string& folder, model::Network& network,
                           Diagnostics& diagnostics);

}  // namespace cloudtwin::load
