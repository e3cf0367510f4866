// trace() and trace_packet(): the packet a query names, the walker (walker.h) run on it from
// the source and then on its reply from where it arrived (aws-vpc.md §1.13), and the verdict
// those two walks settle on.
#include "cloudtwin/vpc/trace.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "walker.h"

namespace cloudtwin::vpc {

using detail::Arrival;
using detail::Connection;
using detail::Doubts;
using detail::Walker;
using model::Index;
using model::kNone;
using model::Network;

namespace {

// Picks the address an endpoint uses, in the family of `want` when it can.
std::optional<IpAddress> address_of(const Network& n, const Endpoint& e, std::optional<Family> want,
                                    bool public_side) {
  if (e.address) return e.address;
  switch (e.kind) {
    case EndpointKind::kNetworkInterface: {
      const auto& iface = n.network_interfaces[e.index];
      if (want == Family::kV6) {
        if (iface.ipv6_addresses.empty()) return std::nullopt;
        return iface.ipv6_addresses.front();
      }
      if (iface.private_ips.empty()) return std::nullopt;
      if (public_side) {
        if (auto pub = iface.public_ip_for(iface.private_ips.front())) return pub;
      }
      return iface.private_ips.front();
    }
    case EndpointKind::kInternet:
      return want == Family::kV6 ? IpAddress::parse("2001:db8:ffff::10")
                                 : IpAddress::parse("203.0.113.10");
    case EndpointKind::kOnPremises: {
      for (const auto& c : n.on_premises_networks[e.index].cidrs) {
        if (!want || c.family() == *want) return c.address().plus(10);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

PortRange ephemeral_range(const Network& n, const Endpoint& e) {
  if (e.kind == EndpointKind::kNetworkInterface)
    return n.network_interfaces[e.index].ephemeral_ports;
  if (e.kind == EndpointKind::kOnPremises) return n.on_premises_networks[e.index].ephemeral_ports;
  return {32768, 60999};
}

// Whether a walk that ended at `a` reached `want`, whose address is `address`, the field
// `origin` of the packet as sent.
bool arrived_at(const Network& n, const Arrival& a, const Endpoint& want, IpAddress address,
                Origin origin, PathObserver* observer) {
  auto same = [&] {
    if (observer) observer->same_address(a.header.dst_origin, a.header.dst, origin, address);
    return a.header.dst == address;
  };
  switch (want.kind) {
    case EndpointKind::kNetworkInterface: {
      if (a.kind != EndpointKind::kNetworkInterface) return false;
      if (a.index == want.index) return true;
      // A load balancer is reached at any of its nodes.
      Index lb = n.network_interfaces[want.index].load_balancer;
      return lb != kNone && n.network_interfaces[a.index].load_balancer == lb;
    }
    case EndpointKind::kOnPremises:
      return a.kind == EndpointKind::kOnPremises && a.index == want.index;
    case EndpointKind::kInternet:
      // An internet address is reached wherever it answers: out on the internet, at an AWS
      // service through a gateway endpoint, or at a network interface of this network that
      // owns it as a public address (the internet gateway translated it on the way in).
      if (a.kind == EndpointKind::kNetworkInterface) {
        const auto& pub = n.network_interfaces[a.index].public_ips;
        return std::any_of(pub.begin(), pub.end(),
                           [&](const auto& p) { return p.second == address; });
      }
      return (a.kind == EndpointKind::kInternet || a.kind == EndpointKind::kService) && same();
    case EndpointKind::kService:
      // AWS services are public: reached through a gateway endpoint or over the internet.
      return (a.kind == EndpointKind::kService || a.kind == EndpointKind::kInternet) && same();
    case EndpointKind::kAddress:
      return same();
  }
  return false;
}

void start(Walker& w, const Endpoint& e, Packet h) {
  switch (e.kind) {
    case EndpointKind::kNetworkInterface:
      w.from_interface(e.index, h);
      return;
    case EndpointKind::kInternet:
      w.from_internet(h);
      return;
    case EndpointKind::kOnPremises:
      w.from_on_premises(e.index, h);
      return;
    case EndpointKind::kService:
      w.from_service(e.index, h);
      return;
    case EndpointKind::kAddress:
      return;  // not a source; trace() refuses it
  }
}

}  // namespace

Trace trace(const Network& n, const Query& q) {
  Trace t;
  auto fail = [&](std::string code, std::string message, std::string hint) {
    t.explanations.push_back(
        {std::move(code), "", "", "", "forward", std::move(message), std::move(hint)});
    return t;
  };
  if (q.source.kind == EndpointKind::kAddress || q.source.kind == EndpointKind::kService) {
    return fail("NO_SOURCE_OR_DESTINATION",
                "the source must be an instance, a network interface, the internet "
                "or an on-premises network",
                "");
  }
  if (q.source.kind == EndpointKind::kInternet && q.destination.kind == EndpointKind::kInternet) {
    return fail("NO_PATH", "both ends are on the internet", "");
  }
  // Family: the destination decides when it has an explicit address, then the source.
  std::optional<Family> family;
  if (q.destination.address)
    family = q.destination.address->family();
  else if (q.source.address)
    family = q.source.address->family();
  // From the internet, an instance is reached at its public address.
  bool dst_public = q.source.kind == EndpointKind::kInternet;
  std::optional<Endpoint> door = q.through;
  if (!door && dst_public && !q.destination.address &&
      q.destination.kind == EndpointKind::kNetworkInterface && family != Family::kV6) {
    const auto& iface = n.network_interfaces[q.destination.index];
    if (iface.public_ips.empty() && iface.load_balancer == kNone)
      door = detail::front_door(n, q.destination.index, q.destination_port);
  }
  auto dst = address_of(n, door ? *door : q.destination, family, dst_public);
  if (!dst) return fail("NO_PATH", "the destination has no address of the right family", "");
  auto src = address_of(n, q.source, dst->family(), false);
  if (!src) {
    return fail("NO_PATH",
                "the source has no " + std::string(dst->is_v4() ? "IPv4" : "IPv6") + " address",
                "");
  }
  if (src->family() != dst->family())
    return fail("NO_PATH", "source and destination are of different address families", "");
  Packet h;
  h.src = *src;
  h.dst = *dst;
  h.protocol = q.protocol;
  if (q.protocol.is_icmp()) {
    h.dst_port = q.destination_port;  // type
    h.src_port = 0;                   // code
  } else if (q.protocol.has_ports()) {
    h.dst_port = q.destination_port;
    h.src_port = q.source_port ? *q.source_port : ephemeral_range(n, q.source).from;
  }
  if (q.protocol.is_all()) return fail("NO_PATH", "give one protocol to trace, not all", "");
  t.header = h;

  return trace_packet(n, q.source, q.destination, h, nullptr);
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kBlocked:
      return "blocked";
    case Verdict::kReachable:
      return "reachable";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

namespace {

// The walks' verdict once they end, `reached` or not: a path doubt makes it inconclusive
// whatever happened after it; a filter doubt unless the walk was blocked for certain.
void settle(Trace& t, const Doubts& doubts, bool reached) {
  if (doubts.path || (reached && doubts.filter)) {
    t.verdict = Verdict::kInconclusive;
    t.reachable = false;
  } else {
    t.verdict = reached ? Verdict::kReachable : Verdict::kBlocked;
    t.reachable = reached;
    t.unknowns.clear();  // filter doubts the walk passed before a certain drop do not matter
  }
}

void walk(const Network& n, const Endpoint& source, const Endpoint& destination,
          const Header& header, PathObserver* observer, Detail detail, Trace& t, Doubts& doubts);

}  // namespace

Trace trace_packet(const Network& n, const Endpoint& source, const Endpoint& destination,
                   const Header& header, PathObserver* observer, Detail detail) {
  Trace t;
  Doubts doubts{t.unknowns};
  walk(n, source, destination, header, observer, detail, t, doubts);
  return t;
}

namespace {

void walk(const Network& n, const Endpoint& source, const Endpoint& destination,
          const Header& header, PathObserver* observer, Detail detail, Trace& t, Doubts& doubts) {
  t.header = header;
  Packet h(header);
  Connection connection;
  Walker fwd(n, false, detail, t.forward, t.explanations, t.notes, doubts, connection, observer);
  fwd.aim(destination);
  start(fwd, source, h);
  if (!t.explanations.empty() || doubts.path) {
    settle(t, doubts, false);
    return;
  }
  if (!fwd.arrival || !arrived_at(n, *fwd.arrival, destination, h.dst, Origin::kDst, observer)) {
    t.explanations.push_back({"NO_POSSIBLE_DESTINATION", "", "", "", "forward",
                              "the packet was delivered elsewhere than the destination", ""});
    settle(t, doubts, false);
    return;
  }
  // Services built into the VPC answer from the host; their replies are not filtered either.
  if (fwd.arrival->kind == EndpointKind::kAddress) {
    settle(t, doubts, true);
    return;
  }
  // The reply: the destination answers what it received, from where it received it.
  Endpoint replier;
  replier.kind = fwd.arrival->kind;
  replier.index = fwd.arrival->index;
  const Packet& request = fwd.arrival->header;
  Packet reply = request.reversed();
  if (observer) {
    // The reply's ports come from the request's differently for ICMP (type and code) than for
    // other protocols (swapped ports).
    const int icmp[] = {Protocol::kIcmp, Protocol::kIcmpV6};
    observer->protocol_in(request, icmp, request.protocol.is_icmp());
  }
  if (request.protocol.is_icmp()) {
    // The reply's type depends on whether the request is an echo request; other types are
    // answered unchanged.
    std::uint16_t echo = request.protocol.number() == Protocol::kIcmp ? 8 : 128;
    if (observer)
      observer->port_in(request, PortField::kDst, PortRange::single(echo),
                        request.dst_port == echo);
    if (request.dst_port != echo) reply.dst_port_origin = request.dst_port_origin;
  }
  Walker back(n, true, detail, t.reverse, t.explanations, t.notes, doubts, connection, observer);
  back.aim(source);
  start(back, replier, reply);
  if (!t.explanations.empty() || doubts.path) {
    settle(t, doubts, false);
    return;
  }
  const IpAddress src = h.src;
  if (!back.arrival || !arrived_at(n, *back.arrival, source, src, Origin::kSrc, observer)) {
    t.explanations.push_back(
        {"NO_ROUTE_TO_DESTINATION", "", "", "", "return",
         "the reply does not reach the source " + src.str() +
             (back.arrival ? " (it reaches " + back.arrival->header.dst.str() + ")" : ""),
         "make the return path lead back to the source"});
    settle(t, doubts, false);
    return;
  }
  // The source drops a reply that does not come from the address and port it sent to: the
  // return path went through a NAT gateway the request did not take.
  const Packet& answer = back.arrival->header;
  if (observer) {
    observer->same_address(answer.src_origin, answer.src, Origin::kDst, h.dst);
    if (h.protocol.has_ports())
      observer->same_port(answer.src_port_origin, answer.src_port, Origin::kDstPort, h.dst_port);
  }
  if (answer.src != h.dst || (h.protocol.has_ports() && answer.src_port != h.dst_port)) {
    std::string nat = back.last_nat == kNone ? "" : n.nat_gateways[back.last_nat].id;
    t.explanations.push_back({"NGW_SOURCE_ADDRESS_REASSIGN", "NatGateway", nat, "", "return",
                              "the reply reaches " + src.str() + " from " + answer.src.str() +
                                  " instead of " + h.dst.str() + ", so the source drops it",
                              "route the reply back the way the request came"});
    settle(t, doubts, false);
    return;
  }
  // aws-vpc-services.md §4, §6: both directions of a flow must pass the same Gateway Load
  // Balancer or firewall endpoint; engines that keep state drop what they see only half of.
  // Whether they do is not in the model, so a flow that passes them asymmetrically is
  // inconclusive.
  auto forward = connection.inspected, reverse = connection.reply_inspected;
  std::sort(forward.begin(), forward.end());
  std::sort(reverse.begin(), reverse.end());
  if (forward != reverse) {
    std::string ids;
    std::vector<Index> odd;
    std::set_symmetric_difference(forward.begin(), forward.end(), reverse.begin(), reverse.end(),
                                  std::back_inserter(odd));
    for (Index e : odd) ids += (ids.empty() ? "" : ", ") + n.vpc_endpoints[e].id;
    doubts.filter = true;
    doubts.list.push_back({"GWLB_ASYMMETRIC_ROUTING", "VPCEndpoint", n.vpc_endpoints[odd.front()].id,
                           "", "return",
                           "the request and its reply do not pass the same Gateway Load Balancer "
                           "or firewall endpoints (" + ids + " on one way only); stateful appliances "
                           "and firewalls drop such flows",
                           "route both directions through the endpoint in the same availability zone"});
    // §9.25: a transit gateway without appliance mode took the reply into the inspection VPC
    // in another zone than the request.
    for (Index x : connection.zone_switched) {
      const auto& a = n.transit_gateway_attachments[x];
      doubts.list.push_back({"TGW_ATTACH_VPC_AZ_RESTRICTION", "TransitGatewayAttachment", a.id, "",
                             "return",
                             "the transit gateway sends the reply into " + n.vpcs[a.vpc.index].id +
                                 " in another availability zone than the request (each enters "
                                 "in its sender's zone)",
                             ""});
      doubts.list.push_back({"TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED",
                             "TransitGatewayAttachment", a.id, "", "return",
                             "attachment " + a.id + " does not have appliance mode on",
                             "turn on appliance mode on " + a.id +
                                 " (ApplianceModeSupport: enable) so both directions of a flow "
                                 "stay in one zone"});
    }
  }
  settle(t, doubts, true);
  return;
}

}  // namespace

}  // namespace cloudtwin::vpc
