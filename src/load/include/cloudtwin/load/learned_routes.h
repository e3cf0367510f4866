// The routes AWS learned from the customer's routers, as `cloudtwin routes --json` writes them
// (docs/hybrid-routing.md, "Learned routes file"): read, checked against the network (every
// problem located at file:line:column), and attached to it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/learned_routes.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Reads the JSON `text` of a learned routes file named `file` against a finalized `network`
// (sessions are named by virtual interface or VPN connection id, name or alias). Each route's
// `at` gets file index `file_index` of `network.files` (0: unknown). nullopt when any error was
// reported; every problem is reported, not only the first.
[[nodiscard]] std::optional<std::vector<model::LearnedRoute>> read_learned_routes(
    std::string_view text, const std::string& file, const model::Network& network,
    Diagnostics& diagnostics, std::uint32_t file_index = 0);

// What `trace --routes FILE` calls: reads the file at `path` and attaches its routes to the
// already finalized `network` with model::attach_learned_routes(), which also recomputes the
// routes virtual private gateways propagate into VPC route tables (no second finalize()).
// On an error nothing is attached and the network behaves as without learned routes.
bool load_learned_routes(const std::string& path, model::Network& network,
                         Diagnostics& diagnostics);

}  // namespace cloudtwin::load
