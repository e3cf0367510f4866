// The Terraform reader's shared machinery: resource addresses, a resource's id, name and
// references (followed through a plan's configuration when unknown), the dispatch to the type
// tables of terraform_resources_<service>.cc, and finish(): split resources applied, the defaults
// a VPC names materialised, references to what is not in the input left out.
#include "terraform_resources.h"

#include <algorithm>
#include <array>
#include <functional>
#include <unordered_set>

#include "terraform_mapper.h"

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

// 198.18.0.0/15 (RFC 2544, benchmarking) stands in for public IPv4 addresses a plan does not
// know yet: never a real address, never private.
constexpr std::uint32_t kPlaceholderBase = (198u << 24) | (18u << 16);

}  // namespace

// ---- one resource ----------------------------------------------------------------------------

// Whether an attribute the plan leaves out is unknown until apply (rather than unset).
bool Mapper::unknown(const Res& res, std::string_view attr) const {
  if (!plan.is_plan) return false;
  auto it = plan.planned.find(res.address);
  return it != plan.planned.end() && it->second.unknown.contains(std::string(attr));
}

std::string Mapper::id_of(Res& res) {
  if (auto id = str(res, "id")) return std::string(*id);
  if (plan.is_plan) res.unknown.emplace_back("id");
  return res.address;
}

std::string Mapper::name_of(Res& res) {
  for (const char* tags : {"tags", "tags_all"}) {
    Value name = res.v.get(tags).get("Name");
    if (name.is_string() && !name.text().empty()) return std::string(name.text());
  }
  return {};
}

void Mapper::ignore_tag(Res& res, Kind kind, const std::string& id) {
  for (const char* tags : {"tags", "tags_all"}) {
    Value v = res.v.get(tags).get("cloudtwin:ignore");
    if (v.is_string()) {
      net.ignore_tags.push_back({kind, id, std::string(v.text()), at_or(v, res)});
      return;
    }
  }
}

// Addresses an unknown attribute refers to, from the configuration's references; failing
// that, the only resource of a wanted type in the same module (at the same instance key).
std::vector<std::string> Mapper::from_configuration(const Res& res, std::string_view attr,
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
  // Terraform lists `aws_subnet.a.id` and `aws_subnet.a` for one use: each address once.
  std::unordered_set<std::string> seen;
  std::erase_if(out, [&](const std::string& a) { return !seen.insert(a).second; });
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
bool Mapper::configured(const Res& res, std::string_view attr) const {
  const std::string cfg = config_module(res.addr.module);
  auto it = plan.references.find((cfg.empty() ? "" : cfg + ".") + res.addr.local);
  return it != plan.references.end() && it->second.contains(std::string(attr));
}

std::vector<Ref> Mapper::refs(Res& res, std::string_view attr,
                              const std::vector<std::string_view>& types, bool list) {
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

Ref Mapper::ref(Res& res, std::string_view attr, const std::vector<std::string_view>& types) {
  auto all = refs(res, attr, types, false);
  return all.empty() ? Ref{} : all.front();
}

std::optional<IpAddress> Mapper::placeholder_ip(Res& res, std::string_view attr,
                                                const std::string& why) {
  return placeholder_ip(res.offset, res.address, attr, why);
}

std::optional<IpAddress> Mapper::placeholder_ip(std::size_t offset, const std::string& address,
                                                std::string_view attr, const std::string& why) {
  IpAddress a = IpAddress::v4(kPlaceholderBase + ++placeholders);
  rd.gap(Gap::kUnknownValue, std::string(attr), offset, address,
         "`" + std::string(attr) + "` is unknown until apply" + why + "; using placeholder " +
             a.str() + " (198.18.0.0/15)");
  return a;
}

std::vector<std::string_view> Mapper::segments_of(std::string_view s, char sep) {
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

// ---- dispatch --------------------------------------------------------------------------------

void Mapper::read(const Value& r) {
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
    rd.gap(Gap::kUnknownValue, attrs, res.offset, res.address, "unknown until apply: " + attrs,
           id ? "its id is the address `" + res.address + "`; references follow the configuration"
              : "references follow the configuration");
  }
}

bool Mapper::dispatch(Res& res) {
  for (auto types : kTypeTables) {
    for (const Handler& h : types()) {
      if (h.data != res.data || h.type != res.type) continue;
      h.read(*this, res);
      return true;
    }
  }
  return false;
}

// ---- finish ----------------------------------------------------------------------------------

template <class R>
void Mapper::index_kind(Kind kind, const std::vector<R>& list) {
  auto& m = index[kind];
  for (Index i = 0; i < list.size(); ++i) {
    m.emplace(list[i].id, i);
  }
}

void Mapper::build_index() {
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
  index_kind(Kind::kLoadBalancer, net.load_balancers);
  index_kind(Kind::kListener, net.listeners);
  index_kind(Kind::kInstance, net.instances);
  index_kind(Kind::kTargetGroup, net.target_groups);
  index_kind(Kind::kVpcEndpointService, net.vpc_endpoint_services);
  index_kind(Kind::kAutoScalingGroup, net.auto_scaling_groups);
  index_kind(Kind::kHostedZone, net.hosted_zones);
  index_kind(Kind::kHealthCheck, net.health_checks);
  index_kind(Kind::kCidrCollection, net.cidr_collections);
  index_kind(Kind::kDistribution, net.distributions);
  index_kind(Kind::kCachePolicy, net.cache_policies);
  index_kind(Kind::kOriginRequestPolicy, net.origin_request_policies);
  index_kind(Kind::kResponseHeadersPolicy, net.response_headers_policies);
  index_kind(Kind::kPublicKey, net.public_keys);
  index_kind(Kind::kKeyGroup, net.key_groups);
  index_kind(Kind::kDirectConnectConnection, net.direct_connect_connections);
  index_kind(Kind::kDirectConnectLag, net.direct_connect_lags);
  index_kind(Kind::kVirtualInterface, net.virtual_interfaces);
  for (const auto& a : aliases) {
    auto& m = index[a.kind];
    if (auto it = m.find(a.id); it != m.end()) m.emplace(a.alias, it->second);
  }
}

std::optional<Index> Mapper::find(Kind kind, const Ref& ref, const std::string& owner) {
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

void Mapper::finish() {
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
  leave_out_zoneless_records();
  resolve_firewall_routes();
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

const char* Mapper::word(Kind k) {
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
      "load balancer",
      "listener",
      "listener rule",
      "target group",
      "endpoint service",
      "Auto Scaling group",
      "launch template",
      "firewall",
      "firewall policy",
      "firewall rule group",
      "hosted zone",
      "record set",
      "delegation set",
      "health check",
      "CIDR collection",
      "CloudFront distribution",
      "cache policy",
      "origin request policy",
      "response headers policy",
      "public key",
      "key group",
      "Direct Connect connection",
      "Direct Connect LAG",
      "virtual interface",
  };
  return kWords[static_cast<std::size_t>(k)];
}

void Mapper::build_known() {
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
  // Firewall endpoints: finalize() makes them VPC endpoints, routes name them.
  for (const auto& fw : net.firewalls) {
    for (const auto& e : fw.endpoints)
      known[static_cast<std::size_t>(Kind::kVpcEndpoint)].insert(e.endpoint_id);
  }
  for (const auto* list : {&net.aliases, &aliases}) {
    for (const auto& a : *list) {
      auto& set = known[static_cast<std::size_t>(a.kind)];
      if (set.contains(a.id)) set.insert(a.alias);
    }
  }
}

bool Mapper::is_known(const Ref& ref, std::initializer_list<Kind> kinds) const {
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
std::string Mapper::why(const Ref& ref, Kind kind) const {
  const std::string what = std::string("its ") + word(kind) + " " + ref.text;
  if (gone[static_cast<std::size_t>(kind)].contains(ref.text)) return what + " was left out";
  return what + " is not in this " + source_word() + "; load a snapshot that describes it first";
}

// The resource's address when it has one, else its id.
std::string Mapper::label(Kind kind, const model::Resource& r) const {
  const auto& m = address_of[static_cast<std::size_t>(kind)];
  auto it = m.find(r.id);
  return it == m.end() ? r.id : it->second;
}

// Leaves out this file's resources of `list` for which `reason` is not empty.
template <class R, class F>
std::size_t Mapper::leave_out(Kind kind, std::vector<R>& list, F reason) {
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
void Mapper::drop_refs(const std::string& owner, Kind owner_kind, std::vector<Ref>& refs, Kind kind,
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

void Mapper::drop_ref(const std::string& owner, Kind owner_kind, Ref& ref, Kind kind,
                      std::initializer_list<Kind> kinds) {
  if (is_known(ref, kinds)) return;
  rd.diagnostics().gap(Gap::kLeftOut, "", rd.path(), ref.at, owner,
                       std::string("the ") + word(kind) + " of " + word(owner_kind) + " " + owner +
                           " is left out: " + why(ref, kind).substr(4));
  ref = {};
}

// One pass over the resources that cannot exist without what they name; returns how many
// were left out (leaving one out may leave out what names it: the caller repeats).
std::size_t Mapper::leave_out_required() {
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
  n += leave_out(Kind::kTransitGatewayAttachment, net.transit_gateway_attachments,
                 [&](const auto& r) {
                   auto x = one(r.transit_gateway, Kind::kTransitGateway, {Kind::kTransitGateway});
                   return x.first.empty() ? one(r.vpc, Kind::kVpc, vpc) : x;
                 });
  n += leave_out(Kind::kVpcEndpoint, net.vpc_endpoints,
                 [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
  n += leave_out(Kind::kVpnConnection, net.vpn_connections, [&](const auto& r) {
    auto x = one(r.customer_gateway, Kind::kCustomerGateway, {Kind::kCustomerGateway});
    if (x.first.empty()) x = one(r.vpn_gateway, Kind::kVpnGateway, {Kind::kVpnGateway});
    if (x.first.empty()) x = one(r.transit_gateway, Kind::kTransitGateway, {Kind::kTransitGateway});
    return x;
  });
  // A virtual interface needs its connection (or LAG) and the gateway it attaches to: one named
  // by id is often created outside the configuration.
  n += leave_out(Kind::kVirtualInterface, net.virtual_interfaces, [&](const auto& r) {
    auto x = one(r.connection, Kind::kDirectConnectConnection,
                 {Kind::kDirectConnectConnection, Kind::kDirectConnectLag});
    if (x.first.empty()) x = one(r.vpn_gateway, Kind::kVpnGateway, {Kind::kVpnGateway});
    if (x.first.empty())
      x = one(r.direct_connect_gateway, Kind::kDirectConnectGateway, {Kind::kDirectConnectGateway});
    // A hosted VIF in its owner's (the partner's) input: the other account's accepter, not read
    // here, names its gateway.
    if (x.first.empty() && hosted_vifs.contains(r.id) && r.vpn_gateway.empty() &&
        r.direct_connect_gateway.empty() && r.type != model::VirtualInterfaceType::kPublic) {
      x = {"it is hosted for another account, whose accepter names its gateway", r.at};
    }
    return x;
  });
  // Load balancing (as the CloudFormation reader): a load balancer's subnets and an Auto Scaling
  // group's are needed whole; a listener needs its load balancer, a rule its listener, both the
  // target groups they forward to; a target group its VPC; a group its launch template.
  const auto tg = {Kind::kTargetGroup};
  auto forwards = [&](const model::ListenerRule& rule) -> Reason {
    for (const auto& w : rule.target_groups) {
      if (auto x = one(w.target_group, Kind::kTargetGroup, tg); !x.first.empty()) return x;
    }
    return {};
  };
  n += leave_out(Kind::kLoadBalancer, net.load_balancers, [&](const auto& r) -> Reason {
    for (const auto& node : r.nodes) {
      if (auto x = one(node.subnet, Kind::kSubnet, {Kind::kSubnet}); !x.first.empty()) return x;
      if (auto x = one(node.elastic_ip, Kind::kElasticIp, {Kind::kElasticIp}); !x.first.empty())
        return x;
    }
    return {};
  });
  n += leave_out(Kind::kTargetGroup, net.target_groups,
                 [&](const auto& r) { return one(r.vpc, Kind::kVpc, vpc); });
  n += leave_out(Kind::kListener, net.listeners, [&](const auto& r) {
    auto x = one(r.load_balancer, Kind::kLoadBalancer, {Kind::kLoadBalancer});
    return x.first.empty() ? forwards(r.default_rule) : x;
  });
  n += leave_out(Kind::kListenerRule, net.listener_rules, [&](const auto& r) {
    auto x = one(r.listener, Kind::kListener, {Kind::kListener});
    return x.first.empty() ? forwards(r) : x;
  });
  n += leave_out(Kind::kAutoScalingGroup, net.auto_scaling_groups, [&](const auto& r) -> Reason {
    for (const auto& s : r.subnets) {
      if (auto x = one(s, Kind::kSubnet, {Kind::kSubnet}); !x.first.empty()) return x;
    }
    return one(r.launch_template, Kind::kLaunchTemplate, {Kind::kLaunchTemplate});
  });
  return n;
}

// Optional references of this file's resources: each one naming nothing is left out.
void Mapper::leave_out_optional() {
  auto from = [&](Kind k) { return start[static_cast<std::size_t>(k)]; };
  const auto sg = {Kind::kSecurityGroup};
  for (std::size_t i = from(Kind::kRouteTable); i < net.route_tables.size(); ++i) {
    auto& t = net.route_tables[i];
    const std::string owner = label(Kind::kRouteTable, t);
    drop_refs(owner, Kind::kRouteTable, t.subnets, Kind::kSubnet, {Kind::kSubnet});
    drop_refs(owner, Kind::kRouteTable, t.gateways, Kind::kInternetGateway,
              {Kind::kInternetGateway, Kind::kVpnGateway});
    drop_refs(owner, Kind::kRouteTable, t.propagating_vgws, Kind::kVpnGateway, {Kind::kVpnGateway});
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
      const std::string to = r.destination ? r.destination->str() : r.destination_prefix_list.text;
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
    const std::string owner = label(Kind::kDirectConnectGateway, g);
    drop_refs(owner, Kind::kDirectConnectGateway, g.vpn_gateways, Kind::kVpnGateway,
              {Kind::kVpnGateway});
    std::erase_if(g.associations, [&](const model::DirectConnectGatewayAssociation& a) {
      if (is_known(a.gateway, {Kind::kVpnGateway, Kind::kTransitGateway})) return false;
      rd.diagnostics().gap(Gap::kLeftOut, "", rd.path(), a.at, owner,
                           "the association of Direct Connect gateway " + owner + " with " +
                               a.gateway.text +
                               " is left out: " + why(a.gateway, Kind::kTransitGateway).substr(4));
      return true;
    });
  }
  for (std::size_t i = from(Kind::kDirectConnectConnection);
       i < net.direct_connect_connections.size(); ++i) {
    auto& x = net.direct_connect_connections[i];
    drop_ref(label(Kind::kDirectConnectConnection, x), Kind::kDirectConnectConnection, x.lag,
             Kind::kDirectConnectLag, {Kind::kDirectConnectLag});
  }
  for (std::size_t i = from(Kind::kDirectConnectLag); i < net.direct_connect_lags.size(); ++i) {
    auto& lag = net.direct_connect_lags[i];
    drop_refs(label(Kind::kDirectConnectLag, lag), Kind::kDirectConnectLag, lag.connections,
              Kind::kDirectConnectConnection, {Kind::kDirectConnectConnection});
  }
  const auto lb_kind = {Kind::kLoadBalancer};
  for (std::size_t i = from(Kind::kLoadBalancer); i < net.load_balancers.size(); ++i) {
    auto& lb = net.load_balancers[i];
    const std::string owner = label(Kind::kLoadBalancer, lb);
    drop_refs(owner, Kind::kLoadBalancer, lb.security_groups, Kind::kSecurityGroup, sg);
    drop_refs(owner, Kind::kLoadBalancer, lb.instances, Kind::kInstance, {Kind::kInstance});
  }
  for (std::size_t i = from(Kind::kTargetGroup); i < net.target_groups.size(); ++i) {
    auto& g = net.target_groups[i];
    const std::string owner = label(Kind::kTargetGroup, g);
    std::erase_if(g.targets, [&](const model::Target& t) {
      std::string reason;
      if (!is_known(t.instance, {Kind::kInstance})) {
        reason = why(t.instance, Kind::kInstance);
      } else if (!is_known(t.load_balancer, lb_kind)) {
        reason = why(t.load_balancer, Kind::kLoadBalancer);
      }
      if (reason.empty()) return false;
      rd.diagnostics().gap(Gap::kLeftOut, "", rd.path(), t.at, owner,
                           "a target of target group " + owner + " is left out: " + reason);
      return true;
    });
  }
  for (std::size_t i = from(Kind::kLaunchTemplate); i < net.launch_templates.size(); ++i) {
    auto& t = net.launch_templates[i];
    drop_refs(label(Kind::kLaunchTemplate, t), Kind::kLaunchTemplate, t.security_groups,
              Kind::kSecurityGroup, sg);
  }
  for (std::size_t i = from(Kind::kAutoScalingGroup); i < net.auto_scaling_groups.size(); ++i) {
    auto& g = net.auto_scaling_groups[i];
    const std::string owner = label(Kind::kAutoScalingGroup, g);
    drop_refs(owner, Kind::kAutoScalingGroup, g.target_groups, Kind::kTargetGroup,
              {Kind::kTargetGroup});
    drop_refs(owner, Kind::kAutoScalingGroup, g.load_balancers, Kind::kLoadBalancer, lb_kind);
  }
  for (std::size_t i = from(Kind::kVpcEndpointService); i < net.vpc_endpoint_services.size(); ++i) {
    auto& s = net.vpc_endpoint_services[i];
    const std::string owner = label(Kind::kVpcEndpointService, s);
    drop_refs(owner, Kind::kVpcEndpointService, s.network_load_balancers, Kind::kLoadBalancer,
              lb_kind);
    drop_refs(owner, Kind::kVpcEndpointService, s.gateway_load_balancers, Kind::kLoadBalancer,
              lb_kind);
  }
}

bool Mapper::target_known(const model::Route& r) const {
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

void Mapper::leave_out_missing() {
  for (const auto& a : aliases) address_of[static_cast<std::size_t>(a.kind)].emplace(a.id, a.alias);
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
void Mapper::materialise_defaults() {
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
    for (const Ref* r : {&t.association_default_route_table, &t.propagation_default_route_table}) {
      if (r->empty() || has(net.transit_gateway_route_tables, r->text)) continue;
      model::TransitGatewayRouteTable rt;
      rt.id = r->text;
      rt.at = r->at;
      rt.transit_gateway = {t.id, t.at};
      net.transit_gateway_route_tables.push_back(std::move(rt));
    }
  }
}

Resources::Resources(json::Reader& reader, model::Network& network, const Plan& plan)
    : impl_(std::make_unique<Mapper>(reader, network, plan)) {}
Resources::~Resources() = default;
void Resources::read(const json::Value& resource) { impl_->read(resource); }
void Resources::finish() { impl_->finish(); }

}  // namespace cloudtwin::load::terraform
