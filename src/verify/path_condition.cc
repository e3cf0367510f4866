#include "cloudtwin/verify/path_condition.h"

#include <algorithm>
#include <tuple>

#include "cloudtwin/vpc/rules.h"

namespace cloudtwin::verify {

using model::Index;
using vpc::Origin;

namespace {

Block block_of(Origin o) {
  switch (o) {
    case Origin::kSrc:
      return Block::kSrc;
    case Origin::kDst:
      return Block::kDst;
    case Origin::kSrcPort:
      return Block::kSrcPort;
    default:
      return Block::kDstPort;
  }
}

U128 last_of(Family f) { return f == Family::kV4 ? U128{0xffffffffu} : ~U128{0}; }

}  // namespace

std::pair<U128, U128> cell(IpAddress a, std::span<const Prefix> prefixes) {
  U128 x = a.bits();
  U128 lo = 0;
  U128 hi = last_of(a.family());
  for (const auto& p : prefixes) {
    if (p.family() != a.family()) continue;
    U128 first = p.address().bits();
    U128 last = p.last().bits();
    if (first <= x && x <= last) {
      lo = std::max(lo, first);
      hi = std::min(hi, last);
    } else if (last < x) {
      lo = std::max(lo, last + 1);
    } else {
      hi = std::min(hi, first - 1);
    }
  }
  return {lo, hi};
}

// ---- Compiled ------------------------------------------------------------------------------

namespace {

// The union of many sets, pairwise in rounds: each OR meets operands of like size, where
// OR-ing into one growing set redoes the growing set every time.
bdd union_of(std::vector<bdd> sets) {
  if (sets.empty()) return bddfalse;
  while (sets.size() > 1) {
    std::size_t half = (sets.size() + 1) / 2;
    for (std::size_t i = 0; i + half < sets.size(); ++i) sets[i] |= sets[i + half];
    sets.resize(half);
  }
  return sets.front();
}

}  // namespace

Compiled::Compiled(const model::Network& n) : n_(n) { HeaderSpace::init(); }

bdd Compiled::rule_list_match(Protocol protocol, PortRange ports, int icmp_type, int icmp_code) {
  // rules.cc protocol_and_ports_match: "all" matches everything; a rule's ports apply to TCP
  // and UDP, its type and code to ICMP; other protocols match on the number alone.
  if (protocol.is_all()) return bddtrue;
  bdd r = HeaderSpace::protocol(protocol.number());
  if (protocol.has_ports()) return r & HeaderSpace::port(Block::kDstPort, ports);
  if (protocol.is_icmp()) {
    if (icmp_type != -1)
      r &= HeaderSpace::port(Block::kDstPort, static_cast<std::uint16_t>(icmp_type));
    if (icmp_code != -1)
      r &= HeaderSpace::port(Block::kSrcPort, static_cast<std::uint16_t>(icmp_code));
  }
  return r;
}

bdd Compiled::peer(const model::SecurityGroupRule& rule, Index vpc, Block b, Index relayed_by) {
  if (rule.cidr) return HeaderSpace::address(b, *rule.cidr);
  bdd r = bddfalse;
  if (rule.prefix_list.resolved()) {
    return HeaderSpace::addresses(b, n_.prefix_lists[rule.prefix_list.index].entries);
  }
  if (rule.security_group.resolved() && relayed_by != model::kNone) {
    return vpc::carries_group(n_, relayed_by, rule.security_group.index) ? bddtrue : bddfalse;
  }
  if (rule.security_group.resolved()) {
    // rules.cc sg_reference_matches: private addresses of the group's ENIs in this VPC or a
    // same-Region peered one.
    std::vector<Prefix> hosts;
    for (Index e : n_.security_groups[rule.security_group.index].members) {
      const auto& iface = n_.network_interfaces[e];
      if (iface.vpc != vpc && !vpc::peered_same_region(n_, iface.vpc, vpc)) continue;
      for (const auto& a : iface.private_ips) hosts.push_back(Prefix::host(a));
      for (const auto& a : iface.ipv6_addresses) hosts.push_back(Prefix::host(a));
    }
    r = HeaderSpace::addresses(b, std::move(hosts));
  }
  return r;
}

namespace {

// Whether a rule of list `i` (one direction) has an unknown peer, kept in `cache` (per list:
// 1 ingress, 2 egress, 4 known); `lists` are the network's security groups or network ACLs.
template <typename Lists, typename Rules>
bool uncertain(std::vector<std::uint8_t>& cache, const Lists& lists, Index i, bool ingress,
               Rules&& rules) {
  if (cache.size() != lists.size()) cache.assign(lists.size(), 0);
  auto& bits = cache[i];
  if (!(bits & 4)) {
    auto any = [](const auto& list) {
      return std::any_of(list.begin(), list.end(),
                         [](const auto& r) { return !r.unknown.empty(); });
    };
    const auto& [in, out] = rules(lists[i]);
    bits = static_cast<std::uint8_t>(4 | (any(in) ? 1 : 0) | (any(out) ? 2 : 0));
  }
  return bits & (ingress ? 1 : 2);
}

}  // namespace

bool Compiled::uncertain_group(Index group, bool ingress) {
  return uncertain(uncertain_groups_, n_.security_groups, group, ingress,
                   [](const auto& sg) { return std::tie(sg.ingress, sg.egress); });
}

bool Compiled::uncertain_groups(const std::vector<Index>& groups, bool ingress) {
  return std::any_of(groups.begin(), groups.end(),
                     [&](Index g) { return uncertain_group(g, ingress); });
}

bool Compiled::uncertain_acl(Index acl, bool ingress) {
  return uncertain(uncertain_acls_, n_.network_acls, acl, ingress,
                   [](const auto& a) { return std::tie(a.ingress, a.egress); });
}

const bdd& Compiled::security_groups(Index eni, bool ingress, bool possible, Index relayed_by) {
  const auto& iface = n_.network_interfaces[eni];
  std::vector<Index> groups;
  for (const auto& g : iface.security_groups) {
    if (g.resolved()) groups.push_back(g.index);
  }
  possible = possible && uncertain_groups(groups, ingress);
  auto key = std::make_tuple(groups, iface.vpc, ingress, possible, relayed_by);
  auto it = security_groups_.find(key);
  if (it != security_groups_.end()) return it->second;
  Block b = ingress ? Block::kSrc : Block::kDst;
  std::vector<bdd> rules;
  for (Index g : groups) {
    const auto& sg = n_.security_groups[g];
    for (const auto& rule : ingress ? sg.ingress : sg.egress) {
      // rules.cc match_security_groups: a rule whose peer is unknown may match any peer.
      if (!rule.unknown.empty()) {
        if (possible)
          rules.push_back(
              rule_list_match(rule.protocol, rule.ports, rule.icmp_type, rule.icmp_code));
        continue;
      }
      rules.push_back(rule_list_match(rule.protocol, rule.ports, rule.icmp_type, rule.icmp_code) &
                      peer(rule, iface.vpc, b, relayed_by));
    }
  }
  return security_groups_.emplace(std::move(key), union_of(std::move(rules))).first->second;
}

std::vector<Index> Compiled::groups_of(Index eni) const {
  std::vector<Index> groups;
  for (const auto& g : n_.network_interfaces[eni].security_groups) {
    if (g.resolved()) groups.push_back(g.index);
  }
  return groups;
}

bool Compiled::peer_holds(const model::SecurityGroupRule& rule, Index vpc, IpAddress a,
                          Index relayed_by) const {
  // As peer() above, one address at a time.
  if (rule.cidr) return rule.cidr->contains(a);
  if (rule.prefix_list.resolved()) {
    const auto& entries = n_.prefix_lists[rule.prefix_list.index].entries;
    return std::any_of(entries.begin(), entries.end(),
                       [&](const Prefix& p) { return p.contains(a); });
  }
  if (rule.security_group.resolved() && relayed_by != model::kNone)
    return vpc::carries_group(n_, relayed_by, rule.security_group.index);
  if (rule.security_group.resolved()) {
    for (Index e : n_.security_groups[rule.security_group.index].members) {
      const auto& iface = n_.network_interfaces[e];
      if (iface.vpc != vpc && !vpc::peered_same_region(n_, iface.vpc, vpc)) continue;
      if (std::find(iface.private_ips.begin(), iface.private_ips.end(), a) !=
              iface.private_ips.end() ||
          std::find(iface.ipv6_addresses.begin(), iface.ipv6_addresses.end(), a) !=
              iface.ipv6_addresses.end())
        return true;
    }
  }
  return false;
}

std::uint32_t Compiled::group_set(Index eni) {
  if (group_set_of_eni_.empty()) group_set_of_eni_.assign(n_.network_interfaces.size(), ~0u);
  auto& id = group_set_of_eni_[eni];
  if (id == ~0u) {
    auto groups = groups_of(eni);
    auto [it, fresh] =
        group_sets_.try_emplace(groups, static_cast<std::uint32_t>(group_set_lists_.size()));
    if (fresh) group_set_lists_.push_back(std::move(groups));
    id = it->second;
  }
  return id;
}

void Compiled::PeerCells::add(const Prefix& p) {
  auto& cuts = cuts_[p.family() == Family::kV4 ? 0 : 1];
  U128 last = p.last().bits();
  cuts.push_back(p.address().bits());
  if (last != last_of(p.family())) cuts.push_back(last + 1);
}

void Compiled::PeerCells::seal() {
  for (int f = 0; f < 2; ++f) {
    std::sort(cuts_[f].begin(), cuts_[f].end());
    cuts_[f].erase(std::unique(cuts_[f].begin(), cuts_[f].end()), cuts_[f].end());
    cells_[f].resize(cuts_[f].size() + 1);
  }
}

std::optional<bdd>& Compiled::PeerCells::at(IpAddress a) {
  int f = a.is_v4() ? 0 : 1;
  auto i = std::upper_bound(cuts_[f].begin(), cuts_[f].end(), a.bits()) - cuts_[f].begin();
  return cells_[f][static_cast<std::size_t>(i)];
}

void Compiled::add_peer(PeerCells& cells, const model::SecurityGroupRule& rule, Index vpc,
                        Index relayed_by) const {
  // Every address set peer_holds() tests, so that it decides alike across a cell. A rule whose
  // peer is unknown tests none, nor a reference seen through a relay.
  if (!rule.unknown.empty()) return;
  if (rule.security_group.resolved() && relayed_by != model::kNone) return;
  if (rule.cidr) {
    cells.add(*rule.cidr);
  } else if (rule.prefix_list.resolved()) {
    for (const auto& p : n_.prefix_lists[rule.prefix_list.index].entries) cells.add(p);
  } else if (rule.security_group.resolved()) {
    for (Index e : n_.security_groups[rule.security_group.index].members) {
      const auto& iface = n_.network_interfaces[e];
      if (iface.vpc != vpc && !vpc::peered_same_region(n_, iface.vpc, vpc)) continue;
      for (const auto& a : iface.private_ips) cells.add(a);
      for (const auto& a : iface.ipv6_addresses) cells.add(a);
    }
  }
}

const bdd& Compiled::security_groups(Index eni, bool ingress, IpAddress peer_address,
                                     bool possible, Index relayed_by) {
  const auto& iface = n_.network_interfaces[eni];
  std::uint32_t set = group_set(eni);
  possible = possible && uncertain_groups(group_set_lists_[set], ingress);
  auto [it, fresh] =
      security_group_cells_.try_emplace(GroupsKey{set, iface.vpc, ingress, possible, relayed_by});
  PeerCells& cells = it->second;
  if (fresh) {
    for (Index g : group_set_lists_[set]) {
      const auto& sg = n_.security_groups[g];
      for (const auto& rule : ingress ? sg.ingress : sg.egress)
        add_peer(cells, rule, iface.vpc, relayed_by);
    }
    cells.seal();
  }
  auto& cell = cells.at(peer_address);
  if (cell) return *cell;
  bdd r = bddfalse;
  for (Index g : group_set_lists_[set]) {
    const auto& sg = n_.security_groups[g];
    for (const auto& rule : ingress ? sg.ingress : sg.egress) {
      if (rule.unknown.empty() ? peer_holds(rule, iface.vpc, peer_address, relayed_by) : possible)
        r |= rule_list_match(rule.protocol, rule.ports, rule.icmp_type, rule.icmp_code);
    }
  }
  return cell.emplace(std::move(r));
}

namespace {

// rules.cc match_network_acl: the first entry that matches for certain decides, unless an
// earlier entry whose peer is unknown, with the other action, matches the protocol and ports.
// Certain: allowed by the deciding entry with no unknown deny before it. Possible: allowed by
// the deciding entry, or by an unknown allow before it. `match` gives an entry's set of packets, or
// nullopt when it cannot match (for an unknown entry: its protocol and ports, any peer).
template <typename Entries, typename Match>
bdd acl_allowed(const Entries& entries, bool possible, Match match) {
  bdd matched = bddfalse;
  bdd allowed = bddfalse;
  bdd unknown_deny = bddfalse;
  for (const auto& e : entries) {
    std::optional<bdd> m = match(e);
    if (!m) continue;
    if (!e.unknown.empty()) {
      if (e.allow && possible) allowed |= *m & !matched;
      if (!e.allow && !possible) unknown_deny |= *m;
      continue;
    }
    if (e.allow) allowed |= possible ? *m & !matched : *m & !matched & !unknown_deny;
    matched |= *m;
    if (matched == bddtrue) break;  // nothing later can decide
  }
  return allowed;
}

}  // namespace

const bdd& Compiled::network_acl(Index acl, bool ingress, IpAddress peer_address, bool possible) {
  const auto& a = n_.network_acls[acl];
  const auto& entries = ingress ? a.ingress : a.egress;
  possible = possible && uncertain_acl(acl, ingress);
  auto [it, fresh] = network_acl_cells_.try_emplace({acl, ingress, possible});
  PeerCells& cells = it->second;
  if (fresh) {
    for (const auto& e : entries) {
      if (e.unknown.empty()) cells.add(e.cidr);
    }
    cells.seal();
  }
  auto& cell = cells.at(peer_address);
  if (cell) return *cell;
  return cell.emplace(acl_allowed(entries, possible, [&](const auto& e) -> std::optional<bdd> {
    if (e.unknown.empty() && !e.cidr.contains(peer_address)) return std::nullopt;
    return rule_list_match(e.protocol, e.ports, e.icmp_type, e.icmp_code);
  }));
}

const bdd& Compiled::network_acl(Index acl, bool ingress, bool possible) {
  possible = possible && uncertain_acl(acl, ingress);
  auto key = std::make_tuple(acl, ingress, possible);
  auto it = network_acls_.find(key);
  if (it != network_acls_.end()) return it->second;
  const auto& a = n_.network_acls[acl];
  Block b = ingress ? Block::kSrc : Block::kDst;
  bdd allowed = acl_allowed(
      ingress ? a.ingress : a.egress, possible, [&](const auto& e) -> std::optional<bdd> {
        bdd m = rule_list_match(e.protocol, e.ports, e.icmp_type, e.icmp_code);
        if (e.unknown.empty()) m &= HeaderSpace::address(b, e.cidr);
        return m;
      });
  return network_acls_.emplace(key, allowed).first->second;
}

const bdd& Compiled::private_addresses(Index vpc, Block b) {
  auto key = std::make_pair(vpc, b);
  auto it = private_addresses_.find(key);
  if (it != private_addresses_.end()) return it->second;
  std::vector<Prefix> hosts;
  for (const auto& [address, eni] : n_.eni_by_private_ip) {
    if (n_.network_interfaces[eni].vpc == vpc) hosts.push_back(Prefix::host(address));
  }
  return private_addresses_.emplace(key, HeaderSpace::addresses(b, std::move(hosts))).first->second;
}

const bdd& Compiled::own_public_addresses(Block b) {
  auto it = own_public_.find(b);
  if (it != own_public_.end()) return it->second;
  std::vector<Prefix> prefixes;
  for (const auto& [address, eni] : n_.eni_by_public_ip) prefixes.push_back(Prefix::host(address));
  for (const auto& [address, nat] : n_.nat_gateway_by_public_ip) {
    prefixes.push_back(Prefix::host(address));
  }
  for (const auto& v : n_.vpcs) {
    for (const auto& p : v.ipv6_cidr_blocks) prefixes.push_back(p);
  }
  return own_public_.emplace(b, HeaderSpace::addresses(b, std::move(prefixes))).first->second;
}

const bdd& Compiled::address_cube(Block b, IpAddress a) {
  auto& cubes = cubes_[b == Block::kSrc ? 1 : 0];
  auto it = cubes.find(a);
  if (it != cubes.end()) return it->second;
  return cubes.emplace(a, HeaderSpace::address(b, a)).first->second;
}

const bdd& Compiled::pinned_space(const bdd& headers, PortRange ephemeral, bool any_source_port,
                                  const std::function<bdd()>& build) {
  auto key = std::make_tuple(headers.id(), ephemeral.from, ephemeral.to, any_source_port);
  auto it = pinned_spaces_.find(key);
  if (it == pinned_spaces_.end())
    it = pinned_spaces_.emplace(key, std::pair(headers, build())).first;
  return it->second.second;
}

const InterfaceClasses& Compiled::classes() {
  if (!classes_) classes_ = interface_classes(n_);
  return *classes_;
}

namespace {

void add_cut(std::vector<U128>* at, const Prefix& p) {
  auto& cuts = at[p.family() == Family::kV4 ? 0 : 1];
  cuts.push_back(p.address().bits());
  cuts.push_back(p.last().bits() + 1);
}

void seal(std::vector<U128>* at) {
  for (int f = 0; f < 2; ++f) {
    std::sort(at[f].begin(), at[f].end());
    at[f].erase(std::unique(at[f].begin(), at[f].end()), at[f].end());
    at[f].shrink_to_fit();
  }
}

bool same_cell(const std::vector<U128>* at, IpAddress a, IpAddress b) {
  const auto& cuts = at[a.is_v4() ? 0 : 1];
  return std::upper_bound(cuts.begin(), cuts.end(), a.bits()) ==
         std::upper_bound(cuts.begin(), cuts.end(), b.bits());
}

}  // namespace

const Compiled::Cuts& Compiled::group_cuts(Index g) {
  if (group_cuts_.size() != n_.security_groups.size())
    group_cuts_.resize(n_.security_groups.size());
  auto& cuts = group_cuts_[g];
  if (!cuts.built) {
    const auto& sg = n_.security_groups[g];
    for (const auto* rules : {&sg.ingress, &sg.egress}) {
      for (const auto& r : *rules) {
        if (r.cidr) add_cut(cuts.at, *r.cidr);
        if (r.prefix_list.resolved()) {
          for (const auto& p : n_.prefix_lists[r.prefix_list.index].entries) add_cut(cuts.at, p);
        }
      }
    }
    seal(cuts.at);
    cuts.built = true;
  }
  return cuts;
}

const Compiled::Cuts& Compiled::acl_cuts(Index acl) {
  if (acl_cuts_.size() != n_.network_acls.size()) acl_cuts_.resize(n_.network_acls.size());
  auto& cuts = acl_cuts_[acl];
  if (!cuts.built) {
    for (const auto* entries : {&n_.network_acls[acl].ingress, &n_.network_acls[acl].egress}) {
      for (const auto& e : *entries) add_cut(cuts.at, e.cidr);
    }
    seal(cuts.at);
    cuts.built = true;
  }
  return cuts;
}

bool Compiled::same_peer_cells(const RulesRead& lists, IpAddress a, IpAddress b) {
  if (a == b) return true;
  if (a.family() != b.family()) return false;
  for (Index g : lists.security_groups) {
    if (!same_cell(group_cuts(g).at, a, b)) return false;
  }
  for (Index acl : lists.network_acls) {
    if (!same_cell(acl_cuts(acl).at, a, b)) return false;
  }
  return true;
}

bool Compiled::splits_class(const RulesRead& lists, std::uint32_t k) {
  const auto& members = classes().members[k];
  if (members.size() < 2) return false;
  if (cut_at_all_.empty()) {
    // Every cut of every list, then per class whether one falls inside the range of its
    // members' addresses (a cut at c separates c - 1 from c).
    std::vector<U128> cuts[2];
    for (Index g = 0; g < n_.security_groups.size(); ++g) {
      for (int f = 0; f < 2; ++f)
        cuts[f].insert(cuts[f].end(), group_cuts(g).at[f].begin(), group_cuts(g).at[f].end());
    }
    for (Index a = 0; a < n_.network_acls.size(); ++a) {
      for (int f = 0; f < 2; ++f)
        cuts[f].insert(cuts[f].end(), acl_cuts(a).at[f].begin(), acl_cuts(a).at[f].end());
    }
    seal(cuts);
    const auto& all = classes().members;
    cut_at_all_.assign(all.size(), false);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].size() < 2 || !classes().symmetric[i]) continue;
      U128 lo = ~U128{0}, hi = 0;
      for (Index e : all[i]) {
        U128 x = n_.network_interfaces[e].private_ips[0].bits();
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      auto c = std::upper_bound(cuts[0].begin(), cuts[0].end(), lo);
      cut_at_all_[i] = c != cuts[0].end() && *c <= hi;
    }
  }
  if (!cut_at_all_[k]) return false;
  auto cuts_it = [&](const Cuts& cuts, std::uint64_t key) {
    auto [it, fresh] = splits_.try_emplace(key, false);
    if (fresh) {
      IpAddress first = n_.network_interfaces[members.front()].private_ips[0];
      it->second = std::any_of(members.begin() + 1, members.end(), [&](Index e) {
        return !same_cell(cuts.at, first, n_.network_interfaces[e].private_ips[0]);
      });
    }
    return it->second;
  };
  for (Index g : lists.security_groups) {
    if (cuts_it(group_cuts(g), (std::uint64_t{g} << 33) | k)) return true;
  }
  for (Index acl : lists.network_acls) {
    if (cuts_it(acl_cuts(acl), (std::uint64_t{acl} << 33) | (std::uint64_t{1} << 32) | k))
      return true;
  }
  return false;
}

void Compiled::forget_security_group(Index group) {
  if (group < group_cuts_.size()) group_cuts_[group] = {};
  cut_at_all_.clear();
  std::erase_if(splits_,
                [&](const auto& e) { return (e.first >> 33) == group && !((e.first >> 32) & 1); });
  for (auto it = security_groups_.begin(); it != security_groups_.end();) {
    const auto& groups = std::get<0>(it->first);
    // A reference to the group from another group's rule depends on its members, not its
    // rules, so only lists that carry the group itself are stale.
    if (std::find(groups.begin(), groups.end(), group) != groups.end())
      it = security_groups_.erase(it);
    else
      ++it;
  }
  std::erase_if(security_group_cells_, [&](const auto& entry) {
    const auto& groups = group_set_lists_[entry.first.set];
    return std::find(groups.begin(), groups.end(), group) != groups.end();
  });
  if (group < uncertain_groups_.size()) uncertain_groups_[group] = 0;
}

void Compiled::forget_network_acl(Index acl) {
  if (acl < acl_cuts_.size()) acl_cuts_[acl] = {};
  cut_at_all_.clear();
  std::erase_if(splits_,
                [&](const auto& e) { return (e.first >> 33) == acl && ((e.first >> 32) & 1); });
  for (bool ingress : {true, false}) {
    for (bool possible : {true, false}) {
      network_acls_.erase({acl, ingress, possible});
      network_acl_cells_.erase({acl, ingress, possible});
    }
  }
  if (acl < uncertain_acls_.size()) uncertain_acls_[acl] = 0;
}

// ---- PathCondition -------------------------------------------------------------------------

bdd PathCondition::relocate(const bdd& predicate, const vpc::Packet& p) {
  bdd r = predicate;
  const Origin origins[4] = {p.src_origin, p.dst_origin, p.src_port_origin, p.dst_port_origin};
  const Block roles[4] = {Block::kSrc, Block::kDst, Block::kSrcPort, Block::kDstPort};
  const U128 values[4] = {p.src.bits(), p.dst.bits(), p.src_port, p.dst_port};
  bool identity = true;
  for (int i = 0; i < 4; ++i) {
    if (origins[i] == Origin::kConstant) {
      r = bdd_restrict(r, HeaderSpace::value(roles[i], values[i]));
    } else if (block_of(origins[i]) != roles[i]) {
      identity = false;
    }
  }
  if (identity) return r;
  // One renaming per pattern of origins; there are few.
  static std::map<std::array<Origin, 4>, bddPair*> pairs;
  std::array<Origin, 4> key{origins[0], origins[1], origins[2], origins[3]};
  auto it = pairs.find(key);
  if (it == pairs.end()) {
    bddPair* pair = bdd_newpair();
    for (int i = 0; i < 4; ++i) {
      if (origins[i] == Origin::kConstant || block_of(origins[i]) == roles[i]) continue;
      Block to = block_of(origins[i]);
      int w = HeaderSpace::width(roles[i]);
      for (int bit = 0; bit < w; ++bit) {
        bdd_setpair(pair, HeaderSpace::first_variable(roles[i]) + bit,
                    HeaderSpace::first_variable(to) + bit);
      }
    }
    it = pairs.emplace(key, pair).first;
  }
  return bdd_replace(r, it->second);
}

void PathCondition::address(const vpc::Packet& p, vpc::AddressField f,
                            std::span<const Prefix> prefixes) {
  if (pinned_) return;
  Origin o = f == vpc::AddressField::kSrc ? p.src_origin : p.dst_origin;
  if (o == Origin::kConstant) return;
  IpAddress a = f == vpc::AddressField::kSrc ? p.src : p.dst;
  auto [lo, hi] = cell(a, prefixes);
  condition_ &= HeaderSpace::address_range(block_of(o), a.family(), lo, hi);
}

void PathCondition::address_in(const vpc::Packet& p, vpc::AddressField f, vpc::AddressSet set,
                               Index vpc, bool member) {
  if (pinned_) return;
  Origin o = f == vpc::AddressField::kSrc ? p.src_origin : p.dst_origin;
  if (o == Origin::kConstant) return;
  Block b = block_of(o);
  require_compiled(set == vpc::AddressSet::kPrivateAddresses ? c_.private_addresses(vpc, b)
                                                             : c_.own_public_addresses(b),
                   member);
}

void PathCondition::family(const vpc::Packet& p) {
  if (pinned_) return;
  condition_ &= HeaderSpace::family(p.src.family());
}

void PathCondition::protocol_in(const vpc::Packet&, std::span<const int> protocols, bool member) {
  bdd s = bddfalse;
  for (int x : protocols) s |= HeaderSpace::protocol(x);
  require(s, member);
}

void PathCondition::port_in(const vpc::Packet& p, vpc::PortField f, PortRange range, bool member) {
  Origin o = f == vpc::PortField::kSrc ? p.src_port_origin : p.dst_port_origin;
  if (o == Origin::kConstant) return;
  require(HeaderSpace::port(block_of(o), range), member);
}

namespace {
std::vector<Index> sorted_unique(std::vector<Index> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}
}  // namespace

bdd PathCondition::within(const bdd& space) const {
  bdd r = space & condition_;
  for (const auto& [b, holds] : compiled_) {
    if (r == bddfalse) break;
    // r & !b without building !b (as large as b).
    r = holds ? r & b : bdd_apply(r, b, bddop_diff);
  }
  return r;
}

std::vector<Index> PathCondition::security_groups_read() const {
  return sorted_unique(groups_read_);
}
std::vector<Index> PathCondition::network_acls_read() const { return sorted_unique(acls_read_); }

void PathCondition::require_decision(const std::function<bdd(bool possible)>& set,
                                     vpc::Decision d) {
  switch (d) {
    case vpc::Decision::kYes:
      require_compiled(set(false), true);
      return;
    case vpc::Decision::kNo:
      require_compiled(set(true), false);
      return;
    case vpc::Decision::kMaybe:
      require_compiled(set(true), true);
      require_compiled(set(false), false);
      return;
  }
}

void PathCondition::security_groups(const vpc::Packet& p, Index eni, bool ingress,
                                    Index relayed_by, vpc::Decision admitted) {
  for (const auto& g : c_.network().network_interfaces[eni].security_groups) {
    if (g.resolved()) groups_read_.push_back(g.index);
  }
  auto set = [&](bool possible) {
    // Pinned: the peer is in flight's source (ingress) or destination (egress); its value is
    // the same for every packet of the walk.
    return relocate(pinned_ ? c_.security_groups(eni, ingress, ingress ? p.src : p.dst, possible,
                                                 relayed_by)
                            : c_.security_groups(eni, ingress, possible, relayed_by),
                    p);
  };
  require_decision(set, admitted);
}

void PathCondition::network_acl(const vpc::Packet& p, Index acl, bool ingress,
                                vpc::Decision allowed) {
  acls_read_.push_back(acl);
  auto set = [&](bool possible) {
    return relocate(pinned_ ? c_.network_acl(acl, ingress, ingress ? p.src : p.dst, possible)
                            : c_.network_acl(acl, ingress, possible),
                    p);
  };
  require_decision(set, allowed);
}

void PathCondition::same_address(Origin a, IpAddress va, Origin b, IpAddress vb) {
  if (a == b || pinned_) return;
  if (a == Origin::kConstant) {
    require(HeaderSpace::address(block_of(b), va), va == vb);
  } else if (b == Origin::kConstant) {
    require(HeaderSpace::address(block_of(a), vb), va == vb);
  } else {
    condition_ &= HeaderSpace::address(block_of(a), va) & HeaderSpace::address(block_of(b), vb);
  }
}

void PathCondition::same_port(Origin a, std::uint16_t va, Origin b, std::uint16_t vb) {
  if (a == b) return;
  if (a == Origin::kConstant) {
    require(HeaderSpace::port(block_of(b), va), va == vb);
  } else if (b == Origin::kConstant) {
    require(HeaderSpace::port(block_of(a), vb), va == vb);
  } else {
    // The source port compared with the destination port (a NAT gateway that sees its own
    // mapping come back through the internet): one BDD of 2^17 nodes, built once.
    static const bdd equal = [] {
      bdd r = bddtrue;
      for (int i = 0; i < 16; ++i) {
        r &= bdd_biimp(bdd_ithvar(HeaderSpace::first_variable(Block::kSrcPort) + i),
                       bdd_ithvar(HeaderSpace::first_variable(Block::kDstPort) + i));
      }
      return r;
    }();
    require(equal, va == vb);
  }
}

}  // namespace cloudtwin::verify
