// The CloudFormation reader's CloudFront resources (aws-resource-cloudfront-distribution.html,
// -cachepolicy, -originrequestpolicy, -responseheaderspolicy, -publickey, -keygroup;
// shared/reference/cloudfront.md): a distribution's configuration as the model holds it, the
// real templates of ../shared/data/cloudfront, and bad input reported at its location.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <string>

#include "cloudtwin/load/load.h"
#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::load;
using testing::Loaded;

const std::string kShared = std::string(CLOUDTWIN_SHARED_DIR) + "/data/cloudfront/";

const Diagnostic* find(const Diagnostics& d, std::string_view text, Severity s = Severity::kError) {
  for (const auto& i : d.items()) {
    if (i.severity == s && i.message.find(text) != std::string::npos) return &i;
  }
  return nullptr;
}

constexpr const char* kSite = R"(Resources:
  Assets: {Type: AWS::S3::Bucket}
  Policy:
    Type: AWS::CloudFront::CachePolicy
    Properties:
      CachePolicyConfig:
        Name: site-default
        MinTTL: 0
        DefaultTTL: 60
        MaxTTL: 3600
        ParametersInCacheKeyAndForwardedToOrigin:
          EnableAcceptEncodingGzip: true
          HeadersConfig: {HeaderBehavior: whitelist, Headers: [Accept-Language]}
          CookiesConfig: {CookieBehavior: none}
          QueryStringsConfig: {QueryStringBehavior: whitelist, QueryStrings: [v]}
  Headers:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: site-headers
        CustomHeadersConfig: {Items: [{Header: X-Site, Value: "1", Override: true}]}
        SecurityHeadersConfig:
          StrictTransportSecurity: {AccessControlMaxAgeSec: 600, IncludeSubdomains: true, Override: false}
  Key: {Type: AWS::CloudFront::PublicKey, Properties: {PublicKeyConfig: {Name: k1, CallerReference: r, EncodedKey: "-----BEGIN PUBLIC KEY-----"}}}
  Group: {Type: AWS::CloudFront::KeyGroup, Properties: {KeyGroupConfig: {Name: g1, Items: [!Ref Key]}}}
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Aliases: [www.example.com]
        Origins:
          - Id: web
            DomainName: web.example.internal
            CustomOriginConfig: {OriginProtocolPolicy: http-only, HTTPPort: 8080, OriginReadTimeout: 10}
            OriginCustomHeaders: [{HeaderName: X-Origin, HeaderValue: cdn}]
          - Id: assets
            DomainName: !GetAtt Assets.RegionalDomainName
            S3OriginConfig: {OriginAccessIdentity: ""}
        OriginGroups:
          Quantity: 1
          Items:
            - Id: both
              FailoverCriteria: {StatusCodes: {Quantity: 2, Items: [500, 503]}}
              Members: {Quantity: 2, Items: [{OriginId: web}, {OriginId: assets}]}
        DefaultCacheBehavior:
          TargetOriginId: both
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: !Ref Policy
          ResponseHeadersPolicyId: !Ref Headers
        CacheBehaviors:
          - PathPattern: /api/*
            TargetOriginId: web
            ViewerProtocolPolicy: https-only
            AllowedMethods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]
            CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
            FunctionAssociations: [{EventType: viewer-request, FunctionARN: "arn:aws:cloudfront::123456789012:function/f"}]
          - PathPattern: /private/*
            TargetOriginId: assets
            ViewerProtocolPolicy: https-only
            TrustedKeyGroups: [!Ref Group]
            ForwardedValues: {QueryString: true, QueryStringCacheKeys: [page], Cookies: {Forward: none}}
            MinTTL: 5
        CustomErrorResponses:
          - {ErrorCode: 404, ResponseCode: 404, ResponsePagePath: /errors/404.html}
          - {ErrorCode: 503, ErrorCachingMinTTL: 5}
        Logging: {Bucket: logs.s3.amazonaws.com, Prefix: cdn/}
)";

TEST(CloudFormationCloudFront, DistributionConfigAsTheModelHoldsIt) {
  Loaded l = load(kSite);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.distributions.size(), 1u);
  const auto& d = n.distributions[0];
  EXPECT_EQ(d.name, "Cdn");
  EXPECT_TRUE(d.id.starts_with("E") && d.id.size() == 14) << d.id;
  EXPECT_TRUE(d.domain_name.ends_with(".cloudfront.net"));
  EXPECT_EQ(d.aliases, std::vector<std::string>{"www.example.com"});
  EXPECT_FALSE(d.ipv6);  // IPV6Enabled is false unless set
  ASSERT_EQ(d.origins.size(), 2u);
  EXPECT_EQ(d.origins[0].domain_name, "web.example.internal");
  EXPECT_EQ(d.origins[0].http_port, 8080);
  EXPECT_EQ(d.origins[0].read_timeout, 10);
  ASSERT_EQ(d.origins[0].custom_headers.size(), 1u);
  EXPECT_EQ(d.origins[0].custom_headers[0].name, "X-Origin");
  // An S3 bucket's domain name is not known offline: a readable placeholder, and a warning
  // that says how to serve it.
  EXPECT_TRUE(d.origins[1].s3);
  EXPECT_EQ(d.origins[1].domain_name, "Assets.RegionalDomainName");
  const auto* w =
      find(l.diagnostics, "DomainName of origin `assets` is not known offline", Severity::kWarning);
  ASSERT_TRUE(w) << dump(l.diagnostics);
  EXPECT_NE(w->hint.find("--origin assets=HOST:PORT"), std::string::npos);
  ASSERT_EQ(d.origin_groups.size(), 1u);
  EXPECT_EQ(d.origin_groups[0].members, (std::vector<std::string>{"web", "assets"}));
  EXPECT_EQ(d.origin_groups[0].failover_status_codes, (std::vector<std::int64_t>{500, 503}));
  EXPECT_TRUE(d.default_behavior.target_is_group);
  // Ref of a CachePolicy is its id, which the behaviour names.
  ASSERT_TRUE(d.default_behavior.cache_policy.resolved());
  const auto& cp = n.cache_policies[d.default_behavior.cache_policy.index];
  EXPECT_EQ(cp.name, "site-default");
  EXPECT_EQ(cp.default_ttl, 60);
  EXPECT_EQ(cp.max_ttl, 3600);
  EXPECT_EQ(cp.headers.behavior, "whitelist");
  EXPECT_EQ(cp.query_strings.items, std::vector<std::string>{"v"});
  EXPECT_TRUE(cp.gzip);
  ASSERT_TRUE(d.default_behavior.response_headers_policy.resolved());
  const auto& rh = n.response_headers_policies[d.default_behavior.response_headers_policy.index];
  ASSERT_EQ(rh.security_headers.size(), 1u);
  EXPECT_EQ(rh.security_headers[0].value, "max-age=600; includeSubDomains");
  ASSERT_EQ(d.behaviors.size(), 2u);
  EXPECT_EQ(d.behaviors[0].allowed_methods, 127);
  ASSERT_TRUE(d.behaviors[0].cache_policy.resolved());
  EXPECT_TRUE(n.cache_policies[d.behaviors[0].cache_policy.index].managed);  // CachingDisabled
  EXPECT_EQ(d.behaviors[0].function_associations,
            std::vector<std::string>{"viewer-request:arn:aws:cloudfront::123456789012:function/f"});
  EXPECT_TRUE(find(l.diagnostics, "does not run Lambda@Edge functions or CloudFront Functions",
                   Severity::kWarning));
  const auto& legacy = d.behaviors[1];
  EXPECT_TRUE(legacy.legacy);
  EXPECT_EQ(legacy.min_ttl, 5);
  EXPECT_EQ(legacy.default_ttl, 86400);
  EXPECT_EQ(legacy.legacy_query_strings.behavior, "whitelist");
  ASSERT_EQ(legacy.trusted_key_groups.size(), 1u);
  EXPECT_TRUE(legacy.trusted_key_groups[0].resolved());
  ASSERT_EQ(d.custom_error_responses.size(), 2u);
  EXPECT_EQ(d.custom_error_responses[0].response_page_path, "/errors/404.html");
  EXPECT_EQ(d.custom_error_responses[1].error_caching_min_ttl, 5);
  EXPECT_TRUE(d.logging);
  EXPECT_EQ(d.logging_prefix, "cdn/");
  ASSERT_EQ(n.key_groups.size(), 1u);
  EXPECT_EQ(n.key_groups[0].keys[0].text, n.public_keys[0].id);
}

// A policy the template names by id that is neither in it nor managed by AWS is existing
// infrastructure: a stand-in takes its place, with a warning (docs/format.md, "CloudFront").
TEST(CloudFormationCloudFront, CachePolicyOutsideTheTemplateGetsAStandIn) {
  Loaded l = load(R"(Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins: [{Id: o, DomainName: example.org, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
        DefaultCacheBehavior:
          TargetOriginId: o
          ViewerProtocolPolicy: allow-all
          CachePolicyId: 11111111-2222-3333-4444-555555555555
          OriginRequestPolicyId: 99999999-2222-3333-4444-555555555555
)");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& b = l.network.distributions.at(0).default_behavior;
  ASSERT_TRUE(b.cache_policy.resolved());
  const auto& cp = l.network.cache_policies[b.cache_policy.index];
  EXPECT_FALSE(cp.stand_in.empty());
  EXPECT_EQ(cp.default_ttl, 86400);
  EXPECT_TRUE(b.origin_request_policy.empty());
  EXPECT_TRUE(find(l.diagnostics, "a stand-in with CloudFront's default TTLs", Severity::kWarning));
  EXPECT_TRUE(find(l.diagnostics, "origin request policy `99999999", Severity::kWarning));
}

// A key group's public key of another stack is left out of the group, with a warning.
TEST(CloudFormationCloudFront, PublicKeyOutsideTheTemplateIsLeftOutOfItsGroup) {
  Loaded l = load(R"(Resources:
  Key: {Type: AWS::CloudFront::PublicKey, Properties: {PublicKeyConfig: {Name: k, CallerReference: r, EncodedKey: key}}}
  Group: {Type: AWS::CloudFront::KeyGroup, Properties: {KeyGroupConfig: {Name: g, Items: [!Ref Key, K0THERSTACK0001]}}}
)");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.key_groups.size(), 1u);
  ASSERT_EQ(l.network.key_groups[0].keys.size(), 1u);
  EXPECT_EQ(l.network.key_groups[0].keys[0].text, l.network.public_keys.at(0).id);
  const auto* w = find(l.diagnostics, "public key `K0THERSTACK0001`", Severity::kWarning);
  ASSERT_TRUE(w) << dump(l.diagnostics);
  EXPECT_EQ(w->line, 3u);
}

// A Route 53 alias to the distribution names the domain the model's distribution has.
TEST(CloudFormationCloudFront, AliasRecordNamesTheDistributionsDomain) {
  Loaded l = load(R"(Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins: [{Id: o, DomainName: example.org, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: allow-all, ForwardedValues: {QueryString: false}}
  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com}}
  Apex:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref Zone
      Name: example.com
      Type: A
      AliasTarget: {DNSName: !GetAtt Cdn.DomainName, HostedZoneId: Z2FDTNDATAQYW2}
)");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const model::RecordSet* apex = nullptr;
  for (const auto& r : l.network.record_sets) {
    if (r.type == "A") apex = &r;
  }
  ASSERT_TRUE(apex && apex->alias);
  EXPECT_EQ(apex->alias->dns_name, l.network.distributions.at(0).domain_name);
}

// Bad input: each problem located at what is wrong, naming the resource.
struct BadCase {
  std::string name;
  std::string config;  // the DistributionConfig's body, indented 8
  std::string message;
  std::uint32_t line;
  std::string hint;
};

class CloudFormationCloudFrontBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CloudFormationCloudFrontBadInput, IsReportedWhereItIsWritten) {
  const auto& c = GetParam();
  Loaded l = load(std::string(R"(Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
)") + c.config);
  EXPECT_FALSE(l.ok);
  const auto* e = find(l.diagnostics, c.message);
  ASSERT_TRUE(e) << dump(l.diagnostics);
  EXPECT_EQ(e->line, c.line) << e->str();
  EXPECT_EQ(e->file, "stack.yaml");
  EXPECT_FALSE(e->resource.empty()) << e->str();
  if (!c.hint.empty()) {
    EXPECT_NE(e->hint.find(c.hint), std::string::npos) << e->str();
  }
}

constexpr const char* kOrigin =
    "        Origins: [{Id: o, DomainName: example.org, CustomOriginConfig: {OriginProtocolPolicy: "
    "https-only}}]\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, CloudFormationCloudFrontBadInput,
    ::testing::Values(
        // CloudFormation rejects a property the type does not have.
        BadCase{"UnknownProperty",
                std::string("        Enabled: true\n") + kOrigin +
                    "        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: "
                    "allow-all, "
                    "ForwardedValues: {QueryString: false}, Compres: true}\n",
                "unsupported property `Compres` in DefaultCacheBehavior", 8,
                "did you mean `Compress`?"},
        // API_CacheBehavior: TargetOriginId names an origin or origin group (NoSuchOrigin).
        BadCase{"BehaviourTargetsAMissingOrigin",
                std::string("        Enabled: true\n") + kOrigin +
                    "        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: "
                    "allow-all, "
                    "ForwardedValues: {QueryString: false}}\n"
                    "        CacheBehaviors:\n"
                    "          - {PathPattern: /x/*, TargetOriginId: nowhere, "
                    "ViewerProtocolPolicy: allow-all, "
                    "ForwardedValues: {QueryString: false}}\n",
                "targets origin `nowhere`", 10, ""},
        // Expiration.html: MinTTL <= DefaultTTL <= MaxTTL (InvalidTTLOrder).
        BadCase{"MinTtlAboveDefaultTtl",
                std::string("        Enabled: true\n") + kOrigin +
                    "        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: "
                    "allow-all, "
                    "ForwardedValues: {QueryString: false}, MinTTL: 600, DefaultTTL: 60}\n",
                "MinTTL <= DefaultTTL <= MaxTTL", 8, ""},
        // high_availability_origin_failover.html: an origin group has exactly two members.
        BadCase{"OriginGroupWithOneMember",
                std::string("        Enabled: true\n") + kOrigin +
                    "        OriginGroups:\n"
                    "          Quantity: 1\n"
                    "          Items:\n"
                    "            - Id: g\n"
                    "              FailoverCriteria: {StatusCodes: {Quantity: 1, Items: [503]}}\n"
                    "              Members: {Quantity: 1, Items: [{OriginId: o}]}\n"
                    "        DefaultCacheBehavior: {TargetOriginId: g, ViewerProtocolPolicy: "
                    "allow-all, "
                    "ForwardedValues: {QueryString: false}}\n",
                "must have exactly two members", 11, ""},
        BadCase{"QuantityDoesNotMatchItems",
                std::string("        Enabled: true\n") + kOrigin +
                    "        OriginGroups: {Quantity: 2, Items: []}\n"
                    "        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: "
                    "allow-all, "
                    "ForwardedValues: {QueryString: false}}\n",
                "Quantity 2 does not match its 0 Items", 8, ""},
        BadCase{"MissingDefaultCacheBehavior", std::string("        Enabled: true\n") + kOrigin,
                "`DefaultCacheBehavior` is required", 6, ""},
        BadCase{"UnknownMethod",
                std::string("        Enabled: true\n") + kOrigin +
                    "        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: "
                    "allow-all, "
                    "ForwardedValues: {QueryString: false}, AllowedMethods: [GET, FETCH]}\n",
                "`FETCH` is not an HTTP method", 8, ""}),
    [](const auto& info) { return info.param.name; });

// ---- the real templates of ../shared/data/cloudfront ---------------------------------------

struct Shared {
  std::string file;
  std::map<std::string, std::string> params;
  std::size_t origins, behaviors, error_responses, functions;
  bool legacy_default;
};

class CloudFormationCloudFrontShared : public ::testing::TestWithParam<Shared> {};

TEST_P(CloudFormationCloudFrontShared, LoadsWithItsOriginsAndBehaviours) {
  const auto& c = GetParam();
  model::Network n;
  Diagnostics d;
  LoadOptions o;
  o.parameters = c.params;
  ASSERT_TRUE(load_network({kShared + c.file}, n, d, o)) << dump(d);
  ASSERT_EQ(n.distributions.size(), 1u) << dump(d);
  const auto& dist = n.distributions[0];
  EXPECT_EQ(dist.origins.size(), c.origins);
  EXPECT_EQ(dist.behaviors.size(), c.behaviors);
  EXPECT_EQ(dist.custom_error_responses.size(), c.error_responses);
  std::size_t functions = dist.default_behavior.function_associations.size();
  for (const auto& b : dist.behaviors) functions += b.function_associations.size();
  EXPECT_EQ(functions, c.functions);
  EXPECT_EQ(dist.default_behavior.legacy, c.legacy_default);
}

INSTANTIATE_TEST_SUITE_P(
    Templates, CloudFormationCloudFrontShared,
    ::testing::Values(
        // One S3 origin named by a parameter without a value (a stand-in), legacy settings.
        Shared{"CloudFront_Distribution_S3.template", {}, 1, 0, 0, 0, true},
        // An ALB custom origin, one Lambda@Edge association, legacy TTLs from parameters.
        Shared{"CloudFrontCustomOriginLambdaEdge.yaml", {}, 1, 0, 0, 1, true},
        // An S3 origin by GetAtt (placeholder), a cache policy outside the template (stand-in).
        Shared{"compliant-static-website.yaml",
               {{"AppName", "site"}, {"WebACL", "acl-1"}},
               1,
               0,
               0,
               0,
               false},
        // SAM: two origins (S3 by condition, a dummy), three path behaviours with Lambda@Edge,
        // a 404 -> /index.html rewrite in SPA mode.
        Shared{"cloudfront-authorization-at-edge-template.yaml", {}, 2, 3, 1, 5, true}),
    [](const auto& info) {
      std::string s;
      for (char ch : info.param.file) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return s;
    });

}  // namespace
}  // namespace cloudtwin::load
