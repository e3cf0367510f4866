// The services built into every VPC (aws-vpc.md §1.2, §1.11): the Amazon DNS server, instance
// metadata and the Time Sync Service, which an instance reaches without routes, network ACLs or
// security groups.
#include <vector>

#include "walker.h"

namespace cloudtwin::vpc::detail {

// The services an instance in `vpc` reaches at `h.dst` without routes, network ACLs or security
// groups: the Amazon DNS server at the primary CIDR's base + 2 and at 169.254.169.253 (while
// enableDnsSupport is on), instance metadata and the Time Sync Service. Link-local addresses
// never leave the host, so nothing else answers there.
std::optional<BuiltInService> built_in_service(const model::Vpc& vpc, const Packet& h,
                                               PathObserver* observer) {
  static const Prefix kLinkLocal = *Prefix::parse("169.254.0.0/16");
  static const Prefix kLinkLocalV6 = *Prefix::parse("fd00:ec2::/32");
  static const IpAddress kDns[] = {*IpAddress::parse("169.254.169.253"),
                                   *IpAddress::parse("fd00:ec2::253")};
  static const IpAddress kMetadata[] = {*IpAddress::parse("169.254.169.254"),
                                        *IpAddress::parse("fd00:ec2::254")};
  static const IpAddress kTime[] = {*IpAddress::parse("169.254.169.123"),
                                    *IpAddress::parse("fd00:ec2::123")};
  if (observer && observer->wants_addresses()) {
    // Every address the tests below compare the destination with.
    std::vector<Prefix> tested{kLinkLocal, kLinkLocalV6};
    for (const auto* pair : {&kDns, &kMetadata, &kTime}) {
      for (const auto& a : *pair) tested.push_back(Prefix::host(a));
    }
    if (auto r = vpc.resolver()) tested.push_back(Prefix::host(*r));
    observer->address(h, AddressField::kDst, tested);
  }
  auto service = [&](const char* name, int protocol_a, int protocol_b, std::uint16_t port) {
    int p = h.protocol.number();
    bool protocol_ok = p == protocol_a || p == protocol_b;
    if (observer) {
      const int protocols[] = {protocol_a, protocol_b};
      observer->protocol_in(h, protocols, protocol_ok);
      if (protocol_ok)
        observer->port_in(h, PortField::kDst, PortRange::single(port), h.dst_port == port);
    }
    return BuiltInService{name, protocol_ok && h.dst_port == port};
  };
  auto at = [&](const IpAddress(&pair)[2]) { return h.dst == pair[0] || h.dst == pair[1]; };
  if (vpc.enable_dns_support && (h.dst == vpc.resolver() || at(kDns))) {
    return service("AmazonProvidedDNS", Protocol::kTcp, Protocol::kUdp, 53);
  }
  if (!kLinkLocal.contains(h.dst) && !kLinkLocalV6.contains(h.dst)) return std::nullopt;
  if (at(kMetadata)) {
    return service("InstanceMetadataService", Protocol::kTcp, Protocol::kTcp, 80);
  }
  if (at(kTime)) {
    return service("TimeSyncService", Protocol::kUdp, Protocol::kUdp, 123);
  }
  return BuiltInService{"LinkLocalAddress", false};
}

}  // namespace cloudtwin::vpc::detail
