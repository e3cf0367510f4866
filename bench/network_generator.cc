#include "network_generator.h"

#include <algorithm>
#include <sstream>

namespace cloudtwin::bench {

std::string generate_network(const GeneratorOptions& o) {
  constexpr int kSubnetsPerVpc = 100;
  const int vpcs = std::max(1, (o.subnets + kSubnetsPerVpc - 1) / kSubnetsPerVpc);
  std::ostringstream y;
  y << "region: us-east-1\nvpcs:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - {id: vpc-" << v << ", cidr_block: 10." << v << ".0.0/16}\n";
  }
  y << "internet_gateways:\n";
  for (int v = 0; v < vpcs; ++v) y << "  - {id: igw-" << v << ", vpc: vpc-" << v << "}\n";
  y << "elastic_ips:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - {id: eipalloc-" << v << ", public_ip: 52." << v / 250 << "." << v % 250 << ".1}\n";
  }
  y << "nat_gateways:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - {id: nat-" << v << ", subnet: subnet-" << v << "-0, elastic_ip: eipalloc-" << v << "}\n";
  }
  y << "subnets:\n";
  int s_total = 0;
  for (int v = 0; v < vpcs && s_total < o.subnets; ++v) {
    for (int s = 0; s < kSubnetsPerVpc && s_total < o.subnets; ++s, ++s_total) {
      y << "  - {id: subnet-" << v << "-" << s << ", vpc: vpc-" << v
        << ", availability_zone: us-east-1" << static_cast<char>('a' + s % 3) << ", cidr_block: 10."
        << v << "." << s << ".0/24, route_table: " << (s == 0 ? "rtb-public-" : "rtb-private-") << v
        << ", network_acl: acl-" << v << "}\n";
    }
  }
  y << "route_tables:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - {id: rtb-public-" << v << ", vpc: vpc-" << v
      << ", routes: [{destination: 0.0.0.0/0, gateway: igw-" << v
      << "}, {destination: 10.0.0.0/8, transit_gateway: tgw-hub}]}\n";
    y << "  - {id: rtb-private-" << v << ", vpc: vpc-" << v
      << ", routes: [{destination: 0.0.0.0/0, nat_gateway: nat-" << v
      << "}, {destination: 10.0.0.0/8, transit_gateway: tgw-hub}]}\n";
  }
  y << "network_acls:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - id: acl-" << v << "\n    vpc: vpc-" << v << "\n    ingress:\n";
    for (int r = 0; r < 10; ++r) {
      y << "      - {rule_number: " << (r + 1) * 10 << ", protocol: tcp, ports: " << 1000 + r
        << ", rule_action: deny, cidr: 192.168." << r << ".0/24}\n";
    }
    y << "      - {rule_number: 500, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}\n";
    y << "    egress:\n      - {rule_number: 100, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}\n";
  }
  y << "transit_gateways:\n  - {id: tgw-hub}\ntransit_gateway_attachments:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - {id: tgw-attach-" << v << ", transit_gateway: tgw-hub, vpc: vpc-" << v << ", subnets: [subnet-"
      << v << "-0, subnet-" << v << "-1, subnet-" << v << "-2]}\n";
  }
  y << "security_groups:\n";
  for (int s = 0; s < o.subnets; ++s) {
    int v = s / kSubnetsPerVpc;
    y << "  - id: sg-" << s << "\n    vpc: vpc-" << v << "\n    ingress:\n";
    for (int r = 0; r < o.rules_per_group; ++r) {
      if (r == 0) {
        y << "      - {protocol: tcp, port: 443, cidr: 10.0.0.0/8}\n";
      } else if (r == 1) {
        // A group of the same VPC: references across unpeered VPCs never match.
        int peer = v * kSubnetsPerVpc + (s % kSubnetsPerVpc + 1) % kSubnetsPerVpc;
        if (peer >= o.subnets) peer = v * kSubnetsPerVpc;
        y << "      - {protocol: tcp, port: 5432, security_group: sg-" << peer << "}\n";
      } else {
        y << "      - {protocol: tcp, port: " << 8000 + r << ", cidr: 172." << 16 + r % 16 << "." << s % 256
          << ".0/24}\n";
      }
    }
  }
  y << "instances:\n";
  for (int s = 0; s < o.subnets; ++s) {
    int v = s / kSubnetsPerVpc;
    int local = s % kSubnetsPerVpc;
    for (int i = 0; i < o.instances_per_subnet; ++i) {
      y << "  - {id: i-" << s << "-" << i << ", subnet: subnet-" << v << "-" << local << ", private_ip: 10."
        << v << "." << local << "." << 10 + i << ", security_groups: [sg-" << s << "]}\n";
    }
  }
  return y.str();
}

}  // namespace cloudtwin::bench
