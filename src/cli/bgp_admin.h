// What `serve bgp --admin` answers and `--metrics` exposes (serve_bgp_command.cc), and how
// `cloudtwin routes` renders it (routes_command.cc): the sessions AWS's side runs and the
// routes each learned from the customer's router, as JSON (docs/hybrid.md, "serve bgp").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/hybrid/aws_side.h"
#include "cloudtwin/hybrid/bfd.h"
#include "cloudtwin/hybrid/speaker.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::cli {

struct BgpSessionView {
  const hybrid::AwsSession* aws = nullptr;
  std::optional<hybrid::PeerId> id;  // the speaker's peer; nullopt: not running
  std::uint16_t listen_port = 179;
  std::optional<hybrid::BfdSessionInfo> bfd;  // a virtual interface's BFD session
};

// {"sessions": [...], "tables": [...], "route_tables": [...], "transit_gateway_route_tables":
// [...], "learned": [...]} (`sessions_only`: only "sessions";
// `routing` may then be null).
[[nodiscard]] nlohmann::ordered_json bgp_admin_json(const model::Network& network,
                                                    model::Network* routing,
                                                    const std::vector<BgpSessionView>& sessions,
                                                    const hybrid::Speaker& speaker, bool sessions_only);

// "tables": each virtual private gateway's routes towards on-premises, chosen among `learned`
// (the JSON list above) as AWS chooses (model/hybrid_routes.h): per prefix every candidate, the
// winner first, and why it won. The routes are attached to `routing` (a network of its own: a
// finalized Network cannot be copied), replacing any attached before. Errors in `learned` (none
// expected) are returned as "error".
[[nodiscard]] nlohmann::ordered_json gateway_tables_json(model::Network& routing,
                                                         const nlohmann::ordered_json& learned);

// After gateway_tables_json(routing, ...): "route_tables", the routes VPC route tables got by
// propagation from their virtual private gateways, and "transit_gateway_route_tables", what
// Direct Connect gateway and VPN attachments propagated.
[[nodiscard]] nlohmann::ordered_json propagated_tables_json(const model::Network& routing);

// Prometheus text: per session state, prefixes, messages, transitions, limit trips.
[[nodiscard]] std::string bgp_metrics_text(const std::vector<BgpSessionView>& sessions,
                                           const hybrid::Speaker& speaker, std::uint64_t reloads);

// "7224:7300"; the RFC 1997 well-known ones by name (NO_EXPORT, ...).
[[nodiscard]] std::string community_text(std::uint32_t community);

}  // namespace cloudtwin::cli
