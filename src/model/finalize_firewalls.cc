// finalize() for AWS Network Firewall (shared/reference/aws-vpc-services.md §6): each firewall's
// endpoints become VPC endpoints of type kFirewall, route targets as AWS's are; policies and rule
// groups are linked; stateful rules' addresses and ports are resolved against the rule
// variables (HOME_NET defaulting to the firewall VPC's CIDR blocks) once, for the walker.
#include <algorithm>
#include <charconv>
#include <map>

#include "finalize_context.h"

namespace cloudtwin::model {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The items of "[a, b, [c, d]]" at its top level.
std::vector<std::string_view> list_items(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') ++depth;
    if (s[i] == ']') --depth;
    if (s[i] == ',' && depth == 0) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(trim(s.substr(start)));
  return out;
}

using Variables = std::map<std::string, std::vector<std::string>, std::less<>>;

// Suricata's address and port syntax, resolved against `vars`. An empty `in` is "any".
template <class Value, class ParseOne>
class SpecParser {
 public:
  SpecParser(const Variables& vars, ParseOne parse_one) : vars_(vars), parse_one_(parse_one) {}

  // Adds what `text` admits to `in` and what it excludes to `out`; false with `error_` set
  // when it cannot be read.
  bool parse(std::string_view text, std::vector<Value>& in, std::vector<Value>& out, bool negated,
             int depth) {
    text = trim(text);
    if (depth > 8) return fail("variables nest too deep");
    if (text.empty()) return fail("an empty address or port");
    if (text == "any") {
      if (negated) return fail("`!any` matches nothing");
      any_ = true;
      return true;
    }
    if (text.front() == '!') return parse(text.substr(1), in, out, !negated, depth + 1);
    if (text.front() == '[') {
      if (text.back() != ']') return fail("`" + std::string(text) + "` lacks its `]`");
      for (auto item : list_items(text.substr(1, text.size() - 2))) {
        if (!parse(item, in, out, negated, depth + 1)) return false;
      }
      return true;
    }
    if (text.front() == '$') {
      auto it = vars_.find(text.substr(1));
      if (it == vars_.end()) return fail("no rule variable `" + std::string(text.substr(1)) + "`");
      for (const auto& v : it->second) {
        if (!parse(v, in, out, negated, depth + 1)) return false;
      }
      return true;
    }
    auto v = parse_one_(text);
    if (!v) return fail("`" + std::string(text) + "` is no address or port Suricata reads");
    (negated ? out : in).push_back(*v);
    return true;
  }

  std::string error;
  bool any_ = false;

 private:
  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }
  const Variables& vars_;
  ParseOne parse_one_;
};

std::optional<Prefix> parse_address(std::string_view s) {
  if (auto p = Prefix::parse(s)) return p;
  if (auto a = IpAddress::parse(s)) return Prefix::host(*a);
  return std::nullopt;
}

std::optional<std::uint16_t> parse_port_number(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

// "80", "1024:65535", "1024:", ":1023".
std::optional<PortRange> parse_port(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos) {
    auto p = parse_port_number(s);
    if (!p) return std::nullopt;
    return PortRange::single(*p);
  }
  auto lo = colon == 0 ? std::optional<std::uint16_t>(0) : parse_port_number(s.substr(0, colon));
  auto hi = colon + 1 == s.size() ? std::optional<std::uint16_t>(65535)
                                  : parse_port_number(s.substr(colon + 1));
  if (!lo || !hi || *lo > *hi) return std::nullopt;
  return PortRange{*lo, *hi};
}

// Suricata's protocol keyword: IP protocols by number; an application-layer protocol is carried
// over TCP (UDP for those that run on it) and decided above layer 4.
void set_protocol(StatefulRule& r) {
  std::string p;
  for (char ch : r.protocol) p += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  r.application_layer = false;
  if (p == "ip" || p.empty()) {
    r.protocol_number = -1;
  } else if (p == "tcp" || p == "tcp-pkt" || p == "tcp-stream") {
    r.protocol_number = Protocol::kTcp;
  } else if (p == "udp") {
    r.protocol_number = Protocol::kUdp;
  } else if (p == "icmp") {
    r.protocol_number = Protocol::kIcmp;
  } else if (p == "icmpv6") {
    r.protocol_number = Protocol::kIcmpV6;
  } else {
    r.application_layer = true;
    static const char* kUdp[] = {"quic", "ntp", "dhcp", "tftp", "snmp", "ikev2", "sip"};
    bool udp = std::any_of(std::begin(kUdp), std::end(kUdp), [&](const char* u) { return p == u; });
    r.protocol_number = p == "dns" ? -1 : (udp ? Protocol::kUdp : Protocol::kTcp);
  }
}

}  // namespace

void materialise_firewall_endpoints(FinalizeContext& c) {
  Network& n = c.network();
  for (Index f = 0; f < n.firewalls.size(); ++f) {
    c.resolve(n.firewalls[f], n.firewalls[f].vpc, {Kind::kVpc});
    for (auto& s : n.firewalls[f].subnets) c.resolve(n.firewalls[f], s, {Kind::kSubnet});
    for (auto& e : n.firewalls[f].endpoints) c.resolve(n.firewalls[f], e.subnet, {Kind::kSubnet});
    Firewall& fw = n.firewalls[f];
    if (fw.endpoints.empty()) {
      // One endpoint per subnet (one per zone), as Network Firewall makes them.
      for (const auto& s : fw.subnets) {
        if (!s.resolved()) continue;
        FirewallEndpoint e;
        e.subnet = s;
        e.availability_zone = n.subnets[s.index].availability_zone;
        e.endpoint_id = "vpce-" + made_id_part(fw.id) + "-" + made_id_part(n.subnets[s.index].id);
        e.at = s.at;
        fw.endpoints.push_back(std::move(e));
      }
    }
    for (std::size_t k = 0; k < n.firewalls[f].endpoints.size(); ++k) {
      const Firewall& cur = n.firewalls[f];
      const FirewallEndpoint& e = cur.endpoints[k];
      if (!e.subnet.resolved() || !cur.vpc.resolved()) continue;
      if (n.find(e.endpoint_id, Kind::kVpcEndpoint)) continue;  // described as an endpoint too
      VpcEndpoint ep;
      ep.id = e.endpoint_id;
      ep.name = (cur.name.empty() ? cur.id : cur.name) + " in " +
                (e.availability_zone.empty() ? n.subnets[e.subnet.index].id : e.availability_zone);
      ep.at = e.at;
      ep.type = VpcEndpointType::kFirewall;
      ep.vpc = {n.vpcs[cur.vpc.index].id, e.at};
      ep.subnets.push_back({n.subnets[e.subnet.index].id, e.at});
      ep.service_name = "network-firewall " + cur.id;
      ep.firewall = f;
      n.vpc_endpoints.push_back(std::move(ep));
      c.add_key(Kind::kVpcEndpoint, static_cast<Index>(n.vpc_endpoints.size() - 1));
    }
  }
}

void resolve_firewalls(FinalizeContext& c) {
  Network& n = c.network();
  for (auto& fw : n.firewalls) c.resolve(fw, fw.policy, {Kind::kFirewallPolicy});
  // A rule group named by an ARN the inputs do not hold (an AWS managed group, one of another
  // stack) is unknown: kept unresolved, and answers through the policy are inconclusive
  // (FIREWALL_RULE_GROUP_UNKNOWN in the walker) rather than an error.
  auto resolve_group = [&](FirewallPolicy& p, FirewallRuleGroupReference& g) {
    if (g.rule_group.text.starts_with("arn:") &&
        !c.names_any(g.rule_group.text, {Kind::kFirewallRuleGroup})) {
      c.warning(p, g.at, "rule group `" + g.rule_group.text + "` is not in the inputs",
                "answers through firewalls with policy " + p.id +
                    " are inconclusive; add the rule group's definition to decide them");
      return;
    }
    c.resolve(p, g.rule_group, {Kind::kFirewallRuleGroup});
  };
  for (auto& p : n.firewall_policies) {
    for (auto& g : p.stateless_rule_groups) resolve_group(p, g);
    for (auto& g : p.stateful_rule_groups) resolve_group(p, g);
  }
}

void link_firewalls(FinalizeContext& c) {
  Network& n = c.network();
  for (auto& p : n.firewall_policies) {
    // HOME_NET defaults to the CIDR blocks of the VPC of the first firewall using the policy
    // (RulesSourceList, §6); a group shared by firewalls of several VPCs sees that one.
    Variables vars;
    for (const auto& fw : n.firewalls) {
      if (!fw.policy.resolved() || &n.firewall_policies[fw.policy.index] != &p || !fw.vpc.resolved())
        continue;
      for (const auto& b : n.vpcs[fw.vpc.index].cidr_blocks) vars["HOME_NET"].push_back(b.str());
      break;
    }
    if (vars.find("HOME_NET") == vars.end()) vars["HOME_NET"] = {"any"};
    for (const auto& v : p.variables) vars[v.name] = v.values;
    if (vars.find("EXTERNAL_NET") == vars.end()) vars["EXTERNAL_NET"] = {"any"};
    {
      SpecParser<Prefix, decltype(&parse_address)> sp(vars, &parse_address);
      p.home_net = {};
      if (!sp.parse("$HOME_NET", p.home_net.in, p.home_net.out, false, 0))
        c.error(p, p.at, "HOME_NET: " + sp.error);
      if (sp.any_) p.home_net.in.clear();
    }
    auto check_order = [&](const FirewallRuleGroupReference& ref, bool stateful) {
      if (!ref.rule_group.resolved()) return;
      const auto& g = n.firewall_rule_groups[ref.rule_group.index];
      if (g.stateful != stateful) {
        c.error(p, ref.at, "rule group " + g.id + " is " + (g.stateful ? "stateful" : "stateless") +
                               " but listed among the policy's " + (stateful ? "stateful" : "stateless") +
                               " groups");
      }
      // "Policy and group RuleOrder must agree."
      if (stateful && g.stateful && g.strict_order != p.strict_order) {
        c.error(p, ref.at, "rule group " + g.id + " uses " + (g.strict_order ? "strict" : "default") +
                               " rule order and the policy " + (p.strict_order ? "strict" : "default"),
                "give the policy and its stateful groups the same RuleOrder");
      }
    };
    for (const auto& r : p.stateless_rule_groups) check_order(r, false);
    for (const auto& r : p.stateful_rule_groups) check_order(r, true);
    for (const auto& ref : p.stateful_rule_groups) {
      if (!ref.rule_group.resolved()) continue;
      auto& g = n.firewall_rule_groups[ref.rule_group.index];
      Variables mine = vars;
      for (const auto& v : g.ip_sets) mine[v.name] = v.values;
      for (const auto& v : g.port_sets) mine[v.name] = v.values;
      for (auto& r : g.stateful_rules) {
        set_protocol(r);
        auto addresses = [&](const std::string& text, AddressMatch& m) {
          m = {};
          SpecParser<Prefix, decltype(&parse_address)> sp(mine, &parse_address);
          if (!sp.parse(text, m.in, m.out, false, 0)) {
            c.error(g, r.at, "rule " + (r.sid.empty() ? std::string() : "sid " + r.sid + " ") +
                                 "address `" + text + "`: " + sp.error);
          }
          if (sp.any_) m.in.clear();
        };
        auto ports = [&](const std::string& text, PortMatch& m) {
          m = {};
          SpecParser<PortRange, decltype(&parse_port)> sp(mine, &parse_port);
          if (!sp.parse(text, m.in, m.out, false, 0)) {
            c.error(g, r.at, "rule " + (r.sid.empty() ? std::string() : "sid " + r.sid + " ") +
                                 "port `" + text + "`: " + sp.error);
          }
          if (sp.any_) m.in.clear();
        };
        addresses(r.source, r.source_match);
        addresses(r.destination, r.destination_match);
        ports(r.source_port, r.source_port_match);
        ports(r.destination_port, r.destination_port_match);
      }
    }
  }
  for (const auto& fw : n.firewalls) {
    if (fw.policy.empty()) c.error(fw, fw.at, "a firewall needs a firewall policy");
    if (fw.subnets.empty() && fw.endpoints.empty())
      c.error(fw, fw.at, "a firewall needs a subnet (SubnetMappings)");
  }
}

}  // namespace cloudtwin::model
