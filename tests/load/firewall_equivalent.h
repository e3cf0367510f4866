// One small Network Firewall network, the same in every input format's tests: a VPC with a
// firewall subnet and a protected application subnet in each of two zones, the distributed
// pattern of shared/reference/aws-vpc-services.md §6 ("Routing patterns": protected subnet
// 0.0.0.0/0 -> the endpoint of its zone, firewall subnets -> the internet gateway, the gateway's
// edge table sends each protected subnet to its zone's endpoint). Its policy forwards everything
// to the stateful engine (strict order), whose group passes TCP 443 (sid 1) and whose default
// aws:drop_strict drops the rest; a stateless group drops UDP to port 53 first. Each reader's
// test loads its own version and expects the verdicts below, decided by the same rules.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::load::testing {

// The network in cloudtwin's own format: the reference the other formats agree with.
inline const char* kFirewallNative = R"(vpcs:
  - {name: v, cidr_block: 10.0.0.0/16}
subnets:
  - {name: fw-a, vpc: v, availability_zone: us-east-1a, cidr_block: 10.0.0.0/28, route_table: fw-rt}
  - {name: fw-b, vpc: v, availability_zone: us-east-1b, cidr_block: 10.0.0.16/28, route_table: fw-rt}
  - {name: app-a, vpc: v, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24, route_table: app-a-rt}
  - {name: app-b, vpc: v, availability_zone: us-east-1b, cidr_block: 10.0.2.0/24, route_table: app-b-rt}
internet_gateways:
  - {name: igw, vpc: v}
route_tables:
  - {name: fw-rt, vpc: v, routes: [{destination: 0.0.0.0/0, gateway: igw}]}
  - {name: app-a-rt, vpc: v, routes: [{destination: 0.0.0.0/0, vpc_endpoint: vpce-fw-fw-a}]}
  - {name: app-b-rt, vpc: v, routes: [{destination: 0.0.0.0/0, vpc_endpoint: vpce-fw-fw-b}]}
  - name: edge
    vpc: v
    gateways: [igw]
    routes:
      - {destination: 10.0.1.0/24, vpc_endpoint: vpce-fw-fw-a}
      - {destination: 10.0.2.0/24, vpc_endpoint: vpce-fw-fw-b}
security_groups:
  - {name: web, vpc: v, ingress: [{protocol: -1, cidr: 0.0.0.0/0}]}
instances:
  - {name: web-a, subnet: app-a, private_ip: 10.0.1.10, public_ip: 198.51.100.71, security_groups: [web]}
  - {name: web-b, subnet: app-b, private_ip: 10.0.2.10, public_ip: 198.51.100.72, security_groups: [web]}
firewalls:
  - {name: fw, vpc: v, subnets: [fw-a, fw-b], policy: strict}
firewall_policies:
  - name: strict
    stateless_default_actions: ["aws:forward_to_sfe"]
    stateless_rule_groups: [{rule_group: no-dns, priority: 1}]
    stateful_rule_groups: [{rule_group: https-only, priority: 1}]
    stateful_default_actions: ["aws:drop_strict"]
    rule_order: strict_order
firewall_rule_groups:
  - name: no-dns
    type: stateless
    rules:
      - {priority: 10, action: "aws:drop", destination_ports: [53], protocols: [17]}
  - name: https-only
    type: stateful
    rule_order: strict_order
    stateful_rules:
      - {action: pass, protocol: tcp, source: any, source_port: any, direction: forward, destination: any, destination_port: "443", sid: "1"}
)";

struct FirewallCase {
  std::string from, to;
  Protocol protocol;
  std::uint16_t port;
  vpc::Verdict verdict;
  std::string decided;  // what the firewall hop or drop says decided, in part
  std::string why;      // the rule, §6 of aws-vpc-services.md
};

inline const std::vector<FirewallCase>& firewall_cases() {
  static const std::vector<FirewallCase> k = {
      {"internet", "web-a", Protocol{Protocol::kTcp}, 443, vpc::Verdict::kReachable,
       "rule sid 1 of",
       "§6: strict order, the first matching pass rule (sid 1) passes the flow; the edge table "
       "sends app-a to the endpoint of us-east-1a"},
      {"web-b", "internet", Protocol{Protocol::kTcp}, 443, vpc::Verdict::kReachable,
       "rule sid 1 of",
       "§6: app-b's default route is the endpoint of us-east-1b, whose firewall subnet routes to "
       "the internet gateway"},
      {"internet", "web-a", Protocol{Protocol::kTcp}, 22, vpc::Verdict::kBlocked, "aws:drop_strict",
       "§6: no stateful rule passes port 22; StatefulDefaultActions aws:drop_strict drops it "
       "(FIREWALL_RULES_RESTRICTION)"},
      {"web-a", "internet", Protocol{Protocol::kUdp}, 53, vpc::Verdict::kBlocked,
       "stateless rule 10 of",
       "§6: the stateless engine sees every packet first; rule 10 (aws:drop) matches UDP 53"},
  };
  return k;
}

// Traces every case on `n` and checks its verdict and the firewall's deciding rule.
inline void expect_firewall_verdicts(const model::Network& n, const std::string& format) {
  for (const auto& c : firewall_cases()) {
    SCOPED_TRACE(format + ": " + c.from + " -> " + c.to + " " + std::to_string(c.port));
    auto from = vpc::parse_endpoint(n, c.from);
    auto to = vpc::parse_endpoint(n, c.to);
    ASSERT_TRUE(from.endpoint) << from.error;
    ASSERT_TRUE(to.endpoint) << to.error;
    vpc::Query q;
    q.source = *from.endpoint;
    q.destination = *to.endpoint;
    q.protocol = c.protocol;
    q.destination_port = c.port;
    const auto t = vpc::trace(n, q);
    std::string said;
    for (const auto* hops : {&t.forward, &t.reverse}) {
      for (const auto& h : *hops) {
        if (h.component_type == "NetworkFirewall") said += h.note + "\n";
      }
    }
    for (const auto& e : t.explanations) said += e.code + ": " + e.message + "\n";
    for (const auto& e : t.unknowns) said += "unknown " + e.code + ": " + e.message + "\n";
    EXPECT_EQ(t.verdict, c.verdict) << c.why << "\n" << said;
    EXPECT_NE(said.find(c.decided), std::string::npos) << c.why << "\n" << said;
    if (c.verdict == vpc::Verdict::kBlocked) {
      ASSERT_FALSE(t.explanations.empty()) << said;
      EXPECT_EQ(t.explanations.front().code, "FIREWALL_RULES_RESTRICTION") << said;
    }
  }
}

}  // namespace cloudtwin::load::testing
