#include "cloudtwin/verify/incremental.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace cloudtwin::verify {

using model::Index;
using model::kNone;

ReachResult reach_by_class(Compiled& c, const Party& from, const Party& to,
                           const ReachOptions& options) {
  const bool interfaces =
      from.kind == Party::Kind::kInterfaces && to.kind == Party::Kind::kInterfaces;
  const bool addresses_free = HeaderSpace::support(options.headers, Block::kSrc) == 0 &&
                              HeaderSpace::support(options.headers, Block::kDst) == 0;
  if (!interfaces || !addresses_free) return reach(c, from, to, options);
  IncrementalReach r(c, from, to, options);
  return r.result();
}

IncrementalReach::IncrementalReach(Compiled& c, Party from, Party to, ReachOptions options)
    : c_(c), from_(std::move(from)), to_(std::move(to)), options_(std::move(options)) {
  build();
}

void IncrementalReach::build() {
  const auto& n = c_.network();
  units_.clear();
  result_ = ReachResult{};
  unit_of_flow_.clear();
  own_packets_.clear();
  walk_limit_ = options_.max_walks;
  const auto sources = endpoints(from_);
  const auto destinations = endpoints(to_);
  const bool interfaces =
      from_.kind == Party::Kind::kInterfaces && to_.kind == Party::Kind::kInterfaces;
  // ENIs of a symmetric class on each side, grouped; the rest one by one.
  std::map<std::uint32_t, std::vector<Index>> from_classes, to_classes;
  std::vector<vpc::Endpoint> from_single, to_single;
  InterfaceClasses classes;
  if (interfaces) {
    classes = interface_classes(n);
    for (const auto& e : sources) {
      if (classes.symmetric[classes.class_of[e.index]])
        from_classes[classes.class_of[e.index]].push_back(e.index);
      else
        from_single.push_back(e);
    }
    for (const auto& e : destinations) {
      if (classes.symmetric[classes.class_of[e.index]])
        to_classes[classes.class_of[e.index]].push_back(e.index);
      else
        to_single.push_back(e);
    }
  } else {
    from_single = sources;
    to_single = destinations;
  }
  auto endpoint = [](Index e) {
    vpc::Endpoint x;
    x.kind = vpc::EndpointKind::kNetworkInterface;
    x.index = e;
    return x;
  };
  auto add_pair = [&](const vpc::Endpoint& s, const vpc::Endpoint& d) {
    if (queried_pair(s, d)) units_.push_back({s, d, false, {}, {}, bddfalse, {}, {}});
  };
  // Pairs with a singleton on either side: one unit per pair of ENIs.
  for (const auto& s : from_single) {
    for (const auto& d : to_single) add_pair(s, d);
    for (const auto& [k, members] : to_classes) {
      for (Index d : members) add_pair(s, endpoint(d));
    }
  }
  for (const auto& [k, members] : from_classes) {
    for (Index s : members) {
      for (const auto& d : to_single) add_pair(endpoint(s), d);
    }
  }
  // Pairs of classes: one unit, walked between representatives.
  for (const auto& [a, sources_of_a] : from_classes) {
    for (const auto& [b, destinations_of_b] : to_classes) {
      Index s = sources_of_a.front();
      Index d = kNone;
      for (Index x : destinations_of_b) {
        if (x != s) {
          d = x;
          break;
        }
      }
      if (d == kNone) continue;  // only the ENI itself
      Unit u;
      u.source = endpoint(s);
      u.destination = endpoint(d);
      u.pinned = true;
      u.src = n.network_interfaces[s].private_ips[0];
      u.dst = n.network_interfaces[d].private_ips[0];
      std::vector<IpAddress> src_hosts, dst_hosts;
      for (Index x : sources_of_a) src_hosts.push_back(n.network_interfaces[x].private_ips[0]);
      for (Index x : destinations_of_b) dst_hosts.push_back(n.network_interfaces[x].private_ips[0]);
      u.pairs = HeaderSpace::addresses(Block::kSrc, src_hosts) &
                HeaderSpace::addresses(Block::kDst, dst_hosts);
      if (a == b) {
        // Not an ENI to itself. (The hosts come in the network's order of ENIs, not of
        // addresses; set_intersection needs both sorted.)
        std::sort(src_hosts.begin(), src_hosts.end());
        std::sort(dst_hosts.begin(), dst_hosts.end());
        std::vector<IpAddress> both;
        std::set_intersection(src_hosts.begin(), src_hosts.end(), dst_hosts.begin(),
                              dst_hosts.end(), std::back_inserter(both));
        for (IpAddress x : both) {
          u.pairs = bdd_apply(
              u.pairs, HeaderSpace::address(Block::kSrc, x) & HeaderSpace::address(Block::kDst, x),
              bddop_diff);
        }
      }
      u.sources = sources_of_a;
      u.destinations = destinations_of_b;
      units_.push_back(std::move(u));
    }
  }
  for (std::size_t i = 0; i < units_.size() && !result_.truncated; ++i) {
    const auto& u = units_[i];
    bdd space = source_space(n, from_, u.source, options_) &
                party_addresses(n, to_, u.destination.index, false, Block::kDst);
    if (u.pinned) {
      space = bdd_restrict(bdd_restrict(space, c_.address_cube(Block::kDst, u.dst)),
                           c_.address_cube(Block::kSrc, u.src));
      result_.queried |= u.pairs & space;
    } else {
      result_.queried |= space;
    }
    walk(i, space);
  }
}

void IncrementalReach::walk(std::size_t unit, const bdd& space) {
  const auto& u = units_[unit];
  if (!u.pinned) {
    std::size_t first = result_.flows.size();
    explore(c_, u.source, u.destination, space, result_, walk_limit_);
    for (std::size_t f = first; f < result_.flows.size(); ++f) {
      own_packets_.push_back(result_.flows[f].packets);
      unit_of_flow_.push_back(unit);
    }
    return;
  }
  // The representatives' flows, then lifted onto every pair of the two classes.
  ReachResult r;
  r.walks = result_.walks;
  explore_pinned(c_, u.source, u.destination, u.src, u.dst,
                 space & c_.address_cube(Block::kSrc, u.src) & c_.address_cube(Block::kDst, u.dst),
                 r, walk_limit_);
  result_.walks = r.walks;
  result_.truncated = result_.truncated || r.truncated;
  for (auto& flow : r.flows) {
    bdd own = bdd_restrict(bdd_restrict(flow.packets, c_.address_cube(Block::kDst, u.dst)),
                           c_.address_cube(Block::kSrc, u.src));
    flow.packets = u.pairs & own;
    if (flow.trace.reachable) result_.reachable |= flow.packets;
    if (flow.trace.verdict == vpc::Verdict::kInconclusive) result_.inconclusive |= flow.packets;
    own_packets_.push_back(own);
    unit_of_flow_.push_back(unit);
    result_.flows.push_back(std::move(flow));
  }
}

bool IncrementalReach::splits_a_class(const std::vector<Prefix>& prefixes) const {
  const auto& n = c_.network();
  auto agree = [&](const std::vector<Index>& members, const Prefix& p) {
    bool first = p.contains(n.network_interfaces[members.front()].private_ips[0]);
    return std::all_of(members.begin(), members.end(), [&](Index e) {
      return p.contains(n.network_interfaces[e].private_ips[0]) == first;
    });
  };
  for (const auto& u : units_) {
    if (!u.pinned) continue;
    for (const auto& p : prefixes) {
      if (!agree(u.sources, p) || !agree(u.destinations, p)) return true;
    }
  }
  return false;
}

template <typename Reads>
std::size_t IncrementalReach::rewalk(Reads&& reads) {
  std::vector<std::pair<std::size_t, bdd>> stale;  // per unit, its stale own packets
  std::unordered_map<std::size_t, std::size_t> slot;
  bdd stale_reachable = bddfalse;
  bdd stale_inconclusive = bddfalse;
  std::size_t kept = 0;
  for (std::size_t f = 0; f < result_.flows.size(); ++f) {
    auto& flow = result_.flows[f];
    if (!reads(flow)) {
      if (kept != f) {
        result_.flows[kept] = std::move(flow);
        unit_of_flow_[kept] = unit_of_flow_[f];
        own_packets_[kept] = own_packets_[f];
      }
      ++kept;
      continue;
    }
    std::size_t unit = unit_of_flow_[f];
    auto [it, fresh] = slot.try_emplace(unit, stale.size());
    if (fresh) stale.emplace_back(unit, bddfalse);
    stale[it->second].second |= own_packets_[f];
    if (flow.trace.reachable) stale_reachable |= flow.packets;
    if (flow.trace.verdict == vpc::Verdict::kInconclusive) stale_inconclusive |= flow.packets;
  }
  if (stale.empty()) return 0;
  result_.flows.resize(kept);
  unit_of_flow_.resize(kept);
  own_packets_.resize(kept);
  result_.reachable = bdd_apply(result_.reachable, stale_reachable, bddop_diff);
  result_.inconclusive = bdd_apply(result_.inconclusive, stale_inconclusive, bddop_diff);
  std::size_t before = result_.walks;
  result_.truncated = false;
  walk_limit_ = before + options_.max_walks;
  for (const auto& [unit, packets] : stale) walk(unit, packets);
  return result_.walks - before;
}

std::size_t IncrementalReach::security_group_changed(Index group) {
  const auto& n = c_.network();
  c_.forget_security_group(group);
  std::vector<Prefix> prefixes;
  const auto& sg = n.security_groups[group];
  for (const auto* rules : {&sg.ingress, &sg.egress}) {
    for (const auto& r : *rules) {
      if (r.cidr) prefixes.push_back(*r.cidr);
      if (r.prefix_list.resolved()) {
        const auto& e = n.prefix_lists[r.prefix_list.index].entries;
        prefixes.insert(prefixes.end(), e.begin(), e.end());
      }
    }
  }
  if (splits_a_class(prefixes)) {
    build();
    return result_.walks;
  }
  return rewalk([&](const Flow& f) {
    return std::binary_search(f.security_groups.begin(), f.security_groups.end(), group);
  });
}

std::size_t IncrementalReach::network_acl_changed(Index acl) {
  const auto& n = c_.network();
  c_.forget_network_acl(acl);
  std::vector<Prefix> prefixes;
  for (const auto* entries : {&n.network_acls[acl].ingress, &n.network_acls[acl].egress}) {
    for (const auto& e : *entries) prefixes.push_back(e.cidr);
  }
  if (splits_a_class(prefixes)) {
    build();
    return result_.walks;
  }
  return rewalk([&](const Flow& f) {
    return std::binary_search(f.network_acls.begin(), f.network_acls.end(), acl);
  });
}

}  // namespace cloudtwin::verify
