// Readers for VPCs and what lives directly in them: subnets, route tables and routes, internet,
// egress-only and NAT gateways, Elastic IPs, prefix lists, peering connections and endpoints.
#include <algorithm>
#include <array>

#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {
namespace {

using model::TargetKind;

// The keys a route may name its target with (CreateRoute's *Id parameters, without `_id`).
struct TargetKey {
  std::string_view key;
  TargetKind kind;
};
constexpr std::array<TargetKey, 13> kTargetKeys{{
    {"gateway", TargetKind::kInternetGateway},
    {"internet_gateway", TargetKind::kInternetGateway},
    {"egress_only_internet_gateway", TargetKind::kEgressOnlyInternetGateway},
    {"nat_gateway", TargetKind::kNatGateway},
    {"transit_gateway", TargetKind::kTransitGateway},
    {"vpc_peering_connection", TargetKind::kVpcPeeringConnection},
    {"network_interface", TargetKind::kNetworkInterface},
    {"instance", TargetKind::kInstance},
    {"vpc_endpoint", TargetKind::kVpcEndpoint},
    {"vpn_gateway", TargetKind::kVpnGateway},
    // Routes to these exist in AWS but lead nowhere cloudtwin models.
    {"carrier_gateway", TargetKind::kUnsupported},
    {"local_gateway", TargetKind::kUnsupported},
    {"core_network_arn", TargetKind::kUnsupported},
}};

// GatewayId accepts several kinds of gateway; the id prefix says which when it is an AWS id.
// finalize() corrects the kind from the resource the reference resolves to.
TargetKind gateway_kind(std::string_view id) {
  if (id.starts_with("vgw-")) return TargetKind::kVpnGateway;
  if (id.starts_with("vpce-")) return TargetKind::kVpcEndpoint;
  return TargetKind::kInternetGateway;
}

bool before(Location a, Location b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

void read_route(Value& item, model::RouteTable& rt) {
  std::vector<std::string_view> known{"destination", "destination_prefix_list", "state",
                                     "unknown"};
  for (const auto& t : kTargetKeys) known.push_back(t.key);
  Fields f = item.fields(std::move(known));
  f.check();
  if (!f.is_mapping()) return;
  model::Route& route = rt.routes.emplace_back();
  route.at = f.at();

  const bool has_cidr = f.has("destination");
  const bool has_list = f.has("destination_prefix_list");
  if (has_cidr && has_list) {
    const auto second = before(f.key_at("destination"), f.key_at("destination_prefix_list"))
                            ? "destination_prefix_list"
                            : "destination";
    f.error_at(second,
               "a route has one destination, not both `destination` and "
               "`destination_prefix_list`");
  } else if (!has_cidr && !has_list && !f.has("unknown")) {
    f.error("a route needs a `destination` (a CIDR block) or a `destination_prefix_list`",
            "or `unknown: WHY` when the destination is not known offline");
  }
  // A destination not known offline (docs/format.md): the route may win any lookup.
  if (auto why = f.get("unknown").text()) route.unknown = *why;
  if (has_cidr) route.destination = f.get("destination").prefix();
  if (has_list) {
    route.destination_prefix_list = f.get("destination_prefix_list").ref();
    route.origin = model::RouteOrigin::kPrefixList;
  }

  std::vector<const TargetKey*> targets;
  for (const auto& t : kTargetKeys) {
    if (f.has(t.key)) targets.push_back(&t);
  }
  std::sort(targets.begin(), targets.end(), [&](const TargetKey* a, const TargetKey* b) {
    return before(f.key_at(a->key), f.key_at(b->key));
  });
  if (targets.empty()) {
    f.error("a route needs a target",
            "add one of `gateway`, `nat_gateway`, `transit_gateway`, `vpc_peering_connection`, "
            "`network_interface`, `instance`, `vpc_endpoint`, ... (or `gateway: local`)");
  } else {
    for (std::size_t i = 1; i < targets.size(); ++i) {
      f.error_at(targets[i]->key,
                 "a route has exactly one target, but this one has `" +
                     std::string(targets[0]->key) + "` and `" + std::string(targets[i]->key) + "`",
                 "write each target as its own route");
    }
    const TargetKey& t = *targets.front();
    route.target = f.get(t.key).ref();
    route.target_kind = t.kind;
    if (t.key == "gateway") {
      if (route.target.text == "local") {
        route.target_kind = TargetKind::kLocal;
        route.target = {};
      } else {
        route.target_kind = gateway_kind(route.target.text);
      }
    }
  }
  if (auto state = f.get("state").choice({"active", "blackhole"})) {
    route.blackhole = *state == "blackhole";
  }
}

}  // namespace

void read_vpc(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "account", "region", "cidr_block", "secondary_cidr_blocks",
                          "ipv6_cidr_blocks", "enable_dns_support"});
  auto& vpc = add_resource(f, cx.network.vpcs, "vpc-");
  if (!f.is_mapping()) return;
  vpc.account = f.has("account") ? read_account(f.get("account")) : cx.account;
  vpc.region = f.has("region") ? read_region(f.get("region")) : cx.region;
  if (auto p = f.require("cidr_block").prefix(Family::kV4)) vpc.cidr_blocks.push_back(*p);
  for (const auto& p : f.prefixes("secondary_cidr_blocks", Family::kV4)) {
    vpc.cidr_blocks.push_back(p);
  }
  vpc.ipv6_cidr_blocks = f.prefixes("ipv6_cidr_blocks", Family::kV6);
  if (auto b = f.get("enable_dns_support").boolean()) vpc.enable_dns_support = *b;
}

void read_subnet(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "vpc", "availability_zone", "cidr_block", "ipv6_cidr_block",
                          "route_table", "network_acl"});
  auto& subnet = add_resource(f, cx.network.subnets, "subnet-");
  if (!f.is_mapping()) return;
  subnet.vpc = f.require("vpc").ref();
  if (auto az = f.get("availability_zone").text()) subnet.availability_zone = *az;
  subnet.cidr_block = f.get("cidr_block").prefix(Family::kV4);
  subnet.ipv6_cidr_block = f.get("ipv6_cidr_block").prefix(Family::kV6);
  subnet.route_table = f.get("route_table").ref();
  subnet.network_acl = f.get("network_acl").ref();
}

void read_route_table(Context& cx, Value& item) {
  Fields f = item.fields(
      {"id", "name", "vpc", "main", "subnets", "gateways", "propagating_vgws", "routes"});
  auto& rt = add_resource(f, cx.network.route_tables, "rtb-");
  if (!f.is_mapping()) return;
  rt.vpc = f.require("vpc").ref();
  if (auto b = f.get("main").boolean()) rt.main = *b;
  rt.subnets = f.refs("subnets");
  rt.gateways = f.refs("gateways");
  rt.propagating_vgws = f.refs("propagating_vgws");
  for (auto& route : f.get("routes").items()) read_route(route, rt);
}

void read_internet_gateway(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "vpc"});
  auto& igw = add_resource(f, cx.network.internet_gateways, "igw-");
  if (!f.is_mapping()) return;
  igw.vpc = f.get("vpc").ref();  // empty: detached
}

void read_egress_only_internet_gateway(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "vpc"});
  auto& eigw = add_resource(f, cx.network.egress_only_internet_gateways, "eigw-");
  if (!f.is_mapping()) return;
  eigw.vpc = f.require("vpc").ref();
}

void read_nat_gateway(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "subnet", "connectivity_type", "private_ip", "public_ip",
                          "elastic_ip", "state"});
  auto& nat = add_resource(f, cx.network.nat_gateways, "nat-");
  if (!f.is_mapping()) return;
  nat.subnet = f.require("subnet").ref();
  if (auto c = f.get("connectivity_type").choice({"public", "private"})) {
    nat.private_connectivity = *c == "private";
  }
  nat.private_ip = f.get("private_ip").address(Family::kV4);
  nat.public_ip = f.get("public_ip").address(Family::kV4);
  nat.elastic_ip = f.get("elastic_ip").ref();
  if (nat.private_connectivity) {
    // nat-gateway-basics.html: a private NAT gateway has no Elastic IP.
    for (std::string_view key : {"public_ip", "elastic_ip"}) {
      if (f.has(key)) {
        f.error_at(key, "a private NAT gateway has no public IP",
                   "remove `" + std::string(key) + "` or set `connectivity_type: public`");
      }
    }
  }
  if (auto s = f.get("state").choice({"pending", "failed", "available", "deleting", "deleted"})) {
    nat.state = *s;
  }
}

void read_elastic_ip(Context& cx, Value& item) {
  Fields f =
      item.fields({"id", "name", "public_ip", "network_interface", "instance", "private_ip"});
  auto& eip = add_resource(f, cx.network.elastic_ips, "eipalloc-");
  if (!f.is_mapping()) return;
  if (auto a = f.require("public_ip").address(Family::kV4)) eip.public_ip = *a;
  eip.network_interface = f.get("network_interface").ref();
  eip.instance = f.get("instance").ref();
  eip.private_ip = f.get("private_ip").address(Family::kV4);
}

void read_prefix_list(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "prefix_list_name", "address_family", "entries"});
  auto& pl = add_resource(f, cx.network.prefix_lists, "pl-");
  if (!f.is_mapping()) return;
  pl.prefix_list_name = pl.name;
  if (auto n = f.get("prefix_list_name").text()) pl.prefix_list_name = *n;
  if (auto family = f.get("address_family").choice({"IPv4", "IPv6"})) {
    pl.address_family = *family == "IPv4" ? Family::kV4 : Family::kV6;
  }
  // A prefix list holds one address family: the declared one, else that of its first entry.
  std::optional<Family> family = pl.address_family;
  for (auto& entry : f.get("entries").items()) {
    std::optional<Prefix> p;
    if (entry.is_mapping()) {
      Fields ef = entry.fields({"cidr", "description"});
      ef.check();
      ef.get("description").text(/*allow_empty=*/true);
      p = ef.require("cidr").prefix(family);
    } else {
      p = entry.prefix(family);
    }
    if (p) {
      pl.entries.push_back(*p);
      family = p->family();
    }
  }
}

void read_vpc_peering_connection(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "requester_vpc", "accepter_vpc", "status"});
  auto& pcx = add_resource(f, cx.network.vpc_peering_connections, "pcx-");
  if (!f.is_mapping()) return;
  pcx.requester_vpc = f.require("requester_vpc").ref();
  pcx.accepter_vpc = f.require("accepter_vpc").ref();
  if (auto s =
          f.get("status").choice({"initiating-request", "pending-acceptance", "active", "deleted",
                                  "rejected", "failed", "expired", "provisioning", "deleting"})) {
    pcx.status = *s;
  }
}

void read_vpc_endpoint(Context& cx, Value& item) {
  Fields f =
      item.fields({"id", "name", "vpc", "vpc_endpoint_type", "service_name", "route_tables",
                   "prefix_list", "subnets", "security_groups", "network_interfaces", "state"});
  auto& ep = add_resource(f, cx.network.vpc_endpoints, "vpce-");
  if (!f.is_mapping()) return;
  ep.vpc = f.require("vpc").ref();
  if (auto type =
          f.get("vpc_endpoint_type").choice({"Gateway", "Interface", "GatewayLoadBalancer"})) {
    ep.type = *model::parse_vpc_endpoint_type(*type);
  }
  if (auto s = f.require("service_name").text()) ep.service_name = *s;
  ep.route_tables = f.refs("route_tables");
  ep.prefix_list = f.get("prefix_list").ref();
  ep.subnets = f.refs("subnets");
  ep.security_groups = f.refs("security_groups");
  ep.network_interfaces = f.refs("network_interfaces");
  const auto wrong_type = [&](std::string_view key, std::string_view type) {
    if (f.has(key)) {
      f.error_at(key,
                 "`" + std::string(key) + "` applies only to " + std::string(type) + " endpoints",
                 "set `vpc_endpoint_type: " + std::string(type) + "` or remove it");
    }
  };
  if (ep.gateway()) {
    for (auto key : {"subnets", "security_groups", "network_interfaces"}) {
      wrong_type(key, "Interface");
    }
  } else if (ep.type == model::VpcEndpointType::kGatewayLoadBalancer) {
    // gateway-load-balancer-endpoints.html: no security groups; one subnet, checked by finalize().
    wrong_type("security_groups", "Interface");
    for (auto key : {"route_tables", "prefix_list"}) wrong_type(key, "Gateway");
  } else {
    for (auto key : {"route_tables", "prefix_list"}) wrong_type(key, "Gateway");
  }
  if (auto s = f.get("state").choice({"pendingAcceptance", "pending", "available", "deleting",
                                      "deleted", "rejected", "failed", "expired"})) {
    ep.state = *s;
  }
}

}  // namespace cloudtwin::load::yaml
