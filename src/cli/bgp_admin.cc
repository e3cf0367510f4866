// The admin endpoint's JSON and the metrics of `serve bgp` (bgp_admin.h).
#include "bgp_admin.h"

#include <algorithm>
#include <map>

#include "cloudtwin/load/learned_routes.h"
#include "cloudtwin/model/hybrid_routes.h"

namespace cloudtwin::cli {

namespace {

using nlohmann::ordered_json;

std::string notification_text(const std::optional<hybrid::bgp::Notification>& n) {
  return n ? hybrid::bgp::describe(*n) : std::string();
}

ordered_json as_path_json(const std::optional<hybrid::bgp::AsPath>& path) {
  ordered_json out = ordered_json::array();
  if (!path) return out;
  for (const auto& segment : *path) {
    if (segment.type == hybrid::bgp::SegmentType::kSequence) {
      for (auto asn : segment.asns) out.push_back(asn);
    } else {
      out.push_back(segment.asns);  // an AS_SET (or confederation segment) as a nested list
    }
  }
  return out;
}

const char* origin_name(std::optional<hybrid::bgp::Origin> o) {
  if (!o) return "incomplete";
  switch (*o) {
    case hybrid::bgp::Origin::kIgp: return "igp";
    case hybrid::bgp::Origin::kEgp: return "egp";
    case hybrid::bgp::Origin::kIncomplete: return "incomplete";
  }
  return "incomplete";
}

std::string label(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

}  // namespace

std::string community_text(std::uint32_t c) {
  switch (c) {
    case 0xFFFFFF01: return "NO_EXPORT";
    case 0xFFFFFF02: return "NO_ADVERTISE";
    case 0xFFFFFF03: return "NO_EXPORT_SUBCONFED";
    case 0xFFFFFF04: return "NOPEER";
    default: return std::to_string(c >> 16) + ":" + std::to_string(c & 0xFFFF);
  }
}

ordered_json bgp_admin_json(const model::Network& n, model::Network* routing,
                            const std::vector<BgpSessionView>& sessions,
                            const hybrid::Speaker& speaker, bool sessions_only) {
  ordered_json out;
  ordered_json list = ordered_json::array();
  ordered_json learned = ordered_json::array();
  for (const auto& v : sessions) {
    const auto& s = *v.aws;
    const auto& c = s.config;
    const bool vif = s.resource.kind == model::Kind::kVirtualInterface;
    ordered_json j;
    j["name"] = c.name;
    j["resource"] = vif ? n.virtual_interfaces[s.resource.index].id : n.vpn_connections[s.resource.index].id;
    j["resource_kind"] = vif ? "VirtualInterface" : "VPNConnection";
    j["tunnel"] = s.tunnel < 0 ? ordered_json(nullptr) : ordered_json(s.tunnel + 1);
    if (vif) j["type"] = model::virtual_interface_type_name(n.virtual_interfaces[s.resource.index].type);
    std::optional<hybrid::SessionInfo> info;
    if (v.id) info = speaker.session(*v.id);
    j["state"] = info ? std::string(hybrid::state_name(info->state)) : std::string("NotRunning");
    if (!v.id) j["not_running"] = s.not_runnable.empty() ? "it could not start (see the log)" : s.not_runnable;
    j["local_address"] = c.local_address.str();
    j["local_port"] = v.listen_port;
    j["peer_address"] = c.peer_address.str();
    j["peer_port"] = c.port;
    j["local_asn"] = c.local_asn;
    j["peer_asn"] = c.peer_asn;
    j["md5"] = !c.md5_key.empty();
    j["prefix_limit"] = c.ipv6_unicast ? c.max_prefixes_ipv6 : c.max_prefixes_ipv4;
    ordered_json advertised = ordered_json::array();
    for (const auto& r : c.routes) advertised.push_back(r.prefix.str());
    j["advertised"] = advertised;
    j["advertised_because"] = s.advertised_because;
    if (info) {
      j["hold_time"] = info->hold_time;
      j["keepalive_time"] = info->keepalive_time;
      j["uptime_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(info->uptime).count();
      j["prefixes_received"] = info->prefixes_ipv4 + info->prefixes_ipv6;
      j["last_reason"] = info->last_reason;
      j["last_notification_sent"] = notification_text(info->last_notification_sent);
      j["last_notification_received"] = notification_text(info->last_notification_received);
      j["established_transitions"] = info->counters.established_transitions;
      j["prefix_limit_trips"] = info->counters.prefix_limit_trips;
      j["updates_received"] = info->counters.updates_received;
      j["treat_as_withdraw"] = info->counters.treat_as_withdraw;
    }
    if (v.bfd) {
      ordered_json b;
      b["state"] = hybrid::bfd::state_name(v.bfd->state);
      b["remote_state"] = hybrid::bfd::state_name(v.bfd->remote_state);
      b["diagnostic"] = hybrid::bfd::diagnostic_name(v.bfd->local_diagnostic);
      b["tx_interval_ms"] = v.bfd->tx_interval.count() / 1000.0;
      b["detection_time_ms"] = v.bfd->detection_time.count() / 1000.0;
      b["up_transitions"] = v.bfd->counters.up_transitions;
      b["detection_timeouts"] = v.bfd->counters.detection_timeouts;
      j["bfd"] = std::move(b);
    }
    list.push_back(std::move(j));
    if (sessions_only || !v.id) continue;
    const auto rib = speaker.adj_rib_in(*v.id);
    auto add = [&](const Prefix& prefix, const hybrid::bgp::PathAttributes& a) {
      ordered_json r;
      r["session"] = c.name;
      r["resource"] = list.back()["resource"];
      r["tunnel"] = list.back()["tunnel"];
      r["prefix"] = prefix.str();
      r["as_path"] = as_path_json(a.as_path);
      r["med"] = a.med ? ordered_json(*a.med) : ordered_json(nullptr);
      ordered_json communities = ordered_json::array();
      for (auto community : a.communities) communities.push_back(community_text(community));
      r["communities"] = communities;
      r["next_hop"] = a.next_hop ? a.next_hop->str() : "";
      r["origin"] = origin_name(a.origin);
      learned.push_back(std::move(r));
    };
    for (const auto& r : rib.ipv4) add(r.prefix.prefix(), rib.attribute_sets[r.attributes]);
    for (const auto& r : rib.ipv6) add(r.prefix.prefix(), rib.attribute_sets[r.attributes]);
  }
  out["sessions"] = std::move(list);
  if (sessions_only) return out;
  if (routing) {
    out["tables"] = gateway_tables_json(*routing, learned);
    if (!out["tables"].is_object()) {  // not an error: the routes are attached
      auto propagated = propagated_tables_json(*routing);
      out["route_tables"] = std::move(propagated["route_tables"]);
      out["transit_gateway_route_tables"] = std::move(propagated["transit_gateway_route_tables"]);
    }
  }
  out["learned"] = std::move(learned);
  return out;
}

ordered_json gateway_tables_json(model::Network& n, const ordered_json& learned) {
  Diagnostics diagnostics;
  const std::string text = ordered_json{{"learned", learned}}.dump();
  auto routes = load::read_learned_routes(text, "serve bgp", n, diagnostics);
  if (!routes) {
    std::string error;
    for (const auto& d : diagnostics.items()) error += (error.empty() ? "" : "; ") + d.message;
    return ordered_json{{"error", error}};
  }
  model::attach_learned_routes(n, std::move(*routes));
  ordered_json out = ordered_json::array();
  for (const auto& table : model::hybrid_route_tables(n)) {
    const auto& vgw = n.vpn_gateways[table.vpn_gateway];
    ordered_json t;
    t["gateway"] = vgw.id;
    t["name"] = vgw.name;
    ordered_json prefixes = ordered_json::array();
    for (const auto& p : table.prefixes) {
      ordered_json candidates = ordered_json::array();
      for (std::size_t i = 0; i < p.candidates.size(); ++i) {
        const auto& c = p.candidates[i];
        ordered_json r;
        r["via"] = model::hybrid_route_session(n, c);
        r["source"] = model::hybrid_route_source_name(c.source);
        r["best"] = i == 0;
        if (c.direct_connect_gateway != model::kNone)
          r["direct_connect_gateway"] = n.direct_connect_gateways[c.direct_connect_gateway].id;
        if (c.source == model::HybridRouteSource::kDirectConnect)
          r["local_preference"] = community_text(c.local_preference()) +
                                  (c.local_preference_community ? "" : " (no community: medium)");
        if (c.source != model::HybridRouteSource::kVpnStatic) {
          r["as_path_length"] = c.as_path_length;
          r["med"] = c.med;
          r["med_received"] = c.med_received;
        }
        candidates.push_back(std::move(r));
      }
      prefixes.push_back(ordered_json{{"prefix", p.prefix.str()}, {"why", p.why}, {"candidates", candidates}});
    }
    t["prefixes"] = std::move(prefixes);
    out.push_back(std::move(t));
  }
  return out;
}

ordered_json propagated_tables_json(const model::Network& n) {
  ordered_json out;
  // VPC route tables with route propagation from a virtual private gateway: what they got
  // (aws-vpc.md §1.1: local and static routes still win over these).
  ordered_json vpc = ordered_json::array();
  for (const auto& rt : n.route_tables) {
    if (rt.propagating_vgws.empty()) continue;
    ordered_json routes = ordered_json::array();
    for (const auto& r : rt.effective) {
      if (r.origin < model::RouteOrigin::kPropagatedDirectConnect || !r.destination) continue;
      routes.push_back({{"destination", r.destination->str()},
                        {"target", r.target.resolved() ? n.vpn_gateways[r.target.index].id : ""},
                        {"origin", model::route_origin_name(r.origin)}});
    }
    vpc.push_back({{"route_table", rt.id}, {"name", rt.name}, {"propagated", routes}});
  }
  out["route_tables"] = std::move(vpc);
  // Transit gateway route tables: what Direct Connect gateway and VPN attachments propagated.
  ordered_json tgw = ordered_json::array();
  for (const auto& rt : n.transit_gateway_route_tables) {
    ordered_json routes = ordered_json::array();
    for (const auto& r : rt.effective) {
      if (!r.propagated || !r.attachment.resolved()) continue;
      const auto& a = n.transit_gateway_attachments[r.attachment.index];
      if (a.type != model::AttachmentType::kDirectConnectGateway && a.type != model::AttachmentType::kVpn) continue;
      routes.push_back({{"destination", r.destination.str()},
                        {"attachment", a.id},
                        {"type", model::attachment_type_name(a.type)}});
    }
    if (routes.empty()) continue;
    tgw.push_back({{"route_table", rt.id}, {"name", rt.name}, {"propagated", routes}});
  }
  out["transit_gateway_route_tables"] = std::move(tgw);
  return out;
}

std::string bgp_metrics_text(const std::vector<BgpSessionView>& sessions, const hybrid::Speaker& speaker,
                             std::uint64_t reloads) {
  struct Family {
    const char* name;
    const char* type;
    const char* help;
  };
  std::map<std::string, std::string> rows;  // metric -> its sample lines
  auto sample = [&](const std::string& metric, const std::string& session, auto value,
                    const std::string& extra = {}) {
    rows[metric] += metric + "{session=\"" + label(session) + "\"" + extra + "} " + std::to_string(value) + "\n";
  };
  std::size_t established = 0;
  for (const auto& v : sessions) {
    const std::string& name = v.aws->config.name;
    std::optional<hybrid::SessionInfo> info;
    if (v.id) info = speaker.session(*v.id);
    const bool up = info && info->state == hybrid::SessionState::kEstablished;
    established += up ? 1 : 0;
    sample("cloudtwin_bgp_session_up", name, up ? 1 : 0);
    sample("cloudtwin_bgp_session_state", name, info ? static_cast<int>(info->state) : -1);
    if (v.bfd) {
      sample("cloudtwin_bfd_session_up", name, v.bfd->state == hybrid::bfd::State::kUp ? 1 : 0);
      sample("cloudtwin_bfd_detection_timeouts_total", name, v.bfd->counters.detection_timeouts);
    }
    if (!info) continue;
    sample("cloudtwin_bgp_prefixes_received", name, info->prefixes_ipv4, ",family=\"ipv4\"");
    sample("cloudtwin_bgp_prefixes_received", name, info->prefixes_ipv6, ",family=\"ipv6\"");
    sample("cloudtwin_bgp_prefixes_advertised", name, info->advertised_routes);
    const auto& k = info->counters;
    sample("cloudtwin_bgp_messages_received_total", name, k.updates_received, ",type=\"update\"");
    sample("cloudtwin_bgp_messages_received_total", name, k.keepalives_received, ",type=\"keepalive\"");
    sample("cloudtwin_bgp_messages_received_total", name, k.notifications_received, ",type=\"notification\"");
    sample("cloudtwin_bgp_messages_received_total", name, k.route_refreshes_received, ",type=\"route_refresh\"");
    sample("cloudtwin_bgp_messages_sent_total", name, k.updates_sent, ",type=\"update\"");
    sample("cloudtwin_bgp_messages_sent_total", name, k.keepalives_sent, ",type=\"keepalive\"");
    sample("cloudtwin_bgp_messages_sent_total", name, k.notifications_sent, ",type=\"notification\"");
    sample("cloudtwin_bgp_established_transitions_total", name, k.established_transitions);
    sample("cloudtwin_bgp_prefix_limit_trips_total", name, k.prefix_limit_trips);
    sample("cloudtwin_bgp_treat_as_withdraw_total", name, k.treat_as_withdraw);
  }
  static const Family families[] = {
      {"cloudtwin_bgp_session_up", "gauge", "1 while the session is Established"},
      {"cloudtwin_bgp_session_state", "gauge",
       "RFC 4271 state: 0 Idle, 1 Connect, 2 Active, 3 OpenSent, 4 OpenConfirm, 5 Established; -1 not running"},
      {"cloudtwin_bfd_session_up", "gauge", "1 while the virtual interface's BFD session is Up"},
      {"cloudtwin_bfd_detection_timeouts_total", "counter", "BFD sessions that went Down by detection timeout"},
      {"cloudtwin_bgp_prefixes_received", "gauge", "Prefixes in the session's Adj-RIB-In"},
      {"cloudtwin_bgp_prefixes_advertised", "gauge", "Prefixes AWS's side advertises on the session"},
      {"cloudtwin_bgp_messages_received_total", "counter", "BGP messages received, by type"},
      {"cloudtwin_bgp_messages_sent_total", "counter", "BGP messages sent, by type"},
      {"cloudtwin_bgp_established_transitions_total", "counter", "Times the session reached Established"},
      {"cloudtwin_bgp_prefix_limit_trips_total", "counter",
       "Sessions ended by AWS's prefix limit (Cease 6/1)"},
      {"cloudtwin_bgp_treat_as_withdraw_total", "counter", "UPDATEs handled as RFC 7606 treat-as-withdraw"},
  };
  std::string out;
  for (const auto& f : families) {
    auto it = rows.find(f.name);
    if (it == rows.end()) continue;
    out += std::string("# HELP ") + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type + "\n" + it->second;
  }
  out += "# HELP cloudtwin_bgp_sessions_established Sessions in Established\n"
         "# TYPE cloudtwin_bgp_sessions_established gauge\ncloudtwin_bgp_sessions_established " +
         std::to_string(established) + "\n";
  out += "# HELP cloudtwin_bgp_reloads_total Reloads of the network\n# TYPE cloudtwin_bgp_reloads_total counter\n"
         "cloudtwin_bgp_reloads_total " + std::to_string(reloads) + "\n";
  return out;
}

}  // namespace cloudtwin::cli
