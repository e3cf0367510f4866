// The learned routes file `cloudtwin routes --json` writes (docs/hybrid-routing.md): every field
// read, every mistake a located error, nothing attached when any is found.
#include "cloudtwin/load/learned_routes.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cloudtwin/model/hybrid_routes.h"
#include "read_helpers.h"

namespace cloudtwin::load::testing {
namespace {

const char* kNetwork = R"(
vpcs: [{name: corp, cidr_block: 10.0.0.0/16}]
vpn_gateways: [{name: vgw, vpc: corp}]
customer_gateways: [{name: cgw, ip_address: 198.51.100.1}]
vpn_connections:
  - {name: backup, vpn_gateway: vgw, customer_gateway: cgw,
     tunnels: [{inside_cidr: 169.254.10.0/30}, {inside_cidr: 169.254.11.0/30}]}
  - {name: static, vpn_gateway: vgw, customer_gateway: cgw, static_routes_only: true,
     static_routes: [172.16.0.0/16]}
direct_connect_gateways: [{name: dxgw, associations: [{gateway: vgw}]}]
direct_connect_connections: [{name: eqdc2, location: EqDC2, bandwidth: 10Gbps}]
virtual_interfaces:
  - {id: dxvif-ffgh1234, name: primary, type: private, connection: eqdc2, vlan: 101,
     customer_asn: 65000, direct_connect_gateway: dxgw}
)";

model::Network network() {
  auto r = read(kNetwork);
  EXPECT_TRUE(r.ok) << dump(r.diagnostics);
  EXPECT_TRUE(model::finalize(r.network, r.diagnostics)) << dump(r.diagnostics);
  return std::move(r.network);
}

// The exact shape `routes --json` writes; other top-level keys are ignored.
TEST(LearnedRoutes, ReadsTheRoutesJsonFormat) {
  auto n = network();
  Diagnostics d;
  auto routes = read_learned_routes(R"({"generated": "2026-12-05T19:00:00Z", "learned": [
    {"session": "dxvif-ffgh1234", "resource": "dxvif-ffgh1234", "tunnel": null,
     "prefix": "192.168.0.0/16", "as_path": [65000, 65000], "med": 10,
     "communities": ["7224:7300", "65000:1"], "next_hop": "169.254.255.2"},
    {"session": "vpn-backup/tunnel-2", "resource": "backup", "tunnel": 2,
     "prefix": "192.168.5.0/24", "as_path": [65000], "communities": []}
  ]})",
                                    "routes.json", n, d);
  ASSERT_TRUE(routes) << dump(d);
  ASSERT_EQ(routes->size(), 2u);
  const auto& vif = (*routes)[0];
  EXPECT_EQ(vif.session.kind, model::Kind::kVirtualInterface);
  EXPECT_EQ(vif.session.index, 0u);
  EXPECT_EQ(vif.tunnel, -1);
  EXPECT_EQ(vif.prefix, *Prefix::parse("192.168.0.0/16"));
  EXPECT_EQ(vif.as_path, (std::vector<std::uint32_t>{65000, 65000}));
  EXPECT_EQ(vif.med, 10u);
  EXPECT_EQ(vif.communities,
            (std::vector<std::uint32_t>{model::community(7224, 7300), model::community(65000, 1)}));
  EXPECT_EQ(vif.next_hop, IpAddress::parse("169.254.255.2"));
  EXPECT_EQ(vif.at.line, 2u);
  const auto& vpn = (*routes)[1];
  EXPECT_EQ(vpn.session.kind, model::Kind::kVpnConnection);
  EXPECT_EQ(vpn.tunnel, 1);  // tunnel 2 of the file
  EXPECT_FALSE(vpn.med.has_value());
  EXPECT_TRUE(vpn.communities.empty());
}

// `routes --json` writes an AS_SET (from an aggregating router) as a nested list: it counts as
// one hop of the path's length (RFC 4271 §9.1.2.2), so the route reads and compares.
TEST(LearnedRoutes, AnAsSetCountsAsOneHop) {
  auto n = network();
  Diagnostics d;
  auto routes = read_learned_routes(R"({"learned": [
    {"session": "dxvif-ffgh1234", "prefix": "192.168.0.0/16", "as_path": [65000, [65001, 65002]]}
  ]})",
                                    "routes.json", n, d);
  ASSERT_TRUE(routes) << dump(d);
  EXPECT_EQ((*routes)[0].as_path, (std::vector<std::uint32_t>{65000, 65001}));
  Diagnostics bad;
  EXPECT_FALSE(read_learned_routes(R"({"learned": [
    {"session": "dxvif-ffgh1234", "prefix": "192.168.0.0/16", "as_path": [65000, ["x"]]}
  ]})",
                                   "routes.json", n, bad));
  EXPECT_TRUE(bad.has_errors());
}

struct BadInput {
  const char* name;
  const char* route;  // one entry of "learned", on line 2 of the file
  const char* at;     // the text the error must point at (its first character)
  const char* message;
};

// Each mistake is an error at its own value (line 2, the column of the value).
const BadInput kBadInputs[] = {
    {"unknown_resource", R"({"resource": "dxvif-nope", "prefix": "10.0.0.0/8"})", "\"dxvif-nope",
     "`dxvif-nope` is not a virtual interface or VPN connection"},
    {"bad_prefix", R"({"resource": "primary", "prefix": "192.168.0.0/33"})", "\"192.168.0.0/33",
     "is not a prefix"},
    {"host_bits", R"({"resource": "primary", "prefix": "192.168.1.0/16"})", "\"192.168.1.0/16",
     "host bits set"},
    {"missing_prefix", R"({"resource": "primary"})", "{", "needs its `prefix`"},
    {"tunnel_on_a_vif", R"({"resource": "primary", "tunnel": 1, "prefix": "10.0.0.0/8"})", "1,",
     "one BGP session, no tunnels"},
    {"tunnel_three", R"({"resource": "vpn-backup", "tunnel": 3, "prefix": "10.0.0.0/8"})", "3,",
     "is outside 1-2"},
    {"vpn_without_tunnel", R"({"resource": "vpn-backup", "prefix": "10.0.0.0/8"})", "{",
     "needs its `tunnel`"},
    {"static_vpn", R"({"resource": "vpn-static", "tunnel": 1, "prefix": "10.0.0.0/8"})",
     "\"vpn-static", "static VPN connection"},
    {"bad_community",
     R"({"resource": "primary", "prefix": "10.0.0.0/8", "communities": ["7224:70000"]})",
     "\"7224:70000", "is not a community"},
    {"bad_as_path", R"({"resource": "primary", "prefix": "10.0.0.0/8", "as_path": ["x"]})", "\"x",
     "is not an integer"},
    {"bad_next_hop", R"({"resource": "primary", "prefix": "10.0.0.0/8", "next_hop": "nowhere"})",
     "\"nowhere", "next_hop"},
    {"session_mismatch",
     R"({"session": "vpn-backup/tunnel-1", "resource": "vpn-backup", "tunnel": 2, "prefix": "10.0.0.0/8"})",
     "\"vpn-backup/tunnel-1", "is not the session of"},
};

class LearnedRoutesBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(LearnedRoutesBadInput, IsALocatedError) {
  const auto& c = GetParam();
  auto n = network();
  Diagnostics d;
  auto routes =
      read_learned_routes(std::string("{\"learned\": [\n") + c.route + "\n]}", "routes.json", n, d);
  EXPECT_FALSE(routes.has_value());
  ASSERT_TRUE(d.has_errors());
  const auto& e = d.items().front();
  EXPECT_EQ(e.file, "routes.json");
  EXPECT_EQ(e.line, 2u) << e.str();
  const auto column = std::string(c.route).find(c.at) + 1;
  EXPECT_EQ(e.column, column) << e.str();
  EXPECT_NE(e.message.find(c.message), std::string::npos) << e.str();
}

INSTANTIATE_TEST_SUITE_P(Rows, LearnedRoutesBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LearnedRoutes, EveryErrorIsReportedNotOnlyTheFirst) {
  auto n = network();
  Diagnostics d;
  auto routes = read_learned_routes(R"({"learned": [
{"resource": "dxvif-nope", "prefix": "10.0.0.0/8"},
{"resource": "primary", "prefix": "10.0.0.0/8"},
{"resource": "primary", "prefix": "bad"}
]})",
                                    "routes.json", n, d);
  EXPECT_FALSE(routes.has_value());
  ASSERT_EQ(d.error_count(), 2u) << dump(d);
  EXPECT_EQ(d.items()[0].line, 2u);
  EXPECT_EQ(d.items()[1].line, 4u);
}

TEST(LearnedRoutes, DuplicateRouteOnOneSessionIsAnError) {
  auto n = network();
  Diagnostics d;
  auto routes = read_learned_routes(R"({"learned": [
{"resource": "primary", "prefix": "10.0.0.0/8"},
{"resource": "primary", "prefix": "10.0.0.0/8"}
]})",
                                    "routes.json", n, d);
  EXPECT_FALSE(routes.has_value());
  ASSERT_EQ(d.error_count(), 1u) << dump(d);
  EXPECT_EQ(d.items()[0].line, 3u);
  EXPECT_NE(d.items()[0].message.find("second route to 10.0.0.0/8"), std::string::npos);
}

TEST(LearnedRoutes, MalformedJsonIsLocated) {
  auto n = network();
  Diagnostics d;
  EXPECT_FALSE(read_learned_routes("{\"learned\": [\n  {\"prefix\": }\n]}", "routes.json", n, d));
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.items()[0].line, 2u) << dump(d);
  Diagnostics d2;
  EXPECT_FALSE(read_learned_routes("{\"routes\": []}", "routes.json", n, d2));
  EXPECT_NE(dump(d2).find("no `learned` list"), std::string::npos) << dump(d2);
}

// What the CLI calls: read the file and attach to the finalized network.
TEST(LearnedRoutes, LoadAttachesToAFinalizedNetwork) {
  auto n = network();
  const std::string path = ::testing::TempDir() + "learned_routes_test.json";
  {
    std::ofstream out(path);
    out << R"({"learned": [{"resource": "primary", "tunnel": null, "prefix": "192.168.0.0/16", "as_path": [65000]}]})";
  }
  Diagnostics d;
  ASSERT_TRUE(load_learned_routes(path, n, d)) << dump(d);
  EXPECT_TRUE(n.learned_routes.given);
  ASSERT_EQ(n.learned_routes.routes.size(), 1u);
  EXPECT_EQ(n.file_of(n.learned_routes.routes[0].at), path);

  auto bad = network();
  Diagnostics d2;
  EXPECT_FALSE(load_learned_routes(path + ".missing", bad, d2));
  EXPECT_FALSE(bad.learned_routes.given);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace cloudtwin::load::testing
