#include "network_generator.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

namespace cloudtwin::bench {

namespace {

constexpr int kSubnetsPerVpc = 100;

// A small fixed generator (splitmix64): the same network for one seed on every library,
// which std::uniform_int_distribution does not promise.
class Random {
 public:
  explicit Random(unsigned seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

// The address of subnet `s` (numbered across the network) and of its VPC.
std::string subnet_cidr(int s) {
  return "10." + std::to_string(s / kSubnetsPerVpc) + "." + std::to_string(s % kSubnetsPerVpc) +
         ".0/24";
}

// A peer as real rules write them: mostly a subnet or a VPC of the network, often one instance
// or a small piece of a subnet (cutting its instances apart), the whole private range, or the
// internet.
std::string random_cidr(Random& r, int subnets) {
  int s = r.below(subnets);
  std::string net =
      "10." + std::to_string(s / kSubnetsPerVpc) + "." + std::to_string(s % kSubnetsPerVpc) + ".";
  int k = r.below(100);
  if (k < 35) return subnet_cidr(s);
  if (k < 50) return "10." + std::to_string(s / kSubnetsPerVpc) + ".0.0/16";
  if (k < 60) return net + std::to_string(10 + r.below(10)) + "/32";
  if (k < 67) return net + std::to_string(8 + 4 * r.below(3)) + "/30";
  if (k < 75) return net + std::to_string(16 * r.below(16)) + "/28";
  if (k < 85) return "10.0.0.0/8";
  if (k < 92) return "0.0.0.0/0";
  return "192.168." + std::to_string(r.below(256)) + ".0/24";
}

// Ports as real rules write them: well-known service ports, the ephemeral range, or a range.
std::string random_ports(Random& r) {
  static constexpr int kCommon[] = {22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 27017};
  int k = r.below(100);
  if (k < 55) return std::to_string(kCommon[r.below(10)]);
  if (k < 75) return "1024-65535";
  int from = 1 + r.below(60000);
  return std::to_string(from) + "-" + std::to_string(from + r.below(5000));
}

std::string random_protocol(Random& r) {
  int k = r.below(100);
  return k < 75 ? "tcp" : k < 92 ? "udp" : "all";
}

// One network ACL per VPC: ten entries denying ports of outside ranges, then allow all.
void uniform_network_acls(std::ostringstream& y, int vpcs) {
  y << "network_acls:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - id: acl-" << v << "\n    vpc: vpc-" << v << "\n    ingress:\n";
    for (int r = 0; r < 10; ++r) {
      y << "      - {rule_number: " << (r + 1) * 10 << ", protocol: tcp, ports: " << 1000 + r
        << ", rule_action: deny, cidr: 192.168." << r << ".0/24}\n";
    }
    y << "      - {rule_number: 500, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}\n";
    y << "    egress:\n      - {rule_number: 100, protocol: all, rule_action: allow, cidr: "
         "0.0.0.0/0}\n";
  }
}

// One security group per subnet of `rules_per_group` ingress rules: 443 from the private range,
// 5432 from the next subnet's group, the rest from outside ranges.
void uniform_security_groups(std::ostringstream& y, const GeneratorOptions& o) {
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
        y << "      - {protocol: tcp, port: " << 8000 + r << ", cidr: 172." << 16 + r % 16 << "."
          << s % 256 << ".0/24}\n";
      }
    }
  }
}

// One network ACL per subnet, 20 entries each way in rule-number order, mostly allowing.
void varied_network_acls(std::ostringstream& y, const GeneratorOptions& o, Random& r) {
  y << "network_acls:\n";
  for (int s = 0; s < o.subnets; ++s) {
    y << "  - id: acl-s" << s << "\n    vpc: vpc-" << s / kSubnetsPerVpc << "\n";
    for (const char* direction : {"ingress", "egress"}) {
      y << "    " << direction << ":\n";
      for (int e = 0; e < 20; ++e) {
        std::string protocol = random_protocol(r);
        y << "      - {rule_number: " << (e + 1) * 10 << ", protocol: " << protocol;
        if (protocol != "all") y << ", ports: " << random_ports(r);
        y << ", rule_action: " << (r.chance(75) ? "allow" : "deny")
          << ", cidr: " << random_cidr(r, o.subnets) << "}\n";
      }
    }
  }
}

// One security group per subnet: 60 ingress rules, about 70% naming another group of the VPC
// (references across unpeered VPCs never match), the rest an address range.
void varied_security_groups(std::ostringstream& y, const GeneratorOptions& o, Random& r) {
  y << "security_groups:\n";
  for (int s = 0; s < o.subnets; ++s) {
    int v = s / kSubnetsPerVpc;
    int in_vpc = std::min(kSubnetsPerVpc, o.subnets - v * kSubnetsPerVpc);
    y << "  - id: sg-" << s << "\n    vpc: vpc-" << v << "\n    ingress:\n";
    for (int k = 0; k < 60; ++k) {
      std::string protocol = random_protocol(r);
      y << "      - {protocol: " << protocol;
      if (protocol != "all") y << ", ports: " << random_ports(r);
      if (r.chance(70)) {
        y << ", security_group: sg-" << v * kSubnetsPerVpc + r.below(in_vpc) << "}\n";
      } else {
        y << ", cidr: " << random_cidr(r, o.subnets) << "}\n";
      }
    }
  }
}

// The VPCs that get services: those with the five subnets they use.
bool has_services(const GeneratorOptions& o, int v) {
  return o.services && o.subnets - v * kSubnetsPerVpc >= 5;
}

// The id finalize() gives firewall-V's endpoint in subnet-V-fw (model/finalize_firewalls.cc).
std::string firewall_endpoint(int v) {
  return "vpce-firewall-" + std::to_string(v) + "-" + std::to_string(v) + "-fw";
}

// Per VPC with services: a firewall subnet and a second public subnet (in another zone, for the
// Application Load Balancer), outside the numbered subnets.
void service_subnets(std::ostringstream& y, const GeneratorOptions& o, int vpcs) {
  for (int v = 0; v < vpcs; ++v) {
    if (!has_services(o, v)) continue;
    y << "  - {id: subnet-" << v << "-fw, vpc: vpc-" << v
      << ", availability_zone: us-east-1a, cidr_block: 10." << v
      << ".200.0/28, route_table: rtb-fw-" << v << "}\n";
    y << "  - {id: subnet-" << v << "-pub2, vpc: vpc-" << v
      << ", availability_zone: us-east-1b, cidr_block: 10." << v
      << ".201.0/24, route_table: rtb-public-" << v << "}\n";
  }
}

// The firewall subnet's table (to the internet gateway) and the gateway's edge table (the
// public subnets back through the firewall endpoint).
void service_route_tables(std::ostringstream& y, const GeneratorOptions& o, int vpcs) {
  for (int v = 0; v < vpcs; ++v) {
    if (!has_services(o, v)) continue;
    y << "  - {id: rtb-fw-" << v << ", vpc: vpc-" << v
      << ", routes: [{destination: 0.0.0.0/0, gateway: igw-" << v
      << "}, {destination: 10.0.0.0/8, transit_gateway: tgw-hub}]}\n";
    y << "  - {id: rtb-edge-" << v << ", vpc: vpc-" << v << ", gateways: [igw-" << v
      << "], routes: [{destination: 10." << v << ".0.0/24, vpc_endpoint: " << firewall_endpoint(v)
      << "}, {destination: 10." << v << ".201.0/24, vpc_endpoint: " << firewall_endpoint(v)
      << "}]}\n";
  }
}

void service_security_groups(std::ostringstream& y, const GeneratorOptions& o, int vpcs) {
  for (int v = 0; v < vpcs; ++v) {
    if (!has_services(o, v)) continue;
    y << "  - {id: sg-alb-" << v << ", vpc: vpc-" << v
      << ", ingress: [{protocol: tcp, port: 443, cidr: 0.0.0.0/0}]}\n";
    y << "  - {id: sg-vpce-" << v << ", vpc: vpc-" << v
      << ", ingress: [{protocol: tcp, port: 443, cidr: 10.0.0.0/8}]}\n";
  }
}

// Load balancers, target groups, interface endpoints, Auto Scaling groups and firewalls: an
// internet-facing ALB (HTTPS 443 to the second instance of up to ten subnets, and to the Auto
// Scaling group), an internet-facing NLB (TCP 443 to ip targets, so the targets see its node's
// address), an SQS interface endpoint in two subnets, and a Network Firewall whose stateful
// engine passes HTTPS in and everything the private range starts, in strict order.
void services(std::ostringstream& y, const GeneratorOptions& o, int vpcs) {
  auto each = [&](auto&& write) {
    for (int v = 0; v < vpcs; ++v) {
      if (has_services(o, v)) write(v, std::min(kSubnetsPerVpc, o.subnets - v * kSubnetsPerVpc));
    }
  };
  y << "target_groups:\n";
  each([&](int v, int in_vpc) {
    y << "  - {id: tg-alb-" << v << ", protocol: HTTPS, port: 443, vpc: vpc-" << v
      << ", targets: [";
    for (int s = 1; s < std::min(in_vpc, 11); ++s) {
      y << (s > 1 ? ", " : "") << "i-" << v * kSubnetsPerVpc + s << "-1";
    }
    y << "]}\n  - {id: tg-nlb-" << v << ", target_type: ip, protocol: TCP, port: 443, vpc: vpc-"
      << v << ", targets: [";
    for (int s = 1; s < std::min(in_vpc, 11); ++s) {
      y << (s > 1 ? ", " : "") << "10." << v << "." << s << ".12";
    }
    y << "]}\n";
  });
  y << "load_balancers:\n";
  each([&](int v, int) {
    y << "  - {id: alb-" << v << ", type: application, subnets: [subnet-" << v << "-0, subnet-" << v
      << "-pub2], security_groups: [sg-alb-" << v
      << "], listeners: [{port: 443, protocol: HTTPS, target_groups: [tg-alb-" << v << "]}]}\n";
    y << "  - {id: nlb-" << v << ", type: network, subnets: [subnet-" << v
      << "-0], listeners: [{port: 443, protocol: TCP, target_groups: [tg-nlb-" << v << "]}]}\n";
  });
  y << "vpc_endpoints:\n";
  each([&](int v, int) {
    y << "  - {id: vpce-sqs-" << v << ", vpc: vpc-" << v
      << ", vpc_endpoint_type: Interface, service_name: com.amazonaws.us-east-1.sqs, subnets: "
         "[subnet-"
      << v << "-1, subnet-" << v << "-2], security_groups: [sg-vpce-" << v << "]}\n";
  });
  y << "launch_templates:\n";
  each([&](int v, int) {
    y << "  - {id: lt-" << v << ", security_groups: [sg-" << v * kSubnetsPerVpc + 3 << "]}\n";
  });
  y << "auto_scaling_groups:\n";
  each([&](int v, int) {
    y << "  - {id: asg-" << v << ", subnets: [subnet-" << v << "-3, subnet-" << v
      << "-4], launch_template: lt-" << v << ", target_groups: [tg-alb-" << v << "]}\n";
  });
  y << "firewalls:\n";
  each([&](int v, int) {
    y << "  - {id: firewall-" << v << ", vpc: vpc-" << v << ", subnets: [subnet-" << v
      << "-fw], policy: inspect}\n";
  });
  y << "firewall_policies:\n"
       "  - id: inspect\n"
       "    stateless_default_actions: [\"aws:forward_to_sfe\"]\n"
       "    stateful_rule_groups: [{rule_group: edge, priority: 1}]\n"
       "    stateful_default_actions: [\"aws:drop_strict\"]\n"
       "    rule_order: strict_order\n"
       "firewall_rule_groups:\n"
       "  - id: edge\n"
       "    type: stateful\n"
       "    rule_order: strict_order\n"
       "    rules_string: |\n"
       "      drop tcp any any -> any 22 (sid:1;)\n"
       "      pass tcp any any -> 10.0.0.0/8 443 (sid:2;)\n"
       "      pass ip 10.0.0.0/8 any -> any any (sid:3;)\n";
}

}  // namespace

std::string generate_network(const GeneratorOptions& o) {
  Random random(o.seed);
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
    y << "  - {id: nat-" << v << ", subnet: subnet-" << v << "-0, elastic_ip: eipalloc-" << v
      << "}\n";
  }
  y << "subnets:\n";
  int s_total = 0;
  for (int v = 0; v < vpcs && s_total < o.subnets; ++v) {
    for (int s = 0; s < kSubnetsPerVpc && s_total < o.subnets; ++s, ++s_total) {
      y << "  - {id: subnet-" << v << "-" << s << ", vpc: vpc-" << v
        << ", availability_zone: us-east-1" << static_cast<char>('a' + s % 3) << ", cidr_block: 10."
        << v << "." << s << ".0/24, route_table: " << (s == 0 ? "rtb-public-" : "rtb-private-") << v
        << ", network_acl: acl-";
      if (o.varied) {
        y << "s" << s_total << "}\n";
      } else {
        y << v << "}\n";
      }
    }
  }
  service_subnets(y, o, vpcs);
  y << "route_tables:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - {id: rtb-public-" << v << ", vpc: vpc-" << v << ", routes: [{destination: 0.0.0.0/0, "
      << (has_services(o, v) ? "vpc_endpoint: " + firewall_endpoint(v)
                             : "gateway: igw-" + std::to_string(v))
      << "}, {destination: 10.0.0.0/8, transit_gateway: tgw-hub}]}\n";
    y << "  - {id: rtb-private-" << v << ", vpc: vpc-" << v
      << ", routes: [{destination: 0.0.0.0/0, nat_gateway: nat-" << v
      << "}, {destination: 10.0.0.0/8, transit_gateway: tgw-hub}]}\n";
  }
  service_route_tables(y, o, vpcs);
  if (o.varied) {
    varied_network_acls(y, o, random);
  } else {
    uniform_network_acls(y, vpcs);
  }
  y << "transit_gateways:\n  - {id: tgw-hub}\ntransit_gateway_attachments:\n";
  for (int v = 0; v < vpcs; ++v) {
    y << "  - {id: tgw-attach-" << v << ", transit_gateway: tgw-hub, vpc: vpc-" << v
      << ", subnets: [subnet-" << v << "-0, subnet-" << v << "-1, subnet-" << v << "-2]}\n";
  }
  if (o.varied) {
    varied_security_groups(y, o, random);
  } else {
    uniform_security_groups(y, o);
  }
  service_security_groups(y, o, vpcs);
  y << "instances:\n";
  for (int s = 0; s < o.subnets; ++s) {
    int v = s / kSubnetsPerVpc;
    int local = s % kSubnetsPerVpc;
    for (int i = 0; i < o.instances_per_subnet; ++i) {
      y << "  - {id: i-" << s << "-" << i << ", subnet: subnet-" << v << "-" << local
        << ", private_ip: 10." << v << "." << local << "." << 10 + i << ", security_groups: [sg-"
        << s << "]}\n";
    }
  }
  if (o.services) services(y, o, vpcs);
  return y.str();
}

}  // namespace cloudtwin::bench
