// Security groups (inline rules and AWS::EC2::SecurityGroupIngress/Egress), network ACLs with
// their entries and associations, network interfaces and instances.
#include <algorithm>
#include <cstdlib>
#include <map>

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

// Whether one of `keys` of a nested mapping is unknown; the first reason goes to `why`.
bool unknown_in_map(Props& p, std::initializer_list<std::string_view> keys, std::string& why) {
  bool any = false;
  for (auto k : keys) {
    std::string w = p.unknown(k);
    if (w.empty()) continue;
    if (why.empty()) why = w;
    any = true;
  }
  return any;
}

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
  // Why the rule may match more than it says: a value unknown offline or a parameter's
  // stand-in. Such a rule is kept with its widest reading and `unknown` set, so answers that
  // depend on it are inconclusive (leaving it out would understate what the group allows).
  std::string unknown;
  auto unknown_in = [&](std::string_view key) {
    std::string why = p.unknown(key);
    if (unknown.empty()) unknown = why;
    return !why.empty();
  };
  if (auto d = p.text("Description")) rule.description = *d;
  if (unknown_in("IpProtocol")) {
    rule.protocol = Protocol(Protocol::kAll);
  } else {
    Value proto_value = p.get("IpProtocol");
    auto proto_text = p.text("IpProtocol", kReq);
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
  }
  const bool ports_unknown = unknown_in("FromPort") || unknown_in("ToPort");
  // -1 stands for "not given" as for "every": both mean every port (every type, code).
  const auto from = ports_unknown ? -1 : p.integer("FromPort", -1, 65535).value_or(-1);
  const auto to = ports_unknown ? -1 : p.integer("ToPort", -1, 65535).value_or(-1);
  if (rule.protocol.has_ports()) {
    // security-group-rules.html: -1 (or no ports) means every port.
    if (from >= 0 && to >= 0) {
      if (from > to) {
        s_.error(rule.at, p.resource().logical_id,
                 "FromPort " + std::to_string(from) + " is greater than ToPort " +
                     std::to_string(to));
        return;
      }
      rule.ports = {static_cast<std::uint16_t>(from), static_cast<std::uint16_t>(to)};
    }
  } else if (rule.protocol.is_icmp()) {
    // For ICMP, FromPort is the type and ToPort the code.
    rule.icmp_type = static_cast<int>(from);
    rule.icmp_code = static_cast<int>(to);
  }
  const std::string_view list_key = egress ? "DestinationPrefixListId" : "SourcePrefixListId";
  const std::string_view group_key =
      egress ? "DestinationSecurityGroupId" : "SourceSecurityGroupId";
  if (p.has("CidrIp")) {
    rule.cidr =
        unknown_in("CidrIp") ? Prefix::any(Family::kV4) : p.prefix("CidrIp", Family::kV4, kReq);
  } else if (p.has("CidrIpv6")) {
    rule.cidr =
        unknown_in("CidrIpv6") ? Prefix::any(Family::kV6) : p.prefix("CidrIpv6", Family::kV6, kReq);
  } else if (p.has(list_key)) {
    if (!unknown_in(list_key)) rule.prefix_list = p.ref(list_key, {Kind::kPrefixList}, kReq);
  } else if (p.has(group_key)) {
    if (!unknown_in(group_key))
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
  if (std::string why = p.take_left_out(); !why.empty() && unknown.empty()) {
    // A peer outside the inputs (another stack's group or prefix list).
    unknown = why;
    rule.prefix_list = {};
    rule.security_group = {};
  }
  if (p.failed()) return;  // an error, reported
  if (!unknown.empty()) {
    rule.unknown = unknown;
    s_.gap(Gap::kUnknownValue, p.resource().type, rule.at, p.resource().logical_id,
           "a security group rule of " + p.resource().logical_id + " is not fully known (" +
               unknown +
               "): it may match any peer, so answers that depend on it are "
               "inconclusive");
  }
  out.push_back(std::move(rule));
}

model::Index Mapper::default_of(const std::string& id) {
  const bool group = id.starts_with("sg-default-");
  if (!group && !id.starts_with("acl-default-")) return model::kNone;
  const std::string vpc_id = "vpc-" + id.substr(group ? 11 : 12);
  const model::Index vi = locate(Kind::kVpc, vpc_id);
  if (vi == model::kNone) return model::kNone;
  if (const model::Index i = locate(group ? Kind::kSecurityGroup : Kind::kNetworkAcl, id);
      i != model::kNone) {
    return i;
  }
  // Created as finalize() creates them (it takes a group or ACL marked default as the VPC's),
  // with AWS's default rules, so that what the template adds applies.
  const auto& v = n_.vpcs[vi];
  const bool ipv6 = !v.ipv6_cidr_blocks.empty();
  const std::string name = (v.name.empty() ? v.id : v.name) + "-default";
  if (group) {
    // default-security-group.html: inbound from members of the group, all outbound.
    model::SecurityGroup sg;
    sg.id = id;
    sg.name = name;
    sg.group_name = "default";
    sg.is_default = true;
    sg.at = v.at;
    sg.vpc = {v.id, v.at};
    model::SecurityGroupRule in;
    in.protocol = Protocol(Protocol::kAll);
    in.security_group = {id, v.at};
    in.at = v.at;
    in.implicit = true;
    sg.ingress.push_back(in);
    sg.egress.push_back(allow_all(Family::kV4, v.at));
    if (ipv6) sg.egress.push_back(allow_all(Family::kV6, v.at));
    n_.security_groups.push_back(std::move(sg));
    return static_cast<model::Index>(n_.security_groups.size() - 1);
  }
  // default-network-acl: rule 100 allows all IPv4 traffic (101 IPv6), in and out.
  model::NetworkAcl acl;
  acl.id = id;
  acl.name = name;
  acl.is_default = true;
  acl.at = v.at;
  acl.vpc = {v.id, v.at};
  for (auto* list : {&acl.ingress, &acl.egress}) {
    for (const Family f : {Family::kV4, Family::kV6}) {
      if (f == Family::kV6 && !ipv6) continue;
      model::NetworkAclEntry e;
      e.rule_number = f == Family::kV4 ? 100 : 101;
      e.protocol = Protocol(Protocol::kAll);
      e.cidr = Prefix::any(f);
      e.allow = true;
      e.at = v.at;
      e.implicit = true;
      list->push_back(e);
    }
  }
  n_.network_acls.push_back(std::move(acl));
  return static_cast<model::Index>(n_.network_acls.size() - 1);
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
  auto action = p.text("RuleAction", kReq);
  auto egress = p.boolean("Egress");
  // As for security group rules: an entry whose protocol, ports or CIDR is not known is kept
  // with its widest reading and `unknown` set (leaving out a deny would overstate reachability).
  std::string unknown;
  auto unknown_in = [&](std::string_view key) {
    std::string why = p.unknown(key);
    if (unknown.empty()) unknown = why;
    return !why.empty();
  };
  auto protocol = unknown_in("Protocol") ? std::optional<std::int64_t>(-1)
                                         : p.integer("Protocol", -1, 255, kReq);
  const bool v6 = p.has("Ipv6CidrBlock");
  const std::string_view cidr_key = v6 ? "Ipv6CidrBlock" : "CidrBlock";
  const Family family = v6 ? Family::kV6 : Family::kV4;
  std::optional<Prefix> cidr =
      unknown_in(cidr_key) ? Prefix::any(family) : p.prefix(cidr_key, family, kReq);
  const bool ports_unknown = unknown_in("PortRange");
  const bool icmp_unknown = unknown_in("Icmp");
  Value ports = ports_unknown ? Value() : p.get("PortRange");
  Value icmp = icmp_unknown ? Value() : p.get("Icmp");
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
    if (unknown_in_map(pp, {"From", "To"}, unknown)) {
      // every port
    } else {
      auto from = pp.integer("From", 0, 65535, kReq);
      auto to = pp.integer("To", 0, 65535, kReq);
      if (from && to && *from <= *to) {
        e.ports = {static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)};
      } else if (from && to) {
        s_.error(ports.at, r.logical_id, "PortRange From is greater than To");
        return false;
      }
    }
  }
  if (e.protocol.is_icmp() && icmp.is_map()) {
    Props ip(*this, r, &icmp);
    if (!unknown_in_map(ip, {"Type", "Code"}, unknown)) {
      e.icmp_type = static_cast<int>(ip.integer("Type", -1, 255).value_or(-1));
      e.icmp_code = static_cast<int>(ip.integer("Code", -1, 255).value_or(-1));
    }
  }
  auto* list = target(n_.network_acls, Kind::kNetworkAcl, acl, r);
  if (!list) return false;
  if (!unknown.empty()) {
    e.unknown = unknown;
    s_.gap(Gap::kUnknownValue, r.type, e.at, r.logical_id,
           "network ACL entry " + r.logical_id + " is not fully known (" + unknown +
               "): it may match any peer, so answers that depend on it are inconclusive");
  }
  auto& entries = egress.value_or(false) ? list->egress : list->ingress;
  for (const auto& other : entries) {
    if (other.implicit && other.rule_number == e.rule_number) {
      // CreateNetworkAclEntry refuses a rule number the ACL already has (the default network
      // ACL's rule 100): NetworkAclEntryAlreadyExists.
      s_.error(e.at, r.logical_id,
               "rule number " + std::to_string(e.rule_number) + " is already taken in " + list->id +
                   " (AWS's default entry)",
               "choose another rule number");
      return false;
    }
  }
  entries.push_back(e);
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
// An address from a parameter's stand-in is not used (finalize() picks a free one) and marks
// the interface as depending on the parameter.
std::vector<IpAddress> private_addresses(Props& p) {
  std::vector<IpAddress> out;
  if (Value v = p.get("PrivateIpAddress"); !v.stand_in.empty()) {
    p.note(v);
  } else if (auto a =
                 p.address("PrivateIpAddress", Family::kV4, if_present(p, "PrivateIpAddress"))) {
    out.push_back(*a);
  }
  Value list = p.get("PrivateIpAddresses");
  p.note(list);
  for (const auto& item : list.items) {
    const Value* ip = item.get("PrivateIpAddress");
    const Value* primary = item.get("Primary");
    if (!ip || !ip->is_string()) continue;
    if (!ip->stand_in.empty()) {
      p.note(*ip);
      continue;
    }
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

// Ipv6Addresses [{Ipv6Address}] are read; Ipv6AddressCount (or the subnet's
// AssignIpv6AddressOnCreation) asks AWS to pick addresses, which Mapper::finish() does once every
// subnet's IPv6 block is known.
std::vector<IpAddress> Mapper::ipv6_addresses(Props& p, const std::string& eni_id,
                                              const model::Ref& subnet) {
  std::vector<IpAddress> out;
  Value list = p.get("Ipv6Addresses");
  p.note(list);
  for (const auto& item : list.items) {
    Props ip(*this, p.resource(), &item);
    if (auto a = ip.address("Ipv6Address", Family::kV6, Need::kRequired)) out.push_back(*a);
    if (std::string why = ip.take_left_out(); !why.empty())
      p.unusable("Ipv6Addresses", why, Need::kOptional, item.at);
  }
  auto count = p.integer("Ipv6AddressCount", 0, 64);
  const bool assign = assign_ipv6_.contains(subnet.text) && assign_ipv6_[subnet.text];
  if (out.empty() && (count ? *count > 0 : assign)) {
    ipv6_pending_.push_back({eni_id, subnet.text, static_cast<int>(count.value_or(1)), p.at(),
                             p.resource().logical_id});
  }
  return out;
}

bool Mapper::network_interface(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  auto ips = private_addresses(p);
  auto groups = p.refs("GroupSet", {Kind::kSecurityGroup});
  auto check = p.boolean("SourceDestCheck");
  auto v6 = ipv6_addresses(p, r.physical_id, subnet);
  if (p.has("SecondaryPrivateIpAddressCount") && s_.warn_once("secondary:" + r.logical_id)) {
    s_.gap(Gap::kLeftOut, "SecondaryPrivateIpAddressCount", p.at(), r.logical_id,
           "SecondaryPrivateIpAddressCount: AWS chooses those addresses; only the written "
           "addresses are modelled");
  }
  if (p.failed()) {
    std::erase_if(ipv6_pending_, [&](const auto& q) { return q.eni == r.physical_id; });
    return p.skip();
  }
  auto& eni = add(r, n_.network_interfaces, Kind::kNetworkInterface);
  eni.subnet = subnet;
  eni.private_ips = std::move(ips);
  eni.ipv6_addresses = std::move(v6);
  eni.security_groups = std::move(groups);
  if (check) eni.source_dest_check = *check;
  eni.status = "available";
  return true;
}

bool Mapper::network_interface_attachment(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref instance = p.ref("InstanceId", {Kind::kInstance}, kReq);
  model::Ref eni = p.ref("NetworkInterfaceId", {Kind::kNetworkInterface}, kReq);
  auto device = p.integer("DeviceIndex", 0, 64, kReq);
  if (p.failed()) return p.skip();
  auto* e_p = target(n_.network_interfaces, Kind::kNetworkInterface, eni, r);
  if (!e_p) return false;
  auto& e = *e_p;
  e.instance = instance;
  e.status = "in-use";
  attachments_.push_back({instance.text, e.id, static_cast<int>(*device), s_.at(*r.key)});
  return true;
}

void Mapper::instance_interface(const ResourceDecl& r, const Value& spec, std::size_t position,
                                const std::string& instance_id) {
  Props p(*this, r, &spec);
  auto left_out = [&]() {
    if (auto why = p.take_left_out(); !why.empty()) {
      s_.gap(Gap::kLeftOut, r.type, spec.at, r.logical_id,
             "a network interface of " + r.logical_id + " is left out: " + why);
    }
  };
  // AWS::EC2::Instance NetworkInterface: DeviceIndex is required; 0 is the primary interface.
  auto device = p.integer("DeviceIndex", 0, 64, kReq);
  if (p.has("NetworkInterfaceId")) {
    model::Ref eni = p.ref("NetworkInterfaceId", {Kind::kNetworkInterface}, kReq);
    if (p.failed()) return left_out();
    if (auto* e = target(n_.network_interfaces, Kind::kNetworkInterface, eni, r)) {
      e->instance = {instance_id, spec.at};
      e->status = "in-use";
      attachments_.push_back({instance_id, e->id, static_cast<int>(*device), spec.at});
    }
    return;
  }
  const std::string id =
      "eni-" + suffix(instance_id) + (position == 0 ? "" : "-" + std::to_string(position));
  model::Ref subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
  auto ips = private_addresses(p);
  auto groups = p.refs("GroupSet", {Kind::kSecurityGroup});
  auto public_ip = p.boolean("AssociatePublicIpAddress");
  auto v6 = ipv6_addresses(p, id, subnet);
  if (p.failed()) {
    std::erase_if(ipv6_pending_, [&](const auto& q) { return q.eni == id; });
    return left_out();
  }
  model::NetworkInterface eni;
  eni.id = id;
  eni.name = r.logical_id + (*device == 0 ? "" : "-eth" + std::to_string(*device));
  eni.at = spec.at;
  eni.subnet = subnet;
  eni.private_ips = std::move(ips);
  eni.ipv6_addresses = std::move(v6);
  eni.security_groups = std::move(groups);
  eni.instance = {instance_id, spec.at};
  eni.stand_in = stand_in(r.logical_id);
  // AWS assigns a public IPv4 address at launch to device 0 when asked to, or when the subnet
  // maps public addresses on launch and the interface does not say otherwise.
  if (*device == 0 &&
      public_ip.value_or(map_public_ip_.contains(subnet.text) && map_public_ip_[subnet.text])) {
    eni.public_ip = s_.allocate_public_ip(eni.id);
  }
  attachments_.push_back({instance_id, eni.id, static_cast<int>(*device), spec.at});
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
  std::vector<IpAddress> ips, v6;
  std::vector<model::Ref> groups;
  const std::string primary_id = "eni-" + suffix(r.physical_id);
  if (p.has("SubnetId")) {
    subnet = p.ref("SubnetId", {Kind::kSubnet}, kReq);
    ips = private_addresses(p);
    groups = p.refs("SecurityGroupIds", {Kind::kSecurityGroup});
    auto named = p.refs("SecurityGroups", {Kind::kSecurityGroup});
    groups.insert(groups.end(), named.begin(), named.end());
    v6 = ipv6_addresses(p, primary_id, subnet);
  }
  auto check = p.boolean("SourceDestCheck");
  if (p.failed()) {
    std::erase_if(ipv6_pending_, [&](const auto& q) { return q.eni == primary_id; });
    return p.skip();
  }
  const std::size_t aliases = n_.aliases.size();
  auto& inst = add(r, n_.instances, Kind::kInstance);
  const std::string id = inst.id;
  const std::size_t attached = attachments_.size();
  if (!subnet.empty()) {
    model::NetworkInterface eni;
    eni.id = primary_id;
    eni.name = inst.name;
    eni.at = inst.at;
    eni.subnet = subnet;
    eni.private_ips = std::move(ips);
    eni.ipv6_addresses = std::move(v6);
    eni.security_groups = std::move(groups);
    eni.instance = {id, inst.at};
    eni.stand_in = inst.stand_in;
    if (map_public_ip_.contains(subnet.text) && map_public_ip_[subnet.text]) {
      eni.public_ip = s_.allocate_public_ip(eni.id);
    }
    attachments_.push_back({id, eni.id, 0, inst.at});
    n_.network_interfaces.push_back(std::move(eni));
  }
  // Lowest device index first, so that synthesised interfaces are numbered by device; finish()
  // puts device 0 first among the instance's interfaces whatever the order.
  std::vector<const Value*> specs;
  for (const auto& spec : nics.items) specs.push_back(&spec);
  auto device = [](const Value* v) {
    const Value* d = v->get("DeviceIndex");
    return d && d->is_string() ? std::atoi(d->text.c_str()) : 64;
  };
  std::stable_sort(specs.begin(), specs.end(),
                   [&](const Value* a, const Value* b) { return device(a) < device(b); });
  for (std::size_t i = 0; i < specs.size(); ++i) instance_interface(r, *specs[i], i, id);
  if (attachments_.size() == attached) {
    // Every interface was left out: so is the instance, which cannot exist without one.
    n_.instances.pop_back();
    n_.aliases.erase(n_.aliases.begin() + static_cast<std::ptrdiff_t>(aliases), n_.aliases.end());
    mapped_.erase(r.logical_id);
    s_.gap(Gap::kLeftOut, r.type, s_.at(*r.key), r.logical_id,
           r.logical_id + " (" + r.type + ") is left out: none of its network interfaces is");
    return false;
  }
  n_.instances.back().stand_in = stand_in(r.logical_id);
  // SourceDestCheck on the instance is that of its primary interface.
  if (check) source_dest_check_[id] = *check;
  return true;
}

void Mapper::finish() {
  // Addresses AWS picks (Ipv6AddressCount): stable ones from the subnet's IPv6 block.
  for (const auto& q : ipv6_pending_) {
    const model::Index e = locate(Kind::kNetworkInterface, q.eni);
    const model::Index si = locate(Kind::kSubnet, q.subnet);
    if (e == model::kNone || si == model::kNone) continue;
    const auto& block = n_.subnets[si].ipv6_cidr_block;
    if (!block) {
      s_.gap(Gap::kLeftOut, "Ipv6AddressCount", q.at, q.logical_id,
             "the IPv6 addresses of " + q.logical_id + " are left out: subnet `" + q.subnet +
                 "` has no IPv6 CIDR block");
      continue;
    }
    const int host_bits = 128 - block->length();
    const U128 mask = host_bits >= 64 ? U128{~0ull} : (U128{1} << host_bits) - 1;
    auto& eni = n_.network_interfaces[e];
    for (int k = 0; k < q.count; ++k) {
      // subnet-sizing: AWS reserves the first four addresses of each subnet block.
      U128 offset = U128{stable_hash(q.eni + "/ipv6/" + std::to_string(k))} & mask;
      if (offset < 4) offset += 4;
      eni.ipv6_addresses.push_back(block->address().plus(offset));
    }
  }
  // AWS::EC2::Instance NetworkInterface and AWS::EC2::NetworkInterfaceAttachment: device 0 is
  // the primary interface. finalize() takes an instance's interfaces in the network's order,
  // the first as primary (where an EIP given by InstanceId lands), so each instance's
  // interfaces are put in device order in the places they hold.
  std::map<std::string, std::vector<const Attachment*>> by_instance;
  for (const auto& a : attachments_) by_instance[a.instance].push_back(&a);
  for (auto& [instance, list] : by_instance) {
    std::stable_sort(list.begin(), list.end(),
                     [](const auto* a, const auto* b) { return a->device < b->device; });
    std::vector<model::Index> places;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i > 0 && list[i]->device == list[i - 1]->device) {
        s_.error(list[i]->at, instance,
                 "device index " + std::to_string(list[i]->device) + " of instance " + instance +
                     " is already taken by " + list[i - 1]->eni,
                 "each network interface of an instance has its own DeviceIndex");
      }
      places.push_back(locate(Kind::kNetworkInterface, list[i]->eni));
    }
    if (std::find(places.begin(), places.end(), model::kNone) != places.end()) continue;
    std::vector<model::NetworkInterface> ordered;
    for (model::Index i : places) ordered.push_back(n_.network_interfaces[i]);
    std::sort(places.begin(), places.end());
    for (std::size_t i = 0; i < places.size(); ++i) {
      n_.network_interfaces[places[i]] = std::move(ordered[i]);
    }
    if (auto it = source_dest_check_.find(instance); it != source_dest_check_.end()) {
      n_.network_interfaces[places.front()].source_dest_check = it->second;
    }
  }
}

}  // namespace cloudtwin::load::cfn
