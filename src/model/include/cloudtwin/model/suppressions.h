// What silences a finding of `exposure`, `check` or `diff` (docs/ci.md): a suppression file's
// entries and a baseline of earlier findings, as plain data. The `cloudtwin:ignore` tags of the
// network's resources are model::IgnoreTag (network.h).
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"

namespace cloudtwin::model {

// One entry of a suppression file: the findings of `rule` about `resource` are silenced, with
// `reason` shown in the report, until `expires` (then they are reported again, with a warning).
struct Suppression {
  std::string rule;      // "exposure/ssh-open"; `*` globs allowed
  std::string resource;  // an id or name, `*` globs allowed; "" for any resource
  std::string reason;
  std::string expires;   // "YYYY-MM-DD" (the last day it holds); "" for never
  std::string path;      // the file
  Location at;
};

// `--baseline FILE`: the fingerprints of the findings a run wrote with `--write-baseline`.
struct Baseline {
  std::string path;
  std::vector<std::string> fingerprints;  // sorted
};

}  // namespace cloudtwin::model
