#include "cloudtwin/vpc/endpoint.h"

#include <gtest/gtest.h>

#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::vpc {
namespace {

model::Network small() {
  model::Network n;
  Diagnostics d;
  const char* text = R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
instances:
  - {name: web, subnet: a, private_ip: 10.0.1.10, public_ip: 54.1.2.3}
on_premises_networks:
  - {name: dc, cidrs: [192.168.0.0/16]}
)";
  EXPECT_TRUE(load::read_native_yaml(text, "t.yaml", n, d));
  EXPECT_TRUE(model::finalize(n, d));
  for (const auto& x : d.items()) ADD_FAILURE() << x.str();
  return n;
}

TEST(Endpoint, NamesIdsAndAddresses) {
  auto n = small();
  EXPECT_EQ(parse_endpoint(n, "web").endpoint->kind, EndpointKind::kNetworkInterface);
  EXPECT_EQ(parse_endpoint(n, "i-web").endpoint->kind, EndpointKind::kNetworkInterface);
  EXPECT_EQ(parse_endpoint(n, "10.0.1.10").endpoint->kind, EndpointKind::kNetworkInterface);
  EXPECT_EQ(parse_endpoint(n, "54.1.2.3").endpoint->kind, EndpointKind::kNetworkInterface);
  EXPECT_EQ(parse_endpoint(n, "10.0.1.99").endpoint->kind, EndpointKind::kAddress);
  EXPECT_EQ(parse_endpoint(n, "192.168.4.4").endpoint->kind, EndpointKind::kOnPremises);
  EXPECT_EQ(parse_endpoint(n, "dc").endpoint->kind, EndpointKind::kOnPremises);
  EXPECT_EQ(parse_endpoint(n, "8.8.8.8").endpoint->kind, EndpointKind::kInternet);
}

TEST(Endpoint, InternetSplitsAtTheFirstColon) {
  auto n = small();
  auto v6 = parse_endpoint(n, "internet:2600:1f18::1");
  ASSERT_TRUE(v6.endpoint);
  EXPECT_EQ(v6.endpoint->address->str(), "2600:1f18::1");
  EXPECT_TRUE(parse_endpoint(n, "internet").endpoint);
}

TEST(Endpoint, InternetMayNameAPrivateAddressToCheckIgwFiltering) {
  auto n = small();
  auto e = parse_endpoint(n, "internet:10.1.2.3");
  ASSERT_TRUE(e.endpoint);
  EXPECT_EQ(e.endpoint->kind, EndpointKind::kInternet);
}

TEST(Endpoint, BadInputGetsAnErrorAndAHint) {
  auto n = small();
  auto typo = parse_endpoint(n, "wbe");
  EXPECT_FALSE(typo.endpoint);
  EXPECT_EQ(typo.hint, "did you mean `web`?");
  EXPECT_FALSE(parse_endpoint(n, "internet:nonsense").endpoint);
  EXPECT_FALSE(parse_endpoint(n, "172.20.0.1").endpoint);
  EXPECT_FALSE(parse_endpoint(n, "").endpoint);
}

}  // namespace
}  // namespace cloudtwin::vpc
