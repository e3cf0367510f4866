// CloudFront's own JSON, given as a file of its own (docs/format.md, "CloudFront JSON"): an
// answer of `aws cloudfront` get-distribution-config, get-distribution, list-distributions,
// get-cache-policy / list-cache-policies, get-origin-request-policy / list-origin-request-policies,
// get-response-headers-policy / list-response-headers-policies, get-public-key / list-public-keys
// or get-key-group / list-key-groups, also as a recording wrapped in {"status_code", "data"}.
#pragma once

#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Whether the start of a JSON file is one of these answers (by its keys).
[[nodiscard]] bool is_cloudfront_json(std::string_view head);

// Reads the file into `network`, every problem located. A get-distribution-config answer has no
// id: a top-level "Id" beside it, else a distribution id (E…) in the file's name, else the file
// name's stem names it. Returns false on errors.
bool read_cloudfront_json_file(const std::string& path, model::Network& network, Diagnostics& d);

}  // namespace cloudtwin::load
