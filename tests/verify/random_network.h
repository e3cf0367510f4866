// A random network in native YAML for the property tests (differential_test.cc, diff_test.cc):
// two peered VPCs (one dual stack) with public and private subnets, gateways, random security
// groups and network ACLs, now and then a peer or route not known offline.
#pragma once

#include <random>
#include <sstream>
#include <string>

namespace cloudtwin::verify::testing {

// A random network: two peered VPCs (one dual stack) with public and private subnets, an
// internet gateway, a NAT gateway, an egress-only gateway, random security groups and random
// network ACLs (allow and deny, overlapping CIDRs and port ranges).
inline std::string random_network(std::mt19937& rng) {
  auto pick = [&](std::initializer_list<const char*> xs) {
    return *(xs.begin() + std::uniform_int_distribution<std::size_t>(0, xs.size() - 1)(rng));
  };
  auto chance = [&](double p) { return std::uniform_real_distribution<>(0, 1)(rng) < p; };
  auto num = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto cidr = [&]() -> std::string {
    switch (num(0, 7)) {
      case 0:
        return "0.0.0.0/0";
      case 1:
        return "10.0.0.0/16";
      case 2:
        return "10.1.0.0/16";
      case 3:
        return "10.0." + std::to_string(num(0, 3)) + ".0/24";
      case 4:
        return "10.1." + std::to_string(num(0, 3)) + "." + std::to_string(num(0, 3) * 64) + "/26";
      case 5:
        return std::to_string(num(1, 99)) + ".0.0.0/8";
      case 6:
        return "198.51.100." + std::to_string(num(0, 7) * 32) + "/27";
      default:
        return "\"::/0\"";
    }
  };
  auto ports = [&]() -> std::string {
    switch (num(0, 4)) {
      case 0:
        return "all";
      case 1:
        return pick({"22", "80", "443", "5432", "53"});
      case 2:
        return "1024-65535";
      case 3:
        return "32768-60999";
      default: {
        int a = num(0, 65000);
        return std::to_string(a) + "-" + std::to_string(a + num(0, 500));
      }
    }
  };
  auto rule = [&](bool acl) {
    std::string p = acl ? pick({"tcp", "tcp", "udp", "icmp", "all", "icmpv6"})
                        : pick({"tcp", "tcp", "udp", "icmp", "all"});
    std::string r = "{protocol: " + p;
    if (p == "tcp" || p == "udp") r += ", ports: " + ports();
    if (p == "icmp" || p == "icmpv6") {
      std::string type = pick({"-1", "8", "0", "3", "128"});
      r += ", icmp_type: " + type;
      if (type != "-1" && chance(0.3)) r += ", icmp_code: " + std::string(pick({"0", "1"}));
    }
    std::string c = cidr();
    if (p == "icmpv6" && c != "\"::/0\"") c = "\"::/0\"";
    // Now and then a peer not known offline: the verdicts it touches are inconclusive, and
    // the symbolic engine must say so for exactly the packets the walker does.
    r += chance(0.08) ? std::string(", unknown: peer of another account") : ", cidr: " + c;
    return r;
  };
  std::ostringstream y;
  y << "vpcs:\n"
    << "  - {name: a, cidr_block: 10.0.0.0/16, ipv6_cidr_blocks: [2600:1f18:a::/56]}\n"
    << "  - {name: b, cidr_block: 10.1.0.0/16}\n";
  y << "subnets:\n";
  for (int s = 0; s < 4; ++s) {
    y << "  - {name: a" << s << ", vpc: a, availability_zone: us-east-1a, cidr_block: 10.0." << s
      << ".0/24, ipv6_cidr_block: 2600:1f18:a:" << s
      << "::/64, route_table: " << (s < 2 ? "a-public" : "a-private") << "}\n";
    y << "  - {name: b" << s << ", vpc: b, availability_zone: us-east-1a, cidr_block: 10.1." << s
      << ".0/24}\n";
  }
  y << "internet_gateways:\n  - {name: igw, vpc: a}\n";
  y << "egress_only_internet_gateways:\n  - {name: eigw, vpc: a}\n";
  y << "elastic_ips:\n  - {name: nat-eip, public_ip: 203.0.113.10}\n";
  y << "nat_gateways:\n  - {name: nat, subnet: a0, elastic_ip: nat-eip}\n";
  y << "vpc_peering_connections:\n  - {name: ab, requester_vpc: a, accepter_vpc: b}\n";
  y << "route_tables:\n"
    << "  - name: a-public\n    vpc: a\n    routes:\n"
    << "      - {destination: 0.0.0.0/0, gateway: igw}\n"
    << "      - {destination: \"::/0\", gateway: igw}\n"
    << "      - {destination: 10.1.0.0/16, vpc_peering_connection: ab}\n"
    << "  - name: a-private\n    vpc: a\n    routes:\n"
    << "      - {destination: 0.0.0.0/0, nat_gateway: nat}\n"
    << "      - {destination: \"::/0\", egress_only_internet_gateway: eigw}\n"
    << "      - {destination: 10.1." << num(0, 3) << ".0/24, vpc_peering_connection: ab}\n"
    << (chance(0.15) ? "      - {unknown: known after apply, nat_gateway: nat}\n" : "")
    << "  - name: b-main\n    vpc: b\n    main: true\n    routes:\n"
    << "      - {destination: 10.0.0.0/16, vpc_peering_connection: ab}\n";
  y << "security_groups:\n";
  for (const char* v : {"a", "b"}) {
    for (int g = 0; g < 3; ++g) {
      y << "  - name: " << v << "sg" << g << "\n    vpc: " << v << "\n    ingress:\n";
      for (int i = num(0, 3); i > 0; --i) y << "      - " << rule(false) << "}\n";
      if (chance(0.3)) y << "      - {protocol: tcp, port: 443, security_group: " << v << "sg0}\n";
      if (chance(0.4)) {
        y << "    egress:\n";
        for (int i = num(0, 2); i > 0; --i) y << "      - " << rule(false) << "}\n";
        if (chance(0.5)) y << "      - {protocol: all, cidr: 0.0.0.0/0}\n";
      }
    }
  }
  y << "network_acls:\n";
  for (const char* v : {"a", "b"}) {
    y << "  - name: " << v << "-acl\n    vpc: " << v << "\n    subnets: [" << v << "1, " << v
      << "3]\n";
    for (const char* dir : {"ingress", "egress"}) {
      y << "    " << dir << ":\n";
      int n = num(1, 5);
      for (int i = 1; i <= n; ++i) {
        y << "      - " << rule(true) << ", rule_number: " << i * 10
          << ", rule_action: " << (chance(0.65) ? "allow" : "deny") << "}\n";
      }
      if (chance(0.6))
        y << "      - {rule_number: 900, protocol: all, cidr: 0.0.0.0/0, rule_action: allow}\n";
      if (chance(0.4))
        y << "      - {rule_number: 901, protocol: all, cidr: \"::/0\", rule_action: allow}\n";
    }
  }
  y << "instances:\n";
  int k = 0;
  for (const char* v : {"a", "b"}) {
    for (int s = 0; s < 4; ++s) {
      for (int i = 0; i < 2; ++i, ++k) {
        std::string vv(v);
        y << "  - {name: " << v << s << "i" << i << ", subnet: " << v << s << ", private_ip: 10."
          << (vv == "a" ? 0 : 1) << "." << s << "." << 10 + i << ", security_groups: [" << v << "sg"
          << num(0, 2) << "]";
        if (vv == "a" && s < 2 && chance(0.7)) y << ", public_ip: 198.18." << s << "." << 10 + i;
        if (vv == "a" && chance(0.5))
          y << ", ipv6_addresses: [2600:1f18:a:" << s << "::" << 10 + i << "]";
        if (chance(0.1)) y << ", state: stopped";
        y << "}\n";
      }
    }
  }
  return y.str();
}

}  // namespace cloudtwin::verify::testing
