// CloudFront signed URLs and signed cookies (shared/reference/cloudfront.md §11): verifying a
// viewer request against the behaviour's trusted key groups (with the 403 CloudFront answers),
// stripping the signing parameters before the origin and the cache key see the query, and the
// signing side (canned and custom policies, URLs and cookies) for `cloudtwin cdn sign` and tests.
// RSA and ECDSA keys, SHA-1 or SHA-256, through OpenSSL's EVP API. Every parser here takes
// arbitrary bytes from the network and never throws.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cloudtwin/model/cloudfront.h"

namespace cloudtwin::cdn {

// ---- encoding ----------------------------------------------------------------------------------

// CloudFront's base64 (private-content-creating-signed-url-*-policy.html): standard base64, then
// `+` -> `-`, `=` -> `_`, `/` -> `~`, as `openssl base64 -A | tr '+=/' '-_~'`.
std::string cloudfront_base64(std::string_view bytes);
// The inverse. Also accepts the standard characters (`+`, `/`, `=`) and a missing padding; nullopt
// for any other character or a length that is not base64.
std::optional<std::string> cloudfront_base64_decode(std::string_view text);

// ---- keys --------------------------------------------------------------------------------------

enum class SigningHash : std::uint8_t { kSha1, kSha256 };

// Public keys by id (AWS::CloudFront::PublicKey: Id and EncodedKey), to verify signatures.
class KeySet {
 public:
  KeySet();
  ~KeySet();
  KeySet(KeySet&&) noexcept;
  KeySet& operator=(KeySet&&) noexcept;

  // Adds the PEM public key (`-----BEGIN PUBLIC KEY-----`, RSA or EC) under `id`, replacing one
  // with the same id. A message for a PEM that does not parse or a key of another type.
  [[nodiscard]] std::optional<std::string> add(std::string_view id, std::string_view pem);
  [[nodiscard]] bool contains(std::string_view id) const;
  [[nodiscard]] std::size_t size() const;

  struct Entry;  // an id and its EVP_PKEY (signed_url.cc)
  [[nodiscard]] const Entry* find(std::string_view id) const;

 private:
  std::vector<std::unique_ptr<Entry>> keys_;
};

// Every public key of the model by id; `errors` gets "<id>: <message>" for keys that do not load.
KeySet key_set(const std::vector<model::PublicKey>& keys, std::vector<std::string>* errors);

// The public key ids a behaviour trusts: the keys of its resolved TrustedKeyGroups. Legacy
// TrustedSigners (account key pairs) are not modelled and trust nothing here.
std::vector<std::string> trusted_key_ids(const model::CacheBehavior& behavior,
                                         const std::vector<model::KeyGroup>& key_groups,
                                         const std::vector<model::PublicKey>& public_keys);

// A private key for the signing side.
class SigningKey {
 public:
  SigningKey();
  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;

  // A PEM private key (PKCS#8, or traditional RSA / EC); nullopt with `error` set otherwise.
  static std::optional<SigningKey> from_pem(std::string_view pem, std::string* error);
  // The raw signature of `message` (RSA PKCS#1 v1.5 or ECDSA DER), as `openssl sha1 -sign` makes
  // it; nullopt if OpenSSL fails.
  [[nodiscard]] std::optional<std::string> sign(std::string_view message, SigningHash hash) const;
  // The matching `-----BEGIN PUBLIC KEY-----` PEM (what a PublicKey's EncodedKey holds).
  [[nodiscard]] std::string public_key_pem() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- policies ----------------------------------------------------------------------------------

// The canned policy CloudFront signs for `Expires` (creating-signed-url-canned-policy.html),
// without whitespace:
// {"Statement":[{"Resource":"<url>","Condition":{"DateLessThan":{"AWS:EpochTime":<expires>}}}]}
std::string canned_policy(std::string_view resource_url, std::int64_t expires);

// A custom policy (creating-signed-url-custom-policy.html), without whitespace.
struct CustomPolicy {
  std::optional<std::string> resource;  // may hold * and ?, and \? before the query
  std::int64_t date_less_than = 0;
  std::optional<std::int64_t> date_greater_than;
  std::optional<std::string> source_ip;  // CIDR, "192.0.2.0/24"
};
std::string custom_policy_json(const CustomPolicy& p);

// ---- signing -----------------------------------------------------------------------------------

// `url` + `?` or `&` + `Expires=..&Signature=..&Key-Pair-Id=..` (+ `&Hash-Algorithm=SHA256`).
[[nodiscard]] std::optional<std::string> sign_canned_url(std::string_view url, std::int64_t expires,
                                                         std::string_view key_pair_id,
                                                         const SigningKey& key,
                                                         SigningHash hash = SigningHash::kSha1);
// `url` + `?` or `&` + `Policy=..&Signature=..&Key-Pair-Id=..` (+ `&Hash-Algorithm=SHA256`).
[[nodiscard]] std::optional<std::string> sign_custom_url(std::string_view url,
                                                         std::string_view policy_json,
                                                         std::string_view key_pair_id,
                                                         const SigningKey& key,
                                                         SigningHash hash = SigningHash::kSha1);

// Signed cookies (private-content-setting-signed-cookie-*-policy.html) as name/value pairs, in
// the order of Set-Cookie headers: canned `CloudFront-Expires`, `CloudFront-Signature`,
// `CloudFront-Key-Pair-Id`; with a policy `CloudFront-Policy` instead of `CloudFront-Expires`;
// with SHA-256 also `CloudFront-Hash-Algorithm`.
using Cookies = std::vector<std::pair<std::string, std::string>>;
[[nodiscard]] std::optional<Cookies> sign_canned_cookies(std::string_view resource_url,
                                                         std::int64_t expires,
                                                         std::string_view key_pair_id,
                                                         const SigningKey& key,
                                                         SigningHash hash = SigningHash::kSha1);
[[nodiscard]] std::optional<Cookies> sign_custom_cookies(std::string_view policy_json,
                                                         std::string_view key_pair_id,
                                                         const SigningKey& key,
                                                         SigningHash hash = SigningHash::kSha1);

// ---- verifying ---------------------------------------------------------------------------------

// A viewer request as the edge received it.
struct SignedRequest {
  std::string_view scheme;         // "http" or "https"
  std::string_view host;           // the Host header as sent (with a port if it has one)
  std::string_view path;           // as sent (percent-encoded), starting with "/"
  std::string_view query;          // without "?", as sent
  std::string_view cookie_header;  // all Cookie lines joined with "; "
  std::string_view viewer_ip;      // "192.0.2.7" or "2001:db8::7"
  std::int64_t now = 0;            // Unix seconds
};

// The outcome. `code` and `message` are CloudFront's (the XML error body of the 403);
// `detail` says which check failed for the explanation.
struct SignedVerdict {
  bool ok = false;
  int status = 403;  // 200 when ok
  std::string_view code;
  std::string_view message;
  std::string detail;
  bool from_cookies = false;
  std::string key_pair_id;
};

// Whether the request may be served by a behaviour whose trusted keys are `trusted_key_ids`
// (Restrict viewer access). A URL with any of Expires, Policy, Signature or Key-Pair-Id is a
// signed URL and cookies are not read; otherwise the CloudFront-* cookies are.
// Checks, in order, with CloudFront's answers:
//  no Key-Pair-Id                 -> MissingKey "Missing Key-Pair-Id query parameter or cookie
//  value" key not trusted or not loaded  -> InvalidKey "Unknown Key" Signature missing / not base64
//  -> MalformedSignature "Could not unencode Signature" no Policy/Expires, bad base64, JSON or
//  statement              -> MalformedPolicy "Malformed Policy" signature does not verify, expired,
//  not yet valid, another IP or URL
//                                 -> AccessDenied "Access denied"
[[nodiscard]] SignedVerdict verify_signed_request(const KeySet& keys,
                                                  std::span<const std::string> trusted_key_ids,
                                                  const SignedRequest& request);

// The XML body CloudFront sends with the 403.
std::string signed_error_body(const SignedVerdict& v);

// The query without the signing parameters (Expires, Policy, Signature, Key-Pair-Id,
// Hash-Algorithm), other parameters in their order and encoding: what the origin and the cache
// key see for a behaviour that requires signed URLs (QueryStringParameters.html "CloudFront
// removes the following query string parameters").
std::string strip_signing_params(std::string_view query);

// Whether a custom policy's Resource matches the request URL (sections protocol, domain, path and
// query, `*` and `?` within a section, the implied wildcards of a trailing `*`); exposed for tests
// and the explanation. `query` is the query without the signing parameters.
bool policy_resource_matches(std::string_view resource, std::string_view scheme,
                             std::string_view host, std::string_view path, std::string_view query);

// Whether `ip` is inside `cidr` (IPv4 or IPv6; an IPv4 CIDR never holds an IPv6 address except an
// IPv4-mapped one). nullopt when the CIDR does not parse.
std::optional<bool> ip_in_cidr(std::string_view ip, std::string_view cidr);

}  // namespace cloudtwin::cdn
