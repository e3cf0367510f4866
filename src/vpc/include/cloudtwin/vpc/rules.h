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

// Does a group of `eni` admit `h` in this direction? `peer_vpc_ok` tells whether an ENI in a
// given VPC may be matched by a security-group reference from `eni`'s VPC (same VPC, or a
// same-Region peered VPC).
[[nodiscard]] SecurityGroupMatch match_security_groups(const model::Network& n, model::Index eni,
                                                       const Header& h, bool ingress);

[[nodiscard]] const model::NetworkAclEntry* match_network_acl(const model::NetworkAcl& acl,
                                                              const Header& h, bool ingress);

// The route a table uses for `dst`, or null. route-tables-priority.html: longest prefix first;
// among equal prefixes static > prefix list > propagated (Direct Connect > VPN static > VPN
// BGP); and the local route beats any overlapping propagated route, even a more specific one.
[[nodiscard]] const model::Route* select_route(const model::RouteTable& rt, IpAddress dst);

[[nodiscard]] const model::TransitGatewayRoute* select_tgw_route(
    const model::TransitGatewayRouteTable& rt, IpAddress dst);

// Whether VPCs `a` and `b` are joined by an active same-Region peering connection.
[[nodiscard]] bool peered_same_region(const model::Network& n, model::Index a, model::Index b);

}  // namespace cloudtwin::vpc
