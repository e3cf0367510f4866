// `terraform show -json` output of a state or a plan: aws_* resources of the root module and
// every child module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Which network a plan describes: the one it will make (`planned_values`, the default; a state's
// `values`), or the one it starts from (`prior_state`, without its data sources, which
// `planned_values` never holds) — `cloudtwin diff plan.json` compares the two.
enum class TerraformSide : std::uint8_t { kPlanned, kPriorState };

bool read_terraform(std::string_view text, const std::string& path, model::Network& network,
                    Diagnostics& diagnostics, TerraformSide side = TerraformSide::kPlanned);
bool read_terraform_file(const std::string& path, model::Network& network, Diagnostics& diagnostics,
                         TerraformSide side = TerraformSide::kPlanned);

}  // namespace cloudtwin::load
