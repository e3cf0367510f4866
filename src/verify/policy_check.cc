// Each rule is one reach() per pair of parties; what it forbids (or misses) is a subset of the
// flows, narrowed by a header set, and every row of that subset gets a trace of a packet inside
// it (re-walked when the flow's own representative lies outside the row).
#include "cloudtwin/verify/policy_check.h"

#include <algorithm>
#include <unordered_set>

#include "cloudtwin/verify/incremental.h"
#include "cloudtwin/verify/reach.h"
#include "cloudtwin/verify/rows.h"

namespace cloudtwin::verify {

using model::Expectation;
using model::Index;
using model::Kind;

namespace {

struct KindPrefix {
  std::string_view prefix;
  Kind kind;
};
constexpr KindPrefix kWaypointPrefixes[] = {
    {"vpc/", Kind::kVpc},
    {"subnet/", Kind::kSubnet},
    {"sg/", Kind::kSecurityGroup},
    {"instance/", Kind::kInstance},
    {"eni/", Kind::kNetworkInterface},
    {"tgw/", Kind::kTransitGateway},
    {"tgw-attachment/", Kind::kTransitGatewayAttachment},
    {"tgw-rtb/", Kind::kTransitGatewayRouteTable},
    {"nat/", Kind::kNatGateway},
    {"igw/", Kind::kInternetGateway},
    {"eigw/", Kind::kEgressOnlyInternetGateway},
    {"peering/", Kind::kVpcPeeringConnection},
    {"endpoint/", Kind::kVpcEndpoint},
    {"vgw/", Kind::kVpnGateway},
    {"vpn/", Kind::kVpnConnection},
    {"dxgw/", Kind::kDirectConnectGateway},
    {"onprem/", Kind::kOnPremisesNetwork},
    {"acl/", Kind::kNetworkAcl},
    {"rtb/", Kind::kRouteTable},
};

// What a path must cross: the ids of every component that counts as being inside it.
struct Waypoint {
  std::string label;
  std::unordered_set<std::string> ids;
};

struct ResolvedRule {
  std::vector<Party> from;
  std::vector<Party> to;
  std::vector<Waypoint> through;
};

void add_interface(const model::Network& n, Index eni, Waypoint& w) {
  const auto& iface = n.network_interfaces[eni];
  w.ids.insert(iface.id);
  if (iface.instance.resolved()) w.ids.insert(n.instances[iface.instance.index].id);
}

Waypoint waypoint_of(const model::Network& n, model::ResourceKey key, std::string label) {
  Waypoint w;
  w.label = std::move(label);
  w.ids.insert(n.resource(key).id);
  const Index i = key.index;
  switch (key.kind) {
    case Kind::kVpc: {
      auto in = [&](const model::Ref& r) { return r.index == i; };
      for (const auto& x : n.subnets)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.route_tables)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.internet_gateways)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.egress_only_internet_gateways)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.security_groups)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.network_acls)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.vpc_endpoints)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.vpn_gateways)
        if (in(x.vpc)) w.ids.insert(x.id);
      for (const auto& x : n.transit_gateway_attachments) {
        if (x.type == model::AttachmentType::kVpc && in(x.vpc)) w.ids.insert(x.id);
      }
      for (const auto& x : n.nat_gateways)
        if (x.vpc == i) w.ids.insert(x.id);
      for (Index e = 0; e < n.network_interfaces.size(); ++e) {
        if (n.network_interfaces[e].vpc == i) add_interface(n, e, w);
      }
      break;
    }
    case Kind::kSubnet: {
      auto in = [&](const model::Ref& r) { return r.index == i; };
      auto any_in = [&](const std::vector<model::Ref>& refs) {
        return std::any_of(refs.begin(), refs.end(), in);
      };
      for (const auto& x : n.nat_gateways)
        if (in(x.subnet)) w.ids.insert(x.id);
      // A transit gateway attachment or interface endpoint has a network interface in each of
      // its subnets; crossing it counts for each.
      for (const auto& x : n.transit_gateway_attachments)
        if (any_in(x.subnets)) w.ids.insert(x.id);
      for (const auto& x : n.vpc_endpoints)
        if (any_in(x.subnets)) w.ids.insert(x.id);
      for (Index e = 0; e < n.network_interfaces.size(); ++e) {
        if (in(n.network_interfaces[e].subnet)) add_interface(n, e, w);
      }
      break;
    }
    case Kind::kInstance:
      for (Index e : n.instances[i].network_interfaces) add_interface(n, e, w);
      break;
    case Kind::kNetworkInterface:
      add_interface(n, i, w);
      break;
    case Kind::kSecurityGroup:
      for (Index e : n.security_groups[i].members) add_interface(n, e, w);
      break;
    default:
      break;
  }
  return w;
}

// Resolves a `through:` name; on failure, reports it and returns nullopt.
std::optional<Waypoint> resolve_waypoint(const model::Network& n, const model::PolicyName& name,
                                         const model::PolicyRule& rule, const std::string& path,
                                         Diagnostics& d) {
  std::string_view text = name.text;
  std::optional<Kind> only;
  for (const auto& kp : kWaypointPrefixes) {
    if (text.starts_with(kp.prefix)) {
      text.remove_prefix(kp.prefix.size());
      only = kp.kind;
      break;
    }
  }
  if (only) {
    if (auto i = n.find(text, *only)) return waypoint_of(n, {*only, *i}, name.text);
  } else if (auto key = n.find(text)) {
    return waypoint_of(n, *key, name.text);
  } else {
    std::string kinds;
    for (const auto& kp : kWaypointPrefixes) {
      if (n.find(text, kp.kind))
        kinds += (kinds.empty() ? "" : " or ") + std::string(kp.prefix) + name.text;
    }
    if (!kinds.empty()) {
      d.error(path, name.at, rule.name, "`" + name.text + "` names more than one resource",
              "say which: " + kinds);
      return std::nullopt;
    }
  }
  std::vector<std::string_view> candidates;
  for (const auto& [key, k] : n.by_id) {
    if (!only || k.kind == *only) candidates.push_back(key);
  }
  auto best = closest_match(text, candidates);
  d.error(path, name.at, rule.name, "`through`: nothing named `" + name.text + "` in the network",
          best.empty() ? "name a VPC, subnet, instance, transit gateway, NAT gateway or other "
                         "resource by id or name (vpc/NAME, subnet/NAME, tgw/NAME...)"
                       : "did you mean `" + best + "`?");
  return std::nullopt;
}

std::optional<ResolvedRule> resolve(const model::Network& n, const model::PolicyRule& rule,
                                    const std::string& path, Diagnostics& d) {
  ResolvedRule r;
  bool ok = true;
  auto parties = [&](const std::vector<model::PolicyName>& names, const char* field,
                     std::vector<Party>& out) {
    for (const auto& name : names) {
      auto p = parse_party(n, name.text);
      if (!p.party) {
        d.error(path, name.at, rule.name, std::string("`") + field + "`: " + p.error, p.hint);
        ok = false;
        continue;
      }
      out.push_back(std::move(*p.party));
    }
  };
  parties(rule.from, "from", r.from);
  parties(rule.to, "to", r.to);
  for (const auto& name : rule.through) {
    auto w = resolve_waypoint(n, name, rule, path, d);
    if (!w) {
      ok = false;
      continue;
    }
    r.through.push_back(std::move(*w));
  }
  if (!ok) return std::nullopt;
  return r;
}

bdd with_ports() {
  return HeaderSpace::protocol(Protocol::kTcp) | HeaderSpace::protocol(Protocol::kUdp);
}

// The packets a rule is about.
ReachOptions reach_options(const model::PolicyRule& rule, std::size_t max_walks) {
  ReachOptions o;
  o.max_walks = max_walks;
  const int protocol = rule.protocol ? rule.protocol->number() : Protocol::kAll;
  o.headers = HeaderSpace::protocol(protocol);
  if (!rule.ports.empty()) {
    // Ports without a protocol mean TCP and UDP, as for `cloudtwin reach --port`.
    if (protocol == Protocol::kAll) o.headers = with_ports();
    bdd ports = bddfalse;
    for (const auto& p : rule.ports) ports |= HeaderSpace::port(Block::kDstPort, p);
    o.headers &= ports;
  }
  o.any_source_port = rule.any_source_port;
  if (rule.source_ports) {
    o.headers &= (!with_ports()) | HeaderSpace::port(Block::kSrcPort, *rule.source_ports);
  }
  return o;
}

bdd allowed_set(const model::PolicyRule& rule) {
  bdd allowed = bddfalse;
  for (const auto& a : rule.allow) {
    bdd b = HeaderSpace::protocol(a.protocol.number());
    if (a.ports) b &= HeaderSpace::port(Block::kDstPort, *a.ports);
    allowed |= b;
  }
  return allowed;
}

bool passes_through(const vpc::Trace& t, const std::vector<Waypoint>& through) {
  for (const auto& h : t.forward) {
    for (const auto& w : through) {
      if (w.ids.contains(h.component_id)) return true;
    }
  }
  return false;
}

// The headers a row stands for (a box; an over-approximation where the row is not exact).
bdd box_of(const Row& r, bool with_addresses) {
  bdd b = bddfalse;
  for (auto [lo, hi] : r.protocols) {
    for (int p = lo; p <= hi; ++p) b |= HeaderSpace::protocol(p);
  }
  auto ports = [&](Block block, const std::vector<PortRange>& list) {
    if (list.empty()) return;
    bdd s = bddfalse;
    for (const auto& p : list) s |= HeaderSpace::port(block, p);
    b &= s;
  };
  ports(Block::kDstPort, r.destination_ports);
  ports(Block::kSrcPort, r.source_ports);
  if (!with_addresses) return b;
  auto addresses = [&](Block block, const std::vector<Prefix>& list) {
    if (list.empty()) return;
    bdd s = bddfalse;
    for (const auto& p : list) s |= HeaderSpace::address(block, p);
    b &= s;
  };
  addresses(Block::kSrc, r.sources);
  addresses(Block::kDst, r.destinations);
  return b;
}

// A trace of one packet inside the row: the flow's own when its representative is inside,
// else a fresh walk (every packet of a flow takes the same path, so it decides alike).
vpc::Trace counterexample(Compiled& c, const Row& row, const Party& from, const Party& to) {
  const Flow& f = *row.example;
  bdd inside = f.packets & box_of(row, true);
  if (inside == bddfalse) inside = f.packets & box_of(row, false);
  if (inside == bddfalse) inside = f.packets;
  const Header& own = f.trace.header;
  const bdd own_header = HeaderSpace::protocol(own.protocol.number()) &
                         HeaderSpace::address(Block::kSrc, own.src) &
                         HeaderSpace::address(Block::kDst, own.dst) &
                         HeaderSpace::port(Block::kDstPort, own.dst_port) &
                         HeaderSpace::port(Block::kSrcPort, own.src_port);
  if ((inside & own_header) != bddfalse) return f.trace;
  const Header h = HeaderSpace::pick(inside);
  return vpc::trace_packet(c.network(), party_endpoint(from, f.source_interface),
                           party_endpoint(to, f.destination_interface), h, nullptr);
}

std::string labels(const std::vector<model::PolicyName>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n.text;
  return out;
}

std::string packets_text(const model::PolicyRule& rule) {
  std::string out;
  if (rule.protocol && !rule.protocol->is_all()) out = rule.protocol->str();
  if (!rule.ports.empty()) {
    if (out.empty()) out = "tcp/udp";
    out += " " + ports_text(rule.ports);
  }
  if (rule.protocol && rule.protocol->is_all() && out.empty()) out = "every protocol";
  return out;
}

std::string describe(const model::PolicyRule& rule) {
  const std::string from = labels(rule.from);
  const std::string to = labels(rule.to);
  const std::string packets = packets_text(rule);
  const std::string on = packets.empty() ? "" : " (" + packets + ")";
  switch (rule.expect) {
    case Expectation::kIsolated:
      return from + " -> " + to + ": nothing reaches" + on;
    case Expectation::kReachable:
      return from + " -> " + to + ": every packet reaches" + on;
    case Expectation::kOnly: {
      std::string allow;
      for (const auto& a : rule.allow) allow += (allow.empty() ? "" : ", ") + a.text;
      return from + " -> " + to + ": only " + allow + on;
    }
    case Expectation::kThrough:
      return from + " -> " + to + ": every path through " + labels(rule.through) + on;
  }
  return "";
}

std::string rows_word(std::size_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

CheckResult check_rule(Compiled& c, const model::PolicyRule& rule, const ResolvedRule& resolved,
                       const PolicyCheckOptions& options) {
  CheckResult out;
  out.id = rule.name;
  out.kind = model::expectation_name(rule.expect);
  out.description = rule.description.empty() ? describe(rule) : rule.description;
  out.at = rule.at;
  const ReachOptions ro = reach_options(rule, options.max_walks);
  const bdd allowed = rule.expect == Expectation::kOnly ? allowed_set(rule) : bddtrue;
  // The verdict that violates the rule: reaching, or (for `reachable`) being blocked.
  const vpc::Verdict violating =
      rule.expect == Expectation::kReachable ? vpc::Verdict::kBlocked : vpc::Verdict::kReachable;
  std::size_t total_rows = 0;
  std::size_t classes = 0;
  bool anything_reaches = false;
  bool truncated = false;
  // The packets that might violate it, but whose verdict depends on what cloudtwin cannot
  // know: shown when nothing violates it for certain.
  std::vector<Row> doubtful;
  std::vector<vpc::Trace> doubtful_traces;
  std::size_t doubtful_rows = 0;
  for (const auto& from : resolved.from) {
    for (const auto& to : resolved.to) {
      // Counterexamples are the representative pairs' traces: real walks with the verdict of
      // every packet in their rows.
      // Only the flows of the violating verdict (and inconclusive ones) make rows.
      ReachResult r =
          reach_by_class(c, from, to, ro,
                         violating == vpc::Verdict::kReachable ? vpc::Verdict::kBlocked
                                                               : vpc::Verdict::kReachable);
      classes += r.flows.size() + r.left_out;
      anything_reaches = anything_reaches || r.reachable != bddfalse;
      truncated = truncated || r.truncated;
      ReachResult bad;
      for (auto& f : r.flows) {
        if (f.trace.verdict != violating && f.trace.verdict != vpc::Verdict::kInconclusive)
          continue;
        if (rule.expect == Expectation::kOnly) {
          f.packets &= !allowed;
          if (f.packets == bddfalse) continue;
        }
        // A packet seen passing through on the part of its path cloudtwin can follow does
        // pass through, whatever happens after.
        if (rule.expect == Expectation::kThrough && passes_through(f.trace, resolved.through)) {
          continue;
        }
        bad.flows.push_back(std::move(f));
      }
      auto found = rows(bad, violating);
      total_rows += found.size();
      for (auto& row : found) {
        if (out.rows.size() >= options.max_rows) break;
        if (row.example) out.counterexamples.push_back(counterexample(c, row, from, to));
        row.example = nullptr;
        out.rows.push_back(std::move(row));
      }
      auto unknown = rows(bad, vpc::Verdict::kInconclusive);
      doubtful_rows += unknown.size();
      for (auto& row : unknown) {
        if (doubtful.size() >= options.max_rows) break;
        if (row.example) doubtful_traces.push_back(counterexample(c, row, from, to));
        row.example = nullptr;
        doubtful.push_back(std::move(row));
      }
    }
  }
  out.passed = total_rows == 0 && !truncated;
  if (out.passed && (doubtful_rows > 0 || classes == 0)) {
    out.passed = false;
    out.inconclusive = true;
    if (classes == 0) {
      out.message = "checks nothing: no packet goes from " + labels(rule.from) + " to " +
                    labels(rule.to) +
                    " (a party has no network interfaces, or both are the same single one)";
      return out;
    }
    out.rows = std::move(doubtful);
    out.counterexamples = std::move(doubtful_traces);
    const std::string shown = doubtful_rows > out.rows.size()
                                  ? " (the first " + std::to_string(out.rows.size()) + " shown)"
                                  : "";
    out.message = "no packet violates it for certain, but the verdict of " +
                  rows_word(doubtful_rows) + " of packets depends on what cloudtwin cannot know" +
                  shown + " (" + std::to_string(classes) + " classes of packets checked)";
    return out;
  }
  const std::string shown = total_rows > out.rows.size()
                                ? " (the first " + std::to_string(out.rows.size()) + " shown)"
                                : "";
  const std::string checked = std::to_string(classes) + " classes of packets checked";
  if (truncated) {
    out.passed = false;
    out.message = "could not finish: the search stopped after " +
                  std::to_string(options.max_walks) + " walks per pair; " +
                  (total_rows ? rows_word(total_rows) + " of violations found so far"
                              : "no violation found so far");
    return out;
  }
  switch (rule.expect) {
    case Expectation::kIsolated:
      out.message = out.passed
                        ? "nothing reaches (" + checked + ")"
                        : "expected nothing to reach, but " + rows_word(total_rows) +
                              (total_rows == 1 ? " of packets does" : " of packets do") + shown;
      break;
    case Expectation::kReachable:
      out.message = out.passed ? "every packet reaches (" + checked + ")"
                               : "expected every packet to reach, but " + rows_word(total_rows) +
                                     (total_rows == 1 ? " of packets is blocked"
                                                      : " of packets are blocked") +
                                     shown;
      break;
    case Expectation::kOnly:
      out.message =
          out.passed
              ? (anything_reaches ? "only allowed traffic reaches (" : "nothing reaches (") +
                    checked + ")"
              : rows_word(total_rows) + " of packets outside what `allow` lists reach" + shown;
      break;
    case Expectation::kThrough:
      out.message = out.passed
                        ? (anything_reaches
                               ? "every reaching packet passes through " + labels(rule.through)
                               : "nothing reaches, so nothing bypasses " + labels(rule.through)) +
                              " (" + checked + ")"
                        : rows_word(total_rows) + " of packets reach without passing through " +
                              labels(rule.through) + shown;
      break;
  }
  return out;
}

}  // namespace

std::vector<CheckResult> check_policy(Compiled& c, const model::Policy& policy,
                                      Diagnostics& diagnostics, const PolicyCheckOptions& options) {
  std::vector<ResolvedRule> resolved;
  bool ok = true;
  for (const auto& rule : policy.rules) {
    auto r = resolve(c.network(), rule, policy.path, diagnostics);
    ok = ok && r.has_value();
    if (r) resolved.push_back(std::move(*r));
  }
  if (!ok) return {};
  std::vector<CheckResult> out;
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    out.push_back(check_rule(c, policy.rules[i], resolved[i], options));
  }
  return out;
}

}  // namespace cloudtwin::verify
