#include "cloudtwin/verify/incremental.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_map>

namespace cloudtwin::verify {

using model::Index;
using model::kNone;

ReachResult reach_by_class(Compiled& c, const Party& from, const Party& to,
                           const ReachOptions& options, std::optional<vpc::Verdict> leave_out) {
  const bool interfaces =
      from.kind == Party::Kind::kInterfaces && to.kind == Party::Kind::kInterfaces;
  const bool addresses_free = HeaderSpace::support(options.headers, Block::kSrc) == 0 &&
                              HeaderSpace::support(options.headers, Block::kDst) == 0;
  if (!interfaces || !addresses_free) {
    ReachResult r = reach(c, from, to, options);
    if (leave_out) {
      std::size_t before = r.flows.size();
      std::erase_if(r.flows, [&](const Flow& f) { return f.trace.verdict == *leave_out; });
      r.left_out = before - r.flows.size();
      r.queried = bddfalse;
    }
    return r;
  }
  IncrementalReach r(c, from, to, options, leave_out);
  return std::move(r.result_);
}

IncrementalReach::IncrementalReach(Compiled& c, Party from, Party to, ReachOptions options)
    : IncrementalReach(c, std::move(from), std::move(to), std::move(options), std::nullopt) {}

IncrementalReach::IncrementalReach(Compiled& c, Party from, Party to, ReachOptions options,
                                   std::optional<vpc::Verdict> leave_out)
    : c_(c),
      from_(std::move(from)),
      to_(std::move(to)),
      options_(std::move(options)),
      leave_out_(leave_out) {
  build();
}

bdd IncrementalReach::rectangle_pairs(const Rectangle& r) const {
  const auto& n = c_.network();
  std::vector<IpAddress> src_hosts, dst_hosts;
  for (Index e : r.sources) src_hosts.push_back(n.network_interfaces[e].private_ips[0]);
  for (Index e : r.destinations) dst_hosts.push_back(n.network_interfaces[e].private_ips[0]);
  bdd pairs = HeaderSpace::addresses(Block::kSrc, src_hosts) &
              HeaderSpace::addresses(Block::kDst, dst_hosts);
  std::sort(src_hosts.begin(), src_hosts.end());
  std::sort(dst_hosts.begin(), dst_hosts.end());
  std::vector<IpAddress> both;
  std::set_intersection(src_hosts.begin(), src_hosts.end(), dst_hosts.begin(), dst_hosts.end(),
                        std::back_inserter(both));
  for (IpAddress a : both) {
    pairs = bdd_apply(pairs,
                      HeaderSpace::address(Block::kSrc, a) & HeaderSpace::address(Block::kDst, a),
                      bddop_diff);
  }
  return pairs;
}

bool IncrementalReach::left_out(const Flow& f) {
  if (!leave_out_ || f.trace.verdict != *leave_out_) return false;
  ++result_.left_out;
  return true;
}

void IncrementalReach::build() {
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
  if (interfaces) {
    const auto& classes = c_.classes();
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
  auto add_pair = [&](const vpc::Endpoint& s, const vpc::Endpoint& d) {
    if (queried_pair(s, d)) units_.push_back({s, d, false, {}});
  };
  // Pairs with a singleton on either side: one unit per pair of ENIs.
  for (const auto& s : from_single) {
    for (const auto& d : to_single) add_pair(s, d);
    for (const auto& [k, members] : to_classes) {
      for (Index d : members) add_pair(s, interface_endpoint(d));
    }
  }
  for (const auto& [k, members] : from_classes) {
    for (Index s : members) {
      for (const auto& d : to_single) add_pair(interface_endpoint(s), d);
    }
  }
  // Pairs of classes: one unit per rectangle, walked between representatives; walk() splits
  // the first rectangle of each pair of classes as the rules it reads require.
  for (const auto& [a, sources_of_a] : from_classes) {
    for (const auto& [b, destinations_of_b] : to_classes) {
      units_.push_back({{}, {}, true, {sources_of_a, destinations_of_b}});
    }
  }
  const auto& n = c_.network();
  // walk() may append units (the rest of a split rectangle): walk by index, up to the end.
  for (std::size_t i = 0; i < units_.size() && !result_.truncated; ++i) {
    if (units_[i].pinned) {
      walk(i, bddtrue);
      continue;
    }
    bdd space = source_space(n, from_, units_[i].source, options_) &
                party_addresses(n, to_, units_[i].destination.index, false, Block::kDst);
    result_.queried |= space;
    walk(i, space);
  }
}

void IncrementalReach::walk(std::size_t unit, const bdd& space) {
  if (!units_[unit].pinned) {
    std::size_t first = result_.flows.size();
    explore(c_, units_[unit].source, units_[unit].destination, space, result_, walk_limit_);
    std::size_t kept = first;
    for (std::size_t f = first; f < result_.flows.size(); ++f) {
      if (left_out(result_.flows[f])) continue;
      if (kept != f) result_.flows[kept] = std::move(result_.flows[f]);
      own_packets_.push_back(result_.flows[kept].packets);
      unit_of_flow_.push_back(unit);
      ++kept;
    }
    result_.flows.resize(kept);
    return;
  }
  // The rectangle's representatives walked; the pairs that answer alike keep this unit, and
  // the rest of the rectangle becomes units of its own, walked when build() or rewalk() reach
  // them.
  const auto& n = c_.network();
  Rectangle r = std::move(units_[unit].rectangle);
  std::vector<Rectangle> rest;
  Index x = kNone, y = kNone;
  while (!representatives(r, x, y)) {
    if (rest.empty()) {
      units_[unit].rectangle = {};  // no pair left: an ENI with itself
      return;
    }
    r = std::move(rest.back());
    rest.pop_back();
  }
  const IpAddress src = n.network_interfaces[x].private_ips[0];
  const IpAddress dst = n.network_interfaces[y].private_ips[0];
  auto build_space = [&] {
    bdd full = source_space(n, from_, interface_endpoint(x), options_) &
               party_addresses(n, to_, y, false, Block::kDst);
    return bdd_restrict(bdd_restrict(full, c_.address_cube(Block::kDst, dst)),
                        c_.address_cube(Block::kSrc, src));
  };
  const U128 src_mask = HeaderSpace::support(options_.headers, Block::kSrc);
  const U128 dst_mask = HeaderSpace::support(options_.headers, Block::kDst);
  // Over protocol and ports: the same for every pair of the two classes unless the headers
  // name addresses.
  const bdd pinned =
      src_mask == 0 && dst_mask == 0
          ? c_.pinned_space(options_.headers, n.network_interfaces[x].ephemeral_ports,
                            options_.any_source_port, build_space)
          : build_space();
  ReachResult walked;
  walked.walks = result_.walks;
  explore_pinned_space(c_, interface_endpoint(x), interface_endpoint(y), src, dst, pinned, walked,
                       walk_limit_);
  result_.walks = walked.walks;
  result_.truncated = result_.truncated || walked.truncated;
  RulesRead read;
  for (const auto& f : walked.flows) read.add(f.security_groups, f.network_acls);
  Rectangle same = split_rectangle(c_, r, x, y, read, src_mask, dst_mask, rest);
  // Every source-destination address pair of the rectangle, but an ENI with itself: built
  // only when something is lifted onto it.
  std::optional<bdd> pairs;
  auto lift = [&](const bdd& own) {
    if (!pairs) pairs = rectangle_pairs(same);
    return *pairs & own;
  };
  // The flows' packets are over protocol and ports: lifted onto the pairs, each set once.
  if (!leave_out_) result_.queried |= lift(pinned);
  if (walked.reachable != bddfalse) result_.reachable |= lift(walked.reachable);
  if (walked.inconclusive != bddfalse) result_.inconclusive |= lift(walked.inconclusive);
  for (auto& flow : walked.flows) {
    if (left_out(flow)) continue;
    own_packets_.push_back(flow.packets);
    flow.packets = lift(flow.packets);
    unit_of_flow_.push_back(unit);
    result_.flows.push_back(std::move(flow));
  }
  units_[unit].rectangle = std::move(same);
  for (auto& part : rest) units_.push_back({{}, {}, true, std::move(part)});
}

template <typename Reads>
std::size_t IncrementalReach::rewalk(Reads&& reads) {
  // A pinned unit whose flows read the list is walked again whole (the list may now split its
  // rectangle differently); an unpinned one over the packets of the flows that read it.
  std::vector<bool> stale_unit(units_.size(), false);
  for (std::size_t f = 0; f < result_.flows.size(); ++f) {
    if (units_[unit_of_flow_[f]].pinned && reads(result_.flows[f]))
      stale_unit[unit_of_flow_[f]] = true;
  }
  std::vector<std::pair<std::size_t, bdd>> stale;  // per unit, its stale own packets
  std::unordered_map<std::size_t, std::size_t> slot;
  bdd stale_reachable = bddfalse;
  bdd stale_inconclusive = bddfalse;
  std::size_t kept = 0;
  for (std::size_t f = 0; f < result_.flows.size(); ++f) {
    auto& flow = result_.flows[f];
    std::size_t unit = unit_of_flow_[f];
    if (units_[unit].pinned ? !stale_unit[unit] : !reads(flow)) {
      if (kept != f) {
        result_.flows[kept] = std::move(flow);
        unit_of_flow_[kept] = unit_of_flow_[f];
        own_packets_[kept] = own_packets_[f];
      }
      ++kept;
      continue;
    }
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
  const std::size_t units_before = units_.size();
  for (const auto& [unit, packets] : stale) walk(unit, packets);
  // The parts a rewalked rectangle split off.
  for (std::size_t i = units_before; i < units_.size() && !result_.truncated; ++i) walk(i, bddtrue);
  return result_.walks - before;
}

void IncrementalReach::security_group_changed(Index group) {
  c_.forget_security_group(group);
  changed_groups_.push_back(group);
}

void IncrementalReach::network_acl_changed(Index acl) {
  c_.forget_network_acl(acl);
  changed_acls_.push_back(acl);
}

std::size_t IncrementalReach::update() {
  if (changed_groups_.empty() && changed_acls_.empty()) return 0;
  auto groups = std::move(changed_groups_);
  auto acls = std::move(changed_acls_);
  changed_groups_.clear();
  changed_acls_.clear();
  if (result_.truncated) {
    // A walk limit stopped the last answer: some units may have no flows to re-walk by, so
    // the answer is made again.
    build();
    return result_.walks;
  }
  std::sort(groups.begin(), groups.end());
  std::sort(acls.begin(), acls.end());
  auto meets = [](const std::vector<Index>& read, const std::vector<Index>& changed) {
    // Both sorted.
    auto a = read.begin();
    auto b = changed.begin();
    while (a != read.end() && b != changed.end()) {
      if (*a == *b) return true;
      if (*a < *b)
        ++a;
      else
        ++b;
    }
    return false;
  };
  return rewalk([&](const Flow& f) {
    return meets(f.security_groups, groups) || meets(f.network_acls, acls);
  });
}

}  // namespace cloudtwin::verify
