// Route 53's own JSON, given as a file of its own (docs/format.md, "Route 53 JSON"): a change
// batch (`aws route53 change-resource-record-sets --change-batch`, bare or wrapped with its
// HostedZoneId), an answer of list-hosted-zones, get-hosted-zone or list-resource-record-sets
// (also as a recording wrapped in {"status_code", "data"}), or botocore's examples file.
#pragma once

#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Whether the start of a JSON file is one of these shapes (by its keys).
[[nodiscard]] bool is_route53_json(std::string_view head);

// Reads the file into `network`: hosted zones, record sets and delegation sets, every problem
// located. A change batch applies to the zone its HostedZoneId names (read before, or made from
// the id), CREATE, UPSERT and DELETE in order, all or nothing. Returns false on errors.
bool read_route53_json_file(const std::string& path, model::Network& network, Diagnostics& d);

}  // namespace cloudtwin::load
