// The Terraform reader's resource mapping: one aws_* resource (a located JSON tree of its
// `address`, `type`, `values`...) into model resources. Resources that modify another one
// (split rules, routes, associations, attachments) are kept pending and applied by finish(),
// when every resource of the file is known, with duplicates of inline blocks dropped.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cloudtwin/model/network.h"
#include "json_source.h"

namespace cloudtwin::load::terraform {

struct Mapper;  // terraform_mapper.h

// What a plan says beyond planned_values: which attributes are unknown until apply, and which
// resources each attribute's expression references.
struct Plan {
  struct Change {
    std::string type;
    std::string mode;
    std::set<std::string> unknown;  // attributes unknown until apply
    bool deleted = false;
  };
  bool is_plan = false;
  // The Region of the default `aws` provider when the configuration gives it as a constant
  // (configuration.provider_config.aws.expressions.region.constant_value); empty otherwise.
  std::string region;
  std::unordered_map<std::string, Change> planned;  // by address
  // configuration address (module path without instance keys + type.name) -> attribute ->
  // references as written (relative to the module)
  std::unordered_map<std::string, std::map<std::string, std::vector<std::string>>> references;
  // "module.x.aws_subnet.a" (no instance key) -> every instance address
  std::unordered_map<std::string, std::vector<std::string>> instances;

  void add_address(const std::string& address);
};

// The parts of a resource address: module path, `[data.]type.name`, instance key.
struct Address {
  std::string module;  // "module.vpc" or "module.vpc[0]"; "" in the root module
  std::string local;   // "aws_subnet.private" or "data.aws_prefix_list.s3"
  std::string key;     // "[0]", "[\"a\"]" or ""
};
Address parse_address(std::string_view address);
// The module path without instance keys: "module.a[0].module.b" -> "module.a.module.b".
std::string config_module(std::string_view module);

class Resources {
 public:
  Resources(json::Reader& reader, model::Network& network, const Plan& plan);
  ~Resources();

  // One element of a module's `resources`.
  void read(const json::Value& resource);
  // Applies pending changes, materialises what AWS created beside the resources (default
  // security groups, network ACLs and main route tables named by a VPC, TGW default route
  // tables) and registers aliases.
  void finish();

 private:
  std::unique_ptr<Mapper> impl_;
};

}  // namespace cloudtwin::load::terraform
