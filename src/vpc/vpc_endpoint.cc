// Gateway VPC endpoints (aws-vpc.md §1.9): a route to an AWS service's prefix list (S3,
// DynamoDB) that carries only TCP and ICMP echo from sources inside the VPC, and the service's
// reply back through it. (endpoint.cc is the other kind of endpoint: a trace's ends.)
#include "walker.h"

namespace cloudtwin::vpc::detail {

void Walker::from_service(Index prefix_list, Packet h) {
  // The reply of an AWS service enters through the gateway endpoint of the requester's VPC.
  const auto& pl = n_.prefix_lists[prefix_list];
  hop("AWSService", pl.prefix_list_name.empty() ? pl.id : pl.prefix_list_name, pl.name, "",
      std::nullopt, "");
  for (const auto& ep : n_.vpc_endpoints) {
    if (ep.service_prefix_list != prefix_list || !ep.vpc.resolved()) continue;
    tested(h, AddressField::kDst, vpc_cidrs(ep.vpc.index));
    if (!n_.vpcs[ep.vpc.index].contains(h.dst)) continue;
    hop("VPCEndpoint", ep.id, ep.name, "ingress", std::nullopt, "");
    deliver_local(ep.vpc.index, h, kNone);
    return;
  }
  drop("NO_ROUTE_TO_DESTINATION", "AWSService", pl.id, "",
       "no gateway endpoint leads back to " + h.dst.str(), "");
}

void Walker::gateway_endpoint(Index e, Packet h, const model::RouteTable& rt) {
  const auto& ep = n_.vpc_endpoints[e];
  if (ep.state != "available") {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "", "endpoint " + ep.id + " is " + ep.state, "");
    return;
  }
  hop("VPCEndpoint", ep.id, ep.name, "egress", std::nullopt, ep.service_name);
  bool echo = !protocol_is(h, {Protocol::kTcp}) && protocol_is(h, {Protocol::kIcmp}) &&
              port_is(h, PortField::kDst, PortRange::single(8));
  if (h.protocol.number() != Protocol::kTcp && !echo) {
    drop("VPCE_GATEWAY_PROTOCOL_RESTRICTION", "VPCEndpoint", ep.id, "",
         "gateway endpoints carry only TCP and ICMP echo", "");
    return;
  }
  if (ep.vpc.resolved()) tested(h, AddressField::kSrc, vpc_cidrs(ep.vpc.index));
  if (!ep.vpc.resolved() || !n_.vpcs[ep.vpc.index].contains(h.src)) {
    drop("VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION", "VPCEndpoint", ep.id, "",
         "gateway endpoints serve only sources inside their VPC", "");
    return;
  }
  const auto& pl = n_.prefix_lists[ep.service_prefix_list];
  hop("AWSService", pl.prefix_list_name, "", "", std::nullopt, h.dst.str());
  arrival = Arrival{EndpointKind::kService, ep.service_prefix_list, h};
}

}  // namespace cloudtwin::vpc::detail
