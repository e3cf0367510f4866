// What differs between two networks, resource by resource: each resource as the native YAML
// writer writes it (so any input format compares alike), matched by its section and name (its
// id when it has none), with the lines of its text that went and came, and where each network's
// input wrote it. `cloudtwin diff` names these as the causes of a change in reachability.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

struct ResourceChange {
  enum class Action : std::uint8_t { kAdded, kRemoved, kChanged };
  Action action = Action::kChanged;
  std::string section;  // "security_groups", as docs/format.md names the list
  std::string name;     // the name both networks give it (its id when it has no name)
  std::string id_before, id_after;  // empty on the side where it does not exist
  // Where each side's input wrote it (file, and line and column when the reader knows them).
  std::string file_before, file_after;
  Location at_before, at_after;
  // Lines of its native YAML text only in the network before / only after, in order.
  std::vector<std::string> removed;
  std::vector<std::string> added;
  // Whether `id_or_name` is this resource's id or name in either network.
  [[nodiscard]] bool names(std::string_view id_or_name) const {
    return !id_or_name.empty() &&
           (id_or_name == name || id_or_name == id_before || id_or_name == id_after);
  }
};
const char* action_name(ResourceChange::Action a);  // "added", "removed", "changed"

// The resources added, removed and changed, in the order of the native YAML sections. Both
// networks must be finalized.
std::vector<ResourceChange> network_changes(const model::Network& before,
                                            const model::Network& after);

}  // namespace cloudtwin::load
