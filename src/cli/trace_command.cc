// `cloudtwin trace NETWORK --from SRC --to DST`: follow one packet and its reply.
#include <iostream>
#include <memory>

#include "cloudtwin/vpc/trace.h"
#include "commands.h"
#include "trace_output.h"

namespace cloudtwin::cli {

namespace {
struct TraceOptions {
  NetworkOptions network;
  std::string from;
  std::string to;
  std::string protocol = "tcp";
  std::optional<int> port;
  std::optional<int> source_port;
  bool json = false;
};

int usage_error(const std::string& message, const std::string& hint = {}) {
  std::cerr << "error: " << message << (hint.empty() ? "" : " (" + hint + ")") << "\n";
  return kExitBadInput;
}
}  // namespace

Runner add_trace_command(CLI::App& app) {
  auto o = std::make_shared<TraceOptions>();
  auto* cmd = app.add_subcommand("trace", "Trace one packet hop by hop and explain where and why it is dropped");
  add_network_options(*cmd, o->network);
  cmd->add_option("--from", o->from, "Source: instance, ENI, address, internet[:ADDR] or on-premises network")->required();
  cmd->add_option("--to", o->to, "Destination: instance, ENI, address, internet[:ADDR] or on-premises network")->required();
  cmd->add_option("--protocol", o->protocol, "tcp, udp, icmp, icmpv6 or a protocol number");
  cmd->add_option("--port", o->port, "Destination port (ICMP: type); default 443, ICMP 8");
  cmd->add_option("--source-port", o->source_port, "Source port; default: the source's first ephemeral port");
  cmd->add_flag("--json", o->json, "Print a JSON document");
  return [o]() {
    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(o->network, network, diagnostics, false)) return kExitBadInput;
    auto protocol = Protocol::parse(o->protocol);
    if (!protocol || protocol->is_all()) return usage_error("bad --protocol `" + o->protocol + "`", "tcp, udp, icmp, icmpv6 or 0-255");
    auto check_port = [](const std::optional<int>& p) { return !p || (*p >= 0 && *p <= 65535); };
    if (!check_port(o->port) || !check_port(o->source_port)) return usage_error("ports are 0-65535");
    auto from = vpc::parse_endpoint(network, o->from);
    if (!from.endpoint) return usage_error("--from: " + from.error, from.hint);
    auto to = vpc::parse_endpoint(network, o->to);
    if (!to.endpoint) return usage_error("--to: " + to.error, to.hint);
    vpc::Query q;
    q.source = *from.endpoint;
    q.destination = *to.endpoint;
    q.protocol = *protocol;
    if (o->port) q.destination_port = static_cast<std::uint16_t>(*o->port);
    else if (protocol->is_icmp()) q.destination_port = protocol->number() == Protocol::kIcmp ? 8 : 128;
    if (o->source_port) q.source_port = static_cast<std::uint16_t>(*o->source_port);
    auto t = vpc::trace(network, q);
    if (o->json) {
      std::cout << render_trace_json(t).dump(2) << "\n";
    } else {
      std::cout << render_trace_text(t, o->from, o->to);
    }
    return t.reachable ? kExitOk : kExitNegative;
  };
}

}  // namespace cloudtwin::cli
