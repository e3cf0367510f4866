// VPC peering (aws-vpc.md §1.7): only between the two VPCs' CIDRs, never transitive. Transit
// gateways (§1.8, direct-connect.md §1.3): the attachment subnet in the sender's Availability
// Zone, the attachment's route table, and the attachment out (a VPC, a VPN, a Direct Connect
// gateway or a peered transit gateway).
#include <string>
#include <vector>

#include "cloudtwin/vpc/rules.h"
#include "walker.h"

namespace cloudtwin::vpc::detail {

void Walker::peering(Index vpc, Index p, Packet h, const model::RouteTable& rt) {
  const auto& pcx = n_.vpc_peering_connections[p];
  if (pcx.status != "active") {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
         "peering connection " + pcx.id + " is " + pcx.status, "accept the peering connection");
    return;
  }
  Index peer = pcx.requester_vpc.index == vpc ? pcx.accepter_vpc.index : pcx.requester_vpc.index;
  hop("VPCPeeringConnection", pcx.id, pcx.name, "", std::nullopt, "");
  // Peering is not transitive and has no edge-to-edge routing: it carries only packets
  // from this VPC's CIDRs to the peer VPC's CIDRs.
  tested(h, AddressField::kSrc, vpc_cidrs(vpc));
  tested(h, AddressField::kDst, vpc_cidrs(peer));
  if (!n_.vpcs[vpc].contains(h.src)) {
    drop("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "VPCPeeringConnection", pcx.id, "",
         "source " + h.src.str() + " is not in " + n_.vpcs[vpc].id + "; peering is not transitive",
         "connect the networks directly (peering or a transit gateway)");
    return;
  }
  if (!n_.vpcs[peer].contains(h.dst)) {
    drop("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "VPCPeeringConnection", pcx.id, "",
         "destination " + h.dst.str() + " is not in the peer VPC " + n_.vpcs[peer].id +
             "; peering does not forward beyond the peer VPC (no transitive or edge-to-edge "
             "routing)",
         "peer directly with the network that holds " + h.dst.str() + ", or use a transit gateway");
    return;
  }
  deliver_local(peer, h, kNone);
}

void Walker::transit_gateway_from_vpc(Index subnet, Index tgw, Packet h,
                                      const model::RouteTable& rt) {
  const auto& s = n_.subnets[subnet];
  Index vpc = s.vpc.index;
  Index att = kNone;
  for (Index a = 0; a < n_.transit_gateway_attachments.size(); ++a) {
    const auto& x = n_.transit_gateway_attachments[a];
    if (x.type == model::AttachmentType::kVpc && x.vpc.index == vpc &&
        x.transit_gateway.index == tgw)
      att = a;
  }
  if (att == kNone || n_.transit_gateway_attachments[att].state != "available") {
    drop("BAD_STATE_ATTACHMENT", "RouteTable", rt.id, "",
         "VPC " + n_.vpcs[vpc].id + " has no available attachment to transit gateway " +
             n_.transit_gateways[tgw].id,
         "attach the VPC to the transit gateway");
    return;
  }
  const auto& a = n_.transit_gateway_attachments[att];
  Index att_subnet = kNone;
  for (const auto& ref : a.subnets) {
    if (ref.resolved() && n_.subnets[ref.index].availability_zone == s.availability_zone)
      att_subnet = ref.index;
  }
  if (att_subnet == kNone) {
    drop("TGW_ROUTE_AZ_RESTRICTION", "TransitGatewayAttachment", a.id, "",
         "attachment " + a.id + " has no subnet in " + s.availability_zone +
             ", so resources there cannot reach the transit gateway",
         "add a subnet in " + s.availability_zone + " to the attachment");
    return;
  }
  // tgw-nacls.html: towards the transit gateway the attachment subnet's inbound rules apply,
  // even when the sender sits in that same subnet.
  if (!network_acl(att_subnet, h, true)) return;
  hop("TransitGatewayAttachment", a.id, a.name, "ingress", std::nullopt, "");
  transit_gateway(att, h, s.availability_zone);
}

void Walker::transit_gateway(Index att_in, Packet h, const std::string& az) {
  if (!budget()) return;
  const auto& in = n_.transit_gateway_attachments[att_in];
  const auto& tgw = n_.transit_gateways[in.transit_gateway.index];
  hop("TransitGateway", tgw.id, tgw.name, "", std::nullopt, "");
  if (in.associated_table == kNone) {
    drop("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", "TransitGatewayAttachment", in.id, "",
         "attachment " + in.id + " is not associated with a transit gateway route table",
         "associate " + in.id + " with a route table of " + tgw.id);
    return;
  }
  const auto& table = n_.transit_gateway_route_tables[in.associated_table];
  const auto* r = select_tgw_route(n_, table, h.dst);
  if (addresses_) {
    std::vector<Prefix> prefixes;
    for (const auto& x : table.effective) prefixes.push_back(x.destination);
    tested(h, AddressField::kDst, prefixes);
  }
  if (!r) {
    hop("TransitGatewayRouteTable", table.id, table.name, "", std::nullopt, "no route matches");
    drop("TGW_RTB_CANNOT_ROUTE", "TransitGatewayRouteTable", table.id, "",
         "transit gateway route table " + table.id + " has no route to " + h.dst.str(),
         "add a static route or a propagation for " + h.dst.str() + " to " + table.id);
    return;
  }
  Rule rule;
  if (full_ || r->blackhole) {
    rule.kind = "transit-gateway-route";
    rule.destination = r->destination.str();
    rule.target = r->blackhole ? "blackhole"
                  : r->attachment.resolved()
                      ? n_.transit_gateway_attachments[r->attachment.index].id
                      : r->attachment.text;
    rule.origin = r->propagated ? "propagated" : "static";
    rule.action = r->blackhole ? "blackhole" : "forward";
    rule.text = rule.destination + " -> " + rule.target + " (" + rule.origin + ")";
  }
  hop("TransitGatewayRouteTable", table.id, table.name, "", rule, "");
  if (r->blackhole) {
    drop("TGW_RTB_BAD_STATE_ROUTE", "TransitGatewayRouteTable", table.id, "",
         "route " + rule.text + " is a blackhole",
         "remove the blackhole route or route " + h.dst.str() + " to an attachment");
    return;
  }
  Index out = r->attachment.index;
  const auto& a = n_.transit_gateway_attachments[out];
  if (a.state != "available") {
    drop("BAD_STATE_ATTACHMENT", "TransitGatewayAttachment", a.id, "",
         "attachment " + a.id + " is " + a.state, "");
    return;
  }
  hop("TransitGatewayAttachment", a.id, a.name, "egress", std::nullopt, "");
  switch (a.type) {
    case model::AttachmentType::kVpc: {
      // Into a VPC the transit gateway prefers the attachment subnet in the sender's zone; with
      // appliance mode the reply keeps the zone its request took (aws-vpc.md §1.8; AWS picks
      // that zone by flow hash, the model takes the request's sender's).
      const std::string* request_zone = nullptr;
      for (const auto& [x, zone] : connection_.attachment_zones) {
        if (x == out) request_zone = &zone;
      }
      const std::string& wanted =
          reply_ && request_zone && a.appliance_mode_support ? *request_zone : az;
      Index subnet = kNone;
      for (const auto& ref : a.subnets) {
        if (!ref.resolved()) continue;
        if (subnet == kNone || n_.subnets[ref.index].availability_zone == wanted)
          subnet = ref.index;
      }
      if (subnet == kNone) return;
      const std::string& zone = n_.subnets[subnet].availability_zone;
      if (!reply_) {
        connection_.attachment_zones.emplace_back(out, zone);
      } else if (request_zone && *request_zone != zone) {
        connection_.zone_switched.push_back(out);
      }
      Index vpc = a.vpc.index;
      Index eni = eni_at(vpc, h, AddressField::kDst);
      if (eni != kNone && n_.network_interfaces[eni].subnet.index == subnet) {
        deliver_to_interface(eni, h);
        return;
      }
      if (!network_acl(subnet, h, false)) return;
      route(subnet, h);
      return;
    }
    case model::AttachmentType::kVpn:
      vpn_to_on_premises(a.vpn_connection.index, h, true);
      return;
    case model::AttachmentType::kDirectConnectGateway:
      direct_connect_to_on_premises(a.direct_connect_gateway.index, h);
      return;
    case model::AttachmentType::kPeering:
      if (a.peer_attachment.resolved()) {
        hop("TransitGatewayAttachment", n_.transit_gateway_attachments[a.peer_attachment.index].id,
            "", "ingress", std::nullopt, "transit gateway peering");
        transit_gateway(a.peer_attachment.index, h, az);
      } else {
        unknown(true, "TGW_RTB_ROUTES_ARE_UNKNOWN", "TransitGatewayAttachment", a.id, "",
                "the peer of " + a.id + " is not in the network, so where it sends " + h.str() +
                    " is unknown",
                "add the peer transit gateway's network to the inputs");
      }
      return;
    case model::AttachmentType::kConnect:
      unknown(true, "UNSUPPORTED_COMPONENT", "TransitGatewayAttachment", a.id, "",
              "Connect attachment " + a.id + " takes " + h.str() +
                  " to an appliance cloudtwin does not model",
              "the verdict depends on what the appliance does");
      return;
  }
}

bool Walker::tgw_routes(const model::TransitGatewayAttachment& att, IpAddress dst) const {
  if (att.associated_table == kNone) return false;
  return select_tgw_route(n_, n_.transit_gateway_route_tables[att.associated_table], dst) !=
         nullptr;
}

}  // namespace cloudtwin::vpc::detail
