// The reader of `cloudtwin check` policy files (docs/policies.md): YAML rules that say which
// parties of a network may, must or must not reach which others. Names are kept as written;
// cloudtwin::verify resolves them against a network.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/policy.h"

namespace cloudtwin::load {

// Reads a policy from `text`; `path` names the file in diagnostics and in Policy::path. Reports
// every problem with file:line:column and a hint, and returns nullopt if any was an error.
// Never throws on input.
[[nodiscard]] std::optional<model::Policy> read_policy_text(std::string_view text,
                                                            const std::string& path,
                                                            Diagnostics& diagnostics);

// read_policy_text() on the contents of the file at `path`; an unreadable file is an error.
[[nodiscard]] std::optional<model::Policy> read_policy(const std::string& path,
                                                       Diagnostics& diagnostics);

}  // namespace cloudtwin::load
