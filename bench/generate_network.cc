// Writes a generated benchmark network to stdout:
// generate_network SUBNETS [INSTANCES_PER_SUBNET [RULES_PER_GROUP]]
#include <cstdlib>
#include <iostream>

#include "network_generator.h"

int main(int argc, char** argv) {
  cloudtwin::bench::GeneratorOptions o;
  if (argc > 1) o.subnets = std::atoi(argv[1]);
  if (argc > 2) o.instances_per_subnet = std::atoi(argv[2]);
  if (argc > 3) o.rules_per_group = std::atoi(argv[3]);
  if (o.subnets <= 0 || o.subnets > 25600 || o.instances_per_subnet <= 0 || o.instances_per_subnet > 200 ||
      o.rules_per_group < 2 || o.rules_per_group > 1000) {
    std::cerr << "usage: generate_network SUBNETS(1-25600) [INSTANCES_PER_SUBNET(1-200) "
                 "[RULES_PER_GROUP(2-1000)]]\n";
    return 2;
  }
  std::cout << cloudtwin::bench::generate_network(o);
  return 0;
}
