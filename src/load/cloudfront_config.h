// CloudFront's configurations as every reader shares them (docs/format.md, "CloudFront"):
// CloudFormation's shape of DistributionConfig, CachePolicyConfig, OriginRequestPolicyConfig,
// ResponseHeadersPolicyConfig, PublicKeyConfig and KeyGroupConfig, read from a located generic
// tree (cfn::Value) into the model. The CloudFormation reader evaluates its template into that
// tree; the AWS CLI / API reader converts JSON (from_json) and rewrites the API's shape into
// CloudFormation's (normalise_api); the native reader converts its YAML. Each reader reports
// through its own Problems, naming its resource.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cloudformation_stack.h"
#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/cloudfront.h"
#include "cloudtwin/model/network.h"
#include "json_source.h"

namespace cloudtwin::load::cloudfront {

// Where the shared reading reports what it finds, for the resource being read.
class Problems {
 public:
  virtual ~Problems() = default;
  virtual void error(Location at, std::string message, std::string hint = {}) = 0;
  virtual void warning(Location at, std::string message, std::string hint = {}) = 0;
  // A warning that the model leaves something out or cannot know it (Diagnostics::gap).
  virtual void gap(Gap g, Location at, std::string message, std::string hint = {}) = 0;
};

// Problems reported straight into Diagnostics: for readers without a context of their own.
class DiagnosticsProblems final : public Problems {
 public:
  DiagnosticsProblems(Diagnostics& d, std::string file, std::string resource, std::string gap_key)
      : d_(d), file_(std::move(file)), resource_(std::move(resource)), key_(std::move(gap_key)) {}
  void set_resource(std::string r) { resource_ = std::move(r); }
  void error(Location at, std::string message, std::string hint = {}) override {
    d_.error(file_, at, resource_, std::move(message), std::move(hint));
  }
  void warning(Location at, std::string message, std::string hint = {}) override {
    d_.warning(file_, at, resource_, std::move(message), std::move(hint));
  }
  void gap(Gap g, Location at, std::string message, std::string hint = {}) override {
    d_.gap(g, key_, file_, at, resource_, std::move(message), std::move(hint));
  }

 private:
  Diagnostics& d_;
  std::string file_, resource_, key_;
};

// How keys outside CloudFormation's are taken: CloudFormation (and the native format, which
// uses its shape) rejects an unsupported property; the API's answers gain fields over time, so
// there they are ignored.
enum class Keys : std::uint8_t { kStrict, kLenient };

// Each reads one configuration into `out` (its id, name and location are the caller's; `name`
// is set from the configuration's Name where it has one). False if an error was reported.
bool read_distribution_config(const cfn::Value& config, Keys keys, Problems& p,
                              model::Distribution& out);
bool read_cache_policy_config(const cfn::Value& config, Keys keys, Problems& p,
                              model::CachePolicy& out);
bool read_origin_request_policy_config(const cfn::Value& config, Keys keys, Problems& p,
                                       model::OriginRequestPolicy& out);
bool read_response_headers_policy_config(const cfn::Value& config, Keys keys, Problems& p,
                                         model::ResponseHeadersPolicy& out);
bool read_public_key_config(const cfn::Value& config, Keys keys, Problems& p,
                            model::PublicKey& out);
bool read_key_group_config(const cfn::Value& config, Keys keys, Problems& p, model::KeyGroup& out);

// For inputs that name what they do not hold (a template, a plan, an API answer): a
// behaviour's cache policy that no input read so far holds and AWS does not manage becomes a
// stand-in policy of that id (CloudFront's legacy default TTLs, nothing in the cache key,
// marked as a stand-in), with a warning; an origin request or response headers policy or a
// trusted key group outside the inputs is left out of the behaviour, with a warning.
void stand_in_outside_policies(model::Network& n, model::Distribution& d, Problems& p);

// A JSON value as the generic tree: numbers and booleans become their text, every value keeps
// its location.
cfn::Value from_json(const json::Value& v, const json::Reader& rd);
// Rewrites the CloudFront API's JSON shapes (get-distribution-config, get-cache-policy, ...)
// into CloudFormation's: {"Quantity", "Items"} wrappers become lists, AllowedMethods'
// CachedMethods becomes a sibling, and the keys the API names differently are renamed
// (CustomHeaders, OriginSslProtocols, IsIPV6Enabled, ViewerCertificate's, GeoRestriction's
// Items, Logging's Enabled).
void normalise_api(cfn::Value& v);

}  // namespace cloudtwin::load::cloudfront
