#include "cloudtwin/verify/diff.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "cloudtwin/verify/incremental.h"
#include "cloudtwin/verify/matrix.h"

namespace cloudtwin::verify {

using model::Index;

namespace {

ReachResult answer(DiffSide& s, const ReachOptions& options) {
  if (!s.from || !s.to) return {};  // a party missing from this network: nothing is sent
  return reach_by_class(*s.compiled, *s.from, *s.to, options);
}

// The endpoints of a party that send from (or are reached at) an address: the ENIs holding it,
// or the internet or on-premises network itself. Several ENIs share an address as a
// destination when it is a load balancer node's.
class Ends {
 public:
  Ends(const model::Network& n, const Party& p, bool as_source) : party_(p) {
    if (p.kind != Party::Kind::kInterfaces) return;
    for (Index e : p.interfaces) {
      for (const auto& a : interface_addresses(n, e, as_source)) by_address_.emplace(a, e);
    }
  }
  // `preferred` first when it holds the address.
  [[nodiscard]] std::vector<vpc::Endpoint> at(IpAddress a, Index preferred) const {
    if (party_.kind != Party::Kind::kInterfaces) return {party_endpoint(party_, model::kNone)};
    std::vector<vpc::Endpoint> out;
    auto [lo, hi] = by_address_.equal_range(a);
    for (auto it = lo; it != hi; ++it) {
      auto e = party_endpoint(party_, it->second);
      if (it->second == preferred) {
        out.insert(out.begin(), e);
      } else {
        out.push_back(e);
      }
    }
    return out;
  }

 private:
  const Party& party_;
  std::unordered_multimap<IpAddress, Index> by_address_;
};

// A walk of `h` between ends of the two parties: the first pair of candidates whose verdict is
// `wanted` (several ENIs behind one load balancer address may answer differently), else the
// first pair. nullopt when a party holds no end for the address.
std::optional<vpc::Trace> walk(const model::Network& n, const Ends& from, const Ends& to,
                               const Header& h, Index from_hint, Index to_hint,
                               std::optional<vpc::Verdict> wanted, Index* source_eni = nullptr,
                               Index* destination_eni = nullptr) {
  const auto sources = from.at(h.src, from_hint);
  const auto destinations = to.at(h.dst, to_hint);
  if (sources.empty() || destinations.empty()) return std::nullopt;
  std::optional<vpc::Trace> first;
  constexpr std::size_t kTries = 8;  // load balancer addresses: a few targets are enough
  std::size_t tries = 0;
  for (const auto& s : sources) {
    for (const auto& d : destinations) {
      auto t = vpc::trace_packet(n, s, d, h, nullptr);
      const bool good = !wanted || t.verdict == *wanted;
      if (good || !first) {
        if (source_eni) *source_eni = s.index;
        if (destination_eni) *destination_eni = d.index;
      }
      if (good) return t;
      if (!first) first = std::move(t);
      if (++tries == kTries) return first;
    }
  }
  return first;
}

// The flows of `in` with `verdict`, cut to `set`; each traced anew on a packet of the cut (the
// class's representative may lie outside it) in `in`'s network and in `other`'s.
Change make_change(const bdd& set, const bdd& uncertain, const ReachResult& in_result,
                   vpc::Verdict verdict, DiffSide& in, DiffSide& other, const char* other_name) {
  Change c;
  c.packets = set;
  c.uncertain = uncertain;
  c.verdict = verdict;
  c.result.reachable = verdict == vpc::Verdict::kReachable ? set : bddfalse;
  c.result.inconclusive = verdict == vpc::Verdict::kInconclusive ? set : bddfalse;
  c.result.queried = set;
  if (set == bddfalse || !in.from || !in.to) return c;
  // A flow holds bdds, whose copy may throw: a growing vector would copy every trace it moves.
  c.result.flows.reserve(in_result.flows.size());
  c.other.reserve(in_result.flows.size());
  c.missing.reserve(in_result.flows.size());
  const Ends in_from(in.network(), *in.from, true), in_to(in.network(), *in.to, false);
  std::optional<Ends> other_from, other_to;
  if (other.from && other.to) {
    other_from.emplace(other.network(), *other.from, true);
    other_to.emplace(other.network(), *other.to, false);
  }
  for (const auto& f : in_result.flows) {
    if (f.trace.verdict != verdict) continue;
    bdd part = f.packets & set;
    if (part == bddfalse) continue;
    // One packet of the part, between the flow's own ENIs where it holds one: their addresses'
    // cubes cut the set in one pass down the BDD, where picking from all of it tries each
    // preferred protocol and port against every address it holds.
    bdd from_pair = part;
    std::optional<IpAddress> addresses[2];  // source, destination: where narrowed to one
    for (const auto& [eni, block] : {std::pair{f.source_interface, Block::kSrc},
                                     std::pair{f.destination_interface, Block::kDst}}) {
      if (eni == model::kNone) continue;
      const auto& ips = in.network().network_interfaces[eni].private_ips;
      if (ips.empty()) continue;
      bdd narrowed = from_pair & in.compiled->address_cube(block, ips.front());
      if (narrowed == bddfalse) continue;
      from_pair = narrowed;
      addresses[block == Block::kSrc ? 0 : 1] = ips.front();
    }
    Header h;
    if (addresses[0] && addresses[1] && addresses[0]->family() == addresses[1]->family()) {
      // Both addresses known: the pick is over protocol and ports, the addresses cut away.
      h = HeaderSpace::pick(
          bdd_restrict(from_pair, in.compiled->address_cube(Block::kSrc, *addresses[0]) &
                                      in.compiled->address_cube(Block::kDst, *addresses[1])));
      h.src = *addresses[0];
      h.dst = *addresses[1];
    } else {
      h = HeaderSpace::pick(from_pair);
    }
    Flow cut;
    cut.packets = part;
    cut.security_groups = f.security_groups;
    cut.network_acls = f.network_acls;
    auto t = walk(in.network(), in_from, in_to, h, f.source_interface, f.destination_interface,
                  verdict, &cut.source_interface, &cut.destination_interface);
    cut.trace = t ? std::move(*t) : f.trace;
    if (!t) {
      cut.source_interface = f.source_interface;
      cut.destination_interface = f.destination_interface;
    }
    std::optional<vpc::Trace> there;
    std::string why;
    if (!other_from) {
      why = std::string("`") + (other.from ? in.to->label : in.from->label) +
            "` does not exist in the network " + other_name;
    } else {
      there = walk(other.network(), *other_from, *other_to, h, model::kNone, model::kNone,
                   std::nullopt);
      if (!there) {
        why = std::string("no network interface holds ") +
              (other_from->at(h.src, model::kNone).empty() ? h.src.str() : h.dst.str()) +
              " in the network " + other_name;
      }
    }
    c.result.flows.push_back(std::move(cut));
    c.other.push_back(std::move(there));
    c.missing.push_back(std::move(why));
  }
  return c;
}

}  // namespace

PairDiff diff_results(DiffSide& before, const ReachResult& b, DiffSide& after,
                      const ReachResult& a) {
  PairDiff d;
  d.walks = b.walks + a.walks;
  d.truncated = b.truncated || a.truncated;
  // x & !y in one pass (no complement built); most answers have nothing in doubt.
  auto minus = [](const bdd& x, const bdd& y) { return bdd_apply(x, y, bddop_diff); };
  const bdd opened = minus(a.reachable, b.reachable);
  const bdd closed = minus(b.reachable, a.reachable);
  const bdd maybe_opened = a.inconclusive == bddfalse
                               ? bddfalse
                               : minus(minus(a.inconclusive, b.reachable), b.inconclusive);
  const bdd maybe_closed = b.inconclusive == bddfalse
                               ? bddfalse
                               : minus(minus(b.inconclusive, a.reachable), a.inconclusive);
  using vpc::Verdict;
  d.opened =
      make_change(opened, opened & b.inconclusive, a, Verdict::kReachable, after, before, "before");
  d.closed =
      make_change(closed, closed & a.inconclusive, b, Verdict::kReachable, before, after, "after");
  d.maybe_opened =
      make_change(maybe_opened, maybe_opened, a, Verdict::kInconclusive, after, before, "before");
  d.maybe_closed =
      make_change(maybe_closed, maybe_closed, b, Verdict::kInconclusive, before, after, "after");
  return d;
}

PairDiff diff_reach(DiffSide& before, DiffSide& after, const ReachOptions& options) {
  const ReachResult b = answer(before, options);
  const ReachResult a = answer(after, options);
  return diff_results(before, b, after, a);
}

}  // namespace cloudtwin::verify

namespace cloudtwin::verify {

namespace {

Party interfaces_party(std::vector<Index> enis, std::string label) {
  Party p;
  p.kind = Party::Kind::kInterfaces;
  p.interfaces = std::move(enis);
  p.label = std::move(label);
  return p;
}

Party internet_party() {
  Party p;
  p.kind = Party::Kind::kInternet;
  p.label = "internet";
  return p;
}

// The ENIs the internet might reach (as exposure() checks them).
Party exposed_candidates(const model::Network& n) {
  std::vector<Index> enis;
  for (Index e = 0; e < n.network_interfaces.size(); ++e) {
    const auto& iface = n.network_interfaces[e];
    if (!iface.public_ips.empty() || !iface.ipv6_addresses.empty() ||
        !model::front_doors(n, e).empty())
      enis.push_back(e);
  }
  return interfaces_party(std::move(enis), "every network interface");
}

Party all_interfaces(const model::Network& n) {
  std::vector<Index> enis(n.network_interfaces.size());
  for (Index e = 0; e < enis.size(); ++e) enis[e] = e;
  return interfaces_party(std::move(enis), "every network interface");
}

// Keeps the difference of the pair's answers when there is one.
void keep_section(std::vector<SectionDiff>& out, std::string kind, const DiffSide& before,
                  const DiffSide& after, PairDiff d) {
  if (!d.changed() && !d.truncated) return;
  SectionDiff s;
  s.kind = std::move(kind);
  auto label = [](const std::optional<Party>& a, const std::optional<Party>& b) {
    return a ? a->label : b ? b->label : std::string();
  };
  s.from = label(after.from, before.from);
  s.to = label(after.to, before.to);
  s.diff = std::move(d);
  out.push_back(std::move(s));
}

// Runs the pair and keeps it when the answers differ.
void add_section(std::vector<SectionDiff>& out, std::string kind, DiffSide before, DiffSide after,
                 const ReachOptions& options) {
  auto d = diff_reach(before, after, options);
  keep_section(out, std::move(kind), before, after, std::move(d));
}

// A subnet or on-premises network of either network as a party of both (nullopt where the
// network has none of that id).
std::optional<Party> named_party(const model::Network& n, const std::string& id) {
  auto p = parse_party(n, id);
  return p.party;
}

}  // namespace

std::vector<SectionDiff> diff_networks(Compiled& before, Compiled& after,
                                       const ReachOptions& options,
                                       const NetworkDiffOptions& network) {
  const auto& nb = before.network();
  const auto& na = after.network();
  std::vector<SectionDiff> out;
  // The internet, to what it might reach.
  add_section(out, "exposure", {&before, internet_party(), exposed_candidates(nb)},
              {&after, internet_party(), exposed_candidates(na)}, options);

  // Subnet to subnet: the two matrices screen the cells; a cell whose answer differs (or that
  // has packets in doubt in either, which the matrix does not keep) is answered exactly.
  MatrixOptions m;
  m.headers = options.headers;
  m.any_source_port = options.any_source_port;
  // Keeping what each pair of classes read costs about 20 bytes a pair: up to 2^24 pairs
  // (4,096 classes, 340 MB) the matrix before is brought up to date; past that both are built.
  constexpr std::size_t kMaxKeptPairs = std::size_t{1} << 24;
  const std::size_t classes = before.classes().members.size();
  m.keep_reads = network.rule_changes.has_value() && classes * classes <= kMaxKeptPairs;
  const auto mb = subnet_matrix(before, m);
  // A cell to compare: its subnets' ids and indices in each network (kNone: not there).
  struct Cell {
    const std::string* from;
    const std::string* to;
    Index fb, tb, fa, ta;
  };
  std::vector<Cell> cells;
  std::unordered_map<std::string, std::pair<Index, Index>> where;  // id -> (before, after)
  std::optional<SubnetMatrix> updated;
  if (m.keep_reads) {
    // The same subnets at the same indices: only the cells walked again can differ.
    std::vector<std::size_t> walked;
    updated = mb.updated(after, network.rule_changes->security_groups,
                         network.rule_changes->network_acls, &walked);
    const std::size_t size = nb.subnets.size();
    for (std::size_t cell : walked) {
      const auto f = static_cast<Index>(cell / size), t = static_cast<Index>(cell % size);
      cells.push_back({&nb.subnets[f].id, &nb.subnets[t].id, f, t, f, t});
    }
  } else {
    updated = subnet_matrix(after, m);
    std::vector<const std::string*> ids;
    for (Index s = 0; s < nb.subnets.size(); ++s) {
      auto [it, fresh] = where.try_emplace(nb.subnets[s].id, s, model::kNone);
      if (fresh) ids.push_back(&it->first);
    }
    for (Index s = 0; s < na.subnets.size(); ++s) {
      auto [it, fresh] = where.try_emplace(na.subnets[s].id, model::kNone, s);
      if (fresh) {
        ids.push_back(&it->first);
      } else {
        it->second.second = s;
      }
    }
    std::vector<std::pair<Index, Index>> at;
    for (const auto* id : ids) at.push_back(where.at(*id));
    for (std::size_t i = 0; i < ids.size(); ++i) {
      for (std::size_t j = 0; j < ids.size(); ++j)
        cells.push_back({ids[i], ids[j], at[i].first, at[j].first, at[i].second, at[j].second});
    }
  }
  const SubnetMatrix& ma = *updated;
  // Each subnet's party, made once per network (a subnet is in many cells).
  std::unordered_map<const std::string*, std::optional<Party>> parties[2];
  auto party_of = [&](int side, const model::Network& n, const std::string* id) {
    auto [it, fresh] = parties[side].try_emplace(id);
    if (fresh) it->second = named_party(n, *id);
    return it->second;
  };
  // A cell without doubt is answered by the matrices (their packets are reach()'s); one with
  // packets in doubt in either network, which the matrix does not keep, by reach() itself.
  struct Ask {
    const Cell* cell;
    std::optional<std::pair<ReachResult, ReachResult>> answers;  // before, after
  };
  std::vector<Ask> asks;
  auto from_matrix = [](const SubnetMatrix& m, bool reach, Index from, Index to) {
    ReachResult r;
    if (!reach) return r;
    r.flows = m.flows(from, to);
    for (const auto& f : r.flows) r.reachable |= f.packets;
    r.queried = r.reachable;
    return r;
  };
  for (const auto& cell : cells) {
    const auto [from, to, fb, tb, fa, ta] = cell;
    const bool in_b = fb != model::kNone && tb != model::kNone;
    const bool in_a = fa != model::kNone && ta != model::kNone;
    const bool reach_b = in_b && mb.reachable(fb, tb), reach_a = in_a && ma.reachable(fa, ta);
    const bool doubt = (in_b && mb.doubtful(fb, tb)) || (in_a && ma.doubtful(fa, ta));
    if (!reach_b && !reach_a && !doubt) continue;
    if (doubt) {
      asks.push_back({&cell, std::nullopt});
      continue;
    }
    // Equal cells: made of the same answers (cheap), else the same packets (exact).
    if (in_b && in_a && mb.same_cell(fb, tb, ma, fa, ta)) continue;
    auto rb = from_matrix(mb, reach_b, fb, tb);
    auto ra = from_matrix(ma, reach_a, fa, ta);
    if (rb.reachable == ra.reachable) continue;
    asks.push_back({&cell, std::pair(std::move(rb), std::move(ra))});
  }
  // A section holds bdds, whose copy may throw, so a growing vector would copy every section
  // it moves: room is made once.
  out.reserve(out.size() + asks.size());
  for (const auto& [cell, answers] : asks) {
    const auto [from, to, fb, tb, fa, ta] = *cell;
    DiffSide b{&before, fb != model::kNone ? party_of(0, nb, from) : std::nullopt,
               tb != model::kNone ? party_of(0, nb, to) : std::nullopt};
    DiffSide a{&after, fa != model::kNone ? party_of(1, na, from) : std::nullopt,
               ta != model::kNone ? party_of(1, na, to) : std::nullopt};
    if (!answers) {
      add_section(out, "subnets", std::move(b), std::move(a), options);
      continue;
    }
    auto d = diff_results(b, answers->first, a, answers->second);
    keep_section(out, "subnets", b, a, std::move(d));
  }

  // To and from each on-premises network.
  std::vector<std::string> premises;
  for (const auto* n : {&nb, &na}) {
    for (const auto& o : n->on_premises_networks) {
      if (std::find(premises.begin(), premises.end(), o.id) == premises.end())
        premises.push_back(o.id);
    }
  }
  for (const auto& id : premises) {
    add_section(out, "on-premises", {&before, named_party(nb, id), all_interfaces(nb)},
                {&after, named_party(na, id), all_interfaces(na)}, options);
    add_section(out, "on-premises", {&before, all_interfaces(nb), named_party(nb, id)},
                {&after, all_interfaces(na), named_party(na, id)}, options);
  }
  // Every ENI to the internet.
  if (network.egress)
    add_section(out, "egress", {&before, all_interfaces(nb), internet_party()},
                {&after, all_interfaces(na), internet_party()}, options);
  return out;
}

}  // namespace cloudtwin::verify

namespace cloudtwin::verify {

namespace {

template <typename T>
bool same_ids(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id) return false;
  }
  return true;
}

bool same_refs(const std::vector<model::Ref>& a, const std::vector<model::Ref>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].index != b[i].index) return false;
  }
  return true;
}

// Whether the two lists of rules are the same rules (their written locations aside).
bool same_rules(const std::vector<model::SecurityGroupRule>& a,
                const std::vector<model::SecurityGroupRule>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.protocol.number() != y.protocol.number() || x.ports.from != y.ports.from ||
        x.ports.to != y.ports.to || x.icmp_type != y.icmp_type || x.icmp_code != y.icmp_code ||
        x.cidr != y.cidr || x.prefix_list.index != y.prefix_list.index ||
        x.security_group.index != y.security_group.index || x.unknown != y.unknown ||
        x.implicit != y.implicit)
      return false;
  }
  return true;
}

bool same_entries(const std::vector<model::NetworkAclEntry>& a,
                  const std::vector<model::NetworkAclEntry>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.rule_number != y.rule_number || x.protocol.number() != y.protocol.number() ||
        x.ports.from != y.ports.from || x.ports.to != y.ports.to || x.icmp_type != y.icmp_type ||
        x.icmp_code != y.icmp_code || x.cidr != y.cidr || x.allow != y.allow ||
        x.unknown != y.unknown)
      return false;
  }
  return true;
}

}  // namespace

std::optional<RuleListChanges> changed_rule_lists(const model::Network& before,
                                                  const model::Network& after) {
  // Everything but the rule lists must be the same, index for index.
  if (!same_ids(before.network_interfaces, after.network_interfaces) ||
      !same_ids(before.security_groups, after.security_groups) ||
      !same_ids(before.network_acls, after.network_acls) ||
      !same_ids(before.prefix_lists, after.prefix_lists) ||
      !same_ids(before.subnets, after.subnets))
    return std::nullopt;
  RuleListChanges out;
  for (Index g = 0; g < before.security_groups.size(); ++g) {
    const auto& x = before.security_groups[g];
    const auto& y = after.security_groups[g];
    if (x.vpc.index != y.vpc.index || x.members != y.members) return std::nullopt;
    if (!same_rules(x.ingress, y.ingress) || !same_rules(x.egress, y.egress))
      out.security_groups.push_back(g);
  }
  for (Index a = 0; a < before.network_acls.size(); ++a) {
    const auto& x = before.network_acls[a];
    const auto& y = after.network_acls[a];
    if (x.vpc.index != y.vpc.index || !same_refs(x.subnets, y.subnets)) return std::nullopt;
    if (!same_entries(x.ingress, y.ingress) || !same_entries(x.egress, y.egress))
      out.network_acls.push_back(a);
  }
  // The rest of the network is written alike (the caller knows); here the resources that
  // decide a walk are compared by what the walker reads.
  for (Index e = 0; e < before.network_interfaces.size(); ++e) {
    const auto& x = before.network_interfaces[e];
    const auto& y = after.network_interfaces[e];
    if (x.subnet.index != y.subnet.index || x.private_ips != y.private_ips ||
        x.public_ips != y.public_ips || x.ipv6_addresses != y.ipv6_addresses ||
        !same_refs(x.security_groups, y.security_groups) ||
        x.source_dest_check != y.source_dest_check)
      return std::nullopt;
  }
  return out;
}

std::optional<PairDiff> diff_reach_incremental(model::Network& before, DiffSide& before_side,
                                               DiffSide& after_side, const ReachOptions& options) {
  if (&before_side.network() != &before || !before_side.from || !before_side.to ||
      !after_side.from || !after_side.to)
    return std::nullopt;
  // The parties must be the same too.
  if (before_side.from->interfaces != after_side.from->interfaces ||
      before_side.to->interfaces != after_side.to->interfaces ||
      before_side.from->kind != after_side.from->kind ||
      before_side.to->kind != after_side.to->kind ||
      before_side.from->within != after_side.from->within ||
      before_side.to->within != after_side.to->within)
    return std::nullopt;
  const model::Network& after = after_side.network();
  const auto lists = changed_rule_lists(before, after);
  if (!lists) return std::nullopt;
  const auto& groups = lists->security_groups;
  const auto& acls = lists->network_acls;
  IncrementalReach inc(*before_side.compiled, *before_side.from, *before_side.to, options);
  const ReachResult was = inc.result();
  // The after network's lists for the second answer (the indices they refer by are the same in
  // both networks); the network before gets its own back after.
  std::vector<
      std::pair<std::vector<model::SecurityGroupRule>, std::vector<model::SecurityGroupRule>>>
      rules;
  std::vector<std::pair<std::vector<model::NetworkAclEntry>, std::vector<model::NetworkAclEntry>>>
      entries;
  for (Index g : groups) {
    auto& x = before.security_groups[g];
    rules.emplace_back(std::exchange(x.ingress, after.security_groups[g].ingress),
                       std::exchange(x.egress, after.security_groups[g].egress));
    before_side.compiled->forget_security_group(g);
    inc.security_group_changed(g);
  }
  for (Index a : acls) {
    auto& x = before.network_acls[a];
    entries.emplace_back(std::exchange(x.ingress, after.network_acls[a].ingress),
                         std::exchange(x.egress, after.network_acls[a].egress));
    before_side.compiled->forget_network_acl(a);
    inc.network_acl_changed(a);
  }
  const ReachResult now = inc.result();
  for (std::size_t i = 0; i < groups.size(); ++i) {
    auto& x = before.security_groups[groups[i]];
    x.ingress = std::move(rules[i].first);
    x.egress = std::move(rules[i].second);
    before_side.compiled->forget_security_group(groups[i]);
  }
  for (std::size_t i = 0; i < acls.size(); ++i) {
    auto& x = before.network_acls[acls[i]];
    x.ingress = std::move(entries[i].first);
    x.egress = std::move(entries[i].second);
    before_side.compiled->forget_network_acl(acls[i]);
  }
  return diff_results(before_side, was, after_side, now);
}

}  // namespace cloudtwin::verify
