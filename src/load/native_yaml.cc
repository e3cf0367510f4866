// The native YAML reader's entry points and the file's top level: defaults, then one list per
// resource kind handed to its reader.
#include "cloudtwin/load/native_yaml.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>

#include "native_yaml_readers.h"

namespace cloudtwin::load {
namespace yaml {
namespace {

struct Section {
  std::string_view key;
  void (*read)(Context&, Value&);
};

// Instances come before network_interfaces so that an instance's shorthand interface is its
// first, hence primary, one.
constexpr Section kSections[] = {
    {"vpcs", read_vpc},
    {"subnets", read_subnet},
    {"route_tables", read_route_table},
    {"internet_gateways", read_internet_gateway},
    {"egress_only_internet_gateways", read_egress_only_internet_gateway},
    {"nat_gateways", read_nat_gateway},
    {"elastic_ips", read_elastic_ip},
    {"instances", read_instance},
    {"network_interfaces", read_network_interface},
    {"security_groups", read_security_group},
    {"network_acls", read_network_acl},
    {"prefix_lists", read_prefix_list},
    {"vpc_peering_connections", read_vpc_peering_connection},
    {"transit_gateways", read_transit_gateway},
    {"transit_gateway_route_tables", read_transit_gateway_route_table},
    {"transit_gateway_attachments", read_transit_gateway_attachment},
    {"vpc_endpoints", read_vpc_endpoint},
    {"vpn_gateways", read_vpn_gateway},
    {"customer_gateways", read_customer_gateway},
    {"vpn_connections", read_vpn_connection},
    {"direct_connect_gateways", read_direct_connect_gateway},
    {"direct_connect_connections", read_direct_connect_connection},
    {"direct_connect_lags", read_direct_connect_lag},
    {"virtual_interfaces", read_virtual_interface},
    {"on_premises_networks", read_on_premises_network},
    {"launch_templates", read_launch_template},
    {"target_groups", read_target_group},
    {"load_balancers", read_load_balancer},
    {"auto_scaling_groups", read_auto_scaling_group},
    {"vpc_endpoint_services", read_vpc_endpoint_service},
    {"firewall_rule_groups", read_firewall_rule_group},
    {"firewall_policies", read_firewall_policy},
    {"firewalls", read_firewall},
    {"health_checks", read_health_check},
    {"cidr_collections", read_cidr_collection},
    {"delegation_sets", read_delegation_set},
    {"hosted_zones", read_hosted_zone},
    {"cache_policies", read_cache_policy},
    {"origin_request_policies", read_origin_request_policy},
    {"response_headers_policies", read_response_headers_policy},
    {"cloudfront_public_keys", read_cloudfront_public_key},
    {"cloudfront_key_groups", read_cloudfront_key_group},
    {"cloudfront_distributions", read_cloudfront_distribution},
};

constexpr const char* kTopLevelHint =
    "a network file is a mapping with lists like `vpcs:` and `subnets:` (see docs/format.md)";

bool is_region(std::string_view r) {
  // <area>-<word>...-<number>, e.g. us-east-1, us-gov-west-1, ap-southeast-3.
  std::size_t parts = 0;
  std::size_t start = 0;
  while (start <= r.size()) {
    auto end = r.find('-', start);
    if (end == std::string_view::npos) end = r.size();
    const auto part = r.substr(start, end - start);
    if (part.empty()) return false;
    const bool last = end == r.size();
    for (char c : part) {
      if (last ? !(c >= '0' && c <= '9') : !(c >= 'a' && c <= 'z')) return false;
    }
    ++parts;
    start = end + 1;
  }
  return parts >= 3;
}

void read_document(Context& cx, const Node& doc) {
  if (!doc.is_mapping()) {
    cx.error(cx.at(doc).line ? cx.at(doc) : Location{cx.file, 1, 1}, "",
             std::string("a network file must be a mapping, not ") +
                 (doc.is_sequence() ? "a list" : "`" + std::string(doc.scalar()) + "`"),
             kTopLevelHint);
    return;
  }
  std::vector<std::string_view> known{"account", "region"};
  for (const auto& s : kSections) known.push_back(s.key);
  Fields top(cx, &doc, "a network file", std::move(known), "", Location{cx.file, 1, 1});
  top.allow_extension_prefix("x-");
  top.check();
  cx.account = top.has("account") ? read_account(top.get("account")) : "";
  cx.region = top.has("region") ? read_region(top.get("region")) : "";
  for (const auto& section : kSections) {
    std::size_t i = 0;
    for (auto& item : top.get(section.key).items()) {
      Value labelled(cx, item.node(), item.field(), item.at(),
                     std::string(section.key) + "[" + std::to_string(i++) + "]");
      section.read(cx, labelled);
    }
  }
}

}  // namespace

std::string read_account(Value v) {
  auto s = v.text();
  if (!s) return "";
  const bool digits = s->size() == 12 && s->find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    v.error("`" + v.field() + "`: `" + *s + "` is not an AWS account id",
            "an account id is 12 digits; quote it if it starts with 0");
    return "";
  }
  return *s;
}

std::string read_region(Value v) {
  auto s = v.text();
  if (!s) return "";
  if (!is_region(*s)) {
    v.error("`" + v.field() + "`: `" + *s + "` is not an AWS Region", "write it like us-east-1");
    return "";
  }
  return *s;
}

std::optional<std::uint32_t> read_asn(Value v) {
  // 4294967295 is reserved (RFC 7300).
  auto n = v.integer(1, 4294967294);
  if (!n) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

}  // namespace yaml

bool read_native_yaml(std::string_view text, const std::string& path, model::Network& network,
                      Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.error_count();
  yaml::Context cx{network, diagnostics, path, network.add_file(path), {}, {}};
  try {
    const yaml::Document yaml = yaml::Document::parse(text);
    if (const auto& e = yaml.error()) {
      // Nothing of a file that is not YAML is read, not even the documents before the error.
      cx.error({cx.file, e->at.line, e->at.column}, "", "YAML syntax error: " + e->message,
               e->hint);
      return false;
    }
    bool any = false;
    for (const yaml::Node* doc : yaml.roots()) {
      if (doc->is_null()) continue;  // an empty document between `---` markers
      any = true;
      yaml::read_document(cx, *doc);
    }
    if (!any) cx.error({cx.file, 1, 1}, "", "the file is empty", yaml::kTopLevelHint);
  } catch (const std::bad_alloc&) {
    cx.error({cx.file, 0, 0}, "", "cannot read the file: out of memory");
  }
  return diagnostics.error_count() == errors_before;
}

bool read_native_yaml_file(const std::string& path, model::Network& network,
                           Diagnostics& diagnostics) {
  auto fail = [&](std::string message) {
    diagnostics.error(path, {network.add_file(path), 0, 0}, "", std::move(message));
    return false;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open: ") + std::strerror(errno));
  // One buffer of the file's size: a large network is read without the copies of a stream.
  std::string text;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) text.reserve(size);
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return fail(std::string("cannot read: ") + std::strerror(errno));
  return read_native_yaml(text, path, network, diagnostics);
}

}  // namespace cloudtwin::load
