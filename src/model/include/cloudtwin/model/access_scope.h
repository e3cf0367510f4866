// A Network Access Analyzer access scope as written (CreateNetworkInsightsAccessScope's
// MatchPaths/ExcludePaths, or the NetworkInsightsAccessScopeContent that
// get-network-insights-access-scope-content returns): plain data with the location of every
// item, so later stages report problems where the user wrote them. Values are parsed (CIDR
// blocks, port ranges, protocols); resource ids, resource types and prefix lists stay text
// until they are resolved against a network (verify/access_scope.h). docs/access-scopes.md
// describes the format and its meaning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::model {

// One value of a scope and where it is written.
template <class T>
struct Located {
  T value;
  Location at;
};

// "Resources" (ids, Name tags, logical ids or ARNs) or "ResourceTypes" ("AWS::EC2::..."); AWS
// accepts one of the two per statement, not both.
struct ResourceStatement {
  std::vector<Located<std::string>> resources;
  std::vector<Located<std::string>> resource_types;
  Location at;
};

// The traffic a path statement admits. Empty lists admit anything; `protocols` empty means TCP
// and UDP (the two protocols Network Access Analyzer analyses).
struct PacketHeaderStatement {
  std::vector<Located<Prefix>> source_addresses;
  std::vector<Located<Prefix>> destination_addresses;
  std::vector<Located<std::string>> source_prefix_lists;  // ids, names or ARNs
  std::vector<Located<std::string>> destination_prefix_lists;
  std::vector<Located<PortRange>> source_ports;
  std::vector<Located<PortRange>> destination_ports;
  std::vector<Located<Protocol>> protocols;
  Location at;
};

// The Source or Destination of a path.
struct PathStatement {
  std::optional<ResourceStatement> resource_statement;
  std::optional<PacketHeaderStatement> packet_header_statement;
  Location at;
};

// One entry of MatchPaths or ExcludePaths. A path matches when its start matches `source`, its
// end matches `destination` (absent: anything) and it goes through a resource of every
// statement of `through_resources`.
struct AccessScopePath {
  std::optional<PathStatement> source;
  std::optional<PathStatement> destination;
  std::vector<ResourceStatement> through_resources;
  Location at;
};

struct AccessScope {
  std::string name;  // NetworkInsightsAccessScopeId when given, else the file's stem
  std::string file;  // the path diagnostics name
  Location at;       // the scope object
  std::vector<AccessScopePath> match_paths;
  std::vector<AccessScopePath> exclude_paths;
};

// Where a resource may stand in a path (bit set).
enum ScopePosition : std::uint8_t { kScopeSource = 1, kScopeDestination = 2, kScopeThrough = 4 };
inline constexpr std::uint8_t kScopeEnds = kScopeSource | kScopeDestination;
inline constexpr std::uint8_t kScopeAnywhere = kScopeSource | kScopeDestination | kScopeThrough;

struct ScopeResourceType {
  std::string_view name;     // as in ResourceTypes
  std::optional<Kind> kind;  // nullopt: a type AWS accepts that cloudtwin does not model
  std::uint8_t positions;
  bool extension;  // accepted by cloudtwin, not by Network Access Analyzer
};

// The positions follow the Network Access Analyzer guide (resource-statement.html: "source and
// destination only", "through only", ...); cloudtwin also lets paths go through internet and
// virtual private gateways, and adds the hybrid types (docs/access-scopes.md).
inline constexpr ScopeResourceType kScopeResourceTypes[] = {
    {"AWS::EC2::InternetGateway", Kind::kInternetGateway, kScopeAnywhere, false},
    {"AWS::EC2::NatGateway", Kind::kNatGateway, kScopeThrough, false},
    {"AWS::EC2::TransitGatewayAttachment", Kind::kTransitGatewayAttachment, kScopeAnywhere, false},
    {"AWS::EC2::VPCEndpoint", Kind::kVpcEndpoint, kScopeDestination | kScopeThrough, false},
    {"AWS::EC2::VPCEndpointService", Kind::kVpcEndpointService, kScopeAnywhere, false},
    {"AWS::EC2::VPCPeeringConnection", Kind::kVpcPeeringConnection, kScopeAnywhere, false},
    {"AWS::EC2::VPNGateway", Kind::kVpnGateway, kScopeAnywhere, false},
    {"AWS::ElasticLoadBalancing::LoadBalancer", Kind::kLoadBalancer, kScopeThrough, false},
    {"AWS::ElasticLoadBalancingV2::LoadBalancer", Kind::kLoadBalancer, kScopeThrough, false},
    {"AWS::NetworkFirewall::Firewall", Kind::kFirewall, kScopeThrough, false},
    {"AWS::EC2::NetworkInterface", Kind::kNetworkInterface, kScopeEnds, false},
    {"AWS::EC2::Instance", Kind::kInstance, kScopeEnds, false},
    {"AWS::EC2::SecurityGroup", Kind::kSecurityGroup, kScopeEnds, false},
    {"AWS::EC2::Subnet", Kind::kSubnet, kScopeEnds, false},
    {"AWS::EC2::VPC", Kind::kVpc, kScopeEnds, false},
    {"AWS::EC2::TransitGateway", Kind::kTransitGateway, kScopeAnywhere, true},
    {"AWS::EC2::EgressOnlyInternetGateway", Kind::kEgressOnlyInternetGateway, kScopeAnywhere, true},
    {"AWS::EC2::VPNConnection", Kind::kVpnConnection, kScopeAnywhere, true},
    {"AWS::EC2::CustomerGateway", Kind::kCustomerGateway, kScopeAnywhere, true},
    {"AWS::DirectConnect::DirectConnectGateway", Kind::kDirectConnectGateway, kScopeAnywhere, true},
};

inline const ScopeResourceType* scope_resource_type(std::string_view name) {
  for (const auto& t : kScopeResourceTypes) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// "Source or Destination", "ThroughResources"...: the positions of `positions`, for messages.
inline std::string scope_positions_text(std::uint8_t positions) {
  std::string s;
  for (auto [bit, word] :
       {std::pair{kScopeSource, "Source"}, std::pair{kScopeDestination, "Destination"},
        std::pair{kScopeThrough, "ThroughResources"}}) {
    if (!(positions & bit)) continue;
    if (!s.empty()) s += " or ";
    s += word;
  }
  return s;
}

}  // namespace cloudtwin::model
