// Rendering of symbolic results (rows of packets with their example traces) for `reach`,
// `exposure`, `check` and access scopes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cloudtwin/model/network.h"
#include "cloudtwin/verify/reach.h"
#include "cloudtwin/verify/rows.h"

namespace cloudtwin::cli {

// "tcp 443, 8443  10.0.1.10 -> 10.0.2.20"
std::string row_text(const verify::Row& r, bool show_source_ports);
// "eni-1 -> sg-1 -> acl-1 -> rtb-1 -> ..." from a trace's forward hops.
std::string path_text(const vpc::Trace& t);
// The first explanation of a blocked flow: "CODE at Type id: message".
std::string blocked_text(const vpc::Trace& t, bool with_message = true);
// The same for a row, with the message only when the row's example is of the row's protocol.
std::string blocked_text(const verify::Row& r);
// What an inconclusive trace depends on: "UNSUPPORTED_COMPONENT at RouteTable rtb-1: MESSAGE".
std::string unknown_text(const vpc::Trace& t);
nlohmann::json row_json(const model::Network& n, const verify::Row& r);
// A label for an ENI: "web-1 (eni-...)" or its instance's.
std::string interface_label(const model::Network& n, model::Index eni);

// Packet options shared by the symbolic verbs: --protocol, --port, --source-port.
struct HeaderOptions {
  std::string protocol;     // empty: every protocol
  std::string port;         // "443", "1024-65535"; empty: any
  std::string source_port;  // "any" or a range; empty: the source's ephemeral ports
};
// The header restriction, or nullopt after a usage error.
std::optional<verify::ReachOptions> make_reach_options(const HeaderOptions& o);

}  // namespace cloudtwin::cli
