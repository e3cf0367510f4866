// Signed URLs and cookies (src/cdn/signed_url.h) against shared/reference/cloudfront.md §11:
// private-content-creating-signed-url-canned-policy.html, -custom-policy.html,
// private-content-setting-signed-cookie-*.html, private-content-choosing-signed-urls-cookies.html,
// QueryStringParameters.html and the Knowledge Center page
// cloudfront-troubleshoot-signed-url-cookies (the 403 messages). Keys are generated here; one
// signature is cross-checked against the `openssl` command line so the tests do not only check the
// code against itself.
#include "cloudtwin/cdn/signed_url.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

namespace cloudtwin::cdn {
namespace {

constexpr std::int64_t kNow = 1700000000;
constexpr std::string_view kHost = "d111111abcdef8.cloudfront.net";

// A private key PEM made with EVP_PKEY_Q_keygen ("RSA", 2048 bits, or "EC" P-256).
std::string generate_pem(bool ec) {
  EVP_PKEY* k = ec ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                   : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  if (!k) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(k);
  return pem;
}

struct Keys {
  std::string rsa_pem = generate_pem(false);
  std::string ec_pem = generate_pem(true);
  SigningKey rsa = *SigningKey::from_pem(rsa_pem, nullptr);
  SigningKey ec = *SigningKey::from_pem(ec_pem, nullptr);
  KeySet set;
  std::vector<std::string> trusted = {"K2JCJMDEHXQW5F", "KECDSA0000001"};
  Keys() {
    EXPECT_EQ(set.add("K2JCJMDEHXQW5F", rsa.public_key_pem()), std::nullopt);
    EXPECT_EQ(set.add("KECDSA0000001", ec.public_key_pem()), std::nullopt);
    // A key CloudFront knows but this behaviour does not trust.
    EXPECT_EQ(set.add("KOTHERGROUP01", rsa.public_key_pem()), std::nullopt);
  }
};

const Keys& keys() {
  static const Keys* k = new Keys();  // RSA key generation is slow under the sanitizers
  return *k;
}

// Splits "https://host/path?query" into a request.
struct Parsed {
  std::string scheme, host, path, query;
};
Parsed split(std::string_view url) {
  Parsed p;
  auto s = url.find("://");
  p.scheme = std::string(url.substr(0, s));
  url.remove_prefix(s + 3);
  auto slash = url.find('/');
  p.host = std::string(url.substr(0, slash));
  url.remove_prefix(slash);
  auto q = url.find('?');
  p.path = std::string(url.substr(0, q));
  if (q != std::string_view::npos) p.query = std::string(url.substr(q + 1));
  return p;
}

SignedVerdict check(std::string_view url, std::string_view cookies = "",
                    std::string_view ip = "192.0.2.10", std::int64_t now = kNow) {
  Parsed p = split(url);
  SignedRequest r;
  r.scheme = p.scheme;
  r.host = p.host;
  r.path = p.path;
  r.query = p.query;
  r.cookie_header = cookies;
  r.viewer_ip = ip;
  r.now = now;
  return verify_signed_request(keys().set, keys().trusted, r);
}

std::string url(std::string_view path_and_query) {
  return "https://" + std::string(kHost) + std::string(path_and_query);
}

std::string cookie_header(const Cookies& c) {
  std::string out;
  for (const auto& [n, v] : c) out += (out.empty() ? "" : "; ") + n + "=" + v;
  return out;
}

// §11: + -> -, = -> _, / -> ~ after standard base64.
TEST(SignedUrl, CloudFrontBase64) {
  EXPECT_EQ(cloudfront_base64(""), "");
  EXPECT_EQ(cloudfront_base64("f"), "Zg__");
  EXPECT_EQ(cloudfront_base64("fo"), "Zm8_");
  EXPECT_EQ(cloudfront_base64("foo"), "Zm9v");
  EXPECT_EQ(cloudfront_base64("\xfb\xff\xbf"), "-~-~");
  EXPECT_EQ(cloudfront_base64_decode("-~-~"), "\xfb\xff\xbf");
  EXPECT_EQ(cloudfront_base64_decode("+/+/"), "\xfb\xff\xbf");  // standard characters too
  EXPECT_EQ(cloudfront_base64_decode("Zg__"), "f");
  EXPECT_EQ(cloudfront_base64_decode("Zg"), "f");
  EXPECT_EQ(cloudfront_base64_decode("Z"), std::nullopt);
  EXPECT_EQ(cloudfront_base64_decode("Zm9v!"), std::nullopt);
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(cloudfront_base64_decode(cloudfront_base64(all)), all);
}

// creating-signed-url-canned-policy.html: the policy statement, whitespace removed.
TEST(SignedUrl, PolicyDocuments) {
  EXPECT_EQ(
      canned_policy("https://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes",
                    1357034400),
      "{\"Statement\":[{\"Resource\":\"https://d111111abcdef8.cloudfront.net/horizon.jpg?"
      "size=large&license=yes\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
      "1357034400}}}]}");
  CustomPolicy p;
  p.resource = "https://d111111abcdef8.cloudfront.net/training/*";
  p.date_less_than = 1675159200;
  p.date_greater_than = 1675000000;
  p.source_ip = "192.0.2.0/24";
  EXPECT_EQ(custom_policy_json(p),
            "{\"Statement\":[{\"Resource\":\"https://d111111abcdef8.cloudfront.net/training/*\","
            "\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":1675159200},\"DateGreaterThan\":"
            "{\"AWS:EpochTime\":1675000000},\"IpAddress\":{\"AWS:SourceIp\":\"192.0.2.0/24\"}}}]}");
}

// §11: `openssl sha1 -sign key.pem < policy | openssl base64 -A | tr '+=/' '-_~'` gives the same
// Signature as sign_canned_url (RSA PKCS#1 v1.5 is deterministic).
TEST(SignedUrl, SignatureMatchesTheOpensslCommandLine) {
  namespace fs = std::filesystem;
  fs::path dir =
      fs::temp_directory_path() /
      ("cloudtwin-signed-url-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       "-" + std::to_string(reinterpret_cast<std::uintptr_t>(&keys())));
  fs::create_directories(dir);
  const std::string resource = url("/images/image.jpg?color=red");
  const std::string policy = canned_policy(resource, 1357034400);
  std::ofstream(dir / "key.pem") << keys().rsa_pem;
  std::ofstream(dir / "policy.json", std::ios::binary) << policy;
  std::string cmd = "openssl sha1 -sign '" + (dir / "key.pem").string() + "' < '" +
                    (dir / "policy.json").string() + "' | openssl base64 -A | tr '+=/' '-_~'";
  std::string cli;
  if (FILE* f = popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) cli.append(buf, n);
    pclose(f);
  }
  fs::remove_all(dir);
  ASSERT_FALSE(cli.empty()) << "openssl did not run";
  auto signed_url = sign_canned_url(resource, 1357034400, "K2JCJMDEHXQW5F", keys().rsa);
  ASSERT_TRUE(signed_url);
  EXPECT_EQ(*signed_url,
            resource + "&Expires=1357034400&Signature=" + cli + "&Key-Pair-Id=K2JCJMDEHXQW5F");
}

// creating-signed-url-canned-policy.html: Expires, Signature, Key-Pair-Id; own parameters first.
TEST(SignedUrl, CannedUrlIsAccepted) {
  auto u = sign_canned_url(url("/images/image.jpg?color=red&size=medium"), kNow + 60,
                           "K2JCJMDEHXQW5F", keys().rsa);
  ASSERT_TRUE(u);
  auto v = check(*u);
  EXPECT_TRUE(v.ok) << v.code << " " << v.detail;
  EXPECT_EQ(v.status, 200);
  EXPECT_FALSE(v.from_cookies);
  EXPECT_EQ(v.key_pair_id, "K2JCJMDEHXQW5F");
  // Without a query of its own.
  auto plain = sign_canned_url(url("/a.txt"), kNow + 60, "K2JCJMDEHXQW5F", keys().rsa);
  EXPECT_TRUE(check(*plain).ok);
}

// "In certain rare circumstances, you might need to put your query string parameters after
// Key-Pair-Id": they are part of the signed Resource wherever they are.
TEST(SignedUrl, OwnParametersAfterKeyPairId) {
  auto u = sign_canned_url(url("/a.jpg?x=1&y=2"), kNow + 60, "K2JCJMDEHXQW5F", keys().rsa);
  ASSERT_TRUE(u);
  // Move y=2 after the signing parameters.
  std::string moved = *u;
  moved.replace(moved.find("x=1&y=2&"), 8, "x=1&");
  moved += "&y=2";
  EXPECT_TRUE(check(moved).ok) << moved;
}

struct DenialRow {
  const char* name;
  std::string url;
  std::string cookies;
  std::string_view code;
};

// cloudfront-troubleshoot-signed-url-cookies and observed bodies: MissingKey, InvalidKey,
// MalformedSignature, MalformedPolicy, AccessDenied.
TEST(SignedUrl, Denials) {
  const std::string good = *sign_canned_url(url("/a.jpg"), kNow + 60, "K2JCJMDEHXQW5F", keys().rsa);
  auto replace = [](std::string s, std::string_view from, std::string_view to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string sig = good.substr(good.find("Signature=") + 10,
                                      good.find("&Key-Pair-Id") - good.find("Signature=") - 10);
  const DenialRow rows[] = {
      {"nothing signed", url("/a.jpg"), "", "MissingKey"},
      {"unsigned URL, unrelated cookies", url("/a.jpg?x=1"), "session=abc", "MissingKey"},
      {"no Key-Pair-Id", replace(good, "&Key-Pair-Id=K2JCJMDEHXQW5F", ""), "", "MissingKey"},
      {"empty Key-Pair-Id", replace(good, "Key-Pair-Id=K2JCJMDEHXQW5F", "Key-Pair-Id="), "",
       "MissingKey"},
      {"unknown key", replace(good, "K2JCJMDEHXQW5F", "KUNKNOWN"), "", "InvalidKey"},
      {"key of another key group", replace(good, "K2JCJMDEHXQW5F", "KOTHERGROUP01"), "",
       "InvalidKey"},
      {"no Signature", replace(good, "&Signature=" + sig, ""), "", "MalformedSignature"},
      {"Signature not base64", replace(good, sig, "!!!"), "", "MalformedSignature"},
      {"no Expires or Policy", replace(good, "Expires=" + std::to_string(kNow + 60) + "&", ""), "",
       "MalformedPolicy"},
      {"Expires not a number", replace(good, std::to_string(kNow + 60), "soon"), "",
       "MalformedPolicy"},
      {"Expires changed", replace(good, std::to_string(kNow + 60), std::to_string(kNow + 6000)), "",
       "AccessDenied"},
      {"other path", replace(good, "/a.jpg", "/b.jpg"), "", "AccessDenied"},
      {"query added", replace(good, "/a.jpg?", "/a.jpg?admin=1&"), "", "AccessDenied"},
      {"other host", replace(good, "d111111abcdef8", "d222222abcdef8"), "", "AccessDenied"},
      {"other scheme", replace(good, "https://", "http://"), "", "AccessDenied"},
      {"signature of another key", replace(good, "K2JCJMDEHXQW5F", "KECDSA0000001"), "",
       "AccessDenied"},
      {"unknown Hash-Algorithm", good + "&Hash-Algorithm=MD5", "", "AccessDenied"},
      {"SHA256 announced, SHA1 signed", good + "&Hash-Algorithm=SHA256", "", "AccessDenied"},
  };
  for (const auto& r : rows) {
    auto v = check(r.url, r.cookies);
    EXPECT_FALSE(v.ok) << r.name;
    EXPECT_EQ(v.status, 403) << r.name;
    EXPECT_EQ(v.code, r.code) << r.name << ": " << v.detail;
    EXPECT_FALSE(v.detail.empty()) << r.name;
  }
}

// private-content-signed-urls.html "When does CloudFront check the expiration": at request time.
TEST(SignedUrl, ExpiryIsCheckedAtRequestTime) {
  auto u = *sign_canned_url(url("/a.jpg"), kNow + 60, "K2JCJMDEHXQW5F", keys().rsa);
  EXPECT_TRUE(check(u, "", "192.0.2.10", kNow + 59).ok);
  auto expired = check(u, "", "192.0.2.10", kNow + 60);
  EXPECT_EQ(expired.code, "AccessDenied");
  EXPECT_EQ(expired.message, "Access denied");
  EXPECT_NE(expired.detail.find("expired"), std::string::npos);
}

// The XML CloudFront sends with the 403 (observed: text/xml,
// <?xml ...?><Error><Code>MissingKey</Code><Message>...</Message></Error>).
TEST(SignedUrl, ErrorBody) {
  auto v = check(url("/a.jpg"));
  EXPECT_EQ(signed_error_body(v),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>MissingKey</Code><Message>"
            "Missing Key-Pair-Id query parameter or cookie value</Message></Error>");
}

// creating-signed-url-custom-policy.html: Policy, DateLessThan (required), DateGreaterThan,
// IpAddress, Resource with wildcards.
TEST(SignedUrl, CustomPolicyConditions) {
  CustomPolicy p;
  p.resource = "https://" + std::string(kHost) + "/training/*";
  p.date_less_than = kNow + 3600;
  p.date_greater_than = kNow - 10;
  p.source_ip = "192.0.2.0/24";
  auto u = *sign_custom_url(url("/training/orientation.pdf"), custom_policy_json(p),
                            "K2JCJMDEHXQW5F", keys().rsa);
  EXPECT_TRUE(check(u).ok);
  EXPECT_EQ(check(u, "", "198.51.100.1").code, "AccessDenied");           // outside the CIDR
  EXPECT_EQ(check(u, "", "2001:db8::1").code, "AccessDenied");            // IPv6 viewer, IPv4 CIDR
  EXPECT_TRUE(check(u, "", "::ffff:192.0.2.99").ok);                      // IPv4-mapped
  EXPECT_EQ(check(u, "", "192.0.2.10", kNow - 10).code, "AccessDenied");  // not yet valid
  EXPECT_EQ(check(u, "", "192.0.2.10", kNow + 3600).code, "AccessDenied");  // expired
  // The same policy signs any URL in the directory (a wildcard Resource).
  std::string other = u;
  other.replace(other.find("orientation.pdf"), 15, "handbook.pdf?page=2");
  other.replace(other.find("?Policy"), 1, "&");
  EXPECT_TRUE(check(other).ok) << other;
  std::string outside = u;
  outside.replace(outside.find("/training/"), 10, "/private/");
  EXPECT_EQ(check(outside).code, "AccessDenied");
  // IPv6 CIDRs.
  p.source_ip = "2001:db8::/32";
  auto v6 =
      *sign_custom_url(url("/training/x"), custom_policy_json(p), "K2JCJMDEHXQW5F", keys().rsa);
  EXPECT_TRUE(check(v6, "", "2001:db8:1::5").ok);
  EXPECT_EQ(check(v6, "", "192.0.2.10").code, "AccessDenied");
}

// A custom policy without Resource allows any URL; one without DateLessThan is malformed
// (boto/boto#825: "MalformedPolicy" when DateLessThan was left out).
TEST(SignedUrl, CustomPolicyShapes) {
  const std::string kLess = std::to_string(kNow + 60);
  struct Row {
    const char* name;
    std::string policy;
    std::string_view code;  // "" = accepted
  } rows[] = {
      {"no Resource",
       "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + kLess + "}}}]}",
       ""},
      {"Statement as an object",
       "{\"Statement\":{\"Resource\":\"*\",\"Condition\":{"
       "\"DateLessThan\":{\"AWS:EpochTime\":" +
           kLess + "}}}}",
       ""},
      {"whitespace",
       "{ \"Statement\" : [ { \"Resource\" : \"*\" , \"Condition\" : { "
       "\"DateLessThan\" : { \"AWS:EpochTime\" : " +
           kLess + " } } } ] }\n",
       ""},
      {"no DateLessThan", "{\"Statement\":[{\"Resource\":\"*\",\"Condition\":{}}]}",
       "MalformedPolicy"},
      {"quoted epoch",
       "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":\"" + kLess + "\"}}}]}",
       "MalformedPolicy"},
      {"two statements",
       "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + kLess +
           "}}},{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + kLess + "}}}]}",
       "MalformedPolicy"},
      {"unknown condition",
       "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + kLess +
           "},\"Referer\":{}}}]}",
       "MalformedPolicy"},
      {"bad CIDR",
       "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + kLess +
           "},\"IpAddress\":{\"AWS:SourceIp\":\"192.0.2.1\"}}}]}",
       "MalformedPolicy"},
      {"not JSON", "Statement: none", "MalformedPolicy"},
      {"duplicate key",
       "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + kLess +
           "},\"DateLessThan\":{\"AWS:EpochTime\":" + kLess + "}}}]}",
       "MalformedPolicy"},
  };
  for (const auto& r : rows) {
    auto u = *sign_custom_url(url("/any/thing.txt?q=1"), r.policy, "K2JCJMDEHXQW5F", keys().rsa);
    auto v = check(u);
    if (r.code.empty()) {
      EXPECT_TRUE(v.ok) << r.name << ": " << v.code << " " << v.detail;
    } else {
      EXPECT_EQ(v.code, r.code) << r.name << ": " << v.detail;
    }
  }
  // A Policy that is not base64 at all.
  auto u = *sign_canned_url(url("/a"), kNow + 60, "K2JCJMDEHXQW5F", keys().rsa);
  u.replace(u.find("Expires=" + kLess), 8 + kLess.size(), "Policy=%%%");
  EXPECT_EQ(check(u).code, "MalformedPolicy");
}

// Newer guide (PrivateCFSignatureCodeAndExamples.html, `aws cloudfront sign`): SHA-256 with
// Hash-Algorithm=SHA256, and ECDSA keys.
TEST(SignedUrl, Sha256AndEcdsa) {
  auto rsa256 = *sign_canned_url(url("/v.mp4"), kNow + 60, "K2JCJMDEHXQW5F", keys().rsa,
                                 SigningHash::kSha256);
  EXPECT_NE(rsa256.find("&Hash-Algorithm=SHA256"), std::string::npos);
  EXPECT_TRUE(check(rsa256).ok);
  auto ec1 = *sign_canned_url(url("/v.mp4"), kNow + 60, "KECDSA0000001", keys().ec);
  EXPECT_TRUE(check(ec1).ok) << check(ec1).detail;
  auto ec256 =
      *sign_canned_url(url("/v.mp4"), kNow + 60, "KECDSA0000001", keys().ec, SigningHash::kSha256);
  EXPECT_TRUE(check(ec256).ok);
  // Dropping Hash-Algorithm makes CloudFront verify with SHA-1: denied.
  std::string dropped = ec256.substr(0, ec256.find("&Hash-Algorithm"));
  EXPECT_EQ(check(dropped).code, "AccessDenied");
}

// private-content-setting-signed-cookie-*.html: the same policies as cookies.
TEST(SignedCookies, CannedAndCustom) {
  auto canned =
      *sign_canned_cookies(url("/hls/index.m3u8"), kNow + 60, "K2JCJMDEHXQW5F", keys().rsa);
  ASSERT_EQ(canned.size(), 3u);
  EXPECT_EQ(canned[0].first, "CloudFront-Expires");
  auto v = check(url("/hls/index.m3u8"), "theme=dark; " + cookie_header(canned));
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_TRUE(v.from_cookies);
  // A canned cookie is for one URL only.
  EXPECT_EQ(check(url("/hls/seg1.ts"), cookie_header(canned)).code, "AccessDenied");

  CustomPolicy p;
  p.resource = "https://" + std::string(kHost) + "/hls/*";
  p.date_less_than = kNow + 60;
  auto custom = *sign_custom_cookies(custom_policy_json(p), "K2JCJMDEHXQW5F", keys().rsa,
                                     SigningHash::kSha256);
  ASSERT_EQ(custom.size(), 4u);
  EXPECT_EQ(custom[0].first, "CloudFront-Policy");
  EXPECT_EQ(custom[3].first, "CloudFront-Hash-Algorithm");
  EXPECT_TRUE(check(url("/hls/seg1.ts"), cookie_header(custom)).ok);
  EXPECT_EQ(check(url("/other/seg1.ts"), cookie_header(custom)).code, "AccessDenied");
  // A cookie set without a policy or Expires.
  EXPECT_EQ(check(url("/hls/a"),
                  "CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; CloudFront-Signature=" + custom[1].second)
                .code,
            "MalformedPolicy");
}

// private-content-choosing-signed-urls-cookies.html: a URL with any of Expires, Policy,
// Signature, Key-Pair-Id is a signed URL and cookies are not read.
TEST(SignedCookies, SignedUrlTakesPrecedence) {
  CustomPolicy p;
  p.resource = "*";
  p.date_less_than = kNow + 60;
  auto good_cookies =
      cookie_header(*sign_custom_cookies(custom_policy_json(p), "K2JCJMDEHXQW5F", keys().rsa));
  EXPECT_TRUE(check(url("/a.jpg"), good_cookies).ok);
  auto v = check(url("/a.jpg?Expires=1"), good_cookies);
  EXPECT_EQ(v.code, "MissingKey");
  EXPECT_FALSE(v.from_cookies);
  // Hash-Algorithm alone does not make a signed URL.
  EXPECT_TRUE(check(url("/a.jpg?Hash-Algorithm=SHA1"), good_cookies).ok);
}

// QueryStringParameters.html: CloudFront removes Expires, Key-Pair-Id, Policy and Signature (and
// Hash-Algorithm) before the origin and the cache key.
TEST(SignedUrl, StripSigningParams) {
  EXPECT_EQ(strip_signing_params("color=red&size=medium&Expires=1&Signature=x~y&Key-Pair-Id=K"),
            "color=red&size=medium");
  EXPECT_EQ(strip_signing_params("Policy=abc&Signature=x&Key-Pair-Id=K&Hash-Algorithm=SHA256&z=1"),
            "z=1");
  EXPECT_EQ(strip_signing_params("a=%2F&&b"), "a=%2F&b");
  EXPECT_EQ(strip_signing_params("expires=1&signature"), "expires=1&signature");  // case-sensitive
  EXPECT_EQ(strip_signing_params(""), "");
}

struct ResourceRow {
  const char* name;
  const char* resource;
  const char* request;  // scheme://host/path[?query]
  bool want;
};

// creating-signed-url-custom-policy.html "Wildcard characters" and its exceptions.
TEST(SignedUrl, PolicyResourceMatching) {
  const ResourceRow rows[] = {
      {"exact", "https://www.example.com/hello", "https://www.example.com/hello", true},
      {"* within the path", "https://www.example.com/hello*world",
       "https://www.example.com/hello-world", true},
      {"* matches nothing", "https://www.example.com/hello*world",
       "https://www.example.com/helloworld", true},
      {"* stays in its section", "https://www.example.com/hello*world",
       "https://www.example.net/hello?world", false},
      {"? one character", "https://www.example.com/a?c", "https://www.example.com/abc", true},
      {"? not zero characters", "https://www.example.com/a?c", "https://www.example.com/ac", false},
      {"trailing path * implies \\?*", "http://example.com/hello*",
       "http://example.com/hello/x?y=1", true},
      {"trailing domain * implies /*\\?*", "http://example.com*", "http://example.com.cn/a?b",
       true},
      {"no protocol, leading *", "*example.com", "https://www.example.com/", true},
      {"no protocol, leading *, other path", "*example.com", "https://www.example.com/x", false},
      {"bare *", "*", "http://anything/at/all?x", true},
      {"*:// protocol", "*://d111111abcdef8.cloudfront.net/a",
       "http://d111111abcdef8.cloudfront.net/a", true},
      {"protocol mismatch", "https://d111111abcdef8.cloudfront.net/a",
       "http://d111111abcdef8.cloudfront.net/a", false},
      {"escaped query",
       "https://d111111abcdef8.cloudfront.net/images/horizon.jpg\\?size=large&license=yes",
       "https://d111111abcdef8.cloudfront.net/images/horizon.jpg?size=large&license=yes", true},
      {"query required when not in the policy", "https://d.example/a.jpg",
       "https://d.example/a.jpg?x=1", false},
      {"guide example 1", "https://d111111abcdef8.cloudfront.net/*game_download.zip*",
       "https://d111111abcdef8.cloudfront.net/game_download.zip", true},
      {"guide example 2", "https://d111111abcdef8.cloudfront.net/*game_download.zip*",
       "https://d111111abcdef8.cloudfront.net/example_game_download.zip?license=yes", true},
      {"guide example 3", "https://d111111abcdef8.cloudfront.net/*game_download.zip*",
       "https://d111111abcdef8.cloudfront.net/test_game_download.zip?license=temp", true},
      {"https://* (any host, any path)", "https://*",
       "https://d111111abcdef8.cloudfront.net/t/o.pdf", true},
      {"not a URL", "stream-name", "https://a/b", false},
  };
  for (const auto& r : rows) {
    Parsed p = split(r.request);
    EXPECT_EQ(policy_resource_matches(r.resource, p.scheme, p.host, p.path, p.query), r.want)
        << r.name;
  }
}

TEST(SignedUrl, IpInCidr) {
  EXPECT_EQ(ip_in_cidr("192.0.2.10", "192.0.2.10/32"), true);
  EXPECT_EQ(ip_in_cidr("192.0.2.11", "192.0.2.10/32"), false);
  EXPECT_EQ(ip_in_cidr("192.0.2.200", "192.0.2.0/24"), true);
  EXPECT_EQ(ip_in_cidr("10.1.2.3", "0.0.0.0/0"), true);
  EXPECT_EQ(ip_in_cidr("2001:db8::1", "0.0.0.0/0"), false);
  EXPECT_EQ(ip_in_cidr("::ffff:10.0.0.1", "10.0.0.0/8"), true);
  EXPECT_EQ(ip_in_cidr("2001:db8:ffff::1", "2001:db8::/33"), false);
  EXPECT_EQ(ip_in_cidr("2001:db8:7fff::1", "2001:db8::/33"), true);
  EXPECT_EQ(ip_in_cidr("not-an-ip", "10.0.0.0/8"), false);
  EXPECT_EQ(ip_in_cidr("10.0.0.1", "10.0.0.0/33"), std::nullopt);
  EXPECT_EQ(ip_in_cidr("10.0.0.1", "10.0.0.0"), std::nullopt);
  EXPECT_EQ(ip_in_cidr("10.0.0.1", "10.0.0/8"), std::nullopt);
  EXPECT_EQ(ip_in_cidr("10.0.0.1", "10.0.0.0/x"), std::nullopt);
}

// A PublicKey whose EncodedKey is not a PEM public key is reported, not fatal.
TEST(SignedUrl, KeySetReportsBadKeys) {
  KeySet s;
  EXPECT_NE(s.add("K1", "not a key"), std::nullopt);
  EXPECT_NE(s.add("K1", keys().rsa_pem), std::nullopt);  // a private key is not a public key
  EXPECT_EQ(s.size(), 0u);
  std::vector<model::PublicKey> pk(2);
  pk[0].id = "KGOOD";
  pk[0].encoded_key = keys().rsa.public_key_pem();
  pk[1].id = "KBAD";
  pk[1].encoded_key = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  std::vector<std::string> errors;
  KeySet set = key_set(pk, &errors);
  EXPECT_TRUE(set.contains("KGOOD"));
  EXPECT_FALSE(set.contains("KBAD"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("KBAD: ", 0), 0u);
  std::string error;
  EXPECT_FALSE(SigningKey::from_pem("nope", &error));
  EXPECT_FALSE(error.empty());
}

// The behaviour's trusted keys: the keys of its resolved key groups.
TEST(SignedUrl, TrustedKeyIds) {
  std::vector<model::PublicKey> pk(3);
  pk[0].id = "KA";
  pk[1].id = "KB";
  pk[2].id = "KC";
  std::vector<model::KeyGroup> groups(2);
  groups[0].keys.resize(2);
  groups[0].keys[0].index = 0;
  groups[0].keys[1].index = 1;
  groups[1].keys.resize(2);
  groups[1].keys[0].index = 1;
  groups[1].keys[1].index = 2;
  model::CacheBehavior b;
  b.trusted_key_groups.resize(2);
  b.trusted_key_groups[0].index = 0;
  b.trusted_key_groups[1].index = 1;
  EXPECT_EQ(trusted_key_ids(b, groups, pk), (std::vector<std::string>{"KA", "KB", "KC"}));
  b.trusted_key_groups.resize(1);
  b.trusted_key_groups[0].index = model::kNone;  // unresolved
  EXPECT_TRUE(trusted_key_ids(b, groups, pk).empty());
}

}  // namespace
}  // namespace cloudtwin::cdn
