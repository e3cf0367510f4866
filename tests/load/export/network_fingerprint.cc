#include "network_fingerprint.h"

#include <algorithm>

namespace cloudtwin::load::testing {
namespace {

using model::Index;
using model::Kind;
using model::kNone;

class Printer {
 public:
  explicit Printer(const model::Network& n) : n_(n) {}

  static std::string tunnels(const std::vector<model::VpnTunnel>& ts) {
    std::string out;
    for (const auto& t : ts) {
      out += "[" + (t.inside_cidr ? t.inside_cidr->str() : std::string("-")) + " psk=" + t.pre_shared_key +
             " outside=" + (t.outside_address ? t.outside_address->str() : std::string("-")) + "]";
    }
    return out;
  }
  template <class R>
  static std::string macsec(const R& r) {
    std::string out = "macsec=" + std::string(r.macsec_capable ? "yes" : "no") + " mode=" + r.encryption_mode + " keys=";
    for (const auto& k : r.macsec_keys) out += "[" + k.ckn + " " + k.cak + " " + k.secret_arn + " " + k.state + "]";
    return out;
  }

  std::map<std::string, std::string> run() {
    for (Index i = 0; i < n_.vpcs.size(); ++i) vpc(i);
    for (Index i = 0; i < n_.subnets.size(); ++i) subnet(i);
    for (Index i = 0; i < n_.route_tables.size(); ++i) route_table(i);
    for (const auto& g : n_.internet_gateways)
      add(Kind::kInternetGateway, g, ref(g.vpc, Kind::kVpc));
    for (const auto& g : n_.egress_only_internet_gateways) {
      add(Kind::kEgressOnlyInternetGateway, g, ref(g.vpc, Kind::kVpc));
    }
    for (const auto& g : n_.nat_gateways) {
      add(Kind::kNatGateway, g,
          "subnet=" + ref(g.subnet, Kind::kSubnet) + " private=" + yes(g.private_connectivity) +
              " ip=" + opt(g.private_ip) + " public=" + opt(g.public_ip) +
              " eip=" + ref(g.elastic_ip, Kind::kElasticIp) + " state=" + g.state +
              " vpc=" + id(Kind::kVpc, g.vpc));
    }
    for (const auto& e : n_.elastic_ips) {
      add(Kind::kElasticIp, e,
          e.public_ip.str() + " eni=" + ref(e.network_interface, Kind::kNetworkInterface) +
              " instance=" + ref(e.instance, Kind::kInstance) + " private=" + opt(e.private_ip));
    }
    for (const auto& e : n_.network_interfaces) eni(e);
    for (const auto& i : n_.instances) {
      add(Kind::kInstance, i,
          "state=" + i.state + " enis=" + ids(Kind::kNetworkInterface, i.network_interfaces) +
              " asg=" + id(Kind::kAutoScalingGroup, i.auto_scaling_group));
    }
    for (Index i = 0; i < n_.security_groups.size(); ++i) security_group(i);
    for (const auto& a : n_.network_acls) network_acl(a);
    for (const auto& p : n_.prefix_lists) {
      add(Kind::kPrefixList, p,
          "pl_name=" + p.prefix_list_name + " family=" +
              (p.address_family ? std::to_string(static_cast<int>(*p.address_family)) : "-") +
              " entries=" + prefixes(p.entries));
    }
    for (const auto& p : n_.vpc_peering_connections) {
      add(Kind::kVpcPeeringConnection, p,
          ref(p.requester_vpc, Kind::kVpc) + "<->" + ref(p.accepter_vpc, Kind::kVpc) +
              " status=" + p.status);
    }
    for (const auto& t : n_.transit_gateways) {
      add(Kind::kTransitGateway, t,
          t.account + "/" + t.region + " asn=" + std::to_string(t.amazon_side_asn) +
              " assoc=" + yes(t.default_route_table_association) +
              " prop=" + yes(t.default_route_table_propagation) + " assoc_rt=" +
              ref(t.association_default_route_table, Kind::kTransitGatewayRouteTable) +
              " prop_rt=" +
              ref(t.propagation_default_route_table, Kind::kTransitGatewayRouteTable) +
              " default_assoc=" + id(Kind::kTransitGatewayRouteTable, t.default_association_table) +
              " default_prop=" + id(Kind::kTransitGatewayRouteTable, t.default_propagation_table));
    }
    for (const auto& rt : n_.transit_gateway_route_tables) {
      std::string s = "tgw=" + ref(rt.transit_gateway, Kind::kTransitGateway) + " routes=";
      for (const auto& r : rt.routes) s += tgw_route(r);
      s += " effective=";
      for (const auto& r : rt.effective) s += tgw_route(r);
      add(Kind::kTransitGatewayRouteTable, rt, s);
    }
    for (const auto& a : n_.transit_gateway_attachments) {
      add(Kind::kTransitGatewayAttachment, a,
          "tgw=" + ref(a.transit_gateway, Kind::kTransitGateway) +
              " type=" + model::attachment_type_name(a.type) + " vpc=" + ref(a.vpc, Kind::kVpc) +
              " subnets=" + refs(a.subnets, Kind::kSubnet) +
              " vpn=" + ref(a.vpn_connection, Kind::kVpnConnection) +
              " dxgw=" + ref(a.direct_connect_gateway, Kind::kDirectConnectGateway) +
              " peer=" + ref(a.peer_attachment, Kind::kTransitGatewayAttachment) +
              " appliance=" + yes(a.appliance_mode_support) +
              " assoc=" + ref(a.association, Kind::kTransitGatewayRouteTable) + " props=" +
              refs(a.propagations, Kind::kTransitGatewayRouteTable) + " state=" + a.state +
              " associated=" + id(Kind::kTransitGatewayRouteTable, a.associated_table));
    }
    for (const auto& e : n_.vpc_endpoints) {
      add(Kind::kVpcEndpoint, e,
          "vpc=" + ref(e.vpc, Kind::kVpc) + " type=" + model::vpc_endpoint_type_name(e.type) +
              " service=" + e.service_name + " rts=" + refs(e.route_tables, Kind::kRouteTable) +
              " pl=" + ref(e.prefix_list, Kind::kPrefixList) +
              " subnets=" + refs(e.subnets, Kind::kSubnet) +
              " sgs=" + refs(e.security_groups, Kind::kSecurityGroup) +
              " enis=" + refs(e.network_interfaces, Kind::kNetworkInterface) + " state=" + e.state +
              " service_pl=" + id(Kind::kPrefixList, e.service_prefix_list) +
              " endpoint_service=" + id(Kind::kVpcEndpointService, e.endpoint_service) +
              " interfaces=" + ids(Kind::kNetworkInterface, e.enis));
    }
    for (const auto& g : n_.vpn_gateways) {
      add(Kind::kVpnGateway, g,
          "vpc=" + ref(g.vpc, Kind::kVpc) + " asn=" + std::to_string(g.amazon_side_asn));
    }
    for (const auto& g : n_.customer_gateways) {
      add(Kind::kCustomerGateway, g,
          "ip=" + opt(g.ip_address) + " asn=" + std::to_string(g.bgp_asn));
    }
    for (const auto& v : n_.vpn_connections) {
      add(Kind::kVpnConnection, v,
          "vgw=" + ref(v.vpn_gateway, Kind::kVpnGateway) +
              " tgw=" + ref(v.transit_gateway, Kind::kTransitGateway) +
              " cgw=" + ref(v.customer_gateway, Kind::kCustomerGateway) +
              " static_only=" + yes(v.static_routes_only) + " static=" + prefixes(v.static_routes) +
              " state=" + v.state + " tunnels=" + tunnels(v.tunnels));
    }
    for (const auto& g : n_.direct_connect_gateways) {
      std::string assoc;
      for (const auto& a : g.associations) {
        assoc += "[" + ref(a.gateway, a.gateway_kind) + " " + prefixes(a.allowed_prefixes) +
                 (a.implied ? " implied" : "") + "]";
      }
      add(Kind::kDirectConnectGateway, g,
          "asn=" + std::to_string(g.amazon_side_asn) + " vgws=" +
              refs(g.vpn_gateways, Kind::kVpnGateway) + " allowed=" + prefixes(g.allowed_prefixes) +
              " associations=" + assoc);
    }
    for (const auto& x : n_.direct_connect_connections) {
      add(Kind::kDirectConnectConnection, x,
          x.location + " " + x.bandwidth + " hosted=" + yes(x.hosted) + " vlan=" + std::to_string(x.vlan) +
              " lag=" + ref(x.lag, Kind::kDirectConnectLag) + " " + macsec(x) + " state=" + x.state);
    }
    for (const auto& lag : n_.direct_connect_lags) {
      add(Kind::kDirectConnectLag, lag,
          lag.location + " " + lag.bandwidth + " min=" + std::to_string(lag.minimum_links) +
              " members=" + refs(lag.connections, Kind::kDirectConnectConnection) + " " + macsec(lag) +
              " state=" + lag.state);
    }
    for (const auto& v : n_.virtual_interfaces) {
      add(Kind::kVirtualInterface, v,
          std::string(model::virtual_interface_type_name(v.type)) + " on=" + ref(v.connection, v.connection_kind) +
              " vlan=" + std::to_string(v.vlan) + " asn=" + std::to_string(v.customer_asn) + "/" +
              std::to_string(v.amazon_side_asn) + " af=" + v.address_family + " amazon=" + opt(v.amazon_address) +
              " customer=" + opt(v.customer_address) + "/" + std::to_string(v.peer_prefix_length) +
              " md5=" + v.auth_key + " mtu=" + std::to_string(v.mtu) + " vgw=" + ref(v.vpn_gateway, Kind::kVpnGateway) +
              " dxgw=" + ref(v.direct_connect_gateway, Kind::kDirectConnectGateway) +
              " filters=" + prefixes(v.route_filter_prefixes) + " state=" + v.state);
    }
    for (const auto& o : n_.on_premises_networks) {
      add(Kind::kOnPremisesNetwork, o,
          "cidrs=" + prefixes(o.cidrs) + " vpns=" + refs(o.vpn_connections, Kind::kVpnConnection) +
              " dxgws=" + refs(o.direct_connect_gateways, Kind::kDirectConnectGateway) +
              " ephemeral=" + o.ephemeral_ports.str());
    }
    for (const auto& lb : n_.load_balancers) load_balancer(lb);
    for (const auto& l : n_.listeners) listener(l);
    for (const auto& r : n_.listener_rules) {
      add(Kind::kListenerRule, r, "listener=" + ref(r.listener, Kind::kListener) + " " + rule(r));
    }
    for (const auto& tg : n_.target_groups) target_group(tg);
    for (const auto& lt : n_.launch_templates) {
      add(Kind::kLaunchTemplate, lt,
          "sgs=" + refs(lt.security_groups, Kind::kSecurityGroup) +
              " public=" + tri(lt.associate_public_ip));
    }
    for (const auto& g : n_.auto_scaling_groups) {
      add(Kind::kAutoScalingGroup, g,
          "subnets=" + refs(g.subnets, Kind::kSubnet) +
              " lt=" + ref(g.launch_template, Kind::kLaunchTemplate) +
              " tgs=" + refs(g.target_groups, Kind::kTargetGroup) +
              " lbs=" + refs(g.load_balancers, Kind::kLoadBalancer) +
              " instances=" + ids(Kind::kInstance, g.instances));
    }
    for (const auto& svc : n_.vpc_endpoint_services) {
      std::string principals;
      for (const auto& p : svc.allowed_principals) principals += p + ",";
      add(Kind::kVpcEndpointService, svc,
          "service=" + svc.service_name +
              " nlbs=" + refs(svc.network_load_balancers, Kind::kLoadBalancer) +
              " gwlbs=" + refs(svc.gateway_load_balancers, Kind::kLoadBalancer) +
              " acceptance=" + yes(svc.acceptance_required) + " principals=" + principals);
    }
    for (const auto& fw : n_.firewalls) {
      std::string eps;
      for (const auto& e : fw.endpoints)
        eps += e.endpoint_id + "@" + ref(e.subnet, Kind::kSubnet) + "/" + e.availability_zone + ",";
      add(Kind::kFirewall, fw,
          "vpc=" + ref(fw.vpc, Kind::kVpc) + " policy=" + ref(fw.policy, Kind::kFirewallPolicy) +
              " subnets=" + refs(fw.subnets, Kind::kSubnet) + " endpoints=" + eps);
    }
    auto vars = [](const std::vector<model::RuleVariable>& vs) {
      std::string out;
      for (const auto& v : vs) {
        out += v.name + "=";
        for (const auto& x : v.values) out += x + "|";
        out += ";";
      }
      return out;
    };
    for (const auto& p : n_.firewall_policies) {
      std::string text = "stateless_default=";
      for (auto a : p.stateless_default_actions) text += model::firewall_action_name(a) + std::string(",");
      text += " fragment_default=";
      for (auto a : p.stateless_fragment_default_actions) text += model::firewall_action_name(a) + std::string(",");
      text += " stateless=";
      for (const auto& g : p.stateless_rule_groups)
        text += ref(g.rule_group, Kind::kFirewallRuleGroup) + ":" + std::to_string(g.priority) + ",";
      text += " stateful=";
      for (const auto& g : p.stateful_rule_groups)
        text += ref(g.rule_group, Kind::kFirewallRuleGroup) + ":" + std::to_string(g.priority) + ",";
      text += " stateful_default=";
      for (const auto& a : p.stateful_default_actions) text += a + ",";
      text += " strict=" + yes(p.strict_order) + " vars=" + vars(p.variables);
      add(Kind::kFirewallPolicy, p, text);
    }
    for (const auto& g : n_.firewall_rule_groups) {
      std::string text = "stateful=" + yes(g.stateful) + " strict=" + yes(g.strict_order) +
                         " ip_sets=" + vars(g.ip_sets) + " port_sets=" + vars(g.port_sets);
      for (const auto& r : g.stateless_rules) {
        text += " [" + std::to_string(r.priority) + " " + model::firewall_action_name(r.action);
        for (const auto& x : r.sources) text += " s" + x.str();
        for (const auto& x : r.destinations) text += " d" + x.str();
        for (const auto& x : r.source_ports) text += " sp" + std::to_string(x.from) + "-" + std::to_string(x.to);
        for (const auto& x : r.destination_ports) text += " dp" + std::to_string(x.from) + "-" + std::to_string(x.to);
        for (int x : r.protocols) text += " p" + std::to_string(x);
        text += " flags=" + yes(r.tcp_flags) + "]";
      }
      for (const auto& r : g.stateful_rules) {
        text += std::string(" [") + model::firewall_action_name(r.action) + " " + r.protocol + " " +
                r.source + " " + r.source_port + (r.bidirectional ? " <> " : " -> ") +
                r.destination + " " + r.destination_port + " sid=" + r.sid + " opts=" + r.options + "]";
      }
      if (g.domain_list) {
        text += " domains=" + g.domain_list->generated_rules_type + ":";
        for (const auto& t : g.domain_list->targets) text += t + ",";
        for (const auto& t : g.domain_list->target_types) text += t + ",";
      }
      add(Kind::kFirewallRuleGroup, g, text);
    }
    for (const auto& d : n_.delegation_sets) {
      std::string servers;
      for (const auto& s : d.name_servers) servers += s + ",";
      add(Kind::kDelegationSet, d, "servers=" + servers);
    }
    for (const auto& z : n_.hosted_zones) {
      std::string vpcs;
      for (const auto& v : z.vpcs) vpcs += ref(v.vpc, Kind::kVpc) + "@" + v.region + ",";
      add(Kind::kHostedZone, z,
          "domain=" + z.domain + " comment=" + z.comment + " private=" + yes(z.private_zone) +
              " vpcs=" + vpcs + " ds=" + ref(z.delegation_set, Kind::kDelegationSet) +
              " records=" + ids(Kind::kRecordSet, z.record_sets));
    }
    for (const auto& r : n_.record_sets) {
      std::string text = "zone=" + id(Kind::kHostedZone, r.hosted_zone.index) + " name=" + r.record_name +
                         " fqdn=" + r.fqdn + " type=" + r.type + " ttl=" + num(r.ttl) + " values=";
      for (const auto& v : r.values) text += v + "|";
      if (r.alias) {
        text += " alias=" + r.alias->dns_name + "@" + r.alias->hosted_zone_id + "/" +
                yes(r.alias->evaluate_target_health) + " lb=" + id(Kind::kLoadBalancer, r.alias->load_balancer);
      }
      text += " set=" + r.set_identifier + " weight=" + num(r.weight) + " region=" + r.region;
      if (r.geo_location) {
        text += " geo=" + r.geo_location->continent_code + "/" + r.geo_location->country_code + "/" +
                r.geo_location->subdivision_code;
      }
      if (r.geo_proximity) {
        const auto& g = *r.geo_proximity;
        text += " prox=" + g.aws_region + "/" + g.local_zone_group + "/" +
                (g.latitude ? std::to_string(*g.latitude) : "-") + "/" +
                (g.longitude ? std::to_string(*g.longitude) : "-") + "/" + std::to_string(g.bias);
      }
      text += " failover=" + r.failover + " multivalue=" + yes(r.multivalue_answer);
      if (r.cidr_routing) text += " cidr=" + r.cidr_routing->collection_id + "/" + r.cidr_routing->location_name;
      text += " hc=" + r.health_check_id + " implicit=" + yes(r.implicit) +
              " policy=" + model::routing_policy_name(r.policy) +
              " alias_rs=" + id(Kind::kRecordSet, r.alias_record_set);
      add(Kind::kRecordSet, r, text);
    }
    cloudfront();
    return std::move(out_);
  }

 private:
  static std::string keys(const model::KeyItems& k) {
    std::string s = k.behavior + ":";
    for (const auto& i : k.items) s += i + ",";
    return s;
  }
  static std::string headers(const std::vector<model::HeaderValue>& hs) {
    std::string s;
    for (const auto& h : hs) s += h.name + "=" + h.value + (h.override_origin ? "!" : "") + ",";
    return s;
  }
  static std::string words(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& w : v) s += w + ",";
    return s;
  }
  std::string behavior(const model::CacheBehavior& b) const {
    std::string s = "[" + b.path_pattern + " -> " + b.target_origin_id + (b.target_is_group ? " group" : "") +
                    " allowed=" + std::to_string(b.allowed_methods) +
                    " cached=" + std::to_string(b.cached_methods) + " vpp=" + b.viewer_protocol_policy +
                    " compress=" + yes(b.compress) + " cp=" + b.cache_policy.text +
                    " orp=" + b.origin_request_policy.text + " rhp=" + b.response_headers_policy.text +
                    " signers=" + words(b.trusted_signers) + " groups=";
    for (const auto& g : b.trusted_key_groups) s += g.text + ",";
    s += " legacy=" + yes(b.legacy);
    if (b.legacy) {
      s += " ttl=" + std::to_string(b.min_ttl) + "/" + std::to_string(b.default_ttl) + "/" +
           std::to_string(b.max_ttl) + " h=" + keys(b.legacy_headers) + " c=" + keys(b.legacy_cookies) +
           " q=" + keys(b.legacy_query_strings);
    }
    return s + " fn=" + words(b.function_associations) + "]";
  }
  void cloudfront() {
    for (const auto& p : n_.cache_policies) {
      add(Kind::kCachePolicy, p,
          "ttl=" + std::to_string(p.min_ttl) + "/" + std::to_string(p.default_ttl) + "/" +
              std::to_string(p.max_ttl) + " h=" + keys(p.headers) + " c=" + keys(p.cookies) +
              " q=" + keys(p.query_strings) + " gz=" + yes(p.gzip) + " br=" + yes(p.brotli) +
              " managed=" + yes(p.managed) + " comment=" + p.comment);
    }
    for (const auto& p : n_.origin_request_policies) {
      add(Kind::kOriginRequestPolicy, p,
          "h=" + keys(p.headers) + " c=" + keys(p.cookies) + " q=" + keys(p.query_strings) +
              " managed=" + yes(p.managed));
    }
    for (const auto& p : n_.response_headers_policies) {
      add(Kind::kResponseHeadersPolicy, p,
          "custom=" + headers(p.custom_headers) + " remove=" + words(p.remove_headers) +
              " timing=" + yes(p.server_timing) + "/" + std::to_string(p.server_timing_sampling) +
              " security=" + headers(p.security_headers) + " cors=" + yes(p.cors) + ":" +
              words(p.cors_allow_origins) + words(p.cors_allow_methods) + words(p.cors_allow_headers) +
              words(p.cors_expose_headers) + yes(p.cors_allow_credentials) + num(p.cors_max_age) +
              yes(p.cors_override_origin) + " managed=" + yes(p.managed));
    }
    for (const auto& k : n_.public_keys) add(Kind::kPublicKey, k, "key=" + k.encoded_key);
    for (const auto& g : n_.key_groups) {
      std::string s = "keys=";
      for (const auto& k : g.keys) s += k.text + ",";
      add(Kind::kKeyGroup, g, s);
    }
    for (const auto& d : n_.distributions) {
      std::string s = "enabled=" + yes(d.enabled) + " domain=" + d.domain_name + " aliases=" +
                      words(d.aliases) + " root=" + d.default_root_object + " http=" + d.http_version +
                      " price=" + d.price_class + " ipv6=" + yes(d.ipv6) + " comment=" + d.comment;
      for (const auto& o : d.origins) {
        s += " origin[" + o.id + " " + o.domain_name + o.path + " s3=" + yes(o.s3) + " ports=" +
             std::to_string(o.http_port) + "/" + std::to_string(o.https_port) + " " +
             o.protocol_policy + " t=" + std::to_string(o.read_timeout) + "/" +
             std::to_string(o.keepalive_timeout) + "/" + std::to_string(o.connection_attempts) + "/" +
             std::to_string(o.connection_timeout) + " h=" + headers(o.custom_headers) +
             " shield=" + yes(o.origin_shield) + o.origin_shield_region + "]";
      }
      for (const auto& g : d.origin_groups) {
        s += " group[" + g.id + " members=" + words(g.members) + " codes=";
        for (auto c : g.failover_status_codes) s += std::to_string(c) + ",";
        s += "]";
      }
      s += " default=" + behavior(d.default_behavior);
      for (const auto& b : d.behaviors) s += " " + behavior(b);
      for (const auto& e : d.custom_error_responses) {
        s += " error[" + std::to_string(e.error_code) + " " + num(e.response_code) + " " +
             e.response_page_path + " " + num(e.error_caching_min_ttl) + "]";
      }
      s += " logging=" + yes(d.logging) + d.logging_bucket + "/" + d.logging_prefix + yes(d.logging_cookies);
      add(Kind::kDistribution, d, s);
    }
  }

  void add(Kind kind, const model::Resource& r, std::string fields) {
    out_[std::string(model::kind_name(kind)) + " " + r.id] = "name=" + r.name + " " + fields;
  }

  static std::string yes(bool b) { return b ? "y" : "n"; }
  template <class T>
  static std::string opt(const std::optional<T>& v) {
    return v ? v->str() : "-";
  }
  static std::string tri(const std::optional<bool>& b) { return b ? yes(*b) : "-"; }
  template <class T>
  static std::string num(const std::optional<T>& v) {
    return v ? std::to_string(*v) : "-";
  }
  static std::string prefixes(const std::vector<Prefix>& ps) {
    std::string s = "[";
    for (const auto& p : ps) s += p.str() + ",";
    return s + "]";
  }
  static std::string addresses(const std::vector<IpAddress>& as) {
    std::string s = "[";
    for (const auto& a : as) s += a.str() + ",";
    return s + "]";
  }

  std::string id(Kind kind, Index i) const {
    if (i == kNone) return "-";
    if (i >= n_.count(kind)) return "?" + std::to_string(i);
    return n_.resource({kind, i}).id;
  }
  std::string ids(Kind kind, const std::vector<Index>& is) const {
    std::string s = "[";
    for (Index i : is) s += id(kind, i) + ",";
    return s + "]";
  }
  std::string ref(const model::Ref& r, Kind kind) const {
    if (r.resolved()) return id(kind, r.index);
    return r.empty() ? "-" : "unresolved:" + r.text;
  }
  std::string refs(const std::vector<model::Ref>& rs, Kind kind) const {
    std::string s = "[";
    for (const auto& r : rs) s += ref(r, kind) + ",";
    return s + "]";
  }

  // Which kind a reference to an internet or virtual private gateway resolved to: the one whose
  // id, name or alias is the text.
  std::string gateway_ref(const model::Ref& r) const {
    if (!r.resolved()) return ref(r, Kind::kInternetGateway);
    auto names = [&](Kind kind) {
      if (r.index >= n_.count(kind)) return false;
      const auto& res = n_.resource({kind, r.index});
      return res.id == r.text || res.name == r.text ||
             std::any_of(n_.aliases.begin(), n_.aliases.end(), [&](const model::Alias& a) {
               return a.kind == kind && a.alias == r.text && a.id == res.id;
             });
    };
    if (names(Kind::kInternetGateway)) return id(Kind::kInternetGateway, r.index);
    if (names(Kind::kVpnGateway)) return id(Kind::kVpnGateway, r.index);
    return "unknown:" + r.text;
  }

  static Kind target_kind(model::TargetKind t) {
    using model::TargetKind;
    switch (t) {
      case TargetKind::kInternetGateway:
        return Kind::kInternetGateway;
      case TargetKind::kEgressOnlyInternetGateway:
        return Kind::kEgressOnlyInternetGateway;
      case TargetKind::kNatGateway:
        return Kind::kNatGateway;
      case TargetKind::kTransitGateway:
        return Kind::kTransitGateway;
      case TargetKind::kVpcPeeringConnection:
        return Kind::kVpcPeeringConnection;
      case TargetKind::kNetworkInterface:
        return Kind::kNetworkInterface;
      case TargetKind::kInstance:
        return Kind::kInstance;
      case TargetKind::kVpcEndpoint:
        return Kind::kVpcEndpoint;
      case TargetKind::kVpnGateway:
        return Kind::kVpnGateway;
      case TargetKind::kLocal:
      case TargetKind::kUnsupported:
        break;
    }
    return Kind::kVpc;
  }

  std::string route(const model::Route& r) const {
    std::string s = "{" + opt(r.destination) +
                    " pl=" + ref(r.destination_prefix_list, Kind::kPrefixList) + " " +
                    model::target_kind_field(r.target_kind) + "=";
    if (r.target_kind == model::TargetKind::kUnsupported) {
      // Such a route leads nowhere; the writer names a target a reader did not know `unknown`.
      s += r.target.text.empty() ? "unknown" : r.target.text;
    } else if (r.target_kind != model::TargetKind::kLocal) {
      s += ref(r.target, target_kind(r.target_kind));
    }
    return s + (r.blackhole ? " blackhole" : "") + " " + model::route_origin_name(r.origin) +
           (r.implicit ? " implicit" : "") + "}";
  }

  std::string tgw_route(const model::TransitGatewayRoute& r) const {
    return "{" + r.destination.str() + " " + ref(r.attachment, Kind::kTransitGatewayAttachment) +
           (r.blackhole ? " blackhole" : "") + (r.propagated ? " propagated" : "") + "}";
  }

  void vpc(Index i) {
    const auto& v = n_.vpcs[i];
    add(Kind::kVpc, v,
        v.account + "/" + v.region + " cidrs=" + prefixes(v.cidr_blocks) +
            " ipv6=" + prefixes(v.ipv6_cidr_blocks) + " dns=" + yes(v.enable_dns_support) +
            " main=" + id(Kind::kRouteTable, v.main_route_table) +
            " sg=" + id(Kind::kSecurityGroup, v.default_security_group) +
            " acl=" + id(Kind::kNetworkAcl, v.default_network_acl) +
            " igw=" + id(Kind::kInternetGateway, v.internet_gateway) +
            " eigw=" + id(Kind::kEgressOnlyInternetGateway, v.egress_only_internet_gateway) +
            " vgw=" + id(Kind::kVpnGateway, v.vpn_gateway) +
            " subnets=" + ids(Kind::kSubnet, v.subnets));
  }

  void subnet(Index i) {
    const auto& s = n_.subnets[i];
    add(Kind::kSubnet, s,
        "vpc=" + ref(s.vpc, Kind::kVpc) + " az=" + s.availability_zone +
            " cidr=" + opt(s.cidr_block) + " ipv6=" + opt(s.ipv6_cidr_block) +
            " rt=" + ref(s.route_table, Kind::kRouteTable) +
            " acl=" + ref(s.network_acl, Kind::kNetworkAcl) +
            " effective_rt=" + id(Kind::kRouteTable, s.effective_route_table) +
            " effective_acl=" + id(Kind::kNetworkAcl, s.effective_network_acl));
  }

  void route_table(Index i) {
    const auto& rt = n_.route_tables[i];
    std::string s = "vpc=" + ref(rt.vpc, Kind::kVpc) + " main=" + yes(rt.main) +
                    " subnets=" + refs(rt.subnets, Kind::kSubnet) + " gateways=[";
    for (const auto& g : rt.gateways) s += gateway_ref(g) + ",";
    s += "] vgws=" + refs(rt.propagating_vgws, Kind::kVpnGateway) + " routes=";
    for (const auto& r : rt.routes) s += route(r);
    s += " effective=";
    for (const auto& r : rt.effective) s += route(r);
    add(Kind::kRouteTable, rt, s);
  }

  void eni(const model::NetworkInterface& e) {
    std::string pub;
    for (const auto& [a, b] : e.public_ips) pub += a.str() + "->" + b.str() + ",";
    add(Kind::kNetworkInterface, e,
        "subnet=" + ref(e.subnet, Kind::kSubnet) + " ips=" + addresses(e.private_ips) +
            " ipv6=" + addresses(e.ipv6_addresses) + " public=" + opt(e.public_ip) +
            " sgs=" + refs(e.security_groups, Kind::kSecurityGroup) +
            " sdc=" + yes(e.source_dest_check) + " instance=" + ref(e.instance, Kind::kInstance) +
            " type=" + e.interface_type + " status=" + e.status +
            " ephemeral=" + e.ephemeral_ports.str() + " vpc=" + id(Kind::kVpc, e.vpc) +
            " public_ips=" + pub + " lb=" + id(Kind::kLoadBalancer, e.load_balancer) +
            " vpce=" + id(Kind::kVpcEndpoint, e.vpc_endpoint));
  }

  void load_balancer(const model::LoadBalancer& lb) {
    std::string s = std::string("type=") + model::load_balancer_type_name(lb.type) +
                    " internet_facing=" + yes(lb.internet_facing) + " nodes=[";
    for (const auto& node : lb.nodes) {
      s += "{subnet=" + ref(node.subnet, Kind::kSubnet) + " ip=" + opt(node.private_ip) +
           " eip=" + ref(node.elastic_ip, Kind::kElasticIp) + " public=" + opt(node.public_ip) +
           " ipv6=" + opt(node.ipv6_address) +
           " eni_ref=" + ref(node.network_interface, Kind::kNetworkInterface) +
           " eni=" + id(Kind::kNetworkInterface, node.eni) + "}";
    }
    s += "] sgs=" + refs(lb.security_groups, Kind::kSecurityGroup) +
         " cross_zone=" + tri(lb.cross_zone) + " dualstack=" + yes(lb.dualstack) +
         " enforce_sgs_on_privatelink=" + yes(lb.enforce_security_groups_on_private_link) +
         " state=" + lb.state + " dns=" + lb.dns_name +
         " instances=" + refs(lb.instances, Kind::kInstance) + " vpc=" + id(Kind::kVpc, lb.vpc) +
         " listeners=" + ids(Kind::kListener, lb.listeners);
    add(Kind::kLoadBalancer, lb, s);
  }

  // A listener rule or a listener's default rule, without its listener.
  std::string rule(const model::ListenerRule& r) const {
    std::string s = "{id=" + r.id + " name=" + r.name + " priority=" + std::to_string(r.priority) +
                    " action=" + model::listener_action_name(r.action) + " tgs=[";
    for (const auto& w : r.target_groups) {
      s += ref(w.target_group, Kind::kTargetGroup) + "*" + std::to_string(w.weight) + ",";
    }
    return s + "] source_ips=" + prefixes(r.source_ips) + " other=" + yes(r.other_conditions) + "}";
  }

  void listener(const model::Listener& l) {
    add(Kind::kListener, l,
        "lb=" + ref(l.load_balancer, Kind::kLoadBalancer) +
            " protocol=" + model::lb_protocol_name(l.protocol) + " port=" + std::to_string(l.port) +
            " default=" + rule(l.default_rule) +
            " instance_protocol=" + model::lb_protocol_name(l.instance_protocol) +
            " instance_port=" + std::to_string(l.instance_port) +
            " rules=" + ids(Kind::kListenerRule, l.rules));
  }

  void target_group(const model::TargetGroup& tg) {
    std::string s = std::string("type=") + model::target_type_name(tg.target_type) +
                    " protocol=" + model::lb_protocol_name(tg.protocol) +
                    " port=" + std::to_string(tg.port) + " vpc=" + ref(tg.vpc, Kind::kVpc) +
                    " targets=[";
    for (const auto& t : tg.targets) {
      s += "{instance=" + ref(t.instance, Kind::kInstance) + " ip=" + opt(t.ip) +
           " lb=" + ref(t.load_balancer, Kind::kLoadBalancer) + " port=" + num(t.port) +
           " az=" + t.availability_zone + " health=" + t.health +
           " eni=" + id(Kind::kNetworkInterface, t.eni) + "}";
    }
    s += "] preserve_client_ip=" + tri(tg.preserve_client_ip) +
         " cross_zone=" + tri(tg.cross_zone) + " hc_port=" + num(tg.health_check_port) +
         " ipv6=" + yes(tg.ipv6) + " lbs=" + ids(Kind::kLoadBalancer, tg.load_balancers);
    add(Kind::kTargetGroup, tg, s);
  }

  std::string rule(const model::SecurityGroupRule& r) const {
    std::string s = "{" + r.protocol.str();
    if (r.protocol.has_ports()) s += " ports=" + r.ports.str();
    if (r.protocol.is_icmp()) {
      s += " icmp=" + std::to_string(r.icmp_type) + "/" + std::to_string(r.icmp_code);
    }
    return s + " cidr=" + opt(r.cidr) + " pl=" + ref(r.prefix_list, Kind::kPrefixList) +
           " sg=" + ref(r.security_group, Kind::kSecurityGroup) + " desc=" + r.description +
           (r.implicit ? " implicit" : "") + "}";
  }

  void security_group(Index i) {
    const auto& g = n_.security_groups[i];
    // A group whose name a reader did not know is read back named after its name or id.
    const std::string group_name =
        g.group_name.empty() ? (g.name.empty() ? g.id : g.name) : g.group_name;
    std::string s = "vpc=" + ref(g.vpc, Kind::kVpc) + " group_name=" + group_name +
                    " default=" + yes(g.is_default) + " ingress=";
    for (const auto& r : g.ingress) s += rule(r);
    s += " egress=";
    for (const auto& r : g.egress) s += rule(r);
    s += " members=" + ids(Kind::kNetworkInterface, g.members);
    add(Kind::kSecurityGroup, g, s);
  }

  static std::string entry(const model::NetworkAclEntry& e) {
    std::string s = "{" + std::to_string(e.rule_number) + " " + e.protocol.str();
    if (e.protocol.has_ports()) s += " ports=" + e.ports.str();
    if (e.protocol.is_icmp()) {
      s += " icmp=" + std::to_string(e.icmp_type) + "/" + std::to_string(e.icmp_code);
    }
    return s + " " + e.cidr.str() + (e.allow ? " allow" : " deny") +
           (e.implicit ? " implicit" : "") + "}";
  }

  void network_acl(const model::NetworkAcl& a) {
    std::string s = "vpc=" + ref(a.vpc, Kind::kVpc) + " default=" + yes(a.is_default) +
                    " subnets=" + refs(a.subnets, Kind::kSubnet) + " ingress=";
    for (const auto& e : a.ingress) s += entry(e);
    s += " egress=";
    for (const auto& e : a.egress) s += entry(e);
    add(Kind::kNetworkAcl, a, s);
  }

  const model::Network& n_;
  std::map<std::string, std::string> out_;
};

}  // namespace

std::map<std::string, std::string> fingerprint(const model::Network& network) {
  return Printer(network).run();
}

std::vector<std::string> differences(const model::Network& a, const model::Network& b) {
  const auto fa = fingerprint(a);
  const auto fb = fingerprint(b);
  std::vector<std::string> out;
  for (const auto& [key, value] : fa) {
    auto it = fb.find(key);
    if (it == fb.end()) {
      out.push_back("lost " + key + ": " + value);
    } else if (it->second != value) {
      out.push_back("changed " + key + ":\n    before: " + value + "\n    after:  " + it->second);
    }
  }
  for (const auto& [key, value] : fb) {
    if (!fa.contains(key)) out.push_back("gained " + key + ": " + value);
  }
  return out;
}

}  // namespace cloudtwin::load::testing
