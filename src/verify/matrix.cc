#include "cloudtwin/verify/matrix.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace cloudtwin::verify {

using model::Index;
using model::kNone;

namespace {

// Every IPv4 prefix the model writes or the walker compares an address with. Two addresses in
// the same cell of the partition these induce answer every prefix test alike.
std::vector<Prefix> ipv4_prefixes(const model::Network& n) {
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
  for (const auto& sg : n.security_groups) {
    for (const auto* rules : {&sg.ingress, &sg.egress}) {
      for (const auto& r : *rules) {
        if (r.cidr) add(*r.cidr);
      }
    }
  }
  for (const auto& acl : n.network_acls) {
    for (const auto* entries : {&acl.ingress, &acl.egress}) {
      for (const auto& e : *entries) add(e.cidr);
    }
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
  for (const auto& g : n.nat_gateways) {
    add_host(g.private_ip);
    add_host(g.public_ip);
  }
  for (const auto& e : n.elastic_ips) {
    add_host(e.public_ip);
    add_host(e.private_ip);
  }
  for (const auto& c : n.customer_gateways) add_host(c.ip_address);
  return out;
}

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
    for (const auto& r : ep.network_interfaces) {
      if (r.resolved()) mark(r.index);
    }
  }
  for (const auto& e : n.elastic_ips) {
    if (e.network_interface.resolved()) mark(e.network_interface.index);
    if (e.instance.resolved()) mark_instance(e.instance.index);
  }
  return out;
}

}  // namespace

InterfaceClasses interface_classes(const model::Network& n) {
  std::vector<U128> bounds;
  for (const auto& p : ipv4_prefixes(n)) {
    bounds.push_back(p.address().bits());
    bounds.push_back(p.last().bits() + 1);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  const auto named = named_elsewhere(n);

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

SubnetMatrix subnet_matrix(Compiled& c, const MatrixOptions& options) {
  const auto& n = c.network();
  SubnetMatrix m;
  m.n_ = &n;
  m.subnets_ = n.subnets.size();
  m.cells_.assign(m.subnets_ * m.subnets_, 0);
  m.classes_ = interface_classes(n);
  const auto& classes = m.classes_;
  const std::size_t k = classes.members.size();
  for (const auto& members : classes.members)
    m.class_subnet_.push_back(n.network_interfaces[members.front()].subnet.index);

  ReachOptions ro;
  ro.headers = options.headers;
  ro.any_source_port = options.any_source_port;
  Party party;  // an ENI party: its addresses are those of the ENI passed alongside
  std::vector<vpc::Endpoint> rep(k);
  std::vector<bdd> sources(k), destinations(k), sources_pinned(k);
  m.class_sources_.assign(k, bddfalse);
  m.class_destinations_.assign(k, bddfalse);
  const bdd src_vars = HeaderSpace::variables(Block::kSrc);
  const bdd dst_vars = HeaderSpace::variables(Block::kDst);
  for (std::size_t i = 0; i < k; ++i) {
    Index e = classes.members[i].front();
    rep[i].kind = vpc::EndpointKind::kNetworkInterface;
    rep[i].index = e;
    sources[i] = source_space(n, party, rep[i], ro);
    destinations[i] = party_addresses(n, party, e, false, Block::kDst);
    if (classes.symmetric[i]) {
      sources_pinned[i] = bdd_restrict(
          sources[i], c.address_cube(Block::kSrc, n.network_interfaces[e].private_ips[0]));
      std::vector<IpAddress> hosts;
      for (Index x : classes.members[i]) hosts.push_back(n.network_interfaces[x].private_ips[0]);
      m.class_sources_[i] = HeaderSpace::addresses(Block::kSrc, hosts);
      m.class_destinations_[i] = HeaderSpace::addresses(Block::kDst, hosts);
    }
  }

  // The reachable packets of one pair of endpoints: over protocol and ports per pair of
  // addresses (symmetric classes hold one address each), or in full (singletons).
  // Whether some packet is inconclusive goes to `doubt`.
  auto walk_pair = [&](const vpc::Endpoint& s, const vpc::Endpoint& d, const bdd& space,
                       bool pinned, bool& doubt) {
    if (pinned) {
      bdd inconclusive = bddfalse;
      bdd x = reachable_pinned_space(c, s, d, n.network_interfaces[s.index].private_ips[0],
                                     n.network_interfaces[d.index].private_ips[0], space,
                                     m.walks_, !options.packets, &inconclusive);
      doubt = inconclusive != bddfalse;
      return x;
    }
    ReachResult r;
    explore(c, s, d, space, r, ~std::size_t{0});
    m.walks_ += r.walks;
    doubt = r.inconclusive != bddfalse;
    return r.reachable;
  };

  std::vector<U128> dst_support(k, 0);
  for (std::size_t i = 0; i < k; ++i) {
    if (classes.symmetric[i]) dst_support[i] = HeaderSpace::support(sources_pinned[i], Block::kDst);
  }

  // Per source class, the pinned space last used and the destination key it was made for.
  struct LastSpace {
    std::optional<bdd> space;
    U128 key = 0;
  };
  auto visit = [&](std::size_t a, std::size_t b, LastSpace& last) {
    Index from_subnet = n.network_interfaces[rep[a].index].subnet.index;
    Index to_subnet = n.network_interfaces[rep[b].index].subnet.index;
    if (from_subnet == kNone || to_subnet == kNone) return;
    const vpc::Endpoint* d = &rep[b];
    vpc::Endpoint other;
    if (a == b) {
      // Two different members of one class; every such pair is an image of this one.
      if (classes.members[a].size() < 2) return;
      other = rep[b];
      other.index = classes.members[a][1];
      d = &other;
    }
    bool pinned = classes.symmetric[a] && classes.symmetric[b];
    // Pinned: the source's space with both addresses fixed is already what the walks need
    // (protocol and ports); conjoining the destination's address first would only build
    // 256 levels of address for reachable_pinned to cut off again. The space depends on few
    // bits of the destination (usually only that it is IPv4), so consecutive destinations
    // mostly share it.
    bdd space;
    if (pinned) {
      IpAddress to = n.network_interfaces[d->index].private_ips[0];
      U128 key = to.bits() & dst_support[a];
      if (!last.space || key != last.key) {
        last.key = key;
        last.space = bdd_restrict(sources_pinned[a], c.address_cube(Block::kDst, to));
      }
      space = *last.space;
    } else {
      // (a == b is pinned: a class of one member, not symmetric, has no pair with itself.)
      space = sources[a] & destinations[b];
    }
    bool doubt = false;
    bdd x = walk_pair(rep[a], *d, space, pinned, doubt);
    auto& cell = m.cells_[from_subnet * m.subnets_ + to_subnet];
    if (doubt && cell == SubnetMatrix::kBlocked) cell = SubnetMatrix::kInconclusive;
    if (x == bddfalse) return;
    if (!pinned && classes.symmetric[a]) x = bdd_exist(x, src_vars);
    if (!pinned && classes.symmetric[b]) x = bdd_exist(x, dst_vars);
    cell = SubnetMatrix::kReachable;
    m.pairs_.push_back(
        {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b), std::move(x)});
  };
  // In tiles of sources: each destination's rules (security groups, network ACL, the cells
  // compiled from them) serve a tile of walks while they are in the processor's cache, where
  // one source at a time would fetch every destination's rules from memory again.
  constexpr std::size_t kTile = 32;
  std::vector<LastSpace> last(kTile);
  for (std::size_t first = 0; first < k; first += kTile) {
    std::size_t end = std::min(k, first + kTile);
    for (auto& l : last) l = {};
    for (std::size_t b = 0; b < k; ++b) {
      for (std::size_t a = first; a < end; ++a) visit(a, b, last[a - first]);
    }
  }
  // In place (a stable sort would borrow as much memory again): by cell, then by classes.
  std::sort(m.pairs_.begin(), m.pairs_.end(), [&](const auto& x, const auto& y) {
    return std::tuple(m.cell_of(x), x.from_class, x.to_class) <
           std::tuple(m.cell_of(y), y.from_class, y.to_class);
  });
  return m;
}

std::size_t SubnetMatrix::reachable_cells() const {
  return static_cast<std::size_t>(std::count(cells_.begin(), cells_.end(), kReachable));
}

std::size_t SubnetMatrix::inconclusive_cells() const {
  return static_cast<std::size_t>(std::count(cells_.begin(), cells_.end(), kInconclusive));
}

std::span<const SubnetMatrix::Pair> SubnetMatrix::pairs_of(Index from, Index to) const {
  std::size_t cell = from * subnets_ + to;
  auto first = std::lower_bound(pairs_.begin(), pairs_.end(), cell,
                                [&](const Pair& p, std::size_t c) { return cell_of(p) < c; });
  auto last = first;
  while (last != pairs_.end() && cell_of(*last) == cell) ++last;
  return {first, last};
}

bdd SubnetMatrix::protocols_and_ports(Index from, Index to) const {
  static const bdd addresses = HeaderSpace::variables(Block::kSrc) &
                               HeaderSpace::variables(Block::kDst) &
                               bdd_ithvar(HeaderSpace::kFamilyVariable);
  bdd out = bddfalse;
  // A pair of one class stands for two different members (walked that way), so leaving out
  // an ENI to itself takes no protocol or port away.
  for (const auto& p : pairs_of(from, to)) out |= bdd_exist(p.reachable, addresses);
  return out;
}

bdd SubnetMatrix::packets(Index from, Index to) const {
  bdd out = bddfalse;
  for (const auto& p : pairs_of(from, to)) {
    bdd x = p.reachable;
    if (classes_.symmetric[p.from_class]) x &= class_sources_[p.from_class];
    if (classes_.symmetric[p.to_class]) x &= class_destinations_[p.to_class];
    if (p.from_class == p.to_class) {
      // Not an ENI to itself.
      bdd same = bddfalse;
      for (Index e : classes_.members[p.from_class]) {
        IpAddress a = n_->network_interfaces[e].private_ips[0];
        same |= HeaderSpace::address(Block::kSrc, a) & HeaderSpace::address(Block::kDst, a);
      }
      x &= !same;
    }
    out |= x;
  }
  return out;
}

}  // namespace cloudtwin::verify
