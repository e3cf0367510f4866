// `cloudtwin reach NETWORK --from X --to Y`: every packet from X that reaches Y (and whose
// reply returns), as a few rows with an example trace each.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <unordered_map>

#include "cloudtwin/verify/incremental.h"
#include "cloudtwin/verify/matrix.h"
#include "cloudtwin/verify/reach.h"
#include "cloudtwin/verify/rows.h"
#include "commands.h"
#include "terminal.h"
#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {
struct ReachCommandOptions {
  NetworkOptions network;
  LearnedRoutesOptions routes;
  std::string from;
  std::string to;
  HeaderOptions headers;
  bool json = false;
  bool traces = false;
  bool matrix = false;
  int max_rows = 50;
};

// `reach --matrix`: which subnet reaches which, every cell proven, with what reaches.
int print_matrix(const model::Network& network, verify::Compiled& compiled,
                 const verify::ReachOptions& options, bool json) {
  verify::MatrixOptions m;
  m.headers = options.headers;
  m.any_source_port = options.any_source_port;
  auto matrix = verify::subnet_matrix(compiled, m);
  // A cell in words: its protocols and ports. Most cells share a few sets, each put into words
  // once (the entry holds its set, so the node number is not reused for another).
  std::unordered_map<int, std::pair<bdd, std::string>> words;
  auto what = [&](model::Index a, model::Index b) -> const std::string& {
    bdd set = matrix.protocols_and_ports(a, b);
    auto [it, fresh] = words.try_emplace(set.id());
    if (fresh) it->second = {set, verify::services_text(set)};
    return it->second.second;
  };
  std::size_t n = matrix.size();
  // A subnet without network interfaces has nothing to send or receive: its cells are empty,
  // not blocked.
  std::vector<std::size_t> interfaces(n, 0);
  for (const auto& e : network.network_interfaces) {
    if (e.subnet.resolved()) ++interfaces[e.subnet.index];
  }
  std::vector<std::string> empty;
  for (model::Index s = 0; s < n; ++s) {
    if (interfaces[s] == 0) empty.push_back(network.subnets[s].label());
  }
  if (json) {
    nlohmann::json j;
    j["schema"] = "cloudtwin/reach-matrix/v1";
    j["subnets"] = nlohmann::json::array();
    for (model::Index s = 0; s < n; ++s) {
      j["subnets"].push_back({{"id", network.subnets[s].id},
                              {"name", network.subnets[s].name},
                              {"interfaces", interfaces[s]}});
    }
    j["cells"] = nlohmann::json::array();
    for (model::Index a = 0; a < n; ++a) {
      for (model::Index b = 0; b < n; ++b) {
        if (matrix.reachable(a, b)) {
          j["cells"].push_back({{"from", network.subnets[a].id},
                                {"to", network.subnets[b].id},
                                {"verdict", "reachable"},
                                {"reaches", what(a, b)}});
        } else if (matrix.inconclusive(a, b)) {
          j["cells"].push_back({{"from", network.subnets[a].id},
                                {"to", network.subnets[b].id},
                                {"verdict", "inconclusive"}});
        }
      }
    }
    j["reachable_cells"] = matrix.reachable_cells();
    j["inconclusive_cells"] = matrix.inconclusive_cells();
    j["classes_of_interfaces"] = matrix.classes();
    j["walks"] = matrix.walks();
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "Subnet reachability matrix: " << matrix.reachable_cells() << " of " << n * n
              << " (from, to) pairs reach";
    if (matrix.inconclusive_cells() > 0)
      std::cout << ", " << matrix.inconclusive_cells() << " inconclusive";
    std::cout << " (" << matrix.walks() << " walks, every packet)\n\n";
    for (model::Index a = 0; a < n; ++a) {
      for (model::Index b = 0; b < n; ++b) {
        if (matrix.reachable(a, b)) {
          std::cout << "  " << network.subnets[a].label() << " -> " << network.subnets[b].label()
                    << ": " << what(a, b) << "\n";
        } else if (matrix.inconclusive(a, b)) {
          std::cout << "  " << network.subnets[a].label() << " -> " << network.subnets[b].label()
                    << ": " << paint("INCONCLUSIVE", Tone::kUnsure) << " (depends on what cloudtwin cannot know; `reach --from "
                    << network.subnets[a].id << " --to " << network.subnets[b].id
                    << "` says what)\n";
        }
      }
    }
    if (!empty.empty()) {
      std::cout << "\n"
                << empty.size() << " subnet" << (empty.size() == 1 ? " has" : "s have")
                << " no network interfaces, so nothing to reach from or to:";
      for (std::size_t i = 0; i < empty.size(); ++i) std::cout << (i ? ", " : " ") << empty[i];
      std::cout << "\n";
    }
  }
  if (matrix.reachable_cells() > 0) return kExitOk;
  return matrix.inconclusive_cells() > 0 ? kExitInconclusive : kExitNegative;
}
}  // namespace

Runner add_reach_command(CLI::App& app) {
  auto o = std::make_shared<ReachCommandOptions>();
  auto* cmd = app.add_subcommand(
      "reach", "Which packets from X reach Y: every protocol, port and address, proven");
  add_network_options(*cmd, o->network);
  add_learned_routes_options(*cmd, o->routes);
  cmd->add_option("--from", o->from,
                  "Source: instance, ENI, subnet, VPC, security group (subnet/NAME, vpc/NAME, "
                  "sg/NAME), internet, on-premises network or CIDR");
  cmd->add_option("--to", o->to, "Destination, named as --from");
  cmd->add_flag("--matrix", o->matrix,
                "Instead of --from/--to: which subnet reaches which, for every pair of subnets");
  cmd->add_option("--protocol", o->headers.protocol,
                  "tcp, udp, icmp, icmpv6, a number; default all");
  cmd->add_option("--port", o->headers.port, "Destination port or range; default any");
  cmd->add_option("--source-port", o->headers.source_port,
                  "Source port, range or `any`; default the source's ephemeral ports");
  cmd->add_flag("--json", o->json, "Print a JSON document");
  cmd->add_flag("--traces", o->traces, "Print the example trace of every row");
  cmd->add_option("--max-rows", o->max_rows,
                  "Rows printed per section (reachable, blocked) in text; 0 for all (default 50)")
      ->check(CLI::Range(0, 1000000));
  return [o]() {
    model::Network network;
    Diagnostics diagnostics;
    if (o->matrix != (o->from.empty() && o->to.empty()))
      return usage_error(
          o->matrix ? "--matrix takes no --from/--to" : "--from and --to are required",
          "give --from X --to Y, or --matrix");
    if (!o->matrix && (o->from.empty() || o->to.empty()))
      return usage_error("--from and --to are required", "give --from X --to Y, or --matrix");
    if (!load_or_report(o->network, network, diagnostics, false)) return kExitBadInput;
    if (!attach_learned_routes_or_report(o->routes, network)) return kExitBadInput;
    if (o->matrix) {
      auto options = make_reach_options(o->headers);
      if (!options) return kExitBadInput;
      verify::Compiled compiled(network);
      return print_matrix(network, compiled, *options, o->json);
    }
    auto from = verify::parse_party(network, o->from);
    if (!from.party) return usage_error("--from: " + from.error, from.hint);
    // --to NAME: resolved as the source would (dns_resolve.cc), then its first address is the party.
    std::optional<DnsHop> dns;
    std::string to_text = o->to;
    if (!verify::parse_party(network, o->to).party) {
      PacketOptions packet;
      packet.from = o->from;
      packet.to = o->to;
      dns = resolve_destination(network, packet);
      if (dns && !dns->failure.empty()) {
        if (o->json) {
          nlohmann::ordered_json j = {{"schema", "cloudtwin/reach/v1"}, {"from", o->from}, {"to", o->to},
                                      {"reachable", false}, {"verdict", dns->unknown ? "inconclusive" : "blocked"}};
          j["dns"] = render_dns_hop_json(*dns);
          std::cout << j.dump(2) << "\n";
        } else {
          std::cout << render_dns_failure_text(*dns, o->from, o->to);
        }
        return dns_failure_exit(*dns);
      }
      if (dns) to_text = packet.to;
    }
    auto to = verify::parse_party(network, to_text);
    if (!to.party) return usage_error("--to: " + to.error, to.hint);
    auto options = make_reach_options(o->headers);
    if (!options) return kExitBadInput;
    verify::Compiled compiled(network);
    // One walk per pair of classes of interchangeable ENIs: a VPC to a VPC of thousands of
    // ENIs is thousands of pairs of classes, not millions of pairs of ENIs.
    auto result = verify::reach_by_class(compiled, *from.party, *to.party, *options);
    auto reachable = verify::rows(result, vpc::Verdict::kReachable);
    auto doubtful = verify::rows(result, vpc::Verdict::kInconclusive);
    auto blocked = verify::rows(result, vpc::Verdict::kBlocked);
    const bool any = result.reachable != bddfalse;
    const bool unknown = result.inconclusive != bddfalse || result.truncated;
    bool show_sports = !o->headers.source_port.empty();
    if (o->json) {
      nlohmann::json j;
      j["schema"] = "cloudtwin/reach/v1";
      j["from"] = o->from;
      j["to"] = o->to;
      if (dns) j["dns"] = render_dns_hop_json(*dns);
      j["reachable"] = any;  // some packet reaches, for certain
      j["verdict"] = any ? "reachable" : unknown ? "inconclusive" : "blocked";
      j["flows"] = nlohmann::json::array();
      for (const auto& r : reachable) j["flows"].push_back(row_json(network, r));
      j["inconclusive"] = nlohmann::json::array();
      for (const auto& r : doubtful) {
        auto b = row_json(network, r);
        if (r.example && !r.example->trace.unknowns.empty())
          b["code"] = r.example->trace.unknowns.front().code;
        j["inconclusive"].push_back(std::move(b));
      }
      j["blocked"] = nlohmann::json::array();
      for (const auto& r : blocked) {
        auto b = row_json(network, r);
        if (r.example && !r.example->trace.explanations.empty()) {
          b["code"] = r.example->trace.explanations.front().code;
        }
        j["blocked"].push_back(std::move(b));
      }
      j["classes"] = result.flows.size();
      j["walks"] = result.walks;
      j["truncated"] = result.truncated;
      std::cout << j.dump(2) << "\n";
    } else {
      if (dns) std::cout << render_dns_hop_text(*dns, o->from);
      std::cout << "Reach " << o->from << " -> " << o->to << (dns ? " (" + to_text + ")" : "") << ": ";
      auto rows_word = [](std::size_t k) {
        return std::to_string(k) + (k == 1 ? " row" : " rows");
      };
      if (any) {
        std::cout << paint("REACHABLE", Tone::kGood) << " for " << rows_word(reachable.size());
        if (!doubtful.empty())
          std::cout << ", " << paint("INCONCLUSIVE", Tone::kUnsure) << " for " << rows_word(doubtful.size());
      } else if (!doubtful.empty()) {
        std::cout << paint("INCONCLUSIVE", Tone::kUnsure) << ": nothing is reachable for certain, but "
                  << rows_word(doubtful.size()) << " depend on what cloudtwin cannot know";
      } else if (result.truncated) {
        std::cout << paint("INCONCLUSIVE", Tone::kUnsure)
                  << ": nothing reachable found before the search stopped";
      } else {
        std::cout << paint("NOTHING", Tone::kBad) << " is reachable";
      }
      std::cout << " (" << result.flows.size() << " classes of packets"
                << (result.truncated ? ", search stopped early" : ", all checked") << ")\n";
      // Two VPCs of thousands of ENIs make thousands of rows (one per pair of classes).
      auto shown = [&](const std::vector<verify::Row>& rows) {
        auto limit = static_cast<std::size_t>(o->max_rows);
        return limit == 0 ? rows.size() : std::min(rows.size(), limit);
      };
      auto more = [&](const std::vector<verify::Row>& rows, const char* what) {
        if (shown(rows) == rows.size()) return;
        std::cout << "  ... and " << rows.size() - shown(rows) << " more " << what
                  << " rows (--max-rows 0 prints every row; --json lists them all)\n";
      };
      // One section per verdict: a heading, its rows (at most --max-rows), what each row's
      // example says under it, and the full traces with --traces.
      auto section = [&](const char* heading, const char* what,
                         const std::vector<verify::Row>& rows, auto&& detail) {
        if (rows.empty()) return;
        std::cout << "\n" << heading << "\n";
        for (std::size_t i = 0; i < shown(rows); ++i) {
          const auto& r = rows[i];
          std::cout << "  " << row_text(r, show_sports) << "\n";
          if (r.example) std::cout << "      " << detail(r) << "\n";
          if (o->traces && r.example) {
            std::cout << render_trace_text(r.example->trace, o->from, o->to) << "\n";
          }
        }
        more(rows, what);
      };
      section("Reachable", "reachable", reachable,
              [](const verify::Row& r) { return "path: " + path_text(r.example->trace); });
      section("Inconclusive", "inconclusive", doubtful,
              [](const verify::Row& r) { return "unknown: " + unknown_text(r.example->trace); });
      section("Blocked", "blocked", blocked, [](const verify::Row& r) { return blocked_text(r); });
      if (result.truncated) std::cout << "\nwarning: stopped after " << result.walks << " walks\n";
    }
    if (any) return kExitOk;
    return unknown ? kExitInconclusive : kExitNegative;
  };
}

}  // namespace cloudtwin::cli
