#include "cloudtwin/model/network.h"

#include <algorithm>

namespace cloudtwin::model {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kVpc: return "VPC";
    case Kind::kSubnet: return "Subnet";
    case Kind::kRouteTable: return "RouteTable";
    case Kind::kInternetGateway: return "InternetGateway";
    case Kind::kEgressOnlyInternetGateway: return "EgressOnlyInternetGateway";
    case Kind::kNatGateway: return "NatGateway";
    case Kind::kElasticIp: return "EIP";
    case Kind::kNetworkInterface: return "NetworkInterface";
    case Kind::kInstance: return "Instance";
    case Kind::kSecurityGroup: return "SecurityGroup";
    case Kind::kNetworkAcl: return "NetworkAcl";
    case Kind::kPrefixList: return "PrefixList";
    case Kind::kVpcPeeringConnection: return "VPCPeeringConnection";
    case Kind::kTransitGateway: return "TransitGateway";
    case Kind::kTransitGatewayRouteTable: return "TransitGatewayRouteTable";
    case Kind::kTransitGatewayAttachment: return "TransitGatewayAttachment";
    case Kind::kVpcEndpoint: return "VPCEndpoint";
    case Kind::kVpnGateway: return "VPNGateway";
    case Kind::kCustomerGateway: return "CustomerGateway";
    case Kind::kVpnConnection: return "VPNConnection";
    case Kind::kDirectConnectGateway: return "DirectConnectGateway";
    case Kind::kOnPremisesNetwork: return "OnPremisesNetwork";
    case Kind::kLoadBalancer: return "LoadBalancer";
    case Kind::kListener: return "Listener";
    case Kind::kListenerRule: return "ListenerRule";
    case Kind::kTargetGroup: return "TargetGroup";
    case Kind::kVpcEndpointService: return "VPCEndpointService";
    case Kind::kAutoScalingGroup: return "AutoScalingGroup";
    case Kind::kLaunchTemplate: return "LaunchTemplate";
    case Kind::kFirewall: return "Firewall";
    case Kind::kFirewallPolicy: return "FirewallPolicy";
    case Kind::kFirewallRuleGroup: return "RuleGroup";
    case Kind::kHostedZone: return "HostedZone";
    case Kind::kRecordSet: return "RecordSet";
    case Kind::kDelegationSet: return "DelegationSet";
    case Kind::kHealthCheck: return "HealthCheck";
    case Kind::kCidrCollection: return "CidrCollection";
    case Kind::kDistribution: return "Distribution";
    case Kind::kCachePolicy: return "CachePolicy";
    case Kind::kOriginRequestPolicy: return "OriginRequestPolicy";
    case Kind::kResponseHeadersPolicy: return "ResponseHeadersPolicy";
    case Kind::kPublicKey: return "PublicKey";
    case Kind::kKeyGroup: return "KeyGroup";
    case Kind::kDirectConnectConnection: return "DirectConnectConnection";
    case Kind::kDirectConnectLag: return "DirectConnectLag";
    case Kind::kVirtualInterface: return "VirtualInterface";
  }
  return "?";
}

const char* target_kind_field(TargetKind k) {
  switch (k) {
    case TargetKind::kLocal: return "GatewayId";
    case TargetKind::kInternetGateway: return "GatewayId";
    case TargetKind::kEgressOnlyInternetGateway: return "EgressOnlyInternetGatewayId";
    case TargetKind::kNatGateway: return "NatGatewayId";
    case TargetKind::kTransitGateway: return "TransitGatewayId";
    case TargetKind::kVpcPeeringConnection: return "VpcPeeringConnectionId";
    case TargetKind::kNetworkInterface: return "NetworkInterfaceId";
    case TargetKind::kInstance: return "InstanceId";
    case TargetKind::kVpcEndpoint: return "GatewayId";
    case TargetKind::kVpnGateway: return "GatewayId";
    case TargetKind::kUnsupported: return "GatewayId";
  }
  return "?";
}

const char* route_origin_name(RouteOrigin o) {
  switch (o) {
    case RouteOrigin::kStatic: return "CreateRoute";
    case RouteOrigin::kPrefixList: return "CreateRoute";
    case RouteOrigin::kPropagatedDirectConnect: return "EnableVgwRoutePropagation (Direct Connect)";
    case RouteOrigin::kPropagatedVpnStatic: return "EnableVgwRoutePropagation (VPN static)";
    case RouteOrigin::kPropagatedVpnBgp: return "EnableVgwRoutePropagation (VPN BGP)";
  }
  return "?";
}

const char* attachment_type_name(AttachmentType t) {
  switch (t) {
    case AttachmentType::kVpc: return "vpc";
    case AttachmentType::kVpn: return "vpn";
    case AttachmentType::kDirectConnectGateway: return "direct-connect-gateway";
    case AttachmentType::kPeering: return "peering";
    case AttachmentType::kConnect: return "connect";
  }
  return "?";
}

const char* vpc_endpoint_type_name(VpcEndpointType t) {
  switch (t) {
    case VpcEndpointType::kGateway: return "Gateway";
    case VpcEndpointType::kInterface: return "Interface";
    case VpcEndpointType::kGatewayLoadBalancer: return "GatewayLoadBalancer";
    case VpcEndpointType::kFirewall: return "NetworkFirewall";
  }
  return "?";
}

std::optional<VpcEndpointType> parse_vpc_endpoint_type(std::string_view text) {
  for (auto t : {VpcEndpointType::kGateway, VpcEndpointType::kInterface,
                 VpcEndpointType::kGatewayLoadBalancer, VpcEndpointType::kFirewall}) {
    if (text == vpc_endpoint_type_name(t)) return t;
  }
  return std::nullopt;
}

bool DirectConnectGateway::associated_with_vpn_gateway(Index vgw) const {
  return std::any_of(associations.begin(), associations.end(), [&](const auto& a) {
    return a.gateway_kind == Kind::kVpnGateway && a.gateway.resolved() && a.gateway.index == vgw;
  });
}

std::vector<Index> DirectConnectGateway::associated_vpn_gateways() const {
  std::vector<Index> out;
  for (const auto& a : associations) {
    if (a.gateway_kind == Kind::kVpnGateway && a.gateway.resolved()) out.push_back(a.gateway.index);
  }
  return out;
}

bool Vpc::contains(IpAddress a) const {
  const auto& blocks = a.is_v4() ? cidr_blocks : ipv6_cidr_blocks;
  return std::any_of(blocks.begin(), blocks.end(), [&](const Prefix& p) { return p.contains(a); });
}

std::optional<IpAddress> Vpc::resolver() const {
  if (cidr_blocks.empty()) return std::nullopt;
  return cidr_blocks.front().address().plus(2);
}

bool Subnet::contains(IpAddress a) const {
  if (a.is_v4()) return cidr_block && cidr_block->contains(a);
  return ipv6_cidr_block && ipv6_cidr_block->contains(a);
}

bool Subnet::is_reserved(IpAddress a) const {
  const auto& block = a.is_v4() ? cidr_block : ipv6_cidr_block;
  if (!block || !block->contains(a)) return false;
  U128 offset = a.bits() - block->address().bits();
  if (offset < 4) return true;
  return a.is_v4() && a == block->last();
}

std::optional<IpAddress> NetworkInterface::public_ip_for(IpAddress private_ip) const {
  for (const auto& [priv, pub] : public_ips) {
    if (priv == private_ip) return pub;
  }
  return std::nullopt;
}

bool NetworkInterface::has_address(IpAddress a) const {
  const auto& list = a.is_v4() ? private_ips : ipv6_addresses;
  return std::find(list.begin(), list.end(), a) != list.end();
}

Index Network::add_file(std::string path) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i] == path) return static_cast<Index>(i);
  }
  files.push_back(std::move(path));
  return static_cast<Index>(files.size() - 1);
}

std::optional<ResourceKey> Network::find(std::string_view id_or_name) const {
  auto range = by_id.equal_range(id_or_name);
  if (range.size() != 1) return std::nullopt;
  return range.front().second;
}

std::optional<Index> Network::find(std::string_view id_or_name, Kind kind) const {
  std::optional<Index> found;
  for (const auto& [name, key] : by_id.equal_range(id_or_name)) {
    if (key.kind != kind) continue;
    if (found && *found != key.index) return std::nullopt;  // ambiguous name
    found = key.index;
  }
  return found;
}

const Resource& Network::resource(ResourceKey key) const {
  switch (key.kind) {
    case Kind::kVpc: return vpcs[key.index];
    case Kind::kSubnet: return subnets[key.index];
    case Kind::kRouteTable: return route_tables[key.index];
    case Kind::kInternetGateway: return internet_gateways[key.index];
    case Kind::kEgressOnlyInternetGateway: return egress_only_internet_gateways[key.index];
    case Kind::kNatGateway: return nat_gateways[key.index];
    case Kind::kElasticIp: return elastic_ips[key.index];
    case Kind::kNetworkInterface: return network_interfaces[key.index];
    case Kind::kInstance: return instances[key.index];
    case Kind::kSecurityGroup: return security_groups[key.index];
    case Kind::kNetworkAcl: return network_acls[key.index];
    case Kind::kPrefixList: return prefix_lists[key.index];
    case Kind::kVpcPeeringConnection: return vpc_peering_connections[key.index];
    case Kind::kTransitGateway: return transit_gateways[key.index];
    case Kind::kTransitGatewayRouteTable: return transit_gateway_route_tables[key.index];
    case Kind::kTransitGatewayAttachment: return transit_gateway_attachments[key.index];
    case Kind::kVpcEndpoint: return vpc_endpoints[key.index];
    case Kind::kVpnGateway: return vpn_gateways[key.index];
    case Kind::kCustomerGateway: return customer_gateways[key.index];
    case Kind::kVpnConnection: return vpn_connections[key.index];
    case Kind::kDirectConnectGateway: return direct_connect_gateways[key.index];
    case Kind::kOnPremisesNetwork: return on_premises_networks[key.index];
    case Kind::kLoadBalancer: return load_balancers[key.index];
    case Kind::kListener: return listeners[key.index];
    case Kind::kListenerRule: return listener_rules[key.index];
    case Kind::kTargetGroup: return target_groups[key.index];
    case Kind::kVpcEndpointService: return vpc_endpoint_services[key.index];
    case Kind::kAutoScalingGroup: return auto_scaling_groups[key.index];
    case Kind::kLaunchTemplate: return launch_templates[key.index];
    case Kind::kFirewall: return firewalls[key.index];
    case Kind::kFirewallPolicy: return firewall_policies[key.index];
    case Kind::kFirewallRuleGroup: return firewall_rule_groups[key.index];
    case Kind::kHostedZone: return hosted_zones[key.index];
    case Kind::kRecordSet: return record_sets[key.index];
    case Kind::kDelegationSet: return delegation_sets[key.index];
    case Kind::kHealthCheck: return health_checks[key.index];
    case Kind::kCidrCollection: return cidr_collections[key.index];
    case Kind::kDistribution: return distributions[key.index];
    case Kind::kCachePolicy: return cache_policies[key.index];
    case Kind::kOriginRequestPolicy: return origin_request_policies[key.index];
    case Kind::kResponseHeadersPolicy: return response_headers_policies[key.index];
    case Kind::kPublicKey: return public_keys[key.index];
    case Kind::kKeyGroup: return key_groups[key.index];
    case Kind::kDirectConnectConnection: return direct_connect_connections[key.index];
    case Kind::kDirectConnectLag: return direct_connect_lags[key.index];
    case Kind::kVirtualInterface: return virtual_interfaces[key.index];
  }
  return vpcs.at(key.index);
}

std::size_t Network::count(Kind kind) const {
  switch (kind) {
    case Kind::kVpc: return vpcs.size();
    case Kind::kSubnet: return subnets.size();
    case Kind::kRouteTable: return route_tables.size();
    case Kind::kInternetGateway: return internet_gateways.size();
    case Kind::kEgressOnlyInternetGateway: return egress_only_internet_gateways.size();
    case Kind::kNatGateway: return nat_gateways.size();
    case Kind::kElasticIp: return elastic_ips.size();
    case Kind::kNetworkInterface: return network_interfaces.size();
    case Kind::kInstance: return instances.size();
    case Kind::kSecurityGroup: return security_groups.size();
    case Kind::kNetworkAcl: return network_acls.size();
    case Kind::kPrefixList: return prefix_lists.size();
    case Kind::kVpcPeeringConnection: return vpc_peering_connections.size();
    case Kind::kTransitGateway: return transit_gateways.size();
    case Kind::kTransitGatewayRouteTable: return transit_gateway_route_tables.size();
    case Kind::kTransitGatewayAttachment: return transit_gateway_attachments.size();
    case Kind::kVpcEndpoint: return vpc_endpoints.size();
    case Kind::kVpnGateway: return vpn_gateways.size();
    case Kind::kCustomerGateway: return customer_gateways.size();
    case Kind::kVpnConnection: return vpn_connections.size();
    case Kind::kDirectConnectGateway: return direct_connect_gateways.size();
    case Kind::kOnPremisesNetwork: return on_premises_networks.size();
    case Kind::kLoadBalancer: return load_balancers.size();
    case Kind::kListener: return listeners.size();
    case Kind::kListenerRule: return listener_rules.size();
    case Kind::kTargetGroup: return target_groups.size();
    case Kind::kVpcEndpointService: return vpc_endpoint_services.size();
    case Kind::kAutoScalingGroup: return auto_scaling_groups.size();
    case Kind::kLaunchTemplate: return launch_templates.size();
    case Kind::kFirewall: return firewalls.size();
    case Kind::kFirewallPolicy: return firewall_policies.size();
    case Kind::kFirewallRuleGroup: return firewall_rule_groups.size();
    case Kind::kHostedZone: return hosted_zones.size();
    case Kind::kRecordSet: return record_sets.size();
    case Kind::kDelegationSet: return delegation_sets.size();
    case Kind::kHealthCheck: return health_checks.size();
    case Kind::kCidrCollection: return cidr_collections.size();
    case Kind::kDistribution: return distributions.size();
    case Kind::kCachePolicy: return cache_policies.size();
    case Kind::kOriginRequestPolicy: return origin_request_policies.size();
    case Kind::kResponseHeadersPolicy: return response_headers_policies.size();
    case Kind::kPublicKey: return public_keys.size();
    case Kind::kKeyGroup: return key_groups.size();
    case Kind::kDirectConnectConnection: return direct_connect_connections.size();
    case Kind::kDirectConnectLag: return direct_connect_lags.size();
    case Kind::kVirtualInterface: return virtual_interfaces.size();
  }
  return 0;
}

Index Network::subnet_containing(Index vpc, IpAddress a) const {
  if (vpc == kNone) return kNone;
  for (Index s : vpcs[vpc].subnets) {
    if (subnets[s].contains(a)) return s;
  }
  return kNone;
}

std::vector<Index> Network::vpcs_containing(IpAddress a) const {
  std::vector<Index> out;
  for (Index i = 0; i < vpcs.size(); ++i) {
    if (vpcs[i].contains(a)) out.push_back(i);
  }
  return out;
}

Index Network::eni_with_private_ip(Index vpc, IpAddress a) const {
  for (const auto& [address, eni] : eni_by_private_ip.equal_range(a)) {
    if (network_interfaces[eni].vpc == vpc) return eni;
  }
  return kNone;
}

}  // namespace cloudtwin::model
