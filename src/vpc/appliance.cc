// Appliances: a network interface or instance that a subnet or gateway route table targets
// (aws-vpc.md §1.1, the middlebox routes). It is filtered like any network interface on the way
// in and out, and forwards only traffic that is not its own when source/destination check is off.
#include <vector>

#include "walker.h"

namespace cloudtwin::vpc::detail {

void Walker::appliance(Index from_subnet, Index eni, Packet h, const model::RouteTable& rt) {
  const auto& iface = n_.network_interfaces[eni];
  if (!instance_running(iface)) {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "", "appliance " + iface.id + " is not running",
         "");
    return;
  }
  Index subnet = iface.subnet.index;
  if (from_subnet != subnet && !network_acl(subnet, h, true)) return;
  if (!reply_ && !security_group(eni, h, true)) return;
  hop("NetworkInterface", iface.id, iface.name, "ingress", std::nullopt, "appliance");
  if (iface.source_dest_check && addresses_) {
    std::vector<Prefix> own;
    for (const auto& a : iface.private_ips) own.push_back(Prefix::host(a));
    for (const auto& a : iface.ipv6_addresses) own.push_back(Prefix::host(a));
    tested(h, AddressField::kDst, own);
  }
  if (iface.source_dest_check && !iface.has_address(h.dst)) {
    drop("ENI_SOURCE_DEST_CHECK_RESTRICTION", "NetworkInterface", iface.id, "",
         "source/destination check is on for " + iface.id + ", so it drops traffic for " +
             h.dst.str(),
         "turn off source/destination check on " + iface.id + " (it is an appliance)");
    return;
  }
  if (!reply_ && !security_group(eni, h, false)) return;
  leave_interface(eni, h);
}

}  // namespace cloudtwin::vpc::detail
