// CloudFront's API JSON (the API reference's GetDistributionConfig, GetDistribution,
// ListDistributions, GetCachePolicy, ListCachePolicies, GetOriginRequestPolicy,
// GetResponseHeadersPolicy, GetPublicKey, ListPublicKeys, GetKeyGroup, ListKeyGroups answers)
// into the model, through the shared reader of CloudFormation's shape.
#include "cloudfront_json.h"

#include <algorithm>
#include <filesystem>

#include "cloudfront_config.h"
#include "cloudtwin/load/cloudfront_json.h"

namespace cloudtwin::load {
namespace cloudfront {
namespace {

namespace fs = std::filesystem;
using json::Type;
using json::Value;

constexpr std::string_view kAnswerKeys[] = {"DistributionConfig",
                                            "Distribution",
                                            "DistributionList",
                                            "CachePolicy",
                                            "CachePolicyList",
                                            "OriginRequestPolicy",
                                            "OriginRequestPolicyList",
                                            "ResponseHeadersPolicy",
                                            "ResponseHeadersPolicyList",
                                            "PublicKey",
                                            "PublicKeyList",
                                            "KeyGroup",
                                            "KeyGroupList"};
constexpr std::string_view kCompanionKeys[] = {"ETag", "ResponseMetadata", "Location"};

// A CloudFront distribution id: E and 12 or 13 upper-case letters and digits.
bool is_distribution_id(std::string_view s) {
  if (s.size() < 13 || s.size() > 14 || s.front() != 'E') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// A distribution id among the file name's tokens of letters and digits, else its stem.
std::string id_from_file_name(const std::string& file) {
  const std::string stem = fs::path(file).stem().string();
  std::string token;
  for (std::size_t i = 0; i <= stem.size(); ++i) {
    const char c = i < stem.size() ? stem[i] : '\0';
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      token += c;
      continue;
    }
    if (is_distribution_id(token)) return token;
    token.clear();
  }
  return stem;
}

std::string text_of(const Value& v) { return v.is_string() ? std::string(v.text()) : ""; }

}  // namespace

bool is_answer_key(std::string_view key) {
  return std::find(std::begin(kAnswerKeys), std::end(kAnswerKeys), key) != std::end(kAnswerKeys);
}

bool is_companion_key(std::string_view key) {
  return std::find(std::begin(kCompanionKeys), std::end(kCompanionKeys), key) !=
         std::end(kCompanionKeys);
}

void JsonReader::distribution(json::Reader& rd, const Value& config, std::string id,
                              std::string domain, const Value& at, bool full) {
  if (id.empty()) {
    rd.error(at.offset(), "", "a distribution needs its `Id`");
    return;
  }
  rd.set_resource(id);
  if (!rd.expect(config, Type::kObject, "DistributionConfig")) return;
  auto seen = distributions_.find(id);
  if (seen != distributions_.end() && (seen->second.second || !full)) return;  // have as much
  cfn::Value tree = from_json(config, rd);
  normalise_api(tree);
  // ListDistributions' summaries hold the configuration's fields beside the distribution's.
  model::Distribution d;
  d.id = id;
  d.name = id;
  d.at = rd.at(at);
  d.domain_name = std::move(domain);
  DiagnosticsProblems problems(d_, rd.path(), id, "cloudfront");
  if (!read_distribution_config(tree, Keys::kLenient, problems, d)) return;
  if (seen != distributions_.end()) {
    n_.distributions[seen->second.first] = std::move(d);
    seen->second.second = full;
    return;
  }
  n_.distributions.push_back(std::move(d));
  const auto index = static_cast<model::Index>(n_.distributions.size() - 1);
  distributions_.emplace(id, std::make_pair(index, full));
  read_.push_back(index);
}

// A policy, key or key group: {Id, <config_key>: {...}}, read unless its id is read already.
template <class R, class F>
void JsonReader::policy(json::Reader& rd, const Value& item, std::string_view config_key,
                        std::vector<R>& list, F read) {
  if (!rd.expect(item, Type::kObject, config_key)) return;
  const std::string id = text_of(item.get("Id"));
  if (id.empty()) {
    rd.error(item.offset(), "", "`" + std::string(config_key) + "`'s owner needs its `Id`");
    return;
  }
  rd.set_resource(id);
  if (std::any_of(list.begin(), list.end(), [&](const R& r) { return r.id == id; })) return;
  const Value config = item.get(config_key);
  if (!rd.expect(config, Type::kObject, config_key)) return;
  cfn::Value tree = from_json(config, rd);
  normalise_api(tree);
  R r;
  r.id = id;
  r.at = rd.at(item);
  DiagnosticsProblems problems(d_, rd.path(), id, "cloudfront");
  if (!read(tree, Keys::kLenient, problems, r)) return;
  if (r.name.empty()) r.name = id;
  list.push_back(std::move(r));
}

// ListPublicKeys' PublicKeySummary: Id, Name, EncodedKey and Comment side by side.
void JsonReader::public_key_summary(json::Reader& rd, const Value& item) {
  if (!rd.expect(item, Type::kObject, "PublicKeyList")) return;
  if (!item.get("PublicKeyConfig").missing()) {
    policy(rd, item, "PublicKeyConfig", n_.public_keys, &read_public_key_config);
    return;
  }
  const std::string id = text_of(item.get("Id"));
  if (id.empty()) {
    rd.error(item.offset(), "", "a public key needs its `Id`");
    return;
  }
  rd.set_resource(id);
  if (std::any_of(n_.public_keys.begin(), n_.public_keys.end(),
                  [&](const model::PublicKey& k) { return k.id == id; })) {
    return;
  }
  model::PublicKey k;
  k.id = id;
  k.at = rd.at(item);
  k.name = text_of(item.get("Name"));
  k.comment = text_of(item.get("Comment"));
  if (auto key = rd.str(item.get("EncodedKey"), "EncodedKey")) k.encoded_key = std::string(*key);
  if (k.encoded_key.empty()) {
    rd.error(item.offset(), id, "a public key needs its `EncodedKey`");
    return;
  }
  if (k.name.empty()) k.name = id;
  n_.public_keys.push_back(std::move(k));
}

void JsonReader::read_answer(json::Reader& rd, const Value& root, const std::string& file) {
  rd.set_resource("");
  if (!root.is_object()) {
    rd.error(root.offset(), "", "a CloudFront answer is a JSON object");
    return;
  }
  // The items of a list answer: {"<X>List": {"Items": [...], "Quantity", paging}}.
  auto items = [&](std::string_view key, auto each) {
    const Value list = root.get(key);
    if (list.missing() || list.type() == Type::kNull) return;
    if (!rd.expect(list, Type::kObject, key)) return;
    const Value arr = list.get("Items");
    if (arr.missing() || arr.type() == Type::kNull) return;
    if (!rd.expect(arr, Type::kArray, "Items")) return;
    for (const auto& item : arr.items()) {
      rd.set_resource("");
      if (rd.expect(item, Type::kObject, "Items")) each(item);
    }
  };
  // Items of policy lists: {"Type": "managed" | "custom", "<X>": {...}}; AWS's managed ones
  // are the model's already (finalize() adds those a behaviour names).
  auto typed = [&](std::string_view inner, std::string_view config_key, auto& list, auto read) {
    auto* target = &list;
    return [this, &rd, inner, config_key, target, read](const Value& item) {
      if (text_of(item.get("Type")) == "managed") return;
      policy(rd, item.get(inner), config_key, *target, read);
    };
  };

  const Value config = root.get("DistributionConfig");
  if (!config.missing()) {
    // get-distribution-config: no id in the answer (docs/format.md, "CloudFront JSON").
    std::string id = text_of(root.get("Id"));
    if (id.empty()) id = id_from_file_name(file);
    distribution(rd, config, id, "", config, true);
  }
  if (const Value dist = root.get("Distribution"); !dist.missing()) {
    if (rd.expect(dist, Type::kObject, "Distribution")) {
      distribution(rd, dist.get("DistributionConfig"), text_of(dist.get("Id")),
                   text_of(dist.get("DomainName")), dist, true);
    }
  }
  items("DistributionList", [&](const Value& item) {
    distribution(rd, item, text_of(item.get("Id")), text_of(item.get("DomainName")), item, false);
  });
  if (const Value p = root.get("CachePolicy"); !p.missing()) {
    policy(rd, p, "CachePolicyConfig", n_.cache_policies, &read_cache_policy_config);
  }
  items("CachePolicyList",
        typed("CachePolicy", "CachePolicyConfig", n_.cache_policies, &read_cache_policy_config));
  if (const Value p = root.get("OriginRequestPolicy"); !p.missing()) {
    policy(rd, p, "OriginRequestPolicyConfig", n_.origin_request_policies,
           &read_origin_request_policy_config);
  }
  items("OriginRequestPolicyList",
        typed("OriginRequestPolicy", "OriginRequestPolicyConfig", n_.origin_request_policies,
              &read_origin_request_policy_config));
  if (const Value p = root.get("ResponseHeadersPolicy"); !p.missing()) {
    policy(rd, p, "ResponseHeadersPolicyConfig", n_.response_headers_policies,
           &read_response_headers_policy_config);
  }
  items("ResponseHeadersPolicyList",
        typed("ResponseHeadersPolicy", "ResponseHeadersPolicyConfig", n_.response_headers_policies,
              &read_response_headers_policy_config));
  if (const Value p = root.get("PublicKey"); !p.missing()) {
    policy(rd, p, "PublicKeyConfig", n_.public_keys, &read_public_key_config);
  }
  items("PublicKeyList", [&](const Value& item) { public_key_summary(rd, item); });
  if (const Value p = root.get("KeyGroup"); !p.missing()) {
    policy(rd, p, "KeyGroupConfig", n_.key_groups, &read_key_group_config);
  }
  items("KeyGroupList", [&](const Value& item) {
    policy(rd, item.get("KeyGroup"), "KeyGroupConfig", n_.key_groups, &read_key_group_config);
  });
  rd.set_resource("");
}

void JsonReader::read_file(json::Reader& rd, const Value& root, const std::string& file) {
  if (!root.is_object()) {
    rd.error(root.offset(), "", "a CloudFront file is a JSON object");
    return;
  }
  // A recording (cloud-custodian's placebo files): {"status_code": 200, "data": {answer}}.
  if (!root.get("data").missing() && !root.get("status_code").missing()) {
    const Value data = root.get("data");
    if (rd.expect(data, Type::kObject, "data")) read_answer(rd, data, file);
  } else {
    read_answer(rd, root, file);
  }
  finish();
}

void JsonReader::finish() {
  for (model::Index i : read_) {
    auto& d = n_.distributions[i];
    DiagnosticsProblems problems(d_, n_.file_of(d.at), d.id, "cloudfront");
    stand_in_outside_policies(n_, d, problems);
  }
  read_.clear();
}

}  // namespace cloudfront

bool is_cloudfront_json(std::string_view head) {
  auto has = [&](std::string_view key) {
    return head.find("\"" + std::string(key) + "\"") != std::string_view::npos;
  };
  return has("DistributionConfig") || has("DistributionList") || has("CachePolicyConfig") ||
         has("CachePolicyList") || has("OriginRequestPolicyConfig") ||
         has("OriginRequestPolicyList") || has("ResponseHeadersPolicyConfig") ||
         has("ResponseHeadersPolicyList") || has("PublicKeyConfig") || has("PublicKeyList") ||
         has("KeyGroupConfig") || has("KeyGroupList");
}

bool read_cloudfront_json_file(const std::string& path, model::Network& network, Diagnostics& d) {
  const std::size_t errors_before = d.error_count();
  json::read_document(path, network.add_file(path), d, "write one CloudFront answer per file",
                      [&](json::Reader& rd, json::Value root) {
                        cloudfront::JsonReader reader(network, d);
                        reader.read_file(rd, root, path);
                      });
  return d.error_count() == errors_before;
}

}  // namespace cloudtwin::load
