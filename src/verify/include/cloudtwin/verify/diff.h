// Differential reachability: the packets that reach in one network and not in another (the
// network before and after a change). Both answers are exact sets over every header (reach.h),
// kept in the one process-wide header space, so the difference is exact too: what `opened`
// holds is reach(after) minus reach(before), nothing more, nothing less. Each class of changed
// packets comes with one concrete packet of it traced in both networks: the path it now takes,
// and the rule that stopped it before (or the other way round).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/verify/reach.h"
#include "cloudtwin/verify/rows.h"

namespace cloudtwin::verify {

// One network of the two, compiled, with the parties of the query as it names them (nullopt:
// the party does not exist in this network, so nothing is sent from or to it there).
struct DiffSide {
  Compiled* compiled = nullptr;
  std::optional<Party> from;
  std::optional<Party> to;
  [[nodiscard]] const model::Network& network() const { return compiled->network(); }
};

// Packets that reach (or are inconclusive) in one network and not in the other, as flows whose
// traces are that network's; `other[i]` is the same packet as flows[i]'s trace walked in the
// other network (nullopt, with `missing[i]` saying why, when an end of it does not exist there).
struct Change {
  bdd packets = bddfalse;  // the whole set
  // Of `packets`, those whose verdict in the other network is inconclusive rather than blocked:
  // a change only if that network's unknowns go one way.
  bdd uncertain = bddfalse;
  vpc::Verdict verdict = vpc::Verdict::kReachable;  // of the flows' traces
  ReachResult result;  // result.flows partition `packets`; each trace is of a packet of its flow
  std::vector<std::optional<vpc::Trace>> other;
  std::vector<std::string> missing;
  [[nodiscard]] bool empty() const { return packets == bddfalse; }
  // The rows of the change, each with its flow (Row::example points into result.flows).
  [[nodiscard]] std::vector<Row> rows() const { return verify::rows(result, verdict); }
  // The index of a row's example in result.flows.
  [[nodiscard]] std::size_t flow_of(const Row& r) const {
    return static_cast<std::size_t>(r.example - result.flows.data());
  }
};

struct PairDiff {
  Change opened;  // reach after, not before (reach(after).reachable - reach(before).reachable)
  Change closed;  // reached before, not after
  // Packets blocked in one network and inconclusive in the other: they may have opened (or
  // closed), depending on what cloudtwin cannot know.
  Change maybe_opened;  // blocked before, inconclusive after
  Change maybe_closed;  // inconclusive before, blocked after
  std::size_t walks = 0;
  bool truncated = false;  // a side's search stopped early: the diff may miss packets
  [[nodiscard]] bool changed() const {
    return !opened.empty() || !closed.empty() || !maybe_opened.empty() || !maybe_closed.empty();
  }
  // Some packet's change is certain: opened or closed, and not inconclusive on the other side.
  [[nodiscard]] bool certain() const {
    return (opened.packets & !opened.uncertain) != bddfalse ||
           (closed.packets & !closed.uncertain) != bddfalse;
  }
};

// The two answers to reach(from, to) (by classes of interchangeable ENIs, as reach_by_class),
// and their difference. The parties are named in each network separately: an ENI, subnet or
// group that exists in only one is empty in the other.
[[nodiscard]] PairDiff diff_reach(DiffSide& before, DiffSide& after,
                                  const ReachOptions& options = {});

// The same from two answers already made (the incremental path: one IncrementalReach answers
// the network before, is told the changed rule lists, and answers after).
[[nodiscard]] PairDiff diff_results(DiffSide& before, const ReachResult& before_result,
                                    DiffSide& after, const ReachResult& after_result);

}  // namespace cloudtwin::verify

namespace cloudtwin::verify {

// One question both networks were asked, and how their answers differ.
struct SectionDiff {
  // "exposure" (the internet to every ENI it might reach: a public address, IPv6 or behind a
  // load balancer), "subnets" (one subnet to another), "on-premises" (to or from an on-premises
  // network), "egress" (every ENI to the internet), or "query" (--from/--to).
  std::string kind;
  std::string from;  // the parties as a person names them: "internet", a subnet's label...
  std::string to;
  PairDiff diff;
};

// The security groups whose rules and the network ACLs whose entries differ between two
// networks.
struct RuleListChanges {
  std::vector<model::Index> security_groups;
  std::vector<model::Index> network_acls;
};

// For two networks whose resources other than security groups and network ACLs are written
// alike (load::network_changes() lists only changed groups and ACLs): the lists that differ.
// nullopt when more than the lists differs where the walker reads it (the groups, ACLs, ENIs
// and prefix lists at each index, memberships, associations).
[[nodiscard]] std::optional<RuleListChanges> changed_rule_lists(const model::Network& before,
                                                                const model::Network& after);

struct NetworkDiffOptions {
  // Every ENI to the internet too: one walk per ENI and class of packets, the costliest
  // question, so asked only when wanted.
  bool egress = false;
  // Only these lists changed (changed_rule_lists()): the subnet matrix of the network after is
  // the one before brought up to date (SubnetMatrix::updated), and only the cells it walked
  // again are compared.
  std::optional<RuleListChanges> rule_changes;
};

// What every question a reviewer asks of a change gives, where the answers differ: new and
// lost exposure to the internet, reachability between every pair of subnets (screened by the
// subnet matrix of each network, each differing cell then answered exactly over the protocols
// and ports that differ), to and from each on-premises network, and, with `egress`, from every
// ENI to the internet. Sections whose answers are equal are left out.
[[nodiscard]] std::vector<SectionDiff> diff_networks(Compiled& before, Compiled& after,
                                                     const ReachOptions& options = {},
                                                     const NetworkDiffOptions& network = {});

}  // namespace cloudtwin::verify

namespace cloudtwin::verify {

// diff_reach() when the two networks differ only in the rules of security groups and the
// entries of network ACLs (the same resources, at the same indices, the same memberships and
// associations): one IncrementalReach answers the network before, is told of each changed
// list, and re-walks only the classes of packets that read one, instead of answering the
// network after from scratch. `before` is the network `before_side.compiled` reads: its lists
// are changed to the after network's for the second answer and put back before returning.
// The caller checks that nothing else differs (load::network_changes() lists only changed
// security groups and network ACLs); this checks that the indices agree, and returns nullopt
// when they do not or when memberships, associations or the parties differ (then diff_reach()
// is the way).
[[nodiscard]] std::optional<PairDiff> diff_reach_incremental(model::Network& before,
                                                             DiffSide& before_side,
                                                             DiffSide& after_side,
                                                             const ReachOptions& options = {});

}  // namespace cloudtwin::verify
