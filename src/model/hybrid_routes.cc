// AWS's route selection at a virtual private gateway (hybrid_routes.h).
#include "cloudtwin/model/hybrid_routes.h"

#include <algorithm>
#include <map>

#include "cloudtwin/model/network.h"

namespace cloudtwin::model {

std::string community_text(std::uint32_t c) {
  return std::to_string(c >> 16) + ":" + std::to_string(c & 0xffffu);
}

const char* hybrid_route_source_name(HybridRouteSource s) {
  switch (s) {
    case HybridRouteSource::kDirectConnect:
      return "Direct Connect BGP";
    case HybridRouteSource::kVpnStatic:
      return "VPN static";
    case HybridRouteSource::kVpnBgp:
      return "VPN BGP";
  }
  return "?";
}

namespace {

bool available(const std::string& state) { return state == "available"; }

// A virtual interface whose BGP session can hold routes: itself and its connection (or LAG)
// available. A failed link has no session, so its routes are absent.
bool vif_up(const Network& n, const VirtualInterface& vif) {
  if (!available(vif.state)) return false;
  if (!vif.connection.resolved()) return true;
  const auto& state = vif.connection_kind == Kind::kDirectConnectLag
                          ? n.direct_connect_lags[vif.connection.index].state
                          : n.direct_connect_connections[vif.connection.index].state;
  return available(state);
}

// §2.1: the local preference community of a route; several (AWS calls them mutually exclusive):
// the highest.
std::uint32_t local_preference_community(const LearnedRoute& r) {
  std::uint32_t best = 0;
  for (auto c : r.communities) {
    if (c == kLocalPreferenceLow || c == kLocalPreferenceMedium || c == kLocalPreferenceHigh)
      best = std::max(best, c);
  }
  return best;
}

std::string local_preference_text(const HybridRoute& r) {
  return r.local_preference_community ? community_text(r.local_preference_community)
                                      : "no community (medium)";
}

// Whether learned route `r` is a candidate of gateway `g`, and as what.
std::optional<HybridRoute> learned_candidate(const Network& n, const LearnedRoute& r, Index g) {
  HybridRoute out;
  out.prefix = r.prefix;
  out.session = r.session;
  out.learned = &r;
  out.as_path_length = r.as_path.size();
  out.med_received = r.med.has_value();
  if (r.session.kind == Kind::kVirtualInterface) {
    if (r.session.index >= n.virtual_interfaces.size()) return std::nullopt;
    const auto& vif = n.virtual_interfaces[r.session.index];
    if (vif.type != VirtualInterfaceType::kPrivate || !vif_up(n, vif)) return std::nullopt;
    if (vif.vpn_gateway.resolved()) {
      if (vif.vpn_gateway.index != g) return std::nullopt;
    } else if (vif.direct_connect_gateway.resolved()) {
      if (!n.direct_connect_gateways[vif.direct_connect_gateway.index].associated_with_vpn_gateway(
              g))
        return std::nullopt;
      out.direct_connect_gateway = vif.direct_connect_gateway.index;
    } else {
      return std::nullopt;
    }
    out.source = HybridRouteSource::kDirectConnect;
    out.local_preference_community = local_preference_community(r);
    out.med = r.med.value_or(kDefaultMedDirectConnect);
    return out;
  }
  if (r.session.kind != Kind::kVpnConnection || r.session.index >= n.vpn_connections.size())
    return std::nullopt;
  const auto& vpn = n.vpn_connections[r.session.index];
  if (vpn.vpn_gateway.index != g || !available(vpn.state) || vpn.static_routes_only)
    return std::nullopt;
  out.source = HybridRouteSource::kVpnBgp;
  out.tunnel = r.tunnel;
  out.med = r.med.value_or(kDefaultMedVpn);
  return out;
}

// Every candidate of gateway `g` whose prefix passes `keep`.
template <class Keep>
std::vector<HybridRoute> candidates(const Network& n, Index g, Keep&& keep) {
  std::vector<HybridRoute> out;
  if (n.learned_routes.given) {
    for (const auto& r : n.learned_routes.routes) {
      if (!keep(r.prefix)) continue;
      if (auto c = learned_candidate(n, r, g)) out.push_back(*c);
    }
  }
  for (Index c = 0; c < n.vpn_connections.size(); ++c) {
    const auto& vpn = n.vpn_connections[c];
    if (vpn.vpn_gateway.index != g || !available(vpn.state)) continue;
    for (const auto& p : vpn.static_routes) {
      if (!keep(p)) continue;
      HybridRoute s;
      s.prefix = p;
      s.source = HybridRouteSource::kVpnStatic;
      s.session = {Kind::kVpnConnection, c};
      s.med = kDefaultMedVpn;
      out.push_back(s);
    }
  }
  return out;
}

const std::string& session_id(const Network& n, const HybridRoute& r) {
  return n.resource(r.session).id;
}

void sort_best_first(const Network& n, std::vector<HybridRoute>& list) {
  std::stable_sort(list.begin(), list.end(), [&](const HybridRoute& a, const HybridRoute& b) {
    return hybrid_route_better(n, a, b);
  });
}

}  // namespace

std::string hybrid_route_session(const Network& n, const HybridRoute& r) {
  const std::string& id = session_id(n, r);
  if (r.source == HybridRouteSource::kVpnStatic) return id + " (static)";
  if (r.tunnel >= 0) return id + "/tunnel-" + std::to_string(r.tunnel + 1);
  return id;
}

bool hybrid_route_better(const Network& n, const HybridRoute& a, const HybridRoute& b,
                         std::string* why) {
  auto say = [&](std::string text) {
    if (why) *why = std::move(text);
  };
  if (a.source != b.source) {
    const HybridRoute& win = a.source < b.source ? a : b;
    const HybridRoute& lose = a.source < b.source ? b : a;
    std::string w = win.source == HybridRouteSource::kDirectConnect
                        ? "Direct Connect"
                        : hybrid_route_source_name(win.source);
    std::string l =
        lose.source == HybridRouteSource::kVpnBgp && win.source == HybridRouteSource::kDirectConnect
            ? "VPN"
            : hybrid_route_source_name(lose.source);
    say(w + " beats " + l + " (direct-connect.md §1.2)");
    return a.source < b.source;
  }
  // §2.1: local preference communities count before AS_PATH, on Direct Connect only.
  if (a.source == HybridRouteSource::kDirectConnect &&
      a.local_preference() != b.local_preference()) {
    const HybridRoute& win = a.local_preference() > b.local_preference() ? a : b;
    const HybridRoute& lose = a.local_preference() > b.local_preference() ? b : a;
    say("local preference " + local_preference_text(win) + " beats " + local_preference_text(lose) +
        " before AS_PATH (direct-connect.md §2.1)");
    return a.local_preference() > b.local_preference();
  }
  if (a.source != HybridRouteSource::kVpnStatic && a.as_path_length != b.as_path_length) {
    const HybridRoute& win = a.as_path_length < b.as_path_length ? a : b;
    const HybridRoute& lose = a.as_path_length < b.as_path_length ? b : a;
    say("AS_PATH " + std::to_string(win.as_path_length) + " shorter than " +
        std::to_string(lose.as_path_length) + " (direct-connect.md §1.4)");
    return a.as_path_length < b.as_path_length;
  }
  // §1.3/§1.4: then the lower MED (a transit gateway compares it across neighbours; for a
  // virtual private gateway AWS does not say: cloudtwin does the same, docs/hybrid-routing.md).
  if (a.source != HybridRouteSource::kVpnStatic && a.med != b.med) {
    const HybridRoute& win = a.med < b.med ? a : b;
    const HybridRoute& lose = a.med < b.med ? b : a;
    say("MED " + std::to_string(win.med) + " lower than " + std::to_string(lose.med) +
        " (direct-connect.md §1.3)");
    return a.med < b.med;
  }
  const std::string& ia = session_id(n, a);
  const std::string& ib = session_id(n, b);
  const bool a_first = ia != ib ? ia < ib : a.tunnel < b.tunnel;
  const HybridRoute& win = a_first ? a : b;
  switch (a.source) {
    case HybridRouteSource::kDirectConnect:
      say("equal preference, where AWS shares the load (direct-connect.md §2.1); cloudtwin takes "
          "the lowest VIF id, " +
          session_id(n, win) + " (tie-break, docs/hybrid-routing.md)");
      break;
    case HybridRouteSource::kVpnStatic:
      say("equal static routes; cloudtwin takes the lowest VPN connection id, " +
          session_id(n, win) + " (tie-break, docs/hybrid-routing.md)");
      break;
    case HybridRouteSource::kVpnBgp:
      say("equal BGP routes; cloudtwin takes the lowest VPN connection id, then tunnel: " +
          hybrid_route_session(n, win) + " (tie-break, docs/hybrid-routing.md)");
      break;
  }
  return a_first;
}

GatewayRouteTable vpn_gateway_route_table(const Network& n, Index g) {
  GatewayRouteTable t;
  t.vpn_gateway = g;
  std::map<Prefix, std::vector<HybridRoute>> by_prefix;
  for (auto& c : candidates(n, g, [](const Prefix&) { return true; }))
    by_prefix[c.prefix].push_back(c);
  for (auto& [prefix, list] : by_prefix) {
    PrefixRoutes p;
    p.prefix = prefix;
    sort_best_first(n, list);
    if (list.size() > 1) (void)hybrid_route_better(n, list[0], list[1], &p.why);
    p.candidates = std::move(list);
    t.prefixes.push_back(std::move(p));
  }
  return t;
}

std::vector<GatewayRouteTable> hybrid_route_tables(const Network& n) {
  std::vector<GatewayRouteTable> out;
  for (Index g = 0; g < n.vpn_gateways.size(); ++g) out.push_back(vpn_gateway_route_table(n, g));
  return out;
}

std::optional<HybridDecision> select_vpn_gateway_route(const Network& n, Index g, IpAddress dst) {
  auto list = candidates(n, g, [&](const Prefix& p) { return p.contains(dst); });
  if (list.empty()) return std::nullopt;
  int longest = -1;
  for (const auto& c : list) longest = std::max(longest, c.prefix.length());
  std::erase_if(list, [&](const HybridRoute& c) { return c.prefix.length() != longest; });
  sort_best_first(n, list);
  HybridDecision d;
  d.route = list.front();
  d.candidates = list.size();
  if (list.size() > 1) (void)hybrid_route_better(n, list[0], list[1], &d.why);
  return d;
}

namespace {

// The routes gateway `vgw` propagates into a table listing it (see the header).
void add_propagated_routes(const Network& n, RouteTable& rt) {
  for (const auto& vgw_ref : rt.propagating_vgws) {
    if (!vgw_ref.resolved()) continue;
    Index vgw = vgw_ref.index;
    auto add = [&](const Prefix& p, RouteOrigin origin) {
      Route r;
      r.destination = p;
      r.target_kind = TargetKind::kVpnGateway;
      r.target = {n.vpn_gateways[vgw].id, vgw_ref.at, vgw};
      r.origin = origin;
      r.at = vgw_ref.at;
      r.implicit = true;
      rt.effective.push_back(r);
    };
    if (n.learned_routes.given) {
      for (const auto& p : vpn_gateway_route_table(n, vgw).prefixes) {
        switch (p.winner().source) {
          case HybridRouteSource::kDirectConnect:
            add(p.prefix, RouteOrigin::kPropagatedDirectConnect);
            break;
          case HybridRouteSource::kVpnStatic:
            add(p.prefix, RouteOrigin::kPropagatedVpnStatic);
            break;
          case HybridRouteSource::kVpnBgp:
            add(p.prefix, RouteOrigin::kPropagatedVpnBgp);
            break;
        }
      }
      continue;
    }
    for (Index c = 0; c < n.vpn_connections.size(); ++c) {
      const auto& vpn = n.vpn_connections[c];
      if (vpn.vpn_gateway.index != vgw || vpn.state != "available") continue;
      for (const auto& p : vpn.static_routes) add(p, RouteOrigin::kPropagatedVpnStatic);
      if (vpn.static_routes_only) continue;
      for (const auto& onprem : n.on_premises_networks) {
        if (onprem.implied) continue;  // parties, not BGP announcements
        for (const auto& ref : onprem.vpn_connections) {
          if (ref.index != c) continue;
          for (const auto& p : onprem.cidrs) add(p, RouteOrigin::kPropagatedVpnBgp);
        }
      }
    }
    for (Index g = 0; g < n.direct_connect_gateways.size(); ++g) {
      if (!n.direct_connect_gateways[g].associated_with_vpn_gateway(vgw)) continue;
      for (const auto& onprem : n.on_premises_networks) {
        for (const auto& ref : onprem.direct_connect_gateways) {
          if (ref.index != g) continue;
          for (const auto& p : onprem.cidrs) add(p, RouteOrigin::kPropagatedDirectConnect);
        }
      }
    }
  }
}

}  // namespace

void propagate_vpn_gateway_routes(Network& n) {
  for (auto& rt : n.route_tables) {
    if (!rt.vpc.resolved()) continue;
    std::erase_if(rt.effective, [](const Route& r) {
      return r.implicit && r.target_kind == TargetKind::kVpnGateway &&
             r.origin >= RouteOrigin::kPropagatedDirectConnect;
    });
    add_propagated_routes(n, rt);
    rt.lookup = PrefixTrie<std::uint32_t>();
    for (std::uint32_t i = 0; i < rt.effective.size(); ++i) {
      rt.lookup.insert(*rt.effective[i].destination, i);
    }
  }
}

void propagate_learned_transit_gateway_routes(Network& n) {
  if (!n.learned_routes.given) return;
  auto learned_by = [&](const TransitGatewayAttachment& att) {
    std::vector<Prefix> out;
    for (const auto& r : n.learned_routes.routes) {
      bool from = false;
      if (att.type == AttachmentType::kDirectConnectGateway &&
          r.session.kind == Kind::kVirtualInterface) {
        const auto& vif = n.virtual_interfaces[r.session.index];
        from = vif.type == VirtualInterfaceType::kTransit && vif_up(n, vif) &&
               vif.direct_connect_gateway.resolved() &&
               vif.direct_connect_gateway.index == att.direct_connect_gateway.index;
      } else if (att.type == AttachmentType::kVpn && r.session.kind == Kind::kVpnConnection) {
        const auto& vpn = n.vpn_connections[r.session.index];
        from = r.session.index == att.vpn_connection.index && available(vpn.state) &&
               !vpn.static_routes_only;
      }
      if (from && std::find(out.begin(), out.end(), r.prefix) == out.end()) out.push_back(r.prefix);
    }
    return out;
  };
  auto learned_type = [&](const TransitGatewayRoute& r) {
    if (!r.propagated || !r.attachment.resolved()) return false;
    const auto type = n.transit_gateway_attachments[r.attachment.index].type;
    return type == AttachmentType::kDirectConnectGateway || type == AttachmentType::kVpn;
  };
  for (auto& rt : n.transit_gateway_route_tables) {
    std::erase_if(rt.effective, learned_type);
  }
  for (Index a = 0; a < n.transit_gateway_attachments.size(); ++a) {
    const auto& att = n.transit_gateway_attachments[a];
    if (!att.transit_gateway.resolved()) continue;
    if (att.type != AttachmentType::kDirectConnectGateway && att.type != AttachmentType::kVpn)
      continue;
    // The tables it propagates to, as finalize() finds them.
    std::vector<Index> tables;
    for (const auto& p : att.propagations)
      if (p.resolved()) tables.push_back(p.index);
    const Index fallback = n.transit_gateways[att.transit_gateway.index].default_propagation_table;
    if (att.propagations.empty() && fallback != kNone) tables.push_back(fallback);
    const auto prefixes = learned_by(att);
    for (Index t : tables) {
      auto& rt = n.transit_gateway_route_tables[t];
      for (const auto& p : prefixes) {
        // A static route hides an identical propagated one (§1.3).
        if (std::any_of(rt.routes.begin(), rt.routes.end(),
                        [&](const TransitGatewayRoute& s) { return s.destination == p; }))
          continue;
        TransitGatewayRoute r;
        r.destination = p;
        r.attachment = {att.id, att.at, a};
        r.propagated = true;
        r.at = att.at;
        rt.effective.push_back(r);
      }
    }
  }
  for (auto& rt : n.transit_gateway_route_tables) {
    rt.lookup = PrefixTrie<std::uint32_t>();
    for (std::uint32_t i = 0; i < rt.effective.size(); ++i)
      rt.lookup.insert(rt.effective[i].destination, i);
  }
}

void attach_learned_routes(Network& n, std::vector<LearnedRoute> routes) {
  n.learned_routes.given = true;
  n.learned_routes.routes = std::move(routes);
  propagate_vpn_gateway_routes(n);
  propagate_learned_transit_gateway_routes(n);
}

}  // namespace cloudtwin::model
