// The native YAML writer: a small tree of YAML values per resource, rendered in flow style where
// an item fits on a line, and what finalize() adds left out so the reader adds it again.
#include "cloudtwin/load/native_yaml_writer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "route53_names.h"

namespace cloudtwin::load {
namespace {

using model::Index;
using model::Kind;
using model::kNone;
using model::ResourceKey;

constexpr std::size_t kWidth = 100;
constexpr std::uint32_t kDefaultAmazonAsn = 64512;
constexpr std::uint32_t kDefaultCustomerAsn = 65000;
constexpr PortRange kLinuxEphemeralPorts{32768, 60999};
constexpr PortRange kWindowsEphemeralPorts{49152, 65535};
constexpr std::string_view kUnknownTarget = "unknown";

// ---- scalars --------------------------------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// What a YAML 1.1 or 1.2 parser would read as a number (including 1:20 sexagesimals, 0x..,
// .inf) or a date. cloudtwin's reader takes any scalar as text, but other tools read the file too.
bool looks_like_number(std::string_view s) {
  if (s.size() >= 8 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
      s[4] == '-') {
    return true;  // a timestamp
  }
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (s.empty()) return false;
  const std::string l = lower(s);
  if (l == ".inf" || l == ".nan" || l == "inf" || l == "nan") return true;
  if (l.size() > 1 && l[0] == '0' && (l[1] == 'x' || l[1] == 'o' || l[1] == 'b')) return true;
  bool digit = false;
  int dots = 0;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    if (is_digit(s[i])) {
      digit = true;
    } else if (s[i] == '.') {
      ++dots;
    } else if (s[i] != '_' && s[i] != ':') {
      break;
    }
  }
  if (!digit || dots > 1) return false;
  if (i == s.size()) return true;
  if (s[i] != 'e' && s[i] != 'E') return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i == s.size() && i > start;
}

bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  // Characters that start YAML syntax, and those that end a plain scalar in flow style.
  constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(s.front()) != std::string_view::npos) return true;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) return true;
    if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#') return true;
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return true;
  }
  constexpr std::string_view kWords[] = {"~",  "null", "true", "false", "yes", "no",
                                         "on", "off",  "y",    "n",     "<<",  "="};
  const std::string l = lower(s);
  if (std::find(std::begin(kWords), std::end(kWords), l) != std::end(kWords)) return true;
  return looks_like_number(s);
}

std::string double_quoted(std::string_view s) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;  // UTF-8 passes through
        }
    }
  }
  return out + "\"";
}

std::string scalar(std::string_view s) {
  return needs_quotes(s) ? double_quoted(s) : std::string(s);
}

// ---- the output tree ------------------------------------------------------------------------

struct Yaml {
  enum class Type : std::uint8_t { kScalar, kList, kMap };
  Type type = Type::kScalar;
  std::string text;                    // kScalar: as written in the file (quoted if need be)
  std::vector<Yaml> items;             // kList; kMap: the values
  std::vector<std::string_view> keys;  // kMap

  static Yaml map() { return {Type::kMap, {}, {}, {}}; }
  static Yaml list() { return {Type::kList, {}, {}, {}}; }
  static Yaml raw(std::string text) { return {Type::kScalar, std::move(text), {}, {}}; }
  static Yaml str(std::string_view s) { return raw(scalar(s)); }
  template <class T>
  static Yaml num(T n) {
    return raw(std::to_string(n));
  }

  Yaml& set(std::string_view key, Yaml value) {
    keys.push_back(key);
    items.push_back(std::move(value));
    return *this;
  }
  void push(Yaml value) { items.push_back(std::move(value)); }
};

Yaml str(std::string_view s) { return Yaml::str(s); }
Yaml prefix(const Prefix& p) { return Yaml::str(p.str()); }
Yaml address(const IpAddress& a) { return Yaml::str(a.str()); }
Yaml boolean(bool b) { return Yaml::raw(b ? "true" : "false"); }

template <class T, class F>
Yaml list_of(const std::vector<T>& values, F&& item) {
  Yaml l = Yaml::list();
  for (const auto& v : values) l.push(item(v));
  return l;
}
Yaml prefixes(const std::vector<Prefix>& ps) { return list_of(ps, prefix); }
Yaml addresses(const std::vector<IpAddress>& as) { return list_of(as, address); }

void flow(const Yaml& y, std::string& out) {
  switch (y.type) {
    case Yaml::Type::kScalar:
      out += y.text;
      return;
    case Yaml::Type::kList:
      out += '[';
      for (std::size_t i = 0; i < y.items.size(); ++i) {
        if (i) out += ", ";
        flow(y.items[i], out);
      }
      out += ']';
      return;
    case Yaml::Type::kMap:
      out += '{';
      for (std::size_t i = 0; i < y.items.size(); ++i) {
        if (i) out += ", ";
        out += y.keys[i];
        out += ": ";
        flow(y.items[i], out);
      }
      out += '}';
      return;
  }
}

std::string flow(const Yaml& y) {
  std::string s;
  flow(y, s);
  return s;
}

bool is_list_of_maps(const Yaml& y) {
  return y.type == Yaml::Type::kList && !y.items.empty() &&
         y.items.front().type == Yaml::Type::kMap;
}

// Lists of rules, routes and entries are written one item a line, as people write them.
bool wants_block(const Yaml& y) {
  return is_list_of_maps(y) || (y.type == Yaml::Type::kMap &&
                                std::any_of(y.items.begin(), y.items.end(), is_list_of_maps));
}

void block_map(const Yaml& m, std::size_t indent, bool first_inline, std::string& out);

void list_item(const Yaml& item, std::size_t indent, std::string& out) {
  out.append(indent, ' ');
  out += "- ";
  if (item.type == Yaml::Type::kMap && !item.items.empty()) {
    std::string f = flow(item);
    if (!wants_block(item) && indent + 2 + f.size() <= kWidth) {
      out += f;
      out += '\n';
    } else {
      block_map(item, indent + 2, /*first_inline=*/true, out);
    }
    return;
  }
  flow(item, out);
  out += '\n';
}

void field(std::string_view key, const Yaml& v, std::size_t indent, std::string& out) {
  out += key;
  out += ':';
  if (v.type != Yaml::Type::kScalar && !v.items.empty()) {
    std::string f = flow(v);
    if (wants_block(v) || indent + key.size() + 2 + f.size() > kWidth) {
      out += '\n';
      if (v.type == Yaml::Type::kList) {
        for (const auto& item : v.items) list_item(item, indent + 2, out);
      } else {
        block_map(v, indent + 2, /*first_inline=*/false, out);
      }
      return;
    }
  }
  out += ' ';
  flow(v, out);
  out += '\n';
}

void block_map(const Yaml& m, std::size_t indent, bool first_inline, std::string& out) {
  for (std::size_t i = 0; i < m.items.size(); ++i) {
    if (i > 0 || !first_inline) out.append(indent, ' ');
    field(m.keys[i], m.items[i], indent, out);
  }
}

// ---- the network ----------------------------------------------------------------------------

std::string id_suffix(const std::string& id) {
  auto dash = id.find('-');
  return dash == std::string::npos ? id : id.substr(dash + 1);
}

std::string label(const model::Resource& r) { return r.name.empty() ? r.id : r.name; }

template <class F>
void each_list(const model::Network& n, F&& f) {
  f(Kind::kVpc, n.vpcs);
  f(Kind::kSubnet, n.subnets);
  f(Kind::kRouteTable, n.route_tables);
  f(Kind::kInternetGateway, n.internet_gateways);
  f(Kind::kEgressOnlyInternetGateway, n.egress_only_internet_gateways);
  f(Kind::kNatGateway, n.nat_gateways);
  f(Kind::kElasticIp, n.elastic_ips);
  f(Kind::kNetworkInterface, n.network_interfaces);
  f(Kind::kInstance, n.instances);
  f(Kind::kSecurityGroup, n.security_groups);
  f(Kind::kNetworkAcl, n.network_acls);
  f(Kind::kPrefixList, n.prefix_lists);
  f(Kind::kVpcPeeringConnection, n.vpc_peering_connections);
  f(Kind::kTransitGateway, n.transit_gateways);
  f(Kind::kTransitGatewayRouteTable, n.transit_gateway_route_tables);
  f(Kind::kTransitGatewayAttachment, n.transit_gateway_attachments);
  f(Kind::kVpcEndpoint, n.vpc_endpoints);
  f(Kind::kVpnGateway, n.vpn_gateways);
  f(Kind::kCustomerGateway, n.customer_gateways);
  f(Kind::kVpnConnection, n.vpn_connections);
  f(Kind::kDirectConnectGateway, n.direct_connect_gateways);
  f(Kind::kDirectConnectConnection, n.direct_connect_connections);
  f(Kind::kDirectConnectLag, n.direct_connect_lags);
  f(Kind::kVirtualInterface, n.virtual_interfaces);
  f(Kind::kOnPremisesNetwork, n.on_premises_networks);
  f(Kind::kLoadBalancer, n.load_balancers);
  f(Kind::kListener, n.listeners);
  f(Kind::kListenerRule, n.listener_rules);
  f(Kind::kTargetGroup, n.target_groups);
  f(Kind::kAutoScalingGroup, n.auto_scaling_groups);
  f(Kind::kLaunchTemplate, n.launch_templates);
  f(Kind::kVpcEndpointService, n.vpc_endpoint_services);
  f(Kind::kFirewall, n.firewalls);
  f(Kind::kFirewallPolicy, n.firewall_policies);
  f(Kind::kFirewallRuleGroup, n.firewall_rule_groups);
}

// The most frequent of `values` (the first seen on a tie); `fallback` if there are none.
std::string most_common(const std::vector<std::string>& values, const std::string& fallback) {
  std::string best = fallback;
  std::size_t best_count = 0;
  std::map<std::string, std::size_t> counts;
  for (const auto& v : values) {
    if (v.empty()) continue;
    if (auto c = ++counts[v]; c > best_count) {
      best_count = c;
      best = v;
    }
  }
  return best;
}

class Writer {
 public:
  explicit Writer(const model::Network& n, std::vector<NativeYamlEntry>* entries = nullptr)
      : n_(n), entries_(entries) {}

  std::string run() {
    index_names();
    plan_made_by_finalize();
    std::vector<std::string> accounts, regions;
    for (const auto& v : n_.vpcs) {
      accounts.push_back(v.account);
      regions.push_back(v.region);
    }
    for (const auto& t : n_.transit_gateways) {
      accounts.push_back(t.account);
      regions.push_back(t.region);
    }
    account_ = most_common(accounts, n_.default_account);
    region_ = most_common(regions, n_.default_region);

    std::string out;
    out += "account: " + double_quoted(account_) + "\n";
    out += "region: " + scalar(region_) + "\n";
    section(out, "vpcs", n_.vpcs, &Writer::vpc);
    section(out, "subnets", n_.subnets, &Writer::subnet);
    section(out, "route_tables", n_.route_tables, &Writer::route_table);
    section(out, "internet_gateways", n_.internet_gateways, &Writer::internet_gateway);
    section(out, "egress_only_internet_gateways", n_.egress_only_internet_gateways,
            &Writer::egress_only_internet_gateway);
    section(out, "nat_gateways", n_.nat_gateways, &Writer::nat_gateway);
    section(out, "elastic_ips", n_.elastic_ips, &Writer::elastic_ip);
    plan_instance_shorthands();
    section(out, "instances", n_.instances, &Writer::instance);
    section(out, "network_interfaces", n_.network_interfaces, &Writer::network_interface);
    section(out, "security_groups", n_.security_groups, &Writer::security_group);
    section(out, "network_acls", n_.network_acls, &Writer::network_acl);
    section(out, "prefix_lists", n_.prefix_lists, &Writer::prefix_list);
    section(out, "vpc_peering_connections", n_.vpc_peering_connections, &Writer::peering);
    section(out, "transit_gateways", n_.transit_gateways, &Writer::transit_gateway);
    section(out, "transit_gateway_route_tables", n_.transit_gateway_route_tables,
            &Writer::transit_gateway_route_table);
    section(out, "transit_gateway_attachments", n_.transit_gateway_attachments,
            &Writer::transit_gateway_attachment);
    section(out, "vpc_endpoints", n_.vpc_endpoints, &Writer::vpc_endpoint);
    section(out, "vpn_gateways", n_.vpn_gateways, &Writer::vpn_gateway);
    section(out, "customer_gateways", n_.customer_gateways, &Writer::customer_gateway);
    section(out, "vpn_connections", n_.vpn_connections, &Writer::vpn_connection);
    section(out, "direct_connect_gateways", n_.direct_connect_gateways,
            &Writer::direct_connect_gateway);
    section(out, "direct_connect_connections", n_.direct_connect_connections,
            &Writer::direct_connect_connection);
    section(out, "direct_connect_lags", n_.direct_connect_lags, &Writer::direct_connect_lag);
    section(out, "virtual_interfaces", n_.virtual_interfaces, &Writer::virtual_interface);
    section(out, "on_premises_networks", n_.on_premises_networks, &Writer::on_premises_network);
    // In the order the reader takes them.
    plan_listeners();
    section(out, "launch_templates", n_.launch_templates, &Writer::launch_template);
    section(out, "target_groups", n_.target_groups, &Writer::target_group);
    section(out, "load_balancers", n_.load_balancers, &Writer::load_balancer);
    section(out, "auto_scaling_groups", n_.auto_scaling_groups, &Writer::auto_scaling_group);
    section(out, "vpc_endpoint_services", n_.vpc_endpoint_services, &Writer::vpc_endpoint_service);
    section(out, "firewall_rule_groups", n_.firewall_rule_groups, &Writer::firewall_rule_group);
    section(out, "firewall_policies", n_.firewall_policies, &Writer::firewall_policy);
    section(out, "firewalls", n_.firewalls, &Writer::firewall);
    section(out, "health_checks", n_.health_checks, &Writer::health_check);
    section(out, "cidr_collections", n_.cidr_collections, &Writer::cidr_collection);
    section(out, "delegation_sets", n_.delegation_sets, &Writer::delegation_set);
    section(out, "hosted_zones", n_.hosted_zones, &Writer::hosted_zone);
    section(out, "cache_policies", n_.cache_policies, &Writer::cache_policy);
    section(out, "origin_request_policies", n_.origin_request_policies,
            &Writer::origin_request_policy);
    section(out, "response_headers_policies", n_.response_headers_policies,
            &Writer::response_headers_policy);
    section(out, "cloudfront_public_keys", n_.public_keys, &Writer::public_key);
    section(out, "cloudfront_key_groups", n_.key_groups, &Writer::key_group);
    section(out, "cloudfront_distributions", n_.distributions, &Writer::distribution);
    aliases(out);
    return out;
  }

 private:
  // Writes one list; a resource's writer returns nullopt for what finalize() will add again.
  template <class T>
  void section(std::string& out, std::string_view key, const std::vector<T>& list,
               std::optional<Yaml> (Writer::*write)(const T&, Index)) {
    Yaml items = Yaml::list();
    for (Index i = 0; i < list.size(); ++i) {
      auto y = (this->*write)(list[i], i);
      if (!y) continue;
      if (entries_) {
        NativeYamlEntry e{std::string(key), list[i].id, list[i].name, list[i].at, {}};
        list_item(*y, 2, e.text);
        entries_->push_back(std::move(e));
      }
      items.push(std::move(*y));
    }
    if (items.items.empty()) return;
    out += '\n';
    out += key;
    out += ":\n";
    for (const auto& item : items.items) list_item(item, 2, out);
  }

  // ---- references --------------------------------------------------------------------------

  // Every id, name and alias, and the resources each names: a reference is written as a name
  // only where the reader will resolve it to the same resource.
  void index_names() {
    std::map<std::pair<Kind, std::string_view>, Index> ids;
    each_list(n_, [&](Kind kind, const auto& list) {
      for (Index i = 0; i < list.size(); ++i) {
        names_[list[i].id].push_back({kind, i});
        if (!list[i].name.empty() && list[i].name != list[i].id) {
          names_[list[i].name].push_back({kind, i});
        }
        ids.emplace(std::make_pair(kind, std::string_view(list[i].id)), i);
      }
    });
    for (const auto& a : n_.aliases) {
      auto it = ids.find({a.kind, a.id});
      if (it != ids.end()) names_[a.alias].push_back({a.kind, it->second});
    }
  }

  bool names_only(std::string_view text, ResourceKey key, std::initializer_list<Kind> kinds) const {
    auto it = names_.find(text);
    if (it == names_.end()) return false;
    for (const auto& k : it->second) {
      if (std::find(kinds.begin(), kinds.end(), k.kind) == kinds.end()) continue;
      if (k.kind != key.kind || k.index != key.index) return false;
    }
    return true;
  }

  // `r` as text: the name of what it resolved to when that is unambiguous among `kinds` (what
  // the field accepts), else its id; an unresolved reference as written.
  std::string ref_text(const model::Ref& r, Kind kind, std::initializer_list<Kind> kinds) const {
    if (!r.resolved()) return r.text;
    const auto& target = n_.resource({kind, r.index});
    // `local` and `self` mean something else where a reference is expected.
    if (!target.name.empty() && target.name != "local" && target.name != "self" &&
        names_only(target.name, {kind, r.index}, kinds)) {
      return target.name;
    }
    return target.id;
  }
  Yaml ref(const model::Ref& r, Kind kind, std::initializer_list<Kind> kinds) const {
    return str(ref_text(r, kind, kinds));
  }
  Yaml ref(const model::Ref& r, Kind kind) const { return ref(r, kind, {kind}); }
  Yaml refs(const std::vector<model::Ref>& rs, Kind kind) const {
    return list_of(rs, [&](const model::Ref& r) { return ref(r, kind); });
  }
  void set_ref(Yaml& m, std::string_view key, const model::Ref& r, Kind kind) const {
    if (!r.empty()) m.set(key, ref(r, kind));
  }
  void set_refs(Yaml& m, std::string_view key, const std::vector<model::Ref>& rs, Kind kind) const {
    if (!rs.empty()) m.set(key, refs(rs, kind));
  }

  // `id` and `name`; the id only when the reader would not make it from the name.
  static Yaml resource(const model::Resource& r, std::string_view id_prefix) {
    Yaml m = Yaml::map();
    if (r.name.empty() || r.id != std::string(id_prefix) + r.name) m.set("id", str(r.id));
    if (!r.name.empty()) m.set("name", str(r.name));
    return m;
  }

  void set_account_region(Yaml& m, const std::string& account, const std::string& region) const {
    if (!account.empty() && account != account_)
      m.set("account", Yaml::raw(double_quoted(account)));
    if (!region.empty() && region != region_) m.set("region", str(region));
  }

  // ---- VPCs and what lives in them ---------------------------------------------------------

  std::optional<Yaml> vpc(const model::Vpc& v, Index) {
    Yaml m = resource(v, "vpc-");
    set_account_region(m, v.account, v.region);
    if (!v.cidr_blocks.empty()) m.set("cidr_block", prefix(v.cidr_blocks.front()));
    if (v.cidr_blocks.size() > 1) {
      m.set("secondary_cidr_blocks",
            prefixes(std::vector<Prefix>(v.cidr_blocks.begin() + 1, v.cidr_blocks.end())));
    }
    if (!v.ipv6_cidr_blocks.empty()) m.set("ipv6_cidr_blocks", prefixes(v.ipv6_cidr_blocks));
    if (!v.enable_dns_support) m.set("enable_dns_support", boolean(false));
    return m;
  }

  // An explicit association written on the table or ACL is written there, not again here.
  template <class T>
  bool listed_by(const std::vector<T>& owners, Index subnet) const {
    return std::any_of(owners.begin(), owners.end(), [&](const T& o) {
      return std::any_of(o.subnets.begin(), o.subnets.end(),
                         [&](const model::Ref& r) { return r.index == subnet; });
    });
  }

  std::optional<Yaml> subnet(const model::Subnet& s, Index i) {
    Yaml m = resource(s, "subnet-");
    set_ref(m, "vpc", s.vpc, Kind::kVpc);
    if (!s.availability_zone.empty()) m.set("availability_zone", str(s.availability_zone));
    if (s.cidr_block) m.set("cidr_block", prefix(*s.cidr_block));
    if (s.ipv6_cidr_block) m.set("ipv6_cidr_block", prefix(*s.ipv6_cidr_block));
    if (!s.route_table.empty() && !listed_by(n_.route_tables, i)) {
      m.set("route_table", ref(s.route_table, Kind::kRouteTable));
    }
    if (!s.network_acl.empty() && !listed_by(n_.network_acls, i)) {
      m.set("network_acl", ref(s.network_acl, Kind::kNetworkAcl));
    }
    return m;
  }

  // The main route table finalize() adds to a VPC written without one.
  bool added_main_route_table(const model::RouteTable& rt, Index r) const {
    if (!rt.main || !rt.vpc.resolved() || !rt.subnets.empty() || !rt.gateways.empty() ||
        !rt.propagating_vgws.empty()) {
      return false;
    }
    const auto& v = n_.vpcs[rt.vpc.index];
    if (v.main_route_table != r || rt.id != "rtb-main-" + id_suffix(v.id) ||
        rt.name != label(v) + "-main") {
      return false;
    }
    if (std::any_of(rt.routes.begin(), rt.routes.end(),
                    [](const model::Route& route) { return !route.implicit; })) {
      return false;
    }
    // Nothing written can name it: references are resolved before it exists.
    for (const auto& s : n_.subnets) {
      if (s.route_table.index == r) return false;
    }
    for (const auto& e : n_.vpc_endpoints) {
      for (const auto& t : e.route_tables) {
        if (t.index == r) return false;
      }
    }
    return true;
  }

  std::optional<Yaml> route_table(const model::RouteTable& rt, Index r) {
    if (added_main_route_table(rt, r)) return std::nullopt;
    Yaml m = resource(rt, "rtb-");
    set_ref(m, "vpc", rt.vpc, Kind::kVpc);
    if (rt.main) m.set("main", boolean(true));
    set_refs(m, "subnets", rt.subnets, Kind::kSubnet);
    if (!rt.gateways.empty()) {
      m.set("gateways", list_of(rt.gateways, [&](const model::Ref& g) {
              return ref(g, kind_of_gateway(g), {Kind::kInternetGateway, Kind::kVpnGateway});
            }));
    }
    set_refs(m, "propagating_vgws", rt.propagating_vgws, Kind::kVpnGateway);
    Yaml routes = Yaml::list();
    for (const auto& route : rt.routes) {
      // Gateway endpoint routes are added again from the endpoint's route_tables.
      if (!route.implicit) routes.push(this->route(route));
    }
    if (!routes.items.empty()) m.set("routes", std::move(routes));
    return m;
  }

  // An edge association names an internet or virtual private gateway; the reference does not
  // say which, so look its text up as finalize() did.
  Kind kind_of_gateway(const model::Ref& g) const {
    if (auto it = names_.find(g.text); it != names_.end()) {
      for (const auto& k : it->second) {
        if ((k.kind == Kind::kInternetGateway || k.kind == Kind::kVpnGateway) &&
            k.index == g.index) {
          return k.kind;
        }
      }
    }
    return Kind::kInternetGateway;
  }

  Yaml route(const model::Route& route) const {
    using model::TargetKind;
    Yaml m = Yaml::map();
    if (route.destination) {
      m.set("destination", prefix(*route.destination));
    } else if (!route.destination_prefix_list.empty()) {
      m.set("destination_prefix_list", ref(route.destination_prefix_list, Kind::kPrefixList));
    }
    // `gateway`, like AWS's GatewayId, takes any of these (finalize() resolves it so).
    const std::initializer_list<Kind> kGateways = {Kind::kInternetGateway, Kind::kVpnGateway,
                                                   Kind::kVpcEndpoint,
                                                   Kind::kEgressOnlyInternetGateway};
    const auto& t = route.target;
    switch (route.target_kind) {
      case TargetKind::kLocal:
        m.set("gateway", Yaml::raw("local"));
        break;
      case TargetKind::kInternetGateway: {
        auto text = ref_text(t, Kind::kInternetGateway, kGateways);
        m.set(t.resolved() && text != "local" ? "gateway" : "internet_gateway", str(text));
        break;
      }
      case TargetKind::kEgressOnlyInternetGateway:
        m.set("egress_only_internet_gateway", ref(t, Kind::kEgressOnlyInternetGateway));
        break;
      case TargetKind::kNatGateway:
        m.set("nat_gateway", ref(t, Kind::kNatGateway));
        break;
      case TargetKind::kTransitGateway:
        m.set("transit_gateway", ref(t, Kind::kTransitGateway));
        break;
      case TargetKind::kVpcPeeringConnection:
        m.set("vpc_peering_connection", ref(t, Kind::kVpcPeeringConnection));
        break;
      case TargetKind::kNetworkInterface:
        m.set("network_interface", ref(t, Kind::kNetworkInterface));
        break;
      case TargetKind::kInstance:
        m.set("instance", ref(t, Kind::kInstance));
        break;
      case TargetKind::kVpcEndpoint:
        m.set("vpc_endpoint", ref(t, Kind::kVpcEndpoint, kGateways));
        break;
      case TargetKind::kVpnGateway:
        m.set("vpn_gateway", ref(t, Kind::kVpnGateway, kGateways));
        break;
      case TargetKind::kUnsupported:
        // Any of the three keys reads back as a target cloudtwin does not model. A reader may
        // not know the target's id (a firewall endpoint of another stack); the format needs one.
        m.set(t.text.starts_with("lgw-")   ? "local_gateway"
              : t.text.starts_with("arn:") ? "core_network_arn"
                                           : "carrier_gateway",
              str(t.text.empty() ? kUnknownTarget : t.text));
        break;
    }
    if (route.blackhole) m.set("state", Yaml::raw("blackhole"));
    if (!route.unknown.empty()) m.set("unknown", str(route.unknown));
    return m;
  }

  std::optional<Yaml> internet_gateway(const model::InternetGateway& g, Index) {
    Yaml m = resource(g, "igw-");
    set_ref(m, "vpc", g.vpc, Kind::kVpc);
    return m;
  }

  std::optional<Yaml> egress_only_internet_gateway(const model::EgressOnlyInternetGateway& g,
                                                   Index) {
    Yaml m = resource(g, "eigw-");
    set_ref(m, "vpc", g.vpc, Kind::kVpc);
    return m;
  }

  std::optional<Yaml> nat_gateway(const model::NatGateway& g, Index) {
    Yaml m = resource(g, "nat-");
    set_ref(m, "subnet", g.subnet, Kind::kSubnet);
    if (g.private_connectivity) m.set("connectivity_type", Yaml::raw("private"));
    if (g.private_ip) m.set("private_ip", address(*g.private_ip));
    // finalize() copies the Elastic IP's address; the reference says it.
    if (g.public_ip && g.elastic_ip.empty()) m.set("public_ip", address(*g.public_ip));
    set_ref(m, "elastic_ip", g.elastic_ip, Kind::kElasticIp);
    if (g.state != "available") m.set("state", str(g.state));
    return m;
  }

  std::optional<Yaml> elastic_ip(const model::ElasticIp& e, Index) {
    Yaml m = resource(e, "eipalloc-");
    m.set("public_ip", address(e.public_ip));
    // finalize() associates a load balancer node's Elastic IP with the node's interface it makes.
    if (!made_eni(e.network_interface)) {
      set_ref(m, "network_interface", e.network_interface, Kind::kNetworkInterface);
    }
    set_ref(m, "instance", e.instance, Kind::kInstance);
    if (e.private_ip) m.set("private_ip", address(*e.private_ip));
    return m;
  }

  // ---- instances and interfaces ------------------------------------------------------------

  // An instance's primary interface is written inline (`subnet:` on the instance) when the
  // reader would make the same interface from it: its id and name follow the instance's, and
  // the reader, which adds inline interfaces first and in instance order, keeps the order.
  void plan_instance_shorthands() {
    inline_eni_.assign(n_.instances.size(), kNone);
    Index last = kNone;
    for (Index e = 0; e < n_.network_interfaces.size(); ++e) {
      const auto& eni = n_.network_interfaces[e];
      if (!eni.instance.resolved() || eni.subnet.empty()) break;
      const Index i = eni.instance.index;
      if (last != kNone && i <= last) break;
      const auto& inst = n_.instances[i];
      if (inst.auto_scaling_group != kNone) break;  // a representative, made by finalize()
      const std::string id = "eni-" + (inst.id.starts_with("i-") ? inst.id.substr(2) : inst.id);
      if (eni.id != id || eni.name != inst.name || eni.interface_type != "interface" ||
          eni.status != "in-use" || inst.network_interfaces.empty() ||
          inst.network_interfaces.front() != e) {
        break;
      }
      inline_eni_[i] = e;
      last = i;
      first_listed_eni_ = e + 1;
    }
  }

  void interface_fields(Yaml& m, const model::NetworkInterface& eni, bool inline_form) const {
    set_ref(m, "subnet", eni.subnet, Kind::kSubnet);
    if (eni.private_ips.size() == 1) m.set("private_ip", address(eni.private_ips.front()));
    if (eni.private_ips.size() > 1) m.set("private_ips", addresses(eni.private_ips));
    if (!eni.ipv6_addresses.empty()) m.set("ipv6_addresses", addresses(eni.ipv6_addresses));
    if (eni.public_ip) m.set("public_ip", address(*eni.public_ip));
    // finalize() gives an interface without groups its VPC's default group.
    const bool default_group =
        eni.vpc != kNone && eni.security_groups.size() == 1 &&
        eni.security_groups.front().index == n_.vpcs[eni.vpc].default_security_group;
    if (!default_group) set_refs(m, "security_groups", eni.security_groups, Kind::kSecurityGroup);
    if (!eni.source_dest_check) m.set("source_dest_check", boolean(false));
    if (inline_form && eni.ephemeral_ports == kWindowsEphemeralPorts) {
      m.set("os", Yaml::raw("windows"));
    } else if (eni.ephemeral_ports != kLinuxEphemeralPorts) {
      m.set("ephemeral_ports", Yaml::raw(eni.ephemeral_ports.str()));
    }
  }

  std::optional<Yaml> instance(const model::Instance& inst, Index i) {
    if (inst.auto_scaling_group != kNone) return std::nullopt;  // its group makes it again
    Yaml m = resource(inst, "i-");
    if (inst.state != "running") m.set("state", str(inst.state));
    if (inline_eni_[i] != kNone) {
      interface_fields(m, n_.network_interfaces[inline_eni_[i]], /*inline_form=*/true);
    }
    return m;
  }

  std::optional<Yaml> network_interface(const model::NetworkInterface& eni, Index e) {
    if (e < first_listed_eni_) return std::nullopt;  // written with its instance
    if (made_eni_[e]) return std::nullopt;           // finalize() makes it again
    Yaml m = resource(eni, "eni-");
    interface_fields(m, eni, /*inline_form=*/false);
    set_ref(m, "instance", eni.instance, Kind::kInstance);
    if (eni.interface_type != "interface") m.set("interface_type", str(eni.interface_type));
    if (eni.status != "in-use") m.set("status", str(eni.status));
    return m;
  }

  // ---- security groups and network ACLs ----------------------------------------------------

  static void ports(Yaml& m, Protocol p, PortRange range, int icmp_type, int icmp_code) {
    if (p.has_ports()) {
      if (range.from == range.to) {
        m.set("port", Yaml::num(range.from));
      } else {
        m.set("ports", Yaml::raw(range.str()));
      }
    } else if (p.is_icmp() && icmp_type != -1) {
      m.set("icmp_type", Yaml::num(icmp_type));
      if (icmp_code != -1) m.set("icmp_code", Yaml::num(icmp_code));
    }
  }

  Yaml rule(const model::SecurityGroupRule& r, Index group) const {
    Yaml m = Yaml::map();
    m.set("protocol", Yaml::raw(r.protocol.str()));
    ports(m, r.protocol, r.ports, r.icmp_type, r.icmp_code);
    if (r.cidr) m.set("cidr", prefix(*r.cidr));
    set_ref(m, "prefix_list", r.prefix_list, Kind::kPrefixList);
    if (r.security_group.resolved() && r.security_group.index == group) {
      m.set("security_group", Yaml::raw("self"));
    } else {
      set_ref(m, "security_group", r.security_group, Kind::kSecurityGroup);
    }
    if (!r.description.empty()) m.set("description", str(r.description));
    if (!r.unknown.empty()) m.set("unknown", str(r.unknown));
    return m;
  }

  // The default security group finalize() adds to a VPC written without one.
  bool added_default_security_group(const model::SecurityGroup& sg, Index g) const {
    if (!sg.is_default || !sg.vpc.resolved() || sg.ingress.empty()) return false;
    const auto& v = n_.vpcs[sg.vpc.index];
    const auto implicit = [](const model::SecurityGroupRule& r) { return r.implicit; };
    return v.default_security_group == g && sg.id == "sg-default-" + id_suffix(v.id) &&
           sg.name == label(v) + "-default" && sg.group_name == "default" &&
           std::all_of(sg.ingress.begin(), sg.ingress.end(), implicit) &&
           std::all_of(sg.egress.begin(), sg.egress.end(), implicit);
  }

  // The outbound rules the reader gives a group written without `egress`.
  static bool is_reader_default_egress(const std::vector<model::SecurityGroupRule>& egress) {
    if (egress.size() != 2) return false;
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& r = egress[i];
      if (!r.implicit || !r.protocol.is_all() ||
          r.cidr != Prefix::any(i ? Family::kV6 : Family::kV4) || !r.prefix_list.empty() ||
          !r.security_group.empty()) {
        return false;
      }
    }
    return true;
  }

  std::optional<Yaml> security_group(const model::SecurityGroup& sg, Index g) {
    if (added_default_security_group(sg, g)) return std::nullopt;
    Yaml m = resource(sg, "sg-");
    set_ref(m, "vpc", sg.vpc, Kind::kVpc);
    // An empty group name (a reader did not know it) reads back as the name, as it would be.
    if (!sg.group_name.empty() && sg.group_name != label(sg)) {
      m.set("group_name", str(sg.group_name));
    }
    if (sg.is_default) m.set("default", boolean(true));
    Yaml ingress = Yaml::list();
    for (const auto& r : sg.ingress) {
      if (!r.implicit) ingress.push(rule(r, g));
    }
    if (!ingress.items.empty()) m.set("ingress", std::move(ingress));
    // No `egress` reads as AWS's allow-all rule, `egress: []` as no outbound traffic. Implicit
    // rules of another shape are written out, as the reader cannot add them.
    if (!is_reader_default_egress(sg.egress)) {
      m.set("egress", list_of(sg.egress, [&](const auto& r) { return rule(r, g); }));
    }
    return m;
  }

  // The default network ACL finalize() adds to a VPC written without one.
  bool added_default_network_acl(const model::NetworkAcl& acl, Index a) const {
    if (!acl.is_default || !acl.vpc.resolved() || !acl.subnets.empty()) return false;
    const auto& v = n_.vpcs[acl.vpc.index];
    const auto implicit = [](const model::NetworkAclEntry& e) { return e.implicit; };
    if (v.default_network_acl != a || acl.id != "acl-default-" + id_suffix(v.id) ||
        acl.name != label(v) + "-default" ||
        !std::all_of(acl.ingress.begin(), acl.ingress.end(), implicit) ||
        !std::all_of(acl.egress.begin(), acl.egress.end(), implicit)) {
      return false;
    }
    return std::none_of(n_.subnets.begin(), n_.subnets.end(),
                        [&](const model::Subnet& s) { return s.network_acl.index == a; });
  }

  static Yaml entries(const std::vector<model::NetworkAclEntry>& list) {
    Yaml l = Yaml::list();
    for (const auto& e : list) {
      if (e.implicit) continue;  // the `*` entry, added again
      Yaml m = Yaml::map();
      m.set("rule_number", Yaml::num(e.rule_number));
      m.set("protocol", Yaml::raw(e.protocol.str()));
      ports(m, e.protocol, e.ports, e.icmp_type, e.icmp_code);
      if (e.unknown.empty()) {
        m.set("cidr", prefix(e.cidr));
      } else {
        m.set("unknown", str(e.unknown));
      }
      m.set("rule_action", Yaml::raw(e.allow ? "allow" : "deny"));
      l.push(std::move(m));
    }
    return l;
  }

  std::optional<Yaml> network_acl(const model::NetworkAcl& acl, Index a) {
    if (added_default_network_acl(acl, a)) return std::nullopt;
    Yaml m = resource(acl, "acl-");
    set_ref(m, "vpc", acl.vpc, Kind::kVpc);
    if (acl.is_default) m.set("default", boolean(true));
    set_refs(m, "subnets", acl.subnets, Kind::kSubnet);
    if (auto in = entries(acl.ingress); !in.items.empty()) m.set("ingress", std::move(in));
    if (auto out = entries(acl.egress); !out.items.empty()) m.set("egress", std::move(out));
    return m;
  }

  std::optional<Yaml> prefix_list(const model::PrefixList& pl, Index) {
    Yaml m = resource(pl, "pl-");
    if (pl.prefix_list_name != pl.name && !pl.prefix_list_name.empty()) {
      m.set("prefix_list_name", str(pl.prefix_list_name));
    }
    if (pl.address_family) {
      m.set("address_family", Yaml::raw(*pl.address_family == Family::kV4 ? "IPv4" : "IPv6"));
    }
    if (!pl.entries.empty()) m.set("entries", prefixes(pl.entries));
    return m;
  }

  std::optional<Yaml> peering(const model::VpcPeeringConnection& p, Index) {
    Yaml m = resource(p, "pcx-");
    set_ref(m, "requester_vpc", p.requester_vpc, Kind::kVpc);
    set_ref(m, "accepter_vpc", p.accepter_vpc, Kind::kVpc);
    if (p.status != "active") m.set("status", str(p.status));
    return m;
  }

  // ---- transit gateways --------------------------------------------------------------------

  std::optional<Yaml> transit_gateway(const model::TransitGateway& t, Index) {
    Yaml m = resource(t, "tgw-");
    set_account_region(m, t.account, t.region);
    if (t.amazon_side_asn != kDefaultAmazonAsn) {
      m.set("amazon_side_asn", Yaml::num(t.amazon_side_asn));
    }
    if (!t.default_route_table_association) {
      m.set("default_route_table_association", Yaml::raw("disable"));
    }
    if (!t.default_route_table_propagation) {
      m.set("default_route_table_propagation", Yaml::raw("disable"));
    }
    set_ref(m, "association_default_route_table", t.association_default_route_table,
            Kind::kTransitGatewayRouteTable);
    set_ref(m, "propagation_default_route_table", t.propagation_default_route_table,
            Kind::kTransitGatewayRouteTable);
    return m;
  }

  // The default route table finalize() adds to a transit gateway that needs one.
  bool added_default_table(const model::TransitGatewayRouteTable& rt, Index r) const {
    if (!rt.transit_gateway.resolved() || !rt.routes.empty()) return false;
    const auto& t = n_.transit_gateways[rt.transit_gateway.index];
    if ((t.default_association_table != r && t.default_propagation_table != r) ||
        rt.id != "tgw-rtb-default-" + id_suffix(t.id) || rt.name != label(t) + "-default" ||
        t.association_default_route_table.index == r ||
        t.propagation_default_route_table.index == r) {
      return false;
    }
    return std::none_of(n_.transit_gateway_attachments.begin(),
                        n_.transit_gateway_attachments.end(),
                        [&](const model::TransitGatewayAttachment& a) {
                          return a.association.index == r ||
                                 std::any_of(a.propagations.begin(), a.propagations.end(),
                                             [&](const model::Ref& p) { return p.index == r; });
                        });
  }

  std::optional<Yaml> transit_gateway_route_table(const model::TransitGatewayRouteTable& rt,
                                                  Index r) {
    if (added_default_table(rt, r)) return std::nullopt;
    Yaml m = resource(rt, "tgw-rtb-");
    set_ref(m, "transit_gateway", rt.transit_gateway, Kind::kTransitGateway);
    Yaml routes = Yaml::list();
    for (const auto& route : rt.routes) {
      Yaml y = Yaml::map();
      y.set("destination", prefix(route.destination));
      if (route.blackhole) {
        y.set("blackhole", boolean(true));
      } else {
        set_ref(y, "attachment", route.attachment, Kind::kTransitGatewayAttachment);
      }
      routes.push(std::move(y));
    }
    if (!routes.items.empty()) m.set("routes", std::move(routes));
    return m;
  }

  // The attachment finalize() adds for a VPN connection that ends on a transit gateway.
  bool added_vpn_attachment(const model::TransitGatewayAttachment& a, Index self) const {
    if (a.type != model::AttachmentType::kVpn || !a.vpn_connection.resolved() ||
        !a.association.empty() || !a.propagations.empty() || a.state != "available" ||
        a.appliance_mode_support) {
      return false;
    }
    const auto& vpn = n_.vpn_connections[a.vpn_connection.index];
    if (!vpn.transit_gateway.resolved() || a.transit_gateway.index != vpn.transit_gateway.index ||
        a.id != "tgw-attach-" + id_suffix(vpn.id) ||
        a.name != (vpn.name.empty() ? "" : vpn.name + "-attachment")) {
      return false;
    }
    // With another attachment for the same connection, finalize() would not add this one.
    for (Index i = 0; i < n_.transit_gateway_attachments.size(); ++i) {
      const auto& other = n_.transit_gateway_attachments[i];
      if (i != self && other.vpn_connection.index == a.vpn_connection.index) return false;
    }
    return true;
  }

  std::optional<Yaml> transit_gateway_attachment(const model::TransitGatewayAttachment& a,
                                                 Index i) {
    using model::AttachmentType;
    if (added_vpn_attachment(a, i)) return std::nullopt;
    Yaml m = resource(a, "tgw-attach-");
    set_ref(m, "transit_gateway", a.transit_gateway, Kind::kTransitGateway);
    if (a.type != AttachmentType::kVpc) {
      m.set("resource_type", Yaml::raw(model::attachment_type_name(a.type)));
    }
    switch (a.type) {
      case AttachmentType::kVpc:
        set_ref(m, "vpc", a.vpc, Kind::kVpc);
        set_refs(m, "subnets", a.subnets, Kind::kSubnet);
        if (a.appliance_mode_support) m.set("appliance_mode_support", Yaml::raw("enable"));
        break;
      case AttachmentType::kVpn:
        set_ref(m, "vpn_connection", a.vpn_connection, Kind::kVpnConnection);
        break;
      case AttachmentType::kDirectConnectGateway:
        set_ref(m, "direct_connect_gateway", a.direct_connect_gateway, Kind::kDirectConnectGateway);
        break;
      case AttachmentType::kPeering:
        set_ref(m, "peer_attachment", a.peer_attachment, Kind::kTransitGatewayAttachment);
        break;
      case AttachmentType::kConnect:
        break;
    }
    set_ref(m, "association", a.association, Kind::kTransitGatewayRouteTable);
    set_refs(m, "propagations", a.propagations, Kind::kTransitGatewayRouteTable);
    if (a.state != "available") m.set("state", str(a.state));
    return m;
  }

  std::optional<Yaml> vpc_endpoint(const model::VpcEndpoint& e, Index) {
    if (e.type == model::VpcEndpointType::kFirewall) return std::nullopt;  // its firewall's
    Yaml m = resource(e, "vpce-");
    set_ref(m, "vpc", e.vpc, Kind::kVpc);
    if (!e.gateway()) m.set("vpc_endpoint_type", Yaml::raw(model::vpc_endpoint_type_name(e.type)));
    m.set("service_name", str(e.service_name));
    if (e.gateway()) {
      set_refs(m, "route_tables", e.route_tables, Kind::kRouteTable);
      set_ref(m, "prefix_list", e.prefix_list, Kind::kPrefixList);
    } else {
      set_refs(m, "subnets", e.subnets, Kind::kSubnet);
      set_refs(m, "security_groups", e.security_groups, Kind::kSecurityGroup);
      set_refs(m, "network_interfaces", e.network_interfaces, Kind::kNetworkInterface);
    }
    if (e.state != "available") m.set("state", str(e.state));
    return m;
  }

  // ---- hybrid ------------------------------------------------------------------------------

  std::optional<Yaml> vpn_gateway(const model::VpnGateway& g, Index) {
    Yaml m = resource(g, "vgw-");
    set_ref(m, "vpc", g.vpc, Kind::kVpc);
    if (g.amazon_side_asn != kDefaultAmazonAsn) {
      m.set("amazon_side_asn", Yaml::num(g.amazon_side_asn));
    }
    return m;
  }

  std::optional<Yaml> customer_gateway(const model::CustomerGateway& g, Index) {
    Yaml m = resource(g, "cgw-");
    if (g.ip_address) m.set("ip_address", address(*g.ip_address));
    if (g.bgp_asn != kDefaultCustomerAsn) m.set("bgp_asn", Yaml::num(g.bgp_asn));
    return m;
  }

  std::optional<Yaml> vpn_connection(const model::VpnConnection& v, Index) {
    Yaml m = resource(v, "vpn-");
    set_ref(m, "vpn_gateway", v.vpn_gateway, Kind::kVpnGateway);
    set_ref(m, "transit_gateway", v.transit_gateway, Kind::kTransitGateway);
    set_ref(m, "customer_gateway", v.customer_gateway, Kind::kCustomerGateway);
    if (v.static_routes_only) m.set("static_routes_only", boolean(true));
    if (!v.static_routes.empty()) m.set("static_routes", prefixes(v.static_routes));
    if (!v.tunnels.empty()) {
      m.set("tunnels", list_of(v.tunnels, [](const model::VpnTunnel& t) {
              Yaml x = Yaml::map();
              if (t.inside_cidr) x.set("inside_cidr", prefix(*t.inside_cidr));
              if (!t.pre_shared_key.empty()) x.set("pre_shared_key", str(t.pre_shared_key));
              if (t.outside_address) x.set("outside_address", address(*t.outside_address));
              return x;
            }));
    }
    if (v.state != "available") m.set("state", str(v.state));
    return m;
  }

  std::optional<Yaml> direct_connect_gateway(const model::DirectConnectGateway& g, Index) {
    Yaml m = resource(g, "dxgw-");
    if (g.amazon_side_asn != kDefaultAmazonAsn) {
      m.set("amazon_side_asn", Yaml::num(g.amazon_side_asn));
    }
    set_refs(m, "vpn_gateways", g.vpn_gateways, Kind::kVpnGateway);
    if (!g.allowed_prefixes.empty()) m.set("allowed_prefixes", prefixes(g.allowed_prefixes));
    Yaml associations = Yaml::list();
    for (const auto& a : g.associations) {
      if (a.implied) continue;
      Yaml x = Yaml::map();
      x.set("gateway", ref(a.gateway, a.gateway_kind));
      if (!a.allowed_prefixes.empty()) x.set("allowed_prefixes", prefixes(a.allowed_prefixes));
      associations.push(std::move(x));
    }
    if (!associations.items.empty()) m.set("associations", std::move(associations));
    return m;
  }

  // MACsec settings of a connection or a LAG.
  template <class R>
  static void macsec(Yaml& m, const R& r) {
    if (r.macsec_capable) m.set("macsec_capable", boolean(true));
    if (!r.encryption_mode.empty()) m.set("encryption_mode", str(r.encryption_mode));
    if (r.macsec_keys.empty()) return;
    m.set("macsec_keys", list_of(r.macsec_keys, [](const model::MacsecKey& k) {
            Yaml x = Yaml::map();
            if (!k.ckn.empty()) x.set("ckn", str(k.ckn));
            if (!k.cak.empty()) x.set("cak", str(k.cak));
            if (!k.secret_arn.empty()) x.set("secret_arn", str(k.secret_arn));
            if (k.state != "associated") x.set("state", str(k.state));
            return x;
          }));
  }

  std::optional<Yaml> direct_connect_connection(const model::DirectConnectConnection& x, Index) {
    Yaml m = resource(x, "dxcon-");
    m.set("location", str(x.location));
    m.set("bandwidth", str(x.bandwidth));
    if (x.hosted) m.set("hosted", boolean(true));
    if (x.vlan) m.set("vlan", Yaml::num(x.vlan));
    set_ref(m, "lag", x.lag, Kind::kDirectConnectLag);
    macsec(m, x);
    if (x.state != "available") m.set("state", str(x.state));
    return m;
  }

  std::optional<Yaml> direct_connect_lag(const model::DirectConnectLag& lag, Index) {
    Yaml m = resource(lag, "dxlag-");
    m.set("location", str(lag.location));
    m.set("bandwidth", str(lag.bandwidth));
    if (lag.minimum_links) m.set("minimum_links", Yaml::num(lag.minimum_links));
    // Members that name the LAG themselves are written there.
    std::vector<model::Ref> listed;
    for (const auto& r : lag.connections) {
      if (!r.resolved() || n_.direct_connect_connections[r.index].lag.index == kNone) listed.push_back(r);
    }
    set_refs(m, "connections", listed, Kind::kDirectConnectConnection);
    macsec(m, lag);
    if (lag.state != "available") m.set("state", str(lag.state));
    return m;
  }

  std::optional<Yaml> virtual_interface(const model::VirtualInterface& v, Index) {
    Yaml m = resource(v, "dxvif-");
    m.set("type", str(model::virtual_interface_type_name(v.type)));
    set_ref(m, "connection", v.connection, v.connection_kind);
    m.set("vlan", Yaml::num(v.vlan));
    m.set("customer_asn", Yaml::num(v.customer_asn));
    if (v.address_family != "ipv4") m.set("address_family", str(v.address_family));
    const auto with_length = [&](const IpAddress& a) {
      return str(a.str() + "/" + std::to_string(v.peer_prefix_length));
    };
    if (v.amazon_address) m.set("amazon_address", with_length(*v.amazon_address));
    if (v.customer_address) m.set("customer_address", with_length(*v.customer_address));
    if (!v.auth_key.empty()) m.set("auth_key", str(v.auth_key));
    if (v.mtu != 1500) m.set("mtu", Yaml::num(v.mtu));
    set_ref(m, "vpn_gateway", v.vpn_gateway, Kind::kVpnGateway);
    set_ref(m, "direct_connect_gateway", v.direct_connect_gateway, Kind::kDirectConnectGateway);
    if (!v.route_filter_prefixes.empty()) m.set("route_filter_prefixes", prefixes(v.route_filter_prefixes));
    if (v.state != "available") m.set("state", str(v.state));
    return m;
  }

  std::optional<Yaml> on_premises_network(const model::OnPremisesNetwork& o, Index) {
    if (o.implied) return std::nullopt;  // finalize() implies it again from the VPN connection
    Yaml m = resource(o, "onprem-");
    m.set("cidrs", prefixes(o.cidrs));
    set_refs(m, "vpn_connections", o.vpn_connections, Kind::kVpnConnection);
    set_refs(m, "direct_connect_gateways", o.direct_connect_gateways, Kind::kDirectConnectGateway);
    if (o.ephemeral_ports != kLinuxEphemeralPorts) {
      m.set("ephemeral_ports", Yaml::raw(o.ephemeral_ports.str()));
    }
    return m;
  }

  // ---- load balancing ----------------------------------------------------------------------

  // What finalize() makes: the interfaces of load balancer nodes whose input did not name one,
  // each Auto Scaling group's representative instances and interfaces, and the interfaces of
  // endpoints.
  void plan_made_by_finalize() {
    made_eni_.assign(n_.network_interfaces.size(), false);
    for (const auto& lb : n_.load_balancers) {
      for (const auto& node : lb.nodes) {
        if (node.eni != kNone && node.eni < made_eni_.size() && node.network_interface.empty()) {
          made_eni_[node.eni] = true;
        }
      }
    }
    for (Index e = 0; e < n_.network_interfaces.size(); ++e) {
      if (representative(n_.network_interfaces[e].instance)) made_eni_[e] = true;
    }
    // An interface or Gateway Load Balancer endpoint's interfaces, when its input named none.
    for (const auto& ep : n_.vpc_endpoints) {
      if (!ep.network_interfaces.empty()) continue;
      for (Index e : ep.enis) {
        if (e < made_eni_.size()) made_eni_[e] = true;
      }
    }
  }

  bool made_eni(const model::Ref& r) const {
    return r.resolved() && r.index < made_eni_.size() && made_eni_[r.index];
  }
  bool representative(const model::Ref& instance) const {
    return instance.resolved() && instance.index < n_.instances.size() &&
           n_.instances[instance.index].auto_scaling_group != kNone;
  }

  // Listeners are written inside their load balancer and rules inside their listener, each in
  // the order of the network's lists.
  void plan_listeners() {
    listeners_of_.assign(n_.load_balancers.size(), {});
    rules_of_.assign(n_.listeners.size(), {});
    for (Index i = 0; i < n_.listeners.size(); ++i) {
      const auto& lb = n_.listeners[i].load_balancer;
      if (lb.resolved() && lb.index < listeners_of_.size()) listeners_of_[lb.index].push_back(i);
    }
    for (Index i = 0; i < n_.listener_rules.size(); ++i) {
      const auto& l = n_.listener_rules[i].listener;
      if (l.resolved() && l.index < rules_of_.size()) rules_of_[l.index].push_back(i);
    }
  }

  static Yaml lb_protocol(model::LbProtocol p) { return Yaml::raw(model::lb_protocol_name(p)); }

  std::optional<Yaml> launch_template(const model::LaunchTemplate& lt, Index) {
    Yaml m = resource(lt, "lt-");
    set_refs(m, "security_groups", lt.security_groups, Kind::kSecurityGroup);
    if (lt.associate_public_ip) m.set("associate_public_ip", boolean(*lt.associate_public_ip));
    return m;
  }

  // A target as a bare value when it is only what a bare value means for its group's type.
  Yaml target(const model::Target& t, model::TargetType type) const {
    using model::TargetType;
    const bool extras = t.port || !t.availability_zone.empty() || !t.health.empty();
    const bool has_instance = !t.instance.empty();
    const bool has_lb = !t.load_balancer.empty();
    if (!extras) {
      if (type == TargetType::kIp && t.ip && !has_instance && !has_lb) return address(*t.ip);
      if (type == TargetType::kAlb && has_lb && !t.ip && !has_instance) {
        return ref(t.load_balancer, Kind::kLoadBalancer);
      }
      if (type != TargetType::kIp && type != TargetType::kAlb && has_instance && !t.ip && !has_lb) {
        return ref(t.instance, Kind::kInstance);
      }
    }
    Yaml m = Yaml::map();
    set_ref(m, "instance", t.instance, Kind::kInstance);
    if (t.ip) m.set("ip", address(*t.ip));
    set_ref(m, "load_balancer", t.load_balancer, Kind::kLoadBalancer);
    if (t.port) m.set("port", Yaml::num(*t.port));
    if (!t.availability_zone.empty()) m.set("availability_zone", str(t.availability_zone));
    if (!t.health.empty()) m.set("health", str(t.health));
    return m;
  }

  std::optional<Yaml> target_group(const model::TargetGroup& tg, Index) {
    using model::TargetType;
    Yaml m = resource(tg, "tg-");
    if (tg.target_type != TargetType::kInstance) {
      m.set("target_type", Yaml::raw(model::target_type_name(tg.target_type)));
    }
    if (tg.protocol != model::LbProtocol::kHttp) m.set("protocol", lb_protocol(tg.protocol));
    if (tg.port != 0) m.set("port", Yaml::num(tg.port));
    set_ref(m, "vpc", tg.vpc, Kind::kVpc);
    if (tg.preserve_client_ip) m.set("preserve_client_ip", boolean(*tg.preserve_client_ip));
    if (tg.cross_zone) m.set("cross_zone", boolean(*tg.cross_zone));
    if (tg.health_check_port) m.set("health_check_port", Yaml::num(*tg.health_check_port));
    if (tg.ipv6) m.set("ip_address_type", Yaml::raw("ipv6"));
    Yaml targets = Yaml::list();
    for (const auto& t : tg.targets) {
      // finalize() registers an Auto Scaling group's representatives in its target groups.
      if (!representative(t.instance)) targets.push(target(t, tg.target_type));
    }
    if (!targets.items.empty()) m.set("targets", std::move(targets));
    return m;
  }

  // `target_groups` of a forward action: names, or `{target_group, weight}` where the weight is
  // not 1.
  Yaml weighted(const std::vector<model::WeightedTargetGroup>& groups) const {
    return list_of(groups, [&](const model::WeightedTargetGroup& w) {
      if (w.weight == 1) return ref(w.target_group, Kind::kTargetGroup);
      Yaml m = Yaml::map();
      m.set("target_group", ref(w.target_group, Kind::kTargetGroup));
      m.set("weight", Yaml::num(w.weight));
      return m;
    });
  }

  void action(Yaml& m, const model::ListenerRule& rule) const {
    if (rule.action != model::ListenerAction::kForward) {
      m.set("action", Yaml::raw(model::listener_action_name(rule.action)));
    }
    if (!rule.target_groups.empty()) m.set("target_groups", weighted(rule.target_groups));
  }

  Yaml listener_rule(const model::ListenerRule& r, const model::Listener& l) const {
    Yaml m = Yaml::map();
    if (r.id != l.id + "/rule/" + std::to_string(r.priority)) m.set("id", str(r.id));
    if (!r.name.empty()) m.set("name", str(r.name));
    m.set("priority", Yaml::num(r.priority));
    action(m, r);
    if (!r.source_ips.empty()) m.set("source_ips", prefixes(r.source_ips));
    // The model keeps only that a rule has conditions a packet's header cannot decide; any of
    // them reads back as the same.
    if (r.other_conditions) {
      Yaml conditions = Yaml::list();
      conditions.push(Yaml::raw("host-header"));
      m.set("conditions", std::move(conditions));
    }
    return m;
  }

  // The protocol the reader gives a listener written without one.
  static model::LbProtocol default_listener_protocol(model::LoadBalancerType t) {
    using model::LoadBalancerType;
    return t == LoadBalancerType::kGateway   ? model::LbProtocol::kGeneve
           : t == LoadBalancerType::kNetwork ? model::LbProtocol::kTcp
                                             : model::LbProtocol::kHttp;
  }

  Yaml listener(Index i, const model::LoadBalancer& lb) const {
    using model::LoadBalancerType;
    const auto& l = n_.listeners[i];
    const bool gateway = lb.type == LoadBalancerType::kGateway;
    Yaml m = Yaml::map();
    const std::string id = lb.id + ":" + (gateway ? std::string("all") : std::to_string(l.port));
    if (l.id != id) m.set("id", str(l.id));
    if (!l.name.empty()) m.set("name", str(l.name));
    if (!gateway) m.set("port", Yaml::num(l.port));
    if (l.protocol != default_listener_protocol(lb.type))
      m.set("protocol", lb_protocol(l.protocol));
    if (lb.type == LoadBalancerType::kClassic) {
      if (l.instance_port != l.port) m.set("instance_port", Yaml::num(l.instance_port));
      if (l.instance_protocol != l.protocol) {
        m.set("instance_protocol", lb_protocol(l.instance_protocol));
      }
      return m;
    }
    action(m, l.default_rule);
    Yaml rules = Yaml::list();
    for (Index r : rules_of_[i]) rules.push(listener_rule(n_.listener_rules[r], l));
    if (!rules.items.empty()) m.set("rules", std::move(rules));
    return m;
  }

  // One subnet mapping; nullopt when it is only the subnet.
  std::optional<Yaml> subnet_mapping(const model::LoadBalancerNode& node) const {
    if (!node.private_ip && node.elastic_ip.empty() && !node.public_ip && !node.ipv6_address &&
        node.network_interface.empty()) {
      return std::nullopt;
    }
    Yaml m = Yaml::map();
    m.set("subnet", ref(node.subnet, Kind::kSubnet));
    if (node.private_ip) m.set("private_ip", address(*node.private_ip));
    set_ref(m, "elastic_ip", node.elastic_ip, Kind::kElasticIp);
    if (node.public_ip) m.set("public_ip", address(*node.public_ip));
    if (node.ipv6_address) m.set("ipv6_address", address(*node.ipv6_address));
    set_ref(m, "network_interface", node.network_interface, Kind::kNetworkInterface);
    return m;
  }

  std::optional<Yaml> load_balancer(const model::LoadBalancer& lb, Index l) {
    using model::LoadBalancerType;
    Yaml m = resource(lb, "lb-");
    if (lb.type != LoadBalancerType::kApplication) {
      m.set("type", Yaml::raw(model::load_balancer_type_name(lb.type)));
    }
    // A Gateway Load Balancer has no scheme; finalize() makes it internal.
    if (lb.type != LoadBalancerType::kGateway && !lb.internet_facing) {
      m.set("scheme", Yaml::raw("internal"));
    }
    // `subnets` when every node is only its subnet, else `subnet_mappings` (never both).
    Yaml mappings = Yaml::list();
    bool only_subnets = true;
    for (const auto& node : lb.nodes) {
      if (subnet_mapping(node)) only_subnets = false;
    }
    if (only_subnets) {
      m.set("subnets", list_of(lb.nodes, [&](const model::LoadBalancerNode& node) {
              return ref(node.subnet, Kind::kSubnet);
            }));
    } else {
      m.set("subnet_mappings", list_of(lb.nodes, [&](const model::LoadBalancerNode& node) {
              if (auto y = subnet_mapping(node)) return std::move(*y);
              Yaml s = Yaml::map();
              s.set("subnet", ref(node.subnet, Kind::kSubnet));
              return s;
            }));
    }
    set_refs(m, "security_groups", lb.security_groups, Kind::kSecurityGroup);
    if (lb.cross_zone) m.set("cross_zone", boolean(*lb.cross_zone));
    if (lb.dualstack) m.set("ip_address_type", Yaml::raw("dualstack"));
    if (!lb.enforce_security_groups_on_private_link) {
      m.set("enforce_security_groups_on_private_link", boolean(false));
    }
    if (lb.state != "active") m.set("state", str(lb.state));
    if (!lb.dns_name.empty()) m.set("dns_name", str(lb.dns_name));
    Yaml instances = Yaml::list();
    for (const auto& i : lb.instances) {
      // finalize() registers an Auto Scaling group's representatives with its Classic LBs.
      if (!representative(i)) instances.push(ref(i, Kind::kInstance));
    }
    if (!instances.items.empty()) m.set("instances", std::move(instances));
    Yaml listeners = Yaml::list();
    for (Index i : listeners_of_[l]) listeners.push(listener(i, lb));
    if (!listeners.items.empty()) m.set("listeners", std::move(listeners));
    return m;
  }

  std::optional<Yaml> auto_scaling_group(const model::AutoScalingGroup& g, Index) {
    Yaml m = resource(g, "asg-");
    m.set("subnets", refs(g.subnets, Kind::kSubnet));  // required, even when empty
    set_ref(m, "launch_template", g.launch_template, Kind::kLaunchTemplate);
    set_refs(m, "target_groups", g.target_groups, Kind::kTargetGroup);
    set_refs(m, "load_balancers", g.load_balancers, Kind::kLoadBalancer);
    return m;
  }

  std::optional<Yaml> vpc_endpoint_service(const model::VpcEndpointService& s, Index) {
    Yaml m = resource(s, "vpce-svc-");
    m.set("service_name", str(s.service_name));
    set_refs(m, "network_load_balancers", s.network_load_balancers, Kind::kLoadBalancer);
    set_refs(m, "gateway_load_balancers", s.gateway_load_balancers, Kind::kLoadBalancer);
    if (!s.acceptance_required) m.set("acceptance_required", boolean(false));
    if (!s.allowed_principals.empty())
      m.set("allowed_principals", list_of(s.allowed_principals, str));
    return m;
  }

  // ---- Network Firewall --------------------------------------------------------------------

  static Yaml variables(const std::vector<model::RuleVariable>& vs) {
    Yaml l = Yaml::list();
    for (const auto& v : vs) {
      Yaml m = Yaml::map();
      m.set("name", str(v.name));
      m.set("values", list_of(v.values, str));
      l.push(std::move(m));
    }
    return l;
  }

  // ---- Route 53 ------------------------------------------------------------------------------

  static Yaml real(double d) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return Yaml::raw(ec == std::errc{} ? std::string(buf, end) : std::to_string(d));
  }

  // Fields at Route 53's defaults (interval 30, threshold 3) are left out.
  std::optional<Yaml> health_check(const model::HealthCheck& h, Index) {
    Yaml m = resource(h, "");
    m.set("type", str(h.type));
    if (!h.ip_address.empty()) m.set("ip_address", str(h.ip_address));
    if (h.port) m.set("port", Yaml::num(*h.port));
    if (!h.fqdn.empty()) m.set("fqdn", str(h.fqdn));
    if (!h.resource_path.empty()) m.set("resource_path", str(h.resource_path));
    if (!h.search_string.empty()) m.set("search_string", str(h.search_string));
    if (h.request_interval != 30) m.set("request_interval", Yaml::num(h.request_interval));
    if (h.failure_threshold != 3) m.set("failure_threshold", Yaml::num(h.failure_threshold));
    if (h.inverted) m.set("inverted", boolean(true));
    if (h.disabled) m.set("disabled", boolean(true));
    if (h.enable_sni) m.set("enable_sni", boolean(true));
    if (h.measure_latency) m.set("measure_latency", boolean(true));
    if (!h.regions.empty()) {
      m.set("regions", list_of(h.regions, [](const std::string& s) { return str(s); }));
    }
    set_refs(m, "children", h.children, Kind::kHealthCheck);
    if (h.type == "CALCULATED") m.set("health_threshold", Yaml::num(h.health_threshold));
    if (!h.insufficient_data_health_status.empty()) {
      m.set("insufficient_data_health_status", str(h.insufficient_data_health_status));
    }
    return m;
  }

  std::optional<Yaml> cidr_collection(const model::CidrCollection& c, Index) {
    Yaml m = resource(c, "");
    m.set("collection_name", str(c.collection_name));
    Yaml locations = Yaml::list();
    for (const auto& l : c.locations) {
      Yaml x = Yaml::map();
      x.set("name", str(l.name));
      x.set("cidrs", list_of(l.cidrs, [](const std::string& s) { return str(s); }));
      locations.push(std::move(x));
    }
    m.set("locations", std::move(locations));
    return m;
  }

  std::optional<Yaml> delegation_set(const model::DelegationSet& d, Index) {
    Yaml m = resource(d, "");
    m.set("name_servers", list_of(d.name_servers, [](const std::string& s) { return str(s); }));
    return m;
  }

  // A zone with its record sets; the SOA and NS finalize() adds are left out.
  // ---- CloudFront ----------------------------------------------------------------------------
  // `config` in CloudFormation's shape, as the reader takes it; AWS's managed policies, which
  // finalize() adds for the behaviours that name them, are not written.

  static Yaml strings(const std::vector<std::string>& v) {
    return list_of(v, [](const std::string& s) { return str(s); });
  }
  // {Quantity, Items}, as CloudFormation writes OriginGroups and their lists.
  static Yaml counted(Yaml items) {
    Yaml m = Yaml::map();
    m.set("Quantity", Yaml::num(items.items.size()));
    m.set("Items", std::move(items));
    return m;
  }
  static Yaml methods(model::Methods bits) {
    Yaml l = Yaml::list();
    for (model::Methods b = 1; b != 0 && b <= model::kMethodDelete; b = static_cast<model::Methods>(b << 1)) {
      if (bits & b) l.push(str(model::methods_text(b)));
    }
    return l;
  }
  static Yaml key_config(const model::KeyItems& k, std::string_view behavior_key,
                         std::string_view names_key) {
    Yaml m = Yaml::map();
    m.set(behavior_key, str(k.behavior));
    if (!k.items.empty()) m.set(names_key, strings(k.items));
    return m;
  }
  static Yaml config_item(const model::Resource& r, Yaml config) {
    Yaml m = resource(r, "");
    m.set("config", std::move(config));
    return m;
  }

  std::optional<Yaml> cache_policy(const model::CachePolicy& p, Index) {
    if (p.managed) return std::nullopt;
    Yaml c = Yaml::map();
    c.set("Name", str(p.name.empty() ? p.id : p.name));
    if (!p.comment.empty()) c.set("Comment", str(p.comment));
    c.set("MinTTL", Yaml::num(p.min_ttl));
    c.set("DefaultTTL", Yaml::num(p.default_ttl));
    c.set("MaxTTL", Yaml::num(p.max_ttl));
    Yaml k = Yaml::map();
    k.set("EnableAcceptEncodingGzip", boolean(p.gzip));
    k.set("EnableAcceptEncodingBrotli", boolean(p.brotli));
    k.set("HeadersConfig", key_config(p.headers, "HeaderBehavior", "Headers"));
    k.set("CookiesConfig", key_config(p.cookies, "CookieBehavior", "Cookies"));
    k.set("QueryStringsConfig", key_config(p.query_strings, "QueryStringBehavior", "QueryStrings"));
    c.set("ParametersInCacheKeyAndForwardedToOrigin", std::move(k));
    return config_item(p, std::move(c));
  }

  std::optional<Yaml> origin_request_policy(const model::OriginRequestPolicy& p, Index) {
    if (p.managed) return std::nullopt;
    Yaml c = Yaml::map();
    c.set("Name", str(p.name.empty() ? p.id : p.name));
    if (!p.comment.empty()) c.set("Comment", str(p.comment));
    c.set("HeadersConfig", key_config(p.headers, "HeaderBehavior", "Headers"));
    c.set("CookiesConfig", key_config(p.cookies, "CookieBehavior", "Cookies"));
    c.set("QueryStringsConfig", key_config(p.query_strings, "QueryStringBehavior", "QueryStrings"));
    return config_item(p, std::move(c));
  }

  std::optional<Yaml> response_headers_policy(const model::ResponseHeadersPolicy& p, Index) {
    if (p.managed) return std::nullopt;
    Yaml c = Yaml::map();
    c.set("Name", str(p.name.empty() ? p.id : p.name));
    if (!p.comment.empty()) c.set("Comment", str(p.comment));
    if (!p.custom_headers.empty()) {
      Yaml items = Yaml::list();
      for (const auto& h : p.custom_headers) {
        Yaml x = Yaml::map();
        x.set("Header", str(h.name));
        x.set("Value", str(h.value));
        x.set("Override", boolean(h.override_origin));
        items.push(std::move(x));
      }
      Yaml m = Yaml::map();
      m.set("Items", std::move(items));
      c.set("CustomHeadersConfig", std::move(m));
    }
    if (!p.remove_headers.empty()) {
      Yaml items = Yaml::list();
      for (const auto& h : p.remove_headers) items.push(Yaml::map().set("Header", str(h)));
      Yaml m = Yaml::map();
      m.set("Items", std::move(items));
      c.set("RemoveHeadersConfig", std::move(m));
    }
    if (p.server_timing || p.server_timing_sampling != 0) {
      Yaml t = Yaml::map();
      t.set("Enabled", boolean(p.server_timing));
      t.set("SamplingRate", Yaml::raw(number_text(p.server_timing_sampling)));
      c.set("ServerTimingHeadersConfig", std::move(t));
    }
    if (!p.security_headers.empty()) c.set("SecurityHeadersConfig", security_headers(p.security_headers));
    if (p.cors) {
      auto items = [](const std::vector<std::string>& v) {
        Yaml m = Yaml::map();
        m.set("Items", strings(v));
        return m;
      };
      Yaml x = Yaml::map();
      x.set("AccessControlAllowCredentials", boolean(p.cors_allow_credentials));
      x.set("AccessControlAllowHeaders", items(p.cors_allow_headers));
      x.set("AccessControlAllowMethods", items(p.cors_allow_methods));
      x.set("AccessControlAllowOrigins", items(p.cors_allow_origins));
      if (!p.cors_expose_headers.empty()) x.set("AccessControlExposeHeaders", items(p.cors_expose_headers));
      if (p.cors_max_age) x.set("AccessControlMaxAgeSec", Yaml::num(*p.cors_max_age));
      x.set("OriginOverride", boolean(p.cors_override_origin));
      c.set("CorsConfig", std::move(x));
    }
    return config_item(p, std::move(c));
  }

  static std::string number_text(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
  }

  // The headers the reader made of SecurityHeadersConfig, back into it.
  static Yaml security_headers(const std::vector<model::HeaderValue>& headers) {
    Yaml s = Yaml::map();
    for (const auto& h : headers) {
      Yaml x = Yaml::map();
      const std::string l = lower(h.name);
      if (l == "content-security-policy") {
        x.set("ContentSecurityPolicy", str(h.value));
        s.set("ContentSecurityPolicy", std::move(x.set("Override", boolean(h.override_origin))));
      } else if (l == "x-content-type-options") {
        s.set("ContentTypeOptions", std::move(x.set("Override", boolean(h.override_origin))));
      } else if (l == "x-frame-options") {
        x.set("FrameOption", str(h.value));
        s.set("FrameOptions", std::move(x.set("Override", boolean(h.override_origin))));
      } else if (l == "referrer-policy") {
        x.set("ReferrerPolicy", str(h.value));
        s.set("ReferrerPolicy", std::move(x.set("Override", boolean(h.override_origin))));
      } else if (l == "strict-transport-security") {
        std::int64_t age = 0;
        if (h.value.starts_with("max-age=")) {
          std::from_chars(h.value.data() + 8, h.value.data() + h.value.size(), age);
        }
        x.set("AccessControlMaxAgeSec", Yaml::num(age));
        if (h.value.find("includeSubDomains") != std::string::npos) x.set("IncludeSubdomains", boolean(true));
        if (h.value.find("preload") != std::string::npos) x.set("Preload", boolean(true));
        s.set("StrictTransportSecurity", std::move(x.set("Override", boolean(h.override_origin))));
      } else if (l == "x-xss-protection") {
        x.set("Protection", boolean(h.value.starts_with("1")));
        if (h.value.find("mode=block") != std::string::npos) x.set("ModeBlock", boolean(true));
        if (auto at = h.value.find("report="); at != std::string::npos) {
          x.set("ReportUri", str(h.value.substr(at + 7)));
        }
        s.set("XSSProtection", std::move(x.set("Override", boolean(h.override_origin))));
      }
    }
    return s;
  }

  std::optional<Yaml> public_key(const model::PublicKey& k, Index) {
    Yaml c = Yaml::map();
    c.set("Name", str(k.name.empty() ? k.id : k.name));
    c.set("CallerReference", str(k.id));
    if (!k.comment.empty()) c.set("Comment", str(k.comment));
    c.set("EncodedKey", str(k.encoded_key));
    return config_item(k, std::move(c));
  }

  std::optional<Yaml> key_group(const model::KeyGroup& g, Index) {
    Yaml c = Yaml::map();
    c.set("Name", str(g.name.empty() ? g.id : g.name));
    if (!g.comment.empty()) c.set("Comment", str(g.comment));
    c.set("Items", list_of(g.keys, [](const model::Ref& r) { return str(r.text); }));
    return config_item(g, std::move(c));
  }

  static Yaml behavior(const model::CacheBehavior& b, bool is_default) {
    Yaml m = Yaml::map();
    if (!is_default) m.set("PathPattern", str(b.path_pattern));
    m.set("TargetOriginId", str(b.target_origin_id));
    m.set("ViewerProtocolPolicy", str(b.viewer_protocol_policy));
    constexpr model::Methods kGetHead = model::kMethodGet | model::kMethodHead;
    if (b.allowed_methods != kGetHead) m.set("AllowedMethods", methods(b.allowed_methods));
    if (b.cached_methods != kGetHead) m.set("CachedMethods", methods(b.cached_methods));
    if (b.compress) m.set("Compress", boolean(true));
    if (!b.cache_policy.empty()) m.set("CachePolicyId", str(b.cache_policy.text));
    if (!b.origin_request_policy.empty()) {
      m.set("OriginRequestPolicyId", str(b.origin_request_policy.text));
    }
    if (!b.response_headers_policy.empty()) {
      m.set("ResponseHeadersPolicyId", str(b.response_headers_policy.text));
    }
    if (!b.trusted_key_groups.empty()) {
      m.set("TrustedKeyGroups", list_of(b.trusted_key_groups, [](const model::Ref& r) { return str(r.text); }));
    }
    if (!b.trusted_signers.empty()) m.set("TrustedSigners", strings(b.trusted_signers));
    if (b.legacy) {
      Yaml f = Yaml::map();
      f.set("QueryString", boolean(b.legacy_query_strings.behavior != "none"));
      if (b.legacy_query_strings.behavior == "whitelist") {
        f.set("QueryStringCacheKeys", strings(b.legacy_query_strings.items));
      }
      if (b.legacy_headers.behavior == "all") {
        f.set("Headers", strings({"*"}));
      } else if (!b.legacy_headers.items.empty()) {
        f.set("Headers", strings(b.legacy_headers.items));
      }
      Yaml cookies = Yaml::map();
      cookies.set("Forward", str(b.legacy_cookies.behavior));
      if (!b.legacy_cookies.items.empty()) cookies.set("WhitelistedNames", strings(b.legacy_cookies.items));
      f.set("Cookies", std::move(cookies));
      m.set("ForwardedValues", std::move(f));
      m.set("MinTTL", Yaml::num(b.min_ttl));
      m.set("DefaultTTL", Yaml::num(b.default_ttl));
      m.set("MaxTTL", Yaml::num(b.max_ttl));
    }
    Yaml lambdas = Yaml::list(), functions = Yaml::list();
    for (const auto& a : b.function_associations) {
      const auto colon = a.find(':');
      const std::string event = a.substr(0, colon);
      const std::string arn = colon == std::string::npos ? "" : a.substr(colon + 1);
      Yaml x = Yaml::map();
      x.set("EventType", str(event));
      // CloudFront Functions' ARNs are arn:aws:cloudfront::…:function/…; the rest Lambda's.
      if (arn.find(":cloudfront:") != std::string::npos) {
        functions.push(std::move(x.set("FunctionARN", str(arn))));
      } else {
        lambdas.push(std::move(x.set("LambdaFunctionARN", str(arn))));
      }
    }
    if (!lambdas.items.empty()) m.set("LambdaFunctionAssociations", std::move(lambdas));
    if (!functions.items.empty()) m.set("FunctionAssociations", std::move(functions));
    return m;
  }

  std::optional<Yaml> distribution(const model::Distribution& d, Index) {
    Yaml m = resource(d, "");
    if (!d.domain_name.empty()) m.set("domain_name", str(d.domain_name));
    Yaml c = Yaml::map();
    c.set("Enabled", boolean(d.enabled));
    if (!d.comment.empty()) c.set("Comment", str(d.comment));
    if (!d.aliases.empty()) c.set("Aliases", strings(d.aliases));
    if (!d.default_root_object.empty()) c.set("DefaultRootObject", str(d.default_root_object));
    if (d.http_version != "http1.1") c.set("HttpVersion", str(d.http_version));
    if (d.price_class != "PriceClass_All") c.set("PriceClass", str(d.price_class));
    c.set("IPV6Enabled", boolean(d.ipv6));
    Yaml origins = Yaml::list();
    for (const auto& o : d.origins) {
      Yaml x = Yaml::map();
      x.set("Id", str(o.id));
      x.set("DomainName", str(o.domain_name));
      if (!o.path.empty()) x.set("OriginPath", str(o.path));
      if (o.connection_attempts != 3) x.set("ConnectionAttempts", Yaml::num(o.connection_attempts));
      if (o.connection_timeout != 10) x.set("ConnectionTimeout", Yaml::num(o.connection_timeout));
      if (o.s3) {
        Yaml s3 = Yaml::map();
        if (o.read_timeout != 30) s3.set("OriginReadTimeout", Yaml::num(o.read_timeout));
        x.set("S3OriginConfig", std::move(s3));
      } else {
        Yaml custom = Yaml::map();
        custom.set("OriginProtocolPolicy", str(o.protocol_policy));
        if (o.http_port != 80) custom.set("HTTPPort", Yaml::num(o.http_port));
        if (o.https_port != 443) custom.set("HTTPSPort", Yaml::num(o.https_port));
        if (o.read_timeout != 30) custom.set("OriginReadTimeout", Yaml::num(o.read_timeout));
        if (o.keepalive_timeout != 5) {
          custom.set("OriginKeepaliveTimeout", Yaml::num(o.keepalive_timeout));
        }
        x.set("CustomOriginConfig", std::move(custom));
      }
      if (!o.custom_headers.empty()) {
        x.set("OriginCustomHeaders", list_of(o.custom_headers, [](const model::HeaderValue& h) {
                Yaml y = Yaml::map();
                y.set("HeaderName", str(h.name));
                y.set("HeaderValue", str(h.value));
                return y;
              }));
      }
      if (o.origin_shield) {
        Yaml shield = Yaml::map();
        shield.set("Enabled", boolean(true));
        shield.set("OriginShieldRegion", str(o.origin_shield_region));
        x.set("OriginShield", std::move(shield));
      }
      origins.push(std::move(x));
    }
    c.set("Origins", std::move(origins));
    if (!d.origin_groups.empty()) {
      Yaml groups = Yaml::list();
      for (const auto& g : d.origin_groups) {
        Yaml x = Yaml::map();
        x.set("Id", str(g.id));
        Yaml codes = list_of(g.failover_status_codes, [](std::int64_t n) { return Yaml::num(n); });
        x.set("FailoverCriteria", Yaml::map().set("StatusCodes", counted(std::move(codes))));
        Yaml members = list_of(g.members, [](const std::string& id) {
          return Yaml::map().set("OriginId", str(id));
        });
        x.set("Members", counted(std::move(members)));
        groups.push(std::move(x));
      }
      c.set("OriginGroups", counted(std::move(groups)));
    }
    c.set("DefaultCacheBehavior", behavior(d.default_behavior, true));
    if (!d.behaviors.empty()) {
      c.set("CacheBehaviors",
            list_of(d.behaviors, [](const model::CacheBehavior& b) { return behavior(b, false); }));
    }
    if (!d.custom_error_responses.empty()) {
      c.set("CustomErrorResponses",
            list_of(d.custom_error_responses, [](const model::CustomErrorResponse& e) {
              Yaml x = Yaml::map();
              x.set("ErrorCode", Yaml::num(e.error_code));
              if (e.response_code) x.set("ResponseCode", Yaml::num(*e.response_code));
              if (!e.response_page_path.empty()) x.set("ResponsePagePath", str(e.response_page_path));
              if (e.error_caching_min_ttl) {
                x.set("ErrorCachingMinTTL", Yaml::num(*e.error_caching_min_ttl));
              }
              return x;
            }));
    }
    if (d.logging) {
      Yaml l = Yaml::map();
      l.set("Bucket", str(d.logging_bucket));
      if (!d.logging_prefix.empty()) l.set("Prefix", str(d.logging_prefix));
      if (d.logging_cookies) l.set("IncludeCookies", boolean(true));
      c.set("Logging", std::move(l));
    }
    m.set("config", std::move(c));
    return m;
  }

  std::optional<Yaml> hosted_zone(const model::HostedZone& z, Index) {
    Yaml m = Yaml::map();
    const std::string& default_id = z.name.empty() ? z.domain : z.name;
    if (z.id != default_id) m.set("id", str(z.id));
    if (!z.name.empty()) m.set("name", str(z.name));
    m.set("domain", str(z.domain));
    if (!z.comment.empty()) m.set("comment", str(z.comment));
    if (z.private_zone) m.set("private", boolean(true));
    if (!z.vpcs.empty()) {
      Yaml vpcs = Yaml::list();
      for (const auto& v : z.vpcs) {
        if (v.region.empty()) {
          vpcs.push(ref(v.vpc, Kind::kVpc));
        } else {
          Yaml x = Yaml::map();
          x.set("vpc", ref(v.vpc, Kind::kVpc));
          x.set("region", str(v.region));
          vpcs.push(std::move(x));
        }
      }
      m.set("vpcs", std::move(vpcs));
    }
    set_ref(m, "delegation_set", z.delegation_set, Kind::kDelegationSet);
    Yaml records = Yaml::list();
    for (Index ri : z.record_sets) {
      const auto& r = n_.record_sets[ri];
      if (!r.implicit) records.push(record_set(r, z));
    }
    if (!records.items.empty()) m.set("records", std::move(records));
    return m;
  }

  static Yaml record_set(const model::RecordSet& r, const model::HostedZone& z) {
    Yaml m = Yaml::map();
    if (r.id != route53::record_set_id(z.id, r.record_name, r.type, r.set_identifier)) {
      m.set("id", str(r.id));
    }
    if (!r.name.empty()) m.set("logical_name", str(r.name));
    m.set("name", str(r.record_name));
    m.set("type", str(r.type));
    if (r.ttl) m.set("ttl", Yaml::num(*r.ttl));
    if (!r.values.empty()) {
      m.set("values", list_of(r.values, [](const std::string& s) { return str(s); }));
    }
    if (r.alias) {
      Yaml a = Yaml::map();
      a.set("dns_name", str(r.alias->dns_name));
      if (!r.alias->hosted_zone_id.empty()) a.set("hosted_zone_id", str(r.alias->hosted_zone_id));
      if (r.alias->evaluate_target_health) a.set("evaluate_target_health", boolean(true));
      m.set("alias", std::move(a));
    }
    if (!r.set_identifier.empty()) m.set("set_identifier", str(r.set_identifier));
    if (r.weight) m.set("weight", Yaml::num(*r.weight));
    if (!r.region.empty()) m.set("region", str(r.region));
    if (r.geo_location) {
      Yaml g = Yaml::map();
      if (!r.geo_location->continent_code.empty()) g.set("continent", str(r.geo_location->continent_code));
      if (!r.geo_location->country_code.empty()) g.set("country", str(r.geo_location->country_code));
      if (!r.geo_location->subdivision_code.empty()) {
        g.set("subdivision", str(r.geo_location->subdivision_code));
      }
      m.set("geo_location", std::move(g));
    }
    if (r.geo_proximity) {
      const auto& p = *r.geo_proximity;
      Yaml g = Yaml::map();
      if (!p.aws_region.empty()) g.set("aws_region", str(p.aws_region));
      if (!p.local_zone_group.empty()) g.set("local_zone_group", str(p.local_zone_group));
      if (p.latitude) g.set("latitude", real(*p.latitude));
      if (p.longitude) g.set("longitude", real(*p.longitude));
      if (p.bias != 0) g.set("bias", Yaml::num(p.bias));
      m.set("geo_proximity", std::move(g));
    }
    if (!r.failover.empty()) m.set("failover", str(r.failover));
    if (r.multivalue_answer) m.set("multivalue_answer", boolean(true));
    if (r.cidr_routing) {
      Yaml c = Yaml::map();
      c.set("collection_id", str(r.cidr_routing->collection_id));
      c.set("location_name", str(r.cidr_routing->location_name));
      m.set("cidr_routing", std::move(c));
    }
    if (!r.health_check_id.empty()) m.set("health_check_id", str(r.health_check_id));
    return m;
  }

  std::optional<Yaml> firewall(const model::Firewall& fw, Index) {
    Yaml m = resource(fw, "fw-");
    set_ref(m, "vpc", fw.vpc, Kind::kVpc);
    set_ref(m, "policy", fw.policy, Kind::kFirewallPolicy);
    set_refs(m, "subnets", fw.subnets, Kind::kSubnet);
    Yaml eps = Yaml::list();
    for (const auto& e : fw.endpoints) {
      Yaml x = Yaml::map();
      x.set("id", str(e.endpoint_id));
      x.set("subnet", ref(e.subnet, Kind::kSubnet));
      if (!e.availability_zone.empty()) x.set("availability_zone", str(e.availability_zone));
      eps.push(std::move(x));
    }
    m.set("endpoints", std::move(eps));
    return m;
  }

  std::optional<Yaml> firewall_policy(const model::FirewallPolicy& p, Index) {
    Yaml m = resource(p, "fwp-");
    auto actions = [](const std::vector<model::FirewallAction>& as) {
      return list_of(as, [](model::FirewallAction a) {
        return str(std::string("aws:") + model::firewall_action_name(a));
      });
    };
    m.set("stateless_default_actions", actions(p.stateless_default_actions));
    m.set("stateless_fragment_default_actions", actions(p.stateless_fragment_default_actions));
    auto groups = [&](const std::vector<model::FirewallRuleGroupReference>& gs) {
      Yaml l = Yaml::list();
      for (const auto& g : gs) {
        Yaml x = Yaml::map();
        x.set("rule_group", ref(g.rule_group, Kind::kFirewallRuleGroup));
        x.set("priority", Yaml::raw(std::to_string(g.priority)));
        l.push(std::move(x));
      }
      return l;
    };
    if (!p.stateless_rule_groups.empty()) m.set("stateless_rule_groups", groups(p.stateless_rule_groups));
    if (!p.stateful_rule_groups.empty()) m.set("stateful_rule_groups", groups(p.stateful_rule_groups));
    if (!p.stateful_default_actions.empty())
      m.set("stateful_default_actions", list_of(p.stateful_default_actions, str));
    if (p.strict_order) m.set("rule_order", Yaml::raw("strict_order"));
    if (!p.variables.empty()) m.set("variables", variables(p.variables));
    return m;
  }

  std::optional<Yaml> firewall_rule_group(const model::FirewallRuleGroup& g, Index) {
    Yaml m = resource(g, "fwrg-");
    m.set("type", Yaml::raw(g.stateful ? "stateful" : "stateless"));
    if (g.strict_order) m.set("rule_order", Yaml::raw("strict_order"));
    if (!g.ip_sets.empty()) m.set("ip_sets", variables(g.ip_sets));
    if (!g.port_sets.empty()) m.set("port_sets", variables(g.port_sets));
    if (!g.stateless_rules.empty()) {
      Yaml l = Yaml::list();
      for (const auto& r : g.stateless_rules) {
        Yaml x = Yaml::map();
        x.set("priority", Yaml::raw(std::to_string(r.priority)));
        x.set("action", str(std::string("aws:") + model::firewall_action_name(r.action)));
        if (!r.sources.empty()) x.set("sources", prefixes(r.sources));
        if (!r.destinations.empty()) x.set("destinations", prefixes(r.destinations));
        auto ports = [](const std::vector<PortRange>& ps) {
          return list_of(ps, [](const PortRange& p) {
            return str(p.from == p.to ? std::to_string(p.from)
                                      : std::to_string(p.from) + "-" + std::to_string(p.to));
          });
        };
        if (!r.source_ports.empty()) x.set("source_ports", ports(r.source_ports));
        if (!r.destination_ports.empty()) x.set("destination_ports", ports(r.destination_ports));
        if (!r.protocols.empty())
          x.set("protocols", list_of(r.protocols, [](int p) { return Yaml::raw(std::to_string(p)); }));
        if (r.tcp_flags) x.set("tcp_flags", boolean(true));
        l.push(std::move(x));
      }
      m.set("rules", std::move(l));
    }
    if (!g.stateful_rules.empty()) {
      Yaml l = Yaml::list();
      for (const auto& r : g.stateful_rules) {
        Yaml x = Yaml::map();
        x.set("action", str(model::firewall_action_name(r.action)));
        x.set("protocol", str(r.protocol));
        x.set("source", str(r.source));
        x.set("source_port", str(r.source_port));
        if (r.bidirectional) x.set("direction", Yaml::raw("any"));
        x.set("destination", str(r.destination));
        x.set("destination_port", str(r.destination_port));
        if (!r.sid.empty()) x.set("sid", str(r.sid));
        if (!r.options.empty()) x.set("options", str(r.options));
        l.push(std::move(x));
      }
      m.set("stateful_rules", std::move(l));
    }
    if (g.domain_list) {
      Yaml d = Yaml::map();
      d.set("targets", list_of(g.domain_list->targets, str));
      if (!g.domain_list->target_types.empty())
        d.set("target_types", list_of(g.domain_list->target_types, str));
      d.set("generated_rules_type", str(g.domain_list->generated_rules_type));
      m.set("domain_list", std::move(d));
    }
    return m;
  }

  // The format has no aliases; a comment keeps them in view for whoever reads the file.
  void aliases(std::string& out) const {
    std::string lines;
    for (const auto& a : n_.aliases) {
      auto it = names_.find(a.id);
      if (it == names_.end()) continue;
      const auto key = std::find_if(it->second.begin(), it->second.end(),
                                    [&](const ResourceKey& k) { return k.kind == a.kind; });
      if (key == it->second.end()) continue;
      const auto& r = n_.resource(*key);
      if (a.alias == r.id || a.alias == r.name) continue;
      std::string line = "#   " + a.alias + " -> " + r.id + "\n";
      for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
      }
      lines += line;
    }
    if (lines.empty()) return;
    out += "\n# Other names of these resources in the inputs (not read back):\n";
    out += lines;
  }

  const model::Network& n_;
  std::map<std::string_view, std::vector<ResourceKey>, std::less<>> names_;
  std::string account_;
  std::string region_;
  std::vector<Index> inline_eni_;  // per instance: its interface written inline, or kNone
  Index first_listed_eni_ = 0;     // interfaces before this one are written inline
  std::vector<bool> made_eni_;     // per interface: made by finalize() for load balancing
  std::vector<std::vector<Index>> listeners_of_;  // per load balancer
  std::vector<std::vector<Index>> rules_of_;      // per listener
  std::vector<NativeYamlEntry>* entries_;
};

}  // namespace

std::string write_native_yaml(const model::Network& network) { return Writer(network).run(); }

std::vector<NativeYamlEntry> native_yaml_entries(const model::Network& network) {
  std::vector<NativeYamlEntry> entries;
  Writer(network, &entries).run();
  return entries;
}

}  // namespace cloudtwin::load
