// The readers of the native YAML format's top-level lists, one function per resource kind. Each
// reads one list item into the network of `cx`; it records references as written and leaves
// resolution and AWS's implicit defaults to model::finalize().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "yaml_fields.h"

namespace cloudtwin::load::yaml {

// Appends a resource read from `f`: `id`, else `<id_prefix><name>`; `name`, else empty. Labels
// `f` with the id for later diagnostics and checks its keys.
template <class R>
R& add_resource(Fields& f, std::vector<R>& list, std::string_view id_prefix) {
  R& r = list.emplace_back();
  r.at = f.at();
  if (f.is_mapping()) {
    if (auto name = f.get("name").text()) r.name = *name;
    if (auto id = f.get("id").text()) {
      r.id = *id;
    } else if (!f.has("id") && !r.name.empty()) {
      r.id = std::string(id_prefix) + r.name;
    }
    if (!f.has("id") && !f.has("name")) {
      f.error("needs an `id` or a `name`",
              "add `name: <name>`; the id then defaults to `" + std::string(id_prefix) + "<name>`");
    }
  }
  if (!r.id.empty()) f.set_resource(r.id);
  f.check();
  return r;
}

// AWS ephemeral port ranges by operating system (network ACL documentation).
inline constexpr PortRange kLinuxEphemeralPorts{32768, 60999};
inline constexpr PortRange kWindowsEphemeralPorts{49152, 65535};

// native_yaml_vpc.cc
void read_vpc(Context& cx, Value& item);
void read_subnet(Context& cx, Value& item);
void read_route_table(Context& cx, Value& item);
void read_internet_gateway(Context& cx, Value& item);
void read_egress_only_internet_gateway(Context& cx, Value& item);
void read_nat_gateway(Context& cx, Value& item);
void read_elastic_ip(Context& cx, Value& item);
void read_prefix_list(Context& cx, Value& item);
void read_vpc_peering_connection(Context& cx, Value& item);
void read_vpc_endpoint(Context& cx, Value& item);

// native_yaml_interfaces.cc
void read_instance(Context& cx, Value& item);
// `tags:` of an instance, network interface or security group: only `cloudtwin:ignore` is read
// (model::IgnoreTag: "RULE reason", silencing a finding); the Name tag is written as `name`.
void read_ignore_tag(Context& cx, Fields& f, model::Kind kind, const std::string& id);
void read_network_interface(Context& cx, Value& item);

// native_yaml_filters.cc
void read_security_group(Context& cx, Value& item);
void read_network_acl(Context& cx, Value& item);

// native_yaml_transit.cc
void read_transit_gateway(Context& cx, Value& item);
void read_transit_gateway_route_table(Context& cx, Value& item);
void read_transit_gateway_attachment(Context& cx, Value& item);

// native_yaml_hybrid.cc
void read_vpn_gateway(Context& cx, Value& item);
void read_customer_gateway(Context& cx, Value& item);
void read_vpn_connection(Context& cx, Value& item);
void read_direct_connect_gateway(Context& cx, Value& item);
void read_direct_connect_connection(Context& cx, Value& item);
void read_direct_connect_lag(Context& cx, Value& item);
void read_virtual_interface(Context& cx, Value& item);
void read_on_premises_network(Context& cx, Value& item);

// native_yaml_load_balancing.cc
void read_load_balancer(Context& cx, Value& item);
void read_target_group(Context& cx, Value& item);
void read_launch_template(Context& cx, Value& item);
void read_auto_scaling_group(Context& cx, Value& item);
void read_vpc_endpoint_service(Context& cx, Value& item);
// native_yaml_firewall.cc
void read_firewall(Context& cx, Value& item);
void read_firewall_policy(Context& cx, Value& item);
void read_firewall_rule_group(Context& cx, Value& item);
// native_yaml_route53.cc
void read_delegation_set(Context& cx, Value& item);
void read_health_check(Context& cx, Value& item);
void read_cidr_collection(Context& cx, Value& item);
void read_hosted_zone(Context& cx, Value& item);
// native_yaml_cloudfront.cc: `config` in CloudFormation's shape
void read_cloudfront_distribution(Context& cx, Value& item);
void read_cache_policy(Context& cx, Value& item);
void read_origin_request_policy(Context& cx, Value& item);
void read_response_headers_policy(Context& cx, Value& item);
void read_cloudfront_public_key(Context& cx, Value& item);
void read_cloudfront_key_group(Context& cx, Value& item);

// Shared field checks.
// `account:` is a 12-digit AWS account id; `region:` an AWS Region name like us-east-1.
std::string read_account(Value v);
std::string read_region(Value v);
// amazon_side_asn / bgp_asn: a 2- or 4-byte ASN.
std::optional<std::uint32_t> read_asn(Value v);

}  // namespace cloudtwin::load::yaml
