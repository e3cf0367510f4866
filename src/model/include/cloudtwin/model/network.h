// The resource graph of an AWS network: every VPC-level resource of one or more accounts and
// regions, with references between them. Readers fill a Network with references written as ids
// or names; finalize() resolves them to dense indices, materialises AWS's implicit defaults
// (main route table, local routes, default security group and network ACL, propagated routes,
// transit gateway default tables) and validates. After a successful finalize() the network is
// treated as immutable and engines read it through the derived fields and lookups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"
#include "cloudtwin/core/prefix_trie.h"
#include "cloudtwin/core/symbol.h"
#include "cloudtwin/model/firewall.h"
#include "cloudtwin/model/load_balancer.h"
#include "cloudtwin/model/resource.h"
#include "cloudtwin/model/cloudfront.h"
#include "cloudtwin/model/direct_connect.h"
#include "cloudtwin/model/learned_routes.h"
#include "cloudtwin/model/route53.h"
#include "cloudtwin/model/sorted_index.h"

namespace cloudtwin::model {

struct Vpc : Resource {
  std::string account;
  std::string region;
  std::vector<Prefix> cidr_blocks;       // primary first, then secondary
  std::vector<Prefix> ipv6_cidr_blocks;
  bool enable_dns_support = true;
  // derived
  Index main_route_table = kNone;
  Index default_security_group = kNone;
  Index default_network_acl = kNone;
  Index internet_gateway = kNone;
  Index egress_only_internet_gateway = kNone;
  Index vpn_gateway = kNone;
  std::vector<Index> subnets;

  [[nodiscard]] bool contains(IpAddress a) const;
  // The Amazon-provided DNS resolver: the primary IPv4 CIDR's base + 2.
  [[nodiscard]] std::optional<IpAddress> resolver() const;
};

struct Subnet : Resource {
  Ref vpc;
  std::string availability_zone;
  std::optional<Prefix> cidr_block;
  std::optional<Prefix> ipv6_cidr_block;
  Ref route_table;  // explicit association, if any
  Ref network_acl;  // explicit association, if any
  // derived
  Index effective_route_table = kNone;
  Index effective_network_acl = kNone;

  [[nodiscard]] bool contains(IpAddress a) const;
  // AWS reserves the first four addresses and the last one of every IPv4 subnet.
  [[nodiscard]] bool is_reserved(IpAddress a) const;
};

enum class TargetKind : std::uint8_t {
  kLocal,
  kInternetGateway,
  kEgressOnlyInternetGateway,
  kNatGateway,
  kTransitGateway,
  kVpcPeeringConnection,
  kNetworkInterface,
  kInstance,
  kVpcEndpoint,
  kVpnGateway,
  kUnsupported,  // carrier/local gateways, core networks: routes exist but lead nowhere modelled
};
const char* target_kind_field(TargetKind k);  // AWS field name: "GatewayId", "NatGatewayId", ...

// Route priority classes, best first (route-tables-priority.html).
enum class RouteOrigin : std::uint8_t {
  kStatic,                   // CreateRouteTable (local) and CreateRoute
  kPrefixList,               // a static route whose destination is a prefix list
  kPropagatedDirectConnect,  // EnableVgwRoutePropagation, learned over Direct Connect
  kPropagatedVpnStatic,      // EnableVgwRoutePropagation, VPN static route
  kPropagatedVpnBgp,         // EnableVgwRoutePropagation, VPN BGP
};
const char* route_origin_name(RouteOrigin o);

struct Route {
  std::optional<Prefix> destination;  // set unless destination_prefix_list is
  Ref destination_prefix_list;
  TargetKind target_kind = TargetKind::kLocal;
  Ref target;  // empty for local
  bool blackhole = false;
  RouteOrigin origin = RouteOrigin::kStatic;
  Location at;
  bool implicit = false;  // materialised by cloudtwin (local or propagated), not written
  // Why the destination is not known offline (a value known after apply, a prefix list outside
  // the network); empty when known. Such a route might win any lookup of its table, so every
  // lookup there is inconclusive. (An unknown *target* is TargetKind::kUnsupported.)
  Symbol unknown;
};

struct RouteTable : Resource {
  Ref vpc;
  bool main = false;
  std::vector<Ref> subnets;           // explicit subnet associations
  std::vector<Ref> gateways;          // edge associations (IGW or VGW)
  std::vector<Ref> propagating_vgws;
  std::vector<Route> routes;          // as written
  // derived: the routes whose destination is not known offline (Route::unknown), by index
  std::vector<std::uint32_t> unknown_routes;
  // derived: every effective route (written, local, propagated; prefix lists expanded), and
  // an LPM index into it
  std::vector<Route> effective;
  PrefixTrie<std::uint32_t> lookup;
};

struct InternetGateway : Resource {
  Ref vpc;  // attachment; empty when detached
};

struct EgressOnlyInternetGateway : Resource {
  Ref vpc;
};

struct NatGateway : Resource {
  Ref subnet;
  bool private_connectivity = false;  // ConnectivityType: private
  std::optional<IpAddress> private_ip;
  std::optional<IpAddress> public_ip;
  Ref elastic_ip;
  std::string state = "available";
  // derived
  Index vpc = kNone;
};

struct ElasticIp : Resource {
  IpAddress public_ip;
  Ref network_interface;
  Ref instance;
  std::optional<IpAddress> private_ip;  // which private IP of the ENI; primary if unset
};

struct NetworkInterface : Resource {
  Ref subnet;
  std::vector<IpAddress> private_ips;  // primary first
  std::vector<IpAddress> ipv6_addresses;
  std::optional<IpAddress> public_ip;  // auto-assigned public IPv4 of the primary private IP
  std::vector<Ref> security_groups;
  bool source_dest_check = true;
  Ref instance;  // attachment
  Symbol interface_type = "interface";
  Symbol status = "in-use";
  PortRange ephemeral_ports{32768, 60999};  // Linux default; the reply's destination ports
  // derived
  Index vpc = kNone;
  std::vector<std::pair<IpAddress, IpAddress>> public_ips;  // private -> public (EIPs and auto)
  Index load_balancer = kNone;  // the load balancer whose node this is
  Index vpc_endpoint = kNone;   // the interface or Gateway Load Balancer endpoint it serves

  [[nodiscard]] std::optional<IpAddress> public_ip_for(IpAddress private_ip) const;
  [[nodiscard]] bool has_address(IpAddress a) const;
};

struct Instance : Resource {
  Symbol state = "running";
  // derived: ENIs whose attachment names this instance, primary first
  std::vector<Index> network_interfaces;
  // derived: the Auto Scaling group this instance stands for (one per subnet of the group)
  Index auto_scaling_group = kNone;
};

struct SecurityGroupRule {
  Protocol protocol;
  PortRange ports;     // tcp/udp
  int icmp_type = -1;  // icmp: -1 = any
  int icmp_code = -1;
  std::optional<Prefix> cidr;
  Ref prefix_list;
  Ref security_group;
  Symbol description;
  Location at;
  bool implicit = false;  // AWS's default allow-all egress or default-SG rules
  // Why the peer (CIDR, prefix list or group) is not known offline: a stand-in, a value known
  // after apply, a group or prefix list outside the network; empty when known. The rule may
  // match any peer address, so a packet only it could admit has an inconclusive verdict.
  Symbol unknown;
};

struct SecurityGroup : Resource {
  Ref vpc;
  std::string group_name;
  bool is_default = false;
  std::vector<SecurityGroupRule> ingress;
  std::vector<SecurityGroupRule> egress;
  // derived: ENIs carrying this group (what an SG reference matches)
  std::vector<Index> members;
};

struct NetworkAclEntry {
  int rule_number = 0;  // 32767 is the implicit "*" deny
  Protocol protocol;
  PortRange ports;
  int icmp_type = -1;
  int icmp_code = -1;
  Prefix cidr;
  bool allow = false;
  Location at;
  bool implicit = false;
  // Why the CIDR is not known offline; empty when known. The entry may match any peer address.
  Symbol unknown;
};

struct NetworkAcl : Resource {
  Ref vpc;
  bool is_default = false;
  std::vector<Ref> subnets;
  std::vector<NetworkAclEntry> ingress;  // sorted by rule number by finalize(), "*" last
  std::vector<NetworkAclEntry> egress;
};

struct PrefixList : Resource {
  std::string prefix_list_name;  // e.g. com.amazonaws.us-east-1.s3
  std::optional<Family> address_family;
  std::vector<Prefix> entries;
};

struct VpcPeeringConnection : Resource {
  Ref requester_vpc;
  Ref accepter_vpc;
  std::string status = "active";
};

struct TransitGateway : Resource {
  std::string account;
  std::string region;
  std::uint32_t amazon_side_asn = 64512;
  bool default_route_table_association = true;
  bool default_route_table_propagation = true;
  Ref association_default_route_table;
  Ref propagation_default_route_table;
  // derived
  Index default_association_table = kNone;
  Index default_propagation_table = kNone;
};

struct TransitGatewayRoute {
  Prefix destination;
  Ref attachment;  // empty for blackhole
  bool blackhole = false;
  bool propagated = false;
  Location at;
};

struct TransitGatewayRouteTable : Resource {
  Ref transit_gateway;
  std::vector<TransitGatewayRoute> routes;  // static, as written
  // derived
  std::vector<TransitGatewayRoute> effective;
  PrefixTrie<std::uint32_t> lookup;
};

enum class AttachmentType : std::uint8_t { kVpc, kVpn, kDirectConnectGateway, kPeering, kConnect };
const char* attachment_type_name(AttachmentType t);  // "vpc", "vpn", "direct-connect-gateway"...

struct TransitGatewayAttachment : Resource {
  Ref transit_gateway;
  AttachmentType type = AttachmentType::kVpc;
  Ref vpc;
  std::vector<Ref> subnets;  // one per AZ
  Ref vpn_connection;
  Ref direct_connect_gateway;
  Ref peer_attachment;  // peering: the attachment on the other transit gateway
  bool appliance_mode_support = false;
  Ref association;  // TGW route table; default table if empty and the TGW says so
  std::vector<Ref> propagations;
  std::string state = "available";
  // derived
  Index associated_table = kNone;
};

// VpcEndpointType (aws-vpc-services.md §4-§6). kFirewall: an AWS Network Firewall endpoint,
// which finalize() makes from each firewall's endpoints; it forwards like a Gateway Load
// Balancer endpoint, with the firewall's policy where the appliances would be.
enum class VpcEndpointType : std::uint8_t { kGateway, kInterface, kGatewayLoadBalancer, kFirewall };
const char* vpc_endpoint_type_name(VpcEndpointType t);  // "Gateway", "Interface", ...
std::optional<VpcEndpointType> parse_vpc_endpoint_type(std::string_view text);

struct VpcEndpoint : Resource {
  Ref vpc;
  VpcEndpointType type = VpcEndpointType::kGateway;
  std::string service_name;
  std::vector<Ref> route_tables;  // gateway
  Ref prefix_list;                // gateway: the service's prefix list (found by name if unset)
  std::vector<Ref> subnets;       // interface, Gateway Load Balancer (one), firewall (one)
  std::vector<Ref> security_groups;     // interface
  std::vector<Ref> network_interfaces;  // interface, Gateway Load Balancer
  std::string state = "available";
  // derived
  Index service_prefix_list = kNone;
  // The endpoint service its service_name names, when the network holds it (PrivateLink).
  Index endpoint_service = kNone;
  Index firewall = kNone;  // kFirewall: the firewall whose endpoint this is
  // Interface and Gateway Load Balancer endpoints: one network interface per subnet, as
  // described or made by finalize().
  std::vector<Index> enis;

  [[nodiscard]] bool gateway() const { return type == VpcEndpointType::kGateway; }
  // Gateway Load Balancer and firewall endpoints: route targets that hand packets to
  // appliances and take them back unchanged.
  [[nodiscard]] bool inspects() const {
    return type == VpcEndpointType::kGatewayLoadBalancer || type == VpcEndpointType::kFirewall;
  }
};

struct VpnGateway : Resource {
  Ref vpc;
  std::uint32_t amazon_side_asn = 64512;
};

struct CustomerGateway : Resource {
  std::optional<IpAddress> ip_address;
  std::uint32_t bgp_asn = 65000;
};

// One of a Site-to-Site VPN connection's two IPsec tunnels: its inside addresses (a /30 of
// 169.254.0.0/16; the lower usable address is AWS's, the upper the customer gateway's) carry
// the BGP session.
struct VpnTunnel {
  std::optional<Prefix> inside_cidr;
  std::string pre_shared_key;
  std::optional<IpAddress> outside_address;  // AWS's endpoint
  Location at;
};

struct VpnConnection : Resource {
  Ref vpn_gateway;
  Ref transit_gateway;
  Ref customer_gateway;
  bool static_routes_only = false;
  std::vector<Prefix> static_routes;
  std::vector<VpnTunnel> tunnels;  // as configured (AWS always makes two)
  std::string state = "available";
};

// An association of a Direct Connect gateway with a virtual private gateway or a transit
// gateway, with the prefixes it lets through (§2.6).
struct DirectConnectGatewayAssociation {
  Ref gateway;
  std::vector<Prefix> allowed_prefixes;
  Location at;
  bool implied = false;  // made by finalize() from vpn_gateways
  Kind gateway_kind = Kind::kVpnGateway;  // derived
};

struct DirectConnectGateway : Resource {
  std::uint32_t amazon_side_asn = 64512;
  std::vector<Ref> vpn_gateways;  // associations written without their own allowed prefixes
  std::vector<Prefix> allowed_prefixes;
  std::vector<DirectConnectGatewayAssociation> associations;  // finalize() adds vpn_gateways'
  Location asn_at;

  // After finalize(): whether an association (written under `associations` or implied by
  // `vpn_gateways`) joins it to virtual private gateway `vgw`. What routes and traces read.
  [[nodiscard]] bool associated_with_vpn_gateway(Index vgw) const;
  // After finalize(): the virtual private gateways of its associations, in their order.
  [[nodiscard]] std::vector<Index> associated_vpn_gateways() const;
};

// A network outside AWS (a data centre, an office) reached over VPN connections or Direct
// Connect gateways. It routes every AWS prefix it learns back towards the connections.
struct OnPremisesNetwork : Resource {
  std::vector<Prefix> cidrs;
  std::vector<Ref> vpn_connections;
  std::vector<Ref> direct_connect_gateways;
  PortRange ephemeral_ports{32768, 60999};
  // Made by finalize() from a VPN connection no declared network names: its CIDRs are the
  // parties the connection implies (the customer gateway's address, the static routes), not
  // prefixes announced over BGP, so they are never propagated.
  bool implied = false;
};

// Another name for a resource, usable wherever an id is expected: a CloudFormation logical id,
// a Terraform address (`module.vpc.aws_subnet.private[0]`) or a Name tag besides its name.
struct Alias {
  std::string alias;
  Kind kind;
  std::string id;  // the resource's id
  Location at;
};

// A `cloudtwin:ignore` tag as a reader found it on a resource: the value is "RULE reason...",
// read by the findings layer (src/cli/findings.h), which silences RULE's findings about the
// resource (and, on an instance or security group, about the interfaces it applies to).
struct IgnoreTag {
  Kind kind;
  std::string resource;  // the resource's id
  std::string value;
  Location at;  // the tag's value, else the resource
};

struct Network {
  std::vector<std::string> files{""};  // Location::file indexes this
  std::string default_account = "000000000000";
  std::string default_region = "us-east-1";
  std::vector<Alias> aliases;  // filled by readers, indexed by finalize()

  std::vector<Vpc> vpcs;
  std::vector<Subnet> subnets;
  std::vector<RouteTable> route_tables;
  std::vector<InternetGateway> internet_gateways;
  std::vector<EgressOnlyInternetGateway> egress_only_internet_gateways;
  std::vector<NatGateway> nat_gateways;
  std::vector<ElasticIp> elastic_ips;
  std::vector<NetworkInterface> network_interfaces;
  std::vector<Instance> instances;
  std::vector<SecurityGroup> security_groups;
  std::vector<NetworkAcl> network_acls;
  std::vector<PrefixList> prefix_lists;
  std::vector<VpcPeeringConnection> vpc_peering_connections;
  std::vector<TransitGateway> transit_gateways;
  std::vector<TransitGatewayRouteTable> transit_gateway_route_tables;
  std::vector<TransitGatewayAttachment> transit_gateway_attachments;
  std::vector<VpcEndpoint> vpc_endpoints;
  std::vector<VpnGateway> vpn_gateways;
  std::vector<CustomerGateway> customer_gateways;
  std::vector<VpnConnection> vpn_connections;
  std::vector<DirectConnectGateway> direct_connect_gateways;
  std::vector<OnPremisesNetwork> on_premises_networks;
  std::vector<LoadBalancer> load_balancers;
  std::vector<Listener> listeners;
  std::vector<ListenerRule> listener_rules;
  std::vector<TargetGroup> target_groups;
  std::vector<VpcEndpointService> vpc_endpoint_services;
  std::vector<AutoScalingGroup> auto_scaling_groups;
  std::vector<LaunchTemplate> launch_templates;
  std::vector<Firewall> firewalls;
  std::vector<FirewallPolicy> firewall_policies;
  std::vector<FirewallRuleGroup> firewall_rule_groups;
  std::vector<HostedZone> hosted_zones;
  std::vector<RecordSet> record_sets;
  std::vector<DelegationSet> delegation_sets;
  std::vector<HealthCheck> health_checks;
  std::vector<CidrCollection> cidr_collections;
  std::vector<Distribution> distributions;
  std::vector<CachePolicy> cache_policies;  // the input's and the managed ones its behaviours name
  std::vector<OriginRequestPolicy> origin_request_policies;
  std::vector<ResponseHeadersPolicy> response_headers_policies;
  std::vector<PublicKey> public_keys;
  std::vector<KeyGroup> key_groups;
  std::vector<DirectConnectConnection> direct_connect_connections;
  std::vector<DirectConnectLag> direct_connect_lags;
  std::vector<VirtualInterface> virtual_interfaces;
  // Routes the customer's routers announced on the BGP sessions (`cloudtwin routes --json`);
  // when none were given, on-premises networks' CIDRs stand in for them.
  LearnedRoutes learned_routes;
  // `cloudtwin:ignore` tags of the resources, in the order read.
  std::vector<IgnoreTag> ignore_tags;

  // derived lookups, built by finalize()
  // Ids, names and aliases; the keys view the resources' own strings, so a Network is moved,
  // never copied.
  SortedIndex<std::string_view, ResourceKey> by_id;
  SortedIndex<IpAddress, Index> eni_by_private_ip;  // IPv4 and IPv6
  std::unordered_map<IpAddress, Index> eni_by_public_ip;
  std::unordered_map<IpAddress, Index> nat_gateway_by_public_ip;
  bool finalized = false;

  Network() = default;
  Network(Network&&) = default;
  Network& operator=(Network&&) = default;
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  [[nodiscard]] Index add_file(std::string path);
  [[nodiscard]] const std::string& file_of(Location at) const { return files[at.file < files.size() ? at.file : 0]; }

  // Finds a resource by id or name, optionally of one kind; nullopt if none or ambiguous.
  [[nodiscard]] std::optional<ResourceKey> find(std::string_view id_or_name) const;
  [[nodiscard]] std::optional<Index> find(std::string_view id_or_name, Kind kind) const;
  [[nodiscard]] const Resource& resource(ResourceKey key) const;
  [[nodiscard]] std::size_t count(Kind kind) const;

  // The subnet of `vpc` containing `a`, if any.
  [[nodiscard]] Index subnet_containing(Index vpc, IpAddress a) const;
  // The VPCs whose CIDR blocks contain `a`.
  [[nodiscard]] std::vector<Index> vpcs_containing(IpAddress a) const;
  // The ENI in `vpc` holding private address `a`.
  [[nodiscard]] Index eni_with_private_ip(Index vpc, IpAddress a) const;
};

// The load balancers that may send to interface `eni`: for each, the listener ports whose
// rules may forward to a target group holding it (or, for a Classic Load Balancer, every
// listener when it is a registered instance's primary interface). After finalize().
struct FrontDoor {
  Index load_balancer;
  std::vector<std::uint16_t> ports;
};
[[nodiscard]] std::vector<FrontDoor> front_doors(const Network& n, Index eni);

// Resolves references, materialises AWS's implicit defaults and validates. Every problem is
// reported with its location and resource id. Returns false if any error was found.
bool finalize(Network& network, Diagnostics& diagnostics);

}  // namespace cloudtwin::model
