#include "cloudtwin/vpc/endpoint.h"

#include <algorithm>

namespace cloudtwin::vpc {

using model::Index;
using model::Kind;
using model::kNone;

namespace {

EndpointParse fail(std::string error, std::string hint = {}) {
  EndpointParse p;
  p.error = std::move(error);
  p.hint = std::move(hint);
  return p;
}

EndpointParse ok(Endpoint e) {
  EndpointParse p;
  p.endpoint = std::move(e);
  return p;
}

// Classifies an address by who owns it.
EndpointParse from_address(const model::Network& n, IpAddress a, std::string label) {
  Endpoint e;
  e.address = a;
  e.label = std::move(label);
  if (auto holders = n.eni_by_private_ip.equal_range(a); !holders.empty()) {
    e.kind = EndpointKind::kNetworkInterface;
    e.index = holders.front().second;
    return ok(e);
  }
  if (auto it = n.eni_by_public_ip.find(a); it != n.eni_by_public_ip.end()) {
    // A public IP named as an endpoint is the ENI itself; traces from the internet use it.
    e.kind = EndpointKind::kNetworkInterface;
    e.index = it->second;
    return ok(e);
  }
  // Addresses inside a VPC that no ENI holds, NAT gateways' Elastic IPs and the link-local
  // addresses of the services AWS runs for every instance (DNS, metadata, time).
  static const Prefix kLinkLocal = *Prefix::parse("169.254.0.0/16");
  static const Prefix kLinkLocalV6 = *Prefix::parse("fd00:ec2::/32");
  bool link_local = kLinkLocal.contains(a) || kLinkLocalV6.contains(a);
  if (!n.vpcs_containing(a).empty() || n.nat_gateway_by_public_ip.contains(a) || link_local) {
    e.kind = EndpointKind::kAddress;
    return ok(e);
  }
  for (Index o = 0; o < n.on_premises_networks.size(); ++o) {
    const auto& net = n.on_premises_networks[o];
    if (std::any_of(net.cidrs.begin(), net.cidrs.end(),
                    [&](const Prefix& p) { return p.contains(a); })) {
      e.kind = EndpointKind::kOnPremises;
      e.index = o;
      return ok(e);
    }
  }
  for (Index p = 0; p < n.prefix_lists.size(); ++p) {
    const auto& pl = n.prefix_lists[p];
    bool is_service = std::any_of(n.vpc_endpoints.begin(), n.vpc_endpoints.end(),
                                  [&](const auto& ep) { return ep.service_prefix_list == p; });
    if (is_service && std::any_of(pl.entries.begin(), pl.entries.end(),
                                  [&](const Prefix& c) { return c.contains(a); })) {
      e.kind = EndpointKind::kService;
      e.index = p;
      return ok(e);
    }
  }
  if (a.is_v4() && (is_rfc1918(a) || is_rfc6598(a))) {
    return fail("nothing in the network owns private address " + a.str(),
                "give an address inside a VPC, an on-premises network, or the internet");
  }
  e.kind = EndpointKind::kInternet;
  return ok(e);
}

constexpr Kind kEndpointKinds[] = {Kind::kInstance, Kind::kNetworkInterface, Kind::kLoadBalancer,
                                   Kind::kVpcEndpoint, Kind::kOnPremisesNetwork};

}  // namespace

std::optional<EndpointParse> ambiguous_name(const model::Network& n, std::string_view text,
                                            std::span<const Kind> kinds) {
  std::vector<model::ResourceKey> found;
  for (const auto& entry : n.by_id.equal_range(text)) {
    const model::ResourceKey& key = entry.second;  // a lambda cannot capture a binding (clang)
    if (std::find(kinds.begin(), kinds.end(), key.kind) == kinds.end()) continue;
    bool seen = std::any_of(found.begin(), found.end(), [&](const model::ResourceKey& k) {
      return k.kind == key.kind && k.index == key.index;
    });
    if (!seen) found.push_back(key);
  }
  if (found.size() < 2) return std::nullopt;
  std::string list;
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < found.size() && i < kShown; ++i) {
    const auto& r = n.resource(found[i]);
    list += (i == 0 ? "" : ", ") + r.id + " (" + model::kind_name(found[i].kind) + ")";
  }
  if (found.size() > kShown) list += " and " + std::to_string(found.size() - kShown) + " more";
  return fail("`" + std::string(text) + "` names " + std::to_string(found.size()) +
                  " resources: " + list,
              "use one of their ids");
}

std::string not_internet_reason(IpAddress a) {
  struct Range {
    const char* cidr;
    const char* what;
  };
  // RFC 6890 special-purpose blocks that no packet from the internet carries as its address.
  static const Range kRanges[] = {
      {"0.0.0.0/8", "an unspecified (\"this network\") address"},
      {"127.0.0.0/8", "a loopback address"},
      {"169.254.0.0/16", "a link-local address"},
      {"224.0.0.0/4", "a multicast address"},
      {"240.0.0.0/4", "a reserved address"},
      {"::/128", "the unspecified address"},
      {"::1/128", "the loopback address"},
      {"fe80::/10", "a link-local address"},
      {"ff00::/8", "a multicast address"},
  };
  for (const auto& r : kRanges) {
    if (Prefix::parse(r.cidr)->contains(a)) return r.what;
  }
  return {};
}

namespace {

// A load balancer by id or name, or one of its listeners as NAME:PORT; the endpoint is its first
// node's interface.
std::optional<EndpointParse> load_balancer(const model::Network& n, std::string_view text,
                                           const std::string& label) {
  std::optional<std::uint16_t> port;
  auto i = n.find(text, Kind::kLoadBalancer);
  if (!i) {
    // NAME:PORT, or a listener's own id or name
    if (auto l = n.find(text, Kind::kListener); l && n.listeners[*l].load_balancer.resolved()) {
      i = n.listeners[*l].load_balancer.index;
      port = n.listeners[*l].port;
    } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
      i = n.find(text.substr(0, colon), Kind::kLoadBalancer);
      if (!i) return std::nullopt;
      const auto& lb = n.load_balancers[*i];
      auto digits = text.substr(colon + 1);
      for (Index x : lb.listeners) {
        if (std::to_string(n.listeners[x].port) == digits) port = n.listeners[x].port;
      }
      if (!port) {
        std::string ports;
        for (Index x : lb.listeners) ports += (ports.empty() ? "" : ", ") + std::to_string(n.listeners[x].port);
        return fail("load balancer " + lb.id + " has no listener on port `" + std::string(digits) + "`",
                    ports.empty() ? "it has no listeners" : "its listeners: " + ports);
      }
    }
  }
  if (!i) return std::nullopt;
  const auto& lb = n.load_balancers[*i];
  for (const auto& node : lb.nodes) {
    if (node.eni == kNone) continue;
    Endpoint e;
    e.kind = EndpointKind::kNetworkInterface;
    e.index = node.eni;
    e.label = label;
    e.port = port;
    return ok(e);
  }
  return fail("load balancer " + lb.id + " has no node", "give it a subnet");
}

}  // namespace

EndpointParse parse_endpoint(const model::Network& n, std::string_view text) {
  std::string label(text);
  if (text.empty())
    return fail("empty endpoint", "name an instance, an ENI, an address or `internet`");
  if (text == "internet") {
    Endpoint e;
    e.kind = EndpointKind::kInternet;
    e.label = label;
    return ok(e);
  }
  if (text.starts_with("internet:")) {
    auto addr = IpAddress::parse(text.substr(9));
    if (!addr) return fail("`" + label + "` is not internet:ADDRESS", "e.g. internet:203.0.113.10");
    // A private address "on the internet" is allowed on purpose: it is how a user checks that
    // internet gateways drop RFC 1918 / RFC 6598 traffic (IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_...).
    if (auto why = not_internet_reason(*addr); !why.empty())
      return fail("`" + label + "`: " + addr->str() + " is " + why + ", not on the internet",
                  "give a public address, e.g. internet:203.0.113.10");
    Endpoint e;
    e.kind = EndpointKind::kInternet;
    e.address = addr;
    e.label = label;
    return ok(e);
  }
  if (auto addr = IpAddress::parse(text)) return from_address(n, *addr, label);
  for (const Kind& k : kEndpointKinds) {
    if (auto a = ambiguous_name(n, text, std::span<const Kind>(&k, 1))) return *a;
  }
  if (auto i = n.find(text, Kind::kInstance)) {
    const auto& inst = n.instances[*i];
    if (inst.network_interfaces.empty())
      return fail("instance " + inst.id + " has no network interface");
    Endpoint e;
    e.kind = EndpointKind::kNetworkInterface;
    e.index = inst.network_interfaces.front();
    e.label = label;
    return ok(e);
  }
  if (auto i = n.find(text, Kind::kNetworkInterface)) {
    Endpoint e;
    e.kind = EndpointKind::kNetworkInterface;
    e.index = *i;
    e.label = label;
    return ok(e);
  }
  if (auto lb = load_balancer(n, text, label)) return *lb;
  if (auto i = n.find(text, Kind::kVpcEndpoint)) {
    // An interface endpoint is addressed at its network interfaces (the first, in its first
    // subnet); a gateway endpoint is a route to a service, which an address names.
    const auto& ep = n.vpc_endpoints[*i];
    if (ep.type != model::VpcEndpointType::kInterface)
      return fail("endpoint " + ep.id + " is a " + model::vpc_endpoint_type_name(ep.type) +
                      " endpoint, which nothing addresses",
                  "trace to an address of its service, or to an interface endpoint");
    if (ep.enis.empty()) return fail("endpoint " + ep.id + " has no network interface");
    Endpoint e;
    e.kind = EndpointKind::kNetworkInterface;
    e.index = ep.enis.front();
    e.label = label;
    return ok(e);
  }
  if (auto i = n.find(text, Kind::kOnPremisesNetwork)) {
    Endpoint e;
    e.kind = EndpointKind::kOnPremises;
    e.index = *i;
    e.label = label;
    return ok(e);
  }
  std::vector<std::string_view> names;
  for (const auto& [key, k] : n.by_id) {
    if (k.kind == Kind::kInstance || k.kind == Kind::kNetworkInterface ||
        k.kind == Kind::kOnPremisesNetwork || k.kind == Kind::kLoadBalancer ||
        k.kind == Kind::kVpcEndpoint) {
      names.push_back(key);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  auto best = closest_match(text, names);
  return fail("no instance, network interface, load balancer, endpoint or on-premises network `" +
                  label + "`",
              best.empty() ? "use an id, a name, an address or internet[:ADDRESS]"
                           : "did you mean `" + best + "`?");
}

}  // namespace cloudtwin::vpc
