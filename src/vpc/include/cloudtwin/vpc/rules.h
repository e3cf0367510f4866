// Rule evaluation: security groups (allow-only, unioned), network ACLs (ordered, first match)
// and route selection (longest prefix, then AWS's priority among equal prefixes).
#pragma once

#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::vpc {

struct SecurityGroupMatch {
  model::Index group = model::kNone;
  const model::SecurityGroupRule* rule = nullptr;  // null: no rule admits the packet
};

// Does a group of `eni` admit `h` in this direction? A security-group reference matches the
// private addresses of the group's ENIs in `eni`'s VPC or in a same-Region peered VPC, never
// public addresses (so never traffic that came through an internet or NAT gateway).
[[nodiscard]] SecurityGroupMatch match_security_groups(const model::Network& n, model::Index eni,
                                                       const Header& h, bool ingress);

[[nodiscard]] const model::NetworkAclEntry* match_network_acl(const model::NetworkAcl& acl,
                                                              const Header& h, bool ingress);

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
