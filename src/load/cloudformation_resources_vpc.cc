// VPCs and what lives directly in them: CIDR blocks, subnets, route tables, routes and their
// associations, internet, egress-only and NAT gateways, Elastic IPs, prefix lists, peering
// connections and VPC endpoints.
#include <algorithm>
#include <cstdio>

#include "cloudformation_mapper.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;
using model::TargetKind;

constexpr auto kReq = Need::kRequired;

// A property required when written: a value that cannot be known leaves the resource out rather
// than half-read.
Need if_present(Props& p, std::string_view key) {
  return p.has(key) && !p.get(key).is_null() ? Need::kRequired : Need::kOptional;
}

struct TargetProperty {
  std::string_view key;
  TargetKind kind;
  std::initializer_list<Kind> kinds;
};

TargetKind target_kind_of(Kind k) {
  switch (k) {
    case Kind::kInternetGateway:
      return TargetKind::kInternetGateway;
    case Kind::kVpnGateway:
      return TargetKind::kVpnGateway;
    case Kind::kVpcEndpoint:
      return TargetKind::kVpcEndpoint;
    case Kind::kEgressOnlyInternetGateway:
      return TargetKind::kEgressOnlyInternetGateway;
    default:
      return TargetKind::kInternetGateway;
  }
}

}  // namespace

bool Mapper::vpc(const ResourceDecl& r) {
  Props p(*this, r);
  if (!p.has("CidrBlock") && p.has("Ipv4IpamPoolId")) {
    p.unusable("CidrBlock", "it is allocated from an IPAM pool", kReq, p.at());
    return p.skip();
  }
  auto cidr = p.prefix("CidrBlock", Family::kV4, kReq);
  auto dns = p.boolean("EnableDnsSupport");
  if (p.failed()) return p.skip();
  auto& vpc = add(r, n_.vpcs, Kind::kVpc);
  vpc.account = s_.account();
  vpc.region = s_.region();
  vpc.cidr_blocks.push_back(*cidr);
  if (dns) vpc.enable_dns_support = *dns;
  return true;
}

bool Mapper::vpc_cidr_block(const ResourceDecl& r) {
  Props p(*this, r);
  Value vpc_value = p.get("VpcId");
  model::Ref vpc = p.ref_value(vpc_value, "VpcId", {Kind::kVpc}, kReq);
  auto v4 = p.prefix("CidrBlock", Family::kV4, if_present(p, "CidrBlock"));
  auto v6 = p.prefix("Ipv6CidrBlock", Family::kV6, if_present(p, "Ipv6CidrBlock"));
  auto amazon = p.boolean("AmazonProvidedIpv6CidrBlock");
  if (p.failed()) return p.skip();
  auto* v = target(n_.vpcs, Kind::kVpc, vpc, r);
  if (!v) return false;
  if (v4) v->cidr_blocks.push_back(*v4);
  if (v6) v->ipv6_cidr_blocks.push_back(*v6);
  if (amazon.value_or(false)) {
    // vpc-cidr-blocks: AWS picks the /56; the stand-in is what Fn::GetAtt VPC.Ipv6CidrBlocks says.
    const Prefix block =
        s_.amazon_ipv6_block(vpc_value.resource.empty() ? vpc.text : vpc_value.resource);
    v->ipv6_cidr_blocks.push_back(block);
    s_.gap(Gap::kStandIn, "AmazonProvidedIpv6CidrBlock", s_.at(*r.key), r.logical_id,
           "AmazonProvidedIpv6CidrBlock: AWS picks the VPC's /56 at creation; using " +
               block.str() + " (documentation range) as its stand-in",
           "blocks derived from it (Fn::GetAtt VPC.Ipv6CidrBlocks, Fn::Cidr) follow it");
  }
  if (!v4 && !v6 && !amazon.value_or(false)) {
    p.unusable("CidrBlock", "no CidrBlock, Ipv6CidrBlock or AmazonProvidedIpv6CidrBlock", kReq,
               p.at());
    return p.skip();
  }
  return true;
}

bool Mapper::subnet(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  auto v4 = p.prefix("CidrBlock", Family::kV4, if_present(p, "CidrBlock"));
  auto v6 = p.prefix("Ipv6CidrBlock", Family::kV6, if_present(p, "Ipv6CidrBlock"));
  auto az = p.text("AvailabilityZone", if_present(p, "AvailabilityZone"));
  if (!az) az = p.text("AvailabilityZoneId");
  auto public_ip = p.boolean("MapPublicIpOnLaunch");
  auto assign_ipv6 = p.boolean("AssignIpv6AddressOnCreation");
  if (p.failed()) return p.skip();
  auto& s = add(r, n_.subnets, Kind::kSubnet);
  s.vpc = vpc;
  s.cidr_block = v4;
  s.ipv6_cidr_block = v6;
  if (az) s.availability_zone = *az;
  map_public_ip_[s.id] = public_ip.value_or(false);
  // AWS::EC2::Subnet AssignIpv6AddressOnCreation: interfaces created in the subnet get an IPv6
  // address.
  assign_ipv6_[s.id] = assign_ipv6.value_or(false);
  return true;
}

bool Mapper::subnet_cidr_block(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  if (!p.has("Ipv6CidrBlock") && p.has("Ipv6IpamPoolId")) {
    p.unusable("Ipv6CidrBlock", "it is allocated from an IPAM pool", kReq, p.at());
  }
  auto v6 = p.prefix("Ipv6CidrBlock", Family::kV6, kReq);
  if (p.failed()) return p.skip();
  auto* s = target(n_.subnets, Kind::kSubnet, subnet, r);
  if (!s) return false;
  // AWS::EC2::SubnetCidrBlock associates one IPv6 block; a subnet has at most one.
  if (s->ipv6_cidr_block && *s->ipv6_cidr_block != *v6) {
    s_.error(s_.at(*r.key), r.logical_id,
             "subnet " + s->id + " already has the IPv6 CIDR block " + s->ipv6_cidr_block->str(),
             "a subnet has at most one IPv6 CIDR block");
    return false;
  }
  s->ipv6_cidr_block = v6;
  if (s->stand_in.empty()) s->stand_in = stand_in(r.logical_id);
  return true;
}

bool Mapper::route_table(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  if (p.failed()) return p.skip();
  add(r, n_.route_tables, Kind::kRouteTable).vpc = vpc;
  return true;
}

bool Mapper::route(const ResourceDecl& r) {
  static const TargetProperty kTargets[] = {
      {"GatewayId",
       TargetKind::kInternetGateway,
       {Kind::kInternetGateway, Kind::kVpnGateway, Kind::kVpcEndpoint,
        Kind::kEgressOnlyInternetGateway}},
      {"NatGatewayId", TargetKind::kNatGateway, {Kind::kNatGateway}},
      {"TransitGatewayId", TargetKind::kTransitGateway, {Kind::kTransitGateway}},
      {"VpcPeeringConnectionId", TargetKind::kVpcPeeringConnection, {Kind::kVpcPeeringConnection}},
      {"NetworkInterfaceId", TargetKind::kNetworkInterface, {Kind::kNetworkInterface}},
      {"InstanceId", TargetKind::kInstance, {Kind::kInstance}},
      {"VpcEndpointId", TargetKind::kVpcEndpoint, {Kind::kVpcEndpoint}},
      {"EgressOnlyInternetGatewayId",
       TargetKind::kEgressOnlyInternetGateway,
       {Kind::kEgressOnlyInternetGateway}},
      {"CarrierGatewayId", TargetKind::kUnsupported, {}},
      {"LocalGatewayId", TargetKind::kUnsupported, {}},
      {"CoreNetworkArn", TargetKind::kUnsupported, {}},
  };
  Props p(*this, r);
  model::Ref table = p.ref("RouteTableId", {Kind::kRouteTable}, kReq);
  if (p.failed()) return p.skip();
  model::Route route;
  route.at = s_.at(*r.key);
  // A destination not known offline (a stand-in, an unanswered import, another stack's prefix
  // list) keeps the route, marked unknown: it might win any lookup of its table.
  std::string unknown;
  if (p.has("DestinationCidrBlock")) {
    unknown = p.unknown("DestinationCidrBlock");
    if (unknown.empty()) route.destination = p.prefix("DestinationCidrBlock", Family::kV4, kReq);
  } else if (p.has("DestinationIpv6CidrBlock")) {
    unknown = p.unknown("DestinationIpv6CidrBlock");
    if (unknown.empty())
      route.destination = p.prefix("DestinationIpv6CidrBlock", Family::kV6, kReq);
  } else if (p.has("DestinationPrefixListId")) {
    unknown = p.unknown("DestinationPrefixListId");
    if (unknown.empty())
      route.destination_prefix_list = p.ref("DestinationPrefixListId", {Kind::kPrefixList}, kReq);
    route.origin = model::RouteOrigin::kPrefixList;
    if (std::string why = p.take_left_out(); !why.empty()) unknown = why;
  } else {
    p.text("DestinationCidrBlock", kReq);
  }
  if (p.failed()) return p.skip();
  route.unknown = unknown;

  const TargetProperty* written = nullptr;
  for (const auto& t : kTargets) {
    if (p.has(t.key)) {
      written = &t;
      break;
    }
  }
  if (!written) {
    s_.error(p.at(), r.logical_id, "a route needs a target",
             "set GatewayId, NatGatewayId, TransitGatewayId, VpcPeeringConnectionId, "
             "NetworkInterfaceId, InstanceId or VpcEndpointId");
    return false;
  }
  route.target_kind = written->kind;
  std::string unusable;
  if (written->kind != TargetKind::kUnsupported) {
    Value v = p.get(written->key);
    if (written->key == "GatewayId" && v.is_string() && v.text == "local") {
      route.target_kind = TargetKind::kLocal;
    } else {
      route.target = p.ref_value(v, written->key, written->kinds, kReq);
      if (auto key = route.target.empty() ? std::nullopt : mapped(v.resource);
          key && written->key == "GatewayId") {
        route.target_kind = target_kind_of(key->kind);
      }
      if (p.failed()) {
        unusable = p.take_left_out();
        if (unusable.empty()) return false;  // an error, already reported
        route.target_kind = TargetKind::kUnsupported;
      }
    }
  } else {
    unusable = "`" + std::string(written->key) + "` leads to something cloudtwin does not model";
  }

  auto* table_p = target(n_.route_tables, Kind::kRouteTable, table, r);
  if (!table_p) return false;
  auto& rt = *table_p;
  if (!unusable.empty()) {
    // A route that leads nowhere modelled is kept, so traces that take it say so; where AWS
    // allows only modelled targets (gateway route tables, routes inside the VPC) it is left out.
    bool inside = false;
    if (model::Index vi = locate(Kind::kVpc, rt.vpc.text);
        vi != model::kNone && route.destination) {
      const auto& v = n_.vpcs[vi];
      for (const auto* blocks : {&v.cidr_blocks, &v.ipv6_cidr_blocks}) {
        for (const auto& b : *blocks) inside = inside || b.contains(*route.destination);
      }
    }
    if (!rt.gateways.empty() || inside) {
      s_.gap(Gap::kLeftOut, r.type, route.at, r.logical_id,
             r.logical_id + " (AWS::EC2::Route) is left out: " + unusable);
      return false;
    }
    s_.gap(Gap::kUnmodelledTarget, r.type, route.at, r.logical_id,
           "route " + r.logical_id + " is kept with a target cloudtwin does not model (" +
               unusable + "); traces that take it stop there");
  }
  if (!unknown.empty()) {
    s_.gap(Gap::kUnknownValue, r.type, route.at, r.logical_id,
           "the destination of route " + r.logical_id + " is not known (" + unknown +
               "): it might win any lookup of " + rt.id +
               ", so answers through that table are "
               "inconclusive");
  }
  rt.routes.push_back(std::move(route));
  return true;
}

bool Mapper::subnet_route_table_association(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref table = p.ref("RouteTableId", {Kind::kRouteTable}, kReq);
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  if (p.failed()) return p.skip();
  if (auto* t = target(n_.route_tables, Kind::kRouteTable, table, r)) t->subnets.push_back(subnet);
  return true;
}

bool Mapper::gateway_route_table_association(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref table = p.ref("RouteTableId", {Kind::kRouteTable}, kReq);
  model::Ref gateway = p.ref("GatewayId", {Kind::kInternetGateway, Kind::kVpnGateway}, kReq);
  if (p.failed()) return p.skip();
  if (auto* t = target(n_.route_tables, Kind::kRouteTable, table, r))
    t->gateways.push_back(gateway);
  return true;
}

bool Mapper::internet_gateway(const ResourceDecl& r) {
  add(r, n_.internet_gateways, Kind::kInternetGateway);
  return true;
}

bool Mapper::egress_only_internet_gateway(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  if (p.failed()) return p.skip();
  add(r, n_.egress_only_internet_gateways, Kind::kEgressOnlyInternetGateway).vpc = vpc;
  return true;
}

bool Mapper::vpc_gateway_attachment(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  if (!p.has("InternetGatewayId") && !p.has("VpnGatewayId")) {
    s_.error(p.at(), r.logical_id,
             "a VPC gateway attachment needs InternetGatewayId or VpnGatewayId");
    return false;
  }
  const bool igw = p.has("InternetGatewayId");
  model::Ref gateway = igw ? p.ref("InternetGatewayId", {Kind::kInternetGateway}, kReq)
                           : p.ref("VpnGatewayId", {Kind::kVpnGateway}, kReq);
  if (p.failed()) return p.skip();
  if (igw) {
    if (auto* t = target(n_.internet_gateways, Kind::kInternetGateway, gateway, r)) t->vpc = vpc;
  } else {
    if (auto* t = target(n_.vpn_gateways, Kind::kVpnGateway, gateway, r)) t->vpc = vpc;
  }
  return true;
}

bool Mapper::nat_gateway(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  auto type = p.text("ConnectivityType");
  const bool is_private = type && *type == "private";
  // nat-gateway-basics.html: a public NAT gateway needs an Elastic IP; a private one has none.
  model::Ref eip = is_private ? model::Ref{} : p.ref("AllocationId", {Kind::kElasticIp}, kReq);
  auto private_ip = p.address("PrivateIpAddress", Family::kV4, if_present(p, "PrivateIpAddress"));
  if (p.failed()) return p.skip();
  auto& nat = add(r, n_.nat_gateways, Kind::kNatGateway);
  nat.subnet = subnet;
  nat.private_connectivity = is_private;
  nat.elastic_ip = eip;
  nat.private_ip = private_ip;
  return true;
}

bool Mapper::eip(const ResourceDecl& r) {
  auto& eip = add(r, n_.elastic_ips, Kind::kElasticIp);
  eip.public_ip = r.public_ip.value_or(IpAddress::v4(0));
  return true;
}

bool Mapper::eip_instance(const ResourceDecl& r) {
  Props p(*this, r);
  if (!p.has("InstanceId")) return true;
  auto key = mapped(r.logical_id);
  if (!key) return false;
  model::Ref instance = p.ref("InstanceId", {Kind::kInstance});
  if (!instance.empty()) n_.elastic_ips[key->index].instance = instance;
  return true;
}

bool Mapper::eip_association(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref eip;
  if (p.has("AllocationId")) {
    eip = p.ref("AllocationId", {Kind::kElasticIp}, kReq);
  } else if (p.has("EIP")) {
    Value v = p.get("EIP");
    if (v.resource.empty() && v.is_string()) {
      // A literal address: an Elastic IP of an input read before this one.
      auto a = IpAddress::parse(v.text);
      for (const auto& e : n_.elastic_ips) {
        if (a && e.public_ip == *a) eip = {e.id, v.at};
      }
      if (eip.empty()) p.unusable("EIP", "`" + v.text + "` is not a known Elastic IP", kReq, v.at);
    } else {
      eip = p.ref_value(v, "EIP", {Kind::kElasticIp}, kReq);
    }
  } else {
    p.text("AllocationId", kReq);
  }
  model::Ref instance = p.ref("InstanceId", {Kind::kInstance}, if_present(p, "InstanceId"));
  model::Ref eni =
      p.ref("NetworkInterfaceId", {Kind::kNetworkInterface}, if_present(p, "NetworkInterfaceId"));
  auto private_ip = p.address("PrivateIpAddress", Family::kV4, if_present(p, "PrivateIpAddress"));
  if (p.failed()) return p.skip();
  auto* e_p = target(n_.elastic_ips, Kind::kElasticIp, eip, r);
  if (!e_p) return false;
  auto& e = *e_p;
  if (!instance.empty()) e.instance = instance;
  if (!eni.empty()) e.network_interface = eni;
  if (private_ip) e.private_ip = private_ip;
  return true;
}

bool Mapper::prefix_list(const ResourceDecl& r) {
  Props p(*this, r);
  auto name = p.text("PrefixListName", kReq);
  auto family = p.text("AddressFamily");
  Value entries = p.get("Entries");
  if (p.failed()) return p.skip();
  auto& pl = add(r, n_.prefix_lists, Kind::kPrefixList);
  pl.prefix_list_name = *name;
  if (family) pl.address_family = *family == "IPv6" ? Family::kV6 : Family::kV4;
  for (const auto& e : entries.items) {
    Props ep(*this, r, &e);
    if (auto c = ep.prefix("Cidr", pl.address_family, kReq)) pl.entries.push_back(*c);
  }
  return true;
}

bool Mapper::vpc_peering_connection(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref requester = p.ref("VpcId", {Kind::kVpc}, kReq);
  model::Ref accepter = p.ref("PeerVpcId", {Kind::kVpc}, kReq);
  if (p.failed()) return p.skip();
  auto& pcx = add(r, n_.vpc_peering_connections, Kind::kVpcPeeringConnection);
  pcx.requester_vpc = requester;
  pcx.accepter_vpc = accepter;
  return true;
}

bool Mapper::vpc_endpoint(const ResourceDecl& r) {
  Props p(*this, r);
  const std::string type = p.text("VpcEndpointType").value_or("Gateway");
  auto kind = model::parse_vpc_endpoint_type(type);
  if (!kind || *kind == model::VpcEndpointType::kFirewall) {
    s_.gap(Gap::kIgnoredType, r.type + " (" + type + ")", p.at(), r.logical_id,
           "ignored: " + type + " endpoint " + r.logical_id +
               " (cloudtwin models Gateway, Interface and GatewayLoadBalancer endpoints); routes "
               "to it lead nowhere modelled");
    return false;
  }
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  auto service = p.text("ServiceName", kReq);
  if (p.failed()) return p.skip();
  const bool gateway = *kind == model::VpcEndpointType::kGateway;
  std::vector<model::Ref> tables, subnets, groups;
  if (gateway) {
    tables = p.refs("RouteTableIds", {Kind::kRouteTable});
  } else {
    subnets = p.refs("SubnetIds", {Kind::kSubnet});
    groups = p.refs("SecurityGroupIds", {Kind::kSecurityGroup});
  }
  // The service's AWS-managed prefix list is made by load_network() for every format alike.
  auto& ep = add(r, n_.vpc_endpoints, Kind::kVpcEndpoint);
  ep.vpc = vpc;
  ep.type = *kind;
  ep.service_name = *service;
  ep.route_tables = std::move(tables);
  ep.subnets = std::move(subnets);
  ep.security_groups = std::move(groups);
  return true;
}

}  // namespace cloudtwin::load::cfn
