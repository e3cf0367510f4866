// VPC endpoints (shared/reference/aws-vpc-services.md §4-§5). Gateway endpoints (aws-vpc.md
// §1.9): a route to an AWS service's prefix list (S3, DynamoDB) that carries only TCP and ICMP
// echo from sources inside the VPC, and the service's reply back through it. Interface
// endpoints: network interfaces that answer for a service; when the network holds the
// service's Network Load Balancer, a request crosses PrivateLink to the balancer's node in the
// endpoint's zone, whose targets see the node's address, and nothing crosses the other way
// unless it answers. Gateway Load Balancer endpoints: route targets that hand the packet to the
// service's appliances and take it back unchanged, into the endpoint subnet's route table; both
// directions of a flow must pass the same endpoint. (endpoint.cc is the other kind of endpoint:
// a trace's ends.)
#include <algorithm>

#include "walker.h"

namespace cloudtwin::vpc::detail {

namespace {

// The node of `lb` in `zone`, or kNone.
Index node_in_zone(const Network& n, const model::LoadBalancer& lb, const std::string& zone) {
  for (const auto& node : lb.nodes) {
    if (node.eni != kNone && zone_of(n, node.eni) == zone) return node.eni;
  }
  return kNone;
}

}  // namespace

void Walker::vpc_endpoint_route(Index from_subnet, Index e, Packet h, const model::RouteTable& rt) {
  const auto& ep = n_.vpc_endpoints[e];
  if (ep.gateway()) {
    gateway_endpoint(e, h, rt);
  } else if (ep.inspects()) {
    inspection_endpoint(from_subnet, e, h, rt);
  } else {
    // CreateRoute takes a VPC endpoint only for Gateway Load Balancer endpoints.
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
         "route table " + rt.id + " sends " + h.dst.str() + " to interface endpoint " + ep.id +
             ", which is no route target",
         "route to a Gateway Load Balancer endpoint, or address the interface endpoint's "
         "network interfaces");
  }
}

void Walker::interface_endpoint(Index eni, Packet h) {
  const auto& iface = n_.network_interfaces[eni];
  const auto& ep = n_.vpc_endpoints[iface.vpc_endpoint];
  if (reply_) {
    // vpce-interface.html: "Services cannot initiate requests to resources in your VPC through
    // the endpoint"; nothing it did not send can be a reply to it.
    hop("VPCEndpoint", ep.id, ep.name, "ingress", std::nullopt, "interface " + iface.id);
    drop("VPCE_INTRA_VPC_TRAFFIC", "VPCEndpoint", ep.id, "ingress",
         "interface endpoint " + ep.id + " only answers requests; it sends none to reply to", "");
    return;
  }
  hop("VPCEndpoint", ep.id, ep.name, "ingress", std::nullopt,
      std::string(model::vpc_endpoint_type_name(ep.type)) + " endpoint for " + ep.service_name +
          ", interface " + iface.id + " in " + zone_of(n_, eni));
  // Anything but Available carries nothing (the EC2 API's endpoint states; §5.2 Model).
  if (ep.state != "available") {
    drop("BAD_STATE", "VPCEndpoint", ep.id, "ingress", "endpoint " + ep.id + " is " + ep.state,
         ep.state == "pendingAcceptance" ? "the service's owner must accept the endpoint" : "");
    return;
  }
  if (!iface.security_groups.empty() && !security_group(eni, h, true)) return;
  // A walk aimed at the endpoint, or at nothing behind it, ends here: the service answers.
  const bool behind = ep.endpoint_service != kNone && goal_ &&
                      goal_->kind == EndpointKind::kNetworkInterface && goal_->index != eni &&
                      n_.network_interfaces[goal_->index].vpc_endpoint != iface.vpc_endpoint;
  if (!behind) {
    arrival = Arrival{EndpointKind::kNetworkInterface, eni, h};
    return;
  }
  private_link(eni, ep, h);
}

void Walker::private_link(Index eni, const model::VpcEndpoint& ep, Packet h) {
  // §5.3: the endpoint's interface connects to a provider Network Load Balancer's node in the
  // same zone (AZ ids match across accounts; the model compares zone names).
  const auto& svc = n_.vpc_endpoint_services[ep.endpoint_service];
  const std::string& zone = zone_of(n_, eni);
  Index node = kNone;
  for (const auto& r : svc.network_load_balancers) {
    if (!r.resolved()) continue;
    node = node_in_zone(n_, n_.load_balancers[r.index], zone);
    if (node != kNone) break;
  }
  if (node == kNone) {
    drop("VPCE_SERVICE_NOT_INSTALLED_IN_AZ", "VPCEndpoint", ep.id, "",
         "endpoint service " + svc.id + " has no load balancer node in " + zone +
             ", where endpoint interface " + n_.network_interfaces[eni].id + " is",
         "enable a subnet in " + zone + " on the service's Network Load Balancer");
    return;
  }
  const auto& node_iface = n_.network_interfaces[node];
  if (node_iface.private_ips.empty()) {
    drop("NO_PATH", "VPCEndpoint", ep.id, "", "load balancer node " + node_iface.id + " has no IPv4 address",
         "");
    return;
  }
  hop("VPCEndpointService", svc.id, svc.name, "", std::nullopt, "PrivateLink to " + node_iface.id);
  // The node sees the consumer's address; the listener is the port the consumer addressed.
  Packet at_node = h;
  at_node.dst = node_iface.private_ips.front();
  at_node.dst_origin = Origin::kConstant;
  translated(h, at_node);
  via_endpoint_ = eni;
  via_packet_ = h;
  load_balancer_node(node, at_node);
  via_endpoint_ = kNone;
}

bool Walker::gateway_load_balancer(const model::VpcEndpoint& ep, Index eni, const Packet& h) {
  // §4: the endpoint hands the packet over PrivateLink to the Gateway Load Balancer's node in
  // its zone, which sends it to an appliance (GENEVE, UDP 6081) and takes it back unchanged.
  // Reachability Analyzer does not follow the appliances (PATH_THROUGH_GWLB_NOT_CHECKED), nor
  // does cloudtwin: they are assumed to pass the packet.
  std::string what = "the service " + ep.service_name + " (outside the network)";
  if (ep.endpoint_service != kNone) {
    const auto& svc = n_.vpc_endpoint_services[ep.endpoint_service];
    const std::string& zone = zone_of(n_, eni);
    const model::LoadBalancer* gwlb = nullptr;
    for (const auto& r : svc.gateway_load_balancers) {
      if (!r.resolved()) continue;
      if (node_in_zone(n_, n_.load_balancers[r.index], zone) != kNone) {
        gwlb = &n_.load_balancers[r.index];
        break;
      }
    }
    if (!gwlb) {
      drop("VPCE_SERVICE_NOT_INSTALLED_IN_AZ", "VPCEndpoint", ep.id, "",
           "endpoint service " + svc.id + " has no Gateway Load Balancer node in " + zone,
           "enable a subnet in " + zone + " on the Gateway Load Balancer");
      return false;
    }
    hop("LoadBalancer", gwlb->id, gwlb->name, "", std::nullopt,
        "gateway, node in " + zone + "; appliances not followed");
    what = "load balancer " + gwlb->id;
  }
  if (!reply_)
    note("PATH_THROUGH_GWLB_NOT_CHECKED", "VPCEndpoint", ep.id,
         "the appliances behind " + what +
             " are assumed to return " + h.str() + " unchanged; trace UDP 6081 to them to check that leg");
  return true;
}

void Walker::inspection_endpoint(Index from_subnet, Index e, Packet h, const model::RouteTable& rt) {
  const auto& ep = n_.vpc_endpoints[e];
  if (ep.state != "available") {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "", "endpoint " + ep.id + " is " + ep.state, "");
    return;
  }
  if (ep.enis.empty()) {
    drop("NO_PATH", "VPCEndpoint", ep.id, "", "endpoint " + ep.id + " has no network interface", "");
    return;
  }
  const Index eni = ep.enis.front();
  const auto& iface = n_.network_interfaces[eni];
  // Its subnet's network ACL applies on the way in and out; it has no security groups (§4).
  if (from_subnet != iface.subnet.index && !network_acl(iface.subnet.index, h, true)) return;
  hop("VPCEndpoint", ep.id, ep.name, "ingress", std::nullopt,
      std::string(model::vpc_endpoint_type_name(ep.type)) + " endpoint in " + zone_of(n_, eni));
  (reply_ ? connection_.reply_inspected : connection_.inspected).push_back(e);
  if (ep.type == model::VpcEndpointType::kFirewall) {
    if (!network_firewall(ep, h)) return;
  } else if (!gateway_load_balancer(ep, eni, h)) {
    return;
  }
  hop("VPCEndpoint", ep.id, ep.name, "egress", std::nullopt,
      ep.type == model::VpcEndpointType::kFirewall ? "back from the firewall"
                                                   : "back from the appliances, unchanged");
  leave_interface(eni, h);
}

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
