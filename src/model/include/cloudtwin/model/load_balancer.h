// Elastic Load Balancing in the model: Application, Network, Gateway and Classic load balancers,
// their listeners and rules, target groups and targets, and the Auto Scaling groups that
// register instances in them. The semantics are in shared/reference/aws-vpc-services.md §0-§4;
// the walker (src/vpc/load_balancer.cc) reads these, finalize() derives the fields marked so.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/resource.h"

namespace cloudtwin::model {

enum class LoadBalancerType : std::uint8_t { kApplication, kNetwork, kGateway, kClassic };
const char* load_balancer_type_name(LoadBalancerType t);  // "application", "network", ...
// For messages: "an Application Load Balancer", "a Network Load Balancer", ...
const char* describe_load_balancer_type(LoadBalancerType t);

// A listener's or target group's protocol, as ELB spells it (HTTP, HTTPS, TCP, TLS, UDP,
// TCP_UDP, GENEVE, and Classic's SSL).
enum class LbProtocol : std::uint8_t { kHttp, kHttps, kTcp, kTls, kUdp, kTcpUdp, kGeneve, kSsl };
const char* lb_protocol_name(LbProtocol p);  // "HTTP", ...
std::optional<LbProtocol> parse_lb_protocol(std::string_view text);  // any case
// Whether a listener or target group of this protocol carries `p` (TCP or UDP).
bool lb_protocol_carries(LbProtocol lb, Protocol p);

// One enabled subnet of a load balancer: where ELB puts a node and its network interface
// (how-elastic-load-balancing-works.html).
struct LoadBalancerNode {
  Ref subnet;
  std::optional<IpAddress> private_ip;  // SubnetMappings.PrivateIPv4Address, or the node ENI's
  Ref elastic_ip;                       // SubnetMappings.AllocationId (internet-facing NLB)
  std::optional<IpAddress> public_ip;   // LoadBalancerAddresses.IpAddress when the input has it
  std::optional<IpAddress> ipv6_address;
  Ref network_interface;  // the node's ENI when the input lists it (AWS CLI snapshots)
  Location at;
  // derived: the node's ENI, found or made by finalize() (interface_type names the LB kind)
  Index eni = kNone;
};

struct LoadBalancer : Resource {
  LoadBalancerType type = LoadBalancerType::kApplication;
  bool internet_facing = true;  // Scheme; a Gateway Load Balancer has none and is internal
  std::vector<LoadBalancerNode> nodes;
  std::vector<Ref> security_groups;  // empty: none (an NLB created without them never has any)
  std::optional<bool> cross_zone;    // unset: the type's default (cross_zone_default())
  bool dualstack = false;            // IpAddressType dualstack
  // EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic (NLB)
  bool enforce_security_groups_on_private_link = true;
  std::string state = "active";
  std::string dns_name;
  std::vector<Ref> instances;  // Classic: instances registered directly
  // derived
  Index vpc = kNone;
  std::vector<Index> listeners;  // by port

  // ALB: on (a target group may turn it off); NLB, GWLB, Classic (API): off (§0).
  [[nodiscard]] bool cross_zone_default() const { return type == LoadBalancerType::kApplication; }
  [[nodiscard]] bool cross_zone_enabled() const { return cross_zone.value_or(cross_zone_default()); }
};

enum class ListenerAction : std::uint8_t { kForward, kRedirect, kFixedResponse };
const char* listener_action_name(ListenerAction a);  // "forward", "redirect", "fixed-response"

struct WeightedTargetGroup {
  Ref target_group;
  int weight = 1;  // 0-999; a group of weight 0 receives nothing
};

// A listener rule, or a listener's default action (priority kDefaultRule). Host, path, header,
// method and query-string conditions cannot be decided from a packet's header: a rule with any
// of them may match (the model of aws-vpc-services.md §1, as Network Access Analyzer does).
struct ListenerRule : Resource {
  static constexpr int kDefaultRule = 1 << 20;
  Ref listener;
  int priority = kDefaultRule;
  ListenerAction action = ListenerAction::kForward;
  std::vector<WeightedTargetGroup> target_groups;  // forward
  std::vector<Prefix> source_ips;                  // source-ip condition; empty: any source
  bool other_conditions = false;                   // host-header, path-pattern, ...
};

struct Listener : Resource {
  Ref load_balancer;
  LbProtocol protocol = LbProtocol::kTcp;
  std::uint16_t port = 0;  // 0: a Gateway Load Balancer's listener, which takes every packet
  ListenerRule default_rule;
  // Classic: the instance side of the listener
  LbProtocol instance_protocol = LbProtocol::kTcp;
  std::uint16_t instance_port = 0;
  // derived: the listener's rules (Network::listener_rules), by ascending priority
  std::vector<Index> rules;
};

enum class TargetType : std::uint8_t { kInstance, kIp, kLambda, kAlb };
const char* target_type_name(TargetType t);  // "instance", "ip", "lambda", "alb"

struct Target {
  Ref instance;                 // TargetType kInstance (an instance id)
  std::optional<IpAddress> ip;  // TargetType kIp
  Ref load_balancer;            // TargetType kAlb
  std::optional<std::uint16_t> port;  // overrides the group's port
  std::string availability_zone;      // "all" or a zone; empty: the target's subnet's
  std::string health;  // describe-target-health's State, when known; empty otherwise
  Location at;
  // derived: the network interface that receives the traffic (an instance's primary ENI, the
  // ENI holding the ip), kNone for an ip outside every VPC of the network
  Index eni = kNone;
};

struct TargetGroup : Resource {
  TargetType target_type = TargetType::kInstance;
  LbProtocol protocol = LbProtocol::kHttp;
  std::uint16_t port = 0;
  Ref vpc;
  std::vector<Target> targets;
  std::optional<bool> preserve_client_ip;  // unset: the default of preserves_client_ip()
  std::optional<bool> cross_zone;          // unset: use_load_balancer_configuration
  std::optional<std::uint16_t> health_check_port;  // unset: traffic-port
  bool ipv6 = false;                               // IpAddressType ipv6
  // derived: the load balancers whose listeners forward to this group
  std::vector<Index> load_balancers;

  // NLB client IP preservation (edit-target-group-attributes.html): on for instance targets
  // and for UDP and TCP_UDP ip targets (not changeable there), off for TCP and TLS ip targets.
  [[nodiscard]] bool preserves_client_ip() const {
    if (target_type == TargetType::kIp &&
        (protocol == LbProtocol::kUdp || protocol == LbProtocol::kTcpUdp))
      return true;
    return preserve_client_ip.value_or(target_type == TargetType::kInstance);
  }
};

// The network settings of an EC2 launch template (or launch configuration) that an Auto Scaling
// group launches instances with.
struct LaunchTemplate : Resource {
  std::vector<Ref> security_groups;
  std::optional<bool> associate_public_ip;  // NetworkInterfaces[0].AssociatePublicIpAddress
};

// An Auto Scaling group: finalize() makes one representative instance per subnet, with the
// launch template's network settings, registered in the group's target groups and Classic load
// balancers, so that traces to servers the group launches work. Output says they are
// representative.
struct AutoScalingGroup : Resource {
  std::vector<Ref> subnets;  // VPCZoneIdentifier
  Ref launch_template;
  std::vector<Ref> target_groups;
  std::vector<Ref> load_balancers;  // Classic load balancers, by name
  // derived: the representative instances, one per subnet
  std::vector<Index> instances;
};

// A PrivateLink endpoint service: consumers' interface endpoints reach the service's Network
// Load Balancers, Gateway Load Balancer endpoints its Gateway Load Balancers (§5.3).
struct VpcEndpointService : Resource {
  std::string service_name;  // com.amazonaws.vpce.<region>.vpce-svc-...
  std::vector<Ref> network_load_balancers;
  std::vector<Ref> gateway_load_balancers;
  bool acceptance_required = true;
  std::vector<std::string> allowed_principals;
};

}  // namespace cloudtwin::model
