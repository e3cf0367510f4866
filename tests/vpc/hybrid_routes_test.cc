// Route selection at a virtual private gateway over learned BGP routes (model/hybrid_routes.h) and
// the traces that follow it: two private VIFs into one Direct Connect gateway associated with a
// VGW, and a BGP VPN backup on the same VGW, all announcing 192.168.0.0/16
// (shared/reference/direct-connect.md §1.2, §1.4, §2.1; docs/hybrid-routing.md).
#include "cloudtwin/model/hybrid_routes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cloudtwin/load/learned_routes.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::vpc {
namespace {

const char* kNetwork = R"(
vpcs: [{name: corp, cidr_block: 10.0.0.0/16}]
subnets:
  - {name: app, vpc: corp, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24, route_table: app}
  - {name: pinned, vpc: corp, availability_zone: us-east-1a, cidr_block: 10.0.2.0/24, route_table: pinned}
vpn_gateways: [{name: vgw, vpc: corp}]
customer_gateways: [{name: cgw, ip_address: 198.51.100.1, bgp_asn: 65000}]
vpn_connections:
  - name: backup
    vpn_gateway: vgw
    customer_gateway: cgw
    tunnels: [{inside_cidr: 169.254.10.0/30}, {inside_cidr: 169.254.11.0/30}]
direct_connect_gateways:
  - {name: dxgw, associations: [{gateway: vgw}]}
direct_connect_connections:
  - {name: eqdc2, location: EqDC2, bandwidth: 10Gbps}
  - {name: eqdc3, location: EqDC3, bandwidth: 10Gbps}
virtual_interfaces:
  - {name: a, type: private, connection: eqdc2, vlan: 101, customer_asn: 65000,
     amazon_address: 169.254.100.1/30, customer_address: 169.254.100.2/30, direct_connect_gateway: dxgw}
  - {name: b, type: private, connection: eqdc3, vlan: 102, customer_asn: 65000,
     amazon_address: 169.254.101.1/30, customer_address: 169.254.101.2/30, direct_connect_gateway: dxgw}
on_premises_networks:
  - {name: dc, cidrs: [192.168.0.0/16], direct_connect_gateways: [dxgw], vpn_connections: [backup]}
route_tables:
  - {name: app, vpc: corp, propagating_vgws: [vgw]}
  - name: pinned
    vpc: corp
    routes:
      - {destination: 172.16.0.0/12, vpn_gateway: vgw}
      - {destination: 203.0.113.0/24, vpn_gateway: vgw}
instances:
  - {name: app, subnet: app, private_ip: 10.0.1.10, security_groups: [from-dc]}
  - {name: pinned, subnet: pinned, private_ip: 10.0.2.10, security_groups: [from-dc]}
security_groups:
  - name: from-dc
    vpc: corp
    ingress: [{protocol: all, cidr: 192.168.0.0/16}]
)";

model::Network network() {
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load::read_native_yaml(kNetwork, "hybrid.yaml", n, d));
  EXPECT_TRUE(model::finalize(n, d));
  for (const auto& x : d.items()) ADD_FAILURE() << x.str();
  return n;
}

// The network with the routes of a `routes --json` document attached.
model::Network with_routes(const std::string& learned) {
  auto n = network();
  Diagnostics d;
  auto routes = load::read_learned_routes("{\"learned\": [" + learned + "]}", "routes.json", n, d);
  for (const auto& x : d.items()) ADD_FAILURE() << x.str();
  if (routes) model::attach_learned_routes(n, std::move(*routes));
  return n;
}

std::string vif(const std::string& id, const std::string& prefix, const std::string& as_path,
                const std::string& communities = "") {
  return R"({"session": ")" + id + R"(", "resource": ")" + id +
         R"(", "tunnel": null, "prefix": ")" + prefix + R"(", "as_path": [)" + as_path +
         R"(], "med": null, "communities": [)" + communities + R"(], "next_hop": "169.254.100.2"})";
}

std::string tunnel(int t, const std::string& prefix, const std::string& as_path) {
  return R"({"session": "vpn-backup/tunnel-)" + std::to_string(t) +
         R"(", "resource": "vpn-backup", "tunnel": )" + std::to_string(t) + R"(, "prefix": ")" +
         prefix + R"(", "as_path": [)" + as_path + R"(], "communities": []})";
}

Trace trace_to(const model::Network& n, const std::string& from, const std::string& to) {
  Query q;
  q.source = *parse_endpoint(n, from).endpoint;
  q.destination = *parse_endpoint(n, to).endpoint;
  q.destination_port = 443;
  return trace(n, q);
}

std::vector<std::string> ids(const std::vector<Hop>& hops) {
  std::vector<std::string> out;
  for (const auto& h : hops) out.push_back(h.component_id);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

const Hop* hop_of(const Trace& t, const std::string& type) {
  for (const auto& h : t.forward)
    if (h.component_type == type) return &h;
  return nullptr;
}

// §2.1: local preference communities are evaluated before AS_PATH length: B's 7224:7300 wins
// over A's 7224:7100 although A's path is shorter.
TEST(HybridRoutes, LocalPreferenceCommunityChoosesBetweenVifs) {
  auto n = with_routes(
      vif("dxvif-a", "192.168.0.0/16", "65000", "\"7224:7100\"") + "," +
      vif("dxvif-b", "192.168.0.0/16", "65000, 65000, 65000", "\"7224:7300\", \"65000:1\"") + "," +
      tunnel(1, "192.168.0.0/16", "65000"));
  auto t = trace_to(n, "app", "192.168.1.10");
  ASSERT_TRUE(t.reachable);
  auto path = ids(t.forward);
  EXPECT_TRUE(has(path, "dxvif-b")) << testing::PrintToString(path);
  EXPECT_FALSE(has(path, "dxvif-a"));
  EXPECT_FALSE(has(path, "vpn-backup"));
  const Hop* h = hop_of(t, "VirtualInterface");
  ASSERT_NE(h, nullptr);
  EXPECT_NE(h->note.find("session dxvif-b (169.254.101.2)"), std::string::npos) << h->note;
  EXPECT_NE(h->note.find("local preference 7224:7300 beats 7224:7100 before AS_PATH"),
            std::string::npos)
      << h->note;
  // The VIF hop comes before the Direct Connect gateway and the on-premises network.
  auto at = [&](const std::string& id) {
    return std::find(path.begin(), path.end(), id) - path.begin();
  };
  EXPECT_LT(at("vgw-vgw"), at("dxvif-b"));
  EXPECT_LT(at("dxvif-b"), at("dxgw-dxgw"));
  EXPECT_LT(at("dxgw-dxgw"), at("onprem-dc"));
}

// §2.1 ("Several VIFs in one Region: AS_PATH prepending chooses the return VIF"), §1.4: with
// equal communities, the shorter AS_PATH wins.
TEST(HybridRoutes, AsPathPrependingDecidesWhenCommunitiesAreEqual) {
  auto n = with_routes(vif("dxvif-a", "192.168.0.0/16", "65000, 65000, 65000", "\"7224:7200\"") +
                       "," + vif("dxvif-b", "192.168.0.0/16", "65000", "\"7224:7200\""));
  auto t = trace_to(n, "app", "192.168.1.10");
  ASSERT_TRUE(t.reachable);
  EXPECT_TRUE(has(ids(t.forward), "dxvif-b"));
  const Hop* h = hop_of(t, "VirtualInterface");
  ASSERT_NE(h, nullptr);
  EXPECT_NE(h->note.find("AS_PATH 1 shorter than 3"), std::string::npos) << h->note;

  // No community at all counts as medium (docs/hybrid-routing.md): the same answer.
  auto untagged = with_routes(vif("dxvif-a", "192.168.0.0/16", "65000, 65000, 65000") + "," +
                              vif("dxvif-b", "192.168.0.0/16", "65000"));
  EXPECT_TRUE(has(ids(trace_to(untagged, "app", "192.168.1.10").forward), "dxvif-b"));
}

// §2.1: equal communities and paths share the load in AWS; the twin follows the lowest VIF id and
// says so.
TEST(HybridRoutes, EqualVifsTieBreakOnTheLowestId) {
  auto n = with_routes(vif("dxvif-b", "192.168.0.0/16", "65000") + "," +
                       vif("dxvif-a", "192.168.0.0/16", "65000"));
  auto t = trace_to(n, "app", "192.168.1.10");
  ASSERT_TRUE(t.reachable);
  const Hop* h = hop_of(t, "VirtualInterface");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->component_id, "dxvif-a");
  EXPECT_NE(h->note.find("lowest VIF id"), std::string::npos) << h->note;
}

// §1.2: same prefix, Direct Connect beats VPN; the VPN carries the traffic only when neither VIF
// session holds a route (a failed link: its routes are absent).
TEST(HybridRoutes, VpnOnlyWhenBothVifSessionsHaveNoRoutes) {
  auto both = with_routes(vif("dxvif-a", "192.168.0.0/16", "65000") + "," +
                          tunnel(1, "192.168.0.0/16", "65000"));
  auto t = trace_to(both, "app", "192.168.1.10");
  ASSERT_TRUE(t.reachable);
  EXPECT_TRUE(has(ids(t.forward), "dxvif-a"));
  EXPECT_FALSE(has(ids(t.forward), "vpn-backup"));
  EXPECT_NE(
      hop_of(t, "VirtualInterface")->note.find("Direct Connect beats VPN (direct-connect.md §1.2)"),
      std::string::npos);

  auto vpn_only = with_routes(tunnel(1, "192.168.0.0/16", "65000") + "," +
                              tunnel(2, "192.168.0.0/16", "65000, 65000"));
  t = trace_to(vpn_only, "app", "192.168.1.10");
  ASSERT_TRUE(t.reachable) << (t.explanations.empty() ? "" : t.explanations[0].message);
  auto path = ids(t.forward);
  EXPECT_FALSE(has(path, "dxvif-a"));
  EXPECT_TRUE(has(path, "vpn-backup"));
  EXPECT_TRUE(has(path, "cgw-cgw"));
  const Hop* h = hop_of(t, "VPNConnection");
  ASSERT_NE(h, nullptr);
  // The tunnel, with the customer gateway's inside address (the second of 169.254.10.0/30).
  EXPECT_NE(h->note.find("tunnel 1 (169.254.10.2)"), std::string::npos) << h->note;
  EXPECT_NE(h->note.find("AS_PATH 1 shorter than 2"), std::string::npos) << h->note;

  // A virtual interface that is down has no session: its routes in the file do not count.
  auto down = network();
  down.virtual_interfaces[0].state = "down";
  Diagnostics d;
  auto routes =
      load::read_learned_routes("{\"learned\": [" + vif("dxvif-a", "192.168.0.0/16", "65000") +
                                    "," + tunnel(1, "192.168.0.0/16", "65000") + "]}",
                                "routes.json", down, d);
  ASSERT_TRUE(routes);
  model::attach_learned_routes(down, std::move(*routes));
  EXPECT_TRUE(has(ids(trace_to(down, "app", "192.168.1.10").forward), "vpn-backup"));
}

// §1.2: "VPN can win over DX only by being more specific": the VPN's /24 wins by longest prefix,
// the rest of the /16 stays on Direct Connect.
TEST(HybridRoutes, MoreSpecificVpnRouteWinsByLongestPrefix) {
  auto n = with_routes(vif("dxvif-a", "192.168.0.0/16", "65000", "\"7224:7300\"") + "," +
                       vif("dxvif-b", "192.168.0.0/16", "65000", "\"7224:7100\"") + "," +
                       tunnel(1, "192.168.0.0/16", "65000") + "," +
                       tunnel(1, "192.168.5.0/24", "65000"));
  auto t = trace_to(n, "app", "192.168.5.10");
  ASSERT_TRUE(t.reachable);
  EXPECT_TRUE(has(ids(t.forward), "vpn-backup"));
  EXPECT_FALSE(has(ids(t.forward), "dxvif-a"));
  t = trace_to(n, "app", "192.168.1.10");
  ASSERT_TRUE(t.reachable);
  EXPECT_TRUE(has(ids(t.forward), "dxvif-a"));
}

// §1.1: the VPC route table gets the gateway's winning prefixes as propagated routes, with the
// winner's origin (Direct Connect > VPN static > VPN BGP).
TEST(HybridRoutes, PropagatedRoutesAreTheWinners) {
  auto n = with_routes(vif("dxvif-a", "192.168.0.0/16", "65000") + "," +
                       tunnel(1, "192.168.0.0/16", "65000") + "," +
                       tunnel(1, "192.168.5.0/24", "65000"));
  const auto& rt = n.route_tables[*n.find("rtb-app", model::Kind::kRouteTable)];
  std::vector<std::pair<std::string, model::RouteOrigin>> propagated;
  for (const auto& r : rt.effective)
    if (r.implicit && r.target_kind == model::TargetKind::kVpnGateway)
      propagated.emplace_back(r.destination->str(), r.origin);
  std::vector<std::pair<std::string, model::RouteOrigin>> want = {
      {"192.168.0.0/16", model::RouteOrigin::kPropagatedDirectConnect},
      {"192.168.5.0/24", model::RouteOrigin::kPropagatedVpnBgp}};
  EXPECT_EQ(propagated, want);

  // The table `routes` prints: every candidate per prefix, the winner first and why.
  auto tables = model::hybrid_route_tables(n);
  ASSERT_EQ(tables.size(), 1u);
  ASSERT_EQ(tables[0].prefixes.size(), 2u);
  const auto& wide = tables[0].prefixes[0];
  EXPECT_EQ(wide.prefix.str(), "192.168.0.0/16");
  ASSERT_EQ(wide.candidates.size(), 2u);
  EXPECT_EQ(model::hybrid_route_session(n, wide.winner()), "dxvif-a");
  EXPECT_EQ(model::hybrid_route_session(n, wide.candidates[1]), "vpn-backup/tunnel-1");
  EXPECT_EQ(wide.why, "Direct Connect beats VPN (direct-connect.md §1.2)");
  EXPECT_EQ(tables[0].prefixes[1].candidates.size(), 1u);
}

// With learned routes given, a destination no route covers is not reached through the stand-in
// on-premises CIDRs: the gateway says no route was learned.
TEST(HybridRoutes, NoLearnedRouteIsNoRouteAtTheGateway) {
  auto n = with_routes(vif("dxvif-a", "192.168.5.0/24", "65000"));
  // The app table has only the propagated /24: 192.168.1.10 has no route there at all.
  auto t = trace_to(n, "app", "192.168.1.10");
  EXPECT_FALSE(t.reachable);
  ASSERT_FALSE(t.explanations.empty());
  EXPECT_EQ(t.explanations[0].code, "NO_ROUTE_TO_DESTINATION");
  EXPECT_EQ(t.explanations[0].component_type, "RouteTable");
  // The pinned table sends 172.16.0.0/12 to the gateway statically; nothing was learned there.
  n.on_premises_networks[0].cidrs.push_back(*Prefix::parse("172.16.0.0/12"));
  t = trace_to(n, "pinned", "172.16.1.10");
  EXPECT_FALSE(t.reachable);
  ASSERT_FALSE(t.explanations.empty());
  EXPECT_EQ(t.explanations[0].code, "NO_ROUTE_TO_DESTINATION");
  EXPECT_EQ(t.explanations[0].component_id, "vgw-vgw");
  EXPECT_NE(t.explanations[0].message.find("no route covering it was learned"), std::string::npos)
      << t.explanations[0].message;
}

// A learned route that covers an address no on-premises network holds: the packet leaves on the
// VIF, but what is beyond the customer router is not modelled, so the answer is inconclusive.
TEST(HybridRoutes, BeyondTheCustomerRouterIsInconclusive) {
  auto n = with_routes(vif("dxvif-a", "203.0.113.0/24", "65000"));
  auto t = trace_to(n, "pinned", "203.0.113.10");
  EXPECT_EQ(t.verdict, Verdict::kInconclusive);
  ASSERT_EQ(t.unknowns.size(), 1u);
  EXPECT_EQ(t.unknowns[0].code, "UNSUPPORTED_COMPONENT");
  EXPECT_EQ(t.unknowns[0].component_id, "dxvif-a");
}

// §1.3: a Direct Connect gateway attachment propagates into the transit gateway's table the
// routes learned on the gateway's transit VIFs, instead of the on-premises CIDRs.
TEST(HybridRoutes, TransitGatewayTablesTakeTransitVifRoutes) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load::read_native_yaml(R"(
vpcs: [{name: hub, cidr_block: 10.1.0.0/16}]
subnets: [{name: hub-a, vpc: hub, availability_zone: us-east-1a, cidr_block: 10.1.1.0/24}]
transit_gateways: [{name: tgw, amazon_side_asn: 64700}]
direct_connect_gateways:
  - {name: dxgw, amazon_side_asn: 64800, associations: [{gateway: tgw, allowed_prefixes: [10.0.0.0/8]}]}
transit_gateway_attachments:
  - {name: hub, transit_gateway: tgw, vpc: hub, subnets: [hub-a]}
  - {name: dx, transit_gateway: tgw, resource_type: direct-connect-gateway, direct_connect_gateway: dxgw}
direct_connect_connections: [{name: eqdc2, location: EqDC2, bandwidth: 10Gbps}]
virtual_interfaces:
  - {name: t, type: transit, connection: eqdc2, vlan: 200, customer_asn: 65000, direct_connect_gateway: dxgw}
on_premises_networks: [{name: dc, cidrs: [192.168.0.0/16], direct_connect_gateways: [dxgw]}]
)",
                                     "tgw.yaml", n, d));
  ASSERT_TRUE(model::finalize(n, d)) << (d.items().empty() ? "" : d.items()[0].str());
  auto from_dx = [&] {
    std::vector<std::string> out;
    for (const auto& rt : n.transit_gateway_route_tables)
      for (const auto& r : rt.effective)
        if (r.propagated && n.transit_gateway_attachments[r.attachment.index].type ==
                                model::AttachmentType::kDirectConnectGateway)
          out.push_back(r.destination.str());
    return out;
  };
  EXPECT_EQ(from_dx(), std::vector<std::string>{"192.168.0.0/16"});  // the stand-in
  model::LearnedRoute r;
  r.session = {model::Kind::kVirtualInterface, 0};
  r.prefix = *Prefix::parse("192.168.5.0/24");
  r.as_path = {65000};
  model::attach_learned_routes(n, {r});
  EXPECT_EQ(from_dx(), std::vector<std::string>{"192.168.5.0/24"});
}

// Without learned routes nothing changes: on-premises CIDRs stand in for BGP announcements.
TEST(HybridRoutes, WithoutLearnedRoutesOnPremisesCidrsStandIn) {
  auto n = network();
  EXPECT_FALSE(n.learned_routes.given);
  auto t = trace_to(n, "app", "192.168.1.10");
  ASSERT_TRUE(t.reachable);
  auto path = ids(t.forward);
  EXPECT_TRUE(has(path, "dxgw-dxgw"));
  EXPECT_FALSE(has(path, "dxvif-a"));
}

}  // namespace
}  // namespace cloudtwin::vpc
