// The walker behind trace(): a small state machine that follows one packet through the
// components of the model in Reachability Analyzer's order (aws-vpc.md §1.13), recording a hop
// per component and stopping with an explanation at the first component that drops it. The
// return path runs the same walker on the reply with security groups skipped (they are
// stateful) and NAT undone from the connection state the forward path recorded.
#include "cloudtwin/vpc/trace.h"

#include <algorithm>

#include "cloudtwin/vpc/observer.h"
#include "cloudtwin/vpc/rules.h"

namespace cloudtwin::vpc {

using model::Index;
using model::kNone;
using model::Network;
using model::TargetKind;

namespace {

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

// What the stateful components on the forward path remember of the flow, for its reply.
struct Connection {
  std::vector<NatEntry> nat;
  Index egress_only_internet_gateway = kNone;  // the flow left through it
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

  // ---- starting points -------------------------------------------------------------------
  void from_interface(Index eni, Packet h) {
    const auto& iface = n_.network_interfaces[eni];
    if (!instance_running(iface)) {
      const auto& inst = n_.instances[iface.instance.index];
      drop("BAD_STATE", "Instance", inst.id, "egress", "instance " + inst.id + " is " + inst.state,
           "start the instance");
      return;
    }
    add_instance_hops(iface, "egress");
    if (auto service = built_in_service(n_.vpcs[iface.vpc], h, reply_ ? nullptr : obs_);
        service && !reply_) {
      if (!service->listens) {
        drop("NO_POSSIBLE_DESTINATION", service->name, h.dst.str(), "",
             "nothing answers " + h.str() + " at " + h.dst.str() + " (" + service->name + ")",
             "the Amazon DNS server answers tcp and udp 53, instance metadata tcp 80 and the "
             "Time Sync Service udp 123");
        return;
      }
      // Never filtered by security groups or network ACLs, and not routed.
      hop(service->name, h.dst.str(), "", "", std::nullopt, "built into the VPC");
      arrival = Arrival{EndpointKind::kAddress, kNone, h};
      return;
    }
    if (!reply_ && !security_group(eni, h, false)) return;
    leave_interface(eni, h);
  }

  void from_internet(Packet h) {
    hop("Internet", "internet", "", "", std::nullopt, "sends " + h.str());
    internet_ingress(h);
  }

  void from_on_premises(Index onprem, Packet h) {
    const auto& net = n_.on_premises_networks[onprem];
    hop("OnPremisesNetwork", net.id, net.name, "", std::nullopt, "sends " + h.str());
    on_premises_egress(onprem, h);
  }

  void from_service(Index prefix_list, Packet h) {
    // The reply of an AWS service enters through the gateway endpoint of the requester's VPC.
    const auto& pl = n_.prefix_lists[prefix_list];
    hop("AWSService", pl.prefix_list_name.empty() ? pl.id : pl.prefix_list_name, pl.name, "",
        std::nullopt, "");
    for (const auto& ep : n_.vpc_endpoints) {
      if (ep.service_prefix_list != prefix_list || !ep.vpc.resolved()) continue;
      tested(h, AddressField::kDst, vpc_cidrs(ep.vpc.index));
      if (!n_.vpcs[ep.vpc.index].contains(h.dst)) continue;
      hop("VPCEndpoint", ep.id, ep.name, "ingress", std::nullopt, "");
      deliver_local(ep.vpc.index, h, kNone);
      return;
    }
    drop("NO_ROUTE_TO_DESTINATION", "AWSService", pl.id, "",
         "no gateway endpoint leads back to " + h.dst.str(), "");
  }

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

  // The NAT gateway of `vpc` whose private address is in field `f`.
  Index nat_at(Index vpc, const Packet& p, AddressField f) {
    Index found = kNone;
    std::vector<Prefix> addresses;
    for (Index g = 0; g < n_.nat_gateways.size(); ++g) {
      const auto& nat = n_.nat_gateways[g];
      if (nat.vpc != vpc || !nat.private_ip) continue;
      if (addresses_) addresses.push_back(Prefix::host(*nat.private_ip));
      if (found == kNone && *nat.private_ip == field(p, f)) found = g;
    }
    tested(p, f, addresses);
    return found;
  }

  std::vector<Prefix> vpc_cidrs(Index vpc) const {
    std::vector<Prefix> out;
    if (!addresses_) return out;
    const auto& v = n_.vpcs[vpc];
    out.insert(out.end(), v.cidr_blocks.begin(), v.cidr_blocks.end());
    out.insert(out.end(), v.ipv6_cidr_blocks.begin(), v.ipv6_cidr_blocks.end());
    return out;
  }

  // Every prefix that the global address tests (on-premises networks, VPN routes, VPC CIDRs,
  // transit gateway routes) compare with.
  std::vector<Prefix> network_prefixes() const {
    std::vector<Prefix> out;
    if (!addresses_) return out;
    for (Index v = 0; v < n_.vpcs.size(); ++v) {
      auto c = vpc_cidrs(v);
      out.insert(out.end(), c.begin(), c.end());
    }
    for (const auto& o : n_.on_premises_networks)
      out.insert(out.end(), o.cidrs.begin(), o.cidrs.end());
    for (const auto& c : n_.vpn_connections) {
      out.insert(out.end(), c.static_routes.begin(), c.static_routes.end());
    }
    for (const auto& t : n_.transit_gateway_route_tables) {
      for (const auto& r : t.effective) out.push_back(r.destination);
    }
    return out;
  }

  void tested_route_table(const Packet& p, const model::RouteTable& rt) {
    if (!addresses_) return;
    std::vector<Prefix> prefixes;
    prefixes.reserve(rt.effective.size());
    for (const auto& r : rt.effective) {
      if (r.destination) prefixes.push_back(*r.destination);
    }
    tested(p, AddressField::kDst, prefixes);
  }

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

  void drop(std::string code, std::string type, std::string id, std::string direction,
            std::string message, std::string hint) {
    why_.push_back({std::move(code), std::move(type), std::move(id), std::move(direction),
                    reply_ ? "return" : "forward", std::move(message), std::move(hint)});
  }

  // Something the verdict depends on that cloudtwin cannot know (see Doubts). A path doubt
  // ends the walk (the caller returns); a filter doubt does not.
  void unknown(bool path, std::string code, std::string type, std::string id,
               std::string direction, std::string message, std::string hint = {}) {
    (path ? doubts_.path : doubts_.filter) = true;
    doubts_.list.push_back({std::move(code), std::move(type), std::move(id), std::move(direction),
                            reply_ ? "return" : "forward", std::move(message), std::move(hint)});
  }

  void note(std::string code, std::string type, std::string id, std::string message) {
    notes_.push_back({std::move(code), std::move(type), std::move(id), "",
                      reply_ ? "return" : "forward", std::move(message), ""});
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

  void add_instance_hops(const model::NetworkInterface& iface, std::string_view direction) {
    if (!full_) return;
    if (direction == "egress" && iface.instance.resolved()) {
      const auto& inst = n_.instances[iface.instance.index];
      hop("Instance", inst.id, inst.name, "", std::nullopt, "");
    }
    hop("NetworkInterface", iface.id, iface.name, direction, std::nullopt, "");
    if (direction == "ingress" && iface.instance.resolved()) {
      const auto& inst = n_.instances[iface.instance.index];
      hop("Instance", inst.id, inst.name, "", std::nullopt, "");
    }
  }

  // ---- security groups and network ACLs ---------------------------------------------------
  static std::string rule_text(const model::SecurityGroupRule& rule, bool ingress) {
    std::string peer = rule.cidr                     ? rule.cidr->str()
                       : rule.prefix_list.resolved() ? rule.prefix_list.text
                       : !rule.security_group.empty() ? "sg " + rule.security_group.text
                                                      : "";
    if (!rule.unknown.empty()) {
      peer += (peer.empty() ? "" : " ") + std::string("[unknown: ") + rule.unknown + "]";
    }
    std::string ports = rule.protocol.has_ports() ? " " + rule.ports.str() : "";
    return "allow " + rule.protocol.str() + ports + (ingress ? " from " : " to ") + peer;
  }

  bool security_group(Index eni, const Packet& h, bool ingress) {
    const auto& iface = n_.network_interfaces[eni];
    auto m = match_security_groups(n_, eni, h, ingress);
    if (obs_) obs_->security_groups(h, eni, ingress, m.decision());
    if (m.rule && !full_) return true;
    std::string dir = ingress ? "ingress" : "egress";
    if (!m.rule && m.maybe_rule) {
      const auto& sg = n_.security_groups[m.maybe_group];
      std::string text = rule_text(*m.maybe_rule, ingress);
      unknown(false, "SG_RULE_PEER_UNKNOWN", "SecurityGroup", sg.id, dir,
              "only rule `" + text + "` of " + sg.id + " could admit " + h.str() + ", and its " +
                  (ingress ? "source" : "destination") + " is unknown (" + m.maybe_rule->unknown +
                  ")",
              "give the rule's peer a known value");
      if (full_) {
        Rule r;
        r.kind = "security-group-rule";
        r.security_group = sg.id;
        r.action = "allow";
        r.text = text;
        hop("SecurityGroup", sg.id, sg.name, dir, r, "admits only if the unknown peer holds");
      }
      return true;
    }
    if (!m.rule) {
      std::string groups;
      bool any_rule = false;
      for (const auto& g : iface.security_groups) {
        if (!g.resolved()) continue;
        const auto& sg = n_.security_groups[g.index];
        groups += (groups.empty() ? "" : ", ") + sg.id;
        any_rule = any_rule || !(ingress ? sg.ingress : sg.egress).empty();
      }
      hop("SecurityGroup", groups, "", dir, std::nullopt, "no rule matches");
      std::string what =
          h.protocol.str() + (h.protocol.has_ports() ? " port " + std::to_string(h.dst_port) : "");
      drop(any_rule ? "ENI_SG_RULES_MISMATCH" : "SG_HAS_NO_RULES", "NetworkInterface", iface.id,
           dir,
           "no " + dir + " rule of " + groups + " on " + iface.id + " allows " + what +
               (ingress ? " from " + h.src.str() : " to " + h.dst.str()),
           "add an " + dir + " rule for " + what + (ingress ? " from " : " to ") +
               (ingress ? h.src.str() : h.dst.str()) + " to " + groups);
      return false;
    }
    const auto& sg = n_.security_groups[m.group];
    Rule r;
    r.kind = "security-group-rule";
    r.security_group = sg.id;
    r.action = "allow";
    r.implicit = m.rule->implicit;
    r.text = rule_text(*m.rule, ingress);
    if (m.rule->implicit) r.text += " (AWS default)";
    hop("SecurityGroup", sg.id, sg.name, dir, r, "");
    return true;
  }

  bool network_acl(Index subnet, const Packet& h, bool ingress) {
    const auto& s = n_.subnets[subnet];
    const auto& acl = n_.network_acls[s.effective_network_acl];
    auto m = match_network_acl(acl, h, ingress);
    const auto* e = m.entry;
    if (obs_) obs_->network_acl(h, s.effective_network_acl, ingress, m.decision());
    if (m.decision() == Decision::kYes && !full_) return true;
    std::string dir = ingress ? "ingress" : "egress";
    auto entry_text = [](const model::NetworkAclEntry& x) {
      std::string num = x.rule_number == 32767 ? "*" : std::to_string(x.rule_number);
      std::string text = "rule " + num + " " + (x.allow ? "allow " : "deny ") + x.protocol.str() +
                         (x.protocol.has_ports() ? " " + x.ports.str() : "") + " " +
                         x.cidr.str();
      if (!x.unknown.empty()) text += " [unknown: " + x.unknown + "]";
      return text;
    };
    Rule r;
    r.kind = "network-acl-entry";
    if (e) {
      r.rule_number = e->rule_number;
      r.action = e->allow ? "allow" : "deny";
      r.implicit = e->implicit;
      r.text = entry_text(*e);
    }
    if (m.maybe) {
      std::string text = entry_text(*m.maybe);
      unknown(false, "ACL_RULE_PEER_UNKNOWN", "NetworkAcl", acl.id, dir,
              "`" + text + "` of " + acl.id + " would " +
                  (m.maybe->allow ? "allow " : "deny ") + h.str() + " before " +
                  (e ? "`" + r.text + "`" : std::string("the default deny")) + " if its " +
                  (ingress ? "source" : "destination") + " (" + m.maybe->unknown +
                  ") holds the packet's",
              "give the entry's CIDR a known value");
      hop("NetworkAcl", acl.id, acl.name, dir, r,
          "subnet " + s.id + "; decided by rule " + std::to_string(m.maybe->rule_number) +
              " instead if its unknown peer holds");
      return true;
    }
    hop("NetworkAcl", acl.id, acl.name, dir, r, "subnet " + s.id);
    if (e && e->allow) return true;
    std::string port = h.protocol.has_ports() ? " port " + std::to_string(h.dst_port) : "";
    std::string hint =
        reply_
            ? "network ACLs are stateless: allow the reply's " + h.protocol.str() + port +
                  (ingress ? " from " + h.src.str() + " inbound"
                           : " to " + h.dst.str() + " outbound") +
                  " on " + acl.id + " (usually ephemeral ports)"
            : "allow " + h.protocol.str() + port +
                  (ingress ? " from " + h.src.str() : " to " + h.dst.str()) + " in the " + dir +
                  " rules of " + acl.id + " before rule " +
                  (e ? (e->rule_number == 32767 ? std::string("*") : std::to_string(e->rule_number))
                     : "*");
    drop("SUBNET_ACL_RESTRICTION", "NetworkAcl", acl.id, dir,
         "network ACL " + acl.id + " of subnet " + s.id + " denies " + h.str() + " " + dir + " (" +
             (e ? r.text : "no rule") + ")",
         hint);
    return false;
  }

  // ---- leaving an ENI ---------------------------------------------------------------------
  void leave_interface(Index eni, Packet h) {
    if (!budget()) return;
    const auto& iface = n_.network_interfaces[eni];
    Index subnet = iface.subnet.index;
    // Traffic between ENIs of one subnet skips the route table and the network ACL.
    Index peer = eni_at(iface.vpc, h, AddressField::kDst);
    if (peer != kNone && n_.network_interfaces[peer].subnet.index == subnet) {
      deliver_to_interface(peer, h);
      return;
    }
    if (!network_acl(subnet, h, false)) return;
    route(subnet, h);
  }

  // ---- route table ------------------------------------------------------------------------
  void route(Index subnet, Packet h) {
    if (!budget()) return;
    const auto& s = n_.subnets[subnet];
    const auto& rt = n_.route_tables[s.effective_route_table];
    const auto* r = select_route(rt, h.dst);
    tested_route_table(h, rt);
    if (!unknown_routes(rt, r)) return;
    if (!r) {
      hop("RouteTable", rt.id, rt.name, "", std::nullopt, "no route matches " + h.dst.str());
      drop("NO_ROUTE_TO_DESTINATION", "RouteTable", rt.id, "",
           "route table " + rt.id + " of subnet " + s.id + " has no route to " + h.dst.str(),
           "add a route for " + h.dst.str() + " to " + rt.id);
      return;
    }
    // Only a hop or an explanation reads the rule in words.
    const bool words = full_ || r->blackhole || r->target_kind == TargetKind::kInstance ||
                       r->target_kind == TargetKind::kUnsupported;
    Rule rule;
    if (words) {
      rule.kind = "route";
      rule.destination = r->destination ? r->destination->str() : "";
      if (r->destination_prefix_list.resolved())
        rule.destination += " (" + r->destination_prefix_list.text + ")";
      rule.target = r->target_kind == TargetKind::kLocal ? "local" : target_id(*r);
      rule.origin = route_origin_name(r->origin);
      rule.action = r->blackhole ? "blackhole" : "forward";
      rule.implicit = r->implicit;
      rule.text = rule.destination + " -> " + rule.target + (r->blackhole ? " (blackhole)" : "");
    }
    if (full_) hop("RouteTable", rt.id, rt.name, "", rule, "subnet " + s.id);
    if (r->blackhole) {
      drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "", "route " + rule.text + " is a blackhole",
           "point the route at a working target or delete it");
      return;
    }
    Index vpc = s.vpc.index;
    switch (r->target_kind) {
      case TargetKind::kLocal:
        deliver_local(vpc, h, subnet);
        return;
      case TargetKind::kInternetGateway:
        internet_gateway_egress(vpc, r->target.index, h, rt);
        return;
      case TargetKind::kEgressOnlyInternetGateway:
        egress_only_egress(vpc, r->target.index, h, rt);
        return;
      case TargetKind::kNatGateway:
        nat_gateway(subnet, r->target.index, h, rt);
        return;
      case TargetKind::kVpcPeeringConnection:
        peering(vpc, r->target.index, h, rt);
        return;
      case TargetKind::kTransitGateway:
        transit_gateway_from_vpc(subnet, r->target.index, h, rt);
        return;
      case TargetKind::kVpnGateway:
        vpn_gateway_egress(vpc, r->target.index, h, rt);
        return;
      case TargetKind::kVpcEndpoint:
        gateway_endpoint(r->target.index, h, rt);
        return;
      case TargetKind::kNetworkInterface:
        appliance(subnet, r->target.index, h, rt);
        return;
      case TargetKind::kInstance: {
        const auto& inst = n_.instances[r->target.index];
        if (inst.state != "running" || inst.network_interfaces.empty()) {
          drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
               "route " + rule.text + " targets instance " + inst.id + " which is " + inst.state,
               "start the instance or retarget the route");
          return;
        }
        appliance(subnet, inst.network_interfaces.front(), h, rt);
        return;
      }
      case TargetKind::kUnsupported:
        unknown(true, "UNSUPPORTED_COMPONENT", "RouteTable", rt.id, "",
                "route " + rule.text + " of " + rt.id + " sends " + h.str() +
                    " to a component cloudtwin does not model",
                "the verdict depends on what that component does");
        return;
    }
  }

  // A route whose destination is unknown offline may be the one a lookup in `rt` selects: the
  // walk cannot tell where the packet goes. False (and the walk ends) when one may be. Only a
  // NAT gateway, network interface or endpoint may be more specific than the local route
  // (route-tables.html), so against a local match (`selected`) the others cannot win.
  bool unknown_routes(const model::RouteTable& rt, const model::Route* selected) {
    if (rt.unknown_routes.empty()) return true;
    const bool local = selected && selected->target_kind == TargetKind::kLocal;
    const model::Route* doubt = nullptr;
    std::size_t count = 0;
    for (auto i : rt.unknown_routes) {
      const auto& u = rt.routes[i];
      const bool middlebox =
          u.target_kind == TargetKind::kNatGateway || u.target_kind == TargetKind::kNetworkInterface ||
          u.target_kind == TargetKind::kInstance || u.target_kind == TargetKind::kVpcEndpoint ||
          u.target_kind == TargetKind::kUnsupported;
      if (local && !middlebox) continue;
      if (!doubt) doubt = &u;
      ++count;
    }
    if (!doubt) return true;
    const auto& route = *doubt;
    unknown(true, "ROUTE_DESTINATION_UNKNOWN", "RouteTable", rt.id, "",
            "route table " + rt.id + " has a route to " +
                (route.target.empty() ? std::string("a target") : route.target.text) +
                " whose destination is unknown (" + route.unknown + ")" +
                (count > 1 ? " and " + std::to_string(count - 1) + " more" : "") +
                ": it may be the route the packet takes",
            "give the route's destination a known value");
    return false;
  }

  std::string target_id(const model::Route& r) const {
    return r.target.resolved()
               ? n_.resource({target_kind_to_kind(r.target_kind), r.target.index}).id
               : r.target.text;
  }

  static model::Kind target_kind_to_kind(TargetKind k) {
    switch (k) {
      case TargetKind::kInternetGateway:
        return model::Kind::kInternetGateway;
      case TargetKind::kEgressOnlyInternetGateway:
        return model::Kind::kEgressOnlyInternetGateway;
      case TargetKind::kNatGateway:
        return model::Kind::kNatGateway;
      case TargetKind::kTransitGateway:
        return model::Kind::kTransitGateway;
      case TargetKind::kVpcPeeringConnection:
        return model::Kind::kVpcPeeringConnection;
      case TargetKind::kNetworkInterface:
        return model::Kind::kNetworkInterface;
      case TargetKind::kInstance:
        return model::Kind::kInstance;
      case TargetKind::kVpcEndpoint:
        return model::Kind::kVpcEndpoint;
      case TargetKind::kVpnGateway:
        return model::Kind::kVpnGateway;
      default:
        return model::Kind::kVpc;
    }
  }

  // ---- local delivery ---------------------------------------------------------------------
  // Delivers inside `vpc` a packet that has passed the network ACL of `from_subnet` (kNone when
  // it comes from a gateway or a peering connection). Within one subnet no network ACL applies.
  void deliver_local(Index vpc, Packet h, Index from_subnet) {
    const auto& v = n_.vpcs[vpc];
    Index eni = eni_at(vpc, h, AddressField::kDst);
    if (eni == kNone) {
      if (Index g = nat_at(vpc, h, AddressField::kDst); g != kNone) {
        nat_gateway_inbound(g, h, from_subnet);
        return;
      }
      Index s = n_.subnet_containing(vpc, h.dst);
      drop("NO_POSSIBLE_DESTINATION", s == kNone ? "VPC" : "Subnet",
           s == kNone ? v.id : n_.subnets[s].id, "",
           "no network interface in " + v.id + " holds " + h.dst.str(),
           "check the destination address");
      return;
    }
    const auto& iface = n_.network_interfaces[eni];
    if (from_subnet != iface.subnet.index && !network_acl(iface.subnet.index, h, true)) return;
    deliver_to_interface(eni, h);
  }

  // Arrival at an ENI whose subnet's network ACL (if crossed) has been checked.
  void deliver_to_interface(Index eni, Packet h) {
    const auto& iface = n_.network_interfaces[eni];
    if (!instance_running(iface)) {
      const auto& inst = n_.instances[iface.instance.index];
      drop("BAD_STATE", "Instance", inst.id, "ingress", "instance " + inst.id + " is " + inst.state,
           "start the instance");
      return;
    }
    if (!reply_ && !security_group(eni, h, true)) return;
    add_instance_hops(iface, "ingress");
    arrival = Arrival{EndpointKind::kNetworkInterface, eni, h};
  }

  // ---- internet gateway -------------------------------------------------------------------
  void internet_gateway_egress(Index vpc, Index igw_index, Packet h, const model::RouteTable& rt) {
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
             "internet gateways drop traffic to shared address space (RFC 6598) " + h.dst.str(),
             "");
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
  std::optional<IpAddress> public_address_of(Index vpc, const Packet& p) {
    Index eni = eni_at(vpc, p, AddressField::kSrc);
    if (eni != kNone) {
      const auto& iface = n_.network_interfaces[eni];
      if (!instance_running(iface)) return std::nullopt;
      return iface.public_ip_for(p.src);
    }
    if (Index g = nat_at(vpc, p, AddressField::kSrc); g != kNone)
      return n_.nat_gateways[g].public_ip;
    return std::nullopt;
  }

  // RFC 1918 and RFC 6598: internet gateways treat them apart.
  static std::span<const Prefix> special_ranges() {
    static const Prefix kRanges[] = {*Prefix::parse("10.0.0.0/8"), *Prefix::parse("172.16.0.0/12"),
                                     *Prefix::parse("192.168.0.0/16"),
                                     *Prefix::parse("100.64.0.0/10")};
    return kRanges;
  }

  void to_internet(Packet h) {
    // A public address of this very network: the packet comes back in (IGW hairpin).
    bool ours = n_.eni_by_public_ip.contains(h.dst) ||
                n_.nat_gateway_by_public_ip.contains(h.dst) ||
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

  void internet_ingress(Packet h) {
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
                 nt != n_.nat_gateway_by_public_ip.end() &&
                 n_.nat_gateways[nt->second].private_ip) {
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
  void gateway_ingress(Index vpc, Packet h, model::Kind gateway_kind, Index gateway) {
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
      break;
    }
    deliver_local(vpc, h, kNone);
  }

  void egress_only_egress(Index vpc, Index g, Packet h, const model::RouteTable& rt) {
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

  // ---- NAT gateway ------------------------------------------------------------------------
  // Peering and virtual private gateways deliver only to addresses inside the VPC, so a packet
  // from across them never gets here (NGW_REQUIRES_SOURCE_IN_VPC shows as
  // PCX_REQUIRES_ADDRESS_IN_VPC_CIDR or VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS first); one
  // from a transit gateway attachment is served, as in AWS's centralised egress design.
  void nat_gateway(Index from_subnet, Index g, Packet h, const model::RouteTable& rt) {
    const auto& nat = n_.nat_gateways[g];
    if (nat.state != "available") {
      drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
           "NAT gateway " + nat.id + " is " + nat.state + ", so the route is a blackhole",
           "recreate the NAT gateway and point the route at it");
      return;
    }
    if (nat.private_ip) tested(h, AddressField::kSrc, *nat.private_ip);
    if (h.src == nat.private_ip) {
      // Its own subnet routed the translated packet back to it: the NAT gateway sits in a
      // subnet without a route to an internet gateway (or onward network).
      drop("NO_ROUTE_TO_DESTINATION", "RouteTable", rt.id, "",
           "route table " + rt.id + " of NAT gateway " + nat.id + "'s own subnet sends " +
               h.dst.str() + " back to " + nat.id,
           "put " + nat.id +
               " in a public subnet, one whose route table sends 0.0.0.0/0 to an "
               "internet gateway");
      return;
    }
    if (!nat.private_ip) {
      drop("BAD_STATE", "NatGateway", nat.id, "",
           "NAT gateway " + nat.id + " has no private IPv4 address (its subnet has no IPv4 CIDR)",
           "create the NAT gateway in a subnet with an IPv4 CIDR");
      return;
    }
    Index nat_subnet = nat.subnet.index;
    if (nat_subnet != from_subnet && !network_acl(nat_subnet, h, true)) return;
    last_nat = g;
    hop("NatGateway", nat.id, nat.name, "", std::nullopt,
        "source translated to the NAT gateway's private IP (NGW_SOURCE_ADDRESS_REASSIGN)");
    if (!protocol_is(h, {Protocol::kTcp, Protocol::kUdp, Protocol::kIcmp})) {
      drop("PROTOCOL_RESTRICTION", "NatGateway", nat.id, "",
           "NAT gateways translate only TCP, UDP and ICMP, not " + h.protocol.str(), "");
      return;
    }
    tested_family(h);
    if (h.dst.is_v6()) {
      drop("PROTOCOL_RESTRICTION", "NatGateway", nat.id, "",
           "NAT gateways do not translate IPv6 (" + h.dst.str() + ")",
           "route IPv6 to an egress-only internet gateway");
      return;
    }
    Packet out = h;
    out.src = *nat.private_ip;
    out.src_origin = Origin::kConstant;
    // REMAP_EPHEMERAL_PORT: the NAT gateway picks a source port in 1024-65535. cloudtwin keeps
    // the sender's port when it is in that range and gives every lower one port 1024
    // (docs/semantics.md), so the choice is deterministic and the symbolic engine needs no
    // class per low port.
    if (protocol_is(h, {Protocol::kTcp, Protocol::kUdp}) &&
        !port_is(h, PortField::kSrc, {1024, 65535})) {
      out.src_port = 1024;
      out.src_port_origin = Origin::kConstant;
    }
    connection_.nat.push_back({g, h.src, h.src_port, out.src, out.src_port, h.src_origin,
                               h.src_port_origin, out.src_port_origin});
    translated(h, out);
    if (!network_acl(nat_subnet, out, false)) return;
    route(nat_subnet, out);
  }

  // A packet addressed to a NAT gateway's private IP: only replies to its own flows pass.
  void nat_gateway_inbound(Index g, Packet h, Index from_subnet) {
    const auto& nat = n_.nat_gateways[g];
    Index nat_subnet = nat.subnet.index;
    if (from_subnet != nat_subnet && !network_acl(nat_subnet, h, true)) return;
    bool ports = protocol_is(h, {Protocol::kTcp, Protocol::kUdp});
    auto it = std::find_if(connection_.nat.begin(), connection_.nat.end(), [&](const NatEntry& e) {
      if (e.nat_gateway != g) return false;
      if (obs_) obs_->same_address(Origin::kConstant, e.mapped_src, h.dst_origin, h.dst);
      if (e.mapped_src != h.dst) return false;
      if (!ports) return true;
      if (obs_) obs_->same_port(e.mapped_port_origin, e.mapped_port, h.dst_port_origin, h.dst_port);
      return e.mapped_port == h.dst_port;
    });
    if (!reply_ || it == connection_.nat.end()) {
      last_nat = g;
      hop("NatGateway", nat.id, nat.name, "ingress", std::nullopt, "");
      drop("NO_POSSIBLE_DESTINATION", "NatGateway", nat.id, "ingress",
           "NAT gateways accept only replies to connections initiated from inside; " + h.src.str() +
               " cannot open a connection to " + h.dst.str(),
           "to accept inbound connections use a load balancer or an instance with a public IP");
      return;
    }
    Packet out = h;
    out.dst = it->original_src;
    out.dst_origin = it->original_src_origin;
    if (ports) {  // ICMP keeps its type and code; only TCP and UDP ports were remapped
      out.dst_port = it->original_port;
      out.dst_port_origin = it->original_port_origin;
    }
    last_nat = g;
    Hop& x = hop("NatGateway", nat.id, nat.name, "ingress", std::nullopt, "reply translated back");
    x.inbound_header = h;
    x.outbound_header = out;
    Index vpc = nat.vpc;
    Index eni = eni_at(vpc, out, AddressField::kDst);
    if (eni != kNone && n_.network_interfaces[eni].subnet.index == nat_subnet) {
      deliver_to_interface(eni, out);
      return;
    }
    if (!network_acl(nat_subnet, out, false)) return;
    route(nat_subnet, out);
  }

  // ---- peering ----------------------------------------------------------------------------
  void peering(Index vpc, Index p, Packet h, const model::RouteTable& rt) {
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
      drop(
          "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "VPCPeeringConnection", pcx.id, "",
          "source " + h.src.str() + " is not in " + n_.vpcs[vpc].id + "; peering is not transitive",
          "connect the networks directly (peering or a transit gateway)");
      return;
    }
    if (!n_.vpcs[peer].contains(h.dst)) {
      drop("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "VPCPeeringConnection", pcx.id, "",
           "destination " + h.dst.str() + " is not in the peer VPC " + n_.vpcs[peer].id +
               "; peering does not forward beyond the peer VPC (no transitive or edge-to-edge "
               "routing)",
           "peer directly with the network that holds " + h.dst.str() +
               ", or use a transit gateway");
      return;
    }
    deliver_local(peer, h, kNone);
  }

  // ---- transit gateway --------------------------------------------------------------------
  void transit_gateway_from_vpc(Index subnet, Index tgw, Packet h, const model::RouteTable& rt) {
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

  void transit_gateway(Index att_in, Packet h, const std::string& az) {
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
        // Into a VPC the transit gateway prefers the attachment subnet in the same AZ.
        Index subnet = kNone;
        for (const auto& ref : a.subnets) {
          if (!ref.resolved()) continue;
          if (subnet == kNone || n_.subnets[ref.index].availability_zone == az) subnet = ref.index;
        }
        if (subnet == kNone) return;
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
          hop("TransitGatewayAttachment",
              n_.transit_gateway_attachments[a.peer_attachment.index].id, "", "ingress",
              std::nullopt, "transit gateway peering");
          transit_gateway(a.peer_attachment.index, h, az);
        } else {
          unknown(true, "TGW_RTB_ROUTES_ARE_UNKNOWN", "TransitGatewayAttachment", a.id, "",
                  "the peer of " + a.id + " is not in the network, so where it sends " +
                      h.str() + " is unknown",
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

  // ---- VPN gateway, VPN, Direct Connect ----------------------------------------------------
  void vpn_gateway_egress(Index vpc, Index g, Packet h, const model::RouteTable& rt) {
    const auto& vgw = n_.vpn_gateways[g];
    if (vgw.vpc.index != vpc) {
      drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
           "virtual private gateway " + vgw.id + " is not attached to " + n_.vpcs[vpc].id,
           "attach it to the VPC");
      return;
    }
    bool own_address =
        eni_at(vpc, h, AddressField::kSrc) != kNone || nat_at(vpc, h, AddressField::kSrc) != kNone;
    if (!own_address) {
      drop("VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS", "VPNGateway", vgw.id, "egress",
           "source " + h.src.str() + " is not a private IP of a network interface in " +
               n_.vpcs[vpc].id,
           "");
      return;
    }
    hop("VPNGateway", vgw.id, vgw.name, "egress", std::nullopt, "");
    tested(h, AddressField::kDst, network_prefixes());
    // direct-connect.md §1.2: the longest prefix the gateway learned, then Direct Connect over
    // VPN static routes over VPN BGP routes. A VPN that is down has withdrawn its routes.
    struct Choice {
      int length = -1;
      int rank = 0;
      Index direct_connect_gateway = kNone;
      Index vpn_connection = kNone;
    };
    Choice best;
    Index down = kNone;
    auto offer = [&](const Prefix& p, Choice c) {
      if (!p.contains(h.dst)) return;
      c.length = p.length();
      if (c.length > best.length || (c.length == best.length && c.rank < best.rank)) best = c;
    };
    for (Index d = 0; d < n_.direct_connect_gateways.size(); ++d) {
      const auto& dx = n_.direct_connect_gateways[d];
      bool associated = std::any_of(dx.vpn_gateways.begin(), dx.vpn_gateways.end(),
                                    [&](const model::Ref& r) { return r.index == g; });
      if (!associated) continue;
      for (const auto& net : n_.on_premises_networks) {
        bool behind =
            std::any_of(net.direct_connect_gateways.begin(), net.direct_connect_gateways.end(),
                        [&](const model::Ref& r) { return r.index == d; });
        if (!behind) continue;
        for (const auto& p : net.cidrs) offer(p, {-1, 0, d, kNone});
      }
    }
    for (Index c = 0; c < n_.vpn_connections.size(); ++c) {
      const auto& vpn = n_.vpn_connections[c];
      if (vpn.vpn_gateway.index != g) continue;
      if (vpn.state != "available") {
        if (on_premises_behind_vpn(c, h.dst) != kNone) down = c;
        continue;
      }
      for (const auto& p : vpn.static_routes) offer(p, {-1, 1, kNone, c});
      if (vpn.static_routes_only) continue;
      for (const auto& net : n_.on_premises_networks) {
        bool behind = std::any_of(net.vpn_connections.begin(), net.vpn_connections.end(),
                                  [&](const model::Ref& r) { return r.index == c; });
        // An implied network's CIDRs are not announced over BGP (model::OnPremisesNetwork).
        if (!behind || net.implied) continue;
        for (const auto& p : net.cidrs) offer(p, {-1, 2, kNone, c});
      }
    }
    if (best.direct_connect_gateway != kNone) {
      direct_connect_to_on_premises(best.direct_connect_gateway, h);
    } else if (best.vpn_connection != kNone) {
      vpn_to_on_premises(best.vpn_connection, h, false);
    } else if (down != kNone) {
      vpn_to_on_premises(down, h, false);  // explains BAD_STATE_VPN
    } else {
      drop("NO_ROUTE_TO_DESTINATION", "VPNGateway", vgw.id, "egress",
           "no VPN connection or Direct Connect gateway of " + vgw.id + " leads to " + h.dst.str(),
           "");
    }
  }

  Index on_premises_behind_vpn(Index vpn, IpAddress a) const {
    for (Index o = 0; o < n_.on_premises_networks.size(); ++o) {
      const auto& net = n_.on_premises_networks[o];
      bool via = std::any_of(net.vpn_connections.begin(), net.vpn_connections.end(),
                             [&](const model::Ref& r) { return r.index == vpn; });
      if (via && contains_any(net.cidrs, a)) return o;
    }
    return kNone;
  }

  Index on_premises_behind_dx(Index dx, IpAddress a) const {
    for (Index o = 0; o < n_.on_premises_networks.size(); ++o) {
      const auto& net = n_.on_premises_networks[o];
      bool via = std::any_of(net.direct_connect_gateways.begin(), net.direct_connect_gateways.end(),
                             [&](const model::Ref& r) { return r.index == dx; });
      if (via && contains_any(net.cidrs, a)) return o;
    }
    return kNone;
  }

  static bool contains_any(const std::vector<Prefix>& list, IpAddress a) {
    return std::any_of(list.begin(), list.end(), [&](const Prefix& p) { return p.contains(a); });
  }

  // RA names a VPN that is down BAD_STATE_VPN behind a virtual private gateway and
  // TGW_BAD_STATE_VPN behind a transit gateway attachment.
  static const char* vpn_down_code(bool via_transit_gateway) {
    return via_transit_gateway ? "TGW_BAD_STATE_VPN" : "BAD_STATE_VPN";
  }

  void vpn_to_on_premises(Index c, Packet h, bool via_transit_gateway) {
    const auto& vpn = n_.vpn_connections[c];
    tested(h, AddressField::kDst, network_prefixes());
    if (vpn.state != "available") {
      drop(vpn_down_code(via_transit_gateway), "VPNConnection", vpn.id, "",
           "VPN connection " + vpn.id + " is " + vpn.state, "bring the tunnels up");
      return;
    }
    hop("VPNConnection", vpn.id, vpn.name, "", std::nullopt, "");
    if (vpn.customer_gateway.resolved()) {
      const auto& cgw = n_.customer_gateways[vpn.customer_gateway.index];
      hop("CustomerGateway", cgw.id, cgw.name, "", std::nullopt, "");
    }
    Index o = on_premises_behind_vpn(c, h.dst);
    if (o == kNone) {
      drop("NO_ROUTE_TO_DESTINATION", "VPNConnection", vpn.id, "",
           "no on-premises network behind " + vpn.id + " holds " + h.dst.str(), "");
      return;
    }
    arrive_on_premises(o, h);
  }

  void direct_connect_to_on_premises(Index d, Packet h) {
    const auto& dx = n_.direct_connect_gateways[d];
    tested(h, AddressField::kDst, network_prefixes());
    hop("DirectConnectGateway", dx.id, dx.name, "", std::nullopt, "");
    Index o = on_premises_behind_dx(d, h.dst);
    if (o == kNone) {
      drop("NO_ROUTE_TO_DESTINATION", "DirectConnectGateway", dx.id, "",
           "no on-premises network behind " + dx.id + " holds " + h.dst.str(), "");
      return;
    }
    arrive_on_premises(o, h);
  }

  void arrive_on_premises(Index o, Packet h) {
    const auto& net = n_.on_premises_networks[o];
    hop("OnPremisesNetwork", net.id, net.name, "", std::nullopt, h.dst.str());
    arrival = Arrival{EndpointKind::kOnPremises, o, h};
  }

  // On-premises routers send every AWS prefix they learned towards the connection that
  // announced it; Direct Connect is preferred over VPN.
  void on_premises_egress(Index o, Packet h) {
    const auto& net = n_.on_premises_networks[o];
    tested(h, AddressField::kDst, network_prefixes());
    std::string tried;
    for (const auto& ref : net.direct_connect_gateways) {
      if (!ref.resolved()) continue;
      const auto& dx = n_.direct_connect_gateways[ref.index];
      for (const auto& vgw_ref : dx.vpn_gateways) {
        if (!vgw_ref.resolved()) continue;
        const auto& vgw = n_.vpn_gateways[vgw_ref.index];
        if (vgw.vpc.resolved() && n_.vpcs[vgw.vpc.index].contains(h.dst)) {
          hop("DirectConnectGateway", dx.id, dx.name, "", std::nullopt, "");
          vpn_gateway_ingress(vgw_ref.index, h);
          return;
        }
      }
      for (Index a = 0; a < n_.transit_gateway_attachments.size(); ++a) {
        const auto& att = n_.transit_gateway_attachments[a];
        if (att.type == model::AttachmentType::kDirectConnectGateway &&
            att.direct_connect_gateway.index == ref.index && tgw_routes(att, h.dst)) {
          hop("DirectConnectGateway", dx.id, dx.name, "", std::nullopt, "");
          hop("TransitGatewayAttachment", att.id, att.name, "ingress", std::nullopt, "");
          transit_gateway(a, h, "");
          return;
        }
      }
    }
    const char* down_code = nullptr;
    for (const auto& ref : net.vpn_connections) {
      if (!ref.resolved()) continue;
      const auto& vpn = n_.vpn_connections[ref.index];
      bool leads = false;
      Index via_att = kNone;
      if (vpn.vpn_gateway.resolved()) {
        const auto& vgw = n_.vpn_gateways[vpn.vpn_gateway.index];
        leads = vgw.vpc.resolved() && n_.vpcs[vgw.vpc.index].contains(h.dst);
      } else {
        for (Index a = 0; a < n_.transit_gateway_attachments.size(); ++a) {
          const auto& att = n_.transit_gateway_attachments[a];
          if (att.type == model::AttachmentType::kVpn && att.vpn_connection.index == ref.index &&
              tgw_routes(att, h.dst)) {
            leads = true;
            via_att = a;
          }
        }
      }
      if (!leads) continue;
      if (vpn.state != "available") {
        down_code = vpn_down_code(via_att != kNone);
        tried = vpn.id;
        continue;
      }
      hop("VPNConnection", vpn.id, vpn.name, "", std::nullopt, "");
      if (via_att != kNone) {
        hop("TransitGatewayAttachment", n_.transit_gateway_attachments[via_att].id, "", "ingress",
            std::nullopt, "");
        transit_gateway(via_att, h, "");
      } else {
        vpn_gateway_ingress(vpn.vpn_gateway.index, h);
      }
      return;
    }
    if (down_code) {
      drop(down_code, "VPNConnection", tried, "", "VPN connection " + tried + " is down",
           "bring the tunnels up");
      return;
    }
    drop("NO_ROUTE_TO_DESTINATION", "OnPremisesNetwork", net.id, "",
         "no Direct Connect gateway or VPN connection of " + net.id + " leads to " + h.dst.str(),
         "connect the on-premises network to the VPC that holds " + h.dst.str());
  }

  bool tgw_routes(const model::TransitGatewayAttachment& att, IpAddress dst) const {
    if (att.associated_table == kNone) return false;
    return select_tgw_route(n_, n_.transit_gateway_route_tables[att.associated_table], dst) !=
           nullptr;
  }

  void vpn_gateway_ingress(Index g, Packet h) {
    const auto& vgw = n_.vpn_gateways[g];
    hop("VPNGateway", vgw.id, vgw.name, "ingress", std::nullopt, "");
    Index vpc = vgw.vpc.index;
    Index eni = eni_at(vpc, h, AddressField::kDst);
    bool attached_eni = (eni != kNone && n_.network_interfaces[eni].status != "available") ||
                        (eni == kNone && nat_at(vpc, h, AddressField::kDst) != kNone);
    if (!attached_eni) {
      drop("VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "VPNGateway", vgw.id, "ingress",
           h.dst.str() + " is not the private IP of an attached network interface in " +
               n_.vpcs[vpc].id,
           "");
      return;
    }
    gateway_ingress(vpc, h, model::Kind::kVpnGateway, g);
  }

  // ---- gateway endpoint -------------------------------------------------------------------
  void gateway_endpoint(Index e, Packet h, const model::RouteTable& rt) {
    const auto& ep = n_.vpc_endpoints[e];
    if (ep.state != "available") {
      drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "", "endpoint " + ep.id + " is " + ep.state, "");
      return;
    }
    hop("VPCEndpoint", ep.id, ep.name, "egress", std::nullopt, ep.service_name);
    bool echo = !protocol_is(h, {Protocol::kTcp}) && protocol_is(h, {Protocol::kIcmp}) &&
                port_is(h, PortField::kDst, PortRange::single(8));
    if (h.protocol.number() != Protocol::kTcp && !echo) {
      drop("VPCE_GATEWAY_PROTOCOL_RESTRICTION", "VPCEndpoint", ep.id, "",
           "gateway endpoints carry only TCP and ICMP echo", "");
      return;
    }
    if (ep.vpc.resolved()) tested(h, AddressField::kSrc, vpc_cidrs(ep.vpc.index));
    if (!ep.vpc.resolved() || !n_.vpcs[ep.vpc.index].contains(h.src)) {
      drop("VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION", "VPCEndpoint", ep.id, "",
           "gateway endpoints serve only sources inside their VPC", "");
      return;
    }
    const auto& pl = n_.prefix_lists[ep.service_prefix_list];
    hop("AWSService", pl.prefix_list_name, "", "", std::nullopt, h.dst.str());
    arrival = Arrival{EndpointKind::kService, ep.service_prefix_list, h};
  }

  // ---- appliances (route target ENI or instance) -------------------------------------------
  void appliance(Index from_subnet, Index eni, Packet h, const model::RouteTable& rt) {
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
};

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
    case EndpointKind::kNetworkInterface:
      return a.kind == EndpointKind::kNetworkInterface && a.index == want.index;
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
  auto dst = address_of(n, q.destination, family, dst_public);
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
    case Verdict::kBlocked: return "blocked";
    case Verdict::kReachable: return "reachable";
    case Verdict::kInconclusive: return "inconclusive";
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
  start(fwd, source, h);
  if (!t.explanations.empty() || doubts.path) { settle(t, doubts, false); return; }
  if (!fwd.arrival || !arrived_at(n, *fwd.arrival, destination, h.dst, Origin::kDst, observer)) {
    t.explanations.push_back({"NO_POSSIBLE_DESTINATION", "", "", "", "forward",
                              "the packet was delivered elsewhere than the destination", ""});
    { settle(t, doubts, false); return; }
  }
  // Services built into the VPC answer from the host; their replies are not filtered either.
  if (fwd.arrival->kind == EndpointKind::kAddress) { settle(t, doubts, true); return; }
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
  start(back, replier, reply);
  if (!t.explanations.empty() || doubts.path) { settle(t, doubts, false); return; }
  const IpAddress src = h.src;
  if (!back.arrival || !arrived_at(n, *back.arrival, source, src, Origin::kSrc, observer)) {
    t.explanations.push_back(
        {"NO_ROUTE_TO_DESTINATION", "", "", "", "return",
         "the reply does not reach the source " + src.str() +
             (back.arrival ? " (it reaches " + back.arrival->header.dst.str() + ")" : ""),
         "make the return path lead back to the source"});
    { settle(t, doubts, false); return; }
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
    { settle(t, doubts, false); return; }
  }
  { settle(t, doubts, true); return; }
}

}  // namespace

}  // namespace cloudtwin::vpc
