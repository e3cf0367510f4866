// Internet gateways (aws-vpc.md §1.4): 1:1 NAT between private and public IPv4 addresses on
// the way out and in, the RFC 1918 and RFC 6598 restrictions, the hairpin back into the network,
// and gateway route tables (edge associations, §1.1) behind an internet or virtual private
// gateway. Egress-only internet gateways (§1.6): IPv6 out, and in only the replies.
#include <algorithm>
#include <optional>
#include <span>
#include <vector>

#include "cloudtwin/vpc/rules.h"
#include "walker.h"

namespace cloudtwin::vpc::detail {

namespace {

// RFC 1918 and RFC 6598: internet gateways treat them apart.
std::span<const Prefix> special_ranges() {
  static const Prefix kRanges[] = {*Prefix::parse("10.0.0.0/8"), *Prefix::parse("172.16.0.0/12"),
                                   *Prefix::parse("192.168.0.0/16"),
                                   *Prefix::parse("100.64.0.0/10")};
  return kRanges;
}

}  // namespace

void Walker::from_internet(Packet h) {
  hop("Internet", "internet", "", "", std::nullopt, "sends " + h.str());
  internet_ingress(h);
}

void Walker::internet_gateway_egress(Index vpc, Index igw_index, Packet h,
                                     const model::RouteTable& rt) {
  const auto& igw = n_.internet_gateways[igw_index];
  if (igw.vpc.index != vpc) {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
         "internet gateway " + igw.id + " is not attached to " + n_.vpcs[vpc].id +
             ", so the route is a blackhole",
         "attach " + igw.id + " to " + n_.vpcs[vpc].id);
    return;
  }
  hop("InternetGateway", igw.id, igw.name, "egress", std::nullopt,
      h.dst.is_v4() ? "1:1 NAT of the source to its public IP" : "");
  Packet out = h;
  tested_family(h);
  if (h.dst.is_v4()) {
    tested(h, AddressField::kDst, special_ranges());
    if (is_rfc1918(h.dst)) {
      drop("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", "InternetGateway", igw.id, "egress",
           "internet gateways drop traffic to private (RFC 1918) address " + h.dst.str(),
           "route " + h.dst.str() + " through a VPN, peering or transit gateway instead");
      return;
    }
    if (is_rfc6598(h.dst)) {
      drop("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS", "InternetGateway", igw.id, "egress",
           "internet gateways drop traffic to shared address space (RFC 6598) " + h.dst.str(), "");
      return;
    }
    auto pub = public_address_of(vpc, h);
    if (!pub) {
      drop("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", "InternetGateway", igw.id, "egress",
           "source " + h.src.str() +
               " has no public IPv4 address, so the internet gateway cannot translate it",
           "give the instance a public IP or an Elastic IP, or route through a NAT gateway");
      return;
    }
    out.src = *pub;
    out.src_origin = Origin::kConstant;
    translated(h, out);
  }
  to_internet(out);
}

// The public IPv4 that an internet gateway of `vpc` gives the packet's source address.
std::optional<IpAddress> Walker::public_address_of(Index vpc, const Packet& p) {
  Index eni = eni_at(vpc, p, AddressField::kSrc);
  if (eni != kNone) {
    const auto& iface = n_.network_interfaces[eni];
    if (!instance_running(iface)) return std::nullopt;
    return iface.public_ip_for(p.src);
  }
  if (Index g = nat_at(vpc, p, AddressField::kSrc); g != kNone) return n_.nat_gateways[g].public_ip;
  return std::nullopt;
}

void Walker::to_internet(Packet h) {
  // A public address of this very network: the packet comes back in (IGW hairpin).
  bool ours = n_.eni_by_public_ip.contains(h.dst) || n_.nat_gateway_by_public_ip.contains(h.dst) ||
              (h.dst.is_v6() && !n_.vpcs_containing(h.dst).empty());
  if (addresses_)
    obs_->address_in(h, AddressField::kDst, AddressSet::kOwnPublicAddresses, kNone, ours);
  if (ours) {
    note("IGW_NAT_REFLECTION", "InternetGateway", "",
         "the destination is a public address of this network: traced as two legs through the "
         "internet");
    hop("Internet", "internet", "", "", std::nullopt, "");
    internet_ingress(h);
    return;
  }
  hop("Internet", "internet", "", "", std::nullopt, h.dst.str());
  arrival = Arrival{EndpointKind::kInternet, kNone, h};
}

void Walker::internet_ingress(Packet h) {
  if (!budget()) return;
  tested_family(h);
  if (h.dst.is_v4()) {
    tested(h, AddressField::kSrc, special_ranges());
    if (is_rfc1918(h.src) || is_rfc6598(h.src)) {
      drop(is_rfc1918(h.src) ? "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"
                             : "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS",
           "InternetGateway", "", "ingress",
           "internet gateways drop traffic from private address " + h.src.str(), "");
      return;
    }
    Index vpc = kNone;
    IpAddress private_dst;
    if (obs_) {
      if (n_.eni_by_public_ip.contains(h.dst) || n_.nat_gateway_by_public_ip.contains(h.dst)) {
        tested(h, AddressField::kDst, h.dst);
      } else {
        obs_->address_in(h, AddressField::kDst, AddressSet::kOwnPublicAddresses, kNone, false);
        tested(h, AddressField::kDst, network_prefixes());
      }
    }
    if (auto it = n_.eni_by_public_ip.find(h.dst); it != n_.eni_by_public_ip.end()) {
      const auto& iface = n_.network_interfaces[it->second];
      vpc = iface.vpc;
      for (const auto& [priv, pub] : iface.public_ips) {
        if (pub == h.dst) private_dst = priv;
      }
      if (iface.status == "available") {
        const auto& igw = n_.internet_gateways[n_.vpcs[vpc].internet_gateway];
        drop("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "InternetGateway",
             n_.vpcs[vpc].internet_gateway == kNone ? "" : igw.id, "ingress",
             h.dst.str() + " belongs to network interface " + iface.id +
                 ", which is not attached to anything",
             "attach " + iface.id + " to an instance");
        return;
      }
    } else if (auto nt = n_.nat_gateway_by_public_ip.find(h.dst);
               nt != n_.nat_gateway_by_public_ip.end() && n_.nat_gateways[nt->second].private_ip) {
      vpc = n_.nat_gateways[nt->second].vpc;
      private_dst = *n_.nat_gateways[nt->second].private_ip;
    } else {
      auto vpcs = n_.vpcs_containing(h.dst);
      if (!vpcs.empty() && n_.vpcs[vpcs.front()].internet_gateway != kNone) {
        const auto& igw = n_.internet_gateways[n_.vpcs[vpcs.front()].internet_gateway];
        drop("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "InternetGateway", igw.id, "ingress",
             h.dst.str() +
                 " is a private address; the internet reaches instances only at their public IPs",
             "give the instance a public IP or an Elastic IP and use that address");
      } else {
        drop("NO_POSSIBLE_DESTINATION", "Internet", "internet", "",
             "no resource in the network owns public address " + h.dst.str(), "");
      }
      return;
    }
    Index igw = n_.vpcs[vpc].internet_gateway;
    if (igw == kNone) {
      drop("NO_PATH", "VPC", n_.vpcs[vpc].id, "ingress",
           "VPC " + n_.vpcs[vpc].id + " has no internet gateway attached, so " + h.dst.str() +
               " is unreachable from the internet",
           "attach an internet gateway to " + n_.vpcs[vpc].id);
      return;
    }
    Packet in = h;
    in.dst = private_dst;
    in.dst_origin = Origin::kConstant;
    Hop& x = hop("InternetGateway", n_.internet_gateways[igw].id, n_.internet_gateways[igw].name,
                 "ingress", std::nullopt, "1:1 NAT of the destination to its private IP");
    x.inbound_header = h;
    x.outbound_header = in;
    gateway_ingress(vpc, in, model::Kind::kInternetGateway, igw);
    return;
  }
  // IPv6: no translation; the VPC must have an internet gateway, or an egress-only one for
  // replies.
  auto vpcs = n_.vpcs_containing(h.dst);
  tested(h, AddressField::kDst, network_prefixes());
  if (vpcs.empty()) {
    drop("NO_POSSIBLE_DESTINATION", "Internet", "internet", "",
         "no resource in the network owns " + h.dst.str(), "");
    return;
  }
  Index vpc = vpcs.front();
  const auto& v = n_.vpcs[vpc];
  // An egress-only internet gateway is stateful: it lets in the replies of the flows that left
  // through it, and nothing else (aws-vpc.md §1.6).
  Index eigw = connection_.egress_only_internet_gateway;
  if (reply_ && eigw != kNone && n_.egress_only_internet_gateways[eigw].vpc.index == vpc) {
    const auto& g = n_.egress_only_internet_gateways[eigw];
    hop("EgressOnlyInternetGateway", g.id, g.name, "ingress", std::nullopt,
        "reply to a flow that left through it");
    deliver_local(vpc, h, kNone);
    return;
  }
  if (v.internet_gateway != kNone) {
    const auto& igw = n_.internet_gateways[v.internet_gateway];
    hop("InternetGateway", igw.id, igw.name, "ingress", std::nullopt, "");
    gateway_ingress(vpc, h, model::Kind::kInternetGateway, v.internet_gateway);
    return;
  }
  if (v.egress_only_internet_gateway != kNone) {
    const auto& g = n_.egress_only_internet_gateways[v.egress_only_internet_gateway];
    // RA does not analyse IPv6; docs/semantics.md names this cloudtwin code.
    drop("EIGW_INBOUND_INITIATED", "EgressOnlyInternetGateway", g.id, "ingress",
         "egress-only internet gateway " + g.id +
             " admits only replies to connections initiated from " + v.id,
         "attach an internet gateway if " + h.dst.str() + " must accept inbound connections");
    return;
  }
  drop("NO_PATH", "VPC", v.id, "ingress", "VPC " + v.id + " has no internet gateway", "");
}

// After an IGW or VGW: its gateway route table (edge association) if any, else the VPC.
void Walker::gateway_ingress(Index vpc, Packet h, model::Kind gateway_kind, Index gateway) {
  for (const auto& rt : n_.route_tables) {
    if (rt.vpc.index != vpc) continue;
    bool edge = std::any_of(rt.gateways.begin(), rt.gateways.end(), [&](const model::Ref& g) {
      return g.resolved() && g.index == gateway && n_.find(g.text, gateway_kind) == gateway;
    });
    if (!edge) continue;
    const auto* r = select_route(rt, h.dst);
    tested_route_table(h, rt);
    if (!unknown_routes(rt, r)) return;
    if (!r) {
      hop("RouteTable", rt.id, rt.name, "ingress", std::nullopt, "gateway route table");
      drop("NO_ROUTE_TO_DESTINATION", "RouteTable", rt.id, "ingress",
           "gateway route table " + rt.id + " has no route to " + h.dst.str(), "");
      return;
    }
    Rule rule;
    rule.kind = "route";
    rule.destination = r->destination ? r->destination->str() : "";
    rule.target = r->target_kind == TargetKind::kLocal ? "local" : target_id(*r);
    rule.action = "forward";
    rule.implicit = r->implicit;
    rule.text = rule.destination + " -> " + rule.target;
    hop("RouteTable", rt.id, rt.name, "ingress", rule, "gateway route table");
    if (r->target_kind == TargetKind::kUnsupported) {
      unknown(true, "UNSUPPORTED_COMPONENT", "RouteTable", rt.id, "ingress",
              "gateway route " + rule.text + " of " + rt.id + " sends " + h.str() +
                  " to a component cloudtwin does not model",
              "the verdict depends on what that component does");
      return;
    }
    if (r->target_kind == TargetKind::kNetworkInterface) {
      // aws-vpc.md §1.1: behind an internet gateway, the appliance a gateway route table
      // sends traffic to needs a public IP address.
      const auto& target = n_.network_interfaces[r->target.index];
      if (gateway_kind == model::Kind::kInternetGateway && h.dst.is_v4() &&
          target.public_ips.empty()) {
        drop("INGRESS_RTB_NO_PUBLIC_IP", "RouteTable", rt.id, "ingress",
             "gateway route table " + rt.id + " sends " + h.str() + " to " + target.id +
                 ", which has no public IPv4 address",
             "give " + target.id + " a public IP or an Elastic IP");
        return;
      }
      appliance(kNone, r->target.index, h, rt);
      return;
    }
    if (r->target_kind == TargetKind::kVpcEndpoint) {
      vpc_endpoint_route(kNone, r->target.index, h, rt);
      return;
    }
    break;
  }
  deliver_local(vpc, h, kNone);
}

void Walker::egress_only_egress(Index vpc, Index g, Packet h, const model::RouteTable& rt) {
  const auto& eigw = n_.egress_only_internet_gateways[g];
  if (eigw.vpc.index != vpc) {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
         "egress-only internet gateway " + eigw.id + " is not attached to " + n_.vpcs[vpc].id,
         "attach it to the VPC");
    return;
  }
  hop("EgressOnlyInternetGateway", eigw.id, eigw.name, "egress", std::nullopt, "");
  if (!reply_) connection_.egress_only_internet_gateway = g;
  to_internet(h);
}

}  // namespace cloudtwin::vpc::detail
