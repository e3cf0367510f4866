// `cloudtwin exposure NETWORK`: every network interface the internet reaches, with protocols,
// ports, source addresses and the path, most risky first.
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>

#include "cloudtwin/verify/exposure.h"
#include "commands.h"
#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {
struct ExposureOptions {
  NetworkOptions network;
  HeaderOptions headers;
  bool json = false;
  bool traces = false;
  std::string fail_on;
};

std::optional<verify::Risk> parse_risk(const std::string& text) {
  for (auto r : {verify::Risk::kLow, verify::Risk::kMedium, verify::Risk::kHigh, verify::Risk::kCritical}) {
    if (text == verify::risk_name(r)) return r;
  }
  return std::nullopt;
}
}  // namespace

Runner add_exposure_command(CLI::App& app) {
  auto o = std::make_shared<ExposureOptions>();
  auto* cmd = app.add_subcommand(
      "exposure", "Every network interface the internet can reach, with ports and path, by risk");
  add_network_options(*cmd, o->network);
  cmd->add_option("--protocol", o->headers.protocol, "Only this protocol");
  cmd->add_option("--port", o->headers.port, "Only these destination ports");
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit 1 if anything at this risk or above is exposed: low, medium, high, critical");
  cmd->add_flag("--json", o->json, "Print a JSON document");
  cmd->add_flag("--traces", o->traces, "Print an example trace for every exposure");
  return [o]() {
    std::optional<verify::Risk> fail_on;
    if (!o->fail_on.empty()) {
      fail_on = parse_risk(o->fail_on);
      if (!fail_on) return usage_error("--fail-on: unknown risk `" + o->fail_on + "`",
                                       "low, medium, high or critical");
    }
    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(o->network, network, diagnostics, false)) return kExitBadInput;
    auto options = make_reach_options(o->headers);
    if (!options) return kExitBadInput;
    verify::Compiled compiled(network);
    auto report = verify::exposure(compiled, options->headers);
    // --fail-on: a certain exposure at that risk fails; a possible one (inconclusive) makes
    // the answer inconclusive unless a certain one fails it.
    bool failed = false;
    bool doubtful = false;
    for (const auto& x : report.exposures) {
      if (!fail_on || x.risk < *fail_on) continue;
      (x.inconclusive ? doubtful : failed) = true;
    }
    std::set<model::Index> exposed, maybe_exposed;
    for (const auto& x : report.exposures)
      (x.inconclusive ? maybe_exposed : exposed).insert(x.interface);
    if (o->json) {
      nlohmann::json j;
      j["schema"] = "cloudtwin/exposure/v1";
      j["interfaces_checked"] = report.interfaces_checked;
      j["interfaces_exposed"] = exposed.size();
      j["exposures"] = nlohmann::json::array();
      for (const auto& x : report.exposures) {
        auto r = row_json(network, x.row);
        r["network_interface"] = network.network_interfaces[x.interface].id;
        r["name"] = interface_label(network, x.interface);
        r["risk"] = verify::risk_name(x.risk);
        r["reason"] = x.reason;
        if (!x.via.empty()) r["via"] = x.via;
        r["verdict"] = x.inconclusive ? "inconclusive" : "reachable";
        r["example"] = render_trace_json(x.trace);
        j["exposures"].push_back(std::move(r));
      }
      std::cout << j.dump(2) << "\n";
    } else {
      // Findings are sorted by risk, so one interface's findings need not be adjacent.
      std::size_t findings = report.exposures.size();
      std::size_t certain = static_cast<std::size_t>(std::count_if(
          report.exposures.begin(), report.exposures.end(),
          [](const verify::Exposure& x) { return !x.inconclusive; }));
      std::cout << "Exposure to the internet: " << certain << " finding" << (certain == 1 ? "" : "s")
                << " on " << exposed.size() << " network interface"
                << (exposed.size() == 1 ? "" : "s");
      if (certain < findings) {
        std::cout << ", " << findings - certain << " inconclusive on " << maybe_exposed.size()
                  << " interface" << (maybe_exposed.size() == 1 ? "" : "s");
      }
      std::cout << " (" << report.interfaces_checked
                << " with a public IPv4 or IPv6 address or behind a load balancer checked, every packet)\n";
      for (const auto& x : report.exposures) {
        std::string risk = verify::risk_name(x.risk);
        for (auto& ch : risk) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        std::cout << "\n" << risk << std::string(10 - risk.size(), ' ')
                  << interface_label(network, x.interface) << ": "
                  << (x.inconclusive ? "MAYBE (inconclusive) " : "") << x.reason << "\n";
        if (!x.via.empty()) std::cout << "          through " << x.via << "\n";
        std::cout << "          " << row_text(x.row, false) << "\n"
                  << "          path: " << path_text(x.trace) << "\n";
        if (x.inconclusive) std::cout << "          unknown: " << unknown_text(x.trace) << "\n";
        if (o->traces) std::cout << render_trace_text(x.trace, "internet", network.network_interfaces[x.interface].id);
      }
    }
    if (failed) return kExitNegative;
    return doubtful ? kExitInconclusive : kExitOk;
  };
}

}  // namespace cloudtwin::cli
