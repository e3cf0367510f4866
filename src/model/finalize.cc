// finalize(): reference resolution, AWS's implicit defaults, propagated routes and validation.
// Every materialised resource or route is marked implicit so output can say it was AWS's doing.
#include <algorithm>
#include <map>
#include <set>

#include "cloudtwin/model/hybrid_routes.h"
#include "cloudtwin/model/id_table.h"
#include "cloudtwin/model/network.h"
#include "finalize_context.h"

namespace cloudtwin::model {
namespace {

std::string id_suffix(const std::string& id) {
  auto dash = id.find('-');
  return dash == std::string::npos ? id : id.substr(dash + 1);
}

const Prefix kAnyV4 = Prefix::any(Family::kV4);
const Prefix kAnyV6 = Prefix::any(Family::kV6);

class Finalizer final : public FinalizeContext {
 public:
  Finalizer(Network& n, Diagnostics& d) : n_(n), d_(d) {}

  bool run() {
    index_everything();
    materialise_firewall_endpoints(*this);
    attach_transit_gateway_vpns();
    resolve_everything();
    imply_on_premises_networks();
    vpc_membership();
    materialise_vpc_defaults();
    associate_subnets();
    materialise_load_balancing(*this);
    materialise_vpc_endpoints(*this);
    finalize_interfaces();
    finalize_gateways();
    finalize_endpoints();
    build_route_tables();
    finalize_transit_gateways();
    validate_addresses();
    link_load_balancing(*this);
    link_vpc_endpoints(*this);
    link_firewalls(*this);
    finalize_route53(*this);
    finalize_cloudfront(*this);
    finalize_direct_connect(*this);
    // After finalize_direct_connect(): Direct Connect gateways' associations are resolved.
    propagate_vpn_gateway_routes(n_);
    check_security_group_references();
    release_spare_capacity();
    build_id_index();
    n_.finalized = !d_.has_errors();
    return n_.finalized;
  }

 private:
  // ---- what steps in other files use (FinalizeContext) ---------------------------------------
  Network& network() override { return n_; }
  void error(const Resource& r, Location at, std::string message, std::string hint = {}) override {
    d_.error(n_.file_of(at), at, r.id, std::move(message), std::move(hint));
  }
  void warning(const Resource& r, Location at, std::string message, std::string hint = {}) override {
    d_.warning(n_.file_of(at), at, r.id, std::move(message), std::move(hint));
  }
  void gap(Gap g, std::string key, const Resource& r, Location at, std::string message,
           std::string hint) override {
    d_.gap(g, std::move(key), n_.file_of(at), at, r.id, std::move(message), std::move(hint));
  }
  IpAddress stand_in_public_address() override {
    if (!public_taken_loaded_) {
      public_taken_loaded_ = true;
      for (const auto& e : n_.elastic_ips) public_taken_.insert(e.public_ip);
      for (const auto& e : n_.network_interfaces) {
        if (e.public_ip) public_taken_.insert(*e.public_ip);
      }
      for (const auto& g : n_.nat_gateways) {
        if (g.public_ip) public_taken_.insert(*g.public_ip);
      }
    }
    // 192.0.2.0/24 (RFC 5737), then, for networks with more than 254 stand-ins, the 131,070
    // addresses of 198.18.0.0/15 (RFC 2544), which no internet client or AWS address uses.
    for (; next_public_ < 254 + 131070; ++next_public_) {
      IpAddress a = next_public_ < 254 ? IpAddress::v4(0xC0000201u + next_public_)
                                       : IpAddress::v4(0xC6120001u + (next_public_ - 254));
      if (public_taken_.insert(a).second) return a;
    }
    return IpAddress::v4(0xC613FFFEu);  // every one taken: repeat the last (finalize reports it)
  }

  // ---- indexing and references -------------------------------------------------------------
  template <typename T>
  void index(std::vector<T>& list, Kind kind) {
    for (Index i = 0; i < list.size(); ++i) {
      auto& r = list[i];
      if (r.id.empty()) {
        error(r, r.at, std::string(kind_name(kind)) + " has no id", "give it an `id` or a `name`");
        continue;
      }
      ids_.for_each(r.id, [&](ResourceKey k) {
        if (k.kind == kind && n_.resource(k).id == r.id) {
          error(r, r.at, "duplicate " + std::string(kind_name(kind)) + " id `" + r.id + "`",
                "first defined at " + location(n_.resource(k).at));
        }
      });
      ids_.add(r.id, ResourceKey{kind, i});
      if (!r.name.empty() && r.name != r.id) ids_.add(r.name, ResourceKey{kind, i});
    }
  }

  std::string location(Location at) const {
    return n_.file_of(at) + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  }

  void index_everything() {
    ids_.clear();
    // Every large list's ids; names and aliases grow the table if they must.
    ids_.reserve(n_.vpcs.size() + n_.subnets.size() + n_.route_tables.size() +
                 n_.network_interfaces.size() + n_.instances.size() + n_.security_groups.size() +
                 n_.network_acls.size());
    index(n_.vpcs, Kind::kVpc);
    index(n_.subnets, Kind::kSubnet);
    index(n_.route_tables, Kind::kRouteTable);
    index(n_.internet_gateways, Kind::kInternetGateway);
    index(n_.egress_only_internet_gateways, Kind::kEgressOnlyInternetGateway);
    index(n_.nat_gateways, Kind::kNatGateway);
    index(n_.elastic_ips, Kind::kElasticIp);
    index(n_.network_interfaces, Kind::kNetworkInterface);
    index(n_.instances, Kind::kInstance);
    index(n_.security_groups, Kind::kSecurityGroup);
    index(n_.network_acls, Kind::kNetworkAcl);
    index(n_.prefix_lists, Kind::kPrefixList);
    index(n_.vpc_peering_connections, Kind::kVpcPeeringConnection);
    index(n_.transit_gateways, Kind::kTransitGateway);
    index(n_.transit_gateway_route_tables, Kind::kTransitGatewayRouteTable);
    index(n_.transit_gateway_attachments, Kind::kTransitGatewayAttachment);
    index(n_.vpc_endpoints, Kind::kVpcEndpoint);
    index(n_.vpn_gateways, Kind::kVpnGateway);
    index(n_.customer_gateways, Kind::kCustomerGateway);
    index(n_.vpn_connections, Kind::kVpnConnection);
    index(n_.direct_connect_gateways, Kind::kDirectConnectGateway);
    index(n_.on_premises_networks, Kind::kOnPremisesNetwork);
    index(n_.load_balancers, Kind::kLoadBalancer);
    index(n_.listeners, Kind::kListener);
    index(n_.listener_rules, Kind::kListenerRule);
    index(n_.target_groups, Kind::kTargetGroup);
    index(n_.vpc_endpoint_services, Kind::kVpcEndpointService);
    index(n_.auto_scaling_groups, Kind::kAutoScalingGroup);
    index(n_.launch_templates, Kind::kLaunchTemplate);
    index(n_.firewalls, Kind::kFirewall);
    index(n_.firewall_policies, Kind::kFirewallPolicy);
    index(n_.firewall_rule_groups, Kind::kFirewallRuleGroup);
    index(n_.hosted_zones, Kind::kHostedZone);
    index(n_.record_sets, Kind::kRecordSet);
    index(n_.delegation_sets, Kind::kDelegationSet);
    index(n_.health_checks, Kind::kHealthCheck);
    index(n_.cidr_collections, Kind::kCidrCollection);
    index(n_.distributions, Kind::kDistribution);
    index(n_.cache_policies, Kind::kCachePolicy);
    index(n_.origin_request_policies, Kind::kOriginRequestPolicy);
    index(n_.response_headers_policies, Kind::kResponseHeadersPolicy);
    index(n_.public_keys, Kind::kPublicKey);
    index(n_.key_groups, Kind::kKeyGroup);
    index(n_.direct_connect_connections, Kind::kDirectConnectConnection);
    index(n_.direct_connect_lags, Kind::kDirectConnectLag);
    index(n_.virtual_interfaces, Kind::kVirtualInterface);
    for (const auto& a : n_.aliases) {
      auto key = first_of_kind(a.id, a.kind);
      if (!key) {
        d_.warning(n_.file_of(a.at), a.at, a.id, "alias `" + a.alias + "` names a missing resource");
        continue;
      }
      bool present = false;
      ids_.for_each(a.alias, [&](ResourceKey e) {
        present = present || (e.kind == key->kind && e.index == key->index);
      });
      if (!present) ids_.add(a.alias, *key);
    }
  }

  // The first resource of `kind` that `id` names.
  std::optional<ResourceKey> first_of_kind(std::string_view id, Kind kind) const {
    std::optional<ResourceKey> found;
    ids_.for_each(id, [&](ResourceKey e) {
      if (!found && e.kind == kind) found = e;
    });
    return found;
  }

  // A VPN connection that ends on a transit gateway is an attachment of type vpn; create it
  // (before references are resolved, so routes and associations may name it) unless declared.
  void attach_transit_gateway_vpns() {
    for (Index c = 0; c < n_.vpn_connections.size(); ++c) {
      const auto& vpn = n_.vpn_connections[c];
      if (vpn.transit_gateway.empty()) continue;
      bool declared = std::any_of(
          n_.transit_gateway_attachments.begin(), n_.transit_gateway_attachments.end(),
          [&](const auto& a) {
            return a.vpn_connection.text == vpn.id ||
                   (!vpn.name.empty() && a.vpn_connection.text == vpn.name);
          });
      if (declared) continue;
      TransitGatewayAttachment a;
      a.id = "tgw-attach-" + id_suffix(vpn.id);
      a.name = vpn.name.empty() ? "" : vpn.name + "-attachment";
      a.at = vpn.at;
      a.type = AttachmentType::kVpn;
      a.transit_gateway = {vpn.transit_gateway.text, vpn.transit_gateway.at};
      a.vpn_connection = {vpn.id, vpn.at};
      n_.transit_gateway_attachments.push_back(std::move(a));
      add_key(Kind::kTransitGatewayAttachment,
              static_cast<Index>(n_.transit_gateway_attachments.size() - 1));
    }
  }

  // Resolves `ref` to one resource of one of `kinds`; returns the kind found.
  std::optional<Kind> resolve(const Resource& owner, Ref& ref,
                              std::initializer_list<Kind> kinds) override {
    if (ref.empty()) return std::nullopt;
    // Nearly every reference names one resource: no allocation for that.
    ResourceKey hit{};
    std::size_t count = 0;
    std::vector<ResourceKey> hits;
    ids_.for_each(ref.text, [&](ResourceKey k) {
      if (std::find(kinds.begin(), kinds.end(), k.kind) == kinds.end()) return;
      if (++count == 1) {
        hit = k;
      } else {
        if (hits.empty()) hits.push_back(hit);
        hits.push_back(k);
      }
    });
    if (count == 1) {
      ref.index = hit.index;
      return hit.kind;
    }
    std::string what;
    for (Kind k : kinds) what += (what.empty() ? "" : " or ") + std::string(kind_name(k));
    if (count > 1) {
      std::string ids;
      for (const auto& h : hits) ids += (ids.empty() ? "" : ", ") + n_.resource(h).id;
      error(owner, ref.at, "`" + ref.text + "` names more than one " + what + ": " + ids,
            "refer to it by id");
      return std::nullopt;
    }
    std::vector<std::string> names;
    ids_.for_all([&](std::string_view key, ResourceKey k) {
      if (std::find(kinds.begin(), kinds.end(), k.kind) != kinds.end()) names.emplace_back(key);
    });
    std::vector<std::string_view> views(names.begin(), names.end());
    std::sort(views.begin(), views.end());
    auto best = closest_match(ref.text, views);
    error(owner, ref.at, "no " + what + " `" + ref.text + "`",
          best.empty() ? "define it, or check the id" : "did you mean `" + best + "`?");
    return std::nullopt;
  }

  void resolve_everything() {
    for (auto& s : n_.subnets) {
      resolve(s, s.vpc, {Kind::kVpc});
      resolve(s, s.route_table, {Kind::kRouteTable});
      resolve(s, s.network_acl, {Kind::kNetworkAcl});
    }
    for (auto& rt : n_.route_tables) {
      resolve(rt, rt.vpc, {Kind::kVpc});
      resolve_all(rt, rt.subnets, {Kind::kSubnet});
      resolve_all(rt, rt.gateways, {Kind::kInternetGateway, Kind::kVpnGateway});
      resolve_all(rt, rt.propagating_vgws, {Kind::kVpnGateway});
      for (auto& route : rt.routes) resolve_route(rt, route);
    }
    for (auto& g : n_.internet_gateways) resolve(g, g.vpc, {Kind::kVpc});
    for (auto& g : n_.egress_only_internet_gateways) resolve(g, g.vpc, {Kind::kVpc});
    for (auto& g : n_.nat_gateways) {
      resolve(g, g.subnet, {Kind::kSubnet});
      resolve(g, g.elastic_ip, {Kind::kElasticIp});
    }
    for (auto& e : n_.elastic_ips) {
      resolve(e, e.network_interface, {Kind::kNetworkInterface});
      resolve(e, e.instance, {Kind::kInstance});
    }
    for (auto& e : n_.network_interfaces) {
      resolve(e, e.subnet, {Kind::kSubnet});
      resolve_all(e, e.security_groups, {Kind::kSecurityGroup});
      resolve(e, e.instance, {Kind::kInstance});
    }
    for (auto& sg : n_.security_groups) {
      resolve(sg, sg.vpc, {Kind::kVpc});
      for (auto* rules : {&sg.ingress, &sg.egress}) {
        for (auto& rule : *rules) {
          resolve(sg, rule.prefix_list, {Kind::kPrefixList});
          resolve(sg, rule.security_group, {Kind::kSecurityGroup});
        }
      }
    }
    for (auto& acl : n_.network_acls) {
      resolve(acl, acl.vpc, {Kind::kVpc});
      resolve_all(acl, acl.subnets, {Kind::kSubnet});
    }
    for (auto& p : n_.vpc_peering_connections) {
      resolve(p, p.requester_vpc, {Kind::kVpc});
      resolve(p, p.accepter_vpc, {Kind::kVpc});
    }
    for (auto& t : n_.transit_gateways) {
      resolve(t, t.association_default_route_table, {Kind::kTransitGatewayRouteTable});
      resolve(t, t.propagation_default_route_table, {Kind::kTransitGatewayRouteTable});
    }
    for (auto& t : n_.transit_gateway_route_tables) {
      resolve(t, t.transit_gateway, {Kind::kTransitGateway});
      for (auto& r : t.routes) resolve(t, r.attachment, {Kind::kTransitGatewayAttachment});
    }
    for (auto& a : n_.transit_gateway_attachments) {
      resolve(a, a.transit_gateway, {Kind::kTransitGateway});
      resolve(a, a.vpc, {Kind::kVpc});
      resolve_all(a, a.subnets, {Kind::kSubnet});
      resolve(a, a.vpn_connection, {Kind::kVpnConnection});
      resolve(a, a.direct_connect_gateway, {Kind::kDirectConnectGateway});
      resolve(a, a.peer_attachment, {Kind::kTransitGatewayAttachment});
      resolve(a, a.association, {Kind::kTransitGatewayRouteTable});
      resolve_all(a, a.propagations, {Kind::kTransitGatewayRouteTable});
    }
    for (auto& e : n_.vpc_endpoints) {
      resolve(e, e.vpc, {Kind::kVpc});
      resolve_all(e, e.route_tables, {Kind::kRouteTable});
      resolve(e, e.prefix_list, {Kind::kPrefixList});
      resolve_all(e, e.subnets, {Kind::kSubnet});
      resolve_all(e, e.security_groups, {Kind::kSecurityGroup});
      resolve_all(e, e.network_interfaces, {Kind::kNetworkInterface});
    }
    for (auto& g : n_.vpn_gateways) resolve(g, g.vpc, {Kind::kVpc});
    for (auto& v : n_.vpn_connections) {
      resolve(v, v.vpn_gateway, {Kind::kVpnGateway});
      resolve(v, v.transit_gateway, {Kind::kTransitGateway});
      resolve(v, v.customer_gateway, {Kind::kCustomerGateway});
      if (v.vpn_gateway.empty() == v.transit_gateway.empty()) {
        error(v, v.at, "a VPN connection ends on exactly one of vpn_gateway or transit_gateway");
      }
    }
    for (auto& g : n_.direct_connect_gateways) resolve_all(g, g.vpn_gateways, {Kind::kVpnGateway});
    for (auto& o : n_.on_premises_networks) {
      resolve_all(o, o.vpn_connections, {Kind::kVpnConnection});
      resolve_all(o, o.direct_connect_gateways, {Kind::kDirectConnectGateway});
      if (o.cidrs.empty()) error(o, o.at, "an on-premises network needs at least one CIDR");
    }
    resolve_load_balancing(*this);
    resolve_firewalls(*this);
  }

  void resolve_route(RouteTable& rt, Route& route) {
    resolve(rt, route.destination_prefix_list, {Kind::kPrefixList});
    // A blackhole route usually names a deleted target: AWS keeps it, and so do we.
    if (route.blackhole && !route.target.empty() && !ids_.contains(route.target.text)) {
      warning(rt, route.target.at,
              "blackhole route names `" + route.target.text + "`, which is not in the network");
      return;
    }
    switch (route.target_kind) {
      case TargetKind::kLocal:
      case TargetKind::kUnsupported: return;
      case TargetKind::kInternetGateway:
      case TargetKind::kVpnGateway:
      case TargetKind::kVpcEndpoint: {
        // `gateway` accepts any gateway-like target, as AWS's GatewayId does.
        auto kind = resolve(rt, route.target,
                            {Kind::kInternetGateway, Kind::kVpnGateway, Kind::kVpcEndpoint,
                             Kind::kEgressOnlyInternetGateway});
        if (kind == Kind::kInternetGateway) route.target_kind = TargetKind::kInternetGateway;
        if (kind == Kind::kVpnGateway) route.target_kind = TargetKind::kVpnGateway;
        if (kind == Kind::kVpcEndpoint) route.target_kind = TargetKind::kVpcEndpoint;
        if (kind == Kind::kEgressOnlyInternetGateway)
          route.target_kind = TargetKind::kEgressOnlyInternetGateway;
        return;
      }
      case TargetKind::kEgressOnlyInternetGateway:
        resolve(rt, route.target, {Kind::kEgressOnlyInternetGateway});
        return;
      case TargetKind::kNatGateway: resolve(rt, route.target, {Kind::kNatGateway}); return;
      case TargetKind::kTransitGateway: resolve(rt, route.target, {Kind::kTransitGateway}); return;
      case TargetKind::kVpcPeeringConnection:
        resolve(rt, route.target, {Kind::kVpcPeeringConnection});
        return;
      case TargetKind::kNetworkInterface:
        resolve(rt, route.target, {Kind::kNetworkInterface});
        return;
      case TargetKind::kInstance: resolve(rt, route.target, {Kind::kInstance}); return;
    }
  }

  // ---- VPC membership ----------------------------------------------------------------------
  void vpc_membership() {
    for (auto& v : n_.vpcs) {
      if (v.account.empty()) v.account = n_.default_account;
      if (v.region.empty()) v.region = n_.default_region;
      if (v.cidr_blocks.empty()) {
        error(v, v.at, "a VPC needs an IPv4 CIDR block", "add `cidr_block: 10.0.0.0/16`");
      }
      for (std::size_t i = 0; i < v.cidr_blocks.size(); ++i) {
        const auto& b = v.cidr_blocks[i];
        // vpc-cidr-blocks.html: IPv4 blocks are between /16 and /28.
        if (b.length() < 16 || b.length() > 28) {
          error(v, v.at, "VPC CIDR block " + b.str() + " is not between /16 and /28",
                "AWS allows IPv4 VPC blocks from /16 to /28");
        }
        for (std::size_t j = 0; j < i; ++j) {
          if (b.overlaps(v.cidr_blocks[j])) {
            error(v, v.at, "CIDR block " + b.str() + " overlaps " + v.cidr_blocks[j].str() +
                               " of the same VPC");
          }
        }
      }
    }
    for (Index i = 0; i < n_.subnets.size(); ++i) {
      auto& s = n_.subnets[i];
      if (!s.vpc.resolved()) continue;
      auto& v = n_.vpcs[s.vpc.index];
      v.subnets.push_back(i);
      if (!s.cidr_block && !s.ipv6_cidr_block) {
        error(s, s.at, "a subnet needs a cidr_block or an ipv6_cidr_block");
      }
      if (s.cidr_block) {
        const auto& c = *s.cidr_block;
        bool inside = std::any_of(v.cidr_blocks.begin(), v.cidr_blocks.end(),
                                  [&](const Prefix& b) { return b.contains(c); });
        if (!inside) {
          std::string blocks;
          for (const auto& b : v.cidr_blocks) blocks += (blocks.empty() ? "" : ", ") + b.str();
          error(s, s.at, "subnet " + c.str() + " is outside its VPC " + v.id + " (" + blocks + ")",
                "choose a block inside the VPC or add a secondary CIDR block");
        }
        if (c.length() < 16 || c.length() > 28) {
          error(s, s.at, "subnet CIDR " + c.str() + " is not between /16 and /28");
        }
      }
      if (s.ipv6_cidr_block) {
        const auto& c = *s.ipv6_cidr_block;
        bool inside = std::any_of(v.ipv6_cidr_blocks.begin(), v.ipv6_cidr_blocks.end(),
                                  [&](const Prefix& b) { return b.contains(c); });
        if (!inside) error(s, s.at, "IPv6 subnet " + c.str() + " is outside its VPC " + v.id);
      }
    }
    for (auto& v : n_.vpcs) {
      for (std::size_t a = 0; a < v.subnets.size(); ++a) {
        for (std::size_t b = a + 1; b < v.subnets.size(); ++b) {
          auto& sa = n_.subnets[v.subnets[a]];
          auto& sb = n_.subnets[v.subnets[b]];
          if (sa.cidr_block && sb.cidr_block && sa.cidr_block->overlaps(*sb.cidr_block)) {
            error(sb, sb.at, "subnet " + sb.cidr_block->str() + " overlaps subnet " + sa.id + " (" +
                                 sa.cidr_block->str() + ")");
          }
        }
      }
    }
  }

  // ---- AWS's implicit defaults -------------------------------------------------------------
  void materialise_vpc_defaults() {
    for (Index vi = 0; vi < n_.vpcs.size(); ++vi) {
      // Copy what we need: push_back below may move the VPC's siblings but not the VPC.
      std::vector<Index> mains;
      for (Index r = 0; r < n_.route_tables.size(); ++r) {
        auto& rt = n_.route_tables[r];
        if (rt.vpc.index == vi && rt.main) mains.push_back(r);
      }
      if (mains.size() > 1) {
        auto& second = n_.route_tables[mains[1]];
        error(second, second.at,
              "VPC " + n_.vpcs[vi].id + " has two main route tables (" +
                  n_.route_tables[mains[0]].id + " and " + second.id + ")",
              "a VPC has exactly one main route table");
      }
      if (mains.empty()) {
        RouteTable rt;
        const auto& v = n_.vpcs[vi];
        rt.id = "rtb-main-" + id_suffix(v.id);
        rt.name = (v.name.empty() ? v.id : v.name) + "-main";
        rt.at = v.at;
        rt.vpc = {v.id, v.at, vi};
        rt.main = true;
        n_.route_tables.push_back(std::move(rt));
        mains.push_back(static_cast<Index>(n_.route_tables.size() - 1));
        add_key(Kind::kRouteTable, mains.back());
      }
      n_.vpcs[vi].main_route_table = mains.front();

      Index default_sg = kNone;
      for (Index g = 0; g < n_.security_groups.size(); ++g) {
        auto& sg = n_.security_groups[g];
        if (sg.vpc.index == vi && (sg.is_default || sg.group_name == "default")) {
          sg.is_default = true;
          default_sg = g;
        }
      }
      if (default_sg == kNone) {
        const auto& v = n_.vpcs[vi];
        SecurityGroup sg;
        sg.id = "sg-default-" + id_suffix(v.id);
        sg.name = (v.name.empty() ? v.id : v.name) + "-default";
        sg.group_name = "default";
        sg.is_default = true;
        sg.at = v.at;
        sg.vpc = {v.id, v.at, vi};
        // default-security-group.html: inbound from members of this group, all outbound.
        SecurityGroupRule in;
        in.protocol = Protocol(Protocol::kAll);
        in.security_group = {sg.id, v.at, static_cast<Index>(n_.security_groups.size())};
        in.implicit = true;
        sg.ingress.push_back(in);
        add_allow_all_egress(sg, !v.ipv6_cidr_blocks.empty());
        n_.security_groups.push_back(std::move(sg));
        default_sg = static_cast<Index>(n_.security_groups.size() - 1);
        add_key(Kind::kSecurityGroup, default_sg);
      }
      n_.vpcs[vi].default_security_group = default_sg;

      Index default_acl = kNone;
      for (Index a = 0; a < n_.network_acls.size(); ++a) {
        if (n_.network_acls[a].vpc.index == vi && n_.network_acls[a].is_default) default_acl = a;
      }
      if (default_acl == kNone) {
        const auto& v = n_.vpcs[vi];
        NetworkAcl acl;
        acl.id = "acl-default-" + id_suffix(v.id);
        acl.name = (v.name.empty() ? v.id : v.name) + "-default";
        acl.is_default = true;
        acl.at = v.at;
        acl.vpc = {v.id, v.at, vi};
        // default-network-acl: rule 100 allows all (101 for ::/0), in and out.
        for (auto* list : {&acl.ingress, &acl.egress}) {
          list->push_back(allow_all_entry(100, kAnyV4, v.at));
          if (!v.ipv6_cidr_blocks.empty()) list->push_back(allow_all_entry(101, kAnyV6, v.at));
        }
        n_.network_acls.push_back(std::move(acl));
        default_acl = static_cast<Index>(n_.network_acls.size() - 1);
        add_key(Kind::kNetworkAcl, default_acl);
      }
      n_.vpcs[vi].default_network_acl = default_acl;
    }
    // The implicit "*" rule (32767) denies what no numbered rule matched.
    for (auto& acl : n_.network_acls) {
      for (auto* list : {&acl.ingress, &acl.egress}) {
        std::stable_sort(list->begin(), list->end(),
                         [](const auto& a, const auto& b) { return a.rule_number < b.rule_number; });
        std::set<int> seen;
        for (const auto& e : *list) {
          if (!e.implicit && !seen.insert(e.rule_number).second) {
            error(acl, e.at, "duplicate rule number " + std::to_string(e.rule_number) + " in " +
                                 (list == &acl.ingress ? "ingress" : "egress"));
          }
          if (!e.implicit && (e.rule_number < 1 || e.rule_number > 32766)) {
            error(acl, e.at, "rule number " + std::to_string(e.rule_number) +
                                 " is outside 1-32766");
          }
        }
        for (const auto& any : {kAnyV4, kAnyV6}) {
          NetworkAclEntry deny;
          deny.rule_number = 32767;
          deny.protocol = Protocol(Protocol::kAll);
          deny.cidr = any;
          deny.allow = false;
          deny.at = acl.at;
          deny.implicit = true;
          list->push_back(deny);
        }
      }
    }
  }

  static NetworkAclEntry allow_all_entry(int number, Prefix cidr, Location at) {
    NetworkAclEntry e;
    e.rule_number = number;
    e.protocol = Protocol(Protocol::kAll);
    e.cidr = cidr;
    e.allow = true;
    e.at = at;
    e.implicit = true;
    return e;
  }

  static void add_allow_all_egress(SecurityGroup& sg, bool ipv6) {
    SecurityGroupRule out;
    out.protocol = Protocol(Protocol::kAll);
    out.cidr = kAnyV4;
    out.at = sg.at;
    out.implicit = true;
    sg.egress.push_back(out);
    if (ipv6) {
      out.cidr = kAnyV6;
      sg.egress.push_back(out);
    }
  }

  bool names_any(std::string_view text, std::initializer_list<Kind> kinds) override {
    bool found = false;
    ids_.for_each(text, [&](ResourceKey k) {
      found = found || std::find(kinds.begin(), kinds.end(), k.kind) != kinds.end();
    });
    return found;
  }

  void add_key(Kind kind, Index i) override {
    const auto& r = n_.resource({kind, i});
    ids_.add(r.id, ResourceKey{kind, i});
    if (!r.name.empty() && r.name != r.id) ids_.add(r.name, ResourceKey{kind, i});
  }

  // vpn-how-it-works ("Customer gateway", "Static and dynamic routing"): the customer gateway's
  // address and the destinations of a connection's static routes are on premises, behind the
  // connection. An input that declares no on-premises network for the connection (CloudFormation,
  // Terraform, a snapshot) still has those parties: one implied network per connection, usable
  // as --from and --to, whose traffic enters through the connection's VGW or transit gateway.
  void imply_on_premises_networks() {
    std::vector<bool> declared(n_.vpn_connections.size(), false);
    for (const auto& o : n_.on_premises_networks) {
      for (const auto& r : o.vpn_connections) {
        if (r.resolved()) declared[r.index] = true;
      }
    }
    for (Index c = 0; c < n_.vpn_connections.size(); ++c) {
      const auto& vpn = n_.vpn_connections[c];
      if (declared[c] || vpn.state == "deleted") continue;
      OnPremisesNetwork o;
      auto add = [&](const Prefix& p) {
        bool covered = std::any_of(o.cidrs.begin(), o.cidrs.end(),
                                   [&](const Prefix& x) { return x.contains(p); });
        if (!covered) o.cidrs.push_back(p);
      };
      for (const auto& p : vpn.static_routes) add(p);
      if (vpn.customer_gateway.resolved()) {
        const auto& cgw = n_.customer_gateways[vpn.customer_gateway.index];
        if (cgw.ip_address) add(Prefix::host(*cgw.ip_address));
      }
      if (o.cidrs.empty()) continue;
      o.id = "onprem-" + id_suffix(vpn.id);
      if (ids_.contains(o.id)) continue;
      o.name = (vpn.name.empty() ? vpn.id : vpn.name) + "-on-premises";
      o.at = vpn.at;
      o.implied = true;
      o.vpn_connections.push_back({vpn.id, vpn.at, c});
      n_.on_premises_networks.push_back(std::move(o));
      add_key(Kind::kOnPremisesNetwork, static_cast<Index>(n_.on_premises_networks.size() - 1));
    }
  }

  // ---- associations ------------------------------------------------------------------------
  void associate_subnets() {
    for (Index r = 0; r < n_.route_tables.size(); ++r) {
      auto& rt = n_.route_tables[r];
      for (auto& sref : rt.subnets) {
        if (!sref.resolved()) continue;
        auto& s = n_.subnets[sref.index];
        if (s.route_table.resolved() && s.route_table.index != r) {
          error(s, sref.at, "subnet is associated with two route tables (" +
                                n_.route_tables[s.route_table.index].id + " and " + rt.id + ")",
                "a subnet has exactly one route table");
        }
        s.route_table = {rt.id, sref.at, r};
      }
    }
    for (Index a = 0; a < n_.network_acls.size(); ++a) {
      auto& acl = n_.network_acls[a];
      for (auto& sref : acl.subnets) {
        if (!sref.resolved()) continue;
        auto& s = n_.subnets[sref.index];
        if (s.network_acl.resolved() && s.network_acl.index != a) {
          error(s, sref.at, "subnet is associated with two network ACLs (" +
                                n_.network_acls[s.network_acl.index].id + " and " + acl.id + ")");
        }
        s.network_acl = {acl.id, sref.at, a};
      }
    }
    for (auto& s : n_.subnets) {
      if (!s.vpc.resolved()) continue;
      const auto& v = n_.vpcs[s.vpc.index];
      s.effective_route_table = s.route_table.resolved() ? s.route_table.index : v.main_route_table;
      s.effective_network_acl =
          s.network_acl.resolved() ? s.network_acl.index : v.default_network_acl;
      if (s.route_table.resolved() && n_.route_tables[s.route_table.index].vpc.index != s.vpc.index) {
        error(s, s.route_table.at, "route table " + s.route_table.text + " belongs to another VPC");
      }
      if (s.network_acl.resolved() && n_.network_acls[s.network_acl.index].vpc.index != s.vpc.index) {
        error(s, s.network_acl.at, "network ACL " + s.network_acl.text + " belongs to another VPC");
      }
    }
  }

  // ---- interfaces, instances, addresses ----------------------------------------------------
  void finalize_interfaces() {
    for (const auto& eni : n_.network_interfaces) taken_.insert(eni.private_ips.begin(), eni.private_ips.end());
    for (const auto& nat : n_.nat_gateways) {
      if (nat.private_ip) taken_.insert(*nat.private_ip);
    }
    for (Index e = 0; e < n_.network_interfaces.size(); ++e) {
      auto& eni = n_.network_interfaces[e];
      if (!eni.subnet.resolved()) continue;
      const auto& s = n_.subnets[eni.subnet.index];
      eni.vpc = s.vpc.index;
      if (eni.vpc == kNone) continue;
      if (eni.private_ips.empty() && s.cidr_block) {
        eni.private_ips.push_back(first_free_address(eni.subnet.index));
      }
      // A Network or Gateway Load Balancer created without security groups has none
      // (load-balancer-security-groups.html); every other ENI created without a group gets
      // the VPC's default group.
      // Gateway Load Balancer endpoints have none either (gateway-load-balancer-endpoints.html).
      const bool ungrouped_node =
          (eni.load_balancer != kNone &&
           (n_.load_balancers[eni.load_balancer].type == LoadBalancerType::kNetwork ||
            n_.load_balancers[eni.load_balancer].type == LoadBalancerType::kGateway)) ||
          (eni.vpc_endpoint != kNone &&
           n_.vpc_endpoints[eni.vpc_endpoint].type == VpcEndpointType::kGatewayLoadBalancer);
      if (eni.security_groups.empty() && !ungrouped_node) {
        const auto& sg = n_.security_groups[n_.vpcs[eni.vpc].default_security_group];
        eni.security_groups.push_back({sg.id, eni.at, n_.vpcs[eni.vpc].default_security_group});
      }
      for (const auto& g : eni.security_groups) {
        if (!g.resolved()) continue;
        auto& sg = n_.security_groups[g.index];
        if (sg.vpc.index != eni.vpc) {
          error(eni, g.at, "security group " + sg.id + " belongs to another VPC");
        }
        sg.members.push_back(e);
      }
      if (eni.public_ip && !eni.private_ips.empty()) {
        eni.public_ips.emplace_back(eni.private_ips.front(), *eni.public_ip);
      }
      if (eni.instance.resolved()) n_.instances[eni.instance.index].network_interfaces.push_back(e);
      for (const auto& a : eni.private_ips) private_addresses_.emplace_back(a, e);
      for (const auto& a : eni.ipv6_addresses) private_addresses_.emplace_back(a, e);
    }
    for (auto& eip : n_.elastic_ips) {
      Index e = kNone;
      if (eip.network_interface.resolved()) e = eip.network_interface.index;
      if (eip.instance.resolved()) {
        const auto& inst = n_.instances[eip.instance.index];
        if (inst.network_interfaces.empty()) {
          error(eip, eip.instance.at, "instance " + inst.id + " has no network interface");
          continue;
        }
        e = inst.network_interfaces.front();
      }
      if (e == kNone) continue;  // unassociated
      auto& eni = n_.network_interfaces[e];
      IpAddress priv = eip.private_ip ? *eip.private_ip
                                      : (eni.private_ips.empty() ? IpAddress() : eni.private_ips.front());
      if (!eni.has_address(priv)) {
        error(eip, eip.at, priv.str() + " is not a private address of " + eni.id);
        continue;
      }
      // An EIP replaces the auto-assigned public IPv4 of that private address.
      std::erase_if(eni.public_ips, [&](const auto& p) { return p.first == priv; });
      eni.public_ips.emplace_back(priv, eip.public_ip);
    }
    for (Index e = 0; e < n_.network_interfaces.size(); ++e) {
      for (const auto& [priv, pub] : n_.network_interfaces[e].public_ips) {
        auto [it, inserted] = n_.eni_by_public_ip.emplace(pub, e);
        if (!inserted && it->second != e) {
          const auto& eni = n_.network_interfaces[e];
          error(eni, eni.at, "public IP " + pub.str() + " is also used by " +
                                 n_.network_interfaces[it->second].id);
        }
      }
    }
    for (auto& inst : n_.instances) {
      if (inst.network_interfaces.empty()) {
        error(inst, inst.at, "instance has no network interface",
              "give it a `subnet`, or attach a network interface with `instance: " + inst.id + "`");
      }
    }
  }

  IpAddress first_free_address(Index subnet) override {
    const auto& s = n_.subnets[subnet];
    for (U128 off = 4; off < s.cidr_block->size() - 1; ++off) {
      IpAddress a = s.cidr_block->address().plus(off);
      if (taken_.insert(a).second) return a;
    }
    return s.cidr_block->address().plus(4);
  }

  // ---- gateways ----------------------------------------------------------------------------
  void finalize_gateways() {
    for (Index g = 0; g < n_.internet_gateways.size(); ++g) {
      auto& igw = n_.internet_gateways[g];
      if (!igw.vpc.resolved()) continue;
      auto& v = n_.vpcs[igw.vpc.index];
      if (v.internet_gateway != kNone) {
        error(igw, igw.vpc.at, "VPC " + v.id + " already has internet gateway " +
                                   n_.internet_gateways[v.internet_gateway].id,
              "a VPC has at most one internet gateway");
      }
      v.internet_gateway = g;
    }
    for (Index g = 0; g < n_.egress_only_internet_gateways.size(); ++g) {
      auto& eigw = n_.egress_only_internet_gateways[g];
      if (eigw.vpc.resolved()) n_.vpcs[eigw.vpc.index].egress_only_internet_gateway = g;
    }
    for (Index g = 0; g < n_.vpn_gateways.size(); ++g) {
      auto& vgw = n_.vpn_gateways[g];
      if (!vgw.vpc.resolved()) continue;
      auto& v = n_.vpcs[vgw.vpc.index];
      if (v.vpn_gateway != kNone) {
        error(vgw, vgw.vpc.at, "VPC " + v.id + " already has virtual private gateway " +
                                   n_.vpn_gateways[v.vpn_gateway].id);
      }
      v.vpn_gateway = g;
    }
    for (Index g = 0; g < n_.nat_gateways.size(); ++g) {
      auto& nat = n_.nat_gateways[g];
      if (!nat.subnet.resolved()) {
        if (nat.subnet.empty()) error(nat, nat.at, "a NAT gateway needs a `subnet`");
        continue;
      }
      const auto& s = n_.subnets[nat.subnet.index];
      nat.vpc = s.vpc.index;
      if (!s.cidr_block) {
        error(nat, nat.subnet.at, "a NAT gateway needs a subnet with an IPv4 CIDR block");
        continue;
      }
      if (!nat.private_ip) nat.private_ip = first_free_address(nat.subnet.index);
      if (nat.private_ip && !s.contains(*nat.private_ip)) {
        error(nat, nat.at, "private IP " + nat.private_ip->str() + " is outside subnet " + s.id);
      }
      if (nat.elastic_ip.resolved()) nat.public_ip = n_.elastic_ips[nat.elastic_ip.index].public_ip;
      if (!nat.private_connectivity && !nat.public_ip) {
        error(nat, nat.at, "a public NAT gateway needs an elastic IP",
              "add `elastic_ip:` or `public_ip:`, or set `connectivity_type: private`");
      }
      if (nat.public_ip) n_.nat_gateway_by_public_ip[*nat.public_ip] = g;
    }
    for (auto& p : n_.vpc_peering_connections) {
      if (!p.requester_vpc.resolved() || !p.accepter_vpc.resolved()) continue;
      if (p.requester_vpc.index == p.accepter_vpc.index) {
        error(p, p.at, "a VPC cannot peer with itself");
        continue;
      }
      const auto& a = n_.vpcs[p.requester_vpc.index];
      const auto& b = n_.vpcs[p.accepter_vpc.index];
      // vpc-peering-basics: peered VPCs cannot have overlapping CIDR blocks.
      for (const auto& x : a.cidr_blocks) {
        for (const auto& y : b.cidr_blocks) {
          if (x.overlaps(y)) {
            error(p, p.at, "peered VPCs " + a.id + " (" + x.str() + ") and " + b.id + " (" +
                               y.str() + ") have overlapping CIDR blocks",
                  "AWS cannot peer VPCs whose CIDR blocks overlap");
          }
        }
      }
    }
  }

  // ---- endpoints ---------------------------------------------------------------------------
  void finalize_endpoints() {
    for (Index e = 0; e < n_.vpc_endpoints.size(); ++e) {
      auto& ep = n_.vpc_endpoints[e];
      if (!ep.gateway()) continue;
      if (ep.prefix_list.resolved()) {
        ep.service_prefix_list = ep.prefix_list.index;
      } else {
        for (Index p = 0; p < n_.prefix_lists.size(); ++p) {
          if (n_.prefix_lists[p].prefix_list_name == ep.service_name) ep.service_prefix_list = p;
        }
      }
      if (ep.service_prefix_list == kNone) {
        error(ep, ep.at, "no prefix list for service `" + ep.service_name + "`",
              "add a prefix list with prefix_list_name: " + ep.service_name);
        continue;
      }
      // gateway-endpoints.html: AWS adds a route to the service prefix list in each table.
      for (const auto& rt_ref : ep.route_tables) {
        if (!rt_ref.resolved()) continue;
        auto& rt = n_.route_tables[rt_ref.index];
        bool present = std::any_of(rt.routes.begin(), rt.routes.end(), [&](const Route& r) {
          return r.target_kind == TargetKind::kVpcEndpoint && r.target.index == e;
        });
        if (present) continue;
        Route r;
        const auto& pl = n_.prefix_lists[ep.service_prefix_list];
        r.destination_prefix_list = {pl.id, ep.at, ep.service_prefix_list};
        r.target_kind = TargetKind::kVpcEndpoint;
        r.target = {ep.id, ep.at, e};
        r.at = ep.at;
        r.implicit = true;
        rt.routes.push_back(r);
      }
    }
  }

  // ---- route tables ------------------------------------------------------------------------
  void build_route_tables() {
    for (Index r = 0; r < n_.route_tables.size(); ++r) {
      auto& rt = n_.route_tables[r];
      if (!rt.vpc.resolved()) continue;
      const auto& v = n_.vpcs[rt.vpc.index];
      rt.effective.clear();
      rt.unknown_routes.clear();
      std::map<std::pair<Prefix, int>, Location> seen;
      for (std::uint32_t i = 0; i < rt.routes.size(); ++i) {
        const auto& route = rt.routes[i];
        if (!route.unknown.empty()) {
          rt.unknown_routes.push_back(i);
          continue;
        }
        check_route(rt, route);
        if (route.destination_prefix_list.resolved()) {
          const auto& pl = n_.prefix_lists[route.destination_prefix_list.index];
          for (const auto& entry : pl.entries) {
            // aws-vpc.md §1.1: entries not valid for the table are ignored, such as one more
            // specific than a CIDR block of the VPC (only whole subnets may be, and not from a
            // prefix list).
            const auto& blocks = entry.family() == Family::kV4 ? v.cidr_blocks : v.ipv6_cidr_blocks;
            if (std::any_of(blocks.begin(), blocks.end(), [&](const Prefix& b) {
                  return b.contains(entry) && b != entry;
                })) {
              continue;
            }
            Route e = route;
            e.destination = entry;
            e.origin = RouteOrigin::kPrefixList;
            rt.effective.push_back(e);
          }
        } else if (route.destination) {
          auto key = std::make_pair(*route.destination, 0);
          if (auto [it, fresh] = seen.emplace(key, route.at); !fresh) {
            error(rt, route.at, "duplicate route to " + route.destination->str(),
                  "first at " + location(it->second));
          }
          rt.effective.push_back(route);
        }
      }
      // One local route per VPC CIDR block, unless written (possibly retargeted to a middlebox).
      auto add_local = [&](const Prefix& block) {
        bool written = std::any_of(rt.effective.begin(), rt.effective.end(), [&](const Route& e) {
          return e.destination == block && e.origin == RouteOrigin::kStatic;
        });
        if (written) return;
        Route local;
        local.destination = block;
        local.target_kind = TargetKind::kLocal;
        local.at = rt.at;
        local.implicit = true;
        rt.effective.push_back(local);
      };
      for (const auto& b : v.cidr_blocks) add_local(b);
      for (const auto& b : v.ipv6_cidr_blocks) add_local(b);
    }
  }

  void check_route(RouteTable& rt, const Route& route) {
    check_route_shape(rt, route);
    if (!route.target.resolved()) return;
    Index vpc = rt.vpc.index;
    auto other_vpc = [&](Index target_vpc, const std::string& what) {
      if (target_vpc != kNone && target_vpc != vpc) {
        error(rt, route.at, what + " belongs to another VPC",
              "a route can only target gateways attached to its own VPC");
      }
    };
    switch (route.target_kind) {
      case TargetKind::kNatGateway:
        other_vpc(n_.nat_gateways[route.target.index].vpc,
                  "NAT gateway " + n_.nat_gateways[route.target.index].id);
        break;
      case TargetKind::kNetworkInterface:
        other_vpc(n_.network_interfaces[route.target.index].vpc,
                  "network interface " + n_.network_interfaces[route.target.index].id);
        break;
      case TargetKind::kInternetGateway: {
        // AWS refuses a route to an internet gateway that is not attached to the table's VPC
        // ("the route table and the network gateway belong to different networks"); one that
        // was detached later is a blackhole, which is how a snapshot shows it.
        const auto& g = n_.internet_gateways[route.target.index];
        if (!route.blackhole && g.vpc.index != vpc) {
          error(rt, route.at,
                "internet gateway " + g.id + " is not attached to " + n_.vpcs[vpc].id +
                    (g.vpc.resolved() ? " (it is attached to " + n_.vpcs[g.vpc.index].id + ")"
                                      : ""),
                "attach it to " + n_.vpcs[vpc].id + " (AWS refuses the route otherwise), or mark "
                "the route `state: blackhole` if the gateway was detached after");
        }
        break;
      }
      case TargetKind::kVpcPeeringConnection: {
        const auto& p = n_.vpc_peering_connections[route.target.index];
        if (p.requester_vpc.index != vpc && p.accepter_vpc.index != vpc) {
          error(rt, route.at, "peering connection " + p.id + " does not involve VPC " +
                                  n_.vpcs[vpc].id);
        }
        break;
      }
      default: break;
    }
  }

  // route-tables.html: a route more specific than a local route must cover an entire subnet of
  // the VPC and point at a NAT gateway, network interface or (GWLB) endpoint; gateway route
  // tables take only the VPC CIDR or entire subnet CIDRs, to local, an ENI or an endpoint.
  void check_route_shape(RouteTable& rt, const Route& route) {
    if (!route.destination || route.target_kind == TargetKind::kLocal) return;
    const auto& v = n_.vpcs[rt.vpc.index];
    const Prefix& d = *route.destination;
    auto inside_local = [&](const std::vector<Prefix>& blocks) {
      return std::any_of(blocks.begin(), blocks.end(),
                         [&](const Prefix& b) { return b.contains(d) && b != d; });
    };
    bool is_block = std::find(v.cidr_blocks.begin(), v.cidr_blocks.end(), d) != v.cidr_blocks.end() ||
                    std::find(v.ipv6_cidr_blocks.begin(), v.ipv6_cidr_blocks.end(), d) !=
                        v.ipv6_cidr_blocks.end();
    bool is_subnet = std::any_of(v.subnets.begin(), v.subnets.end(), [&](Index s) {
      const auto& sub = n_.subnets[s];
      return sub.cidr_block == d || sub.ipv6_cidr_block == d;
    });
    bool middlebox = route.target_kind == TargetKind::kNatGateway ||
                     route.target_kind == TargetKind::kNetworkInterface ||
                     route.target_kind == TargetKind::kInstance ||
                     route.target_kind == TargetKind::kVpcEndpoint ||
                     // possibly a firewall or Gateway Load Balancer endpoint
                     route.target_kind == TargetKind::kUnsupported;
    if (inside_local(d.family() == Family::kV4 ? v.cidr_blocks : v.ipv6_cidr_blocks) && !(is_subnet && middlebox)) {
      error(rt, route.at,
            "route " + d.str() + " is more specific than the local route of " + v.id,
            "only an entire subnet CIDR may be routed, and only to a NAT gateway, network "
            "interface or endpoint");
    }
    if (!rt.gateways.empty()) {
      if (!(route.target_kind == TargetKind::kNetworkInterface ||
            route.target_kind == TargetKind::kInstance ||
            route.target_kind == TargetKind::kVpcEndpoint ||
            route.target_kind == TargetKind::kUnsupported)) {
        error(rt, route.at, "a gateway route table can only target local, a network interface or an endpoint");
      } else if (!is_block && !is_subnet) {
        error(rt, route.at, "a gateway route table can only route the VPC CIDR or an entire subnet CIDR");
      }
    }
  }

  // ---- transit gateways --------------------------------------------------------------------
  void finalize_transit_gateways() {
    for (Index t = 0; t < n_.transit_gateways.size(); ++t) {
      auto& tgw = n_.transit_gateways[t];
      if (tgw.account.empty()) tgw.account = n_.default_account;
      if (tgw.region.empty()) tgw.region = n_.default_region;
      bool need_default = (tgw.default_route_table_association &&
                           !tgw.association_default_route_table.resolved()) ||
                          (tgw.default_route_table_propagation &&
                           !tgw.propagation_default_route_table.resolved());
      Index created = kNone;
      if (need_default) {
        TransitGatewayRouteTable rt;
        rt.id = "tgw-rtb-default-" + id_suffix(tgw.id);
        rt.name = (tgw.name.empty() ? tgw.id : tgw.name) + "-default";
        rt.at = tgw.at;
        rt.transit_gateway = {tgw.id, tgw.at, t};
        n_.transit_gateway_route_tables.push_back(std::move(rt));
        created = static_cast<Index>(n_.transit_gateway_route_tables.size() - 1);
        add_key(Kind::kTransitGatewayRouteTable, created);
      }
      auto& tg = n_.transit_gateways[t];
      tg.default_association_table = !tg.default_route_table_association ? kNone
                                     : tg.association_default_route_table.resolved()
                                         ? tg.association_default_route_table.index
                                         : created;
      tg.default_propagation_table = !tg.default_route_table_propagation ? kNone
                                     : tg.propagation_default_route_table.resolved()
                                         ? tg.propagation_default_route_table.index
                                         : created;
    }
    std::vector<std::vector<Index>> propagating(n_.transit_gateway_route_tables.size());
    for (Index a = 0; a < n_.transit_gateway_attachments.size(); ++a) {
      auto& att = n_.transit_gateway_attachments[a];
      if (!att.transit_gateway.resolved()) {
        if (att.transit_gateway.empty()) error(att, att.at, "an attachment needs a `transit_gateway`");
        continue;
      }
      const auto& tgw = n_.transit_gateways[att.transit_gateway.index];
      att.associated_table = att.association.resolved() ? att.association.index
                                                        : tgw.default_association_table;
      if (att.associated_table != kNone &&
          n_.transit_gateway_route_tables[att.associated_table].transit_gateway.index !=
              att.transit_gateway.index) {
        error(att, att.association.at, "route table " + att.association.text +
                                           " belongs to another transit gateway");
      }
      std::set<Index> tables;
      for (const auto& p : att.propagations) {
        if (p.resolved()) tables.insert(p.index);
      }
      if (tgw.default_propagation_table != kNone && att.propagations.empty()) {
        tables.insert(tgw.default_propagation_table);
      }
      for (Index t : tables) propagating[t].push_back(a);
      if (att.type == AttachmentType::kVpc) {
        if (!att.vpc.resolved()) {
          if (att.vpc.empty()) error(att, att.at, "a VPC attachment needs a `vpc`");
          continue;
        }
        std::set<std::string> azs;
        for (const auto& s : att.subnets) {
          if (!s.resolved()) continue;
          const auto& sub = n_.subnets[s.index];
          if (sub.vpc.index != att.vpc.index) {
            error(att, s.at, "subnet " + sub.id + " is not in the attached VPC");
          }
          if (!azs.insert(sub.availability_zone).second) {
            error(att, s.at, "two attachment subnets in availability zone " + sub.availability_zone,
                  "a transit gateway attachment takes one subnet per availability zone");
          }
        }
        if (att.subnets.empty()) {
          error(att, att.at, "a VPC attachment needs at least one subnet");
        }
      }
    }
    for (Index t = 0; t < n_.transit_gateway_route_tables.size(); ++t) {
      auto& rt = n_.transit_gateway_route_tables[t];
      rt.effective.clear();
      std::set<Prefix> statics;
      for (const auto& r : rt.routes) {
        if (!statics.insert(r.destination).second) {
          error(rt, r.at, "duplicate static route to " + r.destination.str());
        }
        if (!r.blackhole && r.attachment.empty()) {
          error(rt, r.at, "a static route needs an `attachment` or `blackhole: true`");
        }
        rt.effective.push_back(r);
      }
      for (Index a : propagating[t]) {
        const auto& att = n_.transit_gateway_attachments[a];
        for (const auto& p : propagated_prefixes(att)) {
          // A static route hides an identical propagated one.
          if (statics.contains(p)) continue;
          TransitGatewayRoute r;
          r.destination = p;
          r.attachment = {att.id, att.at, a};
          r.propagated = true;
          r.at = att.at;
          rt.effective.push_back(r);
        }
      }
      rt.lookup = PrefixTrie<std::uint32_t>();
      for (std::uint32_t i = 0; i < rt.effective.size(); ++i) {
        rt.lookup.insert(rt.effective[i].destination, i);
      }
    }
  }

  std::vector<Prefix> propagated_prefixes(const TransitGatewayAttachment& att) {
    std::vector<Prefix> out;
    auto onprem_behind = [&](auto matches) {
      for (const auto& o : n_.on_premises_networks) {
        if (!o.implied && matches(o)) out.insert(out.end(), o.cidrs.begin(), o.cidrs.end());
      }
    };
    switch (att.type) {
      case AttachmentType::kVpc:
        if (att.vpc.resolved()) {
          const auto& v = n_.vpcs[att.vpc.index];
          out = v.cidr_blocks;
          out.insert(out.end(), v.ipv6_cidr_blocks.begin(), v.ipv6_cidr_blocks.end());
        }
        break;
      case AttachmentType::kVpn:
        if (att.vpn_connection.resolved()) {
          // A VPN that is down has withdrawn its BGP routes. Static routes of a VPN on a
          // transit gateway are static routes of its route tables, not propagations.
          const auto& vpn = n_.vpn_connections[att.vpn_connection.index];
          if (vpn.state == "available" && !vpn.static_routes_only) {
            onprem_behind([&](const OnPremisesNetwork& o) {
              return std::any_of(o.vpn_connections.begin(), o.vpn_connections.end(),
                                 [&](const Ref& r) { return r.index == att.vpn_connection.index; });
            });
          }
        }
        break;
      case AttachmentType::kDirectConnectGateway:
        if (att.direct_connect_gateway.resolved()) {
          onprem_behind([&](const OnPremisesNetwork& o) {
            return std::any_of(o.direct_connect_gateways.begin(), o.direct_connect_gateways.end(),
                               [&](const Ref& r) { return r.index == att.direct_connect_gateway.index; });
          });
        }
        break;
      case AttachmentType::kPeering:
      case AttachmentType::kConnect: break;  // peering routes are static only
    }
    return out;
  }

  // security-group-rules.html: a rule may reference a group of its own VPC or of a peered VPC in
  // the same Region. AWS rejects anything else; such a rule can never match.
  void check_security_group_references() {
    auto peered_same_region = [&](Index a, Index b) {
      return std::any_of(n_.vpc_peering_connections.begin(), n_.vpc_peering_connections.end(),
                         [&](const VpcPeeringConnection& p) {
                           Index x = p.requester_vpc.index, y = p.accepter_vpc.index;
                           return x != kNone && y != kNone &&
                                  ((x == a && y == b) || (x == b && y == a)) &&
                                  n_.vpcs[x].region == n_.vpcs[y].region;
                         });
    };
    for (const auto& sg : n_.security_groups) {
      if (!sg.vpc.resolved()) continue;
      for (const auto* rules : {&sg.ingress, &sg.egress}) {
        for (const auto& rule : *rules) {
          if (!rule.security_group.resolved()) continue;
          Index other = n_.security_groups[rule.security_group.index].vpc.index;
          if (other == kNone || other == sg.vpc.index || peered_same_region(other, sg.vpc.index)) {
            continue;
          }
          warning(sg, rule.at,
                  "rule references " + rule.security_group.text + " of VPC " + n_.vpcs[other].id +
                      ", which is neither this VPC nor a same-Region peer; it never matches",
                  "reference the peer's CIDR instead");
        }
      }
    }
  }

  // Readers grow the resource lists by doubling; the network is immutable from here on.
  void release_spare_capacity() {
    for (auto& sg : n_.security_groups) {
      sg.ingress.shrink_to_fit();
      sg.egress.shrink_to_fit();
      sg.members.shrink_to_fit();
    }
    for (auto& acl : n_.network_acls) {
      acl.ingress.shrink_to_fit();
      acl.egress.shrink_to_fit();
    }
    for (auto& rt : n_.route_tables) rt.effective.shrink_to_fit();
    trim(n_.vpcs);
    trim(n_.subnets);
    trim(n_.route_tables);
    trim(n_.network_interfaces);
    trim(n_.instances);
    trim(n_.security_groups);
    trim(n_.network_acls);
    trim(n_.elastic_ips);
    trim(n_.nat_gateways);
  }

  // A resource list that readers sized close to its length (the AWS CLI reader estimates a
  // large answer's count) keeps its few spare slots: moving 100,000 resources to free 3% costs
  // more than it saves.
  template <typename T>
  static void trim(std::vector<T>& list) {
    if (list.capacity() - list.size() > list.capacity() / 32) list.shrink_to_fit();
  }

  // The lookup users and engines read: views of the final resources' ids, names and aliases.
  template <typename T>
  void add_ids(const std::vector<T>& list, Kind kind, std::vector<std::pair<std::string_view, ResourceKey>>& out) {
    for (Index i = 0; i < list.size(); ++i) {
      out.emplace_back(list[i].id, ResourceKey{kind, i});
      if (!list[i].name.empty() && list[i].name != list[i].id) out.emplace_back(list[i].name, ResourceKey{kind, i});
    }
  }

  void build_id_index() {
    std::vector<std::pair<std::string_view, ResourceKey>> all;
    add_ids(n_.vpcs, Kind::kVpc, all);
    add_ids(n_.subnets, Kind::kSubnet, all);
    add_ids(n_.route_tables, Kind::kRouteTable, all);
    add_ids(n_.internet_gateways, Kind::kInternetGateway, all);
    add_ids(n_.egress_only_internet_gateways, Kind::kEgressOnlyInternetGateway, all);
    add_ids(n_.nat_gateways, Kind::kNatGateway, all);
    add_ids(n_.elastic_ips, Kind::kElasticIp, all);
    add_ids(n_.network_interfaces, Kind::kNetworkInterface, all);
    add_ids(n_.instances, Kind::kInstance, all);
    add_ids(n_.security_groups, Kind::kSecurityGroup, all);
    add_ids(n_.network_acls, Kind::kNetworkAcl, all);
    add_ids(n_.prefix_lists, Kind::kPrefixList, all);
    add_ids(n_.vpc_peering_connections, Kind::kVpcPeeringConnection, all);
    add_ids(n_.transit_gateways, Kind::kTransitGateway, all);
    add_ids(n_.transit_gateway_route_tables, Kind::kTransitGatewayRouteTable, all);
    add_ids(n_.transit_gateway_attachments, Kind::kTransitGatewayAttachment, all);
    add_ids(n_.vpc_endpoints, Kind::kVpcEndpoint, all);
    add_ids(n_.vpn_gateways, Kind::kVpnGateway, all);
    add_ids(n_.customer_gateways, Kind::kCustomerGateway, all);
    add_ids(n_.vpn_connections, Kind::kVpnConnection, all);
    add_ids(n_.direct_connect_gateways, Kind::kDirectConnectGateway, all);
    add_ids(n_.on_premises_networks, Kind::kOnPremisesNetwork, all);
    add_ids(n_.load_balancers, Kind::kLoadBalancer, all);
    add_ids(n_.listeners, Kind::kListener, all);
    add_ids(n_.listener_rules, Kind::kListenerRule, all);
    add_ids(n_.target_groups, Kind::kTargetGroup, all);
    add_ids(n_.vpc_endpoint_services, Kind::kVpcEndpointService, all);
    add_ids(n_.auto_scaling_groups, Kind::kAutoScalingGroup, all);
    add_ids(n_.launch_templates, Kind::kLaunchTemplate, all);
    add_ids(n_.firewalls, Kind::kFirewall, all);
    add_ids(n_.firewall_policies, Kind::kFirewallPolicy, all);
    add_ids(n_.firewall_rule_groups, Kind::kFirewallRuleGroup, all);
    add_ids(n_.hosted_zones, Kind::kHostedZone, all);
    add_ids(n_.record_sets, Kind::kRecordSet, all);
    add_ids(n_.delegation_sets, Kind::kDelegationSet, all);
    add_ids(n_.health_checks, Kind::kHealthCheck, all);
    add_ids(n_.cidr_collections, Kind::kCidrCollection, all);
    add_ids(n_.distributions, Kind::kDistribution, all);
    add_ids(n_.cache_policies, Kind::kCachePolicy, all);
    add_ids(n_.origin_request_policies, Kind::kOriginRequestPolicy, all);
    add_ids(n_.response_headers_policies, Kind::kResponseHeadersPolicy, all);
    add_ids(n_.public_keys, Kind::kPublicKey, all);
    add_ids(n_.key_groups, Kind::kKeyGroup, all);
    add_ids(n_.direct_connect_connections, Kind::kDirectConnectConnection, all);
    add_ids(n_.direct_connect_lags, Kind::kDirectConnectLag, all);
    add_ids(n_.virtual_interfaces, Kind::kVirtualInterface, all);
    for (const auto& a : n_.aliases) {
      if (auto key = first_of_kind(a.id, a.kind)) all.emplace_back(a.alias, *key);
    }
    // An alias equal to the resource's own id or name adds nothing.
    std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
      return std::tie(x.first, x.second.kind, x.second.index) <
             std::tie(y.first, y.second.kind, y.second.index);
    });
    all.erase(std::unique(all.begin(), all.end(),
                          [](const auto& x, const auto& y) {
                            return x.first == y.first && x.second.kind == y.second.kind &&
                                   x.second.index == y.second.index;
                          }),
              all.end());
    ids_.clear();
    n_.by_id.build_sorted(std::move(all));
  }

  // ---- addresses ---------------------------------------------------------------------------
  void validate_addresses() {
    for (const auto& eni : n_.network_interfaces) {
      if (!eni.subnet.resolved()) {
        if (eni.subnet.empty()) error(eni, eni.at, "a network interface needs a `subnet`");
        continue;
      }
      const auto& s = n_.subnets[eni.subnet.index];
      auto check = [&](IpAddress a) {
        if (!s.contains(a)) {
          error(eni, eni.at, a.str() + " is outside subnet " + s.id + " (" +
                                 (a.is_v4() ? (s.cidr_block ? s.cidr_block->str() : "no IPv4")
                                            : (s.ipv6_cidr_block ? s.ipv6_cidr_block->str()
                                                                 : "no IPv6")) +
                                 ")");
        } else if (s.is_reserved(a)) {
          error(eni, eni.at, a.str() + " is reserved by AWS in subnet " + s.id,
                "AWS reserves the first four addresses and the last address of each subnet");
        }
      };
      for (const auto& a : eni.private_ips) check(a);
      for (const auto& a : eni.ipv6_addresses) check(a);
    }
    // Equal keys of the sorted index are adjacent: compare each holder with the earlier ones.
    n_.eni_by_private_ip.build(std::move(private_addresses_));
    const auto& index = n_.eni_by_private_ip;
    for (auto it = index.begin(); it != index.end();) {
      auto holders = index.equal_range(it->first);
      for (std::size_t a = 1; a < holders.size(); ++a) {
        for (std::size_t b = 0; b < a; ++b) {
          // Report on the one defined later, whatever order the index keeps.
          Index later = std::max(holders[a].second, holders[b].second);
          Index earlier = std::min(holders[a].second, holders[b].second);
          const auto& x = n_.network_interfaces[later];
          const auto& y = n_.network_interfaces[earlier];
          if (x.vpc == y.vpc && later != earlier) {
            error(x, x.at, "private IP " + it->first.str() + " is also used by " + y.id);
          }
        }
      }
      it += static_cast<std::ptrdiff_t>(holders.size());
    }
  }

  Network& n_;
  Diagnostics& d_;
  std::set<IpAddress> taken_;
  std::set<IpAddress> public_taken_;  // stand-in public addresses must not collide
  bool public_taken_loaded_ = false;
  std::uint32_t next_public_ = 0;   // the next stand-in public address to try
  // Ids, names and aliases while resolving; n_.by_id is built from the final lists at the end.
  IdTable ids_;
  std::vector<std::pair<IpAddress, Index>> private_addresses_;
};

}  // namespace

bool finalize(Network& network, Diagnostics& diagnostics) {
  return Finalizer(network, diagnostics).run();
}

}  // namespace cloudtwin::model
