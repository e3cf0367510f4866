// The mapping loop (resource types in dependency order, unmodelled types reported) and typed,
// located access to evaluated properties.
#include "cloudformation_mapper.h"

#include <algorithm>

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;

struct Handler {
  std::string_view type;
  int level;  // resources a level refers to are mapped at lower levels
  bool (Mapper::*map)(const ResourceDecl&);
};

constexpr Handler kHandlers[] = {
    {"AWS::EC2::VPC", 0, &Mapper::vpc},
    {"AWS::EC2::InternetGateway", 0, &Mapper::internet_gateway},
    {"AWS::EC2::CustomerGateway", 0, &Mapper::customer_gateway},
    {"AWS::EC2::TransitGateway", 0, &Mapper::transit_gateway},
    {"AWS::EC2::PrefixList", 0, &Mapper::prefix_list},
    {"AWS::EC2::VPNGateway", 0, &Mapper::vpn_gateway},
    {"AWS::EC2::EIP", 0, &Mapper::eip},
    {"AWS::EC2::VPCCidrBlock", 1, &Mapper::vpc_cidr_block},
    {"AWS::EC2::Subnet", 1, &Mapper::subnet},
    {"AWS::EC2::RouteTable", 1, &Mapper::route_table},
    {"AWS::EC2::SecurityGroup", 1, &Mapper::security_group},
    {"AWS::EC2::NetworkAcl", 1, &Mapper::network_acl},
    {"AWS::EC2::EgressOnlyInternetGateway", 1, &Mapper::egress_only_internet_gateway},
    {"AWS::EC2::VPCGatewayAttachment", 1, &Mapper::vpc_gateway_attachment},
    {"AWS::EC2::TransitGatewayRouteTable", 1, &Mapper::transit_gateway_route_table},
    {"AWS::EC2::VPCPeeringConnection", 1, &Mapper::vpc_peering_connection},
    {"AWS::EC2::VPNConnection", 1, &Mapper::vpn_connection},
    {"AWS::EC2::SubnetCidrBlock", 2, &Mapper::subnet_cidr_block},
    {"AWS::EC2::NatGateway", 2, &Mapper::nat_gateway},
    {"AWS::EC2::NetworkInterface", 2, &Mapper::network_interface},
    {"AWS::EC2::VPCEndpoint", 2, &Mapper::vpc_endpoint},
    {"AWS::EC2::TransitGatewayAttachment", 2, &Mapper::transit_gateway_attachment},
    {"AWS::EC2::TransitGatewayVpcAttachment", 2, &Mapper::transit_gateway_attachment},
    {"AWS::EC2::SecurityGroup", 2, &Mapper::security_group_rules},
    {"AWS::EC2::SecurityGroupIngress", 2, &Mapper::security_group_rule},
    {"AWS::EC2::SecurityGroupEgress", 2, &Mapper::security_group_rule},
    {"AWS::EC2::NetworkAclEntry", 2, &Mapper::network_acl_entry},
    {"AWS::EC2::SubnetRouteTableAssociation", 2, &Mapper::subnet_route_table_association},
    {"AWS::EC2::SubnetNetworkAclAssociation", 2, &Mapper::subnet_network_acl_association},
    {"AWS::EC2::GatewayRouteTableAssociation", 2, &Mapper::gateway_route_table_association},
    {"AWS::EC2::VPNConnectionRoute", 2, &Mapper::vpn_connection_route},
    {"AWS::EC2::VPNGatewayRoutePropagation", 2, &Mapper::vpn_gateway_route_propagation},
    {"AWS::EC2::Instance", 3, &Mapper::instance},
    {"AWS::EC2::TransitGatewayRoute", 3, &Mapper::transit_gateway_route},
    {"AWS::EC2::TransitGatewayRouteTableAssociation", 3, &Mapper::transit_gateway_association},
    {"AWS::EC2::TransitGatewayRouteTablePropagation", 3, &Mapper::transit_gateway_propagation},
    {"AWS::EC2::Route", 4, &Mapper::route},
    {"AWS::EC2::EIPAssociation", 4, &Mapper::eip_association},
    {"AWS::EC2::NetworkInterfaceAttachment", 4, &Mapper::network_interface_attachment},
    {"AWS::EC2::EIP", 4, &Mapper::eip_instance},
    // Direct Connect: connections name LAGs; associations gateways (and make transit gateway
    // attachments); virtual interfaces connections or LAGs and gateways.
    {"AWS::DirectConnect::Lag", 0, &Mapper::direct_connect_lag},
    {"AWS::DirectConnect::DirectConnectGateway", 0, &Mapper::direct_connect_gateway},
    {"AWS::DirectConnect::Connection", 1, &Mapper::direct_connect_connection},
    {"AWS::DirectConnect::DirectConnectGatewayAssociation", 1,
     &Mapper::direct_connect_gateway_association},
    {"AWS::DirectConnect::PrivateVirtualInterface", 2, &Mapper::private_virtual_interface},
    {"AWS::DirectConnect::TransitVirtualInterface", 2, &Mapper::transit_virtual_interface},
    {"AWS::DirectConnect::PublicVirtualInterface", 2, &Mapper::public_virtual_interface},
    // Load balancing: load balancers name subnets, groups and Elastic IPs; target groups
    // instances and load balancers; listeners load balancers and target groups; rules listeners.
    {"AWS::EC2::LaunchTemplate", 2, &Mapper::launch_template},
    {"AWS::AutoScaling::LaunchConfiguration", 2, &Mapper::launch_configuration},
    {"AWS::ElasticLoadBalancingV2::LoadBalancer", 2, &Mapper::load_balancer},
    {"AWS::EC2::VPCEndpointService", 3, &Mapper::vpc_endpoint_service},
    {"AWS::ElasticLoadBalancing::LoadBalancer", 4, &Mapper::classic_load_balancer},
    {"AWS::ElasticLoadBalancingV2::TargetGroup", 4, &Mapper::target_group},
    {"AWS::EC2::VPCEndpointServicePermissions", 4, &Mapper::vpc_endpoint_service_permissions},
    {"AWS::ElasticLoadBalancingV2::Listener", 5, &Mapper::listener},
    {"AWS::AutoScaling::AutoScalingGroup", 5, &Mapper::auto_scaling_group},
    {"AWS::ElasticLoadBalancingV2::ListenerRule", 6, &Mapper::listener_rule},
    // Network Firewall: policies name rule groups, firewalls policies, VPCs and subnets; routes
    // (level 4) name firewall endpoints.
    {"AWS::NetworkFirewall::RuleGroup", 0, &Mapper::firewall_rule_group},
    {"AWS::NetworkFirewall::FirewallPolicy", 1, &Mapper::firewall_policy},
    {"AWS::NetworkFirewall::Firewall", 2, &Mapper::firewall},
    {"AWS::NetworkFirewall::LoggingConfiguration", 3, &Mapper::firewall_logging_configuration},
    // Route 53: record sets after the load balancers their aliases may name.
    {"AWS::Route53::HealthCheck", 0, &Mapper::health_check},
    {"AWS::Route53::CidrCollection", 0, &Mapper::cidr_collection},
    {"AWS::Route53::HostedZone", 1, &Mapper::hosted_zone},
    {"AWS::Route53::RecordSet", 5, &Mapper::record_set},
    {"AWS::Route53::RecordSetGroup", 5, &Mapper::record_set_group},
    // CloudFront: key groups name public keys; distributions name policies and key groups.
    {"AWS::CloudFront::CachePolicy", 0, &Mapper::cloudfront_cache_policy},
    {"AWS::CloudFront::OriginRequestPolicy", 0, &Mapper::cloudfront_origin_request_policy},
    {"AWS::CloudFront::ResponseHeadersPolicy", 0, &Mapper::cloudfront_response_headers_policy},
    {"AWS::CloudFront::PublicKey", 0, &Mapper::cloudfront_public_key},
    {"AWS::CloudFront::KeyGroup", 1, &Mapper::cloudfront_key_group},
    {"AWS::CloudFront::Distribution", 2, &Mapper::cloudfront_distribution},
};
constexpr int kLevels = 7;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

bool modelled(std::string_view type) {
  return std::any_of(std::begin(kHandlers), std::end(kHandlers),
                     [&](const Handler& h) { return h.type == type; });
}

std::string kind_list(std::initializer_list<Kind> kinds) {
  std::string s;
  for (Kind k : kinds) s += (s.empty() ? "" : " or ") + std::string(model::kind_name(k));
  return s;
}

}  // namespace

// ---- Mapper --------------------------------------------------------------------------------

void Mapper::run() {
  for (const auto& r : s_.resources()) {
    if (!modelled(r.type)) {
      s_.gap(Gap::kIgnoredType, r.type, s_.at(*r.key), r.logical_id,
             "ignored: " + r.type + " (" + r.logical_id + ")",
             "cloudtwin does not model this resource type");
    }
  }
  for (int level = 0; level < kLevels; ++level) {
    for (const auto& r : s_.resources()) {
      for (const auto& h : kHandlers) {
        if (h.level != level || h.type != r.type) continue;
        // A resource whose Condition is false does not exist in the stack.
        if (!s_.enabled(r)) continue;
        (this->*h.map)(r);
      }
    }
  }
  finish();
}

model::Index Mapper::locate(Kind kind, const std::string& text) const {
  const std::size_t count = n_.count(kind);
  for (model::Index i = 0; i < count; ++i) {
    const auto& res = n_.resource({kind, i});
    if (res.id == text) return i;
  }
  for (model::Index i = 0; i < count; ++i) {
    if (n_.resource({kind, i}).name == text) return i;
  }
  for (const auto& a : n_.aliases) {
    if (a.kind == kind && a.alias == text && a.id != text) return locate(kind, a.id);
  }
  return model::kNone;
}

std::optional<model::ResourceKey> Mapper::mapped(std::string_view logical_id) const {
  auto it = mapped_.find(std::string(logical_id));
  if (it == mapped_.end()) return std::nullopt;
  return model::ResourceKey{it->second.kind, it->second.index};
}

std::optional<std::string> Mapper::name_tag(const ResourceDecl& r) {
  if (!r.properties || !r.properties->is_mapping()) return std::nullopt;
  Props p(*this, r);
  if (!p.has("Tags")) return std::nullopt;
  Value tags = p.get("Tags");
  for (const auto& t : tags.items) {
    const Value* k = t.get("Key");
    const Value* v = t.get("Value");
    if (k && v && k->is_string() && k->text == "Name" && v->is_string() && !v->text.empty()) {
      return v->text;
    }
  }
  return std::nullopt;
}

void Mapper::ignore_tag(const ResourceDecl& r, model::Kind kind, const std::string& id,
                        Location at) {
  if (!r.properties || !r.properties->is_mapping()) return;
  Props p(*this, r);
  if (!p.has("Tags")) return;
  Value tags = p.get("Tags");
  for (const auto& t : tags.items) {
    const Value* k = t.get("Key");
    const Value* v = t.get("Value");
    if (k && v && k->is_string() && k->text == "cloudtwin:ignore" && v->is_string()) {
      n_.ignore_tags.push_back({kind, id, v->text, v->at.line ? v->at : at});
    }
  }
}

// ---- Props ---------------------------------------------------------------------------------

Props::Props(Mapper& m, const ResourceDecl& r, const Value* map) : m_(m), r_(r), map_(map) {}

Location Props::at() const { return map_ ? map_->at : m_.s_.at(*r_.key); }

bool Props::has(std::string_view key) {
  if (map_) return map_->get(key) != nullptr;
  if (!r_.properties) return false;
  for (const auto& p : r_.properties->pairs()) {
    if (p.key->is_scalar() && p.key->scalar() == key) return true;
  }
  return false;
}

Value Props::get(std::string_view key) {
  if (map_) {
    const Value* v = map_->get(key);
    if (v) return *v;
    Value none;
    none.at = map_->at;
    return none;
  }
  if (r_.properties) {
    for (const auto& p : r_.properties->pairs()) {
      if (p.key->is_scalar() && p.key->scalar() == key) {
        Value v = m_.s_.eval(*p.value);
        if (v.type == Value::Type::kNoValue) v.type = Value::Type::kNull;  // AWS::NoValue drops it
        if (v.is_null()) v.at = m_.s_.at(*p.key);
        return v;
      }
    }
  }
  Value none;
  none.at = at();
  return none;
}

void Props::missing(std::string_view key, Need need) {
  if (need != Need::kRequired) return;
  errored_ = true;
  m_.s_.error(at(), r_.logical_id, r_.type + " needs the property `" + std::string(key) + "`");
}

void Props::unusable(std::string_view field, const std::string& why, Need need, Location loc) {
  if (need == Need::kRequired) {
    if (left_out_.empty()) left_out_ = "`" + std::string(field) + "`: " + why;
    return;
  }
  m_.s_.gap(Gap::kLeftOut, r_.type, loc, r_.logical_id,
            "`" + std::string(field) + "` of " + r_.logical_id + " is left out: " + why);
}

bool Props::skip() {
  if (!left_out_.empty()) {
    m_.s_.gap(Gap::kLeftOut, r_.type, m_.s_.at(*r_.key), r_.logical_id,
              r_.logical_id + " (" + r_.type + ") is left out: " + left_out_);
    left_out_.clear();
  }
  return false;
}

void Props::note(const Value& v) {
  if (!v.stand_in.empty()) m_.stand_ins_.emplace(r_.logical_id, v.stand_in);
}

std::string Props::unknown(std::string_view key) {
  Value v = get(key);
  if (v.is_unknown()) return v.text;
  if (!v.stand_in.empty()) {
    note(v);
    return "parameter `" + v.stand_in + "` has no value";
  }
  return "";
}

std::optional<std::string> Props::scalar(const Value& v, std::string_view field, Need need) {
  if (v.is_null()) {
    missing(field, need);
    return std::nullopt;
  }
  // A stand-in is used as written (an availability zone, a placeholder) and marks what is built
  // from it; a description is only words.
  if (field != "Description") note(v);
  if (v.is_unknown()) {
    unusable(field, v.text, need, v.at);
    return std::nullopt;
  }
  if (!v.is_string()) {
    errored_ = errored_ || need == Need::kRequired;
    m_.s_.error(v.at, r_.logical_id,
                "`" + std::string(field) + "` must be a single value, not " +
                    (v.is_list() ? "a list" : "a mapping"));
    return std::nullopt;
  }
  return v.text;
}

std::optional<std::string> Props::text(std::string_view key, Need need) {
  return scalar(get(key), key, need);
}

std::optional<bool> Props::boolean(std::string_view key, Need need) {
  Value v = get(key);
  auto s = scalar(v, key, need);
  if (!s) return std::nullopt;
  const std::string l = lower(*s);
  if (l == "true") return true;
  if (l == "false") return false;
  if (!v.stand_in.empty()) {
    unusable(key, "parameter `" + v.stand_in + "` has no value", need, v.at);
    return std::nullopt;
  }
  m_.s_.error(v.at, r_.logical_id,
              "`" + std::string(key) + "` must be true or false, not `" + *s + "`");
  if (need == Need::kRequired) errored_ = true;
  return std::nullopt;
}

std::optional<std::int64_t> Props::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                           Need need) {
  Value v = get(key);
  auto s = scalar(v, key, need);
  if (!s) return std::nullopt;
  std::int64_t n = 0;
  bool ok = !s->empty() && s->size() < 12;
  std::size_t i = (*s)[0] == '-' ? 1 : 0;
  ok = ok && i < s->size();
  for (; ok && i < s->size(); ++i) {
    if ((*s)[i] < '0' || (*s)[i] > '9')
      ok = false;
    else
      n = n * 10 + ((*s)[i] - '0');
  }
  if ((*s)[0] == '-') n = -n;
  if (!ok && !v.stand_in.empty()) {
    unusable(key, "parameter `" + v.stand_in + "` has no value", need, v.at);
    return std::nullopt;
  }
  if (!ok || n < min || n > max) {
    m_.s_.error(v.at, r_.logical_id,
                "`" + std::string(key) + "` must be a whole number from " + std::to_string(min) +
                    " to " + std::to_string(max) + ", not `" + *s + "`");
    if (need == Need::kRequired) errored_ = true;
    return std::nullopt;
  }
  return n;
}

std::optional<Prefix> Props::prefix(std::string_view key, std::optional<Family> family, Need need) {
  Value v = get(key);
  auto s = scalar(v, key, need);
  if (!s) return std::nullopt;
  auto p = Prefix::parse(*s);
  if (!p && !v.stand_in.empty()) {
    unusable(key, "parameter `" + v.stand_in + "` has no value", need, v.at);
    return std::nullopt;
  }
  if (!p || (family && p->family() != *family)) {
    m_.s_.error(v.at, r_.logical_id,
                "`" + std::string(key) + "`: `" + *s + "` is not an " +
                    (family == Family::kV6   ? "IPv6 "
                     : family == Family::kV4 ? "IPv4 "
                                             : "") +
                    "CIDR block");
    if (need == Need::kRequired) errored_ = true;
    return std::nullopt;
  }
  return p;
}

std::optional<IpAddress> Props::address(std::string_view key, std::optional<Family> family,
                                        Need need) {
  Value v = get(key);
  auto s = scalar(v, key, need);
  if (!s) return std::nullopt;
  auto a = IpAddress::parse(*s);
  if (!a && !v.stand_in.empty()) {
    unusable(key, "parameter `" + v.stand_in + "` has no value", need, v.at);
    return std::nullopt;
  }
  if (!a || (family && a->family() != *family)) {
    m_.s_.error(v.at, r_.logical_id, "`" + std::string(key) + "`: `" + *s + "` is not an address");
    if (need == Need::kRequired) errored_ = true;
    return std::nullopt;
  }
  return a;
}

model::Ref Props::ref(std::string_view key, std::initializer_list<Kind> kinds, Need need) {
  return ref_value(get(key), key, kinds, need);
}

model::Ref Props::ref_value(const Value& v, std::string_view field,
                            std::initializer_list<Kind> kinds, Need need) {
  auto s = scalar(v, field, need);
  if (!s) return {};
  if (!v.resource.empty()) {
    auto key = m_.mapped(v.resource);
    if (key && std::find(kinds.begin(), kinds.end(), key->kind) != kinds.end()) {
      return {m_.n_.resource(*key).id, v.at};
    }
    const ResourceDecl* target = m_.s_.resource(v.resource);
    const std::string type = target ? target->type : "?";
    if (key) {
      m_.s_.error(v.at, r_.logical_id,
                  "`" + std::string(field) + "` names " + v.resource + ", a " + type +
                      ", where a " + kind_list(kinds) + " is expected");
      if (need == Need::kRequired) errored_ = true;
    } else {
      unusable(field,
               modelled(type) ? v.resource + " was left out"
                              : v.resource + " is a " + type + ", which cloudtwin does not model",
               need, v.at);
    }
    return {};
  }
  // A literal id: a resource of an input read before this one, or one finalize() adds for a
  // VPC of this template (its default security group or network ACL).
  for (Kind k : kinds) {
    if (m_.locate(k, *s) != model::kNone) return {*s, v.at};
  }
  // A firewall endpoint (Fn::GetAtt EndpointIds): finalize() makes it a VPC endpoint.
  if (std::find(kinds.begin(), kinds.end(), Kind::kVpcEndpoint) != kinds.end()) {
    for (const auto& fw : m_.n_.firewalls) {
      for (const auto& e : fw.endpoints) {
        if (e.endpoint_id == *s) return {*s, v.at};
      }
    }
  }
  for (std::string_view implicit : {"sg-default-", "acl-default-", "rtb-main-"}) {
    if (s->starts_with(implicit) &&
        m_.locate(Kind::kVpc, "vpc-" + s->substr(implicit.size())) != model::kNone) {
      return {*s, v.at};
    }
  }
  if (!v.stand_in.empty()) {
    unusable(field,
             "parameter `" + v.stand_in + "` has no value (it names a " + kind_list(kinds) +
                 " outside the inputs)",
             need, v.at);
    return {};
  }
  unusable(field,
           "`" + *s + "` is not a " + kind_list(kinds) +
               " of this template or of an input read before it",
           need, v.at);
  return {};
}

std::vector<model::Ref> Props::refs(std::string_view key, std::initializer_list<Kind> kinds) {
  std::vector<model::Ref> out;
  Value v = get(key);
  if (v.is_null()) return out;
  if (v.is_unknown()) {
    unusable(key, v.text, Need::kOptional, v.at);
    return out;
  }
  if (!v.is_list()) {
    m_.s_.error(v.at, r_.logical_id, "`" + std::string(key) + "` must be a list");
    return out;
  }
  for (const auto& item : v.items) {
    model::Ref r = ref_value(item, key, kinds, Need::kOptional);
    if (!r.empty()) out.push_back(std::move(r));
  }
  return out;
}

bool left_out(Mapper& m, Props& p) {
  std::string why = p.take_left_out();
  if (why.empty()) return false;
  const auto& r = p.resource();
  m.stack().gap(Gap::kLeftOut, r.type, m.stack().at(*r.key), r.logical_id,
                r.logical_id + " (" + r.type + ") is left out: " + why);
  return true;
}

}  // namespace cloudtwin::load::cfn
