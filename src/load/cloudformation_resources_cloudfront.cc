// CloudFront: AWS::CloudFront::Distribution, CachePolicy, OriginRequestPolicy,
// ResponseHeadersPolicy, PublicKey and KeyGroup (CloudFormation resource reference,
// aws-resource-cloudfront-*.html; shared/reference/cloudfront.md). Each configuration is read by
// the shared reader (cloudfront_config.h); ids are what `Ref` returns (a distribution's
// E…, a policy's or key group's UUID, a public key's K…). A behaviour's policy that is neither
// in the template, in an input read before it, nor managed by AWS gets a stand-in (cache
// policies) or is left out (the others), with a warning.
#include "cloudformation_mapper.h"
#include "cloudfront_config.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;

// The shared reader's problems as the stack's, naming the resource.
class StackProblems final : public cloudfront::Problems {
 public:
  StackProblems(Stack& s, const ResourceDecl& r) : s_(s), r_(r) {}
  void error(Location at, std::string message, std::string hint) override {
    s_.error(at, r_.logical_id, std::move(message), std::move(hint));
  }
  void warning(Location at, std::string message, std::string hint) override {
    s_.warning(at, r_.logical_id, std::move(message), std::move(hint));
  }
  void gap(Gap g, Location at, std::string message, std::string hint) override {
    s_.gap(g, r_.type, at, r_.logical_id, std::move(message), std::move(hint));
  }

 private:
  Stack& s_;
  const ResourceDecl& r_;
};

// The one property of each type that holds its configuration, besides Tags.
bool check_only(Stack& s, const ResourceDecl& r, std::string_view config) {
  bool ok = true;
  if (!r.properties || !r.properties->is_mapping()) return ok;
  for (const auto& p : r.properties->pairs()) {
    if (!p.key->is_scalar()) continue;
    const std::string_view k = p.key->scalar();
    if (k == config || (k == "Tags" && config == "DistributionConfig")) continue;
    const std::vector<std::string_view> known = config == "DistributionConfig"
                                                    ? std::vector<std::string_view>{config, "Tags"}
                                                    : std::vector<std::string_view>{config};
    const std::string near = closest_match(k, known);
    s.error(s.at(*p.key), r.logical_id,
            "unsupported property `" + std::string(k) + "` in " + r.type,
            near.empty() ? "" : "did you mean `" + near + "`?");
    ok = false;
  }
  return ok;
}

// Reads `config` of `r` with `read` and adds it to `list` under the id `Ref` gives; the
// configuration's Name (policies, keys, groups) names it. False if it has errors.
template <class R, class F>
bool map_config(Mapper& m, const ResourceDecl& r, std::string_view config, std::vector<R>& list,
                Kind kind, F read) {
  Stack& s = m.stack();
  const bool keys_ok = check_only(s, r, config);
  Props p(m, r);
  Value v = p.get(config);
  if (v.is_null()) v.at = s.at(*r.key);
  StackProblems problems(s, r);
  R out;
  out.at = s.at(*r.key);
  const bool ok = read(v, cloudfront::Keys::kStrict, problems, out);
  if (!ok || !keys_ok) return false;
  const std::string name = out.name;
  const Symbol stand_in = out.stand_in;
  m.add_read(r, list, kind, std::move(out));
  if (!name.empty()) list.back().name = name;
  if (list.back().stand_in.empty()) list.back().stand_in = stand_in;
  return true;
}

}  // namespace

bool Mapper::cloudfront_distribution(const ResourceDecl& r) {
  Stack& s = s_;
  const bool keys_ok = check_only(s, r, "DistributionConfig");
  Props p(*this, r);
  Value v = p.get("DistributionConfig");
  if (v.is_null()) v.at = s.at(*r.key);
  StackProblems problems(s, r);
  model::Distribution d;
  d.at = s.at(*r.key);
  if (!cloudfront::read_distribution_config(v, cloudfront::Keys::kStrict, problems, d) ||
      !keys_ok) {
    return false;
  }
  const Symbol stand_in = d.stand_in;
  add_read(r, n_.distributions, Kind::kDistribution, std::move(d));
  auto& out = n_.distributions.back();
  if (out.stand_in.empty()) out.stand_in = stand_in;
  // What Fn::GetAtt DomainName gives, so that a Route 53 alias to it names this distribution.
  out.domain_name = cloudfront_domain_name(r.physical_id);
  cloudfront::stand_in_outside_policies(n_, out, problems);
  return true;
}

bool Mapper::cloudfront_cache_policy(const ResourceDecl& r) {
  return map_config(*this, r, "CachePolicyConfig", n_.cache_policies, Kind::kCachePolicy,
                    &cloudfront::read_cache_policy_config);
}

bool Mapper::cloudfront_origin_request_policy(const ResourceDecl& r) {
  return map_config(*this, r, "OriginRequestPolicyConfig", n_.origin_request_policies,
                    Kind::kOriginRequestPolicy, &cloudfront::read_origin_request_policy_config);
}

bool Mapper::cloudfront_response_headers_policy(const ResourceDecl& r) {
  return map_config(*this, r, "ResponseHeadersPolicyConfig", n_.response_headers_policies,
                    Kind::kResponseHeadersPolicy, &cloudfront::read_response_headers_policy_config);
}

bool Mapper::cloudfront_public_key(const ResourceDecl& r) {
  return map_config(*this, r, "PublicKeyConfig", n_.public_keys, Kind::kPublicKey,
                    &cloudfront::read_public_key_config);
}

bool Mapper::cloudfront_key_group(const ResourceDecl& r) {
  if (!map_config(*this, r, "KeyGroupConfig", n_.key_groups, Kind::kKeyGroup,
                  &cloudfront::read_key_group_config)) {
    return false;
  }
  // A public key of another stack or of the account is existing infrastructure: left out of
  // the group, with a warning, as any reference outside the inputs.
  std::erase_if(n_.key_groups.back().keys, [&](const model::Ref& k) {
    if (locate(Kind::kPublicKey, k.text) != model::kNone) return false;
    s_.gap(Gap::kLeftOut, r.type, k.at, r.logical_id,
           "public key `" + k.text + "` of " + r.logical_id +
               " is neither in this template nor in an input read before it: it is left out of "
               "the key group");
    return true;
  });
  return true;
}

}  // namespace cloudtwin::load::cfn
