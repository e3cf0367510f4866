// Readers for network interfaces and instances. An instance with a `subnet` describes its primary
// network interface inline; the reader turns that shorthand into a NetworkInterface.
#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {
namespace {

// The instance fields that describe its primary network interface.
constexpr std::string_view kShorthandKeys[] = {
    "private_ip",      "private_ips",       "ipv6_addresses",  "public_ip",
    "security_groups", "source_dest_check", "ephemeral_ports", "os"};

// The fields a network interface and the instance shorthand share.
void read_interface_fields(Fields& f, model::NetworkInterface& eni) {
  eni.subnet = f.require("subnet").ref();
  if (f.has("private_ip") && f.has("private_ips")) {
    f.error_at("private_ips", "write either `private_ip` or `private_ips`, not both",
               "`private_ips` lists every private IPv4 address, the primary first");
  }
  if (auto a = f.get("private_ip").address(Family::kV4)) {
    eni.private_ips.push_back(*a);
  } else if (!f.has("private_ip")) {
    eni.private_ips = f.addresses("private_ips", Family::kV4);
  }
  eni.ipv6_addresses = f.addresses("ipv6_addresses", Family::kV6);
  eni.public_ip = f.get("public_ip").address(Family::kV4);
  eni.security_groups = f.refs("security_groups");
  if (auto b = f.get("source_dest_check").boolean()) eni.source_dest_check = *b;
  if (auto p = f.get("ephemeral_ports").port_range()) eni.ephemeral_ports = *p;
}

}  // namespace

void read_ignore_tag(Context& cx, Fields& f, model::Kind kind, const std::string& id) {
  if (!f.has("tags")) return;
  Fields tags = f.get("tags").fields({"cloudtwin:ignore"});
  tags.check();
  if (!tags.is_mapping()) return;
  Value v = tags.get("cloudtwin:ignore");
  if (auto text = v.text()) cx.network.ignore_tags.push_back({kind, id, *text, v.at()});
}

void read_network_interface(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "subnet", "private_ip", "private_ips", "ipv6_addresses",
                          "public_ip", "security_groups", "source_dest_check", "instance",
                          "interface_type", "status", "ephemeral_ports", "tags"});
  auto& eni = add_resource(f, cx.network.network_interfaces, "eni-");
  if (!f.is_mapping()) return;
  read_ignore_tag(cx, f, model::Kind::kNetworkInterface, eni.id);
  read_interface_fields(f, eni);
  eni.instance = f.get("instance").ref();
  if (auto t = f.get("interface_type").text()) eni.interface_type = *t;
  if (auto s =
          f.get("status").choice({"available", "associated", "attaching", "in-use", "detaching"})) {
    eni.status = *s;
  }
}

void read_instance(Context& cx, Value& item) {
  std::vector<std::string_view> known{"id", "name", "state", "subnet", "tags"};
  known.insert(known.end(), std::begin(kShorthandKeys), std::end(kShorthandKeys));
  Fields f = item.fields(std::move(known));
  auto& instance = add_resource(f, cx.network.instances, "i-");
  if (!f.is_mapping()) return;
  read_ignore_tag(cx, f, model::Kind::kInstance, instance.id);
  if (auto s = f.get("state").choice(
          {"pending", "running", "shutting-down", "terminated", "stopping", "stopped"})) {
    instance.state = *s;
  }
  if (!f.has("subnet")) {
    for (auto key : kShorthandKeys) {
      if (!f.has(key)) continue;
      f.error_at(key,
                 "`" + std::string(key) +
                     "` describes the instance's primary network interface, which needs `subnet`",
                 "add `subnet`, or declare the interface under `network_interfaces` with "
                 "`instance: " +
                     instance.id + "`");
    }
    return;
  }

  model::NetworkInterface eni;
  const std::string& id = instance.id;
  eni.id = "eni-" + (id.starts_with("i-") ? id.substr(2) : id);
  eni.name = instance.name;
  eni.at = instance.at;
  eni.instance = {id, instance.at};
  read_interface_fields(f, eni);
  if (auto os = f.get("os").choice({"linux", "windows"}); os && !f.has("ephemeral_ports")) {
    eni.ephemeral_ports = *os == "linux" ? kLinuxEphemeralPorts : kWindowsEphemeralPorts;
  }
  // Without an id the instance is already in error; an interface named after nothing would
  // only add noise.
  if (!id.empty()) cx.network.network_interfaces.push_back(std::move(eni));
}

}  // namespace cloudtwin::load::yaml
