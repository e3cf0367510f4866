// Access scopes as queries of reach(): each MatchPaths entry becomes the pairs of parties its
// Source and Destination stand for, explored within the packets its packet header statements
// admit; the flows whose forward path arrives, passes what ThroughResources names and matches
// no ExcludePaths entry are the findings. docs/access-scopes.md explains each choice.
#include "cloudtwin/verify/access_scope.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>

#include "cloudtwin/verify/reach.h"
#include "cloudtwin/verify/rows.h"

namespace cloudtwin::verify {

namespace {

using model::Index;
using model::Kind;
using model::kNone;

// A component a path passes: a forward hop of this type and, unless empty, this id.
struct Via {
  std::string type;
  std::string id;
};

// The component type a trace's hops give a resource of `kind`.
std::string hop_type(Kind kind) {
  return kind == Kind::kFirewall ? "NetworkFirewall" : model::kind_name(kind);
}

bool on_path(const vpc::Trace& t, const std::vector<Via>& any_of) {
  for (const auto& hop : t.forward) {
    for (const auto& v : any_of) {
      if (hop.component_type == v.type && (v.id.empty() || hop.component_id == v.id)) return true;
    }
  }
  return false;
}

// One side of a path: a party, and the components the path must pass at that end when the
// scope named a gateway rather than the party itself (an internet gateway stands for the
// internet entering or leaving through it).
struct End {
  Party party;
  std::vector<Via> via;  // empty: no condition
};

// Network Access Analyzer analyses TCP and UDP (packet-header-statement.html: "If you omit this
// field, packets with either the tcp or udp protocol are admitted").
bdd analysed_packets() {
  return HeaderSpace::well_formed() &
         (HeaderSpace::protocol(Protocol::kTcp) | HeaderSpace::protocol(Protocol::kUdp));
}

// Whether the request arrives (the reply need not: Network Access Analyzer analyses the path
// to the destination): reachable, blocked, or inconclusive when the forward walk met something
// cloudtwin cannot know and was not blocked for certain.
vpc::Verdict forward_arrives(const vpc::Trace& t) {
  if (t.reachable) return vpc::Verdict::kReachable;
  auto forward = [](const vpc::Explanation& e) { return e.path == "forward"; };
  if (std::any_of(t.explanations.begin(), t.explanations.end(), forward))
    return vpc::Verdict::kBlocked;
  return std::any_of(t.unknowns.begin(), t.unknowns.end(), forward) ? vpc::Verdict::kInconclusive
                                                                     : vpc::Verdict::kReachable;
}

// The header as it arrives: the last rewrite on the forward path.
cloudtwin::Header arrival(const vpc::Trace& t) {
  cloudtwin::Header h = t.header;
  for (const auto& hop : t.forward) {
    if (hop.outbound_header) h = *hop.outbound_header;
  }
  return h;
}

std::vector<std::string> components(const vpc::Trace& t) {
  std::vector<std::string> out;
  for (const auto& hop : t.forward) {
    std::string c =
        hop.component_id.empty() ? hop.component_type : hop.component_type + " " + hop.component_id;
    if (out.empty() || out.back() != c) out.push_back(std::move(c));
  }
  return out;
}

class ScopeCheck {
 public:
  ScopeCheck(Compiled& c, const model::AccessScope& scope, Diagnostics& d)
      : c_(c), n_(c.network()), scope_(scope), d_(d) {}

  std::vector<CheckResult> run() {
    const std::size_t errors = d_.error_count();
    // Resolve everything first so every unknown name is reported, then analyse.
    std::vector<Path> match, exclude;
    for (const auto& p : scope_.match_paths) match.push_back(resolve(p));
    for (const auto& p : scope_.exclude_paths) exclude.push_back(resolve(p));
    if (d_.error_count() > errors) return {};

    std::map<std::tuple<std::vector<std::string>, Index, Index>, Group> groups;
    std::map<std::tuple<std::vector<std::string>, Index, Index>, Group> doubtful;
    std::size_t walks = 0;
    bool truncated = false;
    for (const auto& m : match) {
      const bdd space = analysed_packets() & m.source_packets;
      for (const auto& s : m.sources) {
        for (const auto& t : m.destinations) {
          ReachOptions options;
          options.headers = space;
          options.any_source_port = m.any_source_port;
          options.max_walks = kMaxWalks - std::min(walks, kMaxWalks - 1);
          ReachResult r = reach(c_, s.party, t.party, options);
          walks += r.walks;
          truncated = truncated || r.truncated;
          for (const auto& f : r.flows) {
            const vpc::Verdict arrives = forward_arrives(f.trace);
            if (arrives == vpc::Verdict::kBlocked) continue;
            if (!s.via.empty() && !on_path(f.trace, s.via)) continue;
            if (!t.via.empty() && !on_path(f.trace, t.via)) continue;
            if (!through(m, f.trace)) continue;
            bdd found = f.packets & at_arrival(m.destination_packets, f.trace);
            for (const auto& x : exclude) {
              if (found == bddfalse) break;
              if (!ends_match(x.sources, s.party, f.source_interface, f.trace)) continue;
              if (!ends_match(x.destinations, t.party, f.destination_interface, f.trace)) continue;
              if (!through(x, f.trace)) continue;
              found &= !(x.source_packets & at_arrival(x.destination_packets, f.trace));
            }
            if (found == bddfalse) continue;
            auto& g = (arrives == vpc::Verdict::kReachable ? groups : doubtful)[{
                components(f.trace), f.source_interface, f.destination_interface}];
            if (g.packets == bddfalse) g.trace = f.trace;
            g.packets |= found;
          }
        }
      }
    }
    // Findings that depend on what cloudtwin cannot know count only when there is no certain
    // one: the scope is then neither clean nor violated.
    if (groups.empty() && !doubtful.empty() && !truncated) {
      CheckResult r = result(doubtful, walks, truncated);
      r.inconclusive = true;
      r.message = std::to_string(doubtful.size()) + " possible finding path" +
                  (doubtful.size() == 1 ? "" : "s") +
                  " whose verdict depends on what cloudtwin cannot know";
      return {r};
    }
    return {result(groups, walks, truncated)};
  }

 private:
  static constexpr std::size_t kMaxWalks = 1'000'000;
  static constexpr Kind kPreferred[] = {Kind::kInstance,
                                        Kind::kNetworkInterface,
                                        Kind::kSubnet,
                                        Kind::kVpc,
                                        Kind::kSecurityGroup,
                                        Kind::kInternetGateway,
                                        Kind::kEgressOnlyInternetGateway,
                                        Kind::kNatGateway,
                                        Kind::kTransitGatewayAttachment,
                                        Kind::kTransitGateway,
                                        Kind::kVpcPeeringConnection,
                                        Kind::kVpcEndpoint,
                                        Kind::kVpnGateway,
                                        Kind::kVpnConnection,
                                        Kind::kCustomerGateway,
                                        Kind::kDirectConnectGateway,
                                        Kind::kOnPremisesNetwork};

  struct Path {
    std::vector<End> sources;
    std::vector<End> destinations;
    bdd source_packets = bddtrue;           // the Source's packet header statement, as sent
    bdd destination_packets = bddtrue;      // the Destination's, as the packet arrives
    std::vector<std::vector<Via>> through;  // the path passes one of each
    // Source ports: the source's ephemeral range unless a statement names source ports
    // (docs/access-scopes.md).
    bool any_source_port = false;
  };

  struct Group {
    bdd packets = bddfalse;
    vpc::Trace trace;
  };

  // ---- resolution ------------------------------------------------------------------------

  Path resolve(const model::AccessScopePath& p) {
    Path out;
    auto side = [&](const std::optional<model::PathStatement>& s, std::uint8_t position,
                    std::vector<End>& ends, bdd& packets) {
      if (s && s->resource_statement) {
        ends = ends_of(*s->resource_statement, position);
      } else {
        ends = everything({});
      }
      if (s && s->packet_header_statement) {
        packets = header(*s->packet_header_statement);
        if (!s->packet_header_statement->source_ports.empty()) out.any_source_port = true;
      }
    };
    side(p.source, model::kScopeSource, out.sources, out.source_packets);
    side(p.destination, model::kScopeDestination, out.destinations, out.destination_packets);
    for (const auto& t : p.through_resources) out.through.push_back(through_of(t));
    return out;
  }

  // Every party of the network: all ENIs, the internet, each on-premises network.
  std::vector<End> everything(const std::vector<Via>& via) const {
    std::vector<End> out;
    End e;
    e.via = via;
    e.party.label = "any";
    for (Index i = 0; i < n_.network_interfaces.size(); ++i) e.party.interfaces.push_back(i);
    out.push_back(e);
    out.push_back(internet(via));
    for (Index o = 0; o < n_.on_premises_networks.size(); ++o) out.push_back(on_premises(o, via));
    return out;
  }

  End on_premises(Index o, std::vector<Via> via) const {
    End e;
    e.party.kind = Party::Kind::kOnPremises;
    e.party.on_premises = o;
    e.party.label = n_.on_premises_networks[o].label();
    e.via = std::move(via);
    return e;
  }

  End internet(std::vector<Via> via) const {
    End e;
    e.party.kind = Party::Kind::kInternet;
    e.party.label = "internet";
    e.via = std::move(via);
    return e;
  }

  // The on-premises networks behind a gateway or connection.
  std::vector<Index> on_premises_where(auto&& keep) const {
    std::vector<Index> out;
    for (Index o = 0; o < n_.on_premises_networks.size(); ++o) {
      if (keep(n_.on_premises_networks[o])) out.push_back(o);
    }
    return out;
  }
  bool uses_vpn(const model::OnPremisesNetwork& o, auto&& keep) const {
    return std::any_of(
        o.vpn_connections.begin(), o.vpn_connections.end(),
        [&](const model::Ref& r) { return r.resolved() && keep(n_.vpn_connections[r.index]); });
  }
  bool uses_dx(const model::OnPremisesNetwork& o, auto&& keep) const {
    return std::any_of(o.direct_connect_gateways.begin(), o.direct_connect_gateways.end(),
                       [&](const model::Ref& r) {
                         return r.resolved() && keep(n_.direct_connect_gateways[r.index]);
                       });
  }

  // The ENIs a resource stands for, or nullopt if it is not an ENI-like resource.
  std::optional<std::vector<Index>> interfaces_of(Kind kind, Index i) const {
    std::vector<Index> out;
    auto where = [&](auto&& keep) {
      for (Index e = 0; e < n_.network_interfaces.size(); ++e) {
        if (keep(n_.network_interfaces[e])) out.push_back(e);
      }
    };
    switch (kind) {
      case Kind::kInstance:
        return n_.instances[i].network_interfaces;
      case Kind::kNetworkInterface:
        return std::vector<Index>{i};
      case Kind::kSubnet:
        where([&](const model::NetworkInterface& e) { return e.subnet.index == i; });
        return out;
      case Kind::kVpc:
        where([&](const model::NetworkInterface& e) { return e.vpc == i; });
        return out;
      case Kind::kSecurityGroup:
        return n_.security_groups[i].members;
      default:
        return std::nullopt;
    }
  }

  // The ends one resource (kind, index; index kNone for every resource of the type) stands for
  // as a Source or Destination.
  void add_ends(Kind kind, Index i, std::vector<End>& out, std::vector<Index>& enis) const {
    const std::string id = i == kNone ? "" : n_.resource({kind, i}).id;
    const std::vector<Via> via{{hop_type(kind), id}};
    auto all_on_premises = [&](auto&& keep) {
      for (Index o : on_premises_where(keep)) out.push_back(on_premises(o, via));
    };
    switch (kind) {
      case Kind::kInstance:
      case Kind::kNetworkInterface:
      case Kind::kSubnet:
      case Kind::kVpc:
      case Kind::kSecurityGroup:
        if (i == kNone) {
          for (Index e = 0; e < n_.network_interfaces.size(); ++e) {
            if (kind != Kind::kInstance || n_.network_interfaces[e].instance.resolved())
              enis.push_back(e);
          }
        } else {
          auto list = interfaces_of(kind, i);
          enis.insert(enis.end(), list->begin(), list->end());
        }
        return;
      case Kind::kInternetGateway:
      case Kind::kEgressOnlyInternetGateway:
        out.push_back(internet(via));
        return;
      case Kind::kOnPremisesNetwork:
        out.push_back(on_premises(i, {}));
        return;
      case Kind::kVpnGateway:
        // The networks behind a virtual private gateway: over its VPN connections, and over
        // Direct Connect gateways associated with it.
        all_on_premises([&](const model::OnPremisesNetwork& o) {
          return i == kNone ||
                 uses_vpn(
                     o, [&](const model::VpnConnection& v) { return v.vpn_gateway.index == i; }) ||
                 uses_dx(o, [&](const model::DirectConnectGateway& g) {
                   return g.associated_with_vpn_gateway(i);
                 });
        });
        return;
      case Kind::kDirectConnectGateway:
        all_on_premises([&](const model::OnPremisesNetwork& o) {
          return i == kNone || uses_dx(o, [&](const model::DirectConnectGateway& g) {
                   return &g == &n_.direct_connect_gateways[i];
                 });
        });
        return;
      case Kind::kVpnConnection:
        all_on_premises([&](const model::OnPremisesNetwork& o) {
          return i == kNone || uses_vpn(o, [&](const model::VpnConnection& v) {
                   return &v == &n_.vpn_connections[i];
                 });
        });
        return;
      case Kind::kCustomerGateway:
        all_on_premises([&](const model::OnPremisesNetwork& o) {
          return i == kNone || uses_vpn(o, [&](const model::VpnConnection& v) {
                   return v.customer_gateway.index == i;
                 });
        });
        return;
      case Kind::kTransitGatewayAttachment:
        if (i != kNone) {
          const auto& a = n_.transit_gateway_attachments[i];
          if (a.type == model::AttachmentType::kVpn) {
            all_on_premises([&](const model::OnPremisesNetwork& o) {
              return uses_vpn(o, [&](const model::VpnConnection& v) {
                return &v == &n_.vpn_connections[a.vpn_connection.index];
              });
            });
            return;
          }
          if (a.type == model::AttachmentType::kDirectConnectGateway) {
            all_on_premises([&](const model::OnPremisesNetwork& o) {
              return uses_dx(o, [&](const model::DirectConnectGateway& g) {
                return &g == &n_.direct_connect_gateways[a.direct_connect_gateway.index];
              });
            });
            return;
          }
        }
        [[fallthrough]];
      default: {
        // A component in the middle of the network (peering connection, transit gateway,
        // endpoint): paths that pass it, from or to anything.
        auto all = everything(via);
        out.insert(out.end(), all.begin(), all.end());
        return;
      }
    }
  }

  std::vector<End> ends_of(const model::ResourceStatement& r, std::uint8_t position) {
    std::vector<End> out;
    std::vector<Index> enis;
    for (const auto& t : r.resource_types) {
      const auto* type = model::scope_resource_type(t.value);
      if (type && type->kind) add_ends(*type->kind, kNone, out, enis);
    }
    for (const auto& res : r.resources) {
      auto key = find(res, position);
      if (key) add_ends(key->kind, key->index, out, enis);
    }
    std::sort(enis.begin(), enis.end());
    enis.erase(std::unique(enis.begin(), enis.end()), enis.end());
    if (!enis.empty()) {
      End e;
      e.party.interfaces = std::move(enis);
      e.party.label = "interfaces";
      out.insert(out.begin(), std::move(e));
    }
    return out;
  }

  std::vector<Via> through_of(const model::ResourceStatement& r) {
    std::vector<Via> out;
    for (const auto& t : r.resource_types) {
      const auto* type = model::scope_resource_type(t.value);
      if (!type || !type->kind) continue;
      if (*type->kind == Kind::kLoadBalancer) {
        // AWS::ElasticLoadBalancing::LoadBalancer is a Classic Load Balancer, the V2 type the
        // others: the load balancers of that family, by id (none: no path passes one).
        const bool classic = !t.value.starts_with("AWS::ElasticLoadBalancingV2::");
        for (const auto& lb : n_.load_balancers) {
          if ((lb.type == model::LoadBalancerType::kClassic) == classic)
            out.push_back({"LoadBalancer", lb.id});
        }
        continue;
      }
      out.push_back({hop_type(*type->kind), ""});
    }
    for (const auto& res : r.resources) {
      if (auto key = find(res, model::kScopeThrough)) {
        out.push_back({hop_type(key->kind), n_.resource(*key).id});
      }
    }
    return out;
  }

  // The resource `res` names (an id, a name, an alias or an ARN), checked against the
  // positions Network Access Analyzer allows it in; a located error if none.
  std::optional<model::ResourceKey> find(const model::Located<std::string>& res,
                                         std::uint8_t position) {
    std::string_view text = res.value;
    if (text.starts_with("arn:")) {
      // arn:aws:ec2:region:account:subnet/subnet-0abc: the id follows the last slash.
      const auto slash = text.rfind('/');
      if (slash != std::string_view::npos) text.remove_prefix(slash + 1);
    }
    // A name several resources share (an instance and its ENI) means the first kind here.
    std::optional<model::ResourceKey> key;
    for (Kind k : kPreferred) {
      if (auto i = n_.find(text, k)) {
        key = model::ResourceKey{k, *i};
        break;
      }
    }
    if (!key) key = n_.find(text);
    if (!key) {
      std::vector<std::string_view> names;
      for (const auto& [name, k] : n_.by_id) names.push_back(name);
      const std::string best = closest_match(text, names);
      error(res.at, "the network holds nothing named `" + std::string(text) + "`",
            best.empty() ? "name a resource by its id, Name tag or logical id"
                         : "did you mean `" + best + "`?");
      return std::nullopt;
    }
    std::uint8_t allowed = 0;
    if (key->kind == Kind::kOnPremisesNetwork) allowed = model::kScopeEnds;
    for (const auto& t : model::kScopeResourceTypes) {
      if (t.kind == key->kind) allowed = t.positions;
    }
    if (!(allowed & position)) {
      error(res.at,
            std::string(model::kind_name(key->kind)) + " `" + std::string(text) +
                "` cannot stand in " + model::scope_positions_text(position),
            allowed
                ? "it may stand in " + model::scope_positions_text(allowed)
                : "name an instance, network interface, subnet, VPC, security group or gateway");
      return std::nullopt;
    }
    return key;
  }

  bdd prefix_list(const model::Located<std::string>& res, Block b) {
    std::string_view text = res.value;
    if (text.starts_with("arn:")) {
      const auto slash = text.rfind('/');
      if (slash != std::string_view::npos) text.remove_prefix(slash + 1);
    }
    std::optional<Index> i = n_.find(text, Kind::kPrefixList);
    for (Index p = 0; !i && p < n_.prefix_lists.size(); ++p) {
      if (n_.prefix_lists[p].prefix_list_name == text) i = p;
    }
    if (!i) {
      std::vector<std::string_view> names;
      for (const auto& p : n_.prefix_lists) {
        names.push_back(p.id);
        if (!p.prefix_list_name.empty()) names.push_back(p.prefix_list_name);
      }
      const std::string best = closest_match(text, names);
      error(res.at, "the network holds no prefix list `" + std::string(text) + "`",
            best.empty() ? "name a managed prefix list by its id (pl-...) or name"
                         : "did you mean `" + best + "`?");
      return bddfalse;
    }
    return HeaderSpace::addresses(b, n_.prefix_lists[*i].entries);
  }

  bdd header(const model::PacketHeaderStatement& h) {
    bdd out = bddtrue;
    auto any_address = [&](const auto& list, Block b) {
      if (list.empty()) return;
      std::vector<Prefix> prefixes;
      for (const auto& a : list) prefixes.push_back(a.value);
      out &= HeaderSpace::addresses(b, std::move(prefixes));
    };
    auto any_list = [&](const auto& list, Block b) {
      if (list.empty()) return;
      bdd x = bddfalse;
      for (const auto& p : list) x |= prefix_list(p, b);
      out &= x;
    };
    auto any_port = [&](const auto& list, Block b) {
      if (list.empty()) return;
      bdd x = bddfalse;
      for (const auto& p : list) x |= HeaderSpace::port(b, p.value);
      out &= x;
    };
    any_address(h.source_addresses, Block::kSrc);
    any_address(h.destination_addresses, Block::kDst);
    any_list(h.source_prefix_lists, Block::kSrc);
    any_list(h.destination_prefix_lists, Block::kDst);
    any_port(h.source_ports, Block::kSrcPort);
    any_port(h.destination_ports, Block::kDstPort);
    if (!h.protocols.empty()) {
      bdd x = bddfalse;
      for (const auto& p : h.protocols) x |= HeaderSpace::protocol(p.value.number());
      out &= x;
    }
    return out;
  }

  void error(Location at, std::string message, std::string hint) {
    // A statement is resolved once per use (as an end and to name the path), so say it once
    // per file.
    for (const auto& item : d_.items()) {
      if (item.file == scope_.file && item.line == at.line && item.column == at.column &&
          item.message == message)
        return;
    }
    d_.error(scope_.file, at, scope_.name, std::move(message), std::move(hint));
  }

  // ---- matching --------------------------------------------------------------------------

  static bool through(const Path& p, const vpc::Trace& t) {
    return std::all_of(p.through.begin(), p.through.end(),
                       [&](const std::vector<Via>& any) { return on_path(t, any); });
  }

  // Whether the end of a flow (the party it was explored from, and its ENI when it is one)
  // is one of `ends`.
  static bool ends_match(const std::vector<End>& ends, const Party& party, Index eni,
                         const vpc::Trace& t) {
    return std::any_of(ends.begin(), ends.end(), [&](const End& e) {
      if (e.party.kind != party.kind) return false;
      switch (party.kind) {
        case Party::Kind::kInterfaces:
          // ends_of() and everything() keep the list sorted.
          if (!std::binary_search(e.party.interfaces.begin(), e.party.interfaces.end(), eni)) {
            return false;
          }
          break;
        case Party::Kind::kInternet:
          break;
        case Party::Kind::kOnPremises:
          if (e.party.on_premises != party.on_premises) return false;
          break;
      }
      return e.via.empty() || on_path(t, e.via);
    });
  }

  // A Destination statement speaks of the packet as it arrives: fields the path rewrote
  // (NAT, an internet gateway's address translation) take their arrival value, which is the
  // same for every packet of a flow.
  static bdd at_arrival(const bdd& statement, const vpc::Trace& t) {
    if (statement == bddtrue) return statement;
    const cloudtwin::Header sent = t.header;
    const cloudtwin::Header got = arrival(t);
    bdd s = statement;
    if (got.src != sent.src) s = bdd_restrict(s, HeaderSpace::value(Block::kSrc, got.src.bits()));
    if (got.dst != sent.dst) s = bdd_restrict(s, HeaderSpace::value(Block::kDst, got.dst.bits()));
    if (got.src_port != sent.src_port)
      s = bdd_restrict(s, HeaderSpace::value(Block::kSrcPort, got.src_port));
    if (got.dst_port != sent.dst_port)
      s = bdd_restrict(s, HeaderSpace::value(Block::kDstPort, got.dst_port));
    return s;
  }

  // ---- result ----------------------------------------------------------------------------

  CheckResult result(
      const std::map<std::tuple<std::vector<std::string>, Index, Index>, Group>& groups,
      std::size_t walks, bool truncated) const {
    CheckResult r;
    r.id = scope_.name;
    r.kind = "access-scope";
    r.at = scope_.at;
    r.description = "no path matches " + std::to_string(scope_.match_paths.size()) +
                    " MatchPaths entr" + (scope_.match_paths.size() == 1 ? "y" : "ies") +
                    " outside " + std::to_string(scope_.exclude_paths.size()) +
                    " ExcludePaths entr" + (scope_.exclude_paths.size() == 1 ? "y" : "ies");
    for (const auto& [key, g] : groups) {
      const auto& [path, source, destination] = key;
      for (auto row : rows_of(g.packets)) {
        row.source_interface = source;
        row.destination_interface = destination;
        row.example = nullptr;
        r.rows.push_back(std::move(row));
        r.paths.push_back(path);
        r.counterexamples.push_back(g.trace);
      }
    }
    r.passed = groups.empty() && !truncated;
    if (truncated) {
      r.message =
          "the analysis stopped after " + std::to_string(walks) + " walks; findings may be missing";
    } else if (groups.empty()) {
      r.message = "no findings (" + std::to_string(walks) + " classes of packets analysed)";
    } else {
      r.message = std::to_string(groups.size()) + " finding path" + (groups.size() == 1 ? "" : "s");
    }
    return r;
  }

  Compiled& c_;
  const model::Network& n_;
  const model::AccessScope& scope_;
  Diagnostics& d_;
};

}  // namespace

std::vector<CheckResult> check_access_scope(Compiled& c, const model::AccessScope& scope,
                                            Diagnostics& diagnostics) {
  HeaderSpace::init();
  return ScopeCheck(c, scope, diagnostics).run();
}

std::vector<CheckResult> check_access_scope(Compiled& c, const model::AccessScope& scope) {
  Diagnostics d;
  auto results = check_access_scope(c, scope, d);
  if (!d.has_errors()) return results;
  CheckResult r;
  r.id = scope.name;
  r.kind = "access-scope";
  r.at = scope.at;
  r.passed = false;
  r.description = "invalid scope: it names what the network does not hold";
  for (const auto& item : d.items()) {
    if (!r.message.empty()) r.message += "; ";
    r.message += item.str();
  }
  return {r};
}

}  // namespace cloudtwin::verify
