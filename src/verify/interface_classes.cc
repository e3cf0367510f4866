#include "cloudtwin/verify/interface_classes.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "cloudtwin/verify/path_condition.h"

namespace cloudtwin::verify {

using model::Index;
using model::kNone;

namespace {

// ENIs some resource names by index (route targets, endpoints, Elastic IPs): never grouped.
std::vector<bool> named_elsewhere(const model::Network& n) {
  std::vector<bool> out(n.network_interfaces.size(), false);
  auto mark_instance = [&](Index i) {
    if (i == kNone || i >= n.instances.size()) return;
    for (Index e : n.instances[i].network_interfaces) out[e] = true;
  };
  auto mark = [&](Index e) {
    if (e != kNone && e < out.size()) out[e] = true;
  };
  for (const auto& rt : n.route_tables) {
    for (const auto* routes : {&rt.routes, &rt.effective}) {
      for (const auto& r : *routes) {
        if (!r.target.resolved()) continue;
        if (r.target_kind == model::TargetKind::kNetworkInterface) mark(r.target.index);
        if (r.target_kind == model::TargetKind::kInstance) mark_instance(r.target.index);
      }
    }
  }
  for (const auto& ep : n.vpc_endpoints) {
    for (Index e : ep.enis) mark(e);  // listed or made by finalize()
    for (const auto& r : ep.network_interfaces) {
      if (r.resolved()) mark(r.index);
    }
  }
  for (const auto& e : n.elastic_ips) {
    if (e.network_interface.resolved()) mark(e.network_interface.index);
    if (e.instance.resolved()) mark_instance(e.instance.index);
  }
  // A load balancer's nodes and its targets: a walk aimed at a target leaves the node for it,
  // so a target does not answer like an interface beside it that is none.
  for (const auto& lb : n.load_balancers) {
    for (const auto& node : lb.nodes) mark(node.eni);
    for (const auto& i : lb.instances) {
      if (i.resolved()) mark_instance(i.index);
    }
  }
  for (const auto& tg : n.target_groups) {
    for (const auto& t : tg.targets) mark(t.eni);
  }
  return out;
}

// Every IPv4 prefix the model writes or the walker compares an address with, except the peers of
// security-group rules and network ACL entries (split_rectangle answers for those). Two
// addresses in the same cell of the partition these induce answer every other prefix test
// alike.
std::vector<Prefix> ipv4_prefixes(const model::Network& n, const std::vector<bool>& named) {
  std::vector<Prefix> out;
  auto add = [&](const Prefix& p) {
    if (p.family() == Family::kV4) out.push_back(p);
  };
  auto add_host = [&](const std::optional<IpAddress>& a) {
    if (a && a->is_v4()) out.push_back(Prefix::host(*a));
  };
  // Constants of src/vpc/trace.cc and reach.cc: link-local services, RFC 1918 / 6598 and the
  // ranges internet_addresses() leaves out.
  for (const char* c : {"169.254.0.0/16", "169.254.169.253/32", "169.254.169.254/32",
                        "169.254.169.123/32", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                        "100.64.0.0/10", "0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/3"}) {
    add(*Prefix::parse(c));
  }
  for (const auto& v : n.vpcs) {
    for (const auto& p : v.cidr_blocks) add(p);
    add_host(v.resolver());
  }
  // Listener rules' source-ip conditions and ip targets (src/vpc/load_balancer.cc).
  for (const auto& r : n.listener_rules) {
    for (const auto& p : r.source_ips) add(p);
  }
  for (const auto& l : n.listeners) {
    for (const auto& p : l.default_rule.source_ips) add(p);
  }
  for (const auto& tg : n.target_groups) {
    for (const auto& t : tg.targets) add_host(t.ip);
  }
  for (const auto& s : n.subnets) {
    if (!s.cidr_block) continue;
    add(*s.cidr_block);
    // The reserved addresses: the first four and the last.
    U128 first = s.cidr_block->address().bits();
    U128 last = s.cidr_block->last().bits();
    for (U128 a = first; a < first + 4 && a <= last; ++a)
      add(Prefix::host(IpAddress::v4(static_cast<std::uint32_t>(a))));
    add(Prefix::host(IpAddress::v4(static_cast<std::uint32_t>(last))));
  }
  for (const auto& rt : n.route_tables) {
    for (const auto* routes : {&rt.routes, &rt.effective}) {
      for (const auto& r : *routes) {
        if (r.destination) add(*r.destination);
      }
    }
  }
  for (const auto& pl : n.prefix_lists) {
    for (const auto& p : pl.entries) add(p);
  }
  for (const auto& t : n.transit_gateway_route_tables) {
    for (const auto* routes : {&t.routes, &t.effective}) {
      for (const auto& r : *routes) add(r.destination);
    }
  }
  for (const auto& c : n.vpn_connections) {
    for (const auto& p : c.static_routes) add(p);
  }
  for (const auto& d : n.direct_connect_gateways) {
    for (const auto& p : d.allowed_prefixes) add(p);
  }
  for (const auto& o : n.on_premises_networks) {
    for (const auto& p : o.cidrs) add(p);
  }
  // What virtual private gateways choose among (model/hybrid_routes.h).
  for (const auto& r : n.learned_routes.routes) add(r.prefix);
  for (const auto& g : n.nat_gateways) {
    add_host(g.private_ip);
    add_host(g.public_ip);
  }
  for (const auto& e : n.elastic_ips) {
    add_host(e.public_ip);
    add_host(e.private_ip);
  }
  for (const auto& c : n.customer_gateways) add_host(c.ip_address);
  // Appliances and endpoints compare a packet's address with their own.
  for (Index e = 0; e < n.network_interfaces.size(); ++e) {
    if (!named[e]) continue;
    for (const auto& a : n.network_interfaces[e].private_ips) add_host(a);
  }
  return out;
}

}  // namespace

InterfaceClasses interface_classes(const model::Network& n) {
  const auto named = named_elsewhere(n);
  std::vector<U128> bounds;
  for (const auto& p : ipv4_prefixes(n, named)) {
    bounds.push_back(p.address().bits());
    bounds.push_back(p.last().bits() + 1);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

  using Key = std::tuple<Index, std::vector<Index>, bool, std::string, std::string, std::string,
                         std::uint16_t, std::uint16_t, std::size_t>;
  std::map<Key, std::uint32_t> index;
  InterfaceClasses out;
  out.class_of.resize(n.network_interfaces.size());
  for (Index e = 0; e < n.network_interfaces.size(); ++e) {
    const auto& iface = n.network_interfaces[e];
    bool groupable = !named[e] && iface.private_ips.size() == 1 && iface.private_ips[0].is_v4() &&
                     iface.ipv6_addresses.empty() && iface.public_ips.empty() && !iface.public_ip &&
                     iface.subnet.resolved();
    if (!groupable) {
      out.class_of[e] = static_cast<std::uint32_t>(out.members.size());
      out.members.push_back({e});
      out.symmetric.push_back(false);
      continue;
    }
    std::vector<Index> groups;
    for (const auto& g : iface.security_groups) groups.push_back(g.resolved() ? g.index : kNone);
    std::string state = iface.instance.resolved()
                            ? std::string(n.instances[iface.instance.index].state.str())
                            : std::string("-");
    U128 a = iface.private_ips[0].bits();
    auto cell = static_cast<std::size_t>(std::upper_bound(bounds.begin(), bounds.end(), a) -
                                         bounds.begin());
    Key key{iface.subnet.index,
            std::move(groups),
            iface.source_dest_check,
            state,
            iface.status.str(),
            iface.interface_type.str(),
            iface.ephemeral_ports.from,
            iface.ephemeral_ports.to,
            cell};
    auto [it, fresh] =
        index.try_emplace(std::move(key), static_cast<std::uint32_t>(out.members.size()));
    if (fresh) {
      out.members.emplace_back();
      out.symmetric.push_back(true);
    }
    out.class_of[e] = it->second;
    out.members[it->second].push_back(e);
  }
  return out;
}

bool representatives(const Rectangle& r, Index& source, Index& destination) {
  for (Index x : r.sources) {
    for (Index y : r.destinations) {
      if (x != y) {
        source = x;
        destination = y;
        return true;
      }
    }
  }
  return false;
}

void RulesRead::add(const std::vector<Index>& groups, const std::vector<Index>& acls) {
  security_groups.insert(security_groups.end(), groups.begin(), groups.end());
  network_acls.insert(network_acls.end(), acls.begin(), acls.end());
}

Rectangle split_rectangle(Compiled& c, const Rectangle& r, Index source, Index destination,
                          const RulesRead& read, U128 src_mask, U128 dst_mask,
                          std::vector<Rectangle>& rest) {
  const auto& n = c.network();
  auto sort_unique = [](std::vector<Index> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  const RulesRead lists{sort_unique(read.security_groups), sort_unique(read.network_acls)};
  // Both addresses are compared with every list read: a list that only ever saw the source
  // can only make the split finer than needed, never wrong.
  auto alike = [&](Index e, Index like, U128 mask) {
    if (e == like) return true;  // (a singleton's side: it may hold any addresses)
    IpAddress a = n.network_interfaces[e].private_ips[0];
    IpAddress b = n.network_interfaces[like].private_ips[0];
    return ((a.bits() ^ b.bits()) & mask) == 0 && c.same_peer_cells(lists, a, b);
  };
  Rectangle same;
  Rectangle other_sources, other_destinations;
  for (Index x : r.sources)
    (alike(x, source, src_mask) ? same.sources : other_sources.sources).push_back(x);
  for (Index y : r.destinations) {
    (alike(y, destination, dst_mask) ? same.destinations : other_destinations.destinations)
        .push_back(y);
  }
  // r = same.sources x same.destinations
  //   + other sources x every destination + same.sources x other destinations
  if (!other_sources.sources.empty()) {
    other_sources.destinations = r.destinations;
    rest.push_back(std::move(other_sources));
  }
  if (!other_destinations.destinations.empty()) {
    other_destinations.sources = same.sources;
    rest.push_back(std::move(other_destinations));
  }
  return same;
}

}  // namespace cloudtwin::verify
