#include "verify_output.h"

#include <algorithm>

#include "commands.h"
#include "trace_output.h"

namespace cloudtwin::cli {

std::string interface_label(const model::Network& n, model::Index eni) {
  if (eni == model::kNone) return "";
  const auto& iface = n.network_interfaces[eni];
  if (iface.instance.resolved()) return n.instances[iface.instance.index].label();
  return iface.label();
}

std::string row_text(const verify::Row& r, bool show_source_ports) {
  std::string out = r.protocol;
  if (!r.destination_ports.empty()) {
    bool icmp = r.protocol.starts_with("icmp");
    bool every_type = icmp && r.destination_ports.size() == 1 && r.destination_ports[0].from == 0 &&
                      r.destination_ports[0].to == 255;
    out += every_type ? " any type"
                      : (icmp ? " type " : " ") + verify::ports_text(r.destination_ports);
  }
  if (show_source_ports && !r.source_ports.empty() && !r.protocol.starts_with("icmp")) {
    out += " (source ports " + verify::ports_text(r.source_ports) + ")";
  }
  out += "  " + (r.sources_label.empty() ? verify::prefixes_text(r.sources, false) : r.sources_label) +
         " -> " +
         (r.destinations_label.empty() ? verify::prefixes_text(r.destinations, r.truncated)
                                       : r.destinations_label);
  if (!r.exact) out += "  (some of these)";
  return out;
}

std::string path_text(const vpc::Trace& t) {
  std::string out;
  std::string last;
  for (const auto& h : t.forward) {
    std::string id = h.component_id.empty() ? h.component_type : h.component_id;
    if (id == last) continue;
    last = id;
    if (!out.empty()) out += " -> ";
    out += id;
  }
  return out;
}

std::string blocked_text(const vpc::Trace& t, bool with_message) {
  if (t.explanations.empty()) return "";
  const auto& e = t.explanations.front();
  std::string out = e.code;
  if (!e.component_id.empty()) out += " at " + e.component_type + " " + e.component_id;
  if (!e.direction.empty()) out += " (" + e.direction + ")";
  if (e.path == "return") out += " on the return path";
  return with_message ? out + ": " + e.message : out;
}

std::string unknown_text(const vpc::Trace& t) {
  if (t.unknowns.empty()) return "";
  const auto& e = t.unknowns.front();
  std::string out = e.code;
  if (!e.component_id.empty()) out += " at " + e.component_type + " " + e.component_id;
  if (e.path == "return") out += " on the return path";
  out += ": " + e.message;
  if (t.unknowns.size() > 1) out += " (and " + std::to_string(t.unknowns.size() - 1) + " more)";
  return out;
}

std::string blocked_text(const verify::Row& r) {
  if (!r.example) return "";
  // The example stands for the whole class; its words fit the row when it is of the row's
  // protocol.
  int p = r.example->trace.header.protocol.number();
  bool same = std::any_of(r.protocols.begin(), r.protocols.end(),
                          [&](const auto& range) { return range.first <= p && p <= range.second; });
  return blocked_text(r.example->trace, same);
}

nlohmann::json row_json(const model::Network& n, const verify::Row& r) {
  nlohmann::json j;
  j["protocol"] = r.protocol;
  auto ports = [](const std::vector<PortRange>& list) {
    auto a = nlohmann::json::array();
    for (const auto& p : list) a.push_back(p.from == p.to ? std::to_string(p.from) : p.str());
    return a;
  };
  if (!r.destination_ports.empty()) j["destination_ports"] = ports(r.destination_ports);
  if (!r.source_ports.empty()) j["source_ports"] = ports(r.source_ports);
  j["sources"] = nlohmann::json::array();
  for (const auto& p : r.sources) j["sources"].push_back(p.str());
  j["destinations"] = nlohmann::json::array();
  for (const auto& p : r.destinations) j["destinations"].push_back(p.str());
  if (!r.sources_label.empty()) j["sources_label"] = r.sources_label;
  if (!r.destinations_label.empty()) j["destinations_label"] = r.destinations_label;
  if (r.truncated) j["truncated"] = true;
  j["exact"] = r.exact;
  if (r.source_interface != model::kNone)
    j["source_interface"] = n.network_interfaces[r.source_interface].id;
  if (r.destination_interface != model::kNone)
    j["destination_interface"] = n.network_interfaces[r.destination_interface].id;
  if (r.example) j["example"] = render_trace_json(r.example->trace);
  return j;
}

std::optional<verify::ReachOptions> make_reach_options(const HeaderOptions& o) {
  verify::ReachOptions r;
  int protocol = Protocol::kAll;
  if (!o.protocol.empty()) {
    auto p = Protocol::parse(o.protocol);
    if (!p) {
      usage_error("unknown protocol `" + o.protocol + "`", "tcp, udp, icmp, icmpv6, all or 0-255");
      return std::nullopt;
    }
    protocol = p->number();
  }
  r.headers = verify::HeaderSpace::protocol(protocol);
  if (!o.port.empty()) {
    auto range = PortRange::parse(o.port);
    if (!range) {
      usage_error("bad port `" + o.port + "`", "a port or range such as 443 or 1024-65535");
      return std::nullopt;
    }
    if (protocol == Protocol::kAll) {
      // A port without a protocol means TCP and UDP.
      r.headers = verify::HeaderSpace::protocol(Protocol::kTcp) |
                  verify::HeaderSpace::protocol(Protocol::kUdp);
    }
    r.headers &= verify::HeaderSpace::port(verify::Block::kDstPort, *range);
  }
  if (o.source_port == "any") {
    r.any_source_port = true;
  } else if (!o.source_port.empty()) {
    auto range = PortRange::parse(o.source_port);
    if (!range) {
      usage_error("bad source port `" + o.source_port + "`", "a port, a range or `any`");
      return std::nullopt;
    }
    r.any_source_port = true;
    r.headers &= verify::HeaderSpace::port(verify::Block::kSrcPort, *range);
  }
  return r;
}

}  // namespace cloudtwin::cli
