// A reach() answer kept up to date while security-group rules and network ACL entries change.
// Each flow records the rule lists its path condition read (PathCondition::security_groups_read,
// network_acls_read); after a change only the flows that read a changed list are walked again,
// over exactly the packets they covered, and every other flow stays exact.
//
// Between ENIs, the answer is kept per rectangle of two classes of interchangeable ENIs
// (interface_classes.h): one representative pair is walked, with the pinned path conditions,
// and its flows stand for every pair of the rectangle. A change to a list a rectangle's walks
// read walks the rectangle again, and may split it.
#pragma once

#include <optional>
#include <vector>

#include "cloudtwin/verify/matrix.h"
#include "cloudtwin/verify/reach.h"

namespace cloudtwin::verify {

// reach() with each pair of classes of interchangeable ENIs (matrix.h) walked once: the same
// reachable and queried sets, in far fewer walks when the parties are many ENIs (a VPC to a
// VPC). A flow then stands for every pair of its two classes and carries the representative
// pair's trace, so rows come one per pair of classes rather than per pair of ENIs. Where the
// query's headers name addresses (members would not be interchangeable for it), or a party is
// not a set of ENIs, this is reach().
//
// With `leave_out`, the flows of that verdict are not kept (ReachResult::left_out counts them)
// and `queried` is left empty: a caller that looks only at what reaches spares lifting every
// blocked class of packets onto the addresses of its pairs. `reachable` and `inconclusive`
// are whole.
[[nodiscard]] ReachResult reach_by_class(Compiled& c, const Party& from, const Party& to,
                                         const ReachOptions& options = {},
                                         std::optional<vpc::Verdict> leave_out = std::nullopt);

class IncrementalReach {
 public:
  // Answers reach(c, from, to, options): result().reachable and queried are equal to reach()'s
  // and the flows partition `queried` (between ENIs, a flow stands for a pair of classes; its
  // trace is the representative's). `c` must outlive this and read the network that changes.
  IncrementalReach(Compiled& c, Party from, Party to, ReachOptions options = {});

  // The answer, brought up to date with every change told since it was last read (update()).
  [[nodiscard]] const ReachResult& result() {
    (void)update();
    return result_;
  }

  // Tell it that the rules of security group `group` (or the entries of network ACL `acl`)
  // changed in the network. Several lists may change before the answer is read again: tell it
  // of each, in any order; nothing is walked until update() or result(), so no walk meets a
  // changed list whose compiled form is stale.
  void security_group_changed(model::Index group);
  void network_acl_changed(model::Index acl);
  // Re-answers the query after the changes told; returns the number of walks it took (0 when
  // nothing changed).
  std::size_t update();

 private:
  // One pair of endpoints walked: a pair of ENIs or the internet and so on (unpinned), or a
  // rectangle of ENIs of two classes (pinned: its representatives' flows, over protocol and
  // ports, lifted onto every source-destination address pair of the rectangle).
  struct Unit {
    vpc::Endpoint source;
    vpc::Endpoint destination;
    bool pinned = false;
    Rectangle rectangle;
  };
  friend ReachResult reach_by_class(Compiled& c, const Party& from, const Party& to,
                                    const ReachOptions& options,
                                    std::optional<vpc::Verdict> leave_out);
  // For reach_by_class: a one-off answer that keeps no flows of verdict `leave_out` (a change
  // could not be re-answered without them).
  IncrementalReach(Compiled& c, Party from, Party to, ReachOptions options,
                   std::optional<vpc::Verdict> leave_out);
  void build();
  // Every source-destination address pair of a rectangle, but an ENI with itself.
  [[nodiscard]] bdd rectangle_pairs(const Rectangle& r) const;
  // Whether a flow is left out (and counted in result_.left_out).
  bool left_out(const Flow& f);
  // Walks a unit: an unpinned one over `space`, a pinned one whole (splitting off the part of
  // its rectangle that does not answer as its representatives, as new units, not walked yet).
  void walk(std::size_t unit, const bdd& space);
  template <typename Reads>
  std::size_t rewalk(Reads&& reads);
  std::vector<model::Index> changed_groups_;  // told, not yet re-answered (sorted when used)
  std::vector<model::Index> changed_acls_;

  Compiled& c_;
  Party from_;
  Party to_;
  ReachOptions options_;
  std::vector<Unit> units_;
  ReachResult result_;
  std::vector<std::size_t> unit_of_flow_;  // per flow of result_.flows
  std::vector<bdd> own_packets_;           // per flow: over protocol and ports when pinned
  std::size_t walk_limit_ = 0;
  std::optional<vpc::Verdict> leave_out_;  // result_.walks may not pass it
};

}  // namespace cloudtwin::verify
