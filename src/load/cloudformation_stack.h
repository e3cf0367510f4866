// One CloudFormation template being read as a stack: its sections (Parameters, Mappings,
// Conditions, Resources), the offline evaluation of intrinsic functions, and the synthetic
// physical ids that `Ref` returns. Resource mapping (cloudformation_resources*.cc) builds on it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/ip.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/model/network.h"
#include "yaml_document.h"

namespace cloudtwin::load::cfn {

// An evaluated template value. Scalars are strings (CloudFormation passes numbers and booleans
// as strings to resource properties); `kUnknown` is a value that cannot be known offline (an
// unanswered Fn::ImportValue, an attribute AWS assigns at creation), with the reason in `text`.
struct Value {
  enum class Type : std::uint8_t { kNull, kNoValue, kString, kList, kMap, kUnknown };
  Type type = Type::kNull;
  std::string text;  // kString: the string; kUnknown: why it is unknown
  std::vector<Value> items;
  std::vector<std::string> keys;  // kMap: keys[i] names values[i]
  std::vector<Value> values;
  Location at;
  // The logical id of the template resource this value identifies (from `Ref` or an id
  // attribute such as `GroupId` or `AllocationId`), so readers can tell a reference to a
  // resource of this template from a literal id.
  std::string resource;
  // The parameter whose stand-in this value is, or is built from (a parameter without Default
  // or value, see Stack::ref_name): readers mark what they build from it as depending on it.
  std::string stand_in;

  [[nodiscard]] bool is_null() const { return type == Type::kNull || type == Type::kNoValue; }
  [[nodiscard]] bool is_string() const { return type == Type::kString; }
  [[nodiscard]] bool is_list() const { return type == Type::kList; }
  [[nodiscard]] bool is_map() const { return type == Type::kMap; }
  [[nodiscard]] bool is_unknown() const { return type == Type::kUnknown; }
  // The field `key` of a map; null when absent or not a map.
  [[nodiscard]] const Value* get(std::string_view key) const;

  static Value string(std::string s, Location at, std::string resource = {});
  static Value unknown(std::string why, Location at);
};

struct ResourceDecl {
  std::string logical_id;
  std::string type;
  const yaml::Node* key = nullptr;  // the logical id as written (the resource's location)
  const yaml::Node* body = nullptr;
  const yaml::Node* properties = nullptr;
  const yaml::Node* condition = nullptr;
  std::string physical_id;
  std::optional<IpAddress> public_ip;  // AWS::EC2::EIP: what `Ref` returns
};

struct ParameterDecl {
  std::string name;
  const yaml::Node* key = nullptr;
  std::string type = "String";
  const yaml::Node* default_value = nullptr;
  std::optional<std::string> override_value;
  std::vector<std::string> allowed_values;
  // For a parameter without Default or value: the index of its Region's availability zone among
  // the AvailabilityZone::Name parameters that need a stand-in (the first gets <region>a).
  std::size_t zone_index = 0;
};

class Stack {
 public:
  Stack(model::Network& network, Diagnostics& diagnostics, std::string path,
        const LoadOptions& options);

  // Reads the template's sections and checks their shapes; false if the template cannot be
  // evaluated at all (every problem is reported).
  bool read(const yaml::Node& root);

  // ---- evaluation (cloudformation_intrinsics.cc) -------------------------------------------
  // Evaluates `node` with every intrinsic function in it.
  Value eval(const yaml::Node& node);
  // The value of the named condition; nullopt (reported) if it cannot be decided.
  std::optional<bool> condition(std::string_view name, Location at);
  // Whether a resource exists in this stack: no Condition, or one that is true.
  bool enabled(const ResourceDecl& r);

  // ---- template content --------------------------------------------------------------------
  [[nodiscard]] const std::vector<ResourceDecl>& resources() const { return resources_; }
  [[nodiscard]] const ResourceDecl* resource(std::string_view logical_id) const;
  [[nodiscard]] const std::string& region() const { return region_; }
  [[nodiscard]] const std::string& account() const { return account_; }
  [[nodiscard]] const std::string& stack_name() const { return stack_name_; }
  // The parameters the template declares, in order.
  [[nodiscard]] const std::vector<ParameterDecl>& parameters() const { return parameters_; }
  // The export names Fn::ImportValue asked for so far.
  [[nodiscard]] const std::set<std::string, std::less<>>& imported() const { return imported_; }
  // The IPv6 block AWS would assign to a VPC for AmazonProvidedIpv6CidrBlock (a synthetic /56
  // of the documentation range 2001:db8::/32).
  [[nodiscard]] Prefix amazon_ipv6_block(std::string_view vpc_logical_id) const;
  // The id of the endpoint Network Firewall makes for `firewall` in the subnet `subnet_id` (as
  // evaluated from its SubnetMappings): what Fn::GetAtt EndpointIds lists and the reader gives
  // the model's firewall, so routes that name one reach the other.
  [[nodiscard]] std::string firewall_endpoint_id(const ResourceDecl& firewall,
                                                 std::string_view subnet_id) const;
  // Whether a VPCCidrBlock of this template gives `vpc_logical_id` an Amazon-provided IPv6 block.
  bool has_amazon_ipv6(std::string_view vpc_logical_id);
  // A public IPv4 address for `key` (an EIP, or an instance's auto-assigned address): stable
  // for the key, from the documentation ranges 198.51.100.0/24 and 203.0.113.128/25, and not
  // used by anything else in the network; the same address each time for the same key.
  IpAddress allocate_public_ip(std::string_view key);

  // ---- diagnostics -------------------------------------------------------------------------
  [[nodiscard]] Location at(const yaml::Node& node) const;
  [[nodiscard]] Location at_start() const { return {file_, 1, 1}; }
  [[nodiscard]] std::uint32_t file() const { return file_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  void error(Location at, const std::string& resource, std::string message, std::string hint = {});
  void warning(Location at, const std::string& resource, std::string message,
               std::string hint = {});
  // A warning that the model leaves something out or cannot know it (Diagnostics::gap).
  void gap(Gap g, std::string key, Location at, const std::string& resource, std::string message,
           std::string hint = {});
  // True the first time `key` is seen: for warnings that would otherwise repeat per use.
  bool warn_once(std::string key) { return warned_.insert(std::move(key)).second; }
  [[nodiscard]] model::Network& network() { return network_; }
  [[nodiscard]] const LoadOptions& options() const { return options_; }

 private:
  // cloudformation_stack.cc
  void read_parameters(const yaml::Node* section);
  void read_mappings(const yaml::Node* section);
  void read_conditions(const yaml::Node* section);
  void read_resources(const yaml::Node& section);
  void assign_physical_ids();
  // Elastic Load Balancing ids name the load balancer, listener and target group: the names
  // written (`Name`), then listener and rule ARNs from their load balancer's and listener's.
  void name_load_balancing();
  // Network Firewall ARNs name the firewall, policy or rule group (FirewallName, ...) and a rule
  // group's type.
  void name_firewalls();
  [[nodiscard]] std::string firewall_arn(const ResourceDecl& r, const std::string& name,
                                         std::string_view rule_group_type) const;
  void check_functions(const yaml::Node& root);
  void check_dependencies();
  // A Ref, GetAtt or DependsOn naming nothing: reported once per location, with the logical id
  // of the resource that names it when known.
  void missing_name(std::string_view name, std::string_view what, Location at,
                    const std::string& resource = {});

  // cloudformation_intrinsics.cc
  Value eval_node(const yaml::Node& node, int depth);
  // A node as if it had no tag: a long-form function (`{Ref: X}`) or a literal.
  Value eval_untagged(const yaml::Node& node, int depth);
  Value eval_literal(const yaml::Node& node, int depth);
  Value call(std::string_view fn, const yaml::Node& arg, Location at, int depth, bool short_form);
  Value ref(const yaml::Node& arg, Location at, int depth);
  Value ref_name(std::string_view name, Location at);
  // The value of a parameter without Default or value, with a Gap::kStandIn warning.
  Value stand_in(const ParameterDecl& p, Location at);
  Value get_att(std::string_view logical_id, std::string_view attribute, Location at);
  // Fn::GetAtt of load balancing resources; null when not one of theirs.
  Value load_balancing_att(const ResourceDecl& r, std::string_view attribute, Location at);
  // Fn::GetAtt of Network Firewall resources; null when not one of theirs.
  Value firewall_att(const ResourceDecl& r, std::string_view attribute, Location at);
  Value sub(const yaml::Node& arg, Location at, int depth, bool short_form);
  Value cidr(const yaml::Node& arg, Location at, int depth, bool short_form);
  Value condition_function(std::string_view fn, const yaml::Node& arg, Location at, int depth);
  Value property(const ResourceDecl& r, std::string_view key, Location at);
  std::optional<bool> truth(const Value& v, std::string_view fn, Location at);

  model::Network& network_;
  Diagnostics& diagnostics_;
  std::string path_;
  const LoadOptions& options_;
  std::uint32_t file_ = 0;
  std::string stack_name_;
  std::string region_;
  std::string account_;

  std::vector<ParameterDecl> parameters_;
  std::map<std::string, const yaml::Node*, std::less<>> mappings_;
  std::map<std::string, const yaml::Node*, std::less<>> conditions_;
  std::vector<ResourceDecl> resources_;
  std::unordered_map<std::string, std::size_t> resource_index_;

  std::map<std::string, std::optional<bool>, std::less<>> condition_values_;
  std::set<std::string, std::less<>> conditions_in_progress_;
  std::set<std::string, std::less<>> properties_in_progress_;  // "Logical.Property" (GetAtt)
  std::map<std::string, std::optional<bool>, std::less<>> amazon_ipv6_;
  std::set<std::string, std::less<>> warned_;  // one warning per kind of guess
  std::set<std::pair<std::uint32_t, std::uint32_t>> reported_missing_;  // by line, column
  // Properties may be evaluated more than once; each problem is reported once.
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::string>> reported_;
  std::set<std::string, std::less<>> imported_;
  std::set<IpAddress> used_public_ips_;
  std::map<std::string, IpAddress, std::less<>> allocated_;
  bool used_public_ips_loaded_ = false;
  std::size_t work_ = 0;  // nodes evaluated: bounds shared-subtree blow-up
  bool work_exhausted_ = false;
};

// "vpc-", "subnet-", ... for the types that have AWS id prefixes; "" for others.
std::string_view id_prefix(std::string_view type);
// CreateLoadBalancer, CreateTargetGroup: a name is at most 32 letters, digits and hyphens, and
// neither starts nor ends with a hyphen.
bool valid_elb_name(std::string_view name);
// "aws", "aws-cn" or "aws-us-gov", as AWS::Partition says for `region`.
std::string partition_of(std::string_view region);
// The DNS name ELB gives a load balancer, from its physical id (an Elastic Load Balancing v2
// ARN, or a Classic Load Balancer's name): `[internal-]<name>-<digits>.<region>.elb.amazonaws.com`
// for Application and Classic Load Balancers, `<name>-<hex>.elb.<region>.amazonaws.com` for
// Network and Gateway Load Balancers.
std::string elb_dns_name(std::string_view physical_id, bool internal, std::string_view region);
// The domain name CloudFront gives a distribution (what Fn::GetAtt DomainName returns), from its
// physical id: d<13 hex digits>.cloudfront.net.
std::string cloudfront_domain_name(std::string_view physical_id);
// What Ref returns for an AWS::DirectConnect:: resource (hash `h`): a connection's, LAG's or
// virtual interface's ARN, ending with its id (dxcon-, dxlag-, dxvif- and 17 hex digits); a
// Direct Connect gateway's ARN, ending with its id, a UUID; an association's id, a UUID.
std::string direct_connect_physical_id(std::string_view type, std::uint64_t h,
                                       std::string_view region, std::string_view account);
// The id a Direct Connect ARN ends with (`dxcon-…`, `vgw-…`, a gateway's UUID); other text as is.
std::string direct_connect_id(std::string_view physical_id);
// FNV-1a, 64 bits: stable across runs and platforms.
std::uint64_t stable_hash(std::string_view text);

}  // namespace cloudtwin::load::cfn
