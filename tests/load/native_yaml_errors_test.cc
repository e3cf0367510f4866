// The native YAML reader on bad input: every problem is an error at the exact line:column, names
// the resource and, where it can, hints at the fix. Nothing throws, and every error is reported.
#include <gtest/gtest.h>

#include <filesystem>

#include "cloudtwin/load/native_yaml.h"
#include "read_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::read;

struct BadInput {
  const char* name;
  const char* yaml;
  std::uint32_t line;
  std::uint32_t column;
  const char* resource;
  const char* message;  // a substring of the message
  const char* hint;     // a substring of the hint; "" for any
};

void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

// A security group `web` in VPC `v` whose rule is `rule` (its mapping at line 5, column 9).
#define SG_RULE(rule) \
  "security_groups:\n  - name: web\n    vpc: v\n    ingress:\n      - " rule "\n"
// A route table `rt` whose route is `route` (at line 5, column 9).
#define ROUTE(route) "route_tables:\n  - name: rt\n    vpc: v\n    routes:\n      - " route "\n"
// A network ACL `db` whose first ingress entry is `entry` (its mapping at line 5, column 9).
#define ACL_ENTRY(entry) \
  "network_acls:\n  - name: db\n    vpc: v\n    ingress:\n      - " entry "\n"
// A load balancer `web` (an ALB unless `body` says otherwise) whose fields from line 3 are `body`.
#define LB(body) "load_balancers:\n  - name: web\n" body

const BadInput kBadInputs[] = {
    // ---- keys ----
    {"UnknownFieldSuggestsTheClosest", "vpcs:\n  - name: prod\n    cidr_blok: 10.0.0.0/16\n", 3, 5,
     "vpc-prod", "unknown field `cidr_blok`", "did you mean `cidr_block`?"},
    {"UnknownFieldWithAwsIdSuffix", "subnets:\n  - name: a\n    vpc_id: prod\n", 3, 5, "subnet-a",
     "unknown field `vpc_id`", "did you mean `vpc`? references take an id or a name"},
    {"UnknownFieldWithAwsIdsSuffix",
     "network_interfaces:\n  - name: e\n    subnet: s\n    security_group_ids: [a]\n", 4, 5,
     "eni-e", "unknown field `security_group_ids`", "did you mean `security_groups`?"},
    {"UnknownFieldFromTerraform", ROUTE("{destination_cidr_block: 0.0.0.0/0, gateway: igw-1}"), 5,
     10, "rtb-rt", "unknown field `destination_cidr_block`", "did you mean `destination`?"},
    {"TagsAreNotRead", "vpcs:\n  - {name: a, cidr_block: 10.0.0.0/16, tags: {Name: a}}\n", 2, 40,
     "vpc-a", "unknown field `tags`", "write the Name tag as `name`"},
    {"UnknownTopLevelKey", "vpc:\n  - name: a\n", 1, 1, "", "unknown field `vpc`",
     "did you mean `vpcs`?"},
    {"DuplicateKey", "vpcs:\n  - name: a\n    name: b\n    cidr_block: 10.0.0.0/16\n", 3, 5,
     "vpc-a", "duplicate field `name` (first at line 2)", ""},
    {"MergeKeyOfAScalar", "vpcs:\n  - {<<: 5, name: a, cidr_block: 10.0.0.0/16}\n", 2, 6, "vpc-a",
     "a merge key (<<) needs a mapping", ""},

    // ---- shapes and types ----
    {"MappingWhereAListBelongs",
     "vpcs:\n  - name: a\n    cidr_block: 10.0.0.0/16\n    secondary_cidr_blocks: {b: "
     "10.1.0.0/16}\n",
     4, 28, "vpc-a", "`secondary_cidr_blocks` must be a list, not a mapping", ""},
    {"ScalarWhereAListBelongs", "route_tables:\n  - name: rt\n    vpc: v\n    gateways: igw-1\n", 4,
     15, "rtb-rt", "`gateways` must be a list, not `igw-1`", "write `gateways: [igw-1]`"},
    {"SectionIsAMapping", "vpcs:\n  name: a\n", 2, 3, "", "`vpcs` must be a list, not a mapping",
     ""},
    {"ListItemIsNotAMapping", "vpcs: [vpc-1]\n", 1, 8, "vpcs[0]",
     "each item of `vpcs` must be a mapping, not `vpc-1`", ""},
    {"ListWhereAStringBelongs", "vpcs:\n  - name: [a, b]\n    cidr_block: 10.0.0.0/16\n", 2, 11,
     "vpcs[0]", "`name` must be a string, not a list", ""},
    {"BooleanIsNotTrueOrFalse", "route_tables:\n  - name: rt\n    vpc: v\n    main: yes\n", 4, 11,
     "rtb-rt", "`main` must be true or false, not `yes`", ""},
    {"FieldWithoutValue", "vpcs:\n  - name:\n    cidr_block: 10.0.0.0/16\n", 2, 5, "vpcs[0]",
     "`name` has no value", ""},
    {"IntegerIsNotANumber", "transit_gateways:\n  - {name: t, amazon_side_asn: big}\n", 2, 32,
     "tgw-t", "`amazon_side_asn` must be an integer from 1 to 4294967294, not `big`", ""},
    {"NonScalarKey", "vpcs:\n  - {[a]: 1, name: x, cidr_block: 10.0.0.0/16}\n", 2, 6, "vpc-x",
     "keys must be plain names", ""},

    // ---- addresses ----
    {"CidrPrefixTooLong", "vpcs:\n  - name: prod\n    cidr_block: 10.0.0.0/33\n", 3, 17, "vpc-prod",
     "`cidr_block`: `10.0.0.0/33` is not an IPv4 CIDR block", "an IPv4 prefix length is 0 to 32"},
    {"CidrWithHostBits", "vpcs:\n  - name: prod\n    cidr_block: 10.0.0.1/16\n", 3, 17, "vpc-prod",
     "`10.0.0.1/16` has host bits set", "did you mean `10.0.0.0/16`?"},
    {"CidrOfTheWrongFamily", "vpcs:\n  - name: prod\n    cidr_block: 2600:1f18::/56\n", 3, 17,
     "vpc-prod", "`2600:1f18::/56` is not an IPv4 CIDR block", ""},
    {"CidrWithoutLength", SG_RULE("{protocol: tcp, port: 22, cidr: 10.0.0.5}"), 5, 41, "sg-web",
     "`10.0.0.5` is not a CIDR block", "add a prefix length, e.g. `10.0.0.5/32`"},
    {"CidrGarbage", "on_premises_networks:\n  - {name: dc, cidrs: [10.0.0.0/8, ten]}\n", 2, 36,
     "onprem-dc", "`cidrs`: `ten` is not a CIDR block", ""},
    {"BadIpAddress",
     "network_interfaces:\n  - name: e\n    subnet: s\n    private_ip: 10.0.1.300\n", 4, 17,
     "eni-e", "`private_ip`: `10.0.1.300` is not an IPv4 address", ""},
    {"BadIpAddressInAList",
     "network_interfaces:\n  - name: e\n    subnet: s\n    private_ips: [10.0.0.1, nope]\n", 4, 29,
     "eni-e", "`private_ips`: `nope` is not an IPv4 address", ""},
    {"IpAddressWithPrefix", "elastic_ips:\n  - {name: e, public_ip: 203.0.113.1/32}\n", 2, 26,
     "eipalloc-e", "is not an IPv4 address", "without a prefix length"},
    {"PrefixListMixesFamilies",
     "prefix_lists:\n  - {name: p, entries: [10.0.0.0/8, '2600::/16']}\n", 2, 37, "pl-p",
     "`entries`: `2600::/16` is not an IPv4 CIDR block", ""},

    // ---- required fields and ids ----
    {"MissingRequiredField", "vpcs:\n  - name: prod\n", 2, 5, "vpc-prod",
     "missing required field `cidr_block`", ""},
    {"MissingIdAndName", "vpcs:\n  - cidr_block: 10.0.0.0/16\n", 2, 5, "vpcs[0]",
     "needs an `id` or a `name`", "defaults to `vpc-<name>`"},
    {"EmptyId", "vpcs:\n  - {id: '', cidr_block: 10.0.0.0/16}\n", 2, 10, "vpcs[0]", "`id` is empty",
     ""},

    // ---- routes ----
    {"RouteWithTwoTargets",
     "route_tables:\n  - name: rt\n    vpc: v\n    routes:\n      - destination: 0.0.0.0/0\n"
     "        nat_gateway: nat-1\n        gateway: igw-1\n",
     7, 9, "rtb-rt", "a route has exactly one target, but this one has `nat_gateway` and `gateway`",
     "write each target as its own route"},
    {"RouteWithoutTarget", ROUTE("{destination: 0.0.0.0/0}"), 5, 9, "rtb-rt",
     "a route needs a target", ""},
    {"RouteWithTwoDestinations",
     ROUTE("{destination: 0.0.0.0/0, destination_prefix_list: pl-1, gateway: igw-1}"), 5, 34,
     "rtb-rt", "a route has one destination", ""},
    {"RouteWithoutDestination", ROUTE("{gateway: igw-1}"), 5, 9, "rtb-rt",
     "a route needs a `destination`", ""},
    {"RouteWithUnknownState", ROUTE("{destination: 0.0.0.0/0, gateway: igw-1, state: blackholed}"),
     5, 57, "rtb-rt", "`state` must be one of active, blackhole, not `blackholed`",
     "did you mean `blackhole`?"},
    {"TransitGatewayRouteWithAttachmentAndBlackhole",
     "transit_gateway_route_tables:\n  - name: t\n    transit_gateway: tgw\n    routes:\n"
     "      - {destination: 10.0.0.0/8, attachment: a, blackhole: true}\n",
     5, 35, "tgw-rtb-t", "a blackhole route has no attachment", ""},

    // ---- security group rules ----
    {"PortRangeBackwards", SG_RULE("{protocol: tcp, ports: 80-20, cidr: 0.0.0.0/0}"), 5, 32,
     "sg-web", "`ports`: `80-20` is not a port range", "from low to high"},
    {"PortIsARange", SG_RULE("{protocol: tcp, port: 80-90, cidr: 0.0.0.0/0}"), 5, 31, "sg-web",
     "`port` is one port, not `80-90`", "`ports: 80-90`"},
    {"PortOutOfRange", SG_RULE("{protocol: tcp, port: 70000, cidr: 0.0.0.0/0}"), 5, 31, "sg-web",
     "`port` must be an integer from 0 to 65535, not `70000`", ""},
    {"FromPortAboveToPort", SG_RULE("{protocol: tcp, from_port: 90, to_port: 80, cidr: 0.0.0.0/0}"),
     5, 40, "sg-web", "`from_port` 90 is greater than `to_port` 80", ""},
    {"FromPortWithoutToPort", SG_RULE("{protocol: udp, from_port: 53, cidr: 0.0.0.0/0}"), 5, 25,
     "sg-web", "`from_port` needs `to_port`", ""},
    {"PortAndPorts", SG_RULE("{protocol: tcp, port: 1, ports: 1-2, cidr: 0.0.0.0/0}"), 5, 34,
     "sg-web", "write one of `port`, `ports` or `from_port` and `to_port`", ""},
    {"TcpRuleWithoutPorts", SG_RULE("{protocol: tcp, cidr: 0.0.0.0/0}"), 5, 9, "sg-web",
     "a tcp rule needs `port`, `ports` or `from_port` and `to_port`", ""},
    {"IcmpRuleWithPort", SG_RULE("{protocol: icmp, port: 8, cidr: 0.0.0.0/0}"), 5, 26, "sg-web",
     "icmp rules take `icmp_type` and `icmp_code`, not `port`", ""},
    {"IcmpTypeOnTcpRule", SG_RULE("{protocol: tcp, port: 1, icmp_type: 8, cidr: 0.0.0.0/0}"), 5, 34,
     "sg-web", "`icmp_type` applies only to icmp rules", ""},
    {"IcmpCodeWithoutType", SG_RULE("{protocol: icmp, icmp_code: 3, cidr: 0.0.0.0/0}"), 5, 37,
     "sg-web", "an ICMP code needs an ICMP type", ""},
    {"UnknownProtocol", SG_RULE("{protocol: tcpp, port: 1, cidr: 0.0.0.0/0}"), 5, 20, "sg-web",
     "`protocol`: `tcpp` is not a protocol", "did you mean `tcp`?"},
    {"ProtocolNumberOutOfRange", SG_RULE("{protocol: 256, cidr: 0.0.0.0/0}"), 5, 20, "sg-web",
     "`256` is not a protocol", ""},
    {"RuleWithoutProtocol", SG_RULE("{port: 22, cidr: 0.0.0.0/0}"), 5, 9, "sg-web",
     "missing required field `protocol`", ""},
    {"RuleWithTwoPeers", SG_RULE("{protocol: tcp, port: 1, cidr: 0.0.0.0/0, security_group: a}"), 5,
     51, "sg-web", "a rule has exactly one of `cidr`, `prefix_list` or `security_group`", ""},
    {"RuleWithoutPeer", SG_RULE("{protocol: tcp, port: 1}"), 5, 9, "sg-web", "a rule needs a peer",
     ""},

    // ---- network ACL entries ----
    {"DuplicateRuleNumber",
     "network_acls:\n  - name: db\n    vpc: v\n    ingress:\n"
     "      - {rule_number: 100, protocol: all, cidr: 0.0.0.0/0, rule_action: allow}\n"
     "      - {rule_number: 100, protocol: all, cidr: 0.0.0.0/0, rule_action: deny}\n",
     6, 23, "acl-db", "duplicate ingress rule number 100", "rule 100 is already at line 5:23"},
    {"RuleNumberOfTheStarRule",
     ACL_ENTRY("{rule_number: 32767, protocol: all, cidr: 0.0.0.0/0, rule_action: deny}"), 5, 23,
     "acl-db", "`rule_number` must be an integer from 1 to 32766, not `32767`", ""},
    {"EntryWithoutAction", ACL_ENTRY("{rule_number: 100, protocol: all, cidr: 0.0.0.0/0}"), 5, 9,
     "acl-db", "missing required field `rule_action`", ""},
    {"EntryWithBothActions",
     ACL_ENTRY(
         "{rule_number: 1, protocol: all, cidr: 0.0.0.0/0, rule_action: allow, action: allow}"),
     5, 78, "acl-db", "write either `rule_action` or `action`, not both", ""},
    {"EntryWithUnknownAction",
     ACL_ENTRY("{rule_number: 1, protocol: all, cidr: 0.0.0.0/0, rule_action: permit}"), 5, 71,
     "acl-db", "`rule_action` must be one of allow, deny, not `permit`", ""},
    {"TcpEntryWithoutPorts",
     ACL_ENTRY("{rule_number: 1, protocol: tcp, cidr: 0.0.0.0/0, rule_action: allow}"), 5, 9,
     "acl-db", "a tcp rule needs `port`, `ports` or `from_port` and `to_port`", ""},
    {"EntryWithoutCidr", ACL_ENTRY("{rule_number: 1, protocol: all, rule_action: allow}"), 5, 9,
     "acl-db", "missing required field `cidr`", ""},

    // ---- instances, gateways, attachments ----
    {"InstanceInterfaceFieldsWithoutSubnet",
     "instances:\n  - name: web\n    private_ip: 10.0.0.5\n", 3, 5, "i-web",
     "`private_ip` describes the instance's primary network interface, which needs `subnet`",
     "`instance: i-web`"},
    {"PrivateIpAndPrivateIps",
     "network_interfaces:\n  - {name: e, subnet: s, private_ip: 10.0.0.5, private_ips: "
     "[10.0.0.6]}\n",
     2, 48, "eni-e", "write either `private_ip` or `private_ips`, not both", ""},
    {"UnknownValueSuggestsTheClosest",
     "nat_gateways:\n  - {name: n, subnet: s, connectivity_type: publc}\n", 2, 45, "nat-n",
     "`connectivity_type` must be one of public, private, not `publc`", "did you mean `public`?"},
    {"PrivateNatGatewayWithElasticIp",
     "nat_gateways:\n  - {name: n, subnet: s, connectivity_type: private, elastic_ip: e}\n", 2, 54,
     "nat-n", "a private NAT gateway has no public IP", ""},
    {"GatewayEndpointWithSubnets",
     "vpc_endpoints:\n  - {name: s3, vpc: v, service_name: s, subnets: [a]}\n", 2, 41, "vpce-s3",
     "`subnets` applies only to Interface endpoints", "vpc_endpoint_type: Interface"},
    // gateway-load-balancer-endpoints.html: a Gateway Load Balancer endpoint has no security
    // groups.
    {"GatewayLoadBalancerEndpointWithSecurityGroups",
     "vpc_endpoints:\n  - {name: g, vpc: v, service_name: s, vpc_endpoint_type: "
     "GatewayLoadBalancer, subnets: [a], security_groups: [b]}\n",
     2, 94, "vpce-g", "`security_groups` applies only to Interface endpoints", ""},
    // CreateVpcEndpointServiceConfiguration takes NetworkLoadBalancerArns or
    // GatewayLoadBalancerArns.
    {"EndpointServiceOfBothKinds",
     "vpc_endpoint_services:\n  - {name: s, network_load_balancers: [n], gateway_load_balancers: [g]}\n",
     2, 44, "vpce-svc-s", "an endpoint service has Network Load Balancers or Gateway Load Balancers",
     "not both"},
    // aws-vpc-services.md §6: the stateless engine's actions are aws:pass, aws:drop and
    // aws:forward_to_sfe.
    {"StatelessRuleWithAStatefulAction",
     "firewall_rule_groups:\n  - {name: g, type: stateless, rules: [{priority: 1, action: \"aws:reject\"}]}\n",
     2, 62, "fwrg-g", "`aws:reject` is no stateless action", "aws:forward_to_sfe"},
    // Suricata's rule header: action protocol source port -> destination port (options).
    {"SuricataRuleWithoutDirection",
     "firewall_rule_groups:\n  - {name: g, type: stateful, rules_string: \"pass tcp any any 443\"}\n",
     2, 45, "fwrg-g", "`rules_string` line 1: a rule is `action protocol source port -> destination port",
     ""},
    // StatefulDefaultActions: "strict order only".
    {"StatefulDefaultActionsInDefaultOrder",
     "firewall_policies:\n  - {name: p, stateful_default_actions: [\"aws:drop_strict\"]}\n",
     2, 15, "fwp-p", "stateful default actions apply only in strict order", "strict_order"},
    {"VpcAttachmentWithoutVpc", "transit_gateway_attachments:\n  - {name: a, transit_gateway: t}\n",
     2, 5, "tgw-attach-a", "missing required field `vpc`", ""},
    {"AttachmentFieldOfAnotherType",
     "transit_gateway_attachments:\n  - {name: a, transit_gateway: t, vpc: v, vpn_connection: x}\n",
     2, 43, "tgw-attach-a", "`vpn_connection` applies only to resource_type vpn attachments",
     "this attachment's resource_type is vpc"},
    {"VpnConnectionOnTwoGateways",
     "vpn_connections:\n  - {name: x, vpn_gateway: g, transit_gateway: t, customer_gateway: c}\n",
     2, 31, "vpn-x", "a VPN connection ends on a `vpn_gateway` or a `transit_gateway`, not both",
     ""},
    {"BadAccount", "account: 1234\n", 1, 10, "", "`account`: `1234` is not an AWS account id",
     "12 digits"},
    {"BadRegion", "region: useast1\n", 1, 9, "", "`region`: `useast1` is not an AWS Region",
     "us-east-1"},

    // ---- Route 53 (docs/format.md, "Route 53") ----
    {"RecordUnknownFieldSuggestsTheClosest",
     "hosted_zones:\n  - domain: example.com\n    records:\n      - {name: www, type: A, tll: 60}\n",
     4, 30, "example.com/www.example.com./A", "unknown field `tll`", "did you mean `ttl`?"},
    {"RecordWithoutType",
     "hosted_zones:\n  - domain: example.com\n    records:\n      - {name: www, ttl: 60}\n", 4, 9,
     "example.com.records[0]", "missing required field `type`", ""},
    {"RecordTtlIsNotANumber",
     "hosted_zones:\n  - domain: example.com\n    records:\n      - {name: www, type: A, ttl: soon}\n",
     4, 35, "example.com/www.example.com./A", "`ttl` must be an integer", ""},
    {"RecordsAreAList",
     "hosted_zones:\n  - domain: example.com\n    records: {name: www}\n", 3, 14, "example.com",
     "`records` must be a list", ""},
    {"ZoneWithoutDomain", "hosted_zones:\n  - {name: z}\n", 2, 5, "z",
     "missing required field `domain`", ""},
    {"AliasWithoutDnsName",
     "hosted_zones:\n  - domain: example.com\n    records:\n"
     "      - {name: www, type: A, alias: {hosted_zone_id: Z1}}\n",
     4, 37, "example.com/www.example.com./A", "missing required field `dns_name`", ""},

    // ---- load balancers, target groups, Auto Scaling (docs/format.md, "Load balancers") ----
    {"LoadBalancerUnknownFieldSuggestsTheClosest", LB("    subnet: [a, b]\n"), 3, 5, "lb-web",
     "unknown field `subnet`", "did you mean `subnets`?"},
    {"LoadBalancerTypeUnknown", LB("    type: foo\n    subnets: [a, b]\n"), 3, 11, "lb-web",
     "`type` must be one of application, network, gateway, classic, not `foo`", ""},
    {"LoadBalancerWithoutSubnets", "load_balancers:\n  - {name: w}\n", 2, 5, "lb-w",
     "a load balancer needs `subnets`", ""},
    {"LoadBalancerWithSubnetsAndMappings",
     "load_balancers:\n  - {name: w, subnets: [a], subnet_mappings: [{subnet: b}]}\n", 2, 29,
     "lb-w", "write either `subnets` or `subnet_mappings`, not both", ""},
    {"GatewayLoadBalancerWithScheme",
     "load_balancers:\n  - {name: g, type: gateway, scheme: internal, subnets: [a]}\n", 2, 30,
     "lb-g", "a Gateway Load Balancer has no scheme", ""},
    {"InstancesOnAnApplicationLoadBalancer", LB("    subnets: [a, b]\n    instances: [i-1]\n"), 4,
     5, "lb-web", "only a Classic Load Balancer has `instances`",
     "register targets in a target group"},
    {"ListenerUnknownFieldSuggestsTheClosest",
     LB("    subnets: [a, b]\n    listeners:\n      - {port: 80, target_group: t}\n"), 5, 20,
     "lb-web:80", "unknown field `target_group`", "did you mean `target_groups`?"},
    {"ListenerPortOutOfRange",
     LB("    subnets: [a, b]\n    listeners:\n      - {port: 70000, target_groups: [t]}\n"), 5, 16,
     "lb-web", "`port` must be an integer from 1 to 65535, not `70000`", ""},
    {"TargetGroupWeightOutOfRange",
     LB("    subnets: [a, b]\n    listeners:\n      - port: 80\n"
        "        target_groups: [{target_group: t, weight: 1000}]\n"),
     6, 51, "lb-web:80", "`weight` must be an integer from 0 to 999, not `1000`", ""},
    {"ForwardWithoutTargetGroups", LB("    subnets: [a, b]\n    listeners:\n      - {port: 80}\n"),
     5, 9, "lb-web:80", "a forward action needs `target_groups`", "`action: redirect`"},
    {"TargetGroupsOnARedirect",
     LB("    subnets: [a, b]\n    listeners:\n"
        "      - {port: 80, action: redirect, target_groups: [t]}\n"),
     5, 38, "lb-web:80", "only a forward action has `target_groups`", ""},
    {"InstancePortOnAnApplicationListener",
     LB("    subnets: [a, b]\n    listeners:\n"
        "      - {port: 80, instance_port: 8080, target_groups: [t]}\n"),
     5, 20, "lb-web:80", "only Classic Load Balancer listeners have `instance_port`", ""},
    {"TargetGroupsOnAClassicListener",
     "load_balancers:\n"
     "  - {name: c, type: classic, subnets: [a], listeners: [{port: 80, target_groups: [t]}]}\n",
     2, 67, "lb-c:80", "a Classic Load Balancer's listeners send to its `instances`",
     "list the instances on the load balancer"},
    {"RulesOnANetworkListener",
     "load_balancers:\n  - name: web\n    type: network\n    subnets: [a]\n    listeners:\n"
     "      - port: 80\n        target_groups: [t]\n"
     "        rules: [{priority: 1, target_groups: [t]}]\n",
     8, 9, "lb-web:80", "only Application Load Balancer listeners have rules", ""},
    {"RuleUnknownFieldSuggestsTheClosest",
     LB("    subnets: [a, b]\n    listeners:\n      - port: 80\n        target_groups: [t]\n"
        "        rules:\n          - {priority: 5, target_group: [t]}\n"),
     8, 27, "lb-web:80/rule/5", "unknown field `target_group`", "did you mean `target_groups`?"},
    {"RulePriorityOutOfRange",
     LB("    subnets: [a, b]\n    listeners:\n      - port: 80\n        target_groups: [t]\n"
        "        rules:\n          - {priority: 0, target_groups: [t]}\n"),
     8, 24, "lb-web:80", "`priority` must be an integer from 1 to 50000, not `0`", ""},
    {"TargetTypeUnknown", "target_groups:\n  - {name: t, target_type: lambada}\n", 2, 28, "tg-t",
     "`target_type` must be one of instance, ip, lambda, alb, not `lambada`",
     "did you mean `lambda`?"},
    {"TargetWithInstanceAndIp",
     "target_groups:\n  - name: t\n    port: 80\n    targets:\n      - {instance: i-1, ip: "
     "10.0.0.1}\n",
     5, 9, "tg-t", "a target is one of `instance`, `ip` or `load_balancer`", ""},
    {"AutoScalingGroupWithoutSubnets", "auto_scaling_groups:\n  - {name: g, launch_template: lt}\n",
     2, 5, "asg-g", "missing required field `subnets`", ""},

    // ---- the file as a whole ----
    {"MalformedYaml",
     "vpcs:\n  - name: a\n    cidr_block: 10.0.0.0/16\n  - name: b\n    cidr_block: [10.1.0.0/16\n",
     6, 1, "", "YAML syntax error: end of sequence flow not found", ""},
    {"BadIndentation", "vpcs:\n  - name: a\n    cidr_block: 10.0.0.0/16\n   - name: b\n", 4, 4, "",
     "YAML syntax error", ""},
    {"UndefinedAlias", "vpcs: *nothing\n", 1, 7, "", "YAML syntax error", ""},
    {"TopLevelList", "- name: a\n- name: b\n", 1, 1, "",
     "a network file must be a mapping, not a list", "lists like `vpcs:`"},
    {"TopLevelScalar", "hello\n", 1, 1, "", "a network file must be a mapping, not `hello`", ""},
    {"EmptyFile", "", 1, 1, "", "the file is empty", "a mapping with lists like `vpcs:`"},
    {"OnlyComments", "# a network, one day\n", 1, 1, "", "the file is empty", ""},
};

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, IsALocatedErrorWithAHint) {
  const BadInput& b = GetParam();
  auto r = read(b.yaml, "bad.yaml");
  EXPECT_FALSE(r.ok);
  bool found = false;
  for (const auto& d : r.diagnostics.items()) {
    if (d.message.find(b.message) == std::string::npos) continue;
    found = true;
    EXPECT_EQ(d.severity, Severity::kError);
    EXPECT_EQ(d.file, "bad.yaml");
    EXPECT_EQ(d.line, b.line) << d.str();
    EXPECT_EQ(d.column, b.column) << d.str();
    EXPECT_EQ(d.resource, b.resource) << d.str();
    EXPECT_NE(d.hint.find(b.hint), std::string::npos) << d.str();
    break;
  }
  EXPECT_TRUE(found) << "no error containing \"" << b.message << "\" in:\n" << dump(r.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(NativeYaml, BadInputTest, ::testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return std::string(info.param.name); });

// A VPC `v` with subnets `a` and `a2` in us-east-1a and `b` in us-east-1b (lines 1-5).
#define ELB_NET                                                                      \
  "vpcs: [{name: v, cidr_block: 10.0.0.0/16}]\n"                                     \
  "subnets:\n"                                                                       \
  "  - {name: a, vpc: v, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}\n"  \
  "  - {name: a2, vpc: v, availability_zone: us-east-1a, cidr_block: 10.0.2.0/24}\n" \
  "  - {name: b, vpc: v, availability_zone: us-east-1b, cidr_block: 10.0.3.0/24}\n"

// Files the reader takes whole that the ELB API would refuse: model::finalize() reports each at
// the resource's place in the file (shared/reference/aws-vpc-services.md cites the rules).
const BadInput kRefusedByElb[] = {
    // CreateLoadBalancer: "You can specify only one subnet per Availability Zone" (§0, Nodes:
    // enabling an AZ is naming one subnet in it).
    {"TwoSubnetsInOneAvailabilityZone",
     ELB_NET "load_balancers:\n  - {name: n, type: network, subnets: [a, a2]}\n", 7, 43, "lb-n",
     "two subnets of the load balancer are in availability zone us-east-1a",
     "enable one subnet per availability zone"},
    // §1: an Application Load Balancer needs "at least two AZ subnets, one per AZ".
    {"ApplicationLoadBalancerInOneAvailabilityZone",
     ELB_NET "load_balancers:\n  - {name: w, subnets: [a]}\n", 7, 5, "lb-w",
     "an Application Load Balancer needs subnets in at least two availability zones", ""},
    // §1: "Listener = protocol HTTP|HTTPS + port 1-65535": an ALB has no TCP listener.
    {"ApplicationLoadBalancerTcpListener",
     ELB_NET "load_balancers:\n  - name: w\n    subnets: [a, b]\n    listeners:\n"
             "      - {port: 80, protocol: TCP, target_groups: [t]}\n"
             "target_groups: [{name: t, port: 80, vpc: v}]\n",
     10, 9, "lb-w:80", "load balancer has no TCP listeners", ""},
    // §2: Listener->TG: UDP -> UDP|TCP_UDP; a UDP listener cannot forward to a TCP group.
    {"ListenerForwardsToAnIncompatibleProtocol",
     ELB_NET "load_balancers:\n  - name: n\n    type: network\n    subnets: [a]\n    listeners:\n"
             "      - {port: 53, protocol: UDP, target_groups: [t]}\n"
             "target_groups: [{name: t, protocol: TCP, port: 53, vpc: v}]\n",
     11, 9, "lb-n:53",
     "a UDP listener of network load balancer lb-n cannot forward to TCP target group tg-t", ""},
    // §1: rules are evaluated "by ascending priority, first match wins": no two share one
    // (CreateRule refuses with PriorityInUse).
    {"DuplicateRulePriority",
     ELB_NET "target_groups: [{name: t, port: 80, vpc: v}]\n"
             "load_balancers:\n  - name: w\n    subnets: [a, b]\n    listeners:\n"
             "      - port: 80\n        target_groups: [t]\n        rules:\n"
             "          - {priority: 10, target_groups: [t]}\n"
             "          - {id: second, priority: 10, target_groups: [t]}\n",
     15, 13, "second", "listener lb-w:80 has two rules of priority 10", ""},
    // §0, Target types: ip targets lie in the group's VPC or in 10/8, 172.16/12, 192.168/16,
    // 100.64/10; "publicly routable addresses are refused".
    {"PubliclyRoutableIpTarget",
     ELB_NET "target_groups:\n  - name: t\n    target_type: ip\n    port: 80\n    vpc: v\n"
             "    targets: [10.0.1.10, 8.8.8.8]\n",
     11, 26, "tg-t", "ip target 8.8.8.8 is publicly routable", "100.64.0.0/10"},
    // §4: a Gateway Load Balancer's target group is "protocol GENEVE, port 6081".
    {"GeneveTargetGroupOnAnotherPort",
     ELB_NET "target_groups:\n  - {name: g, protocol: GENEVE, port: 6080, vpc: v}\n", 7, 5, "tg-g",
     "a GENEVE target group listens on port 6081, not 6080", ""},
    // §4: a Gateway Load Balancer endpoint has "one subnet (one AZ) per endpoint".
    {"GatewayLoadBalancerEndpointInTwoSubnets",
     ELB_NET "vpc_endpoints:\n  - {name: g, vpc: v, vpc_endpoint_type: GatewayLoadBalancer, "
             "service_name: x, subnets: [a, b]}\n",
     7, 5, "vpce-g", "a Gateway Load Balancer endpoint has exactly one subnet",
     "make one endpoint per availability zone"},
    // §5.2: an interface endpoint has "at most one subnet per AZ".
    {"InterfaceEndpointTwiceInOneZone",
     ELB_NET "vpc_endpoints:\n  - {name: e, vpc: v, vpc_endpoint_type: Interface, service_name: x, "
             "subnets: [a, a2]}\n",
     7, 83, "vpce-e", "two subnets of the endpoint are in availability zone us-east-1a",
     "one subnet per availability zone"},
    // §5.3: interface endpoints connect to services of Network Load Balancers, Gateway Load
    // Balancer endpoints to those of Gateway Load Balancers.
    {"InterfaceEndpointToAGatewayLoadBalancerService",
     ELB_NET "load_balancers: [{name: g, type: gateway, subnets: [a]}]\n"
             "vpc_endpoint_services: [{name: s, gateway_load_balancers: [g]}]\n"
             "vpc_endpoints:\n  - {name: e, vpc: v, vpc_endpoint_type: Interface, "
             "service_name: com.amazonaws.vpce.us-east-1.vpce-svc-s, subnets: [a]}\n",
     9, 5, "vpce-e", "endpoint service vpce-svc-s has no Network Load Balancer",
     "GatewayLoadBalancer endpoint"},
};

class RefusedByElbTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(RefusedByElbTest, IsALocatedErrorOfFinalize) {
  const BadInput& b = GetParam();
  auto r = read(b.yaml, "bad.yaml");
  ASSERT_TRUE(r.ok) << "the reader should take this file:\n" << dump(r.diagnostics);
  EXPECT_FALSE(model::finalize(r.network, r.diagnostics));
  bool found = false;
  for (const auto& d : r.diagnostics.items()) {
    if (d.message.find(b.message) == std::string::npos) continue;
    found = true;
    EXPECT_EQ(d.severity, Severity::kError);
    EXPECT_EQ(d.file, "bad.yaml");
    EXPECT_EQ(d.line, b.line) << d.str();
    EXPECT_EQ(d.column, b.column) << d.str();
    EXPECT_EQ(d.resource, b.resource) << d.str();
    EXPECT_NE(d.hint.find(b.hint), std::string::npos) << d.str();
    break;
  }
  EXPECT_TRUE(found) << "no error containing \"" << b.message << "\" in:\n" << dump(r.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(NativeYaml, RefusedByElbTest, ::testing::ValuesIn(kRefusedByElb),
                         [](const auto& info) { return std::string(info.param.name); });

// What Route 53 rejects (shared/reference/route53.md §1, §3, §6), found by finalize() at the
// record set or, for a value, at the value itself.
#define ZONE(records) "hosted_zones:\n  - domain: example.com\n    records:\n" records
const BadInput kRefusedByRoute53[] = {
    {"BadValueIsLocatedAtTheValue",
     ZONE("      - {name: www, type: A, ttl: 60, values: [192.0.2.1, 300.1.1.1]}\n"), 4, 59,
     "example.com/www.example.com./A", "`300.1.1.1` is not a valid A value", ""},
    // RFC 1912 §2.4; Route 53: "RRSet of type CNAME ... is not permitted at apex".
    {"CnameAtTheApex",
     ZONE("      - {name: example.com., type: CNAME, ttl: 60, values: [a.example.net.]}\n"), 4, 9,
     "example.com/example.com./CNAME", "is not permitted at apex", "alias"},
    {"RecordOutsideItsZone",
     ZONE("      - {name: www.example.org., type: A, ttl: 60, values: [192.0.2.1]}\n"), 4, 9,
     "example.com/www.example.org./A", "is not permitted in zone example.com.", ""},
    {"AliasToAMissingRecordSet",
     ZONE("      - {name: www, type: A, alias: {dns_name: app.example.com.}}\n"), 4, 37,
     "example.com/www.example.com./A", "Tried to create an alias that targets app.example.com., type A", ""},
};
#undef ZONE

INSTANTIATE_TEST_SUITE_P(Route53, RefusedByElbTest, ::testing::ValuesIn(kRefusedByRoute53),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(NativeYamlErrors, EveryProblemIsReportedNotJustTheFirst) {
  auto r = read(
      "vpcs:\n"
      "  - {name: a, cidr_block: 10.0.0.0/33}\n"
      "  - {name: b, cidr_block: 10.1.0.0/16, colour: blue}\n"
      "  - {name: c, cidr_block: 10.2.0.0/16}\n"
      "subnets:\n"
      "  - {name: s, vpc: c, cidr_block: 10.2.0.0/24, route_table: [x]}\n"
      "security_groups:\n"
      "  - {name: g, vpc: c, ingress: [{protocol: tcp, cidr: 0.0.0.0/0}]}\n");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.diagnostics.error_count(), 4u) << dump(r.diagnostics);
  // What could be read is still there.
  EXPECT_EQ(r.network.vpcs.size(), 3u);
  EXPECT_EQ(r.network.subnets.size(), 1u);
  EXPECT_EQ(r.network.vpcs[2].cidr_blocks.size(), 1u);
}

TEST(NativeYamlErrors, MisspeltRequiredFieldIsReportedOnce) {
  auto r = read("vpcs:\n  - name: prod\n    cidr_blok: 10.0.0.0/16\n");
  EXPECT_EQ(r.diagnostics.error_count(), 1u) << dump(r.diagnostics);
}

// docs/format.md shows a broken file and the errors it gives; they must stay true.
TEST(NativeYamlErrors, DocumentedErrorsAreTheReadersOwn) {
  const std::string yaml = testing::format_doc_block("## Errors", "yaml");
  const std::string want = testing::format_doc_block("## Errors", "text");
  ASSERT_FALSE(yaml.empty());
  ASSERT_FALSE(want.empty());
  auto r = read(yaml, "network.yaml");
  r.diagnostics.sort();
  std::string got;
  for (const auto& d : r.diagnostics.items()) got += d.str() + "\n";
  EXPECT_EQ(got, want);
}

TEST(NativeYamlErrors, ReadingAppendsEvenAfterAnotherFileFailed) {
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(read_native_yaml("vpcs: {", "a.yaml", n, d));
  EXPECT_TRUE(read_native_yaml("vpcs: [{name: b, cidr_block: 10.1.0.0/16}]", "b.yaml", n, d));
  EXPECT_EQ(n.vpcs.size(), 1u);
  EXPECT_EQ(d.error_count(), 1u);
}

TEST(NativeYamlErrors, UnreadableFileIsAnErrorNamingIt) {
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(read_native_yaml_file("/nonexistent/network.yaml", n, d));
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].file, "/nonexistent/network.yaml");
  EXPECT_NE(d.items()[0].message.find("cannot open"), std::string::npos) << dump(d);

  Diagnostics d2;
  EXPECT_FALSE(read_native_yaml_file(::testing::TempDir(), n, d2));
  ASSERT_EQ(d2.items().size(), 1u);
  EXPECT_NE(d2.items()[0].message.find("is a folder"), std::string::npos) << dump(d2);
}

// Input is untrusted: odd bytes, deep nesting, self-referencing anchors and alias fan-out must
// produce diagnostics or a network, never an exception or a hang.
TEST(NativeYamlErrors, HostileInputNeverThrows) {
  std::string deep(5000, '[');
  std::string laughs = "x-a: &a [1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    laughs += std::string("x-") + c + ": &" + c + " [";
    for (int i = 0; i < 8; ++i) laughs += std::string(i ? ", *" : "*") + static_cast<char>(c - 1);
    laughs += "]\n";
  }
  laughs += "vpcs: *j\n";
  const std::string inputs[] = {
      std::string("\0\xff\xfe", 3),
      "vpcs: [" + deep,
      deep,
      laughs,
      "vpcs: &a [*a]\n",
      "vpcs:\n  - &m {name: a, cidr_block: 10.0.0.0/16, <<: *m}\n",
      "x: &m {<<: [*m, *m, *m, *m, *m, *m, *m, *m]}\nvpcs: [{<<: *m, name: a}]\n",
      "vpcs: [{name: a, cidr_block: !!binary aGVsbG8=}]\n",
      "vpcs: [{name: a, cidr_block: 10.0.0.0/16, enable_dns_support: 99999999999999999999999}]\n",
      std::string("security_groups: [{name: a, vpc: v, ingress: [{protocol: tcp, ") +
          "from_port: -99999999999999999999, to_port: 1, cidr: 0.0.0.0/0}]}]\n",
      "? [a, b]\n: c\n",
      "vpcs: [{name: a, cidr_block: \"10.0.0.0/16\\0\"}]\n",
  };
  for (const auto& input : inputs) {
    SCOPED_TRACE(input.substr(0, 60));
    model::Network n;
    Diagnostics d;
    EXPECT_NO_THROW(read_native_yaml(input, "hostile.yaml", n, d));
  }
}

}  // namespace
}  // namespace cloudtwin::load
