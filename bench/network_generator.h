// Generates native-format networks of a chosen size for benchmarks: VPCs of 100 subnets joined
// by a transit gateway, 10 instances per subnet, one security group of 10 rules per subnet, a
// custom network ACL per VPC, public subnets with an internet gateway and NAT gateway. The
// symbolic benchmarks (verify_bench.cc) use 100 rules per group: 100,000 rules at 1,000 subnets.
//
// `varied` gives every subnet rules of its own instead (issue 9 §4): its own network ACL of 20
// random entries each way and its own security group of 60 random ingress rules, most of them
// referencing other groups of the VPC. The randomness is a fixed generator seeded by `seed`, so
// one seed always writes the same network.
//
// `services` adds what issue 10 models, per VPC: an internet-facing Application Load Balancer
// (instance targets and an Auto Scaling group's representative instances) and Network Load
// Balancer (ip targets), an SQS interface endpoint, and a Network Firewall that the public
// subnets' internet traffic (and the NAT gateway's) passes through both ways, with an edge route
// table on the internet gateway. Without it the network is the same as before issue 10, so the
// two builds can be compared on one input.
#pragma once

#include <string>

namespace cloudtwin::bench {

struct GeneratorOptions {
  int subnets = 100;
  int instances_per_subnet = 10;
  int rules_per_group = 10;
  bool varied = false;
  // Per VPC: an internet-facing Application and Network Load Balancer, an interface endpoint, an
  // Auto Scaling group and a Network Firewall inspecting the public subnet's internet traffic.
  bool services = false;
  unsigned seed = 1;
};

std::string generate_network(const GeneratorOptions& options);

}  // namespace cloudtwin::bench
