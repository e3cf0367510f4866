// The all-pairs subnet reachability matrix: cell (A, B) says whether some packet from some ENI
// of subnet A reaches some other ENI of subnet B and its reply returns, exactly as
// reach(subnet A, subnet B) would answer, without walking every pair of ENIs.
//
// ENIs that the network cannot tell apart except by their own address and the rules that name
// it share a class (interface_classes.h): the matrix walks one representative pair per pair of
// classes, lets the rule lists those walks read split the pair into rectangles that answer
// alike (split_rectangle), walks a representative of each rectangle that remains, and maps the
// answers back.
#pragma once

#include <cstdint>
#include <span>
#include <tuple>
#include <vector>

#include "cloudtwin/verify/interface_classes.h"
#include "cloudtwin/verify/reach.h"

namespace cloudtwin::verify {

struct MatrixOptions {
  bdd headers = bddtrue;         // as ReachOptions
  bool any_source_port = false;  // as ReachOptions
  // false: only the yes-or-no cells; each pair of classes stops at its first reachable class
  // of packets (about half the walks), and packets() gives a non-empty subset, not the set.
  bool packets = true;
  // Keep, per pair of classes, the rule lists its walks read (about 20 bytes a pair: 19 MB more
  // at 1,000 subnets, BM_Matrix/1000/2), so that updated() re-walks only the pairs a change
  // can move.
  bool keep_reads = false;
};

class SubnetMatrix {
 public:
  [[nodiscard]] std::size_t size() const { return subnets_; }
  // Some packet reaches, for certain.
  [[nodiscard]] bool reachable(model::Index from, model::Index to) const {
    return (cells_[from * subnets_ + to] & kReach) != 0;
  }
  // None reaches for certain, but some packet's verdict depends on what cloudtwin cannot know
  // (an unmodelled route target, a rule whose peer is unknown).
  [[nodiscard]] bool inconclusive(model::Index from, model::Index to) const {
    return cells_[from * subnets_ + to] == kDoubt;
  }
  // Some packet's verdict is inconclusive, whether or not others reach. The matrix keeps which
  // packets reach, not which are in doubt: a question about those asks reach().
  [[nodiscard]] bool doubtful(model::Index from, model::Index to) const {
    return (cells_[from * subnets_ + to] & kDoubt) != 0;
  }
  // Every packet from an ENI of `from` that reaches an ENI of `to` (and whose reply returns),
  // as reach(subnet from, subnet to).reachable would give it; built on demand from the
  // per-class answers the matrix keeps.
  [[nodiscard]] bdd packets(model::Index from, model::Index to) const;
  // packets(from, to) as flows, one per pair of sides the cell is made of (ENIs that answer
  // alike), each with a representative ENI on either side and a reachable verdict but no hops:
  // what a diff's rows need to cut the packets that changed and trace one of each (diff.h).
  [[nodiscard]] std::vector<Flow> flows(model::Index from, model::Index to) const;
  // The protocols and ports of packets(from, to), the addresses projected away: what a matrix
  // cell says, without building address sets (the matrix keeps this part per pair of classes).
  [[nodiscard]] bdd protocols_and_ports(model::Index from, model::Index to) const;

  // Whether cell (from, to) is made of the same answers as cell (other_from, other_to) of
  // `other` (another network's matrix): the same pairs of classes with the same members and the
  // same packets. Then packets() of the two are equal; not the other way round (equal packets
  // may be split into classes differently), so a false asks packets() to tell.
  [[nodiscard]] bool same_cell(model::Index from, model::Index to, const SubnetMatrix& other,
                               model::Index other_from, model::Index other_to) const;

  // This matrix brought up to date for the network `c` reads, which differs from the one it was
  // built from only in the rules of security groups `groups` and the entries of network ACLs
  // `acls`: every other resource is the same, at the same index (diff.h changed_rule_lists()
  // tells). The pairs of classes whose walks read none of those lists keep their answers; the
  // others are walked again in `c`, as IncrementalReach does per flow. The cells that hold a
  // pair walked again go to `walked` (from * size() + to, ascending); every other cell is this
  // one's. Without keep_reads (or when `c`'s classes differ) every pair is walked again.
  [[nodiscard]] SubnetMatrix updated(Compiled& c, std::span<const model::Index> groups,
                                     std::span<const model::Index> acls,
                                     std::vector<std::size_t>* walked = nullptr) const;

  [[nodiscard]] std::size_t walks() const { return walks_; }
  [[nodiscard]] std::size_t classes() const { return classes_.members.size(); }
  [[nodiscard]] std::size_t class_pairs() const { return pairs_.size(); }
  [[nodiscard]] std::size_t reachable_cells() const;
  [[nodiscard]] std::size_t inconclusive_cells() const;

 private:
  friend SubnetMatrix subnet_matrix(Compiled& c, const MatrixOptions& options);
  struct Builder;  // the walks (matrix.cc)
  // A cell: some packet reaches; some packet's verdict is in doubt.
  static constexpr std::uint8_t kReach = 1, kDoubt = 2;
  // The ENIs on one side of an explored pair: a whole class, or the part of one that a
  // rectangle kept (split_rectangle).
  struct Side {
    std::uint32_t origin;          // the class
    model::Index first;            // its first member
    std::vector<IpAddress> hosts;  // symmetric classes: the members' addresses, sorted
    bdd sources;                   // ... in the source block
    bdd destinations;              // ... and in the destination block
  };
  // One explored pair of sides: the protocol and port part of what the representatives reach
  // (symmetric classes), or the whole reachable set (singletons). Twelve bytes: the
  // 10,000-subnet matrix keeps 10^8 of them.
  struct Pair {
    std::uint32_t from_side;
    std::uint32_t to_side;
    bdd reachable;
  };
  std::uint32_t add_side(std::uint32_t origin, const std::vector<model::Index>& members);
  // from subnet * size() + to subnet
  [[nodiscard]] std::size_t cell_of(const Pair& p) const {
    return class_subnet_[sides_[p.from_side].origin] * subnets_ +
           class_subnet_[sides_[p.to_side].origin];
  }
  // The order of pairs_: by cell, then by sides.
  [[nodiscard]] bool in_order(const Pair& x, const Pair& y) const {
    return std::tuple(cell_of(x), x.from_side, x.to_side) <
           std::tuple(cell_of(y), y.from_side, y.to_side);
  }
  // The pairs of the cell (from, to).
  [[nodiscard]] std::span<const Pair> pairs_of(model::Index from, model::Index to) const;
  // Every packet of one pair: its answer on its sides' addresses, an ENI to itself left out.
  [[nodiscard]] bdd packets(const Pair& p) const;
  const model::Network* n_ = nullptr;
  std::size_t subnets_ = 0;
  std::vector<std::uint8_t> cells_;
  InterfaceClasses classes_;
  std::vector<std::size_t> class_subnet_;  // per class: its members' subnet
  std::vector<Side> sides_;                // the first one per class, whole
  std::vector<Pair> pairs_;                // only pairs with reachable packets, by cell
  std::size_t walks_ = 0;
  MatrixOptions options_;
  // keep_reads: per rule list (security group g at 2g, network ACL a at 2a + 1), the pairs of
  // classes (from class * classes() + to class) whose walks read it; and per pair of classes,
  // whether some packet's verdict was in doubt.
  std::vector<std::vector<std::uint32_t>> readers_;
  std::vector<bool> visit_doubt_;
};

// The matrix over every subnet of the network (rows and columns are subnet indices).
[[nodiscard]] SubnetMatrix subnet_matrix(Compiled& c, const MatrixOptions& options = {});

}  // namespace cloudtwin::verify
