// A reach() answer kept up to date while security-group rules and network ACL entries change.
// Each flow records the rule lists its path condition read (PathCondition::security_groups_read,
// network_acls_read); after a change only the flows that read the changed list are walked
// again, over exactly the packets they covered, and every other flow stays exact.
//
// Between ENIs, the answer is kept per pair of interchangeable classes (matrix.h): one
// representative pair is walked, with the pinned path conditions, and its flows stand for
// every pair of the two classes. A change that would split a class (a new rule naming part of
// it) rebuilds the answer.
#pragma once

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
[[nodiscard]] ReachResult reach_by_class(Compiled& c, const Party& from, const Party& to,
                                         const ReachOptions& options = {});

class IncrementalReach {
 public:
  // Answers reach(c, from, to, options): result().reachable and queried are equal to reach()'s
  // and the flows partition `queried` (between ENIs, a flow stands for a pair of classes; its
  // trace is the representative's). `c` must outlive this and read the network that changes.
  IncrementalReach(Compiled& c, Party from, Party to, ReachOptions options = {});

  [[nodiscard]] const ReachResult& result() const { return result_; }

  // Call after the rules of security group `group` (or the entries of network ACL `acl`)
  // changed in the network; re-answers the query. Returns the number of walks it took.
  std::size_t security_group_changed(model::Index group);
  std::size_t network_acl_changed(model::Index acl);

 private:
  // One pair of endpoints walked: a pair of ENIs or the internet and so on (unpinned), or the
  // representatives of two classes (pinned: flows over protocol and ports, lifted onto
  // `pairs`, every source-destination address pair of the classes).
  struct Unit {
    vpc::Endpoint source;
    vpc::Endpoint destination;
    bool pinned = false;
    IpAddress src, dst;
    bdd pairs;
    std::vector<model::Index> sources;       // the source class's members (pinned)
    std::vector<model::Index> destinations;  // the destination class's members (pinned)
  };
  void build();
  void walk(std::size_t unit, const bdd& space);
  template <typename Reads>
  std::size_t rewalk(Reads&& reads);
  [[nodiscard]] bool splits_a_class(const std::vector<Prefix>& prefixes) const;

  Compiled& c_;
  Party from_;
  Party to_;
  ReachOptions options_;
  std::vector<Unit> units_;
  ReachResult result_;
  std::vector<std::size_t> unit_of_flow_;  // per flow of result_.flows
  std::vector<bdd> own_packets_;           // per flow: over protocol and ports when pinned
  std::size_t walk_limit_ = 0;             // result_.walks may not pass it
};

}  // namespace cloudtwin::verify
