// Reads a Network Access Analyzer access scope from JSON: the request of
// CreateNetworkInsightsAccessScope (`{"MatchPaths": [...], "ExcludePaths": [...]}`, as given to
// `aws ec2 create-network-insights-access-scope --cli-input-json`), the answer of
// `aws ec2 get-network-insights-access-scope-content` or of create-network-insights-access-scope
// (`{"NetworkInsightsAccessScopeContent": {...}}`), or an AWS::EC2::NetworkInsightsAccessScope
// CloudFormation resource. Every problem is reported with file:line:column and a hint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/access_scope.h"

namespace cloudtwin::load {

// nullopt if the file has any error (all of them are in `diagnostics`).
[[nodiscard]] std::optional<model::AccessScope> read_access_scope(const std::string& path,
                                                                  Diagnostics& diagnostics);
// The same, with every Location's file set to `file_index` (the index of `path` in the
// network's file table, from Network::add_file) so check results point into the scope file.
[[nodiscard]] std::optional<model::AccessScope> read_access_scope(const std::string& path,
                                                                  Diagnostics& diagnostics,
                                                                  std::uint32_t file_index);

}  // namespace cloudtwin::load
