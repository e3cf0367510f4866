// Network Access Analyzer access scopes on the symbolic engine: every packet that can travel a
// path matching some MatchPaths entry and no ExcludePaths entry is a finding, grouped by the
// path's components. Unlike AWS, paths from and to on-premises networks (over Direct Connect
// and VPN) and IPv6 paths are analysed too. docs/access-scopes.md has the mapping.
#pragma once

#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/access_scope.h"
#include "cloudtwin/verify/findings.h"
#include "cloudtwin/verify/path_condition.h"

namespace cloudtwin::verify {

// One CheckResult for the scope (kind "access-scope"; passed = no findings): a row per class of
// finding packets, with its path components ("InternetGateway igw-…", …) in `paths` and its
// trace in `counterexamples`. Resource ids, names and prefix lists the network does not hold
// are located errors in `diagnostics`, and the result is then empty.
[[nodiscard]] std::vector<CheckResult> check_access_scope(Compiled& c,
                                                          const model::AccessScope& scope,
                                                          Diagnostics& diagnostics);

// The same without a place for diagnostics: a scope that names what the network does not hold
// gives one failed CheckResult whose message lists the errors (kind "access-scope",
// description starting "invalid scope"). Prefer the overload above where exit status 2 is due.
[[nodiscard]] std::vector<CheckResult> check_access_scope(Compiled& c,
                                                          const model::AccessScope& scope);

}  // namespace cloudtwin::verify
