// Maps a stack's AWS::EC2, Direct Connect, Elastic Load Balancing, Auto Scaling, Network Firewall,
// Route 53 and CloudFront resources onto model resources. Each resource type has one function
// (cloudformation_resources_*.cc); the Mapper
// gives them typed, located access to evaluated properties and turns references into
// model::Refs, leaving out (with a warning) whatever names something that is neither in this
// template nor in an input read before it.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cloudformation_stack.h"

namespace cloudtwin::load::cfn {

enum class Need : std::uint8_t { kOptional, kRequired };

class Mapper;

// The properties of one resource (or of one nested mapping such as a security group rule),
// evaluated on demand. A required property that is missing is an error; one whose value cannot
// be known offline marks the resource as left out (see skip()).
class Props {
 public:
  Props(Mapper& m, const ResourceDecl& r, const Value* map = nullptr);

  [[nodiscard]] bool has(std::string_view key);
  Value get(std::string_view key);

  std::optional<std::string> text(std::string_view key, Need need = Need::kOptional);
  std::optional<bool> boolean(std::string_view key, Need need = Need::kOptional);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      Need need = Need::kOptional);
  std::optional<Prefix> prefix(std::string_view key, std::optional<Family> family,
                               Need need = Need::kOptional);
  std::optional<IpAddress> address(std::string_view key, std::optional<Family> family,
                                   Need need = Need::kOptional);
  // A reference to one resource of `kinds`; empty Ref when absent or left out.
  model::Ref ref(std::string_view key, std::initializer_list<model::Kind> kinds,
                 Need need = Need::kOptional);
  model::Ref ref_value(const Value& v, std::string_view field,
                       std::initializer_list<model::Kind> kinds, Need need);
  // A list of references; items that cannot be used are reported and left out.
  std::vector<model::Ref> refs(std::string_view key, std::initializer_list<model::Kind> kinds);

  // Why the value of `key` cannot be known offline — unknown, or a parameter's stand-in (noted,
  // see Mapper::stand_in) — or "" when it is known. For values the reader can keep as unknown
  // (a rule's peer, a route's destination) instead of leaving their resource out.
  std::string unknown(std::string_view key);
  // Notes that the resource is built from `v` (see Mapper::stand_in).
  void note(const Value& v);

  // A value that is unusable: unknown offline, or naming something not modelled.
  void unusable(std::string_view field, const std::string& why, Need need, Location at);
  [[nodiscard]] bool failed() const { return errored_ || !left_out_.empty(); }
  // Why a required value was unusable (and forget it): for callers that can do without.
  std::string take_left_out() { return std::exchange(left_out_, {}); }
  // Reports why the resource is left out (if not already reported as an error); returns false.
  bool skip();
  [[nodiscard]] Location at() const;
  [[nodiscard]] const ResourceDecl& resource() const { return r_; }

 private:
  std::optional<std::string> scalar(const Value& v, std::string_view field, Need need);
  void missing(std::string_view key, Need need);

  Mapper& m_;
  const ResourceDecl& r_;
  const Value* map_;
  bool errored_ = false;
  std::string left_out_;  // why, when a required value is unusable
};

class Mapper {
 public:
  explicit Mapper(Stack& stack) : s_(stack), n_(stack.network()) {}
  void run();

  [[nodiscard]] Stack& stack() { return s_; }
  [[nodiscard]] model::Network& network() { return n_; }

  // ---- registry ----------------------------------------------------------------------------
  // Appends a model resource for `r` with its physical id, Name tag (else logical id) and
  // location, and registers the logical id as an alias.
  template <class R>
  R& add(const ResourceDecl& r, std::vector<R>& list, model::Kind kind) {
    R& out = list.emplace_back();
    out.id = r.physical_id;
    out.name = name_tag(r).value_or(r.logical_id);
    out.at = s_.at(*r.key);
    ignore_tag(r, kind, out.id, out.at);
    if (auto it = stand_ins_.find(r.logical_id); it != stand_ins_.end()) out.stand_in = it->second;
    if (out.name != r.logical_id) n_.aliases.push_back({r.logical_id, kind, out.id, out.at});
    mapped_[r.logical_id] = {kind, static_cast<model::Index>(list.size() - 1)};
    return out;
  }
  // add() for a resource read whole beforehand: `read` takes the id, name, location and
  // stand-in add() gives.
  template <class R>
  void add_read(const ResourceDecl& r, std::vector<R>& list, model::Kind kind, R read) {
    R& added = add(r, list, kind);
    read.id = std::move(added.id);
    read.name = std::move(added.name);
    read.at = added.at;
    read.stand_in = added.stand_in;
    added = std::move(read);
  }
  // The index of the resource a Ref names (by id, name or alias), or kNone.
  [[nodiscard]] model::Index locate(model::Kind kind, const std::string& text) const;
  // The resource a Ref names, to add to it (a route to its table, an entry to its ACL); null,
  // with a warning, when it is not one the reader can change (a default group added later).
  template <class R>
  R* target(std::vector<R>& list, model::Kind kind, const model::Ref& ref, const ResourceDecl& r) {
    const model::Index i = locate(kind, ref.text);
    if (i != model::kNone) return &list[i];
    if (R* d = implicit_default(list, ref)) return d;
    s_.gap(Gap::kLeftOut, r.type, s_.at(*r.key), r.logical_id,
           r.logical_id + " (" + r.type + ") is left out: it changes `" + ref.text +
               "`, which is added by AWS and cannot be changed here");
    return nullptr;
  }
  // The parameter whose stand-in the resource `logical_id` is built from, or "" (see Props::note).
  [[nodiscard]] std::string stand_in(const std::string& logical_id) const {
    auto it = stand_ins_.find(logical_id);
    return it == stand_ins_.end() ? std::string() : it->second;
  }
  // The default security group or network ACL of a VPC of this template (`sg-default-<suffix>`,
  // as Fn::GetAtt VPC.DefaultSecurityGroup says), created as finalize() would create it so that
  // rules and entries can be added to it; null for other ids.
  template <class R>
  R* implicit_default(std::vector<R>& list, const model::Ref& ref) {
    if constexpr (std::is_same_v<R, model::SecurityGroup> || std::is_same_v<R, model::NetworkAcl>) {
      const model::Index i = default_of(ref.text);
      return i == model::kNone ? nullptr : &list[i];
    }
    return nullptr;
  }
  // The index of the default group (sg-default-…) or ACL (acl-default-…) `id` names, created if
  // needed; kNone when `id` is not such an id of a known VPC.
  model::Index default_of(const std::string& id);

  // The logical id's model resource, if it was mapped.
  [[nodiscard]] std::optional<model::ResourceKey> mapped(std::string_view logical_id) const;

  // ---- resource mappers (cloudformation_resources_*.cc) -------------------------------------
  bool vpc(const ResourceDecl& r);
  bool vpc_cidr_block(const ResourceDecl& r);
  bool subnet(const ResourceDecl& r);
  bool subnet_cidr_block(const ResourceDecl& r);
  bool route_table(const ResourceDecl& r);
  bool route(const ResourceDecl& r);
  bool subnet_route_table_association(const ResourceDecl& r);
  bool gateway_route_table_association(const ResourceDecl& r);
  bool internet_gateway(const ResourceDecl& r);
  bool egress_only_internet_gateway(const ResourceDecl& r);
  bool vpc_gateway_attachment(const ResourceDecl& r);
  bool nat_gateway(const ResourceDecl& r);
  bool eip(const ResourceDecl& r);
  bool eip_instance(const ResourceDecl& r);
  bool eip_association(const ResourceDecl& r);
  bool prefix_list(const ResourceDecl& r);
  bool vpc_peering_connection(const ResourceDecl& r);
  bool vpc_endpoint(const ResourceDecl& r);

  bool security_group(const ResourceDecl& r);
  bool security_group_rules(const ResourceDecl& r);
  bool security_group_rule(const ResourceDecl& r);
  bool network_acl(const ResourceDecl& r);
  bool network_acl_entry(const ResourceDecl& r);
  bool subnet_network_acl_association(const ResourceDecl& r);
  bool network_interface(const ResourceDecl& r);
  bool network_interface_attachment(const ResourceDecl& r);
  bool instance(const ResourceDecl& r);

  bool transit_gateway(const ResourceDecl& r);
  bool transit_gateway_attachment(const ResourceDecl& r);
  bool transit_gateway_route_table(const ResourceDecl& r);
  bool transit_gateway_route(const ResourceDecl& r);
  bool transit_gateway_association(const ResourceDecl& r);
  bool transit_gateway_propagation(const ResourceDecl& r);
  bool vpn_gateway(const ResourceDecl& r);
  bool vpn_gateway_route_propagation(const ResourceDecl& r);
  bool customer_gateway(const ResourceDecl& r);
  bool vpn_connection(const ResourceDecl& r);
  bool vpn_connection_route(const ResourceDecl& r);

  bool direct_connect_connection(const ResourceDecl& r);
  bool direct_connect_lag(const ResourceDecl& r);
  bool private_virtual_interface(const ResourceDecl& r);
  bool transit_virtual_interface(const ResourceDecl& r);
  bool public_virtual_interface(const ResourceDecl& r);
  bool direct_connect_gateway(const ResourceDecl& r);
  bool direct_connect_gateway_association(const ResourceDecl& r);

  bool load_balancer(const ResourceDecl& r);
  bool classic_load_balancer(const ResourceDecl& r);
  bool listener(const ResourceDecl& r);
  bool listener_rule(const ResourceDecl& r);
  bool target_group(const ResourceDecl& r);
  bool launch_template(const ResourceDecl& r);
  bool launch_configuration(const ResourceDecl& r);
  bool auto_scaling_group(const ResourceDecl& r);
  bool vpc_endpoint_service(const ResourceDecl& r);
  bool vpc_endpoint_service_permissions(const ResourceDecl& r);

  bool firewall(const ResourceDecl& r);
  bool firewall_policy(const ResourceDecl& r);
  bool firewall_rule_group(const ResourceDecl& r);
  bool firewall_logging_configuration(const ResourceDecl& r);

  bool hosted_zone(const ResourceDecl& r);
  bool record_set(const ResourceDecl& r);
  bool record_set_group(const ResourceDecl& r);
  bool health_check(const ResourceDecl& r);
  bool cidr_collection(const ResourceDecl& r);

  bool cloudfront_distribution(const ResourceDecl& r);
  bool cloudfront_cache_policy(const ResourceDecl& r);
  bool cloudfront_origin_request_policy(const ResourceDecl& r);
  bool cloudfront_response_headers_policy(const ResourceDecl& r);
  bool cloudfront_public_key(const ResourceDecl& r);
  bool cloudfront_key_group(const ResourceDecl& r);

 private:
  friend class Props;
  [[nodiscard]] std::optional<std::string> name_tag(const ResourceDecl& r);
  // Records a `cloudtwin:ignore` tag of `r` in the network (model::IgnoreTag).
  void ignore_tag(const ResourceDecl& r, model::Kind kind, const std::string& id, Location at);
  // Security group rules, inline or as their own resources.
  void read_rule(Props& p, bool egress, std::vector<model::SecurityGroupRule>& out);
  // Synthesises an interface for `instance` from an entry of its NetworkInterfaces property.
  void instance_interface(const ResourceDecl& r, const Value& spec, std::size_t position,
                          const std::string& instance_id);
  // The written IPv6 addresses of an interface; a count to pick is kept for finish().
  std::vector<IpAddress> ipv6_addresses(Props& p, const std::string& eni_id,
                                        const model::Ref& subnet);
  // RuleGroup.RulesSource of a Network Firewall rule group.
  void read_rules_source(const ResourceDecl& r, Props& p, const Value& src,
                         model::FirewallRuleGroup& out);
  // AWS::DirectConnect::*VirtualInterface.
  bool virtual_interface(const ResourceDecl& r, model::VirtualInterfaceType type);
  // The zone a record set or record set group names (HostedZoneId or HostedZoneName).
  model::Ref record_zone(const ResourceDecl& r, Props& p);
  // After every resource is mapped: IPv6 addresses AWS picks, interfaces in device order.
  void finish();

  struct Entry {
    model::Kind kind;
    model::Index index;
  };
  Stack& s_;
  model::Network& n_;
  std::unordered_map<std::string, Entry> mapped_;
  std::unordered_map<std::string, bool> map_public_ip_;     // subnet id -> MapPublicIpOnLaunch
  std::unordered_map<std::string, std::string> stand_ins_;  // logical id -> parameter
  std::unordered_map<std::string, bool> assign_ipv6_;  // subnet id -> AssignIpv6AddressOnCreation
  struct Ipv6Count {
    std::string eni, subnet;
    int count;
    Location at;
    std::string logical_id;
  };
  std::vector<Ipv6Count> ipv6_pending_;
  struct Attachment {
    std::string instance, eni;
    int device;
    Location at;
  };
  std::vector<Attachment> attachments_;
  std::unordered_map<std::string, bool> source_dest_check_;  // instance id -> SourceDestCheck
};

// Whether the resource is left out: a required value is unknown offline or names something
// outside the inputs (reported here as a gap). Errors were reported where found.
bool left_out(Mapper& m, Props& p);

}  // namespace cloudtwin::load::cfn
