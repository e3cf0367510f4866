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
  LearnedRoutesOptions routes;
  PacketOptions packet;
  bool json = false;
};
}  // namespace

Runner add_trace_command(CLI::App& app) {
  auto o = std::make_shared<TraceOptions>();
  auto* cmd = app.add_subcommand(
      "trace", "Trace one packet hop by hop and explain where and why it is dropped");
  add_network_options(*cmd, o->network);
  add_learned_routes_options(*cmd, o->routes);
  cmd->add_option("--from", o->packet.from,
                  "Source: instance, ENI, address, internet[:ADDR] or on-premises network")
      ->required();
  cmd->add_option("--to", o->packet.to,
                  "Destination: instance, ENI, load balancer[:PORT], address, internet[:ADDR], "
                  "on-premises network, or a DNS name (resolved as the source's VPC resolver would)")
      ->required();
  cmd->add_option("--through", o->packet.through,
                  "Address the packet to this load balancer[:PORT] or interface endpoint, which "
                  "sends it on to --to (from the internet, a destination without a public "
                  "address is reached through an internet-facing load balancer that targets it "
                  "anyway)");
  add_packet_options(*cmd, o->packet, "");
  cmd->add_flag("--json", o->json, "Print a JSON document");
  return [o]() {
    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(o->network, network, diagnostics, false)) return kExitBadInput;
    if (!attach_learned_routes_or_report(o->routes, network)) return kExitBadInput;
    PacketOptions packet = o->packet;
    const auto dns = resolve_destination(network, packet);
    if (dns && !dns->failure.empty()) {
      // The name has no address for this source: nothing to send, the DNS hop is the answer.
      if (o->json) {
        nlohmann::ordered_json j = {{"schema", "cloudtwin/trace/v1"},
                                    {"verdict", dns->unknown ? "INCONCLUSIVE" : "BLOCKED"}};
        j["dns"] = render_dns_hop_json(*dns);
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << render_dns_failure_text(*dns, o->packet.from, o->packet.to);
      }
      return dns_failure_exit(*dns);
    }
    auto q = make_query(network, packet);
    if (!q) return kExitBadInput;
    auto t = vpc::trace(network, *q);
    if (o->json) {
      auto j = render_trace_json(t);
      j["schema"] = "cloudtwin/trace/v1";
      if (dns) j["dns"] = render_dns_hop_json(*dns);
      std::cout << j.dump(2) << "\n";
    } else {
      if (dns) std::cout << render_dns_hop_text(*dns, o->packet.from);
      std::cout << render_trace_text(t, o->packet.from, packet.to);
    }
    return verdict_exit(t.verdict);
  };
}

}  // namespace cloudtwin::cli
