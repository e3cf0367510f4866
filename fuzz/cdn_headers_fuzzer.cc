// The CDN's header and URL parsers (src/cdn: cache_control.h, http_date.h, rules.h,
// signed_url.h) accept or reject any bytes without crashing, and what they return keeps its
// invariants: dates print and re-parse to the same second, Range answers are ascending and inside
// the object, TTLs are never negative, base64 round-trips, and a policy signed with the fuzzer's
// own key reaches the policy reader. The first byte picks the parser; for the ones with several
// inputs the rest is split at newlines.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/cdn/cache_control.h"
#include "cloudtwin/cdn/http_date.h"
#include "cloudtwin/cdn/rules.h"
#include "cloudtwin/cdn/signed_url.h"

namespace {

using namespace cloudtwin::cdn;

std::vector<std::string_view> lines(std::string_view s, std::size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    auto nl = s.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(s.substr(0, nl));
    s.remove_prefix(nl + 1);
  }
  out.push_back(s);
  while (out.size() < n) out.emplace_back();
  return out;
}

struct Signer {
  SigningKey key;
  KeySet keys;
  std::vector<std::string> trusted = {"KFUZZ"};
  Signer() {
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    key = *SigningKey::from_pem(std::string_view(data, static_cast<std::size_t>(n)), nullptr);
    BIO_free(bio);
    EVP_PKEY_free(k);
    if (keys.add("KFUZZ", key.public_key_pem())) std::abort();
  }
};

const Signer& signer() {
  static const Signer* s = new Signer();
  return *s;
}

void check_verdict(const SignedVerdict& v) {
  if (v.ok != (v.status == 200)) std::abort();
  if (!v.ok && (v.code.empty() || v.message.empty())) std::abort();
  (void)signed_error_body(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (selector % 9) {
    case 0: {  // Cache-Control, Age
      CacheControl cc = parse_cache_control(text);
      if (cc.max_age && (*cc.max_age < 0 || *cc.max_age > kDeltaSecondsCap)) std::abort();
      if (cc.s_maxage && (*cc.s_maxage < 0 || *cc.s_maxage > kDeltaSecondsCap)) std::abort();
      if (cc.max_age_invalid && cc.max_age != 0) std::abort();
      if (auto a = parse_age(text); a && (*a < 0 || *a > kDeltaSecondsCap)) std::abort();
      break;
    }
    case 1: {  // HTTP dates
      if (auto t = parse_http_date(text, 1700000000)) {
        if (parse_http_date(format_http_date(*t)) != t) std::abort();
      }
      (void)parse_http_date(text);
      break;
    }
    case 2: {  // TTL decision: status, Cache-Control, Expires, Date
      auto f = lines(text, 4);
      OriginResponseFacts r;
      r.status = f[0].empty() ? 200 : 100 + static_cast<unsigned char>(f[0][0]) % 500;
      r.cache_control = f[1];
      if (!f[2].empty()) r.expires = f[2];
      if (!f[3].empty()) r.date = f[3];
      r.has_vary_star = selector & 16;
      TtlPolicy p{selector & 32 ? 60 : 0, 86400, selector & 64 ? 30 : 31536000};
      std::optional<std::int64_t> error_min;
      if (selector & 128) error_min = 0;
      TtlDecision d = decide_ttl(p, r, 1700000000, error_min);
      if (d.ttl < 0 || d.rule.empty()) std::abort();
      if (!d.store && d.ttl != 0 && d.source != TtlSource::kErrorCaching) std::abort();
      break;
    }
    case 3: {  // Range against a size from the selector's high bits
      std::uint64_t sizes[] = {0, 1, 1000, UINT64_MAX};
      std::uint64_t object = sizes[(selector >> 4) & 3];
      RangeDecision r = evaluate_range(text, object);
      if (r.kind == RangeDecision::Kind::kPartial) {
        if (r.count == 0 || r.count > kMaxRanges) std::abort();
        for (std::size_t i = 0; i < r.count; ++i) {
          if (r.ranges[i].first > r.ranges[i].last || r.ranges[i].last >= object) std::abort();
          if (i && r.ranges[i].first <= r.ranges[i - 1].last) std::abort();
        }
      } else if (r.count != 0 || r.reason.empty()) {
        std::abort();
      }
      break;
    }
    case 4: {  // Accept-Encoding, compressibility
      std::string_view n = normalize_accept_encoding(text, selector & 16, selector & 32);
      if (n != "" && n != "br,gzip" && n != "gzip" && n != "br") std::abort();
      (void)compressible(text, text.size() * 100, selector & 64);
      break;
    }
    case 5: {  // invalidation path, object
      auto f = lines(text, 2);
      bool valid = !invalidation_path_error(f[0]).has_value();
      bool m = invalidation_matches(f[0], f[1], selector & 16);
      if (valid && f[0] == "/*" && !f[1].empty() && f[1][0] == '/' && !m) std::abort();
      break;
    }
    case 6: {  // base64, signing-parameter stripping, CIDRs, policy Resource matching
      auto decoded = cloudfront_base64_decode(text);
      if (cloudfront_base64_decode(cloudfront_base64(text)) != text) std::abort();
      if (decoded) (void)cloudfront_base64(*decoded);
      std::string stripped = strip_signing_params(text);
      if (stripped.size() > text.size()) std::abort();
      auto f = lines(text, 6);
      (void)ip_in_cidr(f[0], f[1]);
      (void)policy_resource_matches(f[1], f[2], f[3], f[4], f[5]);
      break;
    }
    case 7: {  // a viewer request: query, cookies, IP
      auto f = lines(text, 4);
      SignedRequest r;
      r.scheme = "https";
      r.host = "d111111abcdef8.cloudfront.net";
      r.path = f[0];
      r.query = f[1];
      r.cookie_header = f[2];
      r.viewer_ip = f[3];
      r.now = 1700000000;
      check_verdict(verify_signed_request(signer().keys, signer().trusted, r));
      break;
    }
    case 8: {  // a policy signed with the fuzzer's key: the policy reader sees arbitrary JSON
      std::string query = "Policy=" + cloudfront_base64(text);
      auto sig = signer().key.sign(text, SigningHash::kSha1);
      if (!sig) std::abort();
      query += "&Signature=" + cloudfront_base64(*sig) + "&Key-Pair-Id=KFUZZ";
      SignedRequest r;
      r.scheme = "https";
      r.host = "d111111abcdef8.cloudfront.net";
      r.path = "/a";
      r.query = query;
      r.viewer_ip = "192.0.2.1";
      r.now = 1700000000;
      check_verdict(verify_signed_request(signer().keys, signer().trusted, r));
      break;
    }
  }
  return 0;
}
