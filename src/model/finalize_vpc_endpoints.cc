// finalize() for interface and Gateway Load Balancer endpoints (shared/reference/
// aws-vpc-services.md §4, §5.2, §5.3): each gets one requester-managed network interface per
// subnet, as EC2 makes them, and is linked to the endpoint service it names when the network
// holds that service, the provider side of PrivateLink.
#include <map>

#include "finalize_context.h"

namespace cloudtwin::model {

namespace {

const char* endpoint_interface_type(VpcEndpointType t) {
  return t == VpcEndpointType::kGatewayLoadBalancer ? "gateway_load_balancer_endpoint"
                                                    : "vpc_endpoint";
}

void make_interfaces(FinalizeContext& c, Index e) {
  Network& n = c.network();
  VpcEndpoint& ep = n.vpc_endpoints[e];
  if (ep.gateway()) return;
  if (ep.subnets.empty() && ep.network_interfaces.empty()) {
    c.error(ep, ep.at, std::string("an ") + vpc_endpoint_type_name(ep.type) + " endpoint needs a subnet");
    return;
  }
  // gateway-load-balancer-endpoints.html: "you can specify only one subnet" (one AZ).
  if (ep.type == VpcEndpointType::kGatewayLoadBalancer && ep.subnets.size() > 1) {
    c.error(ep, ep.at, "a Gateway Load Balancer endpoint has exactly one subnet",
            "make one endpoint per availability zone");
  }
  if (!ep.network_interfaces.empty()) {
    // Described with its interfaces (an AWS CLI snapshot): they are the endpoint's.
    for (const auto& r : ep.network_interfaces) {
      if (!r.resolved()) continue;
      n.network_interfaces[r.index].vpc_endpoint = e;
      ep.enis.push_back(r.index);
    }
    return;
  }
  std::map<std::string, Location> zones;
  for (std::size_t k = 0; k < n.vpc_endpoints[e].subnets.size(); ++k) {
    const Ref sref = n.vpc_endpoints[e].subnets[k];
    if (!sref.resolved()) continue;
    const Subnet& s = n.subnets[sref.index];
    const VpcEndpoint& cur = n.vpc_endpoints[e];
    if (cur.vpc.resolved() && s.vpc.index != cur.vpc.index) {
      c.error(cur, sref.at, "subnet " + s.id + " is not in the endpoint's VPC " + cur.vpc.text);
      continue;
    }
    // vpce-interface.html: one subnet per availability zone.
    if (!s.availability_zone.empty() && !zones.emplace(s.availability_zone, sref.at).second) {
      c.error(cur, sref.at, "two subnets of the endpoint are in availability zone " + s.availability_zone,
              "choose one subnet per availability zone");
      continue;
    }
    NetworkInterface eni;
    eni.id = "eni-" + made_id_part(cur.id) + "-" + made_id_part(s.id);
    eni.name = (cur.name.empty() ? cur.id : cur.name) + " in " +
               (s.availability_zone.empty() ? s.id : s.availability_zone);
    eni.at = sref.at;
    eni.subnet = sref;
    if (cur.type == VpcEndpointType::kInterface) eni.security_groups = cur.security_groups;
    eni.interface_type = endpoint_interface_type(cur.type);
    eni.status = "in-use";
    eni.vpc_endpoint = e;
    n.network_interfaces.push_back(std::move(eni));
    const auto made = static_cast<Index>(n.network_interfaces.size() - 1);
    n.vpc_endpoints[e].enis.push_back(made);
    c.add_key(Kind::kNetworkInterface, made);
  }
}

// The endpoint service `name` names: by its service name, or a name ending in its id.
Index endpoint_service_named(const Network& n, std::string_view name) {
  for (Index s = 0; s < n.vpc_endpoint_services.size(); ++s) {
    const auto& svc = n.vpc_endpoint_services[s];
    if (!svc.service_name.empty() && svc.service_name == name) return s;
    if (!svc.id.empty() && name.ends_with("." + svc.id)) return s;
  }
  return kNone;
}

}  // namespace

void materialise_vpc_endpoints(FinalizeContext& c) {
  Network& n = c.network();
  for (Index e = 0; e < n.vpc_endpoints.size(); ++e) make_interfaces(c, e);
}

void link_vpc_endpoints(FinalizeContext& c) {
  Network& n = c.network();
  for (Index e = 0; e < n.vpc_endpoints.size(); ++e) {
    auto& ep = n.vpc_endpoints[e];
    if (ep.gateway() || ep.type == VpcEndpointType::kFirewall) continue;
    ep.endpoint_service = endpoint_service_named(n, ep.service_name);
    if (ep.endpoint_service == kNone) continue;  // an AWS service, or one outside the network
    const auto& svc = n.vpc_endpoint_services[ep.endpoint_service];
    // CreateVpcEndpoint: interface endpoints connect to services of Network Load Balancers,
    // Gateway Load Balancer endpoints to services of Gateway Load Balancers.
    const bool gwlb = ep.type == VpcEndpointType::kGatewayLoadBalancer;
    if (gwlb && svc.gateway_load_balancers.empty()) {
      c.error(ep, ep.at, "endpoint service " + svc.id + " has no Gateway Load Balancer",
              "a Gateway Load Balancer endpoint connects to a Gateway Load Balancer's service");
    } else if (!gwlb && svc.network_load_balancers.empty()) {
      c.error(ep, ep.at, "endpoint service " + svc.id + " has no Network Load Balancer",
              "an interface endpoint connects to a Network Load Balancer's service; use a "
              "GatewayLoadBalancer endpoint for a Gateway Load Balancer's");
    }
    for (const auto& r : gwlb ? svc.gateway_load_balancers : svc.network_load_balancers) {
      if (!r.resolved()) continue;
      const auto want = gwlb ? LoadBalancerType::kGateway : LoadBalancerType::kNetwork;
      if (n.load_balancers[r.index].type != want) {
        c.error(svc, r.at, "load balancer " + r.text + " is not a " +
                               (gwlb ? "Gateway" : "Network") + " Load Balancer");
      }
    }
  }
}

}  // namespace cloudtwin::model
