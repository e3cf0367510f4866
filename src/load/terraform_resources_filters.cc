// Security groups and their rules, network ACLs and their rules and associations, network
// interfaces and their attachments, and instances with the primary interface each one has (as
// cloudformation_resources_filters.cc).
#include <algorithm>
#include <set>

#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using json::Value;
using model::Index;
using model::Kind;
using model::Ref;

namespace {

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

}  // namespace

std::optional<Protocol> Mapper::protocol(const Value& v, std::string_view field) {
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
bool Mapper::ports(Protocol p, const Value& from_v, const Value& to_v, PortRange& ports, int& type,
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
std::vector<model::SecurityGroupRule> Mapper::sg_rules(const Value& item, const std::string& self) {
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

std::optional<model::NetworkAclEntry> Mapper::acl_entry(const Value& item,
                                                        std::string_view number_key,
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

void Mapper::security_group(Res& res, bool is_default) {
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

void Mapper::add_sg_rules(Res& res, Ref group, bool egress,
                          std::vector<model::SecurityGroupRule> rules) {
  if (group.empty() || rules.empty()) return;
  pending.push_back([this, group, egress, rules = std::move(rules), address = res.address] {
    auto i = find(Kind::kSecurityGroup, group, address);
    if (!i) return;
    auto& list = egress ? net.security_groups[*i].egress : net.security_groups[*i].ingress;
    for (auto r : rules) {
      // `self` of a split rule names the group it belongs to.
      if (r.security_group.text == "\x01self") r.security_group.text = net.security_groups[*i].id;
      // The group's inline blocks list split rules too (state refresh reads every rule).
      if (std::none_of(list.begin(), list.end(), [&](const auto& x) { return same_rule(x, r); })) {
        list.push_back(r);
      }
    }
  });
}

void Mapper::security_group_rule(Res& res) {
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
        ports(*p, res.v.get("from_port"), res.v.get("to_port"), r.ports, r.icmp_type, r.icmp_code);
        r.security_group = src.front();
        r.at = res.at;
        rules.push_back(r);
      }
    }
    return add_sg_rules(res, group, *type == "egress", std::move(rules));
  }
  add_sg_rules(res, group, *type == "egress", sg_rules(res.v, "\x01self"));
}

void Mapper::vpc_security_group_rule(Res& res, bool egress) {
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
    rd.error(res.offset, res.address,
             "the rule needs cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id");
    return;
  }
  if (auto d = str(res, "description")) r.description = *d;
  add_sg_rules(res, group, egress, {r});
}

void Mapper::network_acl(Res& res, bool is_default) {
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

void Mapper::network_acl_rule(Res& res) {
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

void Mapper::network_acl_association(Res& res) {
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

void Mapper::network_interface(Res& res) {
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

void Mapper::eni_attachment(Res& res) {
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

void Mapper::eni_sg_attachment(Res& res) {
  rd.set_resource(res.address);
  Ref eni = ref(res, "network_interface_id", {"aws_network_interface"});
  Ref sg = ref(res, "security_group_id", {"aws_security_group"});
  if (eni.empty() || sg.empty()) return;
  pending.push_back([this, eni, sg, address = res.address] {
    if (auto i = find(Kind::kNetworkInterface, eni, address)) {
      auto& list = net.network_interfaces[*i].security_groups;
      if (std::none_of(list.begin(), list.end(), [&](const Ref& r) { return r.text == sg.text; })) {
        list.push_back(sg);
      }
    }
  });
}

void Mapper::instance(Res& res) {
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
    if (auto a = rd.address(s, "secondary_private_ips", Family::kV4)) eni.private_ips.push_back(*a);
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
          e.public_ip =
              placeholder_ip(offset, address, "public_ip",
                             " (its subnet " + subnet.text + " sets map_public_ip_on_launch)");
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

std::span<const Handler> filter_types() {
  using Res = Mapper::Res;
  static constexpr Handler kTypes[] = {
      {"aws_security_group", [](Mapper& m, Res& r) { m.security_group(r, false); }},
      {"aws_default_security_group", [](Mapper& m, Res& r) { m.security_group(r, true); }},
      {"aws_security_group_rule", [](Mapper& m, Res& r) { m.security_group_rule(r); }},
      {"aws_vpc_security_group_ingress_rule",
       [](Mapper& m, Res& r) { m.vpc_security_group_rule(r, false); }},
      {"aws_vpc_security_group_egress_rule",
       [](Mapper& m, Res& r) { m.vpc_security_group_rule(r, true); }},
      {"aws_network_acl", [](Mapper& m, Res& r) { m.network_acl(r, false); }},
      {"aws_default_network_acl", [](Mapper& m, Res& r) { m.network_acl(r, true); }},
      {"aws_network_acl_rule", [](Mapper& m, Res& r) { m.network_acl_rule(r); }},
      {"aws_network_acl_association", [](Mapper& m, Res& r) { m.network_acl_association(r); }},
      {"aws_network_interface", [](Mapper& m, Res& r) { m.network_interface(r); }},
      {"aws_network_interface_attachment", [](Mapper& m, Res& r) { m.eni_attachment(r); }},
      {"aws_network_interface_sg_attachment", [](Mapper& m, Res& r) { m.eni_sg_attachment(r); }},
      {"aws_instance", [](Mapper& m, Res& r) { m.instance(r); }},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
