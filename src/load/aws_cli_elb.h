// The load-balancing answers of an AWS CLI snapshot: elbv2 and Classic load balancers, listeners
// and rules, target groups and their targets, their attributes, launch templates and
// configurations, Auto Scaling groups and endpoint service configurations. aws_cli.cc reads
// the files and hands each item of these keys here (docs/format.md, "AWS CLI snapshots").
//
// Some answers do not say what they describe (describe-load-balancer-attributes,
// describe-target-group-attributes, describe-target-health, elb
// describe-load-balancer-attributes): they come wrapped with the resource's ARN or name, either
// as the whole file ({"TargetGroupArn": ..., "TargetHealthDescriptions": [...]}) or as a list of
// such wrappers, as Batfish's collector writes them ({"LoadBalancerTargetHealth": [...]}).
// Whatever names another answer is applied in finish(), once every file is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cloudtwin/model/network.h"
#include "json_source.h"

namespace cloudtwin::load::aws_cli {

class LoadBalancing {
 public:
  using Handler = void (LoadBalancing::*)(const json::Value&);

  LoadBalancing(model::Network& network, Diagnostics& diagnostics);

  // The reader of one item of top-level key `key`; nullptr if the key is not one of these.
  static Handler handler(std::string_view key);
  // Whether `key`'s value may be one object rather than a list (elb
  // describe-load-balancer-attributes: {"LoadBalancerAttributes": {...}}).
  static bool takes_object(std::string_view key);
  // Top-level keys that name what the file's answer describes (the wrappers).
  static bool is_context_key(std::string_view key);
  // Answers read with that name: in a file that names it after them, they are read after it.
  static bool wants_context(std::string_view key);

  void begin_file(json::Reader& reader, const std::string& account, const std::string& region);
  // The file's top-level `key` (a context key) is `value`, written at `offset`.
  void set_context(std::string_view key, std::string_view value, std::size_t offset);
  [[nodiscard]] bool has_context() const { return !context_.empty(); }
  // Top-level `key` whose value is an object (takes_object()).
  void read_object(std::string_view key, const json::Value& item);
  void end_file();

  // An interface ELB made for a load balancer node: its Description is "ELB <owner>", the owner
  // being app/<name>/<id>, net/..., gwy/... (the ARN's tail) or a Classic load balancer's name.
  void note_interface(std::string_view owner, const model::NetworkInterface& eni);

  // Once every file is read: nodes linked to their interfaces, attributes, targets and default
  // rules applied, references between answers checked, resources in VPCs outside the snapshot
  // left out. `instance_gone(id)`: the snapshot lists the instance as terminated. Returns the
  // interfaces linked to a node.
  std::unordered_set<std::string> finish(
      const std::function<bool(const std::string&)>& instance_gone);

 private:
  // ---- readers of one item ---------------------------------------------------------------
  void load_balancer(const json::Value& item);
  void classic_load_balancer(const json::Value& item);
  void listener(const json::Value& item);
  void listeners_of(const json::Value& item);
  void rule(const json::Value& item);
  void rules_of(const json::Value& item);
  void target_group(const json::Value& item);
  void target_health(const json::Value& item);
  void target_health_of(const json::Value& item);
  void attribute(const json::Value& item);
  void load_balancer_attributes(const json::Value& item);
  void target_group_attributes(const json::Value& item);
  void auto_scaling_group(const json::Value& item);
  void launch_template(const json::Value& item);
  void launch_template_version(const json::Value& item);
  void launch_configuration(const json::Value& item);
  void endpoint_service(const json::Value& item);

  void read_listener(const json::Value& item, const model::Ref* load_balancer);
  void read_rule(const json::Value& item, const model::Ref* listener);
  void read_target(const json::Value& item, const model::Ref& target_group);
  void read_attribute(const json::Value& item, const model::Ref& owner, bool target_group);
  void read_classic_attributes(const json::Value& attributes, const model::Ref& load_balancer);
  bool read_actions(const json::Value& list, std::string_view field, model::ListenerRule& rule);
  void read_conditions(const json::Value& list, model::ListenerRule& rule);
  // A protocol ELB names; QUIC and TCP_QUIC, which the model lacks, set `unmodelled` (a
  // located warning: the resource is left out).
  std::optional<model::LbProtocol> protocol(const json::Value& v, std::string_view field,
                                            const std::string& owner, bool& unmodelled);
  bool read_scheme(const json::Value& v, const std::string& owner, bool& internet_facing);
  model::LaunchTemplate& launch_template_by_id(const std::string& id, Location at);

  // ---- helpers -----------------------------------------------------------------------------
  json::Reader& rd() { return *rd_; }
  Location at(const json::Value& v) { return rd_->at(v); }
  std::optional<std::string> id(const json::Value& item, std::string_view key);
  model::Ref ref(const json::Value& v, std::string_view field);
  // The items of array `v` (absent: none; another type: a located error and none).
  json::Value::Children list(const json::Value& v, std::string_view field);
  std::vector<model::Ref> refs(const json::Value& v, std::string_view field);
  const model::Ref* context(std::string_view key) const;
  // The context a file's answer `key` needs, or a located error (once per file and key).
  const model::Ref* need_context(std::string_view answer, std::size_t offset,
                                 std::initializer_list<std::string_view> keys);
  // A Classic load balancer's id: its ARN when the account and Region are known, else its name.
  std::string classic_id(std::string_view name) const;
  std::string scope() const { return account_ + "/" + region_; }

  // ---- what finish() applies ---------------------------------------------------------------
  struct Attribute {
    model::Ref owner;  // an ARN, or a Classic load balancer's name (classic)
    bool target_group = false;
    bool classic = false;
    std::string scope;          // classic: the account and Region the name is in
    std::string key;            // load_balancing.cross_zone.enabled, preserve_client_ip.enabled
    std::optional<bool> value;  // unset: use_load_balancer_configuration
    Location at;
  };
  struct TargetRecord {
    model::Ref target_group;
    std::string id;  // an instance id, an address or a load balancer's ARN, by the group's type
    Location at;
    std::optional<std::uint16_t> port;
    std::string zone;
    std::string health;
  };
  struct DefaultRule {
    model::Ref listener;
    model::ListenerRule rule;
  };
  struct LoadBalancerInfo {
    model::Ref vpc;     // VpcId (VPCId for Classic)
    std::string owner;  // what its interfaces' descriptions name after "ELB "
    std::string scope;
  };
  struct GroupInfo {
    std::string scope;
    model::Ref version;  // the launch template version the group launches, as written
  };
  struct Interface {
    std::string id, subnet;
    std::optional<IpAddress> private_ip;
    Location at;
  };

  void link_nodes(std::unordered_set<std::string>& linked);
  void apply_attributes();
  void apply_targets(const std::function<bool(const std::string&)>& instance_gone);
  void apply_default_rules();
  void link_groups();
  void leave_out();

  model::Network& net_;
  Diagnostics& d_;
  json::Reader* rd_ = nullptr;
  std::string account_, region_;
  std::vector<std::pair<std::string, model::Ref>> context_;  // this file's context keys
  std::unordered_set<std::string> context_reported_;         // answers told they lack one
  std::size_t first_lb_, first_listener_, first_rule_, first_tg_, first_asg_, first_service_;

  std::unordered_map<std::string, model::Index> lb_index_, tg_index_, listener_index_, lt_index_,
      asg_index_, service_index_;
  std::unordered_set<std::string> rule_ids_;
  std::unordered_map<std::string, LoadBalancerInfo> lb_info_;         // by load balancer id
  std::unordered_map<std::string, GroupInfo> group_info_;             // by Auto Scaling group id
  std::unordered_map<std::string, std::pair<int, int>> lt_versions_;  // id -> default, latest
  std::unordered_map<std::string, std::string> classic_by_name_;      // scope/name -> id
  std::unordered_set<std::string> v2_listeners_;       // elbv2 listeners (not Classic)
  std::unordered_set<std::string> listener_defaults_;  // listeners with a default action
  std::unordered_map<std::string, std::vector<Interface>> interfaces_;  // by owner
  std::vector<Attribute> attributes_;
  std::vector<TargetRecord> targets_;
  std::vector<DefaultRule> default_rules_;
  // Left out (a VPC outside the snapshot, a protocol the model lacks): what names them is too.
  std::unordered_set<std::string> left_out_;
};

}  // namespace cloudtwin::load::aws_cli
