// The writer of cloudtwin's native YAML format (docs/format.md): a finalized model::Network, from
// any reader, as a file the native reader reads back into the same network.
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// The native YAML text of `network`, which must have been finalized. The output is deterministic:
// resources in the network's order, fields in the order of docs/format.md, short items in flow
// style. What model::finalize() added as AWS would (main route tables, default security groups
// and network ACLs, local, propagated and gateway endpoint routes, the `*` network ACL entries,
// transit gateway default route tables, attachments of VPN connections to transit gateways) and a
// security group's implicit allow-all egress are left out, so that reading the text back adds them
// again. References are written as the name when it is unique, else as the id. Aliases (logical
// ids, Terraform addresses) are not part of the format; they are listed in a closing comment.
std::string write_native_yaml(const model::Network& network);

// One resource as write_native_yaml() writes it: its section ("security_groups"), id, name,
// where its input wrote it, and its list item's text (with the "  - " that opens it).
struct NativeYamlEntry {
  std::string section;
  std::string id;
  std::string name;
  Location at;
  std::string text;
};
// Every resource written, in the order of the text: what two networks' resources are compared
// by (`cloudtwin diff`).
std::vector<NativeYamlEntry> native_yaml_entries(const model::Network& network);

}  // namespace cloudtwin::load
