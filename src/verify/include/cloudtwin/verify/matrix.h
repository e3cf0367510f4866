// The all-pairs subnet reachability matrix: cell (A, B) says whether some packet from some ENI
// of subnet A reaches some other ENI of subnet B and its reply returns, exactly as
// reach(subnet A, subnet B) would answer, without walking every pair of ENIs.
//
// ENIs that the network cannot tell apart except by their own address are interchangeable:
// swapping the addresses of two of them maps every walk onto a walk of the other, so the
// matrix walks one representative pair per pair of classes and maps the answer back. Two ENIs
// share a class when they sit in the same subnet, carry the same security groups, have the same
// state, type, source/destination check and ephemeral ports, hold exactly one private IPv4
// address and nothing else (no IPv6, no public IP), are nobody's route target or endpoint, and
// their addresses lie in the same cell of the partition that every prefix of the network (and
// every address the walker compares with) induces.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cloudtwin/verify/reach.h"

namespace cloudtwin::verify {

// ENIs grouped into classes that behave alike up to their own address.
struct InterfaceClasses {
  std::vector<std::vector<model::Index>> members;  // per class, ascending
  std::vector<std::uint32_t> class_of;             // per ENI
  // Classes whose members hold exactly one private IPv4 address each (the others are
  // singletons, answered by reach() directly).
  std::vector<bool> symmetric;
};
[[nodiscard]] InterfaceClasses interface_classes(const model::Network& n);

struct MatrixOptions {
  bdd headers = bddtrue;         // as ReachOptions
  bool any_source_port = false;  // as ReachOptions
  // false: only the yes-or-no cells; each pair of classes stops at its first reachable class
  // of packets (about half the walks), and packets() gives a non-empty subset, not the set.
  bool packets = true;
};

class SubnetMatrix {
 public:
  [[nodiscard]] std::size_t size() const { return subnets_; }
  // Some packet reaches, for certain.
  [[nodiscard]] bool reachable(model::Index from, model::Index to) const {
    return cells_[from * subnets_ + to] == kReachable;
  }
  // None reaches for certain, but some packet's verdict depends on what cloudtwin cannot know
  // (an unmodelled route target, a rule whose peer is unknown).
  [[nodiscard]] bool inconclusive(model::Index from, model::Index to) const {
    return cells_[from * subnets_ + to] == kInconclusive;
  }
  // Every packet from an ENI of `from` that reaches an ENI of `to` (and whose reply returns),
  // as reach(subnet from, subnet to).reachable would give it; built on demand from the
  // per-class answers the matrix keeps.
  [[nodiscard]] bdd packets(model::Index from, model::Index to) const;
  // The protocols and ports of packets(from, to), the addresses projected away: what a matrix
  // cell says, without building address sets (the matrix keeps this part per pair of classes).
  [[nodiscard]] bdd protocols_and_ports(model::Index from, model::Index to) const;

  [[nodiscard]] std::size_t walks() const { return walks_; }
  [[nodiscard]] std::size_t classes() const { return classes_.members.size(); }
  [[nodiscard]] std::size_t class_pairs() const { return pairs_.size(); }
  [[nodiscard]] std::size_t reachable_cells() const;
  [[nodiscard]] std::size_t inconclusive_cells() const;

 private:
  friend SubnetMatrix subnet_matrix(Compiled& c, const MatrixOptions& options);
  static constexpr std::uint8_t kBlocked = 0, kReachable = 1, kInconclusive = 2;
  // One explored pair of classes: the protocol and port part of what the representatives
  // reach (symmetric classes), or the whole reachable set (singletons). Twelve bytes: the
  // 10,000-subnet matrix keeps 10^8 of them.
  struct Pair {
    std::uint32_t from_class;
    std::uint32_t to_class;
    bdd reachable;
  };
  // from subnet * size() + to subnet
  [[nodiscard]] std::size_t cell_of(const Pair& p) const {
    return class_subnet_[p.from_class] * subnets_ + class_subnet_[p.to_class];
  }
  // The pairs of the cell (from, to).
  [[nodiscard]] std::span<const Pair> pairs_of(model::Index from, model::Index to) const;
  const model::Network* n_ = nullptr;
  std::size_t subnets_ = 0;
  std::vector<std::uint8_t> cells_;
  InterfaceClasses classes_;
  std::vector<std::size_t> class_subnet_;  // per class: its members' subnet
  std::vector<bdd> class_sources_;         // per symmetric class: its addresses in the source block
  std::vector<bdd> class_destinations_;    // ... and in the destination block
  std::vector<Pair> pairs_;                // only pairs with reachable packets, by cell
  std::size_t walks_ = 0;
};

// The matrix over every subnet of the network (rows and columns are subnet indices).
[[nodiscard]] SubnetMatrix subnet_matrix(Compiled& c, const MatrixOptions& options = {});

}  // namespace cloudtwin::verify
