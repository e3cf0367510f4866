// A structural comparison of two finalized networks for the export tests: every resource as one
// canonical line of its fields, written and derived (resolved references as ids, effective routes,
// associations, members), keyed by kind and id. Locations, reference texts, aliases and the
// network-wide default account and region are left out: they say where and how something was
// written, not what the network is.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cloudtwin/model/network.h"

namespace cloudtwin::load::testing {

// "Subnet subnet-a" -> "vpc=vpc-x az=us-east-1a ...".
std::map<std::string, std::string> fingerprint(const model::Network& network);

// Human-readable differences between the fingerprints of `a` and `b`; empty when they are equal.
std::vector<std::string> differences(const model::Network& a, const model::Network& b);

}  // namespace cloudtwin::load::testing
