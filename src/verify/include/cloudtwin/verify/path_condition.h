// The path condition of one concrete walk: the set of all packets that would take the same
// decisions at every component, built from the tests the walker reports (vpc::PathObserver).
// Compiled holds the per-network BDDs those tests are made of (security groups, network ACLs,
// address sets), built on first use and kept.
#pragma once

#include <map>
#include <tuple>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/verify/header_space.h"
#include "cloudtwin/vpc/observer.h"

namespace cloudtwin::verify {

class Compiled {
 public:
  explicit Compiled(const model::Network& n);
  [[nodiscard]] const model::Network& network() const { return n_; }

  // Over the packet's own fields: the peer is the source (ingress) or destination (egress).
  const bdd& security_groups(model::Index eni, bool ingress);
  const bdd& network_acl(model::Index acl, bool ingress);
  const bdd& private_addresses(model::Index vpc, Block b);
  const bdd& own_public_addresses(Block b);

  // Drops what was built from a security group or network ACL after the model changed (the
  // incremental path: only what depends on the changed rule list is rebuilt).
  void forget_security_group(model::Index group);
  void forget_network_acl(model::Index acl);

 private:
  bdd rule_list_match(Protocol protocol, PortRange ports, int icmp_type, int icmp_code);
  bdd peer(const model::SecurityGroupRule& rule, model::Index vpc, Block b);

  const model::Network& n_;
  std::map<std::tuple<std::vector<model::Index>, model::Index, bool>, bdd> security_groups_;
  std::map<std::pair<model::Index, bool>, bdd> network_acls_;
  std::map<std::pair<model::Index, Block>, bdd> private_addresses_;
  std::map<Block, bdd> own_public_;
};

class PathCondition final : public vpc::PathObserver {
 public:
  explicit PathCondition(Compiled& compiled) : c_(compiled) {}
  [[nodiscard]] const bdd& condition() const { return condition_; }

  void address(const vpc::Packet& p, vpc::AddressField f, std::span<const Prefix> prefixes) override;
  void address_in(const vpc::Packet& p, vpc::AddressField f, vpc::AddressSet set, model::Index vpc,
                  bool member) override;
  void family(const vpc::Packet& p) override;
  void protocol_in(const vpc::Packet& p, std::span<const int> protocols, bool member) override;
  void port_in(const vpc::Packet& p, vpc::PortField f, PortRange range, bool member) override;
  void security_groups(const vpc::Packet& p, model::Index eni, bool ingress,
                       bool admitted) override;
  void network_acl(const vpc::Packet& p, model::Index acl, bool ingress, bool allowed) override;
  void same_address(vpc::Origin a, IpAddress va, vpc::Origin b, IpAddress vb) override;
  void same_port(vpc::Origin a, std::uint16_t va, vpc::Origin b, std::uint16_t vb) override;

 private:
  // A predicate over the packet in flight's fields, moved onto the fields of the packet as
  // sent (constants substituted, swapped fields renamed).
  bdd relocate(const bdd& predicate, const vpc::Packet& p);
  void require(const bdd& b, bool holds) { condition_ &= holds ? b : !b; }

  Compiled& c_;
  bdd condition_ = bddtrue;
};

// The cell of the partition that `prefixes` induce on `a`'s family which holds `a`, as an
// inclusive range.
std::pair<U128, U128> cell(IpAddress a, std::span<const Prefix> prefixes);

}  // namespace cloudtwin::verify
