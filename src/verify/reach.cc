#include "cloudtwin/verify/reach.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "cloudtwin/core/diagnostic.h"

namespace cloudtwin::verify {

using model::Index;
using model::Kind;
using model::kNone;

namespace {

PartyParse fail(std::string error, std::string hint = {}) {
  PartyParse p;
  p.error = std::move(error);
  p.hint = std::move(hint);
  return p;
}

PartyParse ok(Party party) {
  PartyParse p;
  p.party = std::move(party);
  return p;
}

std::vector<Index> interfaces_where(const model::Network& n, auto&& keep) {
  std::vector<Index> out;
  for (Index e = 0; e < n.network_interfaces.size(); ++e) {
    if (keep(n.network_interfaces[e])) out.push_back(e);
  }
  return out;
}

struct KindPrefix {
  std::string_view prefix;
  Kind kind;
};
constexpr KindPrefix kKindPrefixes[] = {
    {"instance/", Kind::kInstance}, {"eni/", Kind::kNetworkInterface},
    {"subnet/", Kind::kSubnet},     {"vpc/", Kind::kVpc},
    {"sg/", Kind::kSecurityGroup},  {"onprem/", Kind::kOnPremisesNetwork},
    {"lb/", Kind::kLoadBalancer},
};
constexpr Kind kPartyKinds[] = {
    Kind::kInstance,      Kind::kNetworkInterface,  Kind::kSubnet,      Kind::kVpc,
    Kind::kSecurityGroup, Kind::kOnPremisesNetwork, Kind::kLoadBalancer};

std::optional<Party> party_of(const model::Network& n, Kind kind, Index i, std::string label) {
  Party p;
  p.label = std::move(label);
  switch (kind) {
    case Kind::kInstance:
      p.interfaces = n.instances[i].network_interfaces;
      break;
    case Kind::kNetworkInterface:
      p.interfaces = {i};
      break;
    case Kind::kLoadBalancer:
      // Its nodes' interfaces: a walk aimed at a node ends at any node of the load balancer.
      for (const auto& node : n.load_balancers[i].nodes) {
        if (node.eni != kNone) p.interfaces.push_back(node.eni);
      }
      break;
    case Kind::kSubnet:
      p.interfaces = interfaces_where(n, [&](const auto& e) { return e.subnet.index == i; });
      break;
    case Kind::kVpc:
      p.interfaces = interfaces_where(n, [&](const auto& e) { return e.vpc == i; });
      break;
    case Kind::kSecurityGroup:
      p.interfaces = n.security_groups[i].members;
      break;
    case Kind::kOnPremisesNetwork:
      p.kind = Party::Kind::kOnPremises;
      p.on_premises = i;
      break;
    default:
      return std::nullopt;
  }
  return p;
}

PartyParse from_prefix(const model::Network& n, const Prefix& cidr, std::string label) {
  Party p;
  p.label = std::move(label);
  for (Index o = 0; o < n.on_premises_networks.size(); ++o) {
    for (const auto& c : n.on_premises_networks[o].cidrs) {
      if (c.contains(cidr)) {
        p.kind = Party::Kind::kOnPremises;
        p.on_premises = o;
        p.within = cidr;
        return ok(p);
      }
    }
  }
  p.interfaces = interfaces_where(n, [&](const model::NetworkInterface& e) {
    auto in = [&](IpAddress a) { return cidr.contains(a); };
    return std::any_of(e.private_ips.begin(), e.private_ips.end(), in) ||
           std::any_of(e.ipv6_addresses.begin(), e.ipv6_addresses.end(), in) ||
           std::any_of(e.public_ips.begin(), e.public_ips.end(),
                       [&](const auto& pp) { return in(pp.second); });
  });
  if (!p.interfaces.empty()) return ok(p);
  bool private_space =
      cidr.family() == Family::kV4 && (is_rfc1918(cidr.address()) || is_rfc6598(cidr.address()));
  bool in_vpc = false;
  for (const auto& v : n.vpcs) {
    for (const auto& c : v.cidr_blocks) in_vpc = in_vpc || c.overlaps(cidr);
    for (const auto& c : v.ipv6_cidr_blocks) in_vpc = in_vpc || c.overlaps(cidr);
  }
  if (in_vpc || private_space) {
    return fail("no network interface or on-premises network holds an address in " + cidr.str(),
                "name an instance, subnet or VPC, or a CIDR an ENI or on-premises network holds");
  }
  p.kind = Party::Kind::kInternet;
  p.within = cidr;
  return ok(p);
}

}  // namespace

PartyParse parse_party(const model::Network& n, std::string_view text) {
  std::string label(text);
  if (text.empty()) return fail("empty name", "name an instance, a subnet, a VPC or `internet`");
  if (text == "internet") {
    Party p;
    p.kind = Party::Kind::kInternet;
    p.label = label;
    return ok(p);
  }
  if (text.starts_with("internet:")) {
    // As trace's internet:ADDRESS, and a CIDR too: the public addresses in it.
    std::string_view rest = text.substr(9);
    std::optional<Prefix> within;
    if (auto a = IpAddress::parse(rest)) within = Prefix::host(*a);
    if (!within) within = Prefix::parse(rest);
    if (!within) {
      return fail("`" + label + "` is not internet:ADDRESS or internet:CIDR",
                  "e.g. internet:203.0.113.10 or internet:203.0.113.0/24");
    }
    Party p;
    p.kind = Party::Kind::kInternet;
    p.label = label;
    p.within = within;
    if (party_addresses(n, p, kNone, true, Block::kSrc) == bddfalse) {
      return fail("`" + label + "` holds no public address",
                  "give a public address or CIDR, e.g. internet:203.0.113.10");
    }
    return ok(p);
  }
  if (auto a = IpAddress::parse(text)) return from_prefix(n, Prefix::host(*a), label);
  if (text.find('/') != std::string_view::npos && text.find_first_of("0123456789:") == 0) {
    if (auto c = Prefix::parse(text)) return from_prefix(n, *c, label);
  }
  std::span<const Kind> kinds = kPartyKinds;
  Kind only{};
  for (const auto& kp : kKindPrefixes) {
    if (text.starts_with(kp.prefix)) {
      text.remove_prefix(kp.prefix.size());
      only = kp.kind;
      kinds = std::span<const Kind>(&only, 1);
      break;
    }
  }
  for (const Kind& k : kinds) {
    if (auto a = vpc::ambiguous_name(n, text, std::span<const Kind>(&k, 1)))
      return fail(a->error, a->hint);
  }
  for (Kind k : kinds) {
    if (auto i = n.find(text, k)) {
      auto p = party_of(n, k, *i, label);
      if (p && p->kind == Party::Kind::kInterfaces && p->interfaces.empty()) {
        return fail(std::string(model::kind_name(k)) + " `" + std::string(text) +
                        "` has no network interfaces",
                    "");
      }
      return ok(*p);
    }
  }
  std::vector<std::string_view> names;
  for (const auto& [key, k] : n.by_id) {
    if (std::find(kinds.begin(), kinds.end(), k.kind) != kinds.end()) names.push_back(key);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  auto best = closest_match(text, names);
  return fail("nothing named `" + label + "`",
              best.empty() ? "name an instance, ENI, subnet, VPC, security group, on-premises "
                             "network, CIDR or `internet`"
                           : "did you mean `" + best + "`?");
}

vpc::Endpoint interface_endpoint(Index eni) {
  vpc::Endpoint x;
  x.kind = vpc::EndpointKind::kNetworkInterface;
  x.index = eni;
  return x;
}

vpc::Endpoint party_endpoint(const Party& p, Index eni) {
  vpc::Endpoint e;
  e.label = p.label;
  switch (p.kind) {
    case Party::Kind::kInterfaces:
      e.kind = vpc::EndpointKind::kNetworkInterface;
      e.index = eni;
      break;
    case Party::Kind::kInternet:
      e.kind = vpc::EndpointKind::kInternet;
      break;
    case Party::Kind::kOnPremises:
      e.kind = vpc::EndpointKind::kOnPremises;
      e.index = p.on_premises;
      break;
  }
  return e;
}

bdd internet_addresses(Block b) {
  // Built once per address block: rows, exposure and every query ask for it.
  static std::map<Block, bdd> cache;
  auto it = cache.find(b);
  if (it != cache.end()) return it->second;
  static const char* kNotInternet[] = {"0.0.0.0/8",      "10.0.0.0/8",     "100.64.0.0/10",
                                       "127.0.0.0/8",    "169.254.0.0/16", "172.16.0.0/12",
                                       "192.168.0.0/16", "224.0.0.0/3"};
  bdd v4 = HeaderSpace::address(b, Prefix::any(Family::kV4));
  for (const char* c : kNotInternet) v4 &= !HeaderSpace::address(b, *Prefix::parse(c));
  return cache.emplace(b, v4 | HeaderSpace::address(b, *Prefix::parse("2000::/3"))).first->second;
}

std::vector<IpAddress> interface_addresses(const model::Network& n, Index eni, bool as_source) {
  std::vector<IpAddress> out;
  const auto& iface = n.network_interfaces[eni];
  out.insert(out.end(), iface.private_ips.begin(), iface.private_ips.end());
  out.insert(out.end(), iface.ipv6_addresses.begin(), iface.ipv6_addresses.end());
  if (as_source) return out;
  for (const auto& [priv, pub] : iface.public_ips) out.push_back(pub);
  // A load balancer's target is also reached at the load balancer's nodes, and at the
  // interface endpoints of the endpoint services it backs (PrivateLink).
  for (const auto& door : model::front_doors(n, eni)) {
    for (const auto& node : n.load_balancers[door.load_balancer].nodes) {
      if (node.eni == model::kNone) continue;
      const auto& x = n.network_interfaces[node.eni];
      out.insert(out.end(), x.private_ips.begin(), x.private_ips.end());
      for (const auto& [priv, pub] : x.public_ips) out.push_back(pub);
    }
    for (const auto& ep : n.vpc_endpoints) {
      if (ep.endpoint_service == model::kNone) continue;
      const auto& nlbs = n.vpc_endpoint_services[ep.endpoint_service].network_load_balancers;
      bool backs = std::any_of(nlbs.begin(), nlbs.end(), [&](const model::Ref& l) {
        return l.resolved() && l.index == door.load_balancer;
      });
      if (!backs) continue;
      for (Index e : ep.enis) {
        const auto& ips = n.network_interfaces[e].private_ips;
        out.insert(out.end(), ips.begin(), ips.end());
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bdd party_addresses(const model::Network& n, const Party& p, Index eni, bool as_source, Block b) {
  bdd r = bddfalse;
  switch (p.kind) {
    case Party::Kind::kInterfaces:
      for (IpAddress a : interface_addresses(n, eni, as_source)) r |= HeaderSpace::address(b, a);
      break;
    case Party::Kind::kInternet:
      r = internet_addresses(b);
      break;
    case Party::Kind::kOnPremises:
      for (const auto& c : n.on_premises_networks[p.on_premises].cidrs) {
        r |= HeaderSpace::address(b, c);
      }
      break;
  }
  if (p.within && p.kind != Party::Kind::kInterfaces) r &= HeaderSpace::address(b, *p.within);
  return r;
}

void explore(Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination,
             const bdd& space, ReachResult& out, std::size_t max_walks) {
  bdd remaining = space;
  while (remaining != bddfalse) {
    if (out.walks >= max_walks) {
      out.truncated = true;
      return;
    }
    Header h = HeaderSpace::pick(remaining);
    PathCondition pc(c);
    vpc::Trace t = vpc::trace_packet(c.network(), source, destination, h, &pc);
    ++out.walks;
    bdd packets = pc.within(remaining);
    remaining = bdd_apply(remaining, packets, bddop_diff);
    if (t.reachable) out.reachable |= packets;
    if (t.verdict == vpc::Verdict::kInconclusive) out.inconclusive |= packets;
    Flow f;
    f.packets = packets;
    f.trace = std::move(t);
    f.security_groups = pc.security_groups_read();
    f.network_acls = pc.network_acls_read();
    if (source.kind == vpc::EndpointKind::kNetworkInterface) f.source_interface = source.index;
    if (destination.kind == vpc::EndpointKind::kNetworkInterface)
      f.destination_interface = destination.index;
    out.flows.push_back(std::move(f));
  }
}

std::vector<vpc::Endpoint> endpoints(const Party& p) {
  std::vector<vpc::Endpoint> list;
  vpc::Endpoint e;
  e.label = p.label;
  switch (p.kind) {
    case Party::Kind::kInterfaces:
      e.kind = vpc::EndpointKind::kNetworkInterface;
      list.reserve(p.interfaces.size());
      for (Index i : p.interfaces) {
        e.index = i;
        list.push_back(e);
      }
      break;
    case Party::Kind::kInternet:
      e.kind = vpc::EndpointKind::kInternet;
      list.push_back(e);
      break;
    case Party::Kind::kOnPremises:
      e.kind = vpc::EndpointKind::kOnPremises;
      e.index = p.on_premises;
      list.push_back(e);
      break;
  }
  return list;
}

bool queried_pair(const vpc::Endpoint& s, const vpc::Endpoint& d) {
  if (s.kind == d.kind && s.index == d.index) return false;
  return !(s.kind == vpc::EndpointKind::kInternet && d.kind == vpc::EndpointKind::kInternet);
}

bdd source_space(const model::Network& n, const Party& from, const vpc::Endpoint& s,
                 const ReachOptions& options) {
  bdd space = HeaderSpace::well_formed() & options.headers &
              party_addresses(n, from, s.index, true, Block::kSrc);
  if (!options.any_source_port) {
    PortRange ephemeral{1024, 65535};
    if (s.kind == vpc::EndpointKind::kNetworkInterface)
      ephemeral = n.network_interfaces[s.index].ephemeral_ports;
    else if (s.kind == vpc::EndpointKind::kOnPremises)
      ephemeral = n.on_premises_networks[s.index].ephemeral_ports;
    static const bdd with_ports =
        HeaderSpace::protocol(Protocol::kTcp) | HeaderSpace::protocol(Protocol::kUdp);
    space &= (!with_ports) | HeaderSpace::port(Block::kSrcPort, ephemeral);
  }
  return space;
}

namespace {

// Walks `remaining` (over protocol and ports only) between two pinned addresses; calls
// `found(packets, trace, condition)` per class (traces with the given detail). False when
// max_walks ran out first.
template <typename Found>
bool walk_pinned(Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination,
                 IpAddress src, IpAddress dst, bdd remaining, std::size_t& walks,
                 const std::size_t& max_walks, vpc::Detail detail, Found&& found) {
  while (remaining != bddfalse) {
    if (walks >= max_walks) return false;
    Header h = HeaderSpace::pick(remaining);
    h.src = src;
    h.dst = dst;
    PathCondition pc(c, src, dst);
    vpc::Trace t = vpc::trace_packet(c.network(), source, destination, h, &pc, detail);
    ++walks;
    bdd packets = pc.within(remaining);
    remaining = bdd_apply(remaining, packets, bddop_diff);
    found(packets, std::move(t), pc);
  }
  return true;
}

// An observer that keeps only which rule lists a walk read (for walks that need no path
// condition).
class ReadRecorder final : public vpc::PathObserver {
 public:
  explicit ReadRecorder(const model::Network& n, RulesRead& read) : n_(n), read_(read) {}
  [[nodiscard]] bool wants_addresses() const override { return false; }
  void address(const vpc::Packet&, vpc::AddressField, std::span<const Prefix>) override {}
  void address_in(const vpc::Packet&, vpc::AddressField, vpc::AddressSet, Index, bool) override {}
  void family(const vpc::Packet&) override {}
  void protocol_in(const vpc::Packet&, std::span<const int>, bool) override {}
  void port_in(const vpc::Packet&, vpc::PortField, PortRange, bool) override {}
  void security_groups(const vpc::Packet&, Index eni, bool, Index, vpc::Decision) override {
    // As PathCondition: every group of the ENI.
    for (const auto& g : n_.network_interfaces[eni].security_groups) {
      if (g.resolved()) read_.security_groups.push_back(g.index);
    }
  }
  void network_acl(const vpc::Packet&, Index acl, bool, vpc::Decision) override {
    read_.network_acls.push_back(acl);
  }
  void same_address(vpc::Origin, IpAddress, vpc::Origin, IpAddress) override {}
  void same_port(vpc::Origin, std::uint16_t, vpc::Origin, std::uint16_t) override {}

 private:
  const model::Network& n_;
  RulesRead& read_;
};

bdd pin(Compiled& c, IpAddress src, IpAddress dst) {
  return c.address_cube(Block::kSrc, src) & c.address_cube(Block::kDst, dst);
}

// `space` (which holds only packets from src to dst) over protocol and ports.
bdd unpin(Compiled& c, const bdd& space, IpAddress src, IpAddress dst) {
  return bdd_restrict(bdd_restrict(space, c.address_cube(Block::kDst, dst)),
                      c.address_cube(Block::kSrc, src));
}

}  // namespace

void explore_pinned_space(Compiled& c, const vpc::Endpoint& source,
                          const vpc::Endpoint& destination, IpAddress src, IpAddress dst,
                          const bdd& space, ReachResult& out, std::size_t max_walks) {
  bool done =
      walk_pinned(c, source, destination, src, dst, space, out.walks, max_walks, vpc::Detail::kFull,
                  [&](const bdd& packets, vpc::Trace t, const PathCondition& pc) {
                    Flow f;
                    f.packets = packets;
                    if (t.reachable) out.reachable |= f.packets;
                    if (t.verdict == vpc::Verdict::kInconclusive) out.inconclusive |= f.packets;
                    f.trace = std::move(t);
                    f.security_groups = pc.security_groups_read();
                    f.network_acls = pc.network_acls_read();
                    if (source.kind == vpc::EndpointKind::kNetworkInterface)
                      f.source_interface = source.index;
                    if (destination.kind == vpc::EndpointKind::kNetworkInterface)
                      f.destination_interface = destination.index;
                    out.flows.push_back(std::move(f));
                  });
  if (!done) out.truncated = true;
}

void explore_pinned(Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination,
                    IpAddress src, IpAddress dst, const bdd& space, ReachResult& out,
                    std::size_t max_walks) {
  ReachResult own;
  own.walks = out.walks;
  explore_pinned_space(c, source, destination, src, dst, unpin(c, space, src, dst), own, max_walks);
  const bdd addresses = pin(c, src, dst);
  out.walks = own.walks;
  out.truncated = out.truncated || own.truncated;
  out.reachable |= own.reachable & addresses;
  out.inconclusive |= own.inconclusive & addresses;
  for (auto& f : own.flows) {
    f.packets &= addresses;
    out.flows.push_back(std::move(f));
  }
}

bdd reachable_pinned(Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination,
                     IpAddress src, IpAddress dst, const bdd& space, std::size_t& walks) {
  return reachable_pinned_space(c, source, destination, src, dst, unpin(c, space, src, dst), walks);
}

bdd first_reachable(Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination,
                    const bdd& space, std::size_t& walks, RulesRead* read,
                    std::optional<std::pair<IpAddress, IpAddress>> addresses) {
  if (space == bddfalse) return bddfalse;
  // Without a path condition, which is what costs in a walk.
  Header h = HeaderSpace::pick(space);
  if (addresses) std::tie(h.src, h.dst) = *addresses;
  ++walks;
  std::optional<ReadRecorder> recorder;
  if (read) recorder.emplace(c.network(), *read);
  if (!vpc::trace_packet(c.network(), source, destination, h, recorder ? &*recorder : nullptr,
                         vpc::Detail::kVerdict)
           .reachable)
    return bddfalse;
  // Most pairs answer with the same first packet: its set is built once.
  static std::map<std::tuple<int, std::uint16_t, std::uint16_t>, bdd> cubes;
  auto [it, fresh] = cubes.try_emplace({h.protocol.number(), h.src_port, h.dst_port});
  if (fresh) {
    it->second = HeaderSpace::protocol(h.protocol.number()) &
                 HeaderSpace::port(Block::kSrcPort, h.src_port) &
                 HeaderSpace::port(Block::kDstPort, h.dst_port);
  }
  if (addresses) return space & it->second;
  return space & it->second & HeaderSpace::address(Block::kSrc, h.src) &
         HeaderSpace::address(Block::kDst, h.dst);
}

bdd reachable_pinned_space(Compiled& c, const vpc::Endpoint& source,
                           const vpc::Endpoint& destination, IpAddress src, IpAddress dst,
                           const bdd& space, std::size_t& walks, bool first, bdd* inconclusive,
                           RulesRead* read) {
  if (first && space != bddfalse) {
    bdd reached = first_reachable(c, source, destination, space, walks, read, std::pair{src, dst});
    if (reached != bddfalse) return reached;
  }
  bdd reachable = bddfalse;
  std::size_t limit = ~std::size_t{0};
  (void)walk_pinned(c, source, destination, src, dst, space, walks, limit, vpc::Detail::kVerdict,
                    [&](const bdd& packets, const vpc::Trace& t, const PathCondition& pc) {
                      if (read) read->add(pc.security_groups_read(), pc.network_acls_read());
                      if (inconclusive && t.verdict == vpc::Verdict::kInconclusive)
                        *inconclusive |= packets;
                      if (!t.reachable) return;
                      reachable |= packets;
                      if (first) limit = 0;  // walk_pinned checks it before the next walk
                    });
  return reachable;
}

ReachResult reach(Compiled& c, const Party& from, const Party& to, const ReachOptions& options) {
  const auto& n = c.network();
  ReachResult out;
  const auto destinations = endpoints(to);
  for (const auto& s : endpoints(from)) {
    bdd from_space = source_space(n, from, s, options);
    for (const auto& d : destinations) {
      if (!queried_pair(s, d)) continue;
      bdd space = from_space & party_addresses(n, to, d.index, false, Block::kDst);
      out.queried |= space;
      explore(c, s, d, space, out, options.max_walks);
      if (out.truncated) return out;
    }
  }
  return out;
}

}  // namespace cloudtwin::verify
