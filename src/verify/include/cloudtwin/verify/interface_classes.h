// ENIs the network cannot tell apart except by their own address, and the rectangles of pairs
// of them that one walk answers for.
//
// Swapping the addresses of two interchangeable ENIs maps every walk onto a walk of the other,
// so a query between many ENIs walks one representative pair per pair of classes and maps the
// answer back (matrix.h, incremental.h). Two ENIs share a class when they sit in the same
// subnet, carry the same security groups, have the same state, type, source/destination check
// and ephemeral ports, hold exactly one private IPv4 address and nothing else (no IPv6, no
// public IP), are nobody's route target or endpoint, and their addresses lie in the same cell of
// the partition that the network's prefixes other than rule peers induce: routes, VPC and
// subnet blocks, prefix lists, gateway and appliance addresses, every address the walker
// compares with.
//
// Security-group rules and network ACL entries are left out of that partition on purpose: with
// them, a /32 in any rule anywhere cuts a class in two, and on a network whose rules vary (a
// network ACL and a security group of their own per subnet) nearly every ENI is a class of its
// own. Instead a pair of classes is split lazily, by the rule lists its walks actually read
// (split_rectangle): two sources answer alike when every list read puts them in the same cell.
#pragma once

#include <cstdint>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::verify {

class Compiled;

// ENIs grouped into classes that behave alike up to their own address and the rules that name
// it.
struct InterfaceClasses {
  std::vector<std::vector<model::Index>> members;  // per class, ascending
  std::vector<std::uint32_t> class_of;             // per ENI
  // Classes whose members hold exactly one private IPv4 address each (the others are
  // singletons, answered by reach() directly).
  std::vector<bool> symmetric;
};
[[nodiscard]] InterfaceClasses interface_classes(const model::Network& n);

// Pairs of ENIs of two classes: every source with every destination, except an ENI with
// itself.
struct Rectangle {
  std::vector<model::Index> sources;
  std::vector<model::Index> destinations;
};

// A pair (source, destination) of different ENIs of `r`; false when `r` has none (one ENI on
// both sides).
bool representatives(const Rectangle& r, model::Index& source, model::Index& destination);

// The rule lists some walks read (PathCondition::security_groups_read, network_acls_read).
struct RulesRead {
  std::vector<model::Index> security_groups;
  std::vector<model::Index> network_acls;
  void add(const std::vector<model::Index>& groups, const std::vector<model::Index>& acls);
  void clear() {
    security_groups.clear();
    network_acls.clear();
  }
};

// Splits `r` after walks between its representatives `source` and `destination` read `read`:
// returns the pairs that answer as the representatives do (the sources that every list read
// puts in the cell of `source`'s address, and whose address bits under `src_mask` equal its
// own, with every such destination) and appends the rest of `r`, as at most two rectangles, to
// `rest`. The masks are the address bits the query's own header set depends on.
[[nodiscard]] Rectangle split_rectangle(Compiled& c, const Rectangle& r, model::Index source,
                                        model::Index destination, const RulesRead& read,
                                        U128 src_mask, U128 dst_mask, std::vector<Rectangle>& rest);

}  // namespace cloudtwin::verify
