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
// `region_option` is --region, if given: a snapshot whose folders or Availability Zones say
// another Region gets a warning (the snapshot's Region is used).
bool read_aws_cli_snapshot(const std::string& folder, model::Network& network,
                           Diagnostics& diagnostics, const std::string& region_option = {});

}  // namespace cloudtwin::load
