// Security groups (inline rules and AWS::EC2::SecurityGroupIngress/Egress), network ACLs with
// their entries and associations, network interfaces and instances.
#include <algorithm>
#include <cstdlib>

#include "cloudformation_mapper.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;

constexpr auto kReq = Need::kRequired;

// Required when written (an unknown value leaves the resource out); AWS::NoValue is not written.
Need if_present(Props& p, std::string_view key) {
  return p.has(key) && !p.get(key).is_null() ? Need::kRequired : Need::kOptional;
}

std::string suffix(const std::string& id) { return id.substr(id.find('-') + 1); }

model::SecurityGroupRule allow_all(Family family, Location at) {
  model::SecurityGroupRule rule;
  rule.protocol = Protocol(Protocol::kAll);
  rule.cidr = Prefix::any(family);
  rule.at = at;
  rule.implicit = true;
  return rule;
}

}  // namespace

void Mapper::read_rule(Props& p, bool egress, std::vector<model::SecurityGroupRule>& out) {
  model::SecurityGroupRule rule;
  rule.at = p.at();
  Value proto_value = p.get("IpProtocol");
  auto proto_text = p.text("IpProtocol", kReq);
  auto from = p.integer("FromPort", -1, 65535);
  auto to = p.integer("ToPort", -1, 65535);
  if (auto d = p.text("Description")) rule.description = *d;
  if (proto_text) {
    if (auto proto = Protocol::parse(*proto_text)) {
      rule.protocol = *proto;
    } else {
      s_.error(proto_value.at, p.resource().logical_id,
               "IpProtocol `" + *proto_text + "` is not a protocol",
               "write tcp, udp, icmp, icmpv6, -1 or a protocol number");
      return;
    }
  }
  if (rule.protocol.has_ports()) {
    // security-group-rules.html: -1 (or no ports) means every port.
    if (from && to && *from >= 0 && *to >= 0) {
      if (*from > *to) {
        s_.error(
            rule.at, p.resource().logical_id,
            "FromPort " + std::to_string(*from) + " is greater than ToPort " + std::to_string(*to));
        return;
      }
      rule.ports = {static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)};
    }
  } else if (rule.protocol.is_icmp()) {
    // For ICMP, FromPort is the type and ToPort the code.
    rule.icmp_type = static_cast<int>(from.value_or(-1));
    rule.icmp_code = static_cast<int>(to.value_or(-1));
  }
  const std::string_view list_key = egress ? "DestinationPrefixListId" : "SourcePrefixListId";
  const std::string_view group_key =
      egress ? "DestinationSecurityGroupId" : "SourceSecurityGroupId";
  if (p.has("CidrIp")) {
    rule.cidr = p.prefix("CidrIp", Family::kV4, kReq);
  } else if (p.has("CidrIpv6")) {
    rule.cidr = p.prefix("CidrIpv6", Family::kV6, kReq);
  } else if (p.has(list_key)) {
    rule.prefix_list = p.ref(list_key, {Kind::kPrefixList}, kReq);
  } else if (p.has(group_key)) {
    rule.security_group = p.ref(group_key, {Kind::kSecurityGroup}, kReq);
  } else if (!egress && p.has("SourceSecurityGroupName")) {
    p.unusable("SourceSecurityGroupName",
               "a group named rather than referenced lives in the default VPC, which the "
               "template does not describe",
               kReq, rule.at);
  } else {
    s_.error(rule.at, p.resource().logical_id,
             std::string("a security group rule needs a peer: CidrIp, CidrIpv6, ") +
                 std::string(list_key) + " or " + std::string(group_key));
    return;
  }
  if (p.failed()) {
    if (std::string why = p.take_left_out(); !why.empty()) {
      s_.warning(rule.at, p.resource().logical_id,
                 "a security group rule of " + p.resource().logical_id + " is left out: " + why);
    }
    return;
  }
  out.push_back(std::move(rule));
}

bool Mapper::security_group(const ResourceDecl& r) {
  Props p(*this, r);
  if (!p.has("VpcId")) {
    p.unusable("VpcId",
               "without VpcId the group is in the default VPC, which the template does not "
               "describe",
               kReq, p.at());
    return p.skip();
  }
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  auto name = p.text("GroupName");
  if (p.failed()) return p.skip();
  auto& sg = add(r, n_.security_groups, Kind::kSecurityGroup);
  sg.vpc = vpc;
  // CloudFormation names an unnamed group <stack>-<logical id>-<suffix>.
  sg.group_name = name.value_or(s_.stack_name() + "-" + r.logical_id);
  return true;
}

// Inline rules are read once every group exists, since a rule may name another group.
bool Mapper::security_group_rules(const ResourceDecl& r) {
  auto key = mapped(r.logical_id);
  if (!key) return false;
  Props p(*this, r);
  Value ingress = p.get("SecurityGroupIngress");
  Value egress = p.get("SecurityGroupEgress");
  std::vector<model::SecurityGroupRule> in, out;
  for (const auto& item : ingress.items) {
    Props rp(*this, r, &item);
    read_rule(rp, false, in);
  }
  for (const auto& item : egress.items) {
    Props rp(*this, r, &item);
    read_rule(rp, true, out);
  }
  auto& sg = n_.security_groups[key->index];
  sg.ingress.insert(sg.ingress.end(), in.begin(), in.end());
  if (egress.items.empty()) {
    // AWS::EC2::SecurityGroup: without SecurityGroupEgress, AWS's default rule allowing all
    // outbound traffic stays (aws-vpc.md 1.2); declaring egress rules replaces it.
    sg.egress.push_back(allow_all(Family::kV4, sg.at));
    sg.egress.push_back(allow_all(Family::kV6, sg.at));
  }
  sg.egress.insert(sg.egress.end(), out.begin(), out.end());
  return true;
}

bool Mapper::security_group_rule(const ResourceDecl& r) {
  const bool egress = r.type == "AWS::EC2::SecurityGroupEgress";
  Props p(*this, r);
  model::Ref group;
  if (p.has("GroupId") || egress) {
    group = p.ref("GroupId", {Kind::kSecurityGroup}, kReq);
  } else {
    // GroupName names a group of the default VPC.
    p.unusable("GroupName", "a group named rather than referenced lives in the default VPC", kReq,
               p.at());
  }
  if (p.failed()) return p.skip();
  auto* sg_p = target(n_.security_groups, Kind::kSecurityGroup, group, r);
  if (!sg_p) return false;
  auto& sg = *sg_p;
  Value all = s_.eval(*r.properties);
  Props rp(*this, r, &all);
  // A separate egress rule adds to the group's rules; AWS's default egress rule stays.
  read_rule(rp, egress, egress ? sg.egress : sg.ingress);
  return true;
}

bool Mapper::network_acl(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  if (p.failed()) return p.skip();
  add(r, n_.network_acls, Kind::kNetworkAcl).vpc = vpc;
  return true;
}

bool Mapper::network_acl_entry(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref acl = p.ref("NetworkAclId", {Kind::kNetworkAcl}, kReq);
  auto number = p.integer("RuleNumber", 1, 32766, kReq);
  auto protocol = p.integer("Protocol", -1, 255, kReq);
  auto action = p.text("RuleAction", kReq);
  auto egress = p.boolean("Egress");
  std::optional<Prefix> cidr = p.has("Ipv6CidrBlock") ? p.prefix("Ipv6CidrBlock", Family::kV6, kReq)
                                                      : p.prefix("CidrBlock", Family::kV4, kReq);
  Value ports = p.get("PortRange");
  Value icmp = p.get("Icmp");
  if (action && *action != "allow" && *action != "deny") {
    s_.error(p.at(), r.logical_id, "RuleAction must be allow or deny, not `" + *action + "`");
    return false;
  }
  if (p.failed()) return p.skip();
  model::NetworkAclEntry e;
  e.rule_number = static_cast<int>(*number);
  e.protocol = Protocol(static_cast<int>(*protocol));
  e.allow = *action == "allow";
  e.cidr = *cidr;
  e.at = s_.at(*r.key);
  if (e.protocol.has_ports() && ports.is_map()) {
    Props pp(*this, r, &ports);
    auto from = pp.integer("From", 0, 65535, kReq);
    auto to = pp.integer("To", 0, 65535, kReq);
    if (from && to && *from <= *to) {
      e.ports = {static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)};
    } else if (from && to) {
      s_.error(ports.at, r.logical_id, "PortRange From is greater than To");
      return false;
    }
  }
  if (e.protocol.is_icmp() && icmp.is_map()) {
    Props ip(*this, r, &icmp);
    e.icmp_type = static_cast<int>(ip.integer("Type", -1, 255).value_or(-1));
    e.icmp_code = static_cast<int>(ip.integer("Code", -1, 255).value_or(-1));
  }
  auto* list = target(n_.network_acls, Kind::kNetworkAcl, acl, r);
  if (!list) return false;
  (egress.value_or(false) ? list->egress : list->ingress).push_back(e);
  return true;
}

bool Mapper::subnet_network_acl_association(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref acl = p.ref("NetworkAclId", {Kind::kNetworkAcl}, kReq);
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  if (p.failed()) return p.skip();
  if (auto* t = target(n_.network_acls, Kind::kNetworkAcl, acl, r)) t->subnets.push_back(subnet);
  return true;
}

namespace {

// PrivateIpAddress and PrivateIpAddresses [{PrivateIpAddress, Primary}], the primary first.
std::vector<IpAddress> private_addresses(Props& p) {
  std::vector<IpAddress> out;
  if (auto a = p.address("PrivateIpAddress", Family::kV4, if_present(p, "PrivateIpAddress"))) {
    out.push_back(*a);
  }
  Value list = p.get("PrivateIpAddresses");
  for (const auto& item : list.items) {
    const Value* ip = item.get("PrivateIpAddress");
    const Value* primary = item.get("Primary");
    if (!ip || !ip->is_string()) continue;
    auto a = IpAddress::parse(ip->text);
    if (!a || std::find(out.begin(), out.end(), *a) != out.end()) continue;
    const bool is_primary = primary && primary->is_string() && primary->text == "true";
    if (is_primary) {
      out.insert(out.begin(), *a);
    } else {
      out.push_back(*a);
    }
  }
  return out;
}

}  // namespace

bool Mapper::network_interface(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  auto ips = private_addresses(p);
  auto groups = p.refs("GroupSet", {Kind::kSecurityGroup});
  auto check = p.boolean("SourceDestCheck");
  if (p.has("SecondaryPrivateIpAddressCount") && s_.warn_once("secondary:" + r.logical_id)) {
    s_.warning(p.at(), r.logical_id,
               "SecondaryPrivateIpAddressCount: AWS chooses those addresses; only the written "
               "addresses are modelled");
  }
  if (p.failed()) return p.skip();
  auto& eni = add(r, n_.network_interfaces, Kind::kNetworkInterface);
  eni.subnet = subnet;
  eni.private_ips = std::move(ips);
  eni.security_groups = std::move(groups);
  if (check) eni.source_dest_check = *check;
  eni.status = "available";
  return true;
}

bool Mapper::network_interface_attachment(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref instance = p.ref("InstanceId", {Kind::kInstance}, kReq);
  model::Ref eni = p.ref("NetworkInterfaceId", {Kind::kNetworkInterface}, kReq);
  if (p.failed()) return p.skip();
  auto* e_p = target(n_.network_interfaces, Kind::kNetworkInterface, eni, r);
  if (!e_p) return false;
  auto& e = *e_p;
  e.instance = instance;
  e.status = "in-use";
  return true;
}

void Mapper::instance_interface(const ResourceDecl& r, const Value& spec, std::size_t position,
                                const std::string& instance_id) {
  Props p(*this, r, &spec);
  if (p.has("NetworkInterfaceId")) {
    model::Ref eni = p.ref("NetworkInterfaceId", {Kind::kNetworkInterface}, kReq);
    if (p.failed()) {
      if (auto why = p.take_left_out(); !why.empty()) {
        s_.warning(spec.at, r.logical_id,
                   "a network interface of " + r.logical_id + " is left out: " + why);
      }
      return;
    }
    if (auto* e = target(n_.network_interfaces, Kind::kNetworkInterface, eni, r)) {
      e->instance = {instance_id, spec.at};
      e->status = "in-use";
    }
    return;
  }
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  auto ips = private_addresses(p);
  auto groups = p.refs("GroupSet", {Kind::kSecurityGroup});
  auto public_ip = p.boolean("AssociatePublicIpAddress");
  auto device = p.integer("DeviceIndex", 0, 64);
  if (p.failed()) {
    if (auto why = p.take_left_out(); !why.empty()) {
      s_.warning(spec.at, r.logical_id,
                 "a network interface of " + r.logical_id + " is left out: " + why);
    }
    return;
  }
  model::NetworkInterface eni;
  eni.id = "eni-" + suffix(instance_id) + (position == 0 ? "" : "-" + std::to_string(position));
  eni.name = r.logical_id + (position == 0 ? "" : "-eth" + std::to_string(device.value_or(0)));
  eni.at = spec.at;
  eni.subnet = subnet;
  eni.private_ips = std::move(ips);
  eni.security_groups = std::move(groups);
  eni.instance = {instance_id, spec.at};
  // AWS assigns a public IPv4 address at launch to device 0 when asked to, or when the subnet
  // maps public addresses on launch and the interface does not say otherwise.
  if (device.value_or(0) == 0 &&
      public_ip.value_or(map_public_ip_.contains(subnet.text) && map_public_ip_[subnet.text])) {
    eni.public_ip = s_.allocate_public_ip(eni.id);
  }
  n_.network_interfaces.push_back(std::move(eni));
}

bool Mapper::instance(const ResourceDecl& r) {
  Props p(*this, r);
  Value nics = p.get("NetworkInterfaces");
  if (!p.has("SubnetId") && !nics.is_list()) {
    p.unusable("SubnetId",
               "an instance without SubnetId or NetworkInterfaces is launched in the default "
               "VPC, which the template does not describe",
               kReq, p.at());
    return p.skip();
  }
  model::Ref subnet;
  std::vector<IpAddress> ips;
  std::vector<model::Ref> groups;
  if (p.has("SubnetId")) {
    subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
    if (auto a = p.address("PrivateIpAddress", Family::kV4, if_present(p, "PrivateIpAddress"))) {
      ips.push_back(*a);
    }
    groups = p.refs("SecurityGroupIds", {Kind::kSecurityGroup});
    auto named = p.refs("SecurityGroups", {Kind::kSecurityGroup});
    groups.insert(groups.end(), named.begin(), named.end());
  }
  auto check = p.boolean("SourceDestCheck");
  if (p.failed()) return p.skip();
  auto& inst = add(r, n_.instances, Kind::kInstance);
  const std::string id = inst.id;
  const std::string name = inst.name;
  const Location at = inst.at;
  if (!subnet.empty()) {
    model::NetworkInterface eni;
    eni.id = "eni-" + suffix(id);
    eni.name = name;
    eni.at = at;
    eni.subnet = subnet;
    eni.private_ips = std::move(ips);
    eni.security_groups = std::move(groups);
    eni.instance = {id, at};
    if (map_public_ip_.contains(subnet.text) && map_public_ip_[subnet.text]) {
      eni.public_ip = s_.allocate_public_ip(eni.id);
    }
    n_.network_interfaces.push_back(std::move(eni));
  }
  // The primary interface is device 0, whatever order the list is written in.
  std::vector<const Value*> specs;
  for (const auto& spec : nics.items) specs.push_back(&spec);
  auto device = [](const Value* v) {
    const Value* d = v->get("DeviceIndex");
    return d && d->is_string() ? std::atoi(d->text.c_str()) : 64;
  };
  std::stable_sort(specs.begin(), specs.end(),
                   [&](const Value* a, const Value* b) { return device(a) < device(b); });
  for (std::size_t i = 0; i < specs.size(); ++i) instance_interface(r, *specs[i], i, id);
  // SourceDestCheck on the instance is that of its primary interface, which finalize() takes
  // to be the first one attached.
  if (check) {
    for (auto& e : n_.network_interfaces) {
      if (e.instance.text == id) {
        e.source_dest_check = *check;
        break;
      }
    }
  }
  return true;
}

}  // namespace cloudtwin::load::cfn
