// Policy rules (model::Policy, read by cloudtwin::load::read_policy) checked against a network
// with the symbolic engine: one CheckResult per rule, each failure with the offending (or, for
// `reachable`, the missing) packets as rows and one concrete counterexample trace per row.
#pragma once

#include <cstddef>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/policy.h"
#include "cloudtwin/verify/findings.h"
#include "cloudtwin/verify/path_condition.h"

namespace cloudtwin::verify {

struct PolicyCheckOptions {
  std::size_t max_rows = 10;          // rows (each with its trace) kept per failed rule
  std::size_t max_walks = 1'000'000;  // per pair of parties; beyond it the rule fails
};

// Checks every rule of `policy` against the network `c` was compiled from. A name that does not
// resolve there is an error in `diagnostics` at the name's place in the policy (every such name
// is reported); then no rule is checked and the result is empty.
[[nodiscard]] std::vector<CheckResult> check_policy(Compiled& c, const model::Policy& policy,
                                                    Diagnostics& diagnostics,
                                                    const PolicyCheckOptions& options = {});

}  // namespace cloudtwin::verify
