#include "terraform_resources.h"

#include <algorithm>
#include <array>
#include <functional>
#include <unordered_set>

namespace cloudtwin::load::terraform {

using json::Value;
using model::Index;
using model::Kind;
using model::Ref;

void Plan::add_address(const std::string& address) {
  Address a = parse_address(address);
  std::string base = a.module.empty() ? a.local : a.module + "." + a.local;
  instances[base].push_back(address);
}

namespace {

// The end of a `[...]` instance key starting at `open`, quoted keys included.
std::size_t key_end(std::string_view s, std::size_t open) {
  bool quoted = false;
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    if (quoted) {
      if (s[i] == '\\')
        ++i;
      else if (s[i] == '"')
        quoted = false;
    } else if (s[i] == '"') {
      quoted = true;
    } else if (s[i] == ']') {
      return i + 1;
    }
  }
  return s.size();
}

// Splits `a.b[0].c` into segments with their keys: {"a", ""}, {"b", "[0]"}, {"c", ""}.
std::vector<std::pair<std::string, std::string>> segments(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] != '.' && s[j] != '[') ++j;
    std::string name(s.substr(i, j - i));
    std::string key;
    if (j < s.size() && s[j] == '[') {
      std::size_t end = key_end(s, j);
      key = std::string(s.substr(j, end - j));
      j = end;
    }
    out.emplace_back(std::move(name), std::move(key));
    i = j < s.size() && s[j] == '.' ? j + 1 : j;
    if (j >= s.size()) break;
  }
  return out;
}

}  // namespace

Address parse_address(std::string_view address) {
  Address a;
  auto segs = segments(address);
  std::size_t i = 0;
  while (i + 1 < segs.size() && segs[i].first == "module") {
    if (!a.module.empty()) a.module += ".";
    a.module += "module." + segs[i + 1].first + segs[i + 1].second;
    i += 2;
  }
  if (i < segs.size() && segs[i].first == "data" && i + 2 < segs.size()) {
    a.local = "data." + segs[i + 1].first + "." + segs[i + 2].first;
    a.key = segs[i + 2].second;
  } else if (i + 1 < segs.size()) {
    a.local = segs[i].first + "." + segs[i + 1].first;
    a.key = segs[i + 1].second;
  } else if (i < segs.size()) {
    a.local = segs[i].first;
  }
  return a;
}

std::string config_module(std::string_view module) {
  std::string out;
  for (const auto& [name, key] : segments(module)) {
    if (!out.empty()) out += ".";
    out += name;
  }
  return out;
}

namespace {

std::string id_suffix(const std::string& id) {
  auto dash = id.find('-');
  return dash == std::string::npos ? id : id.substr(dash + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

bool same_rule(const model::SecurityGroupRule& a, const model::SecurityGroupRule& b) {
  return a.protocol == b.protocol && a.ports == b.ports && a.icmp_type == b.icmp_type &&
         a.icmp_code == b.icmp_code && a.cidr == b.cidr &&
         a.prefix_list.text == b.prefix_list.text && a.security_group.text == b.security_group.text;
}

// 198.18.0.0/15 (RFC 2544, benchmarking) stands in for public IPv4 addresses a plan does not
// know yet: never a real address, never private.
constexpr std::uint32_t kPlaceholderBase = (198u << 24) | (18u << 16);

}  // namespace

struct Resources::Impl {
  Impl(json::Reader& r, model::Network& n, const Plan& p) : rd(r), net(n), plan(p) {
    for (std::size_t k = 0; k < kKinds; ++k) start[k] = net.count(static_cast<Kind>(k));
  }

  // ---- one resource ----------------------------------------------------------------------
  struct Res {
    Value r, v;
    std::string address, type;
    Address addr;
    bool data = false;
    std::size_t offset = 0;
    Location at;
    std::vector<std::string> unknown;  // attributes unknown until apply that were needed
  };

  json::Reader& rd;
  model::Network& net;
  const Plan& plan;
  std::vector<std::function<void()>> pending;
  std::vector<model::Alias> aliases;
  // Defaults a VPC names (default SG, NACL, main table) to create if no resource declares them.
  struct VpcDefaults {
    std::string vpc, security_group, network_acl, main_route_table;
    Location at;
    bool ipv6 = false;
  };
  std::vector<VpcDefaults> vpc_defaults;
  std::set<std::string> main_associated_vpcs;  // VPC refs with aws_main_route_table_association
  std::vector<std::string> instance_enis;      // ENIs synthesised for instances
  std::uint32_t placeholders = 0;
  std::unordered_map<std::string, bool> map_public_ip;  // subnet id -> map_public_ip_on_launch
  std::unordered_map<std::string, std::size_t> ignored;  // unmodelled type -> count
  // finish(): kind -> id, name or address -> index
  std::map<Kind, std::unordered_map<std::string, Index>> index;
  // Resources of each kind before this file: only this file's are checked by leave_out_*().
  static constexpr std::size_t kKinds = static_cast<std::size_t>(Kind::kOnPremisesNetwork) + 1;
  std::array<std::size_t, kKinds> start{};
  // Ids, names and aliases of every resource of the network, by kind; and of those left out.
  std::array<std::unordered_set<std::string>, kKinds> known, gone;
  std::array<std::unordered_map<std::string, std::string>, kKinds> address_of;  // id -> address

  Location at(const Value& v) const { return v.missing() ? Location{} : rd.at(v); }
  Location at_or(const Value& v, const Res& res) const { return v.missing() ? res.at : rd.at(v); }

  std::optional<std::string_view> str(Res& res, std::string_view attr) {
    return rd.str(res.v.get(attr), attr);
  }

  // Whether an attribute the plan leaves out is unknown until apply (rather than unset).
  bool unknown(const Res& res, std::string_view attr) const {
    if (!plan.is_plan) return false;
    auto it = plan.planned.find(res.address);
    return it != plan.planned.end() && it->second.unknown.contains(std::string(attr));
  }

  std::string id_of(Res& res) {
    if (auto id = str(res, "id")) return std::string(*id);
    if (plan.is_plan) res.unknown.emplace_back("id");
    return res.address;
  }

  std::string name_of(Res& res) {
    for (const char* tags : {"tags", "tags_all"}) {
      Value name = res.v.get(tags).get("Name");
      if (name.is_string() && !name.text().empty()) return std::string(name.text());
    }
    return {};
  }

  template <class R>
  R& add(Res& res, std::vector<R>& list, Kind kind) {
    R& r = list.emplace_back();
    r.id = id_of(res);
    r.name = name_of(res);
    r.at = res.at;
    rd.set_resource(r.id);
    if (r.id != res.address) aliases.push_back({res.address, kind, r.id, res.at});
    return r;
  }

  static bool type_in(std::string_view type, const std::vector<std::string_view>& types) {
    return std::find(types.begin(), types.end(), type) != types.end();
  }

  // Addresses an unknown attribute refers to, from the configuration's references; failing
  // that, the only resource of a wanted type in the same module (at the same instance key).
  std::vector<std::string> from_configuration(const Res& res, std::string_view attr,
                                              const std::vector<std::string_view>& types,
                                              bool list) {
    std::vector<std::string> out;
    const std::string module_prefix = res.addr.module.empty() ? "" : res.addr.module + ".";
    const std::string cfg = config_module(res.addr.module);
    auto it = plan.references.find((cfg.empty() ? "" : cfg + ".") + res.addr.local);
    if (it != plan.references.end()) {
      auto refs = it->second.find(std::string(attr));
      if (refs != it->second.end()) {
        for (const auto& ref : refs->second) {
          Address ra = parse_address(ref);
          if (!ra.module.empty()) continue;  // a module output: not followed
          std::string type = ra.local.starts_with("data.") ? ra.local.substr(5) : ra.local;
          type = type.substr(0, type.find('.'));
          if (!type_in(type, types)) continue;
          const std::string base = module_prefix + ra.local;
          if (!ra.key.empty()) {
            out.push_back(base + ra.key);
          } else if (auto inst = plan.instances.find(base); inst != plan.instances.end()) {
            const auto& all = inst->second;
            if (list) {
              out.insert(out.end(), all.begin(), all.end());
            } else if (std::find(all.begin(), all.end(), base + res.addr.key) != all.end()) {
              out.push_back(base + res.addr.key);
            } else if (all.size() == 1) {
              out.push_back(all.front());
            }
          }
          if (!list && !out.empty()) return out;
        }
      }
    }
    if (!out.empty() || list) return out;
    std::vector<std::string> same_key, any;
    for (const auto& [address, change] : plan.planned) {
      if (change.deleted || change.mode == "data" || !type_in(change.type, types)) continue;
      Address a = parse_address(address);
      if (a.module != res.addr.module) continue;
      any.push_back(address);
      if (!res.addr.key.empty() && a.key == res.addr.key) same_key.push_back(address);
    }
    if (same_key.size() == 1) return same_key;
    if (any.size() == 1) return any;
    return {};
  }

  // Whether the configuration gives `attr` an expression (with references or not).
  bool configured(const Res& res, std::string_view attr) const {
    const std::string cfg = config_module(res.addr.module);
    auto it = plan.references.find((cfg.empty() ? "" : cfg + ".") + res.addr.local);
    return it != plan.references.end() && it->second.contains(std::string(attr));
  }

  std::vector<Ref> refs(Res& res, std::string_view attr, const std::vector<std::string_view>& types,
                        bool list) {
    std::vector<Ref> out;
    Value v = res.v.get(attr);
    if (!v.absent()) {
      if (v.is_array()) {
        for (const auto& item : v.items()) {
          if (auto s = rd.str(item, attr)) out.push_back({std::string(*s), rd.at(item)});
        }
      } else if (auto s = rd.str(v, attr)) {
        out.push_back({std::string(*s), rd.at(v)});
      }
      return out;
    }
    // Not written in the configuration: unset, or computed by AWS (an EIP's `instance`).
    if (!plan.is_plan || !configured(res, attr)) return out;
    auto found = from_configuration(res, attr, types, list);
    res.unknown.emplace_back(attr);
    for (auto& a : found) out.push_back({std::move(a), res.at});
    if (found.empty()) {
      rd.gap(Gap::kUnknownValue, std::string(attr), res.offset, res.address,
                 "`" + std::string(attr) + "` is unknown until apply and names no resource of " +
                     "the configuration cloudtwin can follow; left unset");
    }
    return out;
  }

  Ref ref(Res& res, std::string_view attr, const std::vector<std::string_view>& types) {
    auto all = refs(res, attr, types, false);
    return all.empty() ? Ref{} : all.front();
  }

  std::optional<IpAddress> placeholder_ip(Res& res, std::string_view attr,
                                          const std::string& why = {}) {
    return placeholder_ip(res.offset, res.address, attr, why);
  }
  std::optional<IpAddress> placeholder_ip(std::size_t offset, const std::string& address,
                                          std::string_view attr, const std::string& why) {
    IpAddress a = IpAddress::v4(kPlaceholderBase + ++placeholders);
    rd.gap(Gap::kUnknownValue, std::string(attr), offset, address,
           "`" + std::string(attr) + "` is unknown until apply" + why + "; using placeholder " +
               a.str() + " (198.18.0.0/15)");
    return a;
  }

  // ---- shared attribute shapes ---------------------------------------------------------------
  std::optional<Protocol> protocol(const Value& v, std::string_view field) {
    std::string text;
    if (v.type() == json::Type::kNumber) {
      text = std::string(v.text());
    } else if (auto s = rd.str(v, field)) {
      text = lower(*s);
    } else {
      return std::nullopt;
    }
    auto p = Protocol::parse(text);
    if (!p)
      rd.error(v.offset(), rd.resource(),
               "`" + std::string(field) + "`: unknown protocol `" + text + "`");
    return p;
  }

  // Ports of a rule: tcp/udp ranges, ICMP type (from) and code (to); -1 means any.
  bool ports(Protocol p, const Value& from_v, const Value& to_v, PortRange& ports, int& type,
             int& code) {
    auto from = rd.integer(from_v, "from_port", -1, 65535);
    auto to = rd.integer(to_v, "to_port", -1, 65535);
    if (p.is_icmp()) {
      type = from ? static_cast<int>(*from) : -1;
      code = to ? static_cast<int>(*to) : -1;
      return true;
    }
    if (!p.has_ports()) return true;
    if (!from || !to || *from < 0 || *to < 0) return true;  // any port
    if (*from > *to) {
      rd.error(from_v.offset(), rd.resource(),
               "port range " + std::to_string(*from) + "-" + std::to_string(*to) + " is empty");
      return false;
    }
    ports = {static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)};
    return true;
  }

  // An aws_security_group ingress/egress block, or the shape of aws_security_group_rule
  // (`source_security_group_id`), into one model rule per peer.
  std::vector<model::SecurityGroupRule> sg_rules(const Value& item, const std::string& self) {
    std::vector<model::SecurityGroupRule> out;
    model::SecurityGroupRule base;
    base.at = rd.at(item);
    auto p = protocol(item.get("protocol"), "protocol");
    if (!p) return out;
    base.protocol = *p;
    if (!ports(*p, item.get("from_port"), item.get("to_port"), base.ports, base.icmp_type,
               base.icmp_code)) {
      return out;
    }
    if (auto d = rd.str(item.get("description"), "description")) base.description = *d;
    for (const char* field : {"cidr_blocks", "ipv6_cidr_blocks"}) {
      for (const auto& c : item.get(field).items()) {
        if (auto prefix = rd.prefix(c, field)) {
          auto r = base;
          r.cidr = prefix;
          r.at = rd.at(c);
          out.push_back(r);
        }
      }
    }
    for (const auto& c : item.get("prefix_list_ids").items()) {
      if (auto s = rd.str(c, "prefix_list_ids")) {
        auto r = base;
        r.prefix_list = {std::string(*s), rd.at(c)};
        out.push_back(r);
      }
    }
    for (const auto& c : item.get("security_groups").items()) {
      if (auto s = rd.str(c, "security_groups")) {
        auto r = base;
        r.security_group = {std::string(*s), rd.at(c)};
        out.push_back(r);
      }
    }
    if (auto s = rd.str(item.get("source_security_group_id"), "source_security_group_id")) {
      auto r = base;
      r.security_group = {std::string(*s), rd.at(item.get("source_security_group_id"))};
      out.push_back(r);
    }
    if (auto self_rule = rd.boolean(item.get("self"), "self"); self_rule && *self_rule) {
      auto r = base;
      r.security_group = {self, base.at};
      out.push_back(r);
    }
    return out;
  }

  std::optional<model::NetworkAclEntry> acl_entry(const Value& item, std::string_view number_key,
                                                  std::string_view action_key) {
    model::NetworkAclEntry e;
    e.at = rd.at(item);
    auto n = rd.integer(item.get(number_key), number_key, 1, 32766);
    auto p = protocol(item.get("protocol"), "protocol");
    auto action = rd.str(item.get(action_key), action_key);
    if (!n || !p || !action) {
      if (!n && item.get(number_key).absent())
        rd.error(e.at.line ? item.offset() : 0, rd.resource(),
                 "a network ACL rule needs `" + std::string(number_key) + "`");
      return std::nullopt;
    }
    e.rule_number = static_cast<int>(*n);
    e.protocol = *p;
    const std::string a = lower(*action);
    if (a != "allow" && a != "deny") {
      rd.error(item.get(action_key).offset(), rd.resource(),
               "`" + std::string(action_key) + "` must be allow or deny");
      return std::nullopt;
    }
    e.allow = a == "allow";
    auto v4 = rd.prefix(item.get("cidr_block"), "cidr_block", Family::kV4);
    auto v6 = rd.prefix(item.get("ipv6_cidr_block"), "ipv6_cidr_block", Family::kV6);
    if (!v4 && !v6) {
      rd.error(item.offset(), rd.resource(),
               "a network ACL rule needs `cidr_block` or `ipv6_cidr_block`");
      return std::nullopt;
    }
    e.cidr = v4 ? *v4 : *v6;
    if (e.protocol.is_icmp()) {
      if (auto t = rd.integer(item.get("icmp_type"), "icmp_type", -1, 255))
        e.icmp_type = static_cast<int>(*t);
      if (auto c = rd.integer(item.get("icmp_code"), "icmp_code", -1, 255))
        e.icmp_code = static_cast<int>(*c);
    } else {
      int unused_type = -1, unused_code = -1;
      if (!ports(e.protocol, item.get("from_port"), item.get("to_port"), e.ports, unused_type,
                 unused_code)) {
        return std::nullopt;
      }
      // Terraform writes 0-0 for "all ports".
      if (e.ports.from == 0 && e.ports.to == 0) e.ports = PortRange::all();
    }
    return e;
  }

  // A route of an aws_route_table `route` block or an aws_route; nullopt for `local`, which
  // finalize() materialises, or on error.
  struct TargetAttr {
    std::string_view attr;
    model::TargetKind kind;
    std::array<std::string_view, 3> type_list;  // resource types it may name; "" unused

    [[nodiscard]] std::vector<std::string_view> types() const {
      std::vector<std::string_view> out;
      for (auto t : type_list) {
        if (!t.empty()) out.push_back(t);
      }
      return out;
    }
  };
  static const std::array<TargetAttr, 11>& target_attrs() {
    using model::TargetKind;
    static constexpr std::array<TargetAttr, 11> kTargets{{
        {"gateway_id",
         TargetKind::kInternetGateway,
         {"aws_internet_gateway", "aws_vpn_gateway", "aws_vpc_endpoint"}},
        {"nat_gateway_id", TargetKind::kNatGateway, {"aws_nat_gateway", "", ""}},
        {"transit_gateway_id", TargetKind::kTransitGateway, {"aws_ec2_transit_gateway", "", ""}},
        {"vpc_peering_connection_id",
         TargetKind::kVpcPeeringConnection,
         {"aws_vpc_peering_connection", "", ""}},
        {"egress_only_gateway_id",
         TargetKind::kEgressOnlyInternetGateway,
         {"aws_egress_only_internet_gateway", "", ""}},
        {"vpc_endpoint_id", TargetKind::kVpcEndpoint, {"aws_vpc_endpoint", "", ""}},
        {"network_interface_id", TargetKind::kNetworkInterface, {"aws_network_interface", "", ""}},
        {"instance_id", TargetKind::kInstance, {"aws_instance", "", ""}},
        {"carrier_gateway_id", TargetKind::kUnsupported, {"aws_ec2_carrier_gateway", "", ""}},
        {"local_gateway_id", TargetKind::kUnsupported, {"", "", ""}},
        {"core_network_arn", TargetKind::kUnsupported, {"", "", ""}},
    }};
    return kTargets;
  }

  std::optional<model::Route> route(Res& res, const Value& item, bool split) {
    model::Route r;
    r.at = rd.at(item);
    const char* v4_key = split ? "destination_cidr_block" : "cidr_block";
    const char* v6_key = split ? "destination_ipv6_cidr_block" : "ipv6_cidr_block";
    auto v4 = rd.prefix(item.get(v4_key), v4_key, Family::kV4);
    auto v6 = rd.prefix(item.get(v6_key), v6_key, Family::kV6);
    const char* pl_key = "destination_prefix_list_id";
    if (v4)
      r.destination = v4;
    else if (v6)
      r.destination = v6;
    else if (auto pl = rd.str(item.get(pl_key), pl_key)) {
      r.destination_prefix_list = {std::string(*pl), rd.at(item.get(pl_key))};
      r.origin = model::RouteOrigin::kPrefixList;
    } else {
      if (!split || !plan.is_plan) {
        rd.error(item.offset(), rd.resource(),
                 "a route needs a destination CIDR block or prefix list");
        return std::nullopt;
      }
      // Kept with its destination unknown: it might win any lookup of its table, so those
      // lookups are inconclusive rather than decided without it.
      rd.gap(Gap::kUnknownValue, "destination", res.offset, res.address,
             "the route's destination is unknown until apply; lookups in its route table are "
             "inconclusive");
      r.unknown = "the destination is known after apply";
    }
    // A route to an instance names its ENI too; the ENI is the more precise target.
    std::vector<const TargetAttr*> order;
    for (const auto& t : target_attrs()) order.push_back(&t);
    std::stable_partition(order.begin(), order.end(),
                          [](const TargetAttr* t) { return t->attr == "network_interface_id"; });
    for (const TargetAttr* t : order) {
      Value v = item.get(t->attr);
      if (auto s = rd.str(v, t->attr)) {
        if (*s == "local") return std::nullopt;
        r.target = {std::string(*s), rd.at(v)};
        r.target_kind = t->kind;
        if (t->attr == "gateway_id") {
          if (s->starts_with("vgw-")) r.target_kind = model::TargetKind::kVpnGateway;
          if (s->starts_with("vpce-")) r.target_kind = model::TargetKind::kVpcEndpoint;
        }
        break;
      }
    }
    if (r.target.empty() && plan.is_plan) {
      for (const TargetAttr* t : order) {
        const auto types = t->types();
        if (types.empty()) continue;
        const std::string attr = split ? std::string(t->attr) : "route." + std::string(t->attr);
        auto found = refs(res, attr, types, false);
        if (found.empty()) continue;
        r.target = found.front();
        r.target_kind = t->kind;
        std::string_view addr = r.target.text;
        Address a = parse_address(addr);
        if (a.local.starts_with("aws_vpn_gateway.")) r.target_kind = model::TargetKind::kVpnGateway;
        if (a.local.starts_with("aws_vpc_endpoint."))
          r.target_kind = model::TargetKind::kVpcEndpoint;
        break;
      }
    }
    if (r.target.empty()) {
      if (plan.is_plan) {
        rd.gap(Gap::kUnknownValue, "target", res.offset, res.address,
               "the route's target is unknown until apply; the route is left out");
      } else {
        rd.error(item.offset(), rd.resource(),
                 "a route needs a target (gateway_id, nat_gateway_id, ...)");
      }
      return std::nullopt;
    }
    if (auto state = rd.str(item.get("state"), "state")) r.blackhole = *state == "blackhole";
    return r;
  }

  // ---- resource types ------------------------------------------------------------------------
  void vpc(Res& res) {
    if (res.type == "aws_default_vpc") {
      // Several modules may adopt the same default VPC.
      auto id = str(res, "id");
      if (id && std::any_of(net.vpcs.begin(), net.vpcs.end(),
                            [&](const auto& v) { return v.id == *id; })) {
        aliases.push_back({res.address, Kind::kVpc, std::string(*id), res.at});
        return;
      }
    }
    auto& v = add(res, net.vpcs, Kind::kVpc);
    if (auto arn = str(res, "arn")) {
      // arn:aws:ec2:<region>:<account>:vpc/<id>
      auto parts = segments_of(*arn, ':');
      if (parts.size() >= 5) {
        v.region = std::string(parts[3]);
        v.account = std::string(parts[4]);
      }
    } else if (auto owner = str(res, "owner_id")) {
      v.account = std::string(*owner);
    }
    if (v.region.empty()) v.region = plan.region;
    if (auto p = rd.prefix(res.v.get("cidr_block"), "cidr_block", Family::kV4)) {
      v.cidr_blocks.push_back(*p);
    } else if (unknown(res, "cidr_block")) {
      res.unknown.emplace_back("cidr_block");
    }
    if (auto p = rd.prefix(res.v.get("ipv6_cidr_block"), "ipv6_cidr_block", Family::kV6)) {
      v.ipv6_cidr_blocks.push_back(*p);
    }
    if (auto b = rd.boolean(res.v.get("enable_dns_support"), "enable_dns_support")) {
      v.enable_dns_support = *b;
    }
    VpcDefaults d;
    d.vpc = v.id;
    d.at = v.at;
    d.ipv6 = !v.ipv6_cidr_blocks.empty();
    if (auto s = str(res, "default_security_group_id")) d.security_group = *s;
    if (auto s = str(res, "default_network_acl_id")) d.network_acl = *s;
    if (auto s = str(res, "main_route_table_id")) d.main_route_table = *s;
    vpc_defaults.push_back(std::move(d));
  }

  static std::vector<std::string_view> segments_of(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
      auto end = s.find(sep, start);
      out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    return out;
  }

  void vpc_cidr_association(Res& res, bool v6) {
    Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    const char* key = v6 ? "ipv6_cidr_block" : "cidr_block";
    auto p = rd.prefix(res.v.get(key), key, v6 ? Family::kV6 : Family::kV4);
    if (!p || vpc.empty()) return;
    pending.push_back([this, vpc, p, v6, address = res.address] {
      if (auto i = find(Kind::kVpc, vpc, address)) {
        auto& blocks = v6 ? net.vpcs[*i].ipv6_cidr_blocks : net.vpcs[*i].cidr_blocks;
        if (std::find(blocks.begin(), blocks.end(), *p) == blocks.end()) blocks.push_back(*p);
      }
    });
  }

  void subnet(Res& res) {
    auto& s = add(res, net.subnets, Kind::kSubnet);
    s.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    if (auto az = str(res, "availability_zone")) s.availability_zone = *az;
    s.cidr_block = rd.prefix(res.v.get("cidr_block"), "cidr_block", Family::kV4);
    s.ipv6_cidr_block = rd.prefix(res.v.get("ipv6_cidr_block"), "ipv6_cidr_block", Family::kV6);
    if (auto b = rd.boolean(res.v.get("map_public_ip_on_launch"), "map_public_ip_on_launch")) {
      map_public_ip[s.id] = *b;
    }
  }

  void route_table(Res& res, bool is_default) {
    auto& t = add(res, net.route_tables, Kind::kRouteTable);
    const Index self = static_cast<Index>(net.route_tables.size() - 1);
    t.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    t.main = is_default;
    for (const auto& g : rd.strings(res.v.get("propagating_vgws"), "propagating_vgws")) {
      t.propagating_vgws.push_back({std::string(g), res.at});
    }
    for (const auto& item : res.v.get("route").items()) {
      if (auto r = route(res, item, false)) net.route_tables[self].routes.push_back(*r);
    }
  }

  void route_split(Res& res) {
    rd.set_resource(res.address);
    Ref table = ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"});
    auto r = route(res, res.v, true);
    if (!r || table.empty()) return;
    pending.push_back([this, table, r = *r, address = res.address] {
      auto i = find(Kind::kRouteTable, table, address);
      if (!i) return;
      auto& routes = net.route_tables[*i].routes;
      // The table's `route` blocks list routes made by aws_route as well.
      bool dup = std::any_of(routes.begin(), routes.end(), [&](const model::Route& x) {
        return x.destination == r.destination &&
               x.destination_prefix_list.text == r.destination_prefix_list.text;
      });
      if (!dup) routes.push_back(r);
    });
  }

  void route_table_association(Res& res) {
    rd.set_resource(res.address);
    Ref table = ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"});
    Ref subnet = ref(res, "subnet_id", {"aws_subnet"});
    Ref gateway = ref(res, "gateway_id", {"aws_internet_gateway", "aws_vpn_gateway"});
    if (table.empty()) return;
    pending.push_back([this, table, subnet, gateway, address = res.address] {
      auto i = find(Kind::kRouteTable, table, address);
      if (!i) return;
      auto& t = net.route_tables[*i];
      auto add_once = [](std::vector<Ref>& list, const Ref& r) {
        if (r.empty()) return;
        if (std::none_of(list.begin(), list.end(),
                         [&](const Ref& x) { return x.text == r.text; })) {
          list.push_back(r);
        }
      };
      add_once(t.subnets, subnet);
      add_once(t.gateways, gateway);
    });
  }

  void main_route_table_association(Res& res) {
    rd.set_resource(res.address);
    Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    Ref table = ref(res, "route_table_id", {"aws_route_table"});
    if (table.empty()) return;
    main_associated_vpcs.insert(vpc.text);
    pending.push_back([this, table, address = res.address] {
      if (auto i = find(Kind::kRouteTable, table, address)) net.route_tables[*i].main = true;
    });
  }

  void internet_gateway(Res& res) {
    auto& g = add(res, net.internet_gateways, Kind::kInternetGateway);
    g.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  }

  void gateway_attachment(Res& res, Kind kind, std::string_view attr,
                          const std::vector<std::string_view>& types) {
    rd.set_resource(res.address);
    Ref gw = ref(res, attr, types);
    Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    if (gw.empty() || vpc.empty()) return;
    pending.push_back([this, gw, vpc, kind, address = res.address] {
      auto i = find(kind, gw, address);
      if (!i) return;
      if (kind == Kind::kInternetGateway)
        net.internet_gateways[*i].vpc = vpc;
      else
        net.vpn_gateways[*i].vpc = vpc;
    });
  }

  void egress_only_internet_gateway(Res& res) {
    auto& g = add(res, net.egress_only_internet_gateways, Kind::kEgressOnlyInternetGateway);
    g.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  }

  void nat_gateway(Res& res) {
    auto& g = add(res, net.nat_gateways, Kind::kNatGateway);
    const Index self = static_cast<Index>(net.nat_gateways.size() - 1);
    g.subnet = ref(res, "subnet_id", {"aws_subnet"});
    if (auto c = str(res, "connectivity_type")) g.private_connectivity = *c == "private";
    g.private_ip = rd.address(res.v.get("private_ip"), "private_ip", Family::kV4);
    g.public_ip = rd.address(res.v.get("public_ip"), "public_ip", Family::kV4);
    Ref eip = ref(res, "allocation_id", {"aws_eip"});
    auto& x = net.nat_gateways[self];
    x.elastic_ip = eip;
    // An Elastic IP the plan cannot name (a variable, a module output) still gives the public
    // NAT gateway an address once applied.
    if (eip.empty() && !x.private_connectivity && !x.public_ip && plan.is_plan &&
        configured(res, "allocation_id")) {
      x.public_ip = placeholder_ip(res, "public_ip");
    }
  }

  void eip(Res& res) {
    auto& e = add(res, net.elastic_ips, Kind::kElasticIp);
    const Index self = static_cast<Index>(net.elastic_ips.size() - 1);
    auto pub = rd.address(res.v.get("public_ip"), "public_ip", Family::kV4);
    if (!pub) pub = placeholder_ip(res, "public_ip");
    e.public_ip = *pub;
    Ref instance = ref(res, "instance", {"aws_instance"});
    Ref eni = ref(res, "network_interface", {"aws_network_interface"});
    auto priv = rd.address(res.v.get("associate_with_private_ip"), "associate_with_private_ip",
                           Family::kV4);
    auto& x = net.elastic_ips[self];
    // An EIP on an instance's primary ENI: the state names both.
    if (!eni.empty())
      x.network_interface = eni;
    else
      x.instance = instance;
    x.private_ip = priv;
  }

  void eip_association(Res& res) {
    rd.set_resource(res.address);
    Ref eip = ref(res, "allocation_id", {"aws_eip"});
    Ref instance = ref(res, "instance_id", {"aws_instance"});
    Ref eni = ref(res, "network_interface_id", {"aws_network_interface"});
    auto priv = rd.address(res.v.get("private_ip_address"), "private_ip_address", Family::kV4);
    if (eip.empty()) return;
    pending.push_back([this, eip, instance, eni, priv, address = res.address] {
      auto i = find(Kind::kElasticIp, eip, address);
      if (!i) return;
      auto& e = net.elastic_ips[*i];
      if (!eni.empty()) {
        e.network_interface = eni;
        e.instance = {};
      } else if (!instance.empty()) {
        e.instance = instance;
        e.network_interface = {};
      }
      if (priv) e.private_ip = priv;
    });
  }

  void instance(Res& res) {
    auto& inst = add(res, net.instances, Kind::kInstance);
    if (auto s = str(res, "instance_state")) inst.state = *s;
    const std::string id = inst.id;
    const std::string name = inst.name;
    model::NetworkInterface eni;
    if (auto e = str(res, "primary_network_interface_id")) {
      eni.id = *e;
    } else {
      eni.id = id.starts_with("i-") ? "eni-" + id.substr(2) : id + ".primary_network_interface";
    }
    eni.name = name;
    eni.at = res.at;
    eni.instance = {id, res.at};
    eni.subnet = ref(res, "subnet_id", {"aws_subnet"});
    if (auto a = rd.address(res.v.get("private_ip"), "private_ip", Family::kV4)) {
      eni.private_ips.push_back(*a);
    }
    for (const auto& s : res.v.get("secondary_private_ips").items()) {
      if (auto a = rd.address(s, "secondary_private_ips", Family::kV4))
        eni.private_ips.push_back(*a);
    }
    for (const auto& s : res.v.get("ipv6_addresses").items()) {
      if (auto a = rd.address(s, "ipv6_addresses", Family::kV6)) eni.ipv6_addresses.push_back(*a);
    }
    eni.security_groups = refs(res, "vpc_security_group_ids",
                               {"aws_security_group", "aws_default_security_group"}, true);
    eni.public_ip = rd.address(res.v.get("public_ip"), "public_ip", Family::kV4);
    if (!eni.public_ip && plan.is_plan) {
      // vpc-ip-addressing.html ("Public IPv4 addresses"): an instance launched in a subnet whose
      // public IPv4 addressing attribute is set gets a public address, unless the launch says
      // otherwise; associate_public_ip_address is that launch setting and overrides the subnet.
      auto assoc =
          rd.boolean(res.v.get("associate_public_ip_address"), "associate_public_ip_address");
      if (assoc && *assoc) {
        eni.public_ip = placeholder_ip(res, "public_ip");
      } else if (!assoc && !eni.subnet.empty()) {
        pending.push_back([this, subnet = eni.subnet, eni_id = eni.id, id, offset = res.offset,
                           address = res.address] {
          auto it = index[Kind::kSubnet].find(subnet.text);
          if (it == index[Kind::kSubnet].end()) return;
          auto on = map_public_ip.find(net.subnets[it->second].id);
          if (on == map_public_ip.end() || !on->second) return;
          for (auto& e : net.network_interfaces) {
            if (e.id != eni_id || e.instance.text != id || e.public_ip) continue;
            e.public_ip = placeholder_ip(offset, address, "public_ip",
                                         " (its subnet " + subnet.text +
                                             " sets map_public_ip_on_launch)");
            break;
          }
        });
      }
    }
    if (auto b = rd.boolean(res.v.get("source_dest_check"), "source_dest_check")) {
      eni.source_dest_check = *b;
    }
    instance_enis.push_back(eni.id);
    net.network_interfaces.push_back(std::move(eni));
  }

  void network_interface(Res& res) {
    auto& e = add(res, net.network_interfaces, Kind::kNetworkInterface);
    const Index self = static_cast<Index>(net.network_interfaces.size() - 1);
    Ref subnet = ref(res, "subnet_id", {"aws_subnet"});
    std::vector<IpAddress> ips;
    if (auto a = rd.address(res.v.get("private_ip"), "private_ip", Family::kV4)) ips.push_back(*a);
    for (const auto& s : res.v.get("private_ips").items()) {
      if (auto a = rd.address(s, "private_ips", Family::kV4)) {
        if (std::find(ips.begin(), ips.end(), *a) == ips.end()) ips.push_back(*a);
      }
    }
    std::vector<IpAddress> v6;
    for (const auto& s : res.v.get("ipv6_addresses").items()) {
      if (auto a = rd.address(s, "ipv6_addresses", Family::kV6)) v6.push_back(*a);
    }
    auto sgs =
        refs(res, "security_groups", {"aws_security_group", "aws_default_security_group"}, true);
    auto sdc = rd.boolean(res.v.get("source_dest_check"), "source_dest_check");
    Ref instance;
    for (const auto& a : res.v.get("attachment").items()) {
      if (auto s = rd.str(a.get("instance"), "instance"))
        instance = {std::string(*s), rd.at(a.get("instance"))};
    }
    auto& x = net.network_interfaces[self];
    (void)e;
    x.subnet = subnet;
    x.private_ips = std::move(ips);
    x.ipv6_addresses = std::move(v6);
    x.security_groups = std::move(sgs);
    if (sdc) x.source_dest_check = *sdc;
    x.instance = instance;
    if (auto t = str(res, "interface_type")) x.interface_type = *t;
  }

  void eni_attachment(Res& res) {
    rd.set_resource(res.address);
    Ref eni = ref(res, "network_interface_id", {"aws_network_interface"});
    Ref instance = ref(res, "instance_id", {"aws_instance"});
    if (eni.empty() || instance.empty()) return;
    pending.push_back([this, eni, instance, address = res.address] {
      if (auto i = find(Kind::kNetworkInterface, eni, address)) {
        net.network_interfaces[*i].instance = instance;
      }
    });
  }

  void eni_sg_attachment(Res& res) {
    rd.set_resource(res.address);
    Ref eni = ref(res, "network_interface_id", {"aws_network_interface"});
    Ref sg = ref(res, "security_group_id", {"aws_security_group"});
    if (eni.empty() || sg.empty()) return;
    pending.push_back([this, eni, sg, address = res.address] {
      if (auto i = find(Kind::kNetworkInterface, eni, address)) {
        auto& list = net.network_interfaces[*i].security_groups;
        if (std::none_of(list.begin(), list.end(),
                         [&](const Ref& r) { return r.text == sg.text; })) {
          list.push_back(sg);
        }
      }
    });
  }

  void security_group(Res& res, bool is_default) {
    auto& g = add(res, net.security_groups, Kind::kSecurityGroup);
    const Index self = static_cast<Index>(net.security_groups.size() - 1);
    g.is_default = is_default;
    if (auto n = str(res, "name")) g.group_name = *n;
    if (is_default) g.group_name = "default";
    g.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    const std::string id = g.id;
    // Terraform removes AWS's default allow-all egress rule unless declared, so a group
    // without `egress` blocks has no egress: nothing is added here.
    std::vector<model::SecurityGroupRule> in, out;
    for (const auto& item : res.v.get("ingress").items()) {
      for (auto& r : sg_rules(item, id)) in.push_back(std::move(r));
    }
    for (const auto& item : res.v.get("egress").items()) {
      for (auto& r : sg_rules(item, id)) out.push_back(std::move(r));
    }
    net.security_groups[self].ingress = std::move(in);
    net.security_groups[self].egress = std::move(out);
  }

  void add_sg_rules(Res& res, Ref group, bool egress, std::vector<model::SecurityGroupRule> rules) {
    if (group.empty() || rules.empty()) return;
    pending.push_back([this, group, egress, rules = std::move(rules), address = res.address] {
      auto i = find(Kind::kSecurityGroup, group, address);
      if (!i) return;
      auto& list = egress ? net.security_groups[*i].egress : net.security_groups[*i].ingress;
      for (auto r : rules) {
        // `self` of a split rule names the group it belongs to.
        if (r.security_group.text == "\x01self") r.security_group.text = net.security_groups[*i].id;
        // The group's inline blocks list split rules too (state refresh reads every rule).
        if (std::none_of(list.begin(), list.end(),
                         [&](const auto& x) { return same_rule(x, r); })) {
          list.push_back(r);
        }
      }
    });
  }

  void security_group_rule(Res& res) {
    rd.set_resource(res.address);
    Ref group = ref(res, "security_group_id", {"aws_security_group", "aws_default_security_group"});
    auto type = str(res, "type");
    if (!type || (*type != "ingress" && *type != "egress")) {
      rd.error(res.v.get("type").missing() ? res.offset : res.v.get("type").offset(), res.address,
               "`type` must be ingress or egress");
      return;
    }
    if (res.v.get("source_security_group_id").absent() && plan.is_plan) {
      auto src = refs(res, "source_security_group_id", {"aws_security_group"}, false);
      auto rules = sg_rules(res.v, "\x01self");
      if (!src.empty()) {
        model::SecurityGroupRule r;
        auto p = protocol(res.v.get("protocol"), "protocol");
        if (p) {
          r.protocol = *p;
          ports(*p, res.v.get("from_port"), res.v.get("to_port"), r.ports, r.icmp_type,
                r.icmp_code);
          r.security_group = src.front();
          r.at = res.at;
          rules.push_back(r);
        }
      }
      return add_sg_rules(res, group, *type == "egress", std::move(rules));
    }
    add_sg_rules(res, group, *type == "egress", sg_rules(res.v, "\x01self"));
  }

  void vpc_security_group_rule(Res& res, bool egress) {
    rd.set_resource(res.address);
    Ref group = ref(res, "security_group_id", {"aws_security_group", "aws_default_security_group"});
    model::SecurityGroupRule r;
    r.at = res.at;
    auto p = protocol(res.v.get("ip_protocol"), "ip_protocol");
    if (!p) return;
    r.protocol = *p;
    if (!ports(*p, res.v.get("from_port"), res.v.get("to_port"), r.ports, r.icmp_type, r.icmp_code))
      return;
    if (auto c = rd.prefix(res.v.get("cidr_ipv4"), "cidr_ipv4", Family::kV4))
      r.cidr = c;
    else if (auto c6 = rd.prefix(res.v.get("cidr_ipv6"), "cidr_ipv6", Family::kV6))
      r.cidr = c6;
    else if (Ref pl = ref(res, "prefix_list_id", {"aws_ec2_managed_prefix_list"}); !pl.empty())
      r.prefix_list = pl;
    else if (Ref sg = ref(res, "referenced_security_group_id", {"aws_security_group"}); !sg.empty())
      r.security_group = sg;
    else {
      rd.error(
          res.offset, res.address,
          "the rule needs cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id");
      return;
    }
    if (auto d = str(res, "description")) r.description = *d;
    add_sg_rules(res, group, egress, {r});
  }

  void network_acl(Res& res, bool is_default) {
    auto& a = add(res, net.network_acls, Kind::kNetworkAcl);
    const Index self = static_cast<Index>(net.network_acls.size() - 1);
    a.is_default = is_default;
    a.vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    if (is_default && a.vpc.empty()) {
      // aws_default_network_acl names its ACL, not its VPC: the VPC that names it as default.
      const std::string id = a.id;
      pending.push_back([this, self, id] {
        for (const auto& d : vpc_defaults) {
          if (d.network_acl == id) net.network_acls[self].vpc = {d.vpc, net.network_acls[self].at};
        }
      });
    }
    auto subnets = refs(res, "subnet_ids", {"aws_subnet"}, true);
    std::vector<model::NetworkAclEntry> in, out;
    for (const auto& item : res.v.get("ingress").items()) {
      if (auto e = acl_entry(item, "rule_no", "action")) in.push_back(*e);
    }
    for (const auto& item : res.v.get("egress").items()) {
      if (auto e = acl_entry(item, "rule_no", "action")) out.push_back(*e);
    }
    auto& x = net.network_acls[self];
    x.subnets = std::move(subnets);
    x.ingress = std::move(in);
    x.egress = std::move(out);
  }

  void network_acl_rule(Res& res) {
    rd.set_resource(res.address);
    Ref acl = ref(res, "network_acl_id", {"aws_network_acl", "aws_default_network_acl"});
    auto e = acl_entry(res.v, "rule_number", "rule_action");
    auto egress = rd.boolean(res.v.get("egress"), "egress");
    if (!e || acl.empty()) return;
    pending.push_back([this, acl, e = *e, egress = egress.value_or(false), address = res.address] {
      auto i = find(Kind::kNetworkAcl, acl, address);
      if (!i) return;
      auto& list = egress ? net.network_acls[*i].egress : net.network_acls[*i].ingress;
      if (std::none_of(list.begin(), list.end(),
                       [&](const auto& x) { return x.rule_number == e.rule_number; })) {
        list.push_back(e);
      }
    });
  }

  void network_acl_association(Res& res) {
    rd.set_resource(res.address);
    Ref acl = ref(res, "network_acl_id", {"aws_network_acl", "aws_default_network_acl"});
    Ref subnet = ref(res, "subnet_id", {"aws_subnet"});
    if (acl.empty() || subnet.empty()) return;
    pending.push_back([this, acl, subnet, address = res.address] {
      auto i = find(Kind::kNetworkAcl, acl, address);
      if (!i) return;
      auto& list = net.network_acls[*i].subnets;
      if (std::none_of(list.begin(), list.end(),
                       [&](const Ref& r) { return r.text == subnet.text; })) {
        list.push_back(subnet);
      }
    });
  }

  void prefix_list(Res& res) {
    auto& p = add(res, net.prefix_lists, Kind::kPrefixList);
    const Index self = static_cast<Index>(net.prefix_lists.size() - 1);
    if (auto n = str(res, "name")) p.prefix_list_name = *n;
    if (auto f = str(res, "address_family"))
      p.address_family = *f == "IPv6" ? Family::kV6 : Family::kV4;
    std::vector<Prefix> entries;
    for (const auto& e : res.v.get("entry").items()) {
      if (auto c = rd.prefix(e.get("cidr"), "cidr")) entries.push_back(*c);
    }
    for (const auto& e : res.v.get("entries").items()) {
      if (auto c = rd.prefix(e.get("cidr"), "cidr")) entries.push_back(*c);
    }
    for (const auto& c : res.v.get("cidr_blocks").items()) {
      if (auto x = rd.prefix(c, "cidr_blocks")) entries.push_back(*x);
    }
    net.prefix_lists[self].entries = std::move(entries);
  }

  void prefix_list_entry(Res& res) {
    rd.set_resource(res.address);
    Ref pl = ref(res, "prefix_list_id", {"aws_ec2_managed_prefix_list"});
    auto c = rd.prefix(res.v.get("cidr"), "cidr");
    if (pl.empty() || !c) return;
    pending.push_back([this, pl, c, address = res.address] {
      if (auto i = find(Kind::kPrefixList, pl, address)) {
        auto& e = net.prefix_lists[*i].entries;
        if (std::find(e.begin(), e.end(), *c) == e.end()) e.push_back(*c);
      }
    });
  }

  void peering(Res& res, bool accepter) {
    if (accepter) {
      // The accepter side of a connection this file also creates is the same connection.
      Ref pcx = ref(res, "vpc_peering_connection_id", {"aws_vpc_peering_connection"});
      if (!pcx.empty() &&
          (std::any_of(net.vpc_peering_connections.begin(), net.vpc_peering_connections.end(),
                       [&](const auto& p) { return p.id == pcx.text; }) ||
           plan.planned.contains(pcx.text))) {
        return;
      }
    }
    auto& p = add(res, net.vpc_peering_connections, Kind::kVpcPeeringConnection);
    const Index self = static_cast<Index>(net.vpc_peering_connections.size() - 1);
    if (accepter) {
      if (auto id = str(res, "vpc_peering_connection_id")) p.id = *id;
    }
    Ref a = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    Ref b = ref(res, "peer_vpc_id", {"aws_vpc", "aws_default_vpc"});
    auto status = str(res, "accept_status");
    auto& x = net.vpc_peering_connections[self];
    x.requester_vpc = accepter ? b : a;
    x.accepter_vpc = accepter ? a : b;
    if (status)
      x.status = *status;
    else if (plan.is_plan)
      x.status = "active";
  }

  void transit_gateway(Res& res) {
    auto& t = add(res, net.transit_gateways, Kind::kTransitGateway);
    const Index self = static_cast<Index>(net.transit_gateways.size() - 1);
    if (auto arn = str(res, "arn")) {
      auto parts = segments_of(*arn, ':');
      if (parts.size() >= 5) {
        t.region = std::string(parts[3]);
        t.account = std::string(parts[4]);
      }
    }
    if (net.transit_gateways[self].region.empty()) net.transit_gateways[self].region = plan.region;
    if (auto asn = rd.integer(res.v.get("amazon_side_asn"), "amazon_side_asn", 1, 4294967294)) {
      net.transit_gateways[self].amazon_side_asn = static_cast<std::uint32_t>(*asn);
    }
    auto& x = net.transit_gateways[self];
    if (auto s = str(res, "default_route_table_association"))
      x.default_route_table_association = *s == "enable";
    if (auto s = str(res, "default_route_table_propagation"))
      x.default_route_table_propagation = *s == "enable";
    if (auto s = str(res, "association_default_route_table_id"))
      x.association_default_route_table = {std::string(*s),
                                           at(res.v.get("association_default_route_table_id"))};
    if (auto s = str(res, "propagation_default_route_table_id"))
      x.propagation_default_route_table = {std::string(*s),
                                           at(res.v.get("propagation_default_route_table_id"))};
  }

  void tgw_route_table(Res& res) {
    auto& t = add(res, net.transit_gateway_route_tables, Kind::kTransitGatewayRouteTable);
    t.transit_gateway = ref(res, "transit_gateway_id", {"aws_ec2_transit_gateway"});
  }

  void tgw_attachment(Res& res, model::AttachmentType type) {
    auto& a = add(res, net.transit_gateway_attachments, Kind::kTransitGatewayAttachment);
    const Index self = static_cast<Index>(net.transit_gateway_attachments.size() - 1);
    a.type = type;
    Ref tgw = ref(res, "transit_gateway_id", {"aws_ec2_transit_gateway"});
    Ref vpc, peer;
    std::vector<Ref> subnets;
    if (type == model::AttachmentType::kVpc) {
      vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
      subnets = refs(res, "subnet_ids", {"aws_subnet"}, true);
    }
    auto appliance = str(res, "appliance_mode_support");
    auto& x = net.transit_gateway_attachments[self];
    x.transit_gateway = tgw;
    x.vpc = vpc;
    x.subnets = std::move(subnets);
    if (appliance) x.appliance_mode_support = *appliance == "enable";
  }

  void tgw_association(Res& res, bool propagation) {
    rd.set_resource(res.address);
    Ref att = ref(
        res, "transit_gateway_attachment_id",
        {"aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_peering_attachment"});
    Ref table = ref(res, "transit_gateway_route_table_id", {"aws_ec2_transit_gateway_route_table"});
    if (att.empty() || table.empty()) return;
    pending.push_back([this, att, table, propagation, address = res.address] {
      auto i = find(Kind::kTransitGatewayAttachment, att, address);
      if (!i) return;
      auto& a = net.transit_gateway_attachments[*i];
      if (!propagation) {
        a.association = table;
      } else if (std::none_of(a.propagations.begin(), a.propagations.end(),
                              [&](const Ref& r) { return r.text == table.text; })) {
        a.propagations.push_back(table);
      }
    });
  }

  void tgw_route(Res& res) {
    rd.set_resource(res.address);
    Ref table = ref(res, "transit_gateway_route_table_id", {"aws_ec2_transit_gateway_route_table"});
    model::TransitGatewayRoute r;
    r.at = res.at;
    auto dest = rd.prefix(res.v.get("destination_cidr_block"), "destination_cidr_block");
    if (!dest) {
      if (!plan.is_plan)
        rd.error(res.offset, res.address, "a transit gateway route needs `destination_cidr_block`");
      return;
    }
    r.destination = *dest;
    if (auto b = rd.boolean(res.v.get("blackhole"), "blackhole")) r.blackhole = *b;
    if (!r.blackhole)
      r.attachment = ref(
          res, "transit_gateway_attachment_id",
          {"aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_peering_attachment"});
    if (table.empty()) return;
    pending.push_back([this, table, r, address = res.address] {
      auto i = find(Kind::kTransitGatewayRouteTable, table, address);
      if (!i) return;
      auto& routes = net.transit_gateway_route_tables[*i].routes;
      if (std::none_of(routes.begin(), routes.end(),
                       [&](const auto& x) { return x.destination == r.destination; })) {
        routes.push_back(r);
      }
    });
  }

  void vpc_endpoint(Res& res) {
    auto& e = add(res, net.vpc_endpoints, Kind::kVpcEndpoint);
    const Index self = static_cast<Index>(net.vpc_endpoints.size() - 1);
    if (auto t = str(res, "vpc_endpoint_type")) e.gateway = *t == "Gateway";
    if (auto s = str(res, "service_name")) e.service_name = *s;
    Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    auto tables =
        refs(res, "route_table_ids", {"aws_route_table", "aws_default_route_table"}, true);
    auto subnets = refs(res, "subnet_ids", {"aws_subnet"}, true);
    auto sgs = refs(res, "security_group_ids", {"aws_security_group"}, true);
    auto& x = net.vpc_endpoints[self];
    x.vpc = vpc;
    x.route_tables = std::move(tables);
    x.subnets = std::move(subnets);
    x.security_groups = std::move(sgs);
    // The service's prefix list is AWS's, not in the state: built from the endpoint's
    // `prefix_list_id` and `cidr_blocks` unless the file declares it.
    if (x.gateway) {
      auto pl = str(res, "prefix_list_id");
      std::vector<Prefix> cidrs;
      for (const auto& c : res.v.get("cidr_blocks").items()) {
        if (auto p = rd.prefix(c, "cidr_blocks")) cidrs.push_back(*p);
      }
      const std::string service = x.service_name;
      if (pl) x.prefix_list = {std::string(*pl), at(res.v.get("prefix_list_id"))};
      pending.push_back(
          [this, pl = pl ? std::string(*pl) : std::string(), cidrs, service, at = res.at] {
            bool known =
                std::any_of(net.prefix_lists.begin(), net.prefix_lists.end(), [&](const auto& p) {
                  return (!pl.empty() && p.id == pl) || p.prefix_list_name == service;
                });
            if (known || service.empty()) return;
            model::PrefixList p;
            p.id = pl.empty() ? "pl-" + service : pl;
            p.prefix_list_name = service;
            p.entries = cidrs;
            p.at = at;
            net.prefix_lists.push_back(std::move(p));
          });
    }
  }

  void endpoint_association(Res& res, Kind what) {
    rd.set_resource(res.address);
    Ref ep = ref(res, "vpc_endpoint_id", {"aws_vpc_endpoint"});
    Ref target = what == Kind::kRouteTable
                     ? ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"})
                 : what == Kind::kSubnet ? ref(res, "subnet_id", {"aws_subnet"})
                                         : ref(res, "security_group_id", {"aws_security_group"});
    if (ep.empty() || target.empty()) return;
    pending.push_back([this, ep, target, what, address = res.address] {
      auto i = find(Kind::kVpcEndpoint, ep, address);
      if (!i) return;
      auto& e = net.vpc_endpoints[*i];
      auto& list = what == Kind::kRouteTable ? e.route_tables
                   : what == Kind::kSubnet   ? e.subnets
                                             : e.security_groups;
      if (std::none_of(list.begin(), list.end(),
                       [&](const Ref& r) { return r.text == target.text; }))
        list.push_back(target);
    });
  }

  void vpn_gateway(Res& res) {
    auto& g = add(res, net.vpn_gateways, Kind::kVpnGateway);
    const Index self = static_cast<Index>(net.vpn_gateways.size() - 1);
    Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    auto asn = rd.integer(res.v.get("amazon_side_asn"), "amazon_side_asn", 1, 4294967294);
    net.vpn_gateways[self].vpc = vpc;
    if (asn) net.vpn_gateways[self].amazon_side_asn = static_cast<std::uint32_t>(*asn);
    (void)g;
  }

  void vgw_route_propagation(Res& res) {
    rd.set_resource(res.address);
    Ref vgw = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
    Ref table = ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"});
    if (vgw.empty() || table.empty()) return;
    pending.push_back([this, vgw, table, address = res.address] {
      auto i = find(Kind::kRouteTable, table, address);
      if (!i) return;
      auto& list = net.route_tables[*i].propagating_vgws;
      if (std::none_of(list.begin(), list.end(), [&](const Ref& r) { return r.text == vgw.text; }))
        list.push_back(vgw);
    });
  }

  void customer_gateway(Res& res) {
    auto& g = add(res, net.customer_gateways, Kind::kCustomerGateway);
    const Index self = static_cast<Index>(net.customer_gateways.size() - 1);
    auto ip = rd.address(res.v.get("ip_address"), "ip_address", Family::kV4);
    auto asn = rd.integer(res.v.get("bgp_asn"), "bgp_asn", 1, 4294967294);
    net.customer_gateways[self].ip_address = ip;
    if (asn) net.customer_gateways[self].bgp_asn = static_cast<std::uint32_t>(*asn);
    (void)g;
  }

  void vpn_connection(Res& res) {
    auto& c = add(res, net.vpn_connections, Kind::kVpnConnection);
    const Index self = static_cast<Index>(net.vpn_connections.size() - 1);
    const std::string id = c.id;
    Ref vgw = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
    Ref tgw = ref(res, "transit_gateway_id", {"aws_ec2_transit_gateway"});
    Ref cgw = ref(res, "customer_gateway_id", {"aws_customer_gateway"});
    auto static_only = rd.boolean(res.v.get("static_routes_only"), "static_routes_only");
    std::vector<Prefix> routes;
    for (const auto& r : res.v.get("routes").items()) {
      if (auto p = rd.prefix(r.get("destination_cidr_block"), "destination_cidr_block"))
        routes.push_back(*p);
    }
    auto& x = net.vpn_connections[self];
    x.vpn_gateway = vgw;
    x.transit_gateway = tgw;
    x.customer_gateway = cgw;
    if (static_only) x.static_routes_only = *static_only;
    x.static_routes = std::move(routes);
    // On a transit gateway the connection's attachment has an id routes and associations use.
    if (auto att = str(res, "transit_gateway_attachment_id"); att && !tgw.empty()) {
      model::TransitGatewayAttachment a;
      a.id = *att;
      a.at = res.at;
      a.type = model::AttachmentType::kVpn;
      a.transit_gateway = tgw;
      a.vpn_connection = {id, res.at};
      net.transit_gateway_attachments.push_back(std::move(a));
    }
  }

  void vpn_connection_route(Res& res) {
    rd.set_resource(res.address);
    Ref vpn = ref(res, "vpn_connection_id", {"aws_vpn_connection"});
    auto p = rd.prefix(res.v.get("destination_cidr_block"), "destination_cidr_block");
    if (vpn.empty() || !p) return;
    pending.push_back([this, vpn, p, address = res.address] {
      if (auto i = find(Kind::kVpnConnection, vpn, address)) {
        auto& r = net.vpn_connections[*i].static_routes;
        if (std::find(r.begin(), r.end(), *p) == r.end()) r.push_back(*p);
      }
    });
  }

  void dx_gateway(Res& res) {
    auto& g = add(res, net.direct_connect_gateways, Kind::kDirectConnectGateway);
    const Index self = static_cast<Index>(net.direct_connect_gateways.size() - 1);
    // The provider has no tags for a Direct Connect gateway: its `name` is its name.
    if (auto n = str(res, "name"); n && !n->empty()) net.direct_connect_gateways[self].name = *n;
    auto asn = rd.integer(res.v.get("amazon_side_asn"), "amazon_side_asn", 1, 4294967294);
    if (asn) net.direct_connect_gateways[self].amazon_side_asn = static_cast<std::uint32_t>(*asn);
    (void)g;
  }

  void dx_gateway_association(Res& res) {
    rd.set_resource(res.address);
    Ref dx = ref(res, "dx_gateway_id", {"aws_dx_gateway"});
    Ref gw = ref(res, "associated_gateway_id", {"aws_vpn_gateway", "aws_ec2_transit_gateway"});
    if (gw.empty()) gw = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
    std::vector<Prefix> allowed;
    for (const auto& p : res.v.get("allowed_prefixes").items()) {
      if (auto x = rd.prefix(p, "allowed_prefixes")) allowed.push_back(*x);
    }
    if (dx.empty() || gw.empty()) return;
    auto type = str(res, "associated_gateway_type");
    const bool tgw = (type && *type == "transitGateway") || gw.text.starts_with("tgw-") ||
                     gw.text.find("aws_ec2_transit_gateway.") != std::string::npos;
    if (tgw) {
      // The association is an attachment of type direct-connect-gateway on the TGW.
      model::TransitGatewayAttachment a;
      a.id = "tgw-attach-" + id_suffix(dx.text) + "-" + id_suffix(gw.text);
      a.at = res.at;
      a.type = model::AttachmentType::kDirectConnectGateway;
      a.transit_gateway = gw;
      a.direct_connect_gateway = dx;
      aliases.push_back({res.address, Kind::kTransitGatewayAttachment, a.id, res.at});
      net.transit_gateway_attachments.push_back(std::move(a));
      return;
    }
    pending.push_back([this, dx, gw, allowed, address = res.address] {
      auto i = find(Kind::kDirectConnectGateway, dx, address);
      if (!i) return;
      auto& g = net.direct_connect_gateways[*i];
      g.vpn_gateways.push_back(gw);
      g.allowed_prefixes.insert(g.allowed_prefixes.end(), allowed.begin(), allowed.end());
    });
  }

  // ---- dispatch ----------------------------------------------------------------------------
  void read(const Value& r) {
    Res res;
    res.r = r;
    res.offset = r.offset();
    res.at = rd.at(r);
    rd.set_resource("");
    if (!r.is_object()) {
      rd.error(r.offset(), "",
               std::string("a resource must be an object, not ") + json::type_name(r.type()));
      return;
    }
    auto address = rd.str(r.get("address"), "address");
    auto type = rd.str(r.get("type"), "type");
    if (!address || !type) {
      if (!address) rd.error(r.offset(), "", "a resource needs an `address`");
      if (!type) rd.error(r.offset(), "", "a resource needs a `type`");
      return;
    }
    res.address = *address;
    res.type = *type;
    res.addr = parse_address(res.address);
    res.data = r.get("mode").text() == "data";
    res.v = r.get("values");
    rd.set_resource(res.address);
    if (!res.v.missing() && !res.v.is_object() && res.v.type() != json::Type::kNull) {
      rd.expect(res.v, json::Type::kObject, "values");
      return;
    }
    if (!res.type.starts_with("aws_")) return;  // other providers are not AWS networks
    if (!dispatch(res)) {
      if (!res.data) {
        rd.gap(Gap::kIgnoredType, res.type, res.offset, res.address,
               "ignored: " + res.address + " (" + res.type + " is not modelled)");
      }
      return;
    }
    if (!res.unknown.empty()) {
      std::string attrs;
      for (const auto& a : res.unknown) attrs += (attrs.empty() ? "" : ", ") + a;
      const bool id = std::find(res.unknown.begin(), res.unknown.end(), "id") != res.unknown.end();
      rd.gap(
          Gap::kUnknownValue, attrs, res.offset, res.address, "unknown until apply: " + attrs,
          id ? "its id is the address `" + res.address + "`; references follow the configuration"
             : "references follow the configuration");
    }
  }

  bool dispatch(Res& res) {
    const std::string& t = res.type;
    if (res.data) {
      if (t == "aws_prefix_list" || t == "aws_ec2_managed_prefix_list")
        return prefix_list(res), true;
      return false;
    }
    if (t == "aws_vpc" || t == "aws_default_vpc") return vpc(res), true;
    if (t == "aws_vpc_ipv4_cidr_block_association") return vpc_cidr_association(res, false), true;
    if (t == "aws_vpc_ipv6_cidr_block_association") return vpc_cidr_association(res, true), true;
    if (t == "aws_subnet" || t == "aws_default_subnet") return subnet(res), true;
    if (t == "aws_route_table") return route_table(res, false), true;
    if (t == "aws_default_route_table") return route_table(res, true), true;
    if (t == "aws_route") return route_split(res), true;
    if (t == "aws_route_table_association") return route_table_association(res), true;
    if (t == "aws_main_route_table_association") return main_route_table_association(res), true;
    if (t == "aws_internet_gateway") return internet_gateway(res), true;
    if (t == "aws_internet_gateway_attachment") {
      return gateway_attachment(res, Kind::kInternetGateway, "internet_gateway_id",
                                {"aws_internet_gateway"}),
             true;
    }
    if (t == "aws_egress_only_internet_gateway") return egress_only_internet_gateway(res), true;
    if (t == "aws_nat_gateway") return nat_gateway(res), true;
    if (t == "aws_eip") return eip(res), true;
    if (t == "aws_eip_association") return eip_association(res), true;
    if (t == "aws_instance") return instance(res), true;
    if (t == "aws_network_interface") return network_interface(res), true;
    if (t == "aws_network_interface_attachment") return eni_attachment(res), true;
    if (t == "aws_network_interface_sg_attachment") return eni_sg_attachment(res), true;
    if (t == "aws_security_group") return security_group(res, false), true;
    if (t == "aws_default_security_group") return security_group(res, true), true;
    if (t == "aws_security_group_rule") return security_group_rule(res), true;
    if (t == "aws_vpc_security_group_ingress_rule")
      return vpc_security_group_rule(res, false), true;
    if (t == "aws_vpc_security_group_egress_rule") return vpc_security_group_rule(res, true), true;
    if (t == "aws_network_acl") return network_acl(res, false), true;
    if (t == "aws_default_network_acl") return network_acl(res, true), true;
    if (t == "aws_network_acl_rule") return network_acl_rule(res), true;
    if (t == "aws_network_acl_association") return network_acl_association(res), true;
    if (t == "aws_ec2_managed_prefix_list") return prefix_list(res), true;
    if (t == "aws_ec2_managed_prefix_list_entry") return prefix_list_entry(res), true;
    if (t == "aws_vpc_peering_connection") return peering(res, false), true;
    if (t == "aws_vpc_peering_connection_accepter") return peering(res, true), true;
    if (t == "aws_ec2_transit_gateway") return transit_gateway(res), true;
    if (t == "aws_ec2_transit_gateway_route_table") return tgw_route_table(res), true;
    if (t == "aws_ec2_transit_gateway_vpc_attachment")
      return tgw_attachment(res, model::AttachmentType::kVpc), true;
    if (t == "aws_ec2_transit_gateway_peering_attachment")
      return tgw_attachment(res, model::AttachmentType::kPeering), true;
    if (t == "aws_ec2_transit_gateway_route_table_association")
      return tgw_association(res, false), true;
    if (t == "aws_ec2_transit_gateway_route_table_propagation")
      return tgw_association(res, true), true;
    if (t == "aws_ec2_transit_gateway_route") return tgw_route(res), true;
    if (t == "aws_vpc_endpoint") return vpc_endpoint(res), true;
    if (t == "aws_vpc_endpoint_route_table_association")
      return endpoint_association(res, Kind::kRouteTable), true;
    if (t == "aws_vpc_endpoint_subnet_association")
      return endpoint_association(res, Kind::kSubnet), true;
    if (t == "aws_vpc_endpoint_security_group_association")
      return endpoint_association(res, Kind::kSecurityGroup), true;
    if (t == "aws_vpn_gateway") return vpn_gateway(res), true;
    if (t == "aws_vpn_gateway_attachment") {
      return gateway_attachment(res, Kind::kVpnGateway, "vpn_gateway_id", {"aws_vpn_gateway"}),
             true;
    }
    if (t == "aws_vpn_gateway_route_propagation") return vgw_route_propagation(res), true;
    if (t == "aws_customer_gateway") return customer_gateway(res), true;
    if (t == "aws_vpn_connection") return vpn_connection(res), true;
    if (t == "aws_vpn_connection_route") return vpn_connection_route(res), true;
    if (t == "aws_dx_gateway") return dx_gateway(res), true;
    if (t == "aws_dx_gateway_association") return dx_gateway_association(res), true;
    return false;
  }

  // ---- finish --------------------------------------------------------------------------------
  template <class R>
  void index_kind(Kind kind, const std::vector<R>& list) {
    auto& m = index[kind];
    for (Index i = 0; i < list.size(); ++i) {
      m.emplace(list[i].id, i);
    }
  }

  void build_index() {
    index.clear();
    index_kind(Kind::kVpc, net.vpcs);
    index_kind(Kind::kSubnet, net.subnets);
    index_kind(Kind::kRouteTable, net.route_tables);
    index_kind(Kind::kInternetGateway, net.internet_gateways);
    index_kind(Kind::kElasticIp, net.elastic_ips);
    index_kind(Kind::kNetworkInterface, net.network_interfaces);
    index_kind(Kind::kSecurityGroup, net.security_groups);
    index_kind(Kind::kNetworkAcl, net.network_acls);
    index_kind(Kind::kPrefixList, net.prefix_lists);
    index_kind(Kind::kTransitGatewayRouteTable, net.transit_gateway_route_tables);
    index_kind(Kind::kTransitGatewayAttachment, net.transit_gateway_attachments);
    index_kind(Kind::kVpcEndpoint, net.vpc_endpoints);
    index_kind(Kind::kVpnGateway, net.vpn_gateways);
    index_kind(Kind::kVpnConnection, net.vpn_connections);
    index_kind(Kind::kDirectConnectGateway, net.direct_connect_gateways);
    for (const auto& a : aliases) {
      auto& m = index[a.kind];
      if (auto it = m.find(a.id); it != m.end()) m.emplace(a.alias, it->second);
    }
  }

  std::optional<Index> find(Kind kind, const Ref& ref, const std::string& owner) {
    auto& m = index[kind];
    if (auto it = m.find(ref.text); it != m.end()) return it->second;
    // Terraform names existing infrastructure by id: what a split resource modifies may be
    // outside the state, as CloudFormation's parameters may name an earlier stack's resources.
    rd.diagnostics().gap(Gap::kLeftOut, "", rd.path(), ref.at, owner,
                             owner + " left out: its " + word(kind) + " " + ref.text +
                                 " is not in this " + source_word() +
                                 "; load a snapshot that describes it first");
    return std::nullopt;
  }

  void finish() {
    // An instance's primary ENI may also be an aws_network_interface of the file.
    std::unordered_map<std::string, std::size_t> count;
    for (const auto& e : net.network_interfaces) ++count[e.id];
    std::set<std::string> synthesised(instance_enis.begin(), instance_enis.end());
    std::vector<std::pair<std::string, Ref>> dropped;
    std::erase_if(net.network_interfaces, [&](const model::NetworkInterface& e) {
      if (count[e.id] < 2 || !synthesised.contains(e.id)) return false;
      --count[e.id];
      synthesised.erase(e.id);
      dropped.emplace_back(e.id, e.instance);
      return true;
    });
    for (const auto& [id, instance] : dropped) {
      for (auto& e : net.network_interfaces) {
        if (e.id == id && e.instance.empty()) e.instance = instance;
      }
    }
    materialise_defaults();
    build_index();
    for (auto& p : pending) p();
    pending.clear();
    leave_out_missing();
    for (auto& a : aliases) net.aliases.push_back(std::move(a));
    aliases.clear();
  }

  // ---- references outside the input ---------------------------------------------------------
  // finalize() makes every unresolved reference an error. Terraform names existing
  // infrastructure (a VPC, a subnet of the default VPC, a shared security group) by id, so a
  // reference to something neither in this file nor in an input read before it is decided
  // here, as the CloudFormation reader does: a located warning, and the resource that needs it
  // left out — or, for an optional reference (one of several security groups, an association, a
  // rule, a route), only that reference.

  static const char* word(Kind k) {
    static constexpr std::array<const char*, kKinds> kWords = {
        "VPC",
        "subnet",
        "route table",
        "internet gateway",
        "egress-only internet gateway",
        "NAT gateway",
        "Elastic IP",
        "network interface",
        "instance",
        "security group",
        "network ACL",
        "prefix list",
        "peering connection",
        "transit gateway",
        "transit gateway route table",
        "transit gateway attachment",
        "VPC endpoint",
        "virtual private gateway",
        "customer gateway",
        "VPN connection",
        "Direct Connect gateway",
        "on-premises network",
    };
    return kWords[static_cast<std::size_t>(k)];
  }

  const char* source_word() const { return plan.is_plan ? "plan" : "state"; }

  void build_known() {
    for (std::size_t k = 0; k < kKinds; ++k) {
      auto& set = known[k];
      set.clear();
      const Kind kind = static_cast<Kind>(k);
      for (Index i = 0; i < net.count(kind); ++i) {
        const auto& r = net.resource({kind, i});
        set.insert(r.id);
        if (!r.name.empty()) set.insert(r.name);
      }
    }
    for (const auto* list : {&net.aliases, &aliases}) {
      for (const auto& a : *list) {
        auto& set = known[static_cast<std::size_t>(a.kind)];
        if (set.contains(a.id)) set.insert(a.alias);
      }
    }
  }

  bool is_known(const Ref& ref, std::initializer_list<Kind> kinds) const {
    if (ref.empty()) return true;
    for (Kind k : kinds) {
      if (known[static_cast<std::size_t>(k)].contains(ref.text)) return true;
    }
    // What finalize() adds for a VPC or transit gateway (native files may name them).
    for (std::string_view implicit :
         {"sg-default-", "acl-default-", "rtb-main-", "tgw-rtb-default-"}) {
      if (ref.text.starts_with(implicit)) return true;
    }
    return false;
  }

  // "its subnet subnet-1 is not in this state; load a snapshot that describes it first", or
  // "... was left out" when this file's resource was.
  std::string why(const Ref& ref, Kind kind) const {
    const std::string what = std::string("its ") + word(kind) + " " + ref.text;
    if (gone[static_cast<std::size_t>(kind)].contains(ref.text)) return what + " was left out";
    return what + " is not in this " + source_word() + "; load a snapshot that describes it first";
  }

  // The resource's address when it has one, else its id.
  std::string label(Kind kind, const model::Resource& r) const {
    const auto& m = address_of[static_cast<std::size_t>(kind)];
    auto it = m.find(r.id);
    return it == m.end() ? r.id : it->second;
  }

  // Leaves out this file's resources of `list` for which `reason` is not empty.
  template <class R, class F>
  std::size_t leave_out(Kind kind, std::vector<R>& list, F reason) {
    const std::size_t first = std::min(start[static_cast<std::size_t>(kind)], list.size());
    std::vector<bool> drop(list.size(), false);
    std::size_t count = 0;
    for (std::size_t i = first; i < list.size(); ++i) {
      auto [text, at] = reason(list[i]);
      if (text.empty()) continue;
      const std::string name = label(kind, list[i]);
      rd.diagnostics().gap(Gap::kLeftOut, "", rd.path(), at, name,
                               std::string(word(kind)) + " " + name + " left out: " + text);
      auto& g = gone[static_cast<std::size_t>(kind)];
      g.insert(list[i].id);
      if (!list[i].name.empty()) g.insert(list[i].name);
      if (name != list[i].id) g.insert(name);
      drop[i] = true;
      ++count;
    }
    if (count == 0) return 0;
    std::size_t i = 0;
    std::erase_if(list, [&](const R&) { return drop[i++]; });
    return count;
  }

  // Removes the references of `refs` that name nothing, each with a warning.
  void drop_refs(const std::string& owner, Kind owner_kind, std::vector<Ref>& refs, Kind kind,
                 std::initializer_list<Kind> kinds) {
    std::erase_if(refs, [&](const Ref& r) {
      if (is_known(r, kinds)) return false;
      rd.diagnostics().gap(Gap::kLeftOut, "", rd.path(), r.at, owner,
                               std::string("the association of ") + word(owner_kind) + " " + owner +
                                   " with " + word(kind) + " " + r.text +
                                   " is left out: " + why(r, kind).substr(4));
      return true;
    });
  }

  void drop_ref(const std::string& owner, Kind owner_kind, Ref& ref, Kind kind,
                std::initializer_list<Kind> kinds) {
    if (is_known(ref, kinds)) return;
    rd.diagnostics().gap(Gap::kLeftOut, "", rd.path(), ref.at, owner,
                             std::string("the ") + word(kind) + " of " + word(owner_kind) + " " +
                                 owner + " is left out: " + why(ref, kind).substr(4));
    ref = {};
  }

  using Reason = std::pair<std::string, Location>;

  // One pass over the resources that cannot exist without what they name; returns how many
  // were left out (leaving one out may leave out what names it: the caller repeats).
  std::size_t leave_out_required() {
    std::size_t n = 0;
    auto one = [&](const Ref& ref, Kind kind, std::initializer_list<Kind> kinds) -> Reason {
      if (is_known(ref, kinds)) return {};
      return {why(ref, kind), ref.at};
    };
    const auto vpc = {Kind::kVpc};
    n += leave_out(Kind::kSubnet, net.subnets,
                   [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
    n += leave_out(Kind::kRouteTable, net.route_tables,
                   [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
    n += leave_out(Kind::kEgressOnlyInternetGateway, net.egress_only_internet_gateways,
                   [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
    n += leave_out(Kind::kNatGateway, net.nat_gateways, [&](const auto& r) {
      auto x = one(r.subnet, Kind::kSubnet, {Kind::kSubnet});
      return x.first.empty() ? one(r.elastic_ip, Kind::kElasticIp, {Kind::kElasticIp}) : x;
    });
    // An interface left out takes its instance with it unless another interface remains.
    std::unordered_map<std::string, std::string> orphaned;  // instance -> its interface
    n += leave_out(Kind::kNetworkInterface, net.network_interfaces, [&](const auto& r) {
      auto x = one(r.subnet, Kind::kSubnet, {Kind::kSubnet});
      if (!x.first.empty() && !r.instance.empty()) orphaned.emplace(r.instance.text, r.id);
      return x;
    });
    if (!orphaned.empty()) {
      std::unordered_set<std::string> attached;
      for (const auto& e : net.network_interfaces) attached.insert(e.instance.text);
      n += leave_out(Kind::kInstance, net.instances, [&](const auto& r) -> Reason {
        auto it = orphaned.find(r.id);
        if (it == orphaned.end() || attached.contains(r.id)) return {};
        return {"its network interface " + it->second + " was left out", r.at};
      });
    }
    n += leave_out(Kind::kSecurityGroup, net.security_groups,
                   [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
    n += leave_out(Kind::kNetworkAcl, net.network_acls,
                   [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
    n += leave_out(Kind::kVpcPeeringConnection, net.vpc_peering_connections, [&](const auto& r) {
      auto x = one(r.requester_vpc, Kind::kVpc, vpc);
      return x.first.empty() ? one(r.accepter_vpc, Kind::kVpc, vpc) : x;
    });
    n += leave_out(Kind::kTransitGatewayRouteTable, net.transit_gateway_route_tables,
                   [&](const auto& r) {
                     return one(r.transit_gateway, Kind::kTransitGateway, {Kind::kTransitGateway});
                   });
    n += leave_out(
        Kind::kTransitGatewayAttachment, net.transit_gateway_attachments, [&](const auto& r) {
          auto x = one(r.transit_gateway, Kind::kTransitGateway, {Kind::kTransitGateway});
          return x.first.empty() ? one(r.vpc, Kind::kVpc, vpc) : x;
        });
    n += leave_out(Kind::kVpcEndpoint, net.vpc_endpoints,
                   [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
    n += leave_out(Kind::kVpnConnection, net.vpn_connections, [&](const auto& r) {
      auto x = one(r.customer_gateway, Kind::kCustomerGateway, {Kind::kCustomerGateway});
      if (x.first.empty()) x = one(r.vpn_gateway, Kind::kVpnGateway, {Kind::kVpnGateway});
      if (x.first.empty())
        x = one(r.transit_gateway, Kind::kTransitGateway, {Kind::kTransitGateway});
      return x;
    });
    return n;
  }

  // Optional references of this file's resources: each one naming nothing is left out.
  void leave_out_optional() {
    auto from = [&](Kind k) { return start[static_cast<std::size_t>(k)]; };
    const auto sg = {Kind::kSecurityGroup};
    for (std::size_t i = from(Kind::kRouteTable); i < net.route_tables.size(); ++i) {
      auto& t = net.route_tables[i];
      const std::string owner = label(Kind::kRouteTable, t);
      drop_refs(owner, Kind::kRouteTable, t.subnets, Kind::kSubnet, {Kind::kSubnet});
      drop_refs(owner, Kind::kRouteTable, t.gateways, Kind::kInternetGateway,
                {Kind::kInternetGateway, Kind::kVpnGateway});
      drop_refs(owner, Kind::kRouteTable, t.propagating_vgws, Kind::kVpnGateway,
                {Kind::kVpnGateway});
      std::erase_if(t.routes, [&](const model::Route& r) {
        std::string reason;
        Location at = r.at;
        if (!is_known(r.destination_prefix_list, {Kind::kPrefixList})) {
          reason = why(r.destination_prefix_list, Kind::kPrefixList);
        } else if (!r.blackhole && !target_known(r)) {
          reason = "its target " + r.target.text + " is not in this " + source_word() +
                   "; load a snapshot that describes it first";
        }
        if (reason.empty()) return false;
        const std::string to =
            r.destination ? r.destination->str() : r.destination_prefix_list.text;
        rd.diagnostics().gap(
            Gap::kLeftOut, "", rd.path(), at, owner,
            "the route to " + to + " of route table " + owner + " is left out: " + reason);
        return true;
      });
    }
    for (std::size_t i = from(Kind::kInternetGateway); i < net.internet_gateways.size(); ++i) {
      auto& g = net.internet_gateways[i];
      drop_ref(label(Kind::kInternetGateway, g), Kind::kInternetGateway, g.vpc, Kind::kVpc,
               {Kind::kVpc});
    }
    for (std::size_t i = from(Kind::kVpnGateway); i < net.vpn_gateways.size(); ++i) {
      auto& g = net.vpn_gateways[i];
      drop_ref(label(Kind::kVpnGateway, g), Kind::kVpnGateway, g.vpc, Kind::kVpc, {Kind::kVpc});
    }
    for (std::size_t i = from(Kind::kElasticIp); i < net.elastic_ips.size(); ++i) {
      auto& e = net.elastic_ips[i];
      const std::string owner = label(Kind::kElasticIp, e);
      drop_ref(owner, Kind::kElasticIp, e.network_interface, Kind::kNetworkInterface,
               {Kind::kNetworkInterface});
      drop_ref(owner, Kind::kElasticIp, e.instance, Kind::kInstance, {Kind::kInstance});
    }
    for (std::size_t i = from(Kind::kNetworkInterface); i < net.network_interfaces.size(); ++i) {
      auto& e = net.network_interfaces[i];
      const std::string owner = label(Kind::kNetworkInterface, e);
      drop_refs(owner, Kind::kNetworkInterface, e.security_groups, Kind::kSecurityGroup, sg);
      drop_ref(owner, Kind::kNetworkInterface, e.instance, Kind::kInstance, {Kind::kInstance});
    }
    for (std::size_t i = from(Kind::kSecurityGroup); i < net.security_groups.size(); ++i) {
      auto& g = net.security_groups[i];
      const std::string owner = label(Kind::kSecurityGroup, g);
      for (auto* rules : {&g.ingress, &g.egress}) {
        std::erase_if(*rules, [&](const model::SecurityGroupRule& r) {
          std::string reason;
          if (!is_known(r.security_group, sg)) {
            reason = why(r.security_group, Kind::kSecurityGroup);
          } else if (!is_known(r.prefix_list, {Kind::kPrefixList})) {
            reason = why(r.prefix_list, Kind::kPrefixList);
          }
          if (reason.empty()) return false;
          rd.diagnostics().gap(
              Gap::kLeftOut, "", rd.path(), r.at, owner,
              std::string("a rule of security group ") + owner + " is left out: " + reason);
          return true;
        });
      }
    }
    for (std::size_t i = from(Kind::kNetworkAcl); i < net.network_acls.size(); ++i) {
      auto& a = net.network_acls[i];
      drop_refs(label(Kind::kNetworkAcl, a), Kind::kNetworkAcl, a.subnets, Kind::kSubnet,
                {Kind::kSubnet});
    }
    for (std::size_t i = from(Kind::kTransitGatewayRouteTable);
         i < net.transit_gateway_route_tables.size(); ++i) {
      auto& t = net.transit_gateway_route_tables[i];
      const std::string owner = label(Kind::kTransitGatewayRouteTable, t);
      std::erase_if(t.routes, [&](const model::TransitGatewayRoute& r) {
        if (is_known(r.attachment, {Kind::kTransitGatewayAttachment})) return false;
        rd.diagnostics().gap(
            Gap::kLeftOut, "", rd.path(), r.at, owner,
            "the route to " + r.destination.str() + " of transit gateway route table " + owner +
                " is left out: " + why(r.attachment, Kind::kTransitGatewayAttachment));
        return true;
      });
    }
    const auto tgw_rt = {Kind::kTransitGatewayRouteTable};
    for (std::size_t i = from(Kind::kTransitGatewayAttachment);
         i < net.transit_gateway_attachments.size(); ++i) {
      auto& a = net.transit_gateway_attachments[i];
      const std::string owner = label(Kind::kTransitGatewayAttachment, a);
      const Kind k = Kind::kTransitGatewayAttachment;
      drop_refs(owner, k, a.subnets, Kind::kSubnet, {Kind::kSubnet});
      drop_ref(owner, k, a.association, Kind::kTransitGatewayRouteTable, tgw_rt);
      drop_refs(owner, k, a.propagations, Kind::kTransitGatewayRouteTable, tgw_rt);
      drop_ref(owner, k, a.direct_connect_gateway, Kind::kDirectConnectGateway,
               {Kind::kDirectConnectGateway});
    }
    for (std::size_t i = from(Kind::kVpcEndpoint); i < net.vpc_endpoints.size(); ++i) {
      auto& e = net.vpc_endpoints[i];
      const std::string owner = label(Kind::kVpcEndpoint, e);
      const Kind k = Kind::kVpcEndpoint;
      drop_refs(owner, k, e.route_tables, Kind::kRouteTable, {Kind::kRouteTable});
      drop_refs(owner, k, e.subnets, Kind::kSubnet, {Kind::kSubnet});
      drop_refs(owner, k, e.security_groups, Kind::kSecurityGroup, sg);
    }
    for (std::size_t i = from(Kind::kDirectConnectGateway); i < net.direct_connect_gateways.size();
         ++i) {
      auto& g = net.direct_connect_gateways[i];
      drop_refs(label(Kind::kDirectConnectGateway, g), Kind::kDirectConnectGateway, g.vpn_gateways,
                Kind::kVpnGateway, {Kind::kVpnGateway});
    }
  }

  bool target_known(const model::Route& r) const {
    using model::TargetKind;
    switch (r.target_kind) {
      case TargetKind::kLocal:
      case TargetKind::kUnsupported:
        return true;
      case TargetKind::kInternetGateway:
      case TargetKind::kVpnGateway:
      case TargetKind::kVpcEndpoint:
      case TargetKind::kEgressOnlyInternetGateway:
        return is_known(r.target, {Kind::kInternetGateway, Kind::kVpnGateway, Kind::kVpcEndpoint,
                                   Kind::kEgressOnlyInternetGateway});
      case TargetKind::kNatGateway:
        return is_known(r.target, {Kind::kNatGateway});
      case TargetKind::kTransitGateway:
        return is_known(r.target, {Kind::kTransitGateway});
      case TargetKind::kVpcPeeringConnection:
        return is_known(r.target, {Kind::kVpcPeeringConnection});
      case TargetKind::kNetworkInterface:
        return is_known(r.target, {Kind::kNetworkInterface});
      case TargetKind::kInstance:
        return is_known(r.target, {Kind::kInstance});
    }
    return true;
  }

  void leave_out_missing() {
    for (const auto& a : aliases)
      address_of[static_cast<std::size_t>(a.kind)].emplace(a.id, a.alias);
    do {
      build_known();
    } while (leave_out_required() != 0);
    leave_out_optional();
    // Aliases of what was left out would name nothing.
    std::erase_if(aliases, [&](const model::Alias& a) {
      return !known[static_cast<std::size_t>(a.kind)].contains(a.id) &&
             gone[static_cast<std::size_t>(a.kind)].contains(a.id);
    });
  }

  // AWS creates a default security group, network ACL and main route table with every VPC;
  // the state names them (default_security_group_id...) without declaring them unless the
  // configuration adopts them with aws_default_*. Created here with their real ids so that
  // references to them resolve. Their rules are AWS's rules of a real resource, as an AWS CLI
  // snapshot lists them (not `implicit`): an export writes them, and reading it back gives them.
  void materialise_defaults() {
    auto has = [](const auto& list, const std::string& id) {
      return std::any_of(list.begin(), list.end(), [&](const auto& r) { return r.id == id; });
    };
    for (const auto& d : vpc_defaults) {
      if (!d.security_group.empty() && !has(net.security_groups, d.security_group)) {
        model::SecurityGroup sg;
        sg.id = d.security_group;
        sg.group_name = "default";
        sg.is_default = true;
        sg.at = d.at;
        sg.vpc = {d.vpc, d.at};
        model::SecurityGroupRule in;
        in.protocol = Protocol(Protocol::kAll);
        in.security_group = {sg.id, d.at};
        in.at = d.at;
        sg.ingress.push_back(in);
        model::SecurityGroupRule out;
        out.protocol = Protocol(Protocol::kAll);
        out.cidr = Prefix::any(Family::kV4);
        out.at = d.at;
        sg.egress.push_back(out);
        if (d.ipv6) {
          out.cidr = Prefix::any(Family::kV6);
          sg.egress.push_back(out);
        }
        net.security_groups.push_back(std::move(sg));
      }
      if (!d.network_acl.empty() && !has(net.network_acls, d.network_acl)) {
        model::NetworkAcl acl;
        acl.id = d.network_acl;
        acl.is_default = true;
        acl.at = d.at;
        acl.vpc = {d.vpc, d.at};
        for (auto* list : {&acl.ingress, &acl.egress}) {
          for (int v6 = 0; v6 <= (d.ipv6 ? 1 : 0); ++v6) {
            model::NetworkAclEntry e;
            e.rule_number = 100 + v6;
            e.protocol = Protocol(Protocol::kAll);
            e.cidr = Prefix::any(v6 ? Family::kV6 : Family::kV4);
            e.allow = true;
            e.at = d.at;
            list->push_back(e);
          }
        }
        net.network_acls.push_back(std::move(acl));
      }
      if (!d.main_route_table.empty() && !has(net.route_tables, d.main_route_table)) {
        model::RouteTable rt;
        rt.id = d.main_route_table;
        rt.at = d.at;
        rt.vpc = {d.vpc, d.at};
        // A main association moves "main" to another table.
        rt.main = !main_associated_vpcs.contains(d.vpc);
        net.route_tables.push_back(std::move(rt));
      }
    }
    // A transit gateway's default route table is AWS's, named by the gateway.
    for (const auto& t : net.transit_gateways) {
      for (const Ref* r :
           {&t.association_default_route_table, &t.propagation_default_route_table}) {
        if (r->empty() || has(net.transit_gateway_route_tables, r->text)) continue;
        model::TransitGatewayRouteTable rt;
        rt.id = r->text;
        rt.at = r->at;
        rt.transit_gateway = {t.id, t.at};
        net.transit_gateway_route_tables.push_back(std::move(rt));
      }
    }
  }
};

Resources::Resources(json::Reader& reader, model::Network& network, const Plan& plan)
    : impl_(std::make_unique<Impl>(reader, network, plan)) {}
Resources::~Resources() = default;
void Resources::read(const json::Value& resource) { impl_->read(resource); }
void Resources::finish() { impl_->finish(); }

}  // namespace cloudtwin::load::terraform
