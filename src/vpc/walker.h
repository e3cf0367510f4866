// The walker behind trace(): a small state machine that follows one packet through the
// components of the model in Reachability Analyzer's order (aws-vpc.md §1.13), recording a hop
// per component and stopping with an explanation at the first component that drops it. The
// return path runs the same walker on the reply with security groups skipped (they are
// stateful) and NAT undone from the connection state the forward path recorded.
//
// Internal to src/vpc. Each component's member functions live in the file named beside its
// group below (see README.md); the small helpers every component calls stay inline here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/network.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/observer.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::vpc::detail {

using model::Index;
using model::kNone;
using model::Network;
using model::TargetKind;

constexpr int kMaxHops = 64;

struct NatEntry {
  Index nat_gateway;
  IpAddress original_src;
  std::uint16_t original_port;
  IpAddress mapped_src;
  std::uint16_t mapped_port;
  Origin original_src_origin;
  Origin original_port_origin;
  Origin mapped_port_origin;
};

// What the walks met that cloudtwin cannot know. `path`: the packet may go somewhere the walk
// did not follow (a route to an unmodelled component, a route whose destination is unknown), so
// the verdict is inconclusive whatever happened next. `filter`: a security group or network ACL
// rule with an unknown peer may have admitted or dropped the packet; the walk went on as if
// admitted, so the verdict is inconclusive unless the walk was blocked for certain further on.
struct Doubts {
  std::vector<Explanation>& list;
  bool path = false;
  bool filter = false;
};

// A load balancer node's two sides of one flow: the packet from the client as it arrived at
// the node, and the packet the node sent to the target (load_balancer.cc).
struct LoadBalancerEntry {
  Index load_balancer;
  Index node;    // the node's network interface
  Index target;  // the target's network interface
  Packet front;
  Packet back;
  bool preserved;  // the client's address was kept (a Network Load Balancer)
  // PrivateLink: the consumer's interface endpoint the flow came through, and the packet as it
  // arrived there; the node answers the consumer through it (vpc_endpoint.cc).
  Index endpoint_eni = kNone;
  Packet consumer;
};

// What the stateful components on the forward path remember of the flow, for its reply.
struct Connection {
  std::vector<NatEntry> nat;
  std::vector<LoadBalancerEntry> load_balancers;
  Index egress_only_internet_gateway = kNone;  // the flow left through it
  // Gateway Load Balancer and firewall endpoints the request passed, and the reply (in its
  // order): both directions of a flow must pass the same ones (vpc_endpoint.cc).
  std::vector<Index> inspected;
  std::vector<Index> reply_inspected;
  // The zone in which the request entered each VPC attachment from its transit gateway; with
  // appliance mode the reply enters in the same one (transit.cc). `zone_switched`: attachments
  // without appliance mode that the reply entered in another zone.
  std::vector<std::pair<Index, std::string>> attachment_zones;
  std::vector<Index> zone_switched;
};

// Where a walk ends. kAddress is a service built into the VPC (the Amazon DNS server, ...).
struct Arrival {
  EndpointKind kind = EndpointKind::kInternet;
  Index index = kNone;
  Packet header;  // as it arrives
};

// A service AWS runs for every instance at a fixed address (aws-vpc.md §1.2, §1.11).
struct BuiltInService {
  const char* name;
  bool listens;  // whether it answers this protocol and port
};

// The availability zone of the subnet of `eni`, or "".
inline const std::string& zone_of(const Network& n, Index eni) {
  static const std::string kNoZone;
  if (eni == kNone) return kNoZone;
  const auto& s = n.network_interfaces[eni].subnet;
  return s.resolved() ? n.subnets[s.index].availability_zone : kNoZone;
}

// load_balancer.cc: the node of an internet-facing load balancer that sends to `eni` which a
// client from the internet would address (a listener on `port` preferred, a node in the
// target's zone preferred), as an endpoint; nullopt when none sends to it.
std::optional<Endpoint> front_door(const Network& n, Index eni, std::uint16_t port);

// built_in_service.cc
std::optional<BuiltInService> built_in_service(const model::Vpc& vpc, const Packet& h,
                                               PathObserver* observer);

class Walker {
 public:
  Walker(const Network& n, bool reply, Detail detail, std::vector<Hop>& hops,
         std::vector<Explanation>& why, std::vector<Explanation>& notes, Doubts& doubts,
         Connection& connection, PathObserver* observer)
      : n_(n),
        reply_(reply),
        full_(detail == Detail::kFull),
        hops_(hops),
        why_(why),
        notes_(notes),
        doubts_(doubts),
        connection_(connection),
        obs_(observer),
        addresses_(observer && observer->wants_addresses()) {}

  std::optional<Arrival> arrival;
  Index last_nat = kNone;  // the last NAT gateway the walk passed

  // Where the walk is going: a load balancer sends a packet on to the target the walk is aimed
  // at, and keeps it when the walk is aimed at the load balancer (load_balancer.cc).
  void aim(const Endpoint& goal) { goal_ = &goal; }

  // ---- starting points -------------------------------------------------------------------
  void from_interface(Index eni, Packet h);        // walker.cc
  void from_internet(Packet h);                    // gateways.cc
  void from_on_premises(Index onprem, Packet h);   // hybrid.cc
  void from_service(Index prefix_list, Packet h);  // vpc_endpoint.cc

 private:
  // ---- telling the observer what the walk tested -------------------------------------------
  void tested(const Packet& p, AddressField f, std::span<const Prefix> prefixes) {
    if (addresses_) obs_->address(p, f, prefixes);
  }
  void tested(const Packet& p, AddressField f, IpAddress a) {
    Prefix host = Prefix::host(a);
    if (addresses_) obs_->address(p, f, std::span(&host, 1));
  }
  void tested_family(const Packet& p) {
    if (obs_) obs_->family(p);
  }
  bool protocol_is(const Packet& p, std::initializer_list<int> protocols) {
    bool member =
        std::find(protocols.begin(), protocols.end(), p.protocol.number()) != protocols.end();
    if (obs_) obs_->protocol_in(p, std::span(protocols.begin(), protocols.size()), member);
    return member;
  }
  bool port_is(const Packet& p, PortField f, PortRange range) {
    bool member = range.contains(f == PortField::kSrc ? p.src_port : p.dst_port);
    if (obs_) obs_->port_in(p, f, range, member);
    return member;
  }

  static IpAddress field(const Packet& p, AddressField f) {
    return f == AddressField::kSrc ? p.src : p.dst;
  }

  // The ENI of `vpc` holding the private address in field `f`.
  Index eni_at(Index vpc, const Packet& p, AddressField f) {
    Index e = n_.eni_with_private_ip(vpc, field(p, f));
    if (addresses_) {
      if (e != kNone)
        tested(p, f, field(p, f));
      else
        obs_->address_in(p, f, AddressSet::kPrivateAddresses, vpc, false);
    }
    return e;
  }

  // walker.cc
  Index nat_at(Index vpc, const Packet& p, AddressField f);
  std::vector<Prefix> vpc_cidrs(Index vpc) const;
  std::vector<Prefix> network_prefixes() const;
  void tested_route_table(const Packet& p, const model::RouteTable& rt);

  // ---- bookkeeping -----------------------------------------------------------------------
  // A hop of the path; with Detail::kVerdict nothing is kept (the reference is to scratch).
  Hop& hop(std::string_view type, std::string_view id, std::string_view name,
           std::string_view direction, std::nullopt_t, std::string_view note) {
    if (!full_) return scratch_;
    Hop& h = hops_.emplace_back();
    h.component_type = type;
    h.component_id = id;
    h.component_name = name;
    h.direction = direction;
    h.note = note;
    return h;
  }
  Hop& hop(std::string_view type, std::string_view id, std::string_view name,
           std::string_view direction, const Rule& rule, std::string_view note) {
    Hop& h = hop(type, id, name, direction, std::nullopt, note);
    if (full_) h.rule = rule;
    return h;
  }
  // The header before and after the component of the last hop, which changed it.
  void translated(const Packet& in, const Packet& out) {
    if (!full_) return;
    hops_.back().inbound_header = in;
    hops_.back().outbound_header = out;
  }

  bool budget() {
    if (++steps_ <= kMaxHops) return true;
    drop("NO_PATH", "RouteTable", "", "",
         "the packet loops between components (over " + std::to_string(kMaxHops) + " hops)",
         "look for routes that point back at each other");
    return false;
  }

  bool instance_running(const model::NetworkInterface& iface) const {
    return !iface.instance.resolved() || n_.instances[iface.instance.index].state == "running";
  }

  // walker.cc
  void drop(std::string code, std::string type, std::string id, std::string direction,
            std::string message, std::string hint);
  void unknown(bool path, std::string code, std::string type, std::string id, std::string direction,
               std::string message, std::string hint = {});
  void note(std::string code, std::string type, std::string id, std::string message);
  void add_instance_hops(const model::NetworkInterface& iface, std::string_view direction);

  // ---- security groups and network ACLs (walker.cc) ---------------------------------------
  bool security_group(Index eni, const Packet& h, bool ingress, Index relayed_by = kNone);
  bool network_acl(Index subnet, const Packet& h, bool ingress);
  // The Network Load Balancer node whose packet, with the client's address kept, arrives at
  // `eni` (the last the walk passed, when it sent to `eni`), or kNone.
  Index relay_of(Index eni) const {
    if (connection_.load_balancers.empty()) return kNone;
    const auto& e = connection_.load_balancers.back();
    return e.preserved && e.target == eni ? e.node : kNone;
  }

  // ---- leaving an ENI, the route table, local delivery (walker.cc) -------------------------
  void leave_interface(Index eni, Packet h);
  void route(Index subnet, Packet h);
  bool unknown_routes(const model::RouteTable& rt, const model::Route* selected);
  std::string target_id(const model::Route& r) const;
  void deliver_local(Index vpc, Packet h, Index from_subnet);
  void deliver_to_interface(Index eni, Packet h);

  // ---- internet gateway, egress-only internet gateway (gateways.cc) -------------------------
  void internet_gateway_egress(Index vpc, Index igw_index, Packet h, const model::RouteTable& rt);
  std::optional<IpAddress> public_address_of(Index vpc, const Packet& p);
  void to_internet(Packet h);
  void internet_ingress(Packet h);
  void gateway_ingress(Index vpc, Packet h, model::Kind gateway_kind, Index gateway);
  void egress_only_egress(Index vpc, Index g, Packet h, const model::RouteTable& rt);

  // ---- NAT gateway (nat.cc) ----------------------------------------------------------------
  void nat_gateway(Index from_subnet, Index g, Packet h, const model::RouteTable& rt);
  void nat_gateway_inbound(Index g, Packet h, Index from_subnet);

  // ---- peering, transit gateway (transit.cc) -----------------------------------------------
  void peering(Index vpc, Index p, Packet h, const model::RouteTable& rt);
  void transit_gateway_from_vpc(Index subnet, Index tgw, Packet h, const model::RouteTable& rt);
  void transit_gateway(Index att_in, Packet h, const std::string& az);
  bool tgw_routes(const model::TransitGatewayAttachment& att, IpAddress dst) const;

  // ---- VPN gateway, VPN, Direct Connect, on-premises networks (hybrid.cc) -------------------
  void vpn_gateway_egress(Index vpc, Index g, Packet h, const model::RouteTable& rt);
  void vpn_gateway_learned_egress(Index g, Packet h);
  void beyond_customer_router(const char* type, const std::string& id, const std::string& what,
                              const Packet& h);
  Index on_premises_behind_vpn(Index vpn, IpAddress a) const;
  Index on_premises_behind_dx(Index dx, IpAddress a) const;
  void vpn_to_on_premises(Index c, Packet h, bool via_transit_gateway);
  void direct_connect_to_on_premises(Index d, Packet h);
  void arrive_on_premises(Index o, Packet h);
  void on_premises_egress(Index o, Packet h);
  void vpn_gateway_ingress(Index g, Packet h);

  // ---- VPC endpoints (vpc_endpoint.cc) ----------------------------------------------------
  void gateway_endpoint(Index e, Packet h, const model::RouteTable& rt);
  void vpc_endpoint_route(Index from_subnet, Index e, Packet h, const model::RouteTable& rt);
  void interface_endpoint(Index eni, Packet h);
  void private_link(Index eni, const model::VpcEndpoint& ep, Packet h);
  void inspection_endpoint(Index from_subnet, Index e, Packet h, const model::RouteTable& rt);
  bool gateway_load_balancer(const model::VpcEndpoint& ep, Index eni, const Packet& h);

  // ---- AWS Network Firewall (firewall.cc) --------------------------------------------------
  bool network_firewall(const model::VpcEndpoint& ep, const Packet& h);
  bool stateless_rule_matches(const model::StatelessRule& r, const Packet& h, bool& maybe);
  bool stateful_rule_matches(const model::StatefulRule& r, const Packet& h, bool& maybe);
  bool address_matches(const Packet& h, AddressField f, const model::AddressMatch& m);
  bool port_matches(const Packet& h, PortField f, const model::PortMatch& m);

  // ---- load balancers (load_balancer.cc) ---------------------------------------------------
  void load_balancer_node(Index node, Packet h);
  void listener_notes(const model::Listener& l);
  const model::Listener* listener_for(const model::LoadBalancer& lb, const Packet& h);
  std::vector<Index> forwarded_groups(const model::Listener& l, const Packet& h,
                                      bool& answered_at_lb);
  void load_balancer_to_target(Index node, const model::Listener& l, const model::TargetGroup* tg,
                               const model::Target* t, Index target_eni, Packet h);
  void load_balancer_reply(Index node, Packet h);
  bool loopback(Index node, const model::Listener& l, const Packet& h);
  bool preserved_reply(Index eni, const Packet& h);
  bool to_own_target(Index load_balancer, const Packet& h);  // walker.cc

  // ---- appliances: route target ENI or instance (appliance.cc) -----------------------------
  void appliance(Index from_subnet, Index eni, Packet h, const model::RouteTable& rt);

  const Network& n_;
  bool reply_;
  bool full_;  // Detail::kFull: hops are kept
  Hop scratch_;
  std::vector<Hop>& hops_;
  std::vector<Explanation>& why_;
  std::vector<Explanation>& notes_;
  Doubts& doubts_;
  Connection& connection_;
  PathObserver* obs_;
  bool addresses_;  // obs_ wants address tests
  int steps_ = 0;
  const Endpoint* goal_ = nullptr;
  // Set while a packet crosses PrivateLink into a Network Load Balancer node: the consumer's
  // endpoint interface and the packet as it arrived there.
  Index via_endpoint_ = kNone;
  Packet via_packet_;
};

}  // namespace cloudtwin::vpc::detail
