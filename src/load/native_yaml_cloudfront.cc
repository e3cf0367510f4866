// The native format's CloudFront lists (docs/format.md, "CloudFront"): each item is `id`,
// `name` and `config`, the configuration in CloudFormation's shape (DistributionConfig,
// CachePolicyConfig, ...), so that a template's configuration can be pasted in. The YAML tree
// becomes the generic located tree the shared reader (cloudfront_config.h) reads; unknown keys
// are errors there, as in CloudFormation.
#include <type_traits>
#include <unordered_set>

#include "cloudfront_config.h"
#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {
namespace {

// A YAML node as the generic tree: scalars are text (tags such as `!Ref` have no meaning here),
// null is null. Aliases may share subtrees or make cycles: depth and size are bounded.
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxNodes = 100000;

bool convert(Context& cx, const Node& n, int depth, std::size_t& budget, cfn::Value& out) {
  out.at = cx.at(n);
  if (depth > kMaxDepth || budget == 0) return false;
  --budget;
  switch (n.kind()) {
    case NodeKind::kNull:
      out.type = cfn::Value::Type::kNull;
      return true;
    case NodeKind::kScalar:
      out.type = cfn::Value::Type::kString;
      out.text = std::string(n.scalar());
      return true;
    case NodeKind::kSequence:
      out.type = cfn::Value::Type::kList;
      for (const Node* i : n.items()) {
        if (!convert(cx, *i, depth + 1, budget, out.items.emplace_back())) return false;
      }
      return true;
    case NodeKind::kMapping:
      out.type = cfn::Value::Type::kMap;
      std::unordered_set<std::string_view> seen;
      for (const auto& p : n.pairs()) {
        if (!p.key->is_scalar()) {
          cx.error(cx.at(*p.key), "", "a key of a CloudFront configuration must be a word");
          continue;
        }
        if (!seen.insert(p.key->scalar()).second) {
          cx.error(cx.at(*p.key), "", "duplicate key `" + std::string(p.key->scalar()) + "`");
        }
        out.keys.emplace_back(p.key->scalar());
        if (!convert(cx, *p.value, depth + 1, budget, out.values.emplace_back())) return false;
      }
      return true;
  }
  return true;
}

// The problems of the shared reader as this file's, naming the resource.
class YamlProblems final : public cloudfront::Problems {
 public:
  YamlProblems(Context& cx, std::string resource) : cx_(cx), resource_(std::move(resource)) {}
  void error(Location at, std::string message, std::string hint) override {
    cx_.error(at, resource_, std::move(message), std::move(hint));
  }
  void warning(Location at, std::string message, std::string hint) override {
    cx_.diagnostics.warning(cx_.path, at, resource_, std::move(message), std::move(hint));
  }
  void gap(Gap g, Location at, std::string message, std::string hint) override {
    cx_.diagnostics.gap(g, "cloudfront", cx_.path, at, resource_, std::move(message),
                        std::move(hint));
  }

 private:
  Context& cx_;
  std::string resource_;
};

// One item: `id`, `name` and `config`, read by `read` into a resource added to `list`.
template <class R, class F>
void read_item(Context& cx, Value& item, std::vector<R>& list, std::vector<std::string_view> keys,
               F read) {
  Fields f = item.fields(std::move(keys));
  if (!f.is_mapping()) {
    f.check();
    return;
  }
  R& r = add_resource(f, list, "");
  const std::size_t index = list.size() - 1;
  Value config = f.require("config");
  if (!config.present()) return;
  cfn::Value tree;
  std::size_t budget = kMaxNodes;
  if (!convert(cx, *config.node(), 0, budget, tree)) {
    config.error("the configuration is nested too deeply or is too large (aliases?)");
    return;
  }
  YamlProblems problems(cx, r.id);
  R read_into;
  read_into.at = config.at();
  read(tree, cloudfront::Keys::kStrict, problems, read_into);
  R& out = list[index];
  const std::string name = read_into.name.empty() ? out.name : read_into.name;
  read_into.id = out.id;
  read_into.name = name;
  read_into.at = out.at;
  if (read_into.stand_in.empty()) read_into.stand_in = out.stand_in;
  if constexpr (std::is_same_v<R, model::Distribution>) {
    if (auto d = f.get("domain_name").text()) read_into.domain_name = *d;
  }
  out = std::move(read_into);
}

}  // namespace

void read_cloudfront_distribution(Context& cx, Value& item) {
  read_item(cx, item, cx.network.distributions, {"id", "name", "domain_name", "config"},
            &cloudfront::read_distribution_config);
}

void read_cache_policy(Context& cx, Value& item) {
  read_item(cx, item, cx.network.cache_policies, {"id", "name", "config"},
            &cloudfront::read_cache_policy_config);
}

void read_origin_request_policy(Context& cx, Value& item) {
  read_item(cx, item, cx.network.origin_request_policies, {"id", "name", "config"},
            &cloudfront::read_origin_request_policy_config);
}

void read_response_headers_policy(Context& cx, Value& item) {
  read_item(cx, item, cx.network.response_headers_policies, {"id", "name", "config"},
            &cloudfront::read_response_headers_policy_config);
}

void read_cloudfront_public_key(Context& cx, Value& item) {
  read_item(cx, item, cx.network.public_keys, {"id", "name", "config"},
            &cloudfront::read_public_key_config);
}

void read_cloudfront_key_group(Context& cx, Value& item) {
  read_item(cx, item, cx.network.key_groups, {"id", "name", "config"},
            &cloudfront::read_key_group_config);
}

}  // namespace cloudtwin::load::yaml
