// VPCs and what lives directly in them: CIDR block associations, subnets, route tables, routes
// and their associations, internet, egress-only and NAT gateways, Elastic IPs, prefix lists,
// peering connections and VPC endpoints (as cloudformation_resources_vpc.cc).
#include <algorithm>
#include <array>

#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using json::Value;
using model::Index;
using model::Kind;
using model::Ref;

namespace {

struct TargetAttr {
  std::string_view attr;
  model::TargetKind kind;
  std::array<std::string_view, 3> type_list;  // resource types it may name; "" unused

  [[nodiscard]] std::vector<std::string_view> types() const {
    std::vector<std::string_view> out;
    for (auto t : type_list) {
      if (!t.empty()) out.push_back(t);
    }
    return out;
  }
};
const std::array<TargetAttr, 11>& target_attrs() {
  using model::TargetKind;
  static constexpr std::array<TargetAttr, 11> kTargets{{
      {"gateway_id",
       TargetKind::kInternetGateway,
       {"aws_internet_gateway", "aws_vpn_gateway", "aws_vpc_endpoint"}},
      {"nat_gateway_id", TargetKind::kNatGateway, {"aws_nat_gateway", "", ""}},
      {"transit_gateway_id", TargetKind::kTransitGateway, {"aws_ec2_transit_gateway", "", ""}},
      {"vpc_peering_connection_id",
       TargetKind::kVpcPeeringConnection,
       {"aws_vpc_peering_connection", "", ""}},
      {"egress_only_gateway_id",
       TargetKind::kEgressOnlyInternetGateway,
       {"aws_egress_only_internet_gateway", "", ""}},
      {"vpc_endpoint_id",
       TargetKind::kVpcEndpoint,
       {"aws_vpc_endpoint", "aws_networkfirewall_firewall", ""}},
      {"network_interface_id", TargetKind::kNetworkInterface, {"aws_network_interface", "", ""}},
      {"instance_id", TargetKind::kInstance, {"aws_instance", "", ""}},
      {"carrier_gateway_id", TargetKind::kUnsupported, {"aws_ec2_carrier_gateway", "", ""}},
      {"local_gateway_id", TargetKind::kUnsupported, {"", "", ""}},
      {"core_network_arn", TargetKind::kUnsupported, {"", "", ""}},
  }};
  return kTargets;
}

}  // namespace

// A route of an aws_route_table `route` block or an aws_route; nullopt for `local`, which
// finalize() materialises, or on error.
std::optional<model::Route> Mapper::route(Res& res, const Value& item, bool split) {
  model::Route r;
  r.at = rd.at(item);
  const char* v4_key = split ? "destination_cidr_block" : "cidr_block";
  const char* v6_key = split ? "destination_ipv6_cidr_block" : "ipv6_cidr_block";
  auto v4 = rd.prefix(item.get(v4_key), v4_key, Family::kV4);
  auto v6 = rd.prefix(item.get(v6_key), v6_key, Family::kV6);
  const char* pl_key = "destination_prefix_list_id";
  if (v4)
    r.destination = v4;
  else if (v6)
    r.destination = v6;
  else if (auto pl = rd.str(item.get(pl_key), pl_key)) {
    r.destination_prefix_list = {std::string(*pl), rd.at(item.get(pl_key))};
    r.origin = model::RouteOrigin::kPrefixList;
  } else {
    if (!split || !plan.is_plan) {
      rd.error(item.offset(), rd.resource(),
               "a route needs a destination CIDR block or prefix list");
      return std::nullopt;
    }
    // Kept with its destination unknown: it might win any lookup of its table, so those
    // lookups are inconclusive rather than decided without it.
    rd.gap(Gap::kUnknownValue, "destination", res.offset, res.address,
           "the route's destination is unknown until apply; lookups in its route table are "
           "inconclusive");
    r.unknown = "the destination is known after apply";
  }
  // A route to an instance names its ENI too; the ENI is the more precise target.
  std::vector<const TargetAttr*> order;
  for (const auto& t : target_attrs()) order.push_back(&t);
  std::stable_partition(order.begin(), order.end(),
                        [](const TargetAttr* t) { return t->attr == "network_interface_id"; });
  for (const TargetAttr* t : order) {
    Value v = item.get(t->attr);
    if (auto s = rd.str(v, t->attr)) {
      if (*s == "local") return std::nullopt;
      r.target = {std::string(*s), rd.at(v)};
      r.target_kind = t->kind;
      if (t->attr == "gateway_id") {
        if (s->starts_with("vgw-")) r.target_kind = model::TargetKind::kVpnGateway;
        if (s->starts_with("vpce-")) r.target_kind = model::TargetKind::kVpcEndpoint;
      }
      break;
    }
  }
  if (r.target.empty() && plan.is_plan) {
    for (const TargetAttr* t : order) {
      const auto types = t->types();
      if (types.empty()) continue;
      const std::string attr = split ? std::string(t->attr) : "route." + std::string(t->attr);
      auto found = refs(res, attr, types, false);
      if (found.empty()) continue;
      r.target = found.front();
      r.target_kind = t->kind;
      std::string_view addr = r.target.text;
      Address a = parse_address(addr);
      if (a.local.starts_with("aws_vpn_gateway.")) r.target_kind = model::TargetKind::kVpnGateway;
      if (a.local.starts_with("aws_vpc_endpoint.")) r.target_kind = model::TargetKind::kVpcEndpoint;
      break;
    }
  }
  if (r.target.empty()) {
    if (plan.is_plan) {
      rd.gap(Gap::kUnknownValue, "target", res.offset, res.address,
             "the route's target is unknown until apply; the route is left out");
    } else {
      rd.error(item.offset(), rd.resource(),
               "a route needs a target (gateway_id, nat_gateway_id, ...)");
    }
    return std::nullopt;
  }
  if (auto state = rd.str(item.get("state"), "state")) r.blackhole = *state == "blackhole";
  return r;
}

void Mapper::vpc(Res& res) {
  if (res.type == "aws_default_vpc") {
    // Several modules may adopt the same default VPC.
    auto id = str(res, "id");
    if (id &&
        std::any_of(net.vpcs.begin(), net.vpcs.end(), [&](const auto& v) { return v.id == *id; })) {
      aliases.push_back({res.address, Kind::kVpc, std::string(*id), res.at});
      return;
    }
  }
  auto& v = add(res, net.vpcs, Kind::kVpc);
  if (auto arn = str(res, "arn")) {
    // arn:aws:ec2:<region>:<account>:vpc/<id>
    auto parts = segments_of(*arn, ':');
    if (parts.size() >= 5) {
      v.region = std::string(parts[3]);
      v.account = std::string(parts[4]);
    }
  } else if (auto owner = str(res, "owner_id")) {
    v.account = std::string(*owner);
  }
  if (v.region.empty()) v.region = plan.region;
  if (auto p = rd.prefix(res.v.get("cidr_block"), "cidr_block", Family::kV4)) {
    v.cidr_blocks.push_back(*p);
  } else if (unknown(res, "cidr_block")) {
    res.unknown.emplace_back("cidr_block");
  }
  if (auto p = rd.prefix(res.v.get("ipv6_cidr_block"), "ipv6_cidr_block", Family::kV6)) {
    v.ipv6_cidr_blocks.push_back(*p);
  }
  if (auto b = rd.boolean(res.v.get("enable_dns_support"), "enable_dns_support")) {
    v.enable_dns_support = *b;
  }
  VpcDefaults d;
  d.vpc = v.id;
  d.at = v.at;
  d.ipv6 = !v.ipv6_cidr_blocks.empty();
  if (auto s = str(res, "default_security_group_id")) d.security_group = *s;
  if (auto s = str(res, "default_network_acl_id")) d.network_acl = *s;
  if (auto s = str(res, "main_route_table_id")) d.main_route_table = *s;
  vpc_defaults.push_back(std::move(d));
}

void Mapper::vpc_cidr_association(Res& res, bool v6) {
  Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  const char* key = v6 ? "ipv6_cidr_block" : "cidr_block";
  auto p = rd.prefix(res.v.get(key), key, v6 ? Family::kV6 : Family::kV4);
  if (!p || vpc.empty()) return;
  pending.push_back([this, vpc, p, v6, address = res.address] {
    if (auto i = find(Kind::kVpc, vpc, address)) {
      auto& blocks = v6 ? net.vpcs[*i].ipv6_cidr_blocks : net.vpcs[*i].cidr_blocks;
      if (std::find(blocks.begin(), blocks.end(), *p) == blocks.end()) blocks.push_back(*p);
    }
  });
}

void Mapper::subnet(Res& res) {
  auto& s = add(res, net.subnets, Kind::kSubnet);
  s.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  if (auto az = str(res, "availability_zone")) s.availability_zone = *az;
  s.cidr_block = rd.prefix(res.v.get("cidr_block"), "cidr_block", Family::kV4);
  s.ipv6_cidr_block = rd.prefix(res.v.get("ipv6_cidr_block"), "ipv6_cidr_block", Family::kV6);
  if (auto b = rd.boolean(res.v.get("map_public_ip_on_launch"), "map_public_ip_on_launch")) {
    map_public_ip[s.id] = *b;
  }
}

void Mapper::route_table(Res& res, bool is_default) {
  auto& t = add(res, net.route_tables, Kind::kRouteTable);
  const Index self = static_cast<Index>(net.route_tables.size() - 1);
  t.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  t.main = is_default;
  for (const auto& g : rd.strings(res.v.get("propagating_vgws"), "propagating_vgws")) {
    t.propagating_vgws.push_back({std::string(g), res.at});
  }
  for (const auto& item : res.v.get("route").items()) {
    if (auto r = route(res, item, false)) net.route_tables[self].routes.push_back(*r);
  }
}

void Mapper::route_split(Res& res) {
  rd.set_resource(res.address);
  Ref table = ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"});
  auto r = route(res, res.v, true);
  if (!r || table.empty()) return;
  pending.push_back([this, table, r = *r, address = res.address] {
    auto i = find(Kind::kRouteTable, table, address);
    if (!i) return;
    auto& routes = net.route_tables[*i].routes;
    // The table's `route` blocks list routes made by aws_route as well.
    bool dup = std::any_of(routes.begin(), routes.end(), [&](const model::Route& x) {
      return x.destination == r.destination &&
             x.destination_prefix_list.text == r.destination_prefix_list.text;
    });
    if (!dup) routes.push_back(r);
  });
}

void Mapper::route_table_association(Res& res) {
  rd.set_resource(res.address);
  Ref table = ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"});
  Ref subnet = ref(res, "subnet_id", {"aws_subnet"});
  Ref gateway = ref(res, "gateway_id", {"aws_internet_gateway", "aws_vpn_gateway"});
  if (table.empty()) return;
  pending.push_back([this, table, subnet, gateway, address = res.address] {
    auto i = find(Kind::kRouteTable, table, address);
    if (!i) return;
    auto& t = net.route_tables[*i];
    auto add_once = [](std::vector<Ref>& list, const Ref& r) {
      if (r.empty()) return;
      if (std::none_of(list.begin(), list.end(), [&](const Ref& x) { return x.text == r.text; })) {
        list.push_back(r);
      }
    };
    add_once(t.subnets, subnet);
    add_once(t.gateways, gateway);
  });
}

void Mapper::main_route_table_association(Res& res) {
  rd.set_resource(res.address);
  Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  Ref table = ref(res, "route_table_id", {"aws_route_table"});
  if (table.empty()) return;
  main_associated_vpcs.insert(vpc.text);
  pending.push_back([this, table, address = res.address] {
    if (auto i = find(Kind::kRouteTable, table, address)) net.route_tables[*i].main = true;
  });
}

void Mapper::internet_gateway(Res& res) {
  auto& g = add(res, net.internet_gateways, Kind::kInternetGateway);
  g.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
}

void Mapper::gateway_attachment(Res& res, Kind kind, std::string_view attr,
                                const std::vector<std::string_view>& types) {
  rd.set_resource(res.address);
  Ref gw = ref(res, attr, types);
  Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  if (gw.empty() || vpc.empty()) return;
  pending.push_back([this, gw, vpc, kind, address = res.address] {
    auto i = find(kind, gw, address);
    if (!i) return;
    if (kind == Kind::kInternetGateway)
      net.internet_gateways[*i].vpc = vpc;
    else
      net.vpn_gateways[*i].vpc = vpc;
  });
}

void Mapper::egress_only_internet_gateway(Res& res) {
  auto& g = add(res, net.egress_only_internet_gateways, Kind::kEgressOnlyInternetGateway);
  g.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
}

void Mapper::nat_gateway(Res& res) {
  auto& g = add(res, net.nat_gateways, Kind::kNatGateway);
  const Index self = static_cast<Index>(net.nat_gateways.size() - 1);
  g.subnet = ref(res, "subnet_id", {"aws_subnet"});
  if (auto c = str(res, "connectivity_type")) g.private_connectivity = *c == "private";
  g.private_ip = rd.address(res.v.get("private_ip"), "private_ip", Family::kV4);
  g.public_ip = rd.address(res.v.get("public_ip"), "public_ip", Family::kV4);
  Ref eip = ref(res, "allocation_id", {"aws_eip"});
  auto& x = net.nat_gateways[self];
  x.elastic_ip = eip;
  // An Elastic IP the plan cannot name (a variable, a module output) still gives the public
  // NAT gateway an address once applied.
  if (eip.empty() && !x.private_connectivity && !x.public_ip && plan.is_plan &&
      configured(res, "allocation_id")) {
    x.public_ip = placeholder_ip(res, "public_ip");
  }
}

void Mapper::eip(Res& res) {
  auto& e = add(res, net.elastic_ips, Kind::kElasticIp);
  const Index self = static_cast<Index>(net.elastic_ips.size() - 1);
  auto pub = rd.address(res.v.get("public_ip"), "public_ip", Family::kV4);
  if (!pub) pub = placeholder_ip(res, "public_ip");
  e.public_ip = *pub;
  Ref instance = ref(res, "instance", {"aws_instance"});
  Ref eni = ref(res, "network_interface", {"aws_network_interface"});
  auto priv =
      rd.address(res.v.get("associate_with_private_ip"), "associate_with_private_ip", Family::kV4);
  auto& x = net.elastic_ips[self];
  // An EIP on an instance's primary ENI: the state names both.
  if (!eni.empty())
    x.network_interface = eni;
  else
    x.instance = instance;
  x.private_ip = priv;
}

void Mapper::eip_association(Res& res) {
  rd.set_resource(res.address);
  Ref eip = ref(res, "allocation_id", {"aws_eip"});
  Ref instance = ref(res, "instance_id", {"aws_instance"});
  Ref eni = ref(res, "network_interface_id", {"aws_network_interface"});
  auto priv = rd.address(res.v.get("private_ip_address"), "private_ip_address", Family::kV4);
  if (eip.empty()) return;
  pending.push_back([this, eip, instance, eni, priv, address = res.address] {
    auto i = find(Kind::kElasticIp, eip, address);
    if (!i) return;
    auto& e = net.elastic_ips[*i];
    if (!eni.empty()) {
      e.network_interface = eni;
      e.instance = {};
    } else if (!instance.empty()) {
      e.instance = instance;
      e.network_interface = {};
    }
    if (priv) e.private_ip = priv;
  });
}

void Mapper::prefix_list(Res& res) {
  auto& p = add(res, net.prefix_lists, Kind::kPrefixList);
  const Index self = static_cast<Index>(net.prefix_lists.size() - 1);
  if (auto n = str(res, "name")) p.prefix_list_name = *n;
  if (auto f = str(res, "address_family"))
    p.address_family = *f == "IPv6" ? Family::kV6 : Family::kV4;
  std::vector<Prefix> entries;
  for (const auto& e : res.v.get("entry").items()) {
    if (auto c = rd.prefix(e.get("cidr"), "cidr")) entries.push_back(*c);
  }
  for (const auto& e : res.v.get("entries").items()) {
    if (auto c = rd.prefix(e.get("cidr"), "cidr")) entries.push_back(*c);
  }
  for (const auto& c : res.v.get("cidr_blocks").items()) {
    if (auto x = rd.prefix(c, "cidr_blocks")) entries.push_back(*x);
  }
  net.prefix_lists[self].entries = std::move(entries);
}

void Mapper::prefix_list_entry(Res& res) {
  rd.set_resource(res.address);
  Ref pl = ref(res, "prefix_list_id", {"aws_ec2_managed_prefix_list"});
  auto c = rd.prefix(res.v.get("cidr"), "cidr");
  if (pl.empty() || !c) return;
  pending.push_back([this, pl, c, address = res.address] {
    if (auto i = find(Kind::kPrefixList, pl, address)) {
      auto& e = net.prefix_lists[*i].entries;
      if (std::find(e.begin(), e.end(), *c) == e.end()) e.push_back(*c);
    }
  });
}

void Mapper::peering(Res& res, bool accepter) {
  if (accepter) {
    // The accepter side of a connection this file also creates is the same connection.
    Ref pcx = ref(res, "vpc_peering_connection_id", {"aws_vpc_peering_connection"});
    if (!pcx.empty() &&
        (std::any_of(net.vpc_peering_connections.begin(), net.vpc_peering_connections.end(),
                     [&](const auto& p) { return p.id == pcx.text; }) ||
         plan.planned.contains(pcx.text))) {
      return;
    }
  }
  auto& p = add(res, net.vpc_peering_connections, Kind::kVpcPeeringConnection);
  const Index self = static_cast<Index>(net.vpc_peering_connections.size() - 1);
  if (accepter) {
    if (auto id = str(res, "vpc_peering_connection_id")) p.id = *id;
  }
  Ref a = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  Ref b = ref(res, "peer_vpc_id", {"aws_vpc", "aws_default_vpc"});
  auto status = str(res, "accept_status");
  auto& x = net.vpc_peering_connections[self];
  x.requester_vpc = accepter ? b : a;
  x.accepter_vpc = accepter ? a : b;
  if (status)
    x.status = *status;
  else if (plan.is_plan)
    x.status = "active";
}

void Mapper::vpc_endpoint(Res& res) {
  auto& e = add(res, net.vpc_endpoints, Kind::kVpcEndpoint);
  const Index self = static_cast<Index>(net.vpc_endpoints.size() - 1);
  if (auto t = str(res, "vpc_endpoint_type")) {
    if (auto k = model::parse_vpc_endpoint_type(*t); k && *k != model::VpcEndpointType::kFirewall)
      e.type = *k;
    else
      rd.error(res.v.get("vpc_endpoint_type").offset(), rd.resource(),
               "unknown VPC endpoint type `" + std::string(*t) + "`",
               "Gateway, Interface or GatewayLoadBalancer");
  }
  if (auto s = str(res, "service_name")) e.service_name = *s;
  Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  auto tables = refs(res, "route_table_ids", {"aws_route_table", "aws_default_route_table"}, true);
  auto subnets = refs(res, "subnet_ids", {"aws_subnet"}, true);
  auto sgs = refs(res, "security_group_ids", {"aws_security_group"}, true);
  auto& x = net.vpc_endpoints[self];
  x.vpc = vpc;
  x.route_tables = std::move(tables);
  x.subnets = std::move(subnets);
  x.security_groups = std::move(sgs);
  // The service's prefix list is AWS's, not in the state: built from the endpoint's
  // `prefix_list_id` and `cidr_blocks` unless the file declares it.
  if (x.gateway()) {
    auto pl = str(res, "prefix_list_id");
    std::vector<Prefix> cidrs;
    for (const auto& c : res.v.get("cidr_blocks").items()) {
      if (auto p = rd.prefix(c, "cidr_blocks")) cidrs.push_back(*p);
    }
    const std::string service = x.service_name;
    if (pl) x.prefix_list = {std::string(*pl), at(res.v.get("prefix_list_id"))};
    pending.push_back(
        [this, pl = pl ? std::string(*pl) : std::string(), cidrs, service, at = res.at] {
          bool known =
              std::any_of(net.prefix_lists.begin(), net.prefix_lists.end(), [&](const auto& p) {
                return (!pl.empty() && p.id == pl) || p.prefix_list_name == service;
              });
          if (known || service.empty()) return;
          model::PrefixList p;
          p.id = pl.empty() ? "pl-" + service : pl;
          p.prefix_list_name = service;
          p.entries = cidrs;
          p.at = at;
          net.prefix_lists.push_back(std::move(p));
        });
  }
}

void Mapper::endpoint_association(Res& res, Kind what) {
  rd.set_resource(res.address);
  Ref ep = ref(res, "vpc_endpoint_id", {"aws_vpc_endpoint"});
  Ref target = what == Kind::kRouteTable
                   ? ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"})
               : what == Kind::kSubnet ? ref(res, "subnet_id", {"aws_subnet"})
                                       : ref(res, "security_group_id", {"aws_security_group"});
  if (ep.empty() || target.empty()) return;
  pending.push_back([this, ep, target, what, address = res.address] {
    auto i = find(Kind::kVpcEndpoint, ep, address);
    if (!i) return;
    auto& e = net.vpc_endpoints[*i];
    auto& list = what == Kind::kRouteTable ? e.route_tables
                 : what == Kind::kSubnet   ? e.subnets
                                           : e.security_groups;
    if (std::none_of(list.begin(), list.end(), [&](const Ref& r) { return r.text == target.text; }))
      list.push_back(target);
  });
}

std::span<const Handler> vpc_types() {
  using Res = Mapper::Res;
  static constexpr Handler kTypes[] = {
      {"aws_vpc", [](Mapper& m, Res& r) { m.vpc(r); }},
      {"aws_default_vpc", [](Mapper& m, Res& r) { m.vpc(r); }},
      {"aws_vpc_ipv4_cidr_block_association",
       [](Mapper& m, Res& r) { m.vpc_cidr_association(r, false); }},
      {"aws_vpc_ipv6_cidr_block_association",
       [](Mapper& m, Res& r) { m.vpc_cidr_association(r, true); }},
      {"aws_subnet", [](Mapper& m, Res& r) { m.subnet(r); }},
      {"aws_default_subnet", [](Mapper& m, Res& r) { m.subnet(r); }},
      {"aws_route_table", [](Mapper& m, Res& r) { m.route_table(r, false); }},
      {"aws_default_route_table", [](Mapper& m, Res& r) { m.route_table(r, true); }},
      {"aws_route", [](Mapper& m, Res& r) { m.route_split(r); }},
      {"aws_route_table_association", [](Mapper& m, Res& r) { m.route_table_association(r); }},
      {"aws_main_route_table_association",
       [](Mapper& m, Res& r) { m.main_route_table_association(r); }},
      {"aws_internet_gateway", [](Mapper& m, Res& r) { m.internet_gateway(r); }},
      {"aws_internet_gateway_attachment",
       [](Mapper& m, Res& r) {
         m.gateway_attachment(r, Kind::kInternetGateway, "internet_gateway_id",
                              {"aws_internet_gateway"});
       }},
      {"aws_egress_only_internet_gateway",
       [](Mapper& m, Res& r) { m.egress_only_internet_gateway(r); }},
      {"aws_nat_gateway", [](Mapper& m, Res& r) { m.nat_gateway(r); }},
      {"aws_eip", [](Mapper& m, Res& r) { m.eip(r); }},
      {"aws_eip_association", [](Mapper& m, Res& r) { m.eip_association(r); }},
      {"aws_ec2_managed_prefix_list", [](Mapper& m, Res& r) { m.prefix_list(r); }},
      {"aws_ec2_managed_prefix_list_entry", [](Mapper& m, Res& r) { m.prefix_list_entry(r); }},
      // Data sources (`data.aws_prefix_list.s3`): prefix lists the configuration looks up.
      {"aws_prefix_list", [](Mapper& m, Res& r) { m.prefix_list(r); }, true},
      {"aws_ec2_managed_prefix_list", [](Mapper& m, Res& r) { m.prefix_list(r); }, true},
      {"aws_vpc_peering_connection", [](Mapper& m, Res& r) { m.peering(r, false); }},
      {"aws_vpc_peering_connection_accepter", [](Mapper& m, Res& r) { m.peering(r, true); }},
      {"aws_vpc_endpoint", [](Mapper& m, Res& r) { m.vpc_endpoint(r); }},
      {"aws_vpc_endpoint_route_table_association",
       [](Mapper& m, Res& r) { m.endpoint_association(r, Kind::kRouteTable); }},
      {"aws_vpc_endpoint_subnet_association",
       [](Mapper& m, Res& r) { m.endpoint_association(r, Kind::kSubnet); }},
      {"aws_vpc_endpoint_security_group_association",
       [](Mapper& m, Res& r) { m.endpoint_association(r, Kind::kSecurityGroup); }},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
