// The native YAML reader on valid input: what each field becomes in the model. References stay
// as written (resolution is finalize()'s job, tested in load_network_test.cc).
#include "cloudtwin/load/native_yaml.h"

#include <gtest/gtest.h>

#include "read_helpers.h"

namespace cloudtwin::load {
namespace {

using model::TargetKind;
using testing::dump;
using testing::read;

Prefix P(std::string_view s) { return *Prefix::parse(s); }
IpAddress A(std::string_view s) { return *IpAddress::parse(s); }

TEST(NativeYaml, DocumentedExampleReadsEveryList) {
  const std::string yaml = testing::format_doc_example();
  ASSERT_FALSE(yaml.empty()) << "docs/format.md lost its example network";
  auto r = read(yaml, "format.md");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.items().empty()) << dump(r.diagnostics);
  const auto& n = r.network;
  EXPECT_EQ(n.vpcs.size(), 3u);
  EXPECT_EQ(n.subnets.size(), 7u);
  EXPECT_EQ(n.route_tables.size(), 4u);
  EXPECT_EQ(n.internet_gateways.size(), 1u);
  EXPECT_EQ(n.egress_only_internet_gateways.size(), 1u);
  EXPECT_EQ(n.nat_gateways.size(), 1u);
  EXPECT_EQ(n.elastic_ips.size(), 2u);
  EXPECT_EQ(n.instances.size(), 7u);
  // Six instances with a subnet, plus the firewall's two declared interfaces.
  EXPECT_EQ(n.network_interfaces.size(), 8u);
  EXPECT_EQ(n.security_groups.size(), 6u);
  EXPECT_EQ(n.network_acls.size(), 1u);
  EXPECT_EQ(n.prefix_lists.size(), 1u);
  EXPECT_EQ(n.vpc_peering_connections.size(), 1u);
  EXPECT_EQ(n.transit_gateways.size(), 1u);
  EXPECT_EQ(n.transit_gateway_route_tables.size(), 2u);
  EXPECT_EQ(n.transit_gateway_attachments.size(), 2u);
  EXPECT_EQ(n.vpc_endpoints.size(), 2u);
  EXPECT_EQ(n.vpn_gateways.size(), 1u);
  EXPECT_EQ(n.customer_gateways.size(), 1u);
  EXPECT_EQ(n.vpn_connections.size(), 2u);
  EXPECT_EQ(n.direct_connect_gateways.size(), 1u);
  EXPECT_EQ(n.on_premises_networks.size(), 1u);

  const auto& prod = n.vpcs[0];
  EXPECT_EQ(prod.id, "vpc-0a1b2c3d4e5f60718");
  EXPECT_EQ(prod.name, "prod");
  EXPECT_EQ(prod.account, "111122223333");
  EXPECT_EQ(prod.region, "us-east-1");
  EXPECT_EQ(prod.cidr_blocks, std::vector<Prefix>{P("10.0.0.0/16")});
  EXPECT_EQ(prod.ipv6_cidr_blocks, std::vector<Prefix>{P("2600:1f18:1234:5600::/56")});
  EXPECT_EQ(n.vpcs[2].account, "444455556666");  // its own, over the file's

  // The anchored https rule merged into web's ingress.
  const auto& web = n.security_groups[1];
  ASSERT_EQ(web.ingress.size(), 3u);
  EXPECT_EQ(web.ingress[0].protocol, Protocol(Protocol::kTcp));
  EXPECT_EQ(web.ingress[0].ports, PortRange::single(443));
  EXPECT_EQ(web.ingress[1].cidr, P("::/0"));
  EXPECT_EQ(web.ingress[2].icmp_type, 8);

  const auto& pl = n.prefix_lists[0];
  EXPECT_EQ(pl.prefix_list_name, "com.amazonaws.us-east-1.s3");
  EXPECT_EQ(pl.address_family, Family::kV4);
  EXPECT_EQ(pl.entries.size(), 3u);

  EXPECT_FALSE(n.transit_gateways[0].default_route_table_association);
  EXPECT_EQ(n.transit_gateway_attachments[1].type, model::AttachmentType::kVpn);
  EXPECT_TRUE(n.transit_gateway_route_tables[0].routes[0].blackhole);
  EXPECT_FALSE(n.vpc_endpoints[1].gateway());
  EXPECT_TRUE(n.vpn_connections[1].static_routes_only);
  EXPECT_EQ(n.direct_connect_gateways[0].amazon_side_asn, 64520u);
}

// Each list synthesises a missing id as the AWS prefix of its type followed by the name.
TEST(NativeYaml, MissingIdIsTheAwsPrefixAndTheName) {
  struct Row {
    const char* list;
    const char* extra;  // the fields the item needs besides its name
    const char* id;
  };
  const Row rows[] = {
      {"vpcs", "cidr_block: 10.0.0.0/16", "vpc-x"},
      {"subnets", "vpc: v", "subnet-x"},
      {"route_tables", "vpc: v", "rtb-x"},
      {"internet_gateways", "vpc: v", "igw-x"},
      {"egress_only_internet_gateways", "vpc: v", "eigw-x"},
      {"nat_gateways", "subnet: s", "nat-x"},
      {"elastic_ips", "public_ip: 203.0.113.1", "eipalloc-x"},
      {"network_interfaces", "subnet: s", "eni-x"},
      {"instances", "state: running", "i-x"},
      {"security_groups", "vpc: v", "sg-x"},
      {"network_acls", "vpc: v", "acl-x"},
      {"prefix_lists", "entries: []", "pl-x"},
      {"vpc_peering_connections", "{requester_vpc: a, accepter_vpc: b}", "pcx-x"},
      {"transit_gateways", "amazon_side_asn: 64512", "tgw-x"},
      {"transit_gateway_route_tables", "transit_gateway: t", "tgw-rtb-x"},
      {"transit_gateway_attachments", "{transit_gateway: t, vpc: v}", "tgw-attach-x"},
      {"vpc_endpoints", "{vpc: v, service_name: s}", "vpce-x"},
      {"vpn_gateways", "vpc: v", "vgw-x"},
      {"customer_gateways", "bgp_asn: 65000", "cgw-x"},
      {"vpn_connections", "{vpn_gateway: g, customer_gateway: c}", "vpn-x"},
      {"direct_connect_gateways", "amazon_side_asn: 64512", "dxgw-x"},
      {"on_premises_networks", "cidrs: [192.168.0.0/16]", "onprem-x"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.list);
    std::string extra = row.extra;
    if (extra.front() == '{') extra = extra.substr(1, extra.size() - 2);
    auto r = read(std::string(row.list) + ": [{name: x, " + extra + "}]");
    ASSERT_TRUE(r.ok) << dump(r.diagnostics);
    std::string id;
    std::string name;
    // Find the one resource of the list, whatever its type.
    for (auto kind = 0; kind <= static_cast<int>(model::Kind::kOnPremisesNetwork); ++kind) {
      if (r.network.count(static_cast<model::Kind>(kind)) == 0) continue;
      const auto& res = r.network.resource({static_cast<model::Kind>(kind), 0});
      if (res.name == "x") {
        id = res.id;
        name = res.name;
        break;
      }
    }
    EXPECT_EQ(id, row.id);
    EXPECT_EQ(name, "x");
  }
}

TEST(NativeYaml, ExplicitIdWinsAndNameStaysEmptyWhenMissing) {
  auto r = read("vpcs:\n  - {id: vpc-0abc, cidr_block: 10.0.0.0/16}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  EXPECT_EQ(r.network.vpcs[0].id, "vpc-0abc");
  EXPECT_EQ(r.network.vpcs[0].name, "");
}

TEST(NativeYaml, ReferencesKeepTheTextWrittenAndItsLocation) {
  auto r = read(
      "subnets:\n"
      "  - name: app\n"
      "    vpc: prod\n"
      "    route_table: rtb-0123\n"
      "route_tables:\n"
      "  - name: private\n"
      "    vpc: vpc-0abc\n"
      "    subnets: [app, subnet-x]\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& s = r.network.subnets[0];
  EXPECT_EQ(s.vpc.text, "prod");
  EXPECT_EQ(s.vpc.at.line, 3u);
  EXPECT_EQ(s.vpc.at.column, 10u);
  EXPECT_FALSE(s.vpc.resolved());
  EXPECT_EQ(s.route_table.text, "rtb-0123");
  EXPECT_TRUE(s.network_acl.empty());
  const auto& rt = r.network.route_tables[0];
  ASSERT_EQ(rt.subnets.size(), 2u);
  EXPECT_EQ(rt.subnets[1].text, "subnet-x");
  EXPECT_EQ(rt.subnets[1].at.line, 8u);
  EXPECT_EQ(rt.subnets[1].at.column, 20u);
}

TEST(NativeYaml, LocationsAreOneBasedAndNameTheFile) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(read_native_yaml("vpcs:\n  - {name: a, cidr_block: 10.0.0.0/16}\n", "a.yaml", n, d));
  ASSERT_TRUE(
      read_native_yaml("\nvpcs:\n  - name: b\n    cidr_block: 10.1.0.0/16\n", "b.yaml", n, d))
      << dump(d);
  ASSERT_EQ(n.vpcs.size(), 2u);  // the second file appends
  EXPECT_EQ(n.file_of(n.vpcs[0].at), "a.yaml");
  EXPECT_EQ(n.vpcs[0].at.line, 2u);
  EXPECT_EQ(n.vpcs[0].at.column, 5u);  // a flow mapping starts at its brace
  EXPECT_EQ(n.file_of(n.vpcs[1].at), "b.yaml");
  EXPECT_EQ(n.vpcs[1].at.line, 3u);
  EXPECT_EQ(n.vpcs[1].at.column, 5u);
}

// AWS gives every ENI a primary private IPv4; the instance shorthand describes it inline.
TEST(NativeYaml, InstanceWithSubnetGetsItsPrimaryNetworkInterface) {
  auto r = read(
      "instances:\n"
      "  - id: i-0abc\n"
      "    name: web\n"
      "    subnet: public-a\n"
      "    private_ip: 10.0.0.5\n"
      "    ipv6_addresses: ['2600:1f18::5']\n"
      "    public_ip: 198.51.100.5\n"
      "    security_groups: [web, sg-1]\n"
      "    source_dest_check: false\n"
      "    os: windows\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  ASSERT_EQ(r.network.network_interfaces.size(), 1u);
  const auto& eni = r.network.network_interfaces[0];
  EXPECT_EQ(eni.id, "eni-0abc");
  EXPECT_EQ(eni.name, "web");
  EXPECT_EQ(eni.instance.text, "i-0abc");
  EXPECT_EQ(eni.subnet.text, "public-a");
  EXPECT_EQ(eni.private_ips, std::vector<IpAddress>{A("10.0.0.5")});
  EXPECT_EQ(eni.ipv6_addresses, std::vector<IpAddress>{A("2600:1f18::5")});
  EXPECT_EQ(eni.public_ip, A("198.51.100.5"));
  ASSERT_EQ(eni.security_groups.size(), 2u);
  EXPECT_EQ(eni.security_groups[0].text, "web");
  EXPECT_FALSE(eni.source_dest_check);
  EXPECT_EQ(eni.ephemeral_ports, (PortRange{49152, 65535}));  // Windows Server 2008 and later
  EXPECT_EQ(eni.at.line, r.network.instances[0].at.line);
}

TEST(NativeYaml, InstanceShorthandIdsAndEphemeralPorts) {
  auto r = read(
      "instances:\n"
      "  - {name: a, subnet: s, private_ips: [10.0.0.5, 10.0.0.6]}\n"
      "  - {name: b, subnet: s, os: linux}\n"
      "  - {name: c, subnet: s, os: windows, ephemeral_ports: 1024-65535}\n"
      "  - {id: web-1, subnet: s}\n"
      "  - {name: d}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& enis = r.network.network_interfaces;
  ASSERT_EQ(enis.size(), 4u);  // `d` has no subnet: its interfaces are declared elsewhere
  EXPECT_EQ(enis[0].id, "eni-a");
  EXPECT_EQ(enis[0].private_ips.size(), 2u);
  EXPECT_EQ(enis[1].ephemeral_ports, (PortRange{32768, 60999}));
  EXPECT_EQ(enis[2].ephemeral_ports, (PortRange{1024, 65535}));  // explicit beats os
  EXPECT_EQ(enis[3].id, "eni-web-1");
  EXPECT_EQ(enis[3].name, "");
  EXPECT_EQ(r.network.instances[4].state, "running");
}

// security-group-rules.html: a new group allows all outbound traffic until egress rules are set.
TEST(NativeYaml, SecurityGroupWithoutEgressAllowsAllOutbound) {
  auto r = read("security_groups:\n  - {name: web, vpc: v, ingress: []}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& sg = r.network.security_groups[0];
  EXPECT_TRUE(sg.ingress.empty());
  ASSERT_EQ(sg.egress.size(), 2u);
  for (const auto& rule : sg.egress) {
    EXPECT_TRUE(rule.implicit);
    EXPECT_TRUE(rule.protocol.is_all());
    EXPECT_EQ(rule.at.line, 2u);
  }
  EXPECT_EQ(sg.egress[0].cidr, P("0.0.0.0/0"));
  EXPECT_EQ(sg.egress[1].cidr, P("::/0"));
  EXPECT_EQ(sg.group_name, "web");
}

TEST(NativeYaml, SecurityGroupWithEmptyEgressHasNone) {
  auto r = read(
      "security_groups:\n"
      "  - {name: a, vpc: v, egress: []}\n"
      "  - {name: b, vpc: v, egress: }\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  EXPECT_TRUE(r.network.security_groups[0].egress.empty());
  EXPECT_TRUE(r.network.security_groups[1].egress.empty());
}

TEST(NativeYaml, SecurityGroupRules) {
  auto r = read(
      "security_groups:\n"
      "  - name: app\n"
      "    group_name: app-sg\n"
      "    vpc: v\n"
      "    ingress:\n"
      "      - {protocol: tcp, port: 8080, security_group: self, description: peers}\n"
      "      - {protocol: udp, ports: 1024-2048, prefix_list: pl-1}\n"
      "      - {protocol: '-1', cidr: 10.0.0.0/8}\n"
      "      - {protocol: 6, from_port: 22, to_port: 23, cidr: 10.0.0.0/8}\n"
      "      - {protocol: tcp, from_port: -1, to_port: -1, cidr: 10.0.0.0/8}\n"
      "      - {protocol: icmp, from_port: 3, to_port: 4, cidr: 10.0.0.0/8}\n"
      "      - {protocol: icmpv6, icmp_type: 128, cidr: '::/0'}\n"
      "      - {protocol: -1, from_port: 0, to_port: 0, cidr: 10.0.0.0/8}\n"
      "    egress:\n"
      "      - {protocol: tcp, ports: all, cidr: 0.0.0.0/0}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& sg = r.network.security_groups[0];
  EXPECT_EQ(sg.group_name, "app-sg");
  ASSERT_EQ(sg.ingress.size(), 8u);
  EXPECT_EQ(sg.ingress[0].security_group.text, "sg-app");  // self
  EXPECT_EQ(sg.ingress[0].ports, PortRange::single(8080));
  EXPECT_EQ(sg.ingress[0].description, "peers");
  EXPECT_EQ(sg.ingress[0].at.line, 6u);
  EXPECT_EQ(sg.ingress[0].at.column, 9u);
  EXPECT_EQ(sg.ingress[1].protocol, Protocol(Protocol::kUdp));
  EXPECT_EQ(sg.ingress[1].ports, (PortRange{1024, 2048}));
  EXPECT_EQ(sg.ingress[1].prefix_list.text, "pl-1");
  EXPECT_TRUE(sg.ingress[2].protocol.is_all());
  EXPECT_EQ(sg.ingress[3].ports, (PortRange{22, 23}));
  EXPECT_TRUE(sg.ingress[4].ports.is_all());
  // AWS: for ICMP, FromPort is the type and ToPort the code.
  EXPECT_EQ(sg.ingress[5].icmp_type, 3);
  EXPECT_EQ(sg.ingress[5].icmp_code, 4);
  EXPECT_EQ(sg.ingress[6].protocol, Protocol(Protocol::kIcmpV6));
  EXPECT_EQ(sg.ingress[6].icmp_type, 128);
  EXPECT_EQ(sg.ingress[6].icmp_code, -1);
  EXPECT_TRUE(sg.ingress[7].protocol.is_all());
  ASSERT_EQ(sg.egress.size(), 1u);
  EXPECT_FALSE(sg.egress[0].implicit);
}

TEST(NativeYaml, RouteTargets) {
  auto r = read(
      "route_tables:\n"
      "  - name: rt\n"
      "    vpc: v\n"
      "    main: true\n"
      "    gateways: [igw-1]\n"
      "    propagating_vgws: [vgw-1]\n"
      "    routes:\n"
      "      - {destination: 10.0.0.0/16, gateway: local}\n"
      "      - {destination: 0.0.0.0/0, gateway: igw-1}\n"
      "      - {destination: 172.16.0.0/12, gateway: vgw-1}\n"
      "      - {destination: 192.168.0.0/16, gateway: my-gw}\n"
      "      - {destination_prefix_list: s3, gateway: vpce-1}\n"
      "      - {destination: '::/0', egress_only_internet_gateway: eigw-1}\n"
      "      - {destination: 10.1.0.0/16, nat_gateway: nat-1, state: blackhole}\n"
      "      - {destination: 10.2.0.0/16, transit_gateway: tgw-1}\n"
      "      - {destination: 10.3.0.0/16, vpc_peering_connection: pcx-1}\n"
      "      - {destination: 10.4.0.0/16, network_interface: eni-1}\n"
      "      - {destination: 10.5.0.0/16, instance: i-1}\n"
      "      - {destination: 10.6.0.0/16, vpc_endpoint: gwlbe}\n"
      "      - {destination: 10.7.0.0/16, vpn_gateway: vgw-1, state: active}\n"
      "      - {destination: 10.8.0.0/16, internet_gateway: igw-1}\n"
      "      - {destination: 10.9.0.0/16, carrier_gateway: cagw-1}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& rt = r.network.route_tables[0];
  EXPECT_TRUE(rt.main);
  EXPECT_EQ(rt.gateways[0].text, "igw-1");
  EXPECT_EQ(rt.propagating_vgws[0].text, "vgw-1");
  const struct {
    TargetKind kind;
    const char* target;
  } want[] = {
      {TargetKind::kLocal, ""},
      {TargetKind::kInternetGateway, "igw-1"},
      {TargetKind::kVpnGateway, "vgw-1"},
      {TargetKind::kInternetGateway, "my-gw"},  // finalize() learns the kind from the resource
      {TargetKind::kVpcEndpoint, "vpce-1"},
      {TargetKind::kEgressOnlyInternetGateway, "eigw-1"},
      {TargetKind::kNatGateway, "nat-1"},
      {TargetKind::kTransitGateway, "tgw-1"},
      {TargetKind::kVpcPeeringConnection, "pcx-1"},
      {TargetKind::kNetworkInterface, "eni-1"},
      {TargetKind::kInstance, "i-1"},
      {TargetKind::kVpcEndpoint, "gwlbe"},
      {TargetKind::kVpnGateway, "vgw-1"},
      {TargetKind::kInternetGateway, "igw-1"},
      {TargetKind::kUnsupported, "cagw-1"},
  };
  ASSERT_EQ(rt.routes.size(), std::size(want));
  for (std::size_t i = 0; i < rt.routes.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(rt.routes[i].target_kind, want[i].kind);
    EXPECT_EQ(rt.routes[i].target.text, want[i].target);
    EXPECT_EQ(rt.routes[i].at.line, 8u + i);
  }
  EXPECT_EQ(rt.routes[0].destination, P("10.0.0.0/16"));
  EXPECT_FALSE(rt.routes[4].destination);
  EXPECT_EQ(rt.routes[4].destination_prefix_list.text, "s3");
  EXPECT_EQ(rt.routes[4].origin, model::RouteOrigin::kPrefixList);
  EXPECT_EQ(rt.routes[1].origin, model::RouteOrigin::kStatic);
  EXPECT_EQ(rt.routes[5].destination, P("::/0"));
  EXPECT_TRUE(rt.routes[6].blackhole);
  EXPECT_FALSE(rt.routes[12].blackhole);
}

TEST(NativeYaml, NetworkAclEntries) {
  auto r = read(
      "network_acls:\n"
      "  - name: db\n"
      "    vpc: v\n"
      "    default: true\n"
      "    subnets: [db-a]\n"
      "    ingress:\n"
      "      - {rule_number: 100, protocol: tcp, port: 5432, cidr: 10.0.0.0/16, rule_action: "
      "allow}\n"
      "      - {rule_number: 110, protocol: icmp, icmp_type: 3, icmp_code: 4, cidr: 10.0.0.0/16, "
      "action: allow}\n"
      "      - {rule_number: 120, protocol: all, cidr: '::/0', rule_action: DENY}\n"
      "    egress:\n"
      "      - {rule_number: 100, protocol: udp, ports: 32768-60999, cidr: 10.0.0.0/16, "
      "rule_action: allow}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& acl = r.network.network_acls[0];
  EXPECT_TRUE(acl.is_default);
  EXPECT_EQ(acl.subnets[0].text, "db-a");
  ASSERT_EQ(acl.ingress.size(), 3u);
  EXPECT_EQ(acl.ingress[0].rule_number, 100);
  EXPECT_TRUE(acl.ingress[0].allow);
  EXPECT_EQ(acl.ingress[0].ports, PortRange::single(5432));
  EXPECT_EQ(acl.ingress[0].at.line, 7u);
  EXPECT_EQ(acl.ingress[1].icmp_type, 3);
  EXPECT_EQ(acl.ingress[1].icmp_code, 4);
  EXPECT_TRUE(acl.ingress[1].allow);
  EXPECT_FALSE(acl.ingress[2].allow);
  EXPECT_EQ(acl.ingress[2].cidr, P("::/0"));
  ASSERT_EQ(acl.egress.size(), 1u);  // rule numbers are per direction
  EXPECT_EQ(acl.egress[0].ports, (PortRange{32768, 60999}));
}

TEST(NativeYaml, GatewaysAddressesAndEndpoints) {
  auto r = read(
      "nat_gateways:\n"
      "  - {name: n, subnet: s, connectivity_type: private, private_ip: 10.0.0.9, state: pending}\n"
      "elastic_ips:\n"
      "  - {name: e, public_ip: 203.0.113.1, network_interface: eni-1, private_ip: 10.0.0.7}\n"
      "network_interfaces:\n"
      "  - {name: x, subnet: s, private_ips: [10.0.0.7, 10.0.0.8], interface_type: vpc_endpoint,\n"
      "     status: available, instance: i-1, ephemeral_ports: 1024-65535}\n"
      "vpc_endpoints:\n"
      "  - {name: g, vpc: v, service_name: com.amazonaws.us-east-1.s3, route_tables: [rt],\n"
      "     prefix_list: pl-1, state: Available}\n"
      "  - {name: i, vpc: v, vpc_endpoint_type: interface, service_name: svc,\n"
      "     subnets: [a], security_groups: [sg], network_interfaces: [x]}\n"
      "prefix_lists:\n"
      "  - name: com.amazonaws.us-east-1.dynamodb\n"
      "    entries: [{cidr: '2600:1f18::/32', description: v6}, '2600:1f19::/32']\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& n = r.network;
  EXPECT_TRUE(n.nat_gateways[0].private_connectivity);
  EXPECT_EQ(n.nat_gateways[0].private_ip, A("10.0.0.9"));
  EXPECT_EQ(n.nat_gateways[0].state, "pending");
  EXPECT_EQ(n.elastic_ips[0].public_ip, A("203.0.113.1"));
  EXPECT_EQ(n.elastic_ips[0].network_interface.text, "eni-1");
  EXPECT_EQ(n.elastic_ips[0].private_ip, A("10.0.0.7"));
  EXPECT_EQ(n.network_interfaces[0].private_ips.size(), 2u);
  EXPECT_EQ(n.network_interfaces[0].interface_type, "vpc_endpoint");
  EXPECT_EQ(n.network_interfaces[0].status, "available");
  EXPECT_EQ(n.network_interfaces[0].instance.text, "i-1");
  EXPECT_TRUE(n.vpc_endpoints[0].gateway());
  EXPECT_EQ(n.vpc_endpoints[0].state, "available");
  EXPECT_EQ(n.vpc_endpoints[0].prefix_list.text, "pl-1");
  EXPECT_FALSE(n.vpc_endpoints[1].gateway());
  EXPECT_EQ(n.vpc_endpoints[1].network_interfaces[0].text, "x");
  const auto& pl = n.prefix_lists[0];
  EXPECT_EQ(pl.prefix_list_name, "com.amazonaws.us-east-1.dynamodb");  // defaults to the name
  EXPECT_FALSE(pl.address_family);
  EXPECT_EQ(pl.entries.size(), 2u);
}

TEST(NativeYaml, TransitGatewaysAndHybrid) {
  auto r = read(
      "transit_gateways:\n"
      "  - {name: t, account: '123456789012', region: eu-west-1, amazon_side_asn: 4200000000,\n"
      "     default_route_table_association: false, default_route_table_propagation: Enable,\n"
      "     association_default_route_table: rt-a, propagation_default_route_table: rt-p}\n"
      "transit_gateway_route_tables:\n"
      "  - name: rt-a\n"
      "    transit_gateway: t\n"
      "    routes:\n"
      "      - {destination: 10.0.0.0/8, attachment: att}\n"
      "      - {destination: '2600::/16', blackhole: true}\n"
      "transit_gateway_attachments:\n"
      "  - {name: att, transit_gateway: t, vpc: v, subnets: [a, b], appliance_mode_support: "
      "enable,\n"
      "     association: rt-a, propagations: [rt-p], state: pendingacceptance}\n"
      "  - {name: dx, transit_gateway: t, resource_type: direct-connect-gateway,\n"
      "     direct_connect_gateway: d}\n"
      "  - {name: peer, transit_gateway: t, resource_type: peering, peer_attachment: other}\n"
      "vpn_gateways: [{name: g, amazon_side_asn: 65001}]\n"
      "customer_gateways: [{name: c, ip_address: 198.51.100.1, bgp_asn: 65010}]\n"
      "vpn_connections:\n"
      "  - {name: vpn, transit_gateway: t, customer_gateway: c, static_routes: [192.168.0.0/16],\n"
      "     state: deleted}\n"
      "direct_connect_gateways: [{name: d, vpn_gateways: [g], allowed_prefixes: [10.0.0.0/8]}]\n"
      "on_premises_networks:\n"
      "  - {name: dc, cidrs: [192.168.0.0/16], vpn_connections: [vpn], direct_connect_gateways: "
      "[d],\n"
      "     ephemeral_ports: 49152-65535}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& n = r.network;
  const auto& t = n.transit_gateways[0];
  EXPECT_EQ(t.account, "123456789012");
  EXPECT_EQ(t.region, "eu-west-1");
  EXPECT_EQ(t.amazon_side_asn, 4200000000u);
  EXPECT_FALSE(t.default_route_table_association);
  EXPECT_TRUE(t.default_route_table_propagation);
  EXPECT_EQ(t.propagation_default_route_table.text, "rt-p");
  const auto& routes = n.transit_gateway_route_tables[0].routes;
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].attachment.text, "att");
  EXPECT_FALSE(routes[0].blackhole);
  EXPECT_TRUE(routes[1].blackhole);
  const auto& att = n.transit_gateway_attachments;
  EXPECT_EQ(att[0].type, model::AttachmentType::kVpc);
  EXPECT_TRUE(att[0].appliance_mode_support);
  EXPECT_EQ(att[0].subnets.size(), 2u);
  EXPECT_EQ(att[0].state, "pendingAcceptance");
  EXPECT_EQ(att[1].type, model::AttachmentType::kDirectConnectGateway);
  EXPECT_EQ(att[2].peer_attachment.text, "other");
  EXPECT_EQ(n.vpn_gateways[0].amazon_side_asn, 65001u);
  EXPECT_TRUE(n.vpn_gateways[0].vpc.empty());
  EXPECT_EQ(n.customer_gateways[0].ip_address, A("198.51.100.1"));
  EXPECT_EQ(n.customer_gateways[0].bgp_asn, 65010u);
  EXPECT_EQ(n.vpn_connections[0].transit_gateway.text, "t");
  EXPECT_EQ(n.vpn_connections[0].state, "deleted");
  EXPECT_EQ(n.direct_connect_gateways[0].allowed_prefixes.size(), 1u);
  EXPECT_EQ(n.on_premises_networks[0].ephemeral_ports, (PortRange{49152, 65535}));
}

// ---- load balancing (docs/format.md, "Load balancers") --------------------------------------

TEST(NativeYaml, LoadBalancersListenersAndRules) {
  auto r = read(
      "load_balancers:\n"
      "  - id: app/web/50dc6c495c0c9188\n"
      "    name: web\n"
      "    type: application\n"
      "    scheme: internal\n"
      "    subnets: [a, b]\n"
      "    security_groups: [lb]\n"
      "    cross_zone: false\n"
      "    ip_address_type: dualstack\n"
      "    state: provisioning\n"
      "    dns_name: internal-web-1.us-east-1.elb.amazonaws.com\n"
      "    listeners:\n"
      "      - id: web-https\n"
      "        name: https\n"
      "        port: 443\n"
      "        protocol: https\n"
      "        action: forward\n"
      "        target_groups: [{target_group: blue, weight: 3}, green]\n"
      "        rules:\n"
      "          - id: r1\n"
      "            name: office\n"
      "            priority: 10\n"
      "            source_ips: [198.51.100.0/24]\n"
      "            target_groups: [blue]\n"
      "          - {priority: 20, conditions: [path-pattern, host-header], action: redirect}\n"
      "          - {priority: 30, source_ips: ['2001:db8::/32'], action: fixed-response}\n"
      "  - name: nlb\n"
      "    type: network\n"
      "    subnet_mappings:\n"
      "      - {subnet: a, private_ip: 10.0.1.10, elastic_ip: eip-a, public_ip: 203.0.113.5,\n"
      "         ipv6_address: '2600:1f18::10', network_interface: eni-nlb-a}\n"
      "      - {subnet: b}\n"
      "    enforce_security_groups_on_private_link: false\n"
      "    cross_zone: true\n"
      "    listeners: [{port: 53, protocol: UDP, target_groups: [dns]}]\n"
      "  - {name: clb, type: classic, subnets: [a], instances: [web-1, web-2],\n"
      "     listeners: [{port: 443, protocol: SSL, instance_port: 8443, instance_protocol: "
      "TCP}]}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& n = r.network;
  ASSERT_EQ(n.load_balancers.size(), 3u);
  const auto& web = n.load_balancers[0];
  EXPECT_EQ(web.id, "app/web/50dc6c495c0c9188");
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.type, model::LoadBalancerType::kApplication);
  EXPECT_FALSE(web.internet_facing);
  ASSERT_EQ(web.nodes.size(), 2u);
  EXPECT_EQ(web.nodes[1].subnet.text, "b");
  EXPECT_EQ(web.nodes[1].at.line, 6u);
  EXPECT_EQ(web.nodes[1].at.column, 18u);
  EXPECT_EQ(web.security_groups[0].text, "lb");
  EXPECT_EQ(web.cross_zone, false);
  EXPECT_TRUE(web.dualstack);
  EXPECT_EQ(web.state, "provisioning");
  EXPECT_EQ(web.dns_name, "internal-web-1.us-east-1.elb.amazonaws.com");

  ASSERT_EQ(n.listeners.size(), 3u);
  const auto& https = n.listeners[0];
  EXPECT_EQ(https.id, "web-https");
  EXPECT_EQ(https.name, "https");
  EXPECT_EQ(https.load_balancer.text, "app/web/50dc6c495c0c9188");
  EXPECT_EQ(https.port, 443);
  EXPECT_EQ(https.protocol, model::LbProtocol::kHttps);
  EXPECT_EQ(https.default_rule.id, "web-https/default");
  EXPECT_EQ(https.default_rule.priority, model::ListenerRule::kDefaultRule);
  EXPECT_EQ(https.default_rule.action, model::ListenerAction::kForward);
  ASSERT_EQ(https.default_rule.target_groups.size(), 2u);
  EXPECT_EQ(https.default_rule.target_groups[0].target_group.text, "blue");
  EXPECT_EQ(https.default_rule.target_groups[0].weight, 3);
  EXPECT_EQ(https.default_rule.target_groups[1].target_group.text, "green");
  EXPECT_EQ(https.default_rule.target_groups[1].weight, 1);

  ASSERT_EQ(n.listener_rules.size(), 3u);
  const auto& office = n.listener_rules[0];
  EXPECT_EQ(office.id, "r1");
  EXPECT_EQ(office.name, "office");
  EXPECT_EQ(office.listener.text, "web-https");
  EXPECT_EQ(office.priority, 10);
  EXPECT_EQ(office.source_ips, std::vector<Prefix>{P("198.51.100.0/24")});
  EXPECT_FALSE(office.other_conditions);
  EXPECT_EQ(office.target_groups[0].target_group.text, "blue");
  EXPECT_EQ(n.listener_rules[1].id, "web-https/rule/20");  // <listener id>/rule/<priority>
  EXPECT_TRUE(n.listener_rules[1].other_conditions);
  EXPECT_EQ(n.listener_rules[1].action, model::ListenerAction::kRedirect);
  EXPECT_TRUE(n.listener_rules[1].target_groups.empty());
  EXPECT_EQ(n.listener_rules[2].source_ips, std::vector<Prefix>{P("2001:db8::/32")});
  EXPECT_EQ(n.listener_rules[2].action, model::ListenerAction::kFixedResponse);

  const auto& nlb = n.load_balancers[1];
  EXPECT_EQ(nlb.id, "lb-nlb");
  EXPECT_EQ(nlb.type, model::LoadBalancerType::kNetwork);
  ASSERT_EQ(nlb.nodes.size(), 2u);
  const auto& node = nlb.nodes[0];
  EXPECT_EQ(node.subnet.text, "a");
  EXPECT_EQ(node.private_ip, A("10.0.1.10"));
  EXPECT_EQ(node.elastic_ip.text, "eip-a");
  EXPECT_EQ(node.public_ip, A("203.0.113.5"));
  EXPECT_EQ(node.ipv6_address, A("2600:1f18::10"));
  EXPECT_EQ(node.network_interface.text, "eni-nlb-a");
  EXPECT_FALSE(nlb.nodes[1].private_ip);
  EXPECT_TRUE(nlb.nodes[1].elastic_ip.empty());
  EXPECT_FALSE(nlb.enforce_security_groups_on_private_link);
  EXPECT_EQ(nlb.cross_zone, true);
  EXPECT_EQ(n.listeners[1].id, "lb-nlb:53");  // <load balancer id>:<port>
  EXPECT_EQ(n.listeners[1].protocol, model::LbProtocol::kUdp);

  const auto& clb = n.load_balancers[2];
  EXPECT_EQ(clb.type, model::LoadBalancerType::kClassic);
  ASSERT_EQ(clb.instances.size(), 2u);
  EXPECT_EQ(clb.instances[1].text, "web-2");
  const auto& ssl = n.listeners[2];
  EXPECT_EQ(ssl.protocol, model::LbProtocol::kSsl);
  EXPECT_EQ(ssl.instance_port, 8443);
  EXPECT_EQ(ssl.instance_protocol, model::LbProtocol::kTcp);
  EXPECT_TRUE(ssl.default_rule.id.empty());  // a Classic listener sends to its instances
}

// What a load balancer written with only a name, subnets and listeners becomes (the defaults
// docs/format.md lists).
TEST(NativeYaml, LoadBalancerDefaults) {
  auto r = read(
      "load_balancers:\n"
      "  - {name: alb, subnets: [a, b], listeners: [{port: 80, target_groups: [t]}]}\n"
      "  - {name: nlb, type: network, subnets: [a], listeners: [{port: 80, target_groups: [t]}]}\n"
      "  - {name: gwlb, type: gateway, subnets: [a], listeners: [{target_groups: [g]}]}\n"
      "  - {name: clb, type: classic, subnets: [a], listeners: [{port: 80}]}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& n = r.network;
  const auto& alb = n.load_balancers[0];
  EXPECT_EQ(alb.type, model::LoadBalancerType::kApplication);
  EXPECT_TRUE(alb.internet_facing);
  EXPECT_FALSE(alb.cross_zone);  // unset: the type's default
  EXPECT_TRUE(alb.cross_zone_enabled());
  EXPECT_TRUE(alb.security_groups.empty());
  EXPECT_FALSE(alb.dualstack);
  EXPECT_TRUE(alb.enforce_security_groups_on_private_link);
  EXPECT_EQ(alb.state, "active");
  EXPECT_TRUE(n.load_balancers[1].internet_facing);
  EXPECT_FALSE(n.load_balancers[1].cross_zone_enabled());
  EXPECT_FALSE(n.load_balancers[2].cross_zone_enabled());
  EXPECT_FALSE(n.load_balancers[3].cross_zone_enabled());

  ASSERT_EQ(n.listeners.size(), 4u);
  EXPECT_EQ(n.listeners[0].protocol, model::LbProtocol::kHttp);
  EXPECT_EQ(n.listeners[0].id, "lb-alb:80");
  EXPECT_EQ(n.listeners[0].default_rule.id, "lb-alb:80/default");
  EXPECT_EQ(n.listeners[1].protocol, model::LbProtocol::kTcp);
  EXPECT_EQ(n.listeners[2].protocol, model::LbProtocol::kGeneve);
  EXPECT_EQ(n.listeners[2].id, "lb-gwlb:all");
  EXPECT_EQ(n.listeners[2].port, 0);
  const auto& classic = n.listeners[3];
  EXPECT_EQ(classic.protocol, model::LbProtocol::kHttp);
  EXPECT_EQ(classic.instance_protocol, model::LbProtocol::kHttp);  // the listener's
  EXPECT_EQ(classic.instance_port, 80);                            // the listener's
}

TEST(NativeYaml, TargetGroupsAndTargets) {
  auto r = read(
      "target_groups:\n"
      "  - name: web\n"
      "    target_type: instance\n"
      "    protocol: HTTPS\n"
      "    port: 443\n"
      "    vpc: v\n"
      "    preserve_client_ip: true\n"
      "    cross_zone: false\n"
      "    health_check_port: 8081\n"
      "    targets:\n"
      "      - web-1\n"
      "      - {instance: web-2, port: 8443, availability_zone: us-east-1b, health: draining}\n"
      "  - name: ips\n"
      "    target_type: ip\n"
      "    protocol: TCP\n"
      "    port: 80\n"
      "    health_check_port: traffic-port\n"
      "    ip_address_type: ipv6\n"
      "    targets: ['2600:1f18::5', {ip: 10.1.0.5, availability_zone: all}]\n"
      "  - {name: chain, target_type: alb, protocol: TCP, port: 80,\n"
      "     targets: [web-alb, {load_balancer: other-alb, port: 8080}]}\n"
      "  - {name: fn, target_type: lambda}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& n = r.network;
  ASSERT_EQ(n.target_groups.size(), 4u);
  const auto& web = n.target_groups[0];
  EXPECT_EQ(web.id, "tg-web");
  EXPECT_EQ(web.target_type, model::TargetType::kInstance);
  EXPECT_EQ(web.protocol, model::LbProtocol::kHttps);
  EXPECT_EQ(web.port, 443);
  EXPECT_EQ(web.vpc.text, "v");
  EXPECT_EQ(web.preserve_client_ip, true);
  EXPECT_EQ(web.cross_zone, false);
  EXPECT_EQ(web.health_check_port, 8081);
  EXPECT_FALSE(web.ipv6);
  ASSERT_EQ(web.targets.size(), 2u);
  EXPECT_EQ(web.targets[0].instance.text, "web-1");  // a bare target of an instance group
  EXPECT_FALSE(web.targets[0].port);
  EXPECT_EQ(web.targets[0].at.line, 11u);
  EXPECT_EQ(web.targets[1].instance.text, "web-2");
  EXPECT_EQ(web.targets[1].port, 8443);
  EXPECT_EQ(web.targets[1].availability_zone, "us-east-1b");
  EXPECT_EQ(web.targets[1].health, "draining");

  const auto& ips = n.target_groups[1];
  EXPECT_EQ(ips.target_type, model::TargetType::kIp);
  EXPECT_FALSE(ips.health_check_port);  // traffic-port
  EXPECT_TRUE(ips.ipv6);
  EXPECT_FALSE(ips.preserve_client_ip);
  EXPECT_FALSE(ips.preserves_client_ip());  // TCP ip targets: off by default
  EXPECT_EQ(ips.targets[0].ip, A("2600:1f18::5"));
  EXPECT_EQ(ips.targets[1].ip, A("10.1.0.5"));
  EXPECT_EQ(ips.targets[1].availability_zone, "all");

  const auto& chain = n.target_groups[2];
  EXPECT_EQ(chain.target_type, model::TargetType::kAlb);
  EXPECT_EQ(chain.targets[0].load_balancer.text, "web-alb");
  EXPECT_EQ(chain.targets[1].load_balancer.text, "other-alb");
  EXPECT_EQ(chain.targets[1].port, 8080);

  const auto& fn = n.target_groups[3];
  EXPECT_EQ(fn.target_type, model::TargetType::kLambda);
  EXPECT_EQ(fn.protocol, model::LbProtocol::kHttp);  // the default
  EXPECT_EQ(fn.port, 0);
  EXPECT_TRUE(fn.targets.empty());
}

TEST(NativeYaml, LaunchTemplatesAndAutoScalingGroups) {
  auto r = read(
      "launch_templates:\n"
      "  - {name: web, security_groups: [web, ssh], associate_public_ip: true}\n"
      "  - {id: lt-0abc, name: plain}\n"
      "auto_scaling_groups:\n"
      "  - name: web\n"
      "    subnets: [a, b]\n"
      "    launch_template: web\n"
      "    target_groups: [blue, green]\n"
      "    load_balancers: [clb]\n"
      "  - {id: asg-x, subnets: [a]}\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& n = r.network;
  ASSERT_EQ(n.launch_templates.size(), 2u);
  EXPECT_EQ(n.launch_templates[0].id, "lt-web");
  EXPECT_EQ(n.launch_templates[0].security_groups.size(), 2u);
  EXPECT_EQ(n.launch_templates[0].associate_public_ip, true);
  EXPECT_EQ(n.launch_templates[1].id, "lt-0abc");
  EXPECT_FALSE(n.launch_templates[1].associate_public_ip);
  ASSERT_EQ(n.auto_scaling_groups.size(), 2u);
  const auto& g = n.auto_scaling_groups[0];
  EXPECT_EQ(g.id, "asg-web");
  ASSERT_EQ(g.subnets.size(), 2u);
  EXPECT_EQ(g.subnets[1].text, "b");
  EXPECT_EQ(g.launch_template.text, "web");
  EXPECT_EQ(g.target_groups[1].text, "green");
  EXPECT_EQ(g.load_balancers[0].text, "clb");
  EXPECT_TRUE(g.instances.empty());  // finalize() makes the representatives
  EXPECT_TRUE(n.auto_scaling_groups[1].launch_template.empty());
}

TEST(NativeYaml, FileDefaultsApplyToItsOwnResourcesOnly) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(
      read_native_yaml("account: '111122223333'\nregion: eu-west-1\n"
                       "vpcs: [{name: a, cidr_block: 10.0.0.0/16}]\n"
                       "transit_gateways: [{name: t}]\n",
                       "a.yaml", n, d))
      << dump(d);
  ASSERT_TRUE(read_native_yaml("vpcs: [{name: b, cidr_block: 10.1.0.0/16}]\n", "b.yaml", n, d))
      << dump(d);
  EXPECT_EQ(n.vpcs[0].account, "111122223333");
  EXPECT_EQ(n.vpcs[0].region, "eu-west-1");
  EXPECT_EQ(n.transit_gateways[0].region, "eu-west-1");
  // Left empty: finalize() applies the network's default account and Region.
  EXPECT_EQ(n.vpcs[1].account, "");
  EXPECT_EQ(n.vpcs[1].region, "");
}

TEST(NativeYaml, AnchorsAliasesAndMergeKeys) {
  auto r = read(
      "x-common: &ssh {protocol: tcp, port: 22, description: ssh}\n"
      "x-nets: &nets [10.0.0.0/16, 10.1.0.0/16]\n"
      "security_groups:\n"
      "  - name: a\n"
      "    vpc: v\n"
      "    ingress:\n"
      "      - {<<: *ssh, cidr: 10.0.0.0/8}\n"
      "      - <<: *ssh\n"
      "        port: 2222\n"
      "        cidr: 10.0.0.0/8\n"
      "      - {<<: [{protocol: udp}, *ssh], cidr: 10.0.0.0/8}\n"
      "    egress: &out\n"
      "      - {protocol: all, cidr: 0.0.0.0/0}\n"
      "  - {name: b, vpc: v, egress: *out}\n"
      "on_premises_networks: [{name: dc, cidrs: *nets}]\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  const auto& a = r.network.security_groups[0];
  ASSERT_EQ(a.ingress.size(), 3u);
  EXPECT_EQ(a.ingress[0].ports, PortRange::single(22));
  EXPECT_EQ(a.ingress[0].description, "ssh");
  EXPECT_EQ(a.ingress[1].ports, PortRange::single(2222));      // the explicit key wins
  EXPECT_EQ(a.ingress[2].protocol, Protocol(Protocol::kUdp));  // the first merged mapping wins
  EXPECT_EQ(r.network.security_groups[1].egress.size(), 1u);
  EXPECT_EQ(r.network.on_premises_networks[0].cidrs.size(), 2u);
}

TEST(NativeYaml, SeveralDocumentsInOneFile) {
  auto r = read(
      "region: eu-west-1\n"
      "vpcs: [{name: a, cidr_block: 10.0.0.0/16}]\n"
      "---\n"
      "vpcs: [{name: b, cidr_block: 10.1.0.0/16}]\n"
      "---\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  ASSERT_EQ(r.network.vpcs.size(), 2u);
  EXPECT_EQ(r.network.vpcs[0].region, "eu-west-1");
  EXPECT_EQ(r.network.vpcs[1].region, "");  // a document's defaults are its own
  EXPECT_EQ(r.network.vpcs[1].at.line, 4u);
}

TEST(NativeYaml, EmptyListsAndExtensionKeys) {
  auto r = read("vpcs: []\nsubnets:\nx-notes: anything at all\n");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  EXPECT_TRUE(r.network.vpcs.empty());
}

TEST(NativeYaml, ReadsAFile) {
  model::Network n;
  Diagnostics d;
  const std::string path = ::testing::TempDir() + "native_yaml_test.yaml";
  {
    std::ofstream out(path);
    out << "vpcs:\n  - {name: a, cidr_block: 10.0.0.0/16}\n";
  }
  ASSERT_TRUE(read_native_yaml_file(path, n, d)) << dump(d);
  EXPECT_EQ(n.file_of(n.vpcs[0].at), path);
}

}  // namespace
}  // namespace cloudtwin::load
