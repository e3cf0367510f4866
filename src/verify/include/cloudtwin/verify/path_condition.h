// The path condition of one concrete walk: the set of all packets that would take the same
// decisions at every component, built from the tests the walker reports (vpc::PathObserver).
// Compiled holds the per-network BDDs those tests are made of (security groups, network ACLs,
// address sets), built on first use and kept.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/verify/header_space.h"
#include "cloudtwin/verify/interface_classes.h"
#include "cloudtwin/vpc/observer.h"

namespace cloudtwin::verify {

class Compiled {
 public:
  explicit Compiled(const model::Network& n);
  [[nodiscard]] const model::Network& network() const { return n_; }

  // Over the packet's own fields: the peer is the source (ingress) or destination (egress).
  // The packets admitted (allowed) for certain; with `possible`, those admitted for certain or
  // depending on a rule whose peer is unknown (vpc::Decision kYes or kMaybe). The two are the
  // same set, and the same BDD, when no rule of the list has an unknown peer.
  // `relayed_by`: the Network Load Balancer node that kept the client's address (rules.h
  // match_security_groups): group references then hold or not whatever the peer.
  const bdd& security_groups(model::Index eni, bool ingress, bool possible = false,
                             model::Index relayed_by = model::kNone);
  const bdd& network_acl(model::Index acl, bool ingress, bool possible = false);
  // The same two with the peer's address fixed (the source for ingress, the destination for
  // egress): bdd_restrict of the above to that address, built from the rules whose peer holds
  // it without building any address set. Over protocol and ports only. Kept per cell of the
  // partition the rules' address sets induce on the peer's family (PeerCells), not per address.
  const bdd& security_groups(model::Index eni, bool ingress, IpAddress peer, bool possible = false,
                             model::Index relayed_by = model::kNone);
  const bdd& network_acl(model::Index acl, bool ingress, IpAddress peer, bool possible = false);
  const bdd& private_addresses(model::Index vpc, Block b);
  const bdd& own_public_addresses(Block b);
  // One address as a cube of its block (for bdd_restrict), kept.
  const bdd& address_cube(Block b, IpAddress a);

  // Whether addresses `a` and `b` lie in the same cell of the partition that the address ranges
  // of the lists' rules cut their family's line into (a security group's CIDRs and prefix-list
  // entries in both directions; a network ACL's entry CIDRs): they then match every rule of the
  // lists alike as a peer, except references to security groups, which match by membership.
  // The cuts of each list are built on first use and kept.
  bool same_peer_cells(const RulesRead& lists, IpAddress a, IpAddress b);
  // Whether some list of `lists` puts two members of symmetric class `k` of classes() in
  // different cells (see same_peer_cells); kept per list and class.
  bool splits_class(const RulesRead& lists, std::uint32_t k);
  // The space between two IPv4 ENI addresses over protocol and ports for a query whose
  // `headers` name no address: source_space() of an ENI with `ephemeral` source ports (any
  // with `any_source_port`), restricted to its address and the destination's. The same for
  // every such pair of ENIs, so `build` makes it on first use and it is kept.
  const bdd& pinned_space(const bdd& headers, PortRange ephemeral, bool any_source_port,
                          const std::function<bdd()>& build);
  // interface_classes(network()), built on first use and kept: rule changes never move an ENI
  // to another class.
  const InterfaceClasses& classes();

  // Drops what was built from a security group or network ACL after the model changed (the
  // incremental path: only what depends on the changed rule list is rebuilt).
  void forget_security_group(model::Index group);
  void forget_network_acl(model::Index acl);

 private:
  bdd rule_list_match(Protocol protocol, PortRange ports, int icmp_type, int icmp_code);
  bdd peer(const model::SecurityGroupRule& rule, model::Index vpc, Block b, model::Index relayed_by);
  bool peer_holds(const model::SecurityGroupRule& rule, model::Index vpc, IpAddress a,
                  model::Index relayed_by) const;
  std::vector<model::Index> groups_of(model::Index eni) const;
  // Whether a rule of the group (one direction) or network ACL has an unknown peer; kept.
  bool uncertain_group(model::Index group, bool ingress);
  bool uncertain_acl(model::Index acl, bool ingress);
  bool uncertain_groups(const std::vector<model::Index>& groups, bool ingress);
  std::vector<std::uint8_t> uncertain_groups_;  // per group: 1 ingress, 2 egress, 4 known
  std::vector<std::uint8_t> uncertain_acls_;

  const model::Network& n_;
  std::optional<InterfaceClasses> classes_;
  // pinned_space: per (headers' root, ephemeral ports, any_source_port), the headers (held, so
  // the root stays theirs) and the space.
  std::map<std::tuple<int, std::uint16_t, std::uint16_t, bool>, std::pair<bdd, bdd>> pinned_spaces_;
  // Per security group and per network ACL: the sorted cuts of the peers' address line, per
  // family (IPv4, IPv6), for same_peer_cells; empty until built.
  struct Cuts {
    bool built = false;
    std::vector<U128> at[2];
  };
  std::vector<Cuts> group_cuts_;
  std::vector<Cuts> acl_cuts_;
  const Cuts& group_cuts(model::Index group);
  const Cuts& acl_cuts(model::Index acl);
  // splits_class: per (list, class), whether the list cuts the class; a list is a group
  // (kind 0) or a network ACL (kind 1).
  std::unordered_map<std::uint64_t, bool> splits_;
  // Per class, whether any list of the network cuts it at all (most are cut by none); empty
  // until splits_class first needs it, and after a list changes.
  std::vector<bool> cut_at_all_;
  std::map<std::tuple<std::vector<model::Index>, model::Index, bool, bool, model::Index>, bdd>
      security_groups_;
  std::map<std::tuple<model::Index, bool, bool>, bdd> network_acls_;
  std::map<std::pair<model::Index, Block>, bdd> private_addresses_;
  std::map<Block, bdd> own_public_;
  std::unordered_map<IpAddress, bdd> cubes_[2];  // destination, source
  // Per ENI, its list of groups as a small number (the same list, the same number).
  std::uint32_t group_set(model::Index eni);
  std::vector<std::uint32_t> group_set_of_eni_;
  std::map<std::vector<model::Index>, std::uint32_t> group_sets_;
  std::vector<std::vector<model::Index>> group_set_lists_;
  // The peer's address line of one rule list, cut at the first address of every address set
  // a rule tests and just past its last: every address of a cell holds in the same sets, so
  // it matches the same rules and one BDD (built on first use) serves the whole cell.
  class PeerCells {
   public:
    void add(const Prefix& p);
    void add(IpAddress a) { add(Prefix::host(a)); }
    // After the last add(): sorts the cuts and makes room for the cells.
    void seal();
    // The cell that holds `a`; empty until built.
    std::optional<bdd>& at(IpAddress a);

   private:
    std::vector<U128> cuts_[2];  // IPv4, IPv6: cell i ends before cuts_[i]
    std::vector<std::optional<bdd>> cells_[2];
  };
  void add_peer(PeerCells& cells, const model::SecurityGroupRule& rule, model::Index vpc,
                model::Index relayed_by) const;
  struct GroupsKey {
    std::uint32_t set;
    model::Index vpc;
    bool ingress;
    bool possible;
    model::Index relayed_by;
    bool operator==(const GroupsKey&) const = default;
  };
  struct GroupsKeyHash {
    std::size_t operator()(const GroupsKey& k) const {
      return (std::size_t{k.set} << 34) ^ (std::size_t{k.vpc} << 2) ^
             (std::size_t{k.possible} << 1) ^ k.ingress ^ (std::size_t{k.relayed_by} << 17);
    }
  };
  std::unordered_map<GroupsKey, PeerCells, GroupsKeyHash> security_group_cells_;
  std::map<std::tuple<model::Index, bool, bool>, PeerCells> network_acl_cells_;
};

class PathCondition final : public vpc::PathObserver {
 public:
  explicit PathCondition(Compiled& compiled) : c_(compiled) {}
  // For walks whose packets all come from `src` and go to `dst` (one address each, as between
  // two ENIs): every test on addresses alone is then decided for all of them alike, so the
  // condition keeps only protocol and ports (41 variables; the addresses are left out of it)
  // and each compiled predicate is cut down to the addresses in flight before it is kept.
  PathCondition(Compiled& compiled, IpAddress src, IpAddress dst)
      : c_(compiled), pinned_(true), src_(src), dst_(dst) {}
  // A pinned condition ignores every test on addresses alone.
  [[nodiscard]] bool wants_addresses() const override { return !pinned_; }
  // Every packet that decides alike.
  [[nodiscard]] bdd condition() const { return within(bddtrue); }
  // condition() & space, cheaper: the compiled predicates (security groups, network ACLs,
  // address sets: thousands of nodes) are conjoined last, onto a set the space and the small
  // tests (cells, ports, protocols) have already narrowed, often to one source and one
  // destination address.
  [[nodiscard]] bdd within(const bdd& space) const;
  // The rule lists the condition was built from: every security group of each ENI whose groups
  // were tested, and every network ACL tested (sorted, unique). A change to the rules of any
  // other group or ACL leaves the condition exact (incremental.h relies on this).
  [[nodiscard]] std::vector<model::Index> security_groups_read() const;
  [[nodiscard]] std::vector<model::Index> network_acls_read() const;

  void address(const vpc::Packet& p, vpc::AddressField f,
               std::span<const Prefix> prefixes) override;
  void address_in(const vpc::Packet& p, vpc::AddressField f, vpc::AddressSet set, model::Index vpc,
                  bool member) override;
  void family(const vpc::Packet& p) override;
  void protocol_in(const vpc::Packet& p, std::span<const int> protocols, bool member) override;
  void port_in(const vpc::Packet& p, vpc::PortField f, PortRange range, bool member) override;
  void security_groups(const vpc::Packet& p, model::Index eni, bool ingress,
                       model::Index relayed_by, vpc::Decision admitted) override;
  void network_acl(const vpc::Packet& p, model::Index acl, bool ingress,
                   vpc::Decision allowed) override;
  void same_address(vpc::Origin a, IpAddress va, vpc::Origin b, IpAddress vb) override;
  void same_port(vpc::Origin a, std::uint16_t va, vpc::Origin b, std::uint16_t vb) override;

 private:
  // A predicate over the packet in flight's fields, moved onto the fields of the packet as
  // sent (constants substituted, swapped fields renamed).
  bdd relocate(const bdd& predicate, const vpc::Packet& p);
  void require(const bdd& b, bool holds) { condition_ &= holds ? b : !b; }
  void require_compiled(bdd b, bool holds) { compiled_.emplace_back(std::move(b), holds); }
  // kYes: in the certain set, set(false); kNo: outside the possible one, set(true); kMaybe:
  // between the two (one BDD when no rule has an unknown peer).
  void require_decision(const std::function<bdd(bool possible)>& set, vpc::Decision d);

  Compiled& c_;
  bool pinned_ = false;
  IpAddress src_, dst_;
  bdd condition_ = bddtrue;                     // the small tests
  std::vector<std::pair<bdd, bool>> compiled_;  // compiled predicates and whether they hold
  std::vector<model::Index> groups_read_;
  std::vector<model::Index> acls_read_;
};

// The cell of the partition that `prefixes` induce on `a`'s family which holds `a`, as an
// inclusive range.
std::pair<U128, U128> cell(IpAddress a, std::span<const Prefix> prefixes);

}  // namespace cloudtwin::verify
