// Rule evaluation: security groups (allow-only, unioned), network ACLs (ordered, first match)
// and route selection (longest prefix, then AWS's priority among equal prefixes).
#pragma once

#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/network.h"
#include "cloudtwin/vpc/observer.h"

namespace cloudtwin::vpc {

struct SecurityGroupMatch {
  model::Index group = model::kNone;
  const model::SecurityGroupRule* rule = nullptr;  // the rule that admits; null: none does
  // When no rule admits for certain: a rule with an unknown peer that matches the packet's
  // protocol and ports, which would admit it if its peer holds the packet's.
  model::Index maybe_group = model::kNone;
  const model::SecurityGroupRule* maybe_rule = nullptr;
  [[nodiscard]] Decision decision() const {
    return rule ? Decision::kYes : maybe_rule ? Decision::kMaybe : Decision::kNo;
  }
};

// Does a group of `eni` admit `h` in this direction? A security-group reference matches the
// private addresses of the group's ENIs in `eni`'s VPC or in a same-Region peered VPC, never
// public addresses (so never traffic that came through an internet or NAT gateway).
//
// `relayed_by`: the Network Load Balancer node that passed `h` on with the client's address
// kept (aws-vpc-services.md §2, "Security groups on the NLB"). A reference then matches when
// the node carries the referenced group, whoever the client is: the client's own groups are
// not seen through the load balancer (SG_REFERENCES_NOT_PRESERVED).
[[nodiscard]] SecurityGroupMatch match_security_groups(const model::Network& n, model::Index eni,
                                                       const Header& h, bool ingress,
                                                       model::Index relayed_by = model::kNone);

// Whether `eni` carries security group `group`.
[[nodiscard]] bool carries_group(const model::Network& n, model::Index eni, model::Index group);

struct NetworkAclMatch {
  const model::NetworkAclEntry* entry = nullptr;  // the first entry that matches for certain
  // An entry before it with an unknown peer and the opposite action that matches the packet's
  // protocol and ports: it decides instead if its peer holds the packet's.
  const model::NetworkAclEntry* maybe = nullptr;
  [[nodiscard]] bool allows() const { return entry && entry->allow; }
  [[nodiscard]] Decision decision() const {
    if (maybe) return Decision::kMaybe;
    return allows() ? Decision::kYes : Decision::kNo;
  }
};

// The first entry that matches decides (rule numbers ascending, the "*" entry last).
[[nodiscard]] NetworkAclMatch match_network_acl(const model::NetworkAcl& acl, const Header& h,
                                                bool ingress);

// The route a table uses for `dst`, or null. route-tables-priority.html: longest prefix first;
// among equal prefixes static > prefix list > propagated (Direct Connect > VPN static > VPN
// BGP); and the local route beats any overlapping propagated route, even a more specific one.
[[nodiscard]] const model::Route* select_route(const model::RouteTable& rt, IpAddress dst);

// The route a transit gateway route table uses for `dst`, or null: longest prefix, then static
// before propagated, then by the kind of the propagating attachment (VPC > Direct Connect
// gateway > Connect > VPN).
[[nodiscard]] const model::TransitGatewayRoute* select_tgw_route(
    const model::Network& n, const model::TransitGatewayRouteTable& rt, IpAddress dst);

// Whether VPCs `a` and `b` are joined by an active same-Region peering connection.
[[nodiscard]] bool peered_same_region(const model::Network& n, model::Index a, model::Index b);

}  // namespace cloudtwin::vpc
