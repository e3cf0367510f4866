// A template's sections and their static checks: parameter declarations and values, mappings,
// conditions, resources with their synthetic physical ids, intrinsic function names, and
// references between resources (missing targets and circular dependencies).
#include "cloudformation_stack.h"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace cloudtwin::load::cfn {
namespace {

// Every intrinsic function the evaluator knows, long form; the short form is `!` + the part
// after `Fn::` (`!Ref`, `!Condition` as written).
constexpr std::string_view kFunctions[] = {
    "Ref",        "Condition",  "Fn::GetAtt",      "Fn::Sub",          "Fn::Join",
    "Fn::Select", "Fn::Split",  "Fn::GetAZs",      "Fn::Cidr",         "Fn::If",
    "Fn::Equals", "Fn::And",    "Fn::Or",          "Fn::Not",          "Fn::FindInMap",
    "Fn::Base64", "Fn::Length", "Fn::ImportValue", "Fn::ToJsonString", "Fn::Transform",
};

bool known_function(std::string_view name) {
  return std::find(std::begin(kFunctions), std::end(kFunctions), name) != std::end(kFunctions);
}

// The long-form name of a short-form tag, or "" if `tag` is not a local tag.
std::string function_of_tag(std::string_view tag) {
  if (tag.size() < 2 || tag[0] != '!' || tag[1] == '!') return "";
  std::string_view name = tag.substr(1);
  if (name == "Ref" || name == "Condition") return std::string(name);
  return "Fn::" + std::string(name);
}

const yaml::Node* find_key(const yaml::Node& mapping, std::string_view key) {
  for (const auto& p : mapping.pairs()) {
    if (p.key->is_scalar() && p.key->scalar() == key) return p.value;
  }
  return nullptr;
}

const char* describe(const yaml::Node& n) {
  switch (n.kind()) {
    case yaml::NodeKind::kNull:
      return "empty";
    case yaml::NodeKind::kScalar:
      return "a string";
    case yaml::NodeKind::kSequence:
      return "a list";
    case yaml::NodeKind::kMapping:
      return "a mapping";
  }
  return "a value";
}

std::string hex(std::uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf).substr(16 - static_cast<std::size_t>(digits));
}

constexpr std::string_view kLoadBalancerV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer";
constexpr std::string_view kListener = "AWS::ElasticLoadBalancingV2::Listener";
constexpr std::string_view kListenerRule = "AWS::ElasticLoadBalancingV2::ListenerRule";
constexpr std::string_view kTargetGroup = "AWS::ElasticLoadBalancingV2::TargetGroup";
constexpr std::string_view kClassicLoadBalancer = "AWS::ElasticLoadBalancing::LoadBalancer";

// The name CloudFormation gives a load balancer or target group without `Name`: the stack name
// and logical id, cut to leave room for a random suffix (here a stable one) within 32 characters.
std::string generated_elb_name(std::string_view stack, std::string_view logical_id,
                               std::uint64_t h) {
  std::string base;
  for (char c : std::string(stack) + "-" + std::string(logical_id)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    base += ok ? c : '-';
  }
  base.resize(std::min<std::size_t>(base.size(), 19));
  while (!base.empty() && (base.back() == '-' || base.front() == '-')) {
    if (base.back() == '-')
      base.pop_back();
    else
      base.erase(0, 1);
  }
  // Not the digits that end the ARN: those stand for the load balancer's id.
  return (base.empty() ? "" : base + "-") + hex(stable_hash(std::to_string(h)), 12);
}

// `app`, `net` or `gwy`: the load balancer type as its ARN writes it.
std::string_view arn_type(const Value& type) {
  if (type.is_string() && type.stand_in.empty()) {
    if (type.text == "network") return "net";
    if (type.text == "gateway") return "gwy";
  }
  return "app";
}

}  // namespace

// ---- Value ---------------------------------------------------------------------------------

const Value* Value::get(std::string_view key) const {
  if (type != Type::kMap) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &values[i];
  }
  return nullptr;
}

Value Value::string(std::string s, Location at, std::string resource) {
  Value v;
  v.type = Type::kString;
  v.text = std::move(s);
  v.at = at;
  v.resource = std::move(resource);
  return v;
}

Value Value::unknown(std::string why, Location at) {
  Value v;
  v.type = Type::kUnknown;
  v.text = std::move(why);
  v.at = at;
  return v;
}

std::string cloudfront_domain_name(std::string_view physical_id) {
  return "d" + hex(stable_hash(physical_id) & 0xfffffffffffffull, 13) + ".cloudfront.net";
}

namespace {

std::string uuid_of(std::uint64_t a, std::uint64_t b) {
  const std::string x = hex(a, 16), y = hex(b, 16);
  return x.substr(0, 8) + "-" + x.substr(8, 4) + "-" + x.substr(12, 4) + "-" + y.substr(0, 4) +
         "-" + y.substr(4, 12);
}

}  // namespace

std::string direct_connect_physical_id(std::string_view type, std::uint64_t h,
                                       std::string_view region, std::string_view account) {
  const std::string arn = "arn:" + partition_of(region) + ":directconnect:";
  const std::string id = "0" + hex(h, 16);
  if (type == "AWS::DirectConnect::Connection")
    return arn + std::string(region) + ":" + std::string(account) + ":dxcon/dxcon-" + id;
  if (type == "AWS::DirectConnect::Lag")
    return arn + std::string(region) + ":" + std::string(account) + ":dxlag/dxlag-" + id;
  if (type.ends_with("VirtualInterface"))
    return arn + std::string(region) + ":" + std::string(account) + ":dxvif/dxvif-" + id;
  // Direct Connect gateways are global: no Region in the ARN.
  if (type == "AWS::DirectConnect::DirectConnectGateway")
    return arn + ":" + std::string(account) + ":dx-gateway/" + uuid_of(h, stable_hash(id));
  return uuid_of(h, stable_hash(id));
}

std::string direct_connect_id(std::string_view physical_id) {
  const auto slash = physical_id.rfind('/');
  return std::string(slash == std::string_view::npos ? physical_id : physical_id.substr(slash + 1));
}

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string_view id_prefix(std::string_view type) {
  struct Entry {
    std::string_view type;
    std::string_view prefix;
  };
  static constexpr Entry kPrefixes[] = {
      {"AWS::EC2::VPC", "vpc-"},
      {"AWS::EC2::Subnet", "subnet-"},
      {"AWS::EC2::RouteTable", "rtb-"},
      {"AWS::EC2::InternetGateway", "igw-"},
      {"AWS::EC2::EgressOnlyInternetGateway", "eigw-"},
      {"AWS::EC2::NatGateway", "nat-"},
      {"AWS::EC2::EIP", "eipalloc-"},
      {"AWS::EC2::EIPAssociation", "eipassoc-"},
      {"AWS::EC2::NetworkInterface", "eni-"},
      {"AWS::EC2::NetworkInterfaceAttachment", "eni-attach-"},
      {"AWS::EC2::Instance", "i-"},
      {"AWS::EC2::SecurityGroup", "sg-"},
      {"AWS::EC2::SecurityGroupIngress", "sgr-"},
      {"AWS::EC2::SecurityGroupEgress", "sgr-"},
      {"AWS::EC2::NetworkAcl", "acl-"},
      {"AWS::EC2::PrefixList", "pl-"},
      {"AWS::EC2::VPCPeeringConnection", "pcx-"},
      {"AWS::EC2::TransitGateway", "tgw-"},
      {"AWS::EC2::TransitGatewayRouteTable", "tgw-rtb-"},
      {"AWS::EC2::TransitGatewayAttachment", "tgw-attach-"},
      {"AWS::EC2::TransitGatewayVpcAttachment", "tgw-attach-"},
      {"AWS::EC2::VPCEndpoint", "vpce-"},
      {"AWS::EC2::VPNGateway", "vgw-"},
      {"AWS::EC2::CustomerGateway", "cgw-"},
      {"AWS::EC2::VPNConnection", "vpn-"},
      {"AWS::EC2::VPCCidrBlock", "vpc-cidr-assoc-"},
      {"AWS::EC2::SubnetCidrBlock", "subnet-cidr-assoc-"},
      {"AWS::EC2::SubnetRouteTableAssociation", "rtbassoc-"},
      {"AWS::EC2::GatewayRouteTableAssociation", "rtbassoc-"},
      {"AWS::EC2::SubnetNetworkAclAssociation", "aclassoc-"},
      {"AWS::EC2::DHCPOptions", "dopt-"},
      {"AWS::EC2::FlowLog", "fl-"},
      {"AWS::EC2::LaunchTemplate", "lt-"},
      {"AWS::EC2::VPCEndpointService", "vpce-svc-"},
  };
  for (const auto& e : kPrefixes) {
    if (e.type == type) return e.prefix;
  }
  return "";
}

bool valid_elb_name(std::string_view s) {
  if (s.empty() || s.size() > 32 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string partition_of(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string elb_dns_name(std::string_view physical_id, bool internal, std::string_view region) {
  // An ARN's resource part: loadbalancer/<app|net|gwy>/<name>/<id>; a Classic name alone.
  std::string_view kind = "classic", name = physical_id, id;
  if (auto at = physical_id.find(":loadbalancer/"); at != std::string_view::npos) {
    std::string_view rest = physical_id.substr(at + 14);
    kind = rest.substr(0, rest.find('/'));
    rest.remove_prefix(std::min(rest.size(), kind.size() + 1));
    name = rest.substr(0, rest.find('/'));
    id = rest.substr(std::min(rest.size(), name.size() + 1));
  }
  const std::string suffix = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  if (kind == "net" || kind == "gwy") {
    return std::string(name) + "-" + std::string(id) + ".elb." + std::string(region) + "." + suffix;
  }
  const std::uint64_t digits = 1000000000ull + stable_hash(physical_id) % 9000000000ull;
  return (internal ? "internal-" : "") + std::string(name) + "-" + std::to_string(digits) + "." +
         std::string(region) + ".elb." + suffix;
}

// ---- Stack ---------------------------------------------------------------------------------

Stack::Stack(model::Network& network, Diagnostics& diagnostics, std::string path,
             const LoadOptions& options)
    : network_(network), diagnostics_(diagnostics), path_(std::move(path)), options_(options) {
  file_ = network_.add_file(path_);
  // AWS::StackName: the file name without its extensions (`vpc.template.yaml` -> `vpc`).
  std::string name =
      path_.substr(path_.find_last_of('/') == std::string::npos ? 0 : path_.find_last_of('/') + 1);
  if (auto dot = name.find('.'); dot != std::string::npos && dot > 0) name.resize(dot);
  stack_name_ = name.empty() ? "stack" : name;
  region_ = options_.region.empty() ? network_.default_region : options_.region;
  account_ = options_.account.empty() ? network_.default_account : options_.account;
}

Location Stack::at(const yaml::Node& node) const {
  const yaml::Mark m = node.mark();
  return {file_, m.line, m.column};
}

void Stack::error(Location at, const std::string& resource, std::string message, std::string hint) {
  if (!reported_.emplace(at.line, at.column, message).second) return;
  diagnostics_.error(path_, at, resource, std::move(message), std::move(hint));
}

void Stack::warning(Location at, const std::string& resource, std::string message,
                    std::string hint) {
  if (!reported_.emplace(at.line, at.column, message).second) return;
  diagnostics_.warning(path_, at, resource, std::move(message), std::move(hint));
}

void Stack::gap(Gap g, std::string key, Location at, const std::string& resource,
                std::string message, std::string hint) {
  if (!reported_.emplace(at.line, at.column, message).second) return;
  diagnostics_.gap(g, std::move(key), path_, at, resource, std::move(message), std::move(hint));
}

void Stack::missing_name(std::string_view name, std::string_view what, Location at,
                         const std::string& resource) {
  if (!reported_missing_.insert({at.line, at.column}).second) return;
  std::vector<std::string_view> names;
  for (const auto& r : resources_) names.push_back(r.logical_id);
  for (const auto& p : parameters_) names.push_back(p.name);
  const std::string best = closest_match(name, names);
  error(at, resource,
        std::string(what) + " names `" + std::string(name) +
            "`, which is neither a resource nor a parameter of this template",
        best.empty() ? "declare it under Resources or Parameters" : "did you mean `" + best + "`?");
}

const ResourceDecl* Stack::resource(std::string_view logical_id) const {
  auto it = resource_index_.find(std::string(logical_id));
  return it == resource_index_.end() ? nullptr : &resources_[it->second];
}

bool Stack::read(const yaml::Node& root) {
  const std::size_t errors_before = diagnostics_.error_count();
  if (!root.is_mapping()) {
    error(root.mark().line ? at(root) : at_start(), "",
          std::string("a CloudFormation template must be a mapping, not ") + describe(root),
          "a template has `Resources:` and optionally `Parameters:`, `Mappings:`, `Conditions:`");
    return false;
  }
  const yaml::Node* resources = nullptr;
  for (const auto& p : root.pairs()) {
    if (!p.key->is_scalar()) continue;
    const std::string_view k = p.key->scalar();
    auto want_mapping = [&](const yaml::Node* v) {
      if (v->is_mapping() || v->is_null()) return true;
      error(at(*v), "",
            "`" + std::string(k) + "` must be a mapping, not " + std::string(describe(*v)),
            "write `" + std::string(k) + ":` followed by named entries");
      return false;
    };
    if (k == "Parameters" && want_mapping(p.value)) read_parameters(p.value);
    if (k == "Mappings" && want_mapping(p.value)) read_mappings(p.value);
    if (k == "Conditions" && want_mapping(p.value)) read_conditions(p.value);
    if (k == "Resources") {
      resources = p.value;
      if (want_mapping(p.value) && p.value->is_null()) {
        error(at(*p.value), "", "`Resources` is empty",
              "a template declares at least one resource");
      }
    }
    if (k == "Transform") {
      gap(Gap::kUnknownValue, "Transform", at(*p.key), "",
          "Transform (macros such as AWS::Serverless) is not applied; resources are read "
          "as written");
    }
  }
  if (!resources) {
    error(at_start(), "", "the template has no `Resources` section",
          "a CloudFormation template declares its resources under `Resources:`");
    return false;
  }
  if (resources->is_mapping()) read_resources(*resources);
  check_functions(root);
  if (diagnostics_.error_count() != errors_before) return false;
  assign_physical_ids();
  check_dependencies();
  if (diagnostics_.error_count() != errors_before) return false;
  name_load_balancing();
  name_firewalls();
  return diagnostics_.error_count() == errors_before;
}

void Stack::read_parameters(const yaml::Node* section) {
  std::size_t zones = 0;  // AvailabilityZone::Name parameters given stand-ins so far
  for (const auto& p : section->pairs()) {
    if (!p.key->is_scalar()) continue;
    ParameterDecl decl;
    decl.name = std::string(p.key->scalar());
    decl.key = p.key;
    if (!p.value->is_mapping()) {
      error(at(*p.value), "",
            "parameter `" + decl.name + "` must be a mapping, not " + describe(*p.value),
            "give it at least `Type: String`");
      continue;
    }
    if (const auto* t = find_key(*p.value, "Type"); t && t->is_scalar()) {
      decl.type = std::string(t->scalar());
    } else {
      error(at(*p.key), "", "parameter `" + decl.name + "` has no `Type`", "add `Type: String`");
    }
    decl.default_value = find_key(*p.value, "Default");
    if (const auto* allowed = find_key(*p.value, "AllowedValues")) {
      for (const auto* item : allowed->items()) {
        if (item->is_scalar()) decl.allowed_values.emplace_back(item->scalar());
      }
    }
    if (auto it = options_.parameters.find(decl.name); it != options_.parameters.end()) {
      decl.override_value = it->second;
    }
    if (decl.override_value && !decl.allowed_values.empty() &&
        std::find(decl.allowed_values.begin(), decl.allowed_values.end(), *decl.override_value) ==
            decl.allowed_values.end()) {
      std::string list;
      for (const auto& v : decl.allowed_values) list += (list.empty() ? "" : ", ") + v;
      error(at(*p.key), "",
            "value `" + *decl.override_value + "` given for parameter `" + decl.name +
                "` is not one of its AllowedValues",
            "allowed: " + list);
    }
    if (!decl.override_value && (!decl.default_value || decl.default_value->is_null()) &&
        decl.type == "AWS::EC2::AvailabilityZone::Name") {
      decl.zone_index = zones++;
    }
    parameters_.push_back(std::move(decl));
  }
}

void Stack::read_mappings(const yaml::Node* section) {
  for (const auto& p : section->pairs()) {
    if (!p.key->is_scalar()) continue;
    if (!p.value->is_mapping()) {
      error(at(*p.value), "",
            "mapping `" + std::string(p.key->scalar()) +
                "` must be a mapping of keys to mappings, not " + describe(*p.value));
      continue;
    }
    mappings_.emplace(std::string(p.key->scalar()), p.value);
  }
}

void Stack::read_conditions(const yaml::Node* section) {
  for (const auto& p : section->pairs()) {
    if (p.key->is_scalar()) conditions_.emplace(std::string(p.key->scalar()), p.value);
  }
}

void Stack::read_resources(const yaml::Node& section) {
  for (const auto& p : section.pairs()) {
    if (!p.key->is_scalar() || p.key->scalar().empty()) {
      error(at(*p.key), "", "a resource's logical id must be a non-empty string");
      continue;
    }
    ResourceDecl r;
    r.logical_id = std::string(p.key->scalar());
    r.key = p.key;
    r.body = p.value;
    if (resource_index_.contains(r.logical_id)) {
      const auto& first = resources_[resource_index_[r.logical_id]];
      error(at(*p.key), r.logical_id, "duplicate logical id `" + r.logical_id + "`",
            "first declared at line " + std::to_string(first.key->mark().line));
      continue;
    }
    if (!p.value->is_mapping()) {
      error(at(*p.value), r.logical_id,
            "a resource must be a mapping with `Type` and `Properties`, not " +
                std::string(describe(*p.value)));
      continue;
    }
    const auto* type = find_key(*p.value, "Type");
    if (!type || !type->is_scalar() || type->scalar().empty()) {
      error(type ? at(*type) : at(*p.key), r.logical_id, "resource has no `Type`",
            "add e.g. `Type: AWS::EC2::VPC`");
      continue;
    }
    r.type = std::string(type->scalar());
    r.properties = find_key(*p.value, "Properties");
    if (r.properties && !r.properties->is_mapping() && !r.properties->is_null()) {
      error(at(*r.properties), r.logical_id,
            "`Properties` must be a mapping, not " + std::string(describe(*r.properties)));
      r.properties = nullptr;
    }
    r.condition = find_key(*p.value, "Condition");
    if (r.condition && !r.condition->is_scalar()) {
      error(at(*r.condition), r.logical_id, "`Condition` must name a condition");
      r.condition = nullptr;
    } else if (r.condition && !conditions_.contains(r.condition->scalar())) {
      error(at(*r.condition), r.logical_id,
            "condition `" + std::string(r.condition->scalar()) + "` is not declared",
            "declare it under `Conditions:`");
    }
    resource_index_.emplace(r.logical_id, resources_.size());
    resources_.push_back(std::move(r));
  }
}

void Stack::assign_physical_ids() {
  for (auto& r : resources_) {
    const std::uint64_t h = stable_hash(stack_name_ + "/" + r.logical_id);
    const std::string_view prefix = id_prefix(r.type);
    if (!prefix.empty()) {
      // 17 hex digits, as AWS writes resource ids.
      r.physical_id = std::string(prefix) + "0" + hex(h, 16);
    } else {
      // CloudFormation names other resources <stack>-<logical id>-<random suffix>.
      r.physical_id = stack_name_ + "-" + r.logical_id + "-" + hex(h, 12);
    }
    if (r.type == "AWS::EC2::EIP")
      r.public_ip = allocate_public_ip(stack_name_ + "/" + r.logical_id);
    // Route 53 zone ids: "Z" and 13 upper-case letters and digits, as Ref gives them.
    if (r.type == "AWS::Route53::HostedZone") {
      std::string id = "Z" + hex(h, 13);
      for (auto& c : id) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      r.physical_id = std::move(id);
      continue;
    }
    // CloudFront: a distribution's id is "E" and a public key's "K" and 13 upper-case letters
    // and digits; policies and key groups are UUIDs.
    if (r.type == "AWS::CloudFront::Distribution" || r.type == "AWS::CloudFront::PublicKey") {
      std::string id = (r.type.ends_with("Distribution") ? "E" : "K") + hex(h, 13);
      for (auto& c : id) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      r.physical_id = std::move(id);
      continue;
    }
    if (r.type == "AWS::CloudFront::CachePolicy" || r.type == "AWS::CloudFront::OriginRequestPolicy" ||
        r.type == "AWS::CloudFront::ResponseHeadersPolicy" || r.type == "AWS::CloudFront::KeyGroup") {
      const std::string a = hex(h, 16), b = hex(stable_hash(r.logical_id + "/" + stack_name_), 16);
      r.physical_id = a.substr(0, 8) + "-" + a.substr(8, 4) + "-" + a.substr(12, 4) + "-" +
                      b.substr(0, 4) + "-" + b.substr(4, 12);
      continue;
    }
    // Network Firewall: Ref is the ARN, named by name_firewalls() once names can be evaluated.
    if (r.type.starts_with("AWS::NetworkFirewall::")) {
      r.physical_id = firewall_arn(r, r.physical_id, "STATEFUL");
      continue;
    }
    // Direct Connect: Ref is the ARN (AWS::DirectConnect::Connection, Lag, *VirtualInterface,
    // DirectConnectGateway: Return values); Fn::GetAtt ConnectionId, LagId, VirtualInterfaceId
    // and DirectConnectGatewayId the id it ends with (see direct_connect_id). An association's
    // Ref is its id.
    if (r.type.starts_with("AWS::DirectConnect::")) {
      r.physical_id = direct_connect_physical_id(r.type, h, region_, account_);
      continue;
    }
    // Elastic Load Balancing v2: Ref is the ARN. Until name_load_balancing() knows better, the
    // names are those CloudFormation makes up and listeners and rules stand alone.
    if (!r.type.starts_with("AWS::ElasticLoadBalancing")) continue;
    const std::string arn =
        "arn:" + partition_of(region_) + ":elasticloadbalancing:" + region_ + ":" + account_ + ":";
    const std::string generated = generated_elb_name(stack_name_, r.logical_id, h);
    if (r.type == kLoadBalancerV2) {
      r.physical_id = arn + "loadbalancer/app/" + generated + "/" + hex(h, 16);
    } else if (r.type == kTargetGroup) {
      r.physical_id = arn + "targetgroup/" + generated + "/" + hex(h, 16);
    } else if (r.type == kListener || r.type == kListenerRule) {
      const bool rule = r.type == kListenerRule;
      r.physical_id = arn + (rule ? "listener-rule/app/" : "listener/app/") + generated + "/" +
                      hex(h, 16) + "/" + hex(stable_hash(r.physical_id + "/listener"), 16) +
                      (rule ? "/" + hex(stable_hash(r.physical_id + "/rule"), 16) : "");
    } else if (r.type == kClassicLoadBalancer) {
      r.physical_id = generated;  // Ref is the name
    }
  }
}

void Stack::name_load_balancing() {
  auto named = [&](const ResourceDecl& r, std::string_view key) -> std::string {
    Value v = property(r, key, at(*r.key));
    return v.is_string() && v.stand_in.empty() && valid_elb_name(v.text) ? v.text : "";
  };
  // The names written, and the load balancer types (they are part of the ARNs).
  for (auto& r : resources_) {
    if (r.type != kLoadBalancerV2 && r.type != kTargetGroup && r.type != kClassicLoadBalancer)
      continue;
    if (!enabled(r)) continue;
    const std::uint64_t h = stable_hash(stack_name_ + "/" + r.logical_id);
    const std::string arn = r.physical_id.substr(
        0, r.physical_id.find(r.type == kTargetGroup ? ":targetgroup/" : ":loadbalancer/") + 1);
    if (r.type == kClassicLoadBalancer) {
      if (std::string name = named(r, "LoadBalancerName"); !name.empty()) r.physical_id = name;
      continue;
    }
    std::string name = named(r, "Name");
    if (name.empty()) name = generated_elb_name(stack_name_, r.logical_id, h);
    if (r.type == kTargetGroup) {
      r.physical_id = arn + "targetgroup/" + name + "/" + hex(h, 16);
    } else {
      const Value type = property(r, "Type", at(*r.key));
      r.physical_id =
          arn + "loadbalancer/" + std::string(arn_type(type)) + "/" + name + "/" + hex(h, 16);
    }
  }
  // arn:...:listener/app/<load balancer>/<id>/<listener id>, and a rule's ARN extends its
  // listener's likewise, whatever order the template declares them in.
  for (std::string_view type : {kListener, kListenerRule}) {
    const std::string_view parent = type == kListener ? ":loadbalancer/" : ":listener/";
    const std::string_view self = type == kListener ? ":listener/" : ":listener-rule/";
    for (auto& r : resources_) {
      if (r.type != type || !enabled(r)) continue;
      Value v = property(r, type == kListener ? "LoadBalancerArn" : "ListenerArn", at(*r.key));
      const auto at_parent = v.is_string() ? v.text.find(parent) : std::string::npos;
      if (at_parent == std::string::npos || !v.stand_in.empty()) continue;
      const std::uint64_t h = stable_hash(stack_name_ + "/" + r.logical_id);
      r.physical_id = v.text.substr(0, at_parent) + std::string(self) +
                      v.text.substr(at_parent + parent.size()) + "/" + hex(h, 16);
    }
  }
}

std::string Stack::firewall_arn(const ResourceDecl& r, const std::string& name,
                                std::string_view rule_group_type) const {
  std::string kind = "firewall";
  if (r.type == "AWS::NetworkFirewall::FirewallPolicy") kind = "firewall-policy";
  if (r.type == "AWS::NetworkFirewall::RuleGroup")
    kind = rule_group_type == "STATELESS" ? "stateless-rulegroup" : "stateful-rulegroup";
  return "arn:" + partition_of(region_) + ":network-firewall:" + region_ + ":" + account_ + ":" +
         kind + "/" + name;
}

void Stack::name_firewalls() {
  for (auto& r : resources_) {
    if (!r.type.starts_with("AWS::NetworkFirewall::") || !enabled(r)) continue;
    std::string_view key = r.type == "AWS::NetworkFirewall::Firewall"         ? "FirewallName"
                           : r.type == "AWS::NetworkFirewall::FirewallPolicy" ? "FirewallPolicyName"
                           : r.type == "AWS::NetworkFirewall::RuleGroup"      ? "RuleGroupName"
                                                                              : "";
    if (key.empty()) continue;
    const Value name = property(r, key, at(*r.key));
    const Value type = r.type == "AWS::NetworkFirewall::RuleGroup"
                           ? property(r, "Type", at(*r.key))
                           : Value();
    const std::string written = name.is_string() && name.stand_in.empty() && !name.text.empty()
                                    ? name.text
                                    : stack_name_ + "-" + r.logical_id + "-" +
                                          hex(stable_hash(stack_name_ + "/" + r.logical_id), 12);
    r.physical_id = firewall_arn(r, written, type.is_string() ? type.text : "STATEFUL");
  }
}

std::string Stack::firewall_endpoint_id(const ResourceDecl& firewall,
                                        std::string_view subnet_id) const {
  return "vpce-0" +
         hex(stable_hash(stack_name_ + "/" + firewall.logical_id + "/" + std::string(subnet_id)),
             16);
}

IpAddress Stack::allocate_public_ip(std::string_view key) {
  if (!used_public_ips_loaded_) {
    used_public_ips_loaded_ = true;
    for (const auto& e : network_.elastic_ips) used_public_ips_.insert(e.public_ip);
    for (const auto& e : network_.network_interfaces) {
      if (e.public_ip) used_public_ips_.insert(*e.public_ip);
    }
    for (const auto& n : network_.nat_gateways) {
      if (n.public_ip) used_public_ips_.insert(*n.public_ip);
    }
  }
  // RFC 5737 documentation addresses, never a real customer's: 198.51.100.1-254, then
  // 203.0.113.128-254 (the low half of 203.0.113.0/24 is left to stand for internet hosts).
  constexpr std::uint32_t kPool = 254 + 127;
  auto nth = [](std::uint32_t i) {
    return i < 254 ? IpAddress::v4(0xC6336400u + 1 + i) : IpAddress::v4(0xCB007180u + (i - 254));
  };
  if (auto it = allocated_.find(std::string(key)); it != allocated_.end()) return it->second;
  const auto start = static_cast<std::uint32_t>(stable_hash(key) % kPool);
  for (std::uint32_t k = 0; k < kPool; ++k) {
    IpAddress a = nth((start + k) % kPool);
    if (used_public_ips_.insert(a).second) {
      allocated_.emplace(std::string(key), a);
      return a;
    }
  }
  return nth(start);
}

Prefix Stack::amazon_ipv6_block(std::string_view vpc_logical_id) const {
  // 2001:db8:HHHH:HH00::/56: AWS assigns a /56 from its pool; the documentation prefix makes
  // clear it is a stand-in.
  const std::uint64_t h = stable_hash(stack_name_ + "/" + std::string(vpc_logical_id));
  const U128 bits = (U128{0x20010db8} << 96) | (U128{(h & 0xffffff)} << 72);
  return Prefix(IpAddress::v6(bits), 56);
}

// Walks the template once (each node at most once, so shared YAML anchors cost nothing extra)
// and reports intrinsic functions that do not exist.
void Stack::check_functions(const yaml::Node& root) {
  std::set<const yaml::Node*> seen;
  std::vector<const yaml::Node*> todo{&root};
  while (!todo.empty()) {
    const yaml::Node* n = todo.back();
    todo.pop_back();
    if (!seen.insert(n).second) continue;
    if (const std::string fn = function_of_tag(n->tag()); !fn.empty() && !known_function(fn)) {
      error(at(*n), "", "unknown intrinsic function `" + std::string(n->tag()) + "`",
            "CloudFormation's short forms are !Ref, !GetAtt, !Sub, !Join, !Select, !Split, "
            "!GetAZs, !Cidr, !If, !Equals, !And, !Or, !Not, !FindInMap, !ImportValue, !Base64, "
            "!Condition");
    }
    if (n->is_mapping() && n->pairs().size() == 1) {
      const auto& p = n->pairs()[0];
      if (p.key->is_scalar() && p.key->scalar().starts_with("Fn::") &&
          !known_function(p.key->scalar())) {
        error(at(*p.key), "", "unknown intrinsic function `" + std::string(p.key->scalar()) + "`",
              "see the CloudFormation intrinsic function reference");
      }
    }
    for (const auto* item : n->items()) todo.push_back(item);
    for (const auto& p : n->pairs()) todo.push_back(p.value);
  }
}

// CloudFormation orders creation by the references between resources (Ref, Fn::GetAtt, Fn::Sub
// and DependsOn) and rejects a template whose references form a cycle.
void Stack::check_dependencies() {
  struct Edge {
    std::size_t to;
    Location at;
  };
  std::vector<std::vector<Edge>> edges(resources_.size());
  auto is_parameter = [&](std::string_view name) {
    return std::any_of(parameters_.begin(), parameters_.end(),
                       [&](const ParameterDecl& p) { return p.name == name; });
  };
  auto add = [&](std::size_t from, std::string_view name, Location at, std::string_view what,
                 bool must_exist) {
    auto it = resource_index_.find(std::string(name));
    if (it != resource_index_.end()) {
      edges[from].push_back({it->second, at});
    } else if (must_exist && !is_parameter(name) && !name.starts_with("AWS::")) {
      missing_name(name, what, at, resources_[from].logical_id);
    }
  };
  for (std::size_t i = 0; i < resources_.size(); ++i) {
    if (const yaml::Node* d = find_key(*resources_[i].body, "DependsOn")) {
      if (d->is_scalar()) add(i, d->scalar(), at(*d), "DependsOn", true);
      for (const auto* item : d->items()) {
        if (item->is_scalar()) add(i, item->scalar(), at(*item), "DependsOn", true);
      }
    }
    std::set<const yaml::Node*> seen;
    std::vector<const yaml::Node*> todo;
    if (resources_[i].properties) todo.push_back(resources_[i].properties);
    while (!todo.empty()) {
      const yaml::Node* n = todo.back();
      todo.pop_back();
      if (!seen.insert(n).second) continue;
      const std::string fn = function_of_tag(n->tag());
      const yaml::Node* arg = fn.empty() ? nullptr : n;
      std::string_view name = fn;
      if (fn.empty() && n->is_mapping() && n->pairs().size() == 1 &&
          n->pairs()[0].key->is_scalar()) {
        name = n->pairs()[0].key->scalar();
        arg = n->pairs()[0].value;
      }
      if (arg && name == "Ref" && arg->is_scalar()) {
        add(i, arg->scalar(), at(*n), "Ref", true);
      } else if (arg && name == "Fn::GetAtt") {
        std::string_view target;
        if (arg->is_scalar()) target = arg->scalar().substr(0, arg->scalar().find('.'));
        if (arg->is_sequence() && !arg->items().empty() && arg->items()[0]->is_scalar()) {
          target = arg->items()[0]->scalar();
        }
        if (!target.empty()) add(i, target, at(*n), "Fn::GetAtt", true);
      } else if (arg && name == "Fn::Sub") {
        const yaml::Node* s = arg->is_sequence() && !arg->items().empty() ? arg->items()[0] : arg;
        if (s->is_scalar()) {
          std::string_view text = s->scalar();
          for (std::size_t p = text.find("${"); p != std::string_view::npos;
               p = text.find("${", p + 2)) {
            auto end = text.find('}', p);
            if (end == std::string_view::npos) break;
            std::string_view var = text.substr(p + 2, end - p - 2);
            if (var.starts_with("!")) continue;
            add(i, var.substr(0, var.find('.')), at(*n), "Fn::Sub", false);
          }
        }
      }
      for (const auto* item : n->items()) todo.push_back(item);
      for (const auto& p : n->pairs()) todo.push_back(p.value);
    }
  }
  // Colour-marking depth-first search; each back edge closes a cycle.
  enum : std::uint8_t { kWhite, kGrey, kBlack };
  std::vector<std::uint8_t> colour(resources_.size(), kWhite);
  std::vector<std::size_t> path;
  std::function<void(std::size_t)> visit = [&](std::size_t v) {
    colour[v] = kGrey;
    path.push_back(v);
    for (const auto& e : edges[v]) {
      if (colour[e.to] == kGrey) {
        std::string cycle;
        auto from = std::find(path.begin(), path.end(), e.to);
        for (auto it = from; it != path.end(); ++it) cycle += resources_[*it].logical_id + " -> ";
        cycle += resources_[e.to].logical_id;
        error(e.at, resources_[v].logical_id, "circular dependency: " + cycle,
              "CloudFormation cannot create resources that refer to each other; split one "
              "reference into its own resource (e.g. AWS::EC2::SecurityGroupIngress)");
      } else if (colour[e.to] == kWhite) {
        visit(e.to);
      }
    }
    path.pop_back();
    colour[v] = kBlack;
  };
  for (std::size_t v = 0; v < resources_.size(); ++v) {
    if (colour[v] == kWhite) visit(v);
  }
}

}  // namespace cloudtwin::load::cfn
