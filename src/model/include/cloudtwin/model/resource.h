// The parts every resource of the model shares: its kind, its id and name, where it was written,
// and references between resources as the user wrote them (resolved by finalize()).
#pragma once

#include <cstdint>
#include <string>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/symbol.h"

namespace cloudtwin::model {

using Index = std::uint32_t;
inline constexpr Index kNone = 0xffffffffu;

// Every kind of resource, named as AWS names the CloudFormation type (AWS::EC2::<name>).
enum class Kind : std::uint8_t {
  kVpc,
  kSubnet,
  kRouteTable,
  kInternetGateway,
  kEgressOnlyInternetGateway,
  kNatGateway,
  kElasticIp,
  kNetworkInterface,
  kInstance,
  kSecurityGroup,
  kNetworkAcl,
  kPrefixList,
  kVpcPeeringConnection,
  kTransitGateway,
  kTransitGatewayRouteTable,
  kTransitGatewayAttachment,
  kVpcEndpoint,
  kVpnGateway,
  kCustomerGateway,
  kVpnConnection,
  kDirectConnectGateway,
  kOnPremisesNetwork,
  // Elastic Load Balancing (AWS::ElasticLoadBalancingV2::*, AWS::ElasticLoadBalancing::*)
  kLoadBalancer,
  kListener,
  kListenerRule,
  kTargetGroup,
  kVpcEndpointService,
  // AWS::AutoScaling::AutoScalingGroup, AWS::EC2::LaunchTemplate
  kAutoScalingGroup,
  kLaunchTemplate,
  // AWS::NetworkFirewall::*
  kFirewall,
  kFirewallPolicy,
  kFirewallRuleGroup,
  // AWS::Route53::*
  kHostedZone,
  kRecordSet,
  kDelegationSet,
  kHealthCheck,
  kCidrCollection,
  // AWS::CloudFront::*
  kDistribution,
  kCachePolicy,
  kOriginRequestPolicy,
  kResponseHeadersPolicy,
  kPublicKey,
  kKeyGroup,
  // AWS::DirectConnect::Connection, Lag and *VirtualInterface (also the API's and aws_dx_*)
  kDirectConnectConnection,
  kDirectConnectLag,
  kVirtualInterface,
};
const char* kind_name(Kind k);  // "VPC", "Subnet", "NetworkInterface", ...

// A reference as the user wrote it (an id or a Name tag), resolved by finalize().
struct Ref {
  std::string text;
  Location at;
  Index index = kNone;

  [[nodiscard]] bool empty() const { return text.empty(); }
  [[nodiscard]] bool resolved() const { return index != kNone; }
};

// A resource of a network: its kind and its index in the network's list of that kind.
struct ResourceKey {
  Kind kind;
  Index index;
};

struct Resource {
  std::string id;
  std::string name;  // the Name tag, or the logical name used in the source
  Location at;
  // Set when a value of this resource is a stand-in for an input without a value (a
  // CloudFormation parameter): says which. Answers that depend on the value are inconclusive.
  Symbol stand_in;

  // "name (id)" or just the id.
  [[nodiscard]] std::string label() const { return name.empty() || name == id ? id : name + " (" + id + ")"; }
};

}  // namespace cloudtwin::model
