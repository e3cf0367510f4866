// The outcome of one assertion of `cloudtwin check`: a policy rule (policy.yaml) or a Network
// Access Analyzer access scope. Renderers (text, JSON, SARIF, JUnit) read only this.
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/verify/rows.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::verify {

struct CheckResult {
  std::string id;           // the policy rule's or access scope's name
  std::string kind;         // "isolated", "reachable", "only", "through", "access-scope", ...
  std::string description;  // what the assertion says, in words
  Location at;              // where it is written (file:line:column)
  bool passed = true;
  // Neither passed nor failed: no packet violates the assertion for certain, but the verdict of
  // some depends on what cloudtwin cannot know (their traces name it), or the assertion checks
  // no packet at all. `passed` is false.
  bool inconclusive = false;
  std::string message;  // why it failed (or a one-line summary when it passed)
  // The offending packets (or, for `reachable`, the missing ones) as rows; when inconclusive,
  // the packets whose verdict is unknown. Row::example is cleared; the matching traces are in
  // `counterexamples`, one per row where there is one.
  std::vector<Row> rows;
  std::vector<vpc::Trace> counterexamples;
  // Access scopes: the path of each finding as "Type id" components, one list per row.
  std::vector<std::vector<std::string>> paths;
};

}  // namespace cloudtwin::verify
