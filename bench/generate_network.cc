// Writes a generated benchmark network to stdout:
// generate_network [--varied [--seed N]] [--services] SUBNETS [INSTANCES_PER_SUBNET
// [RULES_PER_GROUP]]
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

#include "network_generator.h"

int main(int argc, char** argv) {
  cloudtwin::bench::GeneratorOptions o;
  std::vector<const char*> numbers;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--varied") == 0) {
      o.varied = true;
    } else if (std::strcmp(argv[i], "--services") == 0) {
      o.services = true;
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      o.seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (argv[i][0] == '-') {
      ok = false;
    } else {
      numbers.push_back(argv[i]);
    }
  }
  if (numbers.size() > 0) o.subnets = std::atoi(numbers[0]);
  if (numbers.size() > 1) o.instances_per_subnet = std::atoi(numbers[1]);
  if (numbers.size() > 2) o.rules_per_group = std::atoi(numbers[2]);
  if (!ok || numbers.size() > 3 || o.subnets <= 0 || o.subnets > 25600 ||
      o.instances_per_subnet <= 0 || o.instances_per_subnet > 200 || o.rules_per_group < 2 ||
      o.rules_per_group > 1000) {
    std::cerr << "usage: generate_network [--varied [--seed N]] [--services] SUBNETS(1-25600) "
                 "[INSTANCES_PER_SUBNET(1-200) [RULES_PER_GROUP(2-1000)]]\n"
                 "  --varied: every subnet its own network ACL (20 random entries each way) and\n"
                 "            security group (60 random rules, most naming other groups)\n"
                 "  --services: per VPC an internet-facing ALB and NLB, an interface endpoint,\n"
                 "            an Auto Scaling group and a Network Firewall on the internet path\n";
    return 2;
  }
  std::cout << cloudtwin::bench::generate_network(o);
  return 0;
}
