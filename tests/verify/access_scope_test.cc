// Access scopes: Network Access Analyzer's scope JSON read (load/access_scope.h) and checked
// (verify/access_scope.h) over the example networks, one test per scope feature. The scopes
// are in tests/scopes/; the rules cited are from the Network Access Analyzer guide
// (docs.aws.amazon.com/vpc/latest/network-access-analyzer/) and aws-vpc.md §3.
#include "cloudtwin/verify/access_scope.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cloudtwin/load/access_scope.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::verify {
namespace {

const std::string kSource = CLOUDTWIN_SOURCE_DIR;
const std::string kScopes = kSource + "/tests/scopes/";

// An example network, or a scenario (the network before its `---`).
model::Network load_network(const std::string& name) {
  model::Network n;
  Diagnostics d;
  if (name.starts_with("scenarios/")) {
    std::ifstream in(kSource + "/tests/" + name);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    EXPECT_TRUE(load::read_native_yaml(s.substr(0, s.find("\n---\n") + 1), name, n, d));
    EXPECT_TRUE(model::finalize(n, d)) << (d.items().empty() ? "" : d.items().front().str());
    return n;
  }
  EXPECT_TRUE(load::load_network({kSource + "/examples/" + name}, n, d))
      << (d.items().empty() ? "" : d.items().front().str());
  return n;
}

model::AccessScope read(const std::string& file) {
  Diagnostics d;
  auto scope = load::read_access_scope(kScopes + file, d);
  EXPECT_TRUE(scope) << (d.items().empty() ? "" : d.items().front().str());
  return scope ? *scope : model::AccessScope{};
}

CheckResult check(const std::string& network, const std::string& scope_file) {
  auto n = load_network(network);
  auto scope = read(scope_file);
  Compiled c(n);
  Diagnostics d;
  auto results = check_access_scope(c, scope, d);
  EXPECT_FALSE(d.has_errors()) << d.items().front().str();
  EXPECT_EQ(results.size(), 1u);
  if (results.empty()) return {};
  EXPECT_EQ(results[0].kind, "access-scope");
  EXPECT_EQ(results[0].rows.size(), results[0].paths.size());
  EXPECT_EQ(results[0].rows.size(), results[0].counterexamples.size());
  return results[0];
}

bool has(const std::vector<std::string>& path, const std::string& component) {
  return std::find(path.begin(), path.end(), component) != path.end();
}

bool every_path_has(const CheckResult& r, const std::string& component) {
  return std::all_of(r.paths.begin(), r.paths.end(),
                     [&](const auto& p) { return has(p, component); });
}

bool some_path_has(const CheckResult& r, const std::string& component) {
  return std::any_of(r.paths.begin(), r.paths.end(),
                     [&](const auto& p) { return has(p, component); });
}

// The destinations of every row, as text.
std::string destinations(const CheckResult& r) {
  std::vector<std::string> all;
  for (const auto& row : r.rows) all.push_back(prefixes_text(row.destinations, row.truncated));
  std::sort(all.begin(), all.end());
  std::string s;
  for (const auto& d : all) s += (s.empty() ? "" : " | ") + d;
  return s;
}

// ---- resource statements -------------------------------------------------------------------

// resource-statement.html: AWS::EC2::InternetGateway as a source means paths that enter from
// the internet through an internet gateway. global-service.yaml exposes its two load balancers
// on tcp/443, use1's over IPv4 and IPv6, and through each the app behind it (a path per
// load balancer and per app, both to the load balancer's public address). The IPv6 path to
// app-use1 through the dual-stack load balancer is not among them: the symbolic engine does not
// carry an IPv6 client to an IPv4 target yet (trace --through does).
TEST(AccessScope, InternetGatewayTypeAsSourceFindsEveryExposedInterface) {
  auto r = check("global-service.yaml", "igw_ingress.json");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.id, "igw_ingress");
  EXPECT_EQ(destinations(r),
            "3.80.0.10 | 3.80.0.10, 2600:1f18:4000::10 | 34.250.0.10 | 34.250.0.10");
  for (const auto& row : r.rows) {
    EXPECT_EQ(row.protocol, "tcp");
    EXPECT_EQ(ports_text(row.destination_ports), "443");
  }
  EXPECT_TRUE(some_path_has(r, "InternetGateway igw-use1-igw"));
  EXPECT_TRUE(some_path_has(r, "InternetGateway igw-euw1-igw"));
  EXPECT_TRUE(every_path_has(r, "Internet internet"));
  EXPECT_TRUE(some_path_has(r, "Instance i-app-use1"));
  EXPECT_TRUE(some_path_has(r, "Instance i-app-euw1"));
}

// A resource by ARN (the id follows the last slash) or name; a subnet as destination stands for
// its network interfaces (here the load balancer's node; the app is in another subnet).
TEST(AccessScope, ResourcesByArnAndNameNarrowToOneGatewayAndSubnet) {
  auto r = check("global-service.yaml", "igw_by_id.json");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(destinations(r), "3.80.0.10, 2600:1f18:4000::10");
  EXPECT_TRUE(every_path_has(r, "InternetGateway igw-use1-igw"));
  EXPECT_TRUE(every_path_has(r, "LoadBalancer lb-web-lb-use1"));
}

// The Network Access Analyzer guide's example "egress to the internet": every ENI whose traffic
// leaves through an internet gateway. microservices.yaml sends all three services out through
// the transit gateway and the egress VPC's NAT gateway.
TEST(AccessScope, ResourceTypesFindEgressThroughTheCentralNatGateway) {
  auto r = check("microservices.yaml", "eni_to_igw.json");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.message, "3 finding paths");
  EXPECT_TRUE(every_path_has(r, "TransitGateway tgw-hub"));
  EXPECT_TRUE(every_path_has(r, "NatGateway nat-egress-nat"));
  EXPECT_TRUE(every_path_has(r, "InternetGateway igw-egress-igw"));
  for (const char* eni : {"eni-orders", "eni-payments", "eni-inventory"})
    EXPECT_TRUE(some_path_has(r, std::string("NetworkInterface ") + eni)) << eni;
}

// ---- packet header statements --------------------------------------------------------------

// packet-header-statement.html: Protocols admits tcp and udp; the load balancers take no UDP.
TEST(AccessScope, ProtocolsNarrowTheTraffic) {
  auto r = check("global-service.yaml", "protocols_udp.json");
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_TRUE(r.rows.empty());
}

// DestinationPorts: any of the ports or ranges; 22 is closed, 443 is in 400-500.
TEST(AccessScope, DestinationPortsNarrowToTheOpenPortInTheRange) {
  auto r = check("global-service.yaml", "destination_ports.json");
  ASSERT_FALSE(r.passed);
  for (const auto& row : r.rows) EXPECT_EQ(ports_text(row.destination_ports), "443");
}

// SourceAddresses: only packets from these addresses (to use1's load balancer and, through it,
// its app).
TEST(AccessScope, SourceAddressesNarrowTheSenders) {
  auto r = check("global-service.yaml", "source_addresses.json");
  ASSERT_FALSE(r.passed);
  ASSERT_EQ(r.rows.size(), 2u);
  for (const auto& row : r.rows) {
    EXPECT_EQ(prefixes_text(row.sources, false), "203.0.113.0/24");
    EXPECT_EQ(prefixes_text(row.destinations, false), "3.80.0.10");  // an IPv4 source
  }
  EXPECT_TRUE(some_path_has(r, "Instance i-app-use1"));
}

// SourcePorts: a scope that names source ports is analysed over them rather than the source's
// ephemeral range (docs/access-scopes.md).
TEST(AccessScope, SourcePortsAreAnalysedAsWritten) {
  auto r = check("global-service.yaml", "source_ports.json");
  ASSERT_FALSE(r.passed);
  for (const auto& row : r.rows) EXPECT_EQ(ports_text(row.source_ports), "80-90");
}

// A Destination's packet header statement speaks of the packet as it arrives: the internet
// gateway has translated the public destination 3.80.0.10 to the private 10.1.0.10.
TEST(AccessScope, DestinationAddressesMatchThePacketAsItArrives) {
  auto r = check("global-service.yaml", "destination_addresses_arrival.json");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(destinations(r), "3.80.0.10");
}

// SourcePrefixLists: security_groups.yaml's `admins` list (10.0.1.0/28) holds admin only, and
// web admits tcp/22 from that list.
TEST(AccessScope, SourcePrefixListsNarrowTheSenders) {
  auto r = check("scenarios/security_groups.yaml", "prefix_list_source.json");
  ASSERT_FALSE(r.passed);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(prefixes_text(r.rows[0].sources, false), "10.0.1.5");
  EXPECT_EQ(prefixes_text(r.rows[0].destinations, false), "10.0.2.10");
}

// DestinationPrefixLists: from client, only admin is in the list, and admin admits nothing.
TEST(AccessScope, DestinationPrefixListsNarrowTheReceivers) {
  auto r = check("scenarios/security_groups.yaml", "prefix_list_destination.json");
  EXPECT_TRUE(r.passed) << r.message;
}

// ---- ThroughResources ----------------------------------------------------------------------

// AccessScopePathRequest ThroughResources: the path passes a resource of every statement.
TEST(AccessScope, ThroughResourcesRequireEveryStatement) {
  auto through = check("microservices.yaml", "through_nat.json");
  ASSERT_FALSE(through.passed);
  EXPECT_TRUE(every_path_has(through, "NetworkInterface eni-orders"));
  EXPECT_TRUE(every_path_has(through, "NatGateway nat-egress-nat"));
  // No path passes a NAT gateway and a peering connection.
  EXPECT_TRUE(check("microservices.yaml", "through_peering.json").passed);
}

// aws-vpc-services.md §8: an ELBv2 load balancer as ThroughResources asks "paths via this LB";
// AWS::ElasticLoadBalancing::LoadBalancer is the Classic type, which web-a is not behind.
TEST(AccessScope, ThroughALoadBalancerTypeKeepsThePathsViaIt) {
  auto r = check("scenarios/load_balancers.yaml", "through_elbv2.json");
  ASSERT_FALSE(r.passed);
  EXPECT_TRUE(every_path_has(r, "LoadBalancer lb-web-alb"));
  // Only the HTTPS listener forwards to a group holding web-a.
  for (const auto& row : r.rows) EXPECT_EQ(ports_text(row.destination_ports), "443");
  EXPECT_TRUE(check("scenarios/load_balancers.yaml", "through_classic.json").passed);
}

// aws-vpc-services.md §2, §8: a load balancer named in ThroughResources; through an NLB
// without security groups, only the CIDR rule of the target admits the caller (port 444).
TEST(AccessScope, ThroughANamedNetworkLoadBalancer) {
  auto r = check("scenarios/load_balancers.yaml", "through_named_lb.json");
  ASSERT_FALSE(r.passed);
  EXPECT_TRUE(every_path_has(r, "LoadBalancer lb-int-nlb"));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].protocol, "tcp");
  EXPECT_EQ(ports_text(r.rows[0].destination_ports), "444");
}

// aws-vpc-services.md §8: AWS::NetworkFirewall::Firewall stands through only; the protected
// instances are reached from the internet through their zone's firewall endpoint.
TEST(AccessScope, ThroughANetworkFirewall) {
  auto r = check("scenarios/network_firewall.yaml", "through_firewall.json");
  ASSERT_FALSE(r.passed);
  EXPECT_TRUE(some_path_has(r, "NetworkFirewall fw-fw")) << r.message;
  // Every internet path to an instance passes a firewall, so excluding them leaves nothing.
  EXPECT_TRUE(check("scenarios/network_firewall.yaml", "exclude_firewall.json").passed);
}

// ---- ExcludePaths --------------------------------------------------------------------------

// aws-vpc.md §3: a finding matches some MatchPaths entry and no ExcludePaths entry; all
// egress goes through the NAT gateway, so excluding it leaves nothing.
TEST(AccessScope, ExcludePathsThroughAResourceRemoveEveryFinding) {
  auto r = check("microservices.yaml", "exclude_nat.json");
  EXPECT_TRUE(r.passed) << r.message;
}

// Excluding sources by resource and traffic by protocol leaves payments' TCP.
TEST(AccessScope, ExcludePathsBySourceAndProtocol) {
  auto r = check("microservices.yaml", "exclude_source_and_udp.json");
  ASSERT_FALSE(r.passed);
  EXPECT_TRUE(every_path_has(r, "NetworkInterface eni-payments"));
  for (const auto& row : r.rows) EXPECT_EQ(row.protocol, "tcp");
}

// The example scope of aws-vpc.md §3 (internet into a subnet, not through a firewall, not from
// a partner range, not HTTPS): the use1 load balancer admits HTTPS only, so nothing remains.
TEST(AccessScope, GuideExampleExcludesHttpsAndPasses) {
  auto r = check("global-service.yaml", "aws_guide_example.json");
  EXPECT_TRUE(r.passed) << r.message;
}

// ---- beyond AWS: IPv6, Direct Connect and VPN -----------------------------------------------

// Network Access Analyzer analyses IPv4 only; cloudtwin finds the IPv6 exposure too.
TEST(AccessScope, IPv6PathsAreFindings) {
  auto r = check("global-service.yaml", "ipv6.json");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(destinations(r), "2600:1f18:4000::10");
}

// A virtual private gateway as source stands for the on-premises networks behind it; hybrid's
// data centre reaches app-a on tcp/8080 over Direct Connect.
TEST(AccessScope, VirtualPrivateGatewayStandsForTheNetworksBehindIt) {
  auto r = check("hybrid.yaml", "vgw_to_app.json");
  ASSERT_FALSE(r.passed);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(prefixes_text(r.rows[0].sources, false), "192.168.0.0/16");
  EXPECT_EQ(ports_text(r.rows[0].destination_ports), "8080");
  EXPECT_TRUE(every_path_has(r, "VPNGateway vgw-vgw"));
  EXPECT_TRUE(every_path_has(r, "NetworkInterface eni-app-a"));
}

// Direct Connect paths: both app instances, not the database (its group admits the app tier
// only).
TEST(AccessScope, DirectConnectGatewayTypeFindsOnPremisesIngress) {
  auto r = check("hybrid.yaml", "dx_ingress.json");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(destinations(r), "10.0.10.10 | 10.0.11.10");
  EXPECT_TRUE(every_path_has(r, "DirectConnectGateway dxgw-dxgw"));
}

// Direct Connect is preferred over the backup VPN (direct-connect.md §1.2), so no path from the
// data centre goes through the VPN connection.
TEST(AccessScope, ThroughVpnConnectionFindsNothingWhileDirectConnectIsUp) {
  auto r = check("hybrid.yaml", "vpn_only.json");
  EXPECT_TRUE(r.passed) << r.message;
}

// An on-premises network as destination: app-a reaches the data centre over Direct Connect.
TEST(AccessScope, OnPremisesNetworkAsDestination) {
  auto r = check("hybrid.yaml", "app_to_dc.json");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(destinations(r), "192.168.0.0/16 | 192.168.0.0/16");  // tcp and udp
  EXPECT_TRUE(every_path_has(r, "OnPremisesNetwork onprem-dc"));
}

// ---- input shapes --------------------------------------------------------------------------

// get-network-insights-access-scope-content answers {"NetworkInsightsAccessScopeContent":
// {...}}; the scope is named by its id.
TEST(AccessScope, GetContentAnswerIsAccepted) {
  auto r = check("global-service.yaml", "content_answer.json");
  EXPECT_EQ(r.id, "nis-0f1e2d3c4b5a69788");
  EXPECT_EQ(destinations(r), "3.80.0.10, 2600:1f18:4000::10");
}

TEST(AccessScope, CloudFormationResourceIsAcceptedAndNamedByItsTag) {
  auto scope = read("cloudformation.json");
  EXPECT_EQ(scope.name, "internet-ingress");
  ASSERT_EQ(scope.match_paths.size(), 1u);
  EXPECT_EQ(scope.match_paths[0].at.line, 5u);
}

TEST(AccessScope, LocationsPointIntoTheFile) {
  auto scope = read("destination_ports.json");
  ASSERT_EQ(scope.match_paths.size(), 1u);
  const auto& ports = scope.match_paths[0].destination->packet_header_statement->destination_ports;
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[1].value, (PortRange{400, 500}));
  EXPECT_EQ(ports[1].at.line, 2u);
  EXPECT_EQ(ports[1].at.column, 87u);
}

// ---- bad scopes ----------------------------------------------------------------------------

std::vector<std::string> errors_of(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& item : d.items()) {
    std::string s = item.str();
    s.replace(0, kScopes.size(), "");
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> read_errors(const std::string& file) {
  Diagnostics d;
  EXPECT_FALSE(load::read_access_scope(kScopes + file, d));
  d.sort();
  return errors_of(d);
}

TEST(AccessScope, UnknownKeysAreLocatedWithASuggestion) {
  EXPECT_EQ(read_errors("bad/unknown_keys.json"),
            (std::vector<std::string>{
                "bad/unknown_keys.json:1:1: error: an access scope needs at least one entry in "
                "`MatchPaths` (add {\"MatchPaths\": [{\"Source\": ..., \"Destination\": ...}]})",
                "bad/unknown_keys.json:2:3: error: unknown key `MatchPath` (did you mean "
                "`MatchPaths`?)",
            }));
}

TEST(AccessScope, BadValuesAreEachLocated) {
  EXPECT_EQ(
      read_errors("bad/bad_values.json"),
      (std::vector<std::string>{
          "bad/bad_values.json:5:49: error: unknown resource type `AWS::EC2::InternetGatway` "
          "(did you mean `AWS::EC2::InternetGateway`?)",
          "bad/bad_values.json:5:77: error: AWS::EC2::NatGateway cannot stand in Source (it may "
          "stand in ThroughResources)",
          "bad/bad_values.json:7:31: error: `SourceAddresses`: `10.0.0.5/24` has bits set past "
          "its prefix length (did you mean `10.0.0.0/24`?)",
          "bad/bad_values.json:7:46: error: `SourceAddresses`: `not-an-address` is not an IP "
          "address or CIDR block (write it like 10.0.0.0/16, 203.0.113.7 or 2600:1f18::/56)",
          "bad/bad_values.json:8:27: error: `SourcePorts`: `70000` is not a port or port range "
          "(write a port 0-65535 like \"22\" or a range like \"1024-65535\")",
          "bad/bad_values.json:8:36: error: `SourcePorts`: ports are strings in an access scope "
          "(write \"22\")",
          "bad/bad_values.json:9:25: error: `Protocols`: `icmp` is not a protocol Network Access "
          "Analyzer analyses (write `tcp` or `udp`)",
          "bad/bad_values.json:9:33: error: `Protocols`: `TCP` is not a protocol Network Access "
          "Analyzer analyses (did you mean `tcp`?)",
          "bad/bad_values.json:12:84: error: a resource statement holds `Resources` or "
          "`ResourceTypes`, not both (split it into two paths)",
          "bad/bad_values.json:13:69: error: AWS::EC2::Subnet cannot stand in ThroughResources "
          "(it may stand in Source or Destination)",
          "bad/bad_values.json:13:92: error: a `ThroughResources` entry needs a "
          "`ResourceStatement` (write {\"ResourceStatement\": {\"ResourceTypes\": "
          "[\"AWS::EC2::NatGateway\"]}})",
          "bad/bad_values.json:16:19: error: `ExcludePaths` must be an array, not an object",
      }));
}

TEST(AccessScope, TruncatedJsonIsLocated) {
  // simdjson finds the object of line 3 unclosed.
  auto errors = read_errors("bad/truncated.json");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].substr(0, errors[0].find(": error")), "bad/truncated.json:3:5");
}

// A scope naming what the network does not hold is an error at check time, where it is written.
TEST(AccessScope, UnknownResourcesAndPrefixListsAreLocatedErrors) {
  auto n = load_network("global-service.yaml");
  auto scope = read("bad/unknown_resource.json");
  Compiled c(n);
  Diagnostics d;
  EXPECT_TRUE(check_access_scope(c, scope, d).empty());
  d.sort();
  EXPECT_EQ(errors_of(d),
            (std::vector<std::string>{
                "bad/unknown_resource.json:3:65: error: [unknown_resource] the network holds "
                "nothing named `igw-nope` (name a resource by its id, Name tag or logical id)",
                "bad/unknown_resource.json:4:58: error: [unknown_resource] RouteTable "
                "`rtb-use1-public` cannot stand in Destination (name an instance, network "
                "interface, subnet, VPC, security group or gateway)",
                "bad/unknown_resource.json:5:75: error: [unknown_resource] the network holds no "
                "prefix list `pl-nope` (name a managed prefix list by its id (pl-...) or name)",
            }));
  // Without a place for diagnostics the scope fails with the errors as its message.
  auto results = check_access_scope(c, scope);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_NE(results[0].message.find("igw-nope"), std::string::npos);
}

}  // namespace
}  // namespace cloudtwin::verify
