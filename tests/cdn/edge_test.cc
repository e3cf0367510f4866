// The edge end to end on loopback: a scripted origin, the edge in front of it, request sequences
// checked for X-Cache, Age and how often the origin was asked. Rules cited as
// shared/reference/cloudfront.md §N.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <sys/resource.h>

#include <future>

#include "cloudtwin/cdn/signed_url.h"

#include "edge_harness.h"

namespace cloudtwin::cdn {
namespace {

using testing::Client;
using testing::header;
using testing::network_with;
using testing::options_for;
using testing::RunningEdge;
using testing::ScriptedOrigin;

Response ok(std::string body, Headers h = {}) {
  Response r;
  r.body = std::move(body);
  r.headers = std::move(h);
  r.headers.push_back({"Content-Type", "text/plain"});
  return r;
}

// §3: max-age within [MinTTL, MaxTTL] decides; the second request is a hit with an Age, and
// CloudFront's headers say so (§6).
TEST(Edge, MissThenHitWithCloudFrontHeaders) {
  ScriptedOrigin origin([](const Request&, int n) {
    return ok("hello " + std::to_string(n), {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client c(edge.port());
  auto first = c.get("/index.html");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "hello 1");
  EXPECT_EQ(header(*first, "X-Cache"), "Miss from cloudfront");
  EXPECT_TRUE(header(*first, "Via").ends_with(".cloudfront.net (CloudFront)"));
  EXPECT_EQ(header(*first, "X-Amz-Cf-Pop"), "IAD89-C1");
  EXPECT_EQ(header(*first, "X-Amz-Cf-Id").size(), 56u);
  auto second = c.get("/index.html");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "hello 1");
  EXPECT_EQ(header(*second, "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(header(*second, "Age"), "0");
  EXPECT_EQ(origin.requests(), 1);
  // §5: the query string is not in the default cache key.
  auto third = c.get("/index.html?v=2");
  EXPECT_EQ(header(*third, "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(origin.requests(), 1);
}

// §2: GET and HEAD are cached. A HEAD is answered from a stored GET; a HEAD that misses goes to
// the origin as a HEAD, and what it brings back (no body) never answers a GET (docs/cdn.md).
TEST(Edge, HeadNeverLeavesAnEmptyBodyForGet) {
  std::atomic<int> heads{0};
  ScriptedOrigin origin([&heads](const Request& q, int n) {
    heads += q.method == "HEAD";
    Response r = ok(q.method == "HEAD" ? "" : "body " + std::to_string(n), {{"Cache-Control", "max-age=60"}});
    if (q.method == "HEAD") r.headers.push_back({"Content-Length", "6"});
    return r;
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client c(edge.port());
  auto head = c.get("/h", {}, "HEAD");
  ASSERT_TRUE(head);
  EXPECT_EQ(header(*head, "X-Cache"), "Miss from cloudfront");
  EXPECT_EQ(heads, 1);
  EXPECT_EQ(header(*head, "Content-Length"), "6");  // the origin's, not the empty body's
  auto head_again = c.get("/h", {}, "HEAD");
  EXPECT_EQ(header(*head_again, "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(header(*head_again, "Content-Length"), "6");
  auto get = c.get("/h");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "body 2");
  EXPECT_EQ(header(*get, "X-Cache"), "Miss from cloudfront");
  auto head_on_get = c.get("/h", {}, "HEAD");
  EXPECT_EQ(header(*head_on_get, "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(header(*head_on_get, "Content-Length"), "6");
  EXPECT_EQ(c.get("/h")->body, "body 2");
  EXPECT_EQ(origin.requests(), 2);
}

// §3, RFC 5861 §3: within stale-while-revalidate the stale copy answers at once and one origin
// request refreshes it in the background; the next request gets the new copy. Past the window
// the viewer waits for the origin as usual.
TEST(Edge, StaleWhileRevalidateRefreshesInTheBackground) {
  ScriptedOrigin origin([](const Request&, int n) {
    return ok("v" + std::to_string(n), {{"Cache-Control", "max-age=1, stale-while-revalidate=30"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client c(edge.port());
  EXPECT_EQ(c.get("/swr")->body, "v1");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto stale = c.get("/swr", {{"X-Cloudtwin-Explain", "1"}});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->body, "v1");
  EXPECT_EQ(header(*stale, "X-Cache"), "Hit from cloudfront");
  EXPECT_NE(header(*stale, "X-Cloudtwin-Explain").find("stale-while-revalidate"), std::string::npos);
  // Requests while the refresh is on its way get the stale copy and start no second one.
  std::optional<Response> fresh;
  for (int i = 0; i < 1000; ++i) {  // up to 10 s on a loaded machine
    fresh = c.get("/swr");
    if (!fresh || fresh->body != "v1") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->body, "v2");
  EXPECT_EQ(header(*fresh, "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(origin.requests(), 2);
}

// §3: no-store with MinTTL 0 is not cached; with MinTTL > 0 it is, for MinTTL.
TEST(Edge, NoStoreHonouredOnlyWithMinTtlZero) {
  ScriptedOrigin origin([](const Request&, int n) {
    return ok(std::to_string(n), {{"Cache-Control", "no-store"}});
  });
  {
    RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
    Client c(edge.port());
    c.get("/a");
    auto again = c.get("/a");
    EXPECT_EQ(header(*again, "X-Cache"), "Miss from cloudfront");
    EXPECT_EQ(origin.requests(), 2);
  }
  {
    RunningEdge edge(network_with(30, 86400, 31536000), options_for(origin));
    Client c(edge.port());
    c.get("/a");
    auto again = c.get("/a");
    EXPECT_EQ(header(*again, "X-Cache"), "Hit from cloudfront");
    EXPECT_EQ(origin.requests(), 3);
  }
}

// §7: a second POP misses in its own cache and hits the regional edge cache it shares.
TEST(Edge, SecondPopHitsTheSharedRegionalCache) {
  ScriptedOrigin origin([](const Request&, int) { return ok("x", {{"Cache-Control", "max-age=300"}}); });
  auto options = options_for(origin);
  options.pops = {{"IAD89-C1", ""}, {"JFK50-C1", ""}, {"FRA56-C1", ""}};
  options.explain = true;
  RunningEdge edge(network_with(0, 86400, 31536000), options);
  Client iad(edge.port(0)), jfk(edge.port(1)), fra(edge.port(2));
  EXPECT_EQ(header(*iad.get("/obj"), "X-Cache"), "Miss from cloudfront");
  auto r = jfk.get("/obj");
  EXPECT_EQ(header(*r, "X-Cache"), "Hit from cloudfront");
  EXPECT_NE(header(*r, "Server-Timing").find("cdn-hit-layer;desc=\"REC\""), std::string::npos);
  EXPECT_EQ(origin.requests(), 1);
  // FRA's regional cache is another one (eu-central-1): the origin is asked again.
  EXPECT_EQ(header(*fra.get("/obj"), "X-Cache"), "Miss from cloudfront");
  EXPECT_EQ(origin.requests(), 2);
  // And JFK now hits in its own cache.
  auto again = jfk.get("/obj");
  EXPECT_NE(header(*again, "Server-Timing").find("cdn-hit-layer;desc=\"EDGE\""), std::string::npos);
}

// §8: concurrent misses for one key are collapsed into one origin request.
TEST(Edge, ConcurrentMissesCollapseToOneOriginRequest) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  ScriptedOrigin origin([gate](const Request&, int) {
    gate.wait();
    return ok("shared", {{"Cache-Control", "max-age=300"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin), 2);
  // 1,000 viewers (the number) need ~2,100 descriptors in this process: raise the soft
  // limit as far as the hard one allows.
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::min<rlim_t>(files.rlim_max, 4096);
  setrlimit(RLIMIT_NOFILE, &files);
  const int kClients = files.rlim_cur >= 2300 ? 1000 : static_cast<int>(files.rlim_cur / 2) - 100;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(edge.port()));
    const std::string req = write_request("GET", "/big", {{"Host", "www.example.com"}}, "");
    ASSERT_EQ(send(clients.back()->fd(), req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  }
  // Every request has reached the edge before the origin answers.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (edge.edge->stats_json().find("\"requests\":" + std::to_string(kClients)) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  release.set_value();
  int misses = 0, hits = 0;
  for (auto& c : clients) {
    auto r = c->read_one();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "shared");
    (header(*r, "X-Cache") == "Miss from cloudfront" ? misses : hits)++;
  }
  EXPECT_EQ(origin.requests(), 1);
  EXPECT_EQ(misses, 1);
  EXPECT_EQ(hits, kClients - 1);
}

// §2: a method the behaviour does not allow is refused with 403 at the edge.
TEST(Edge, MethodNotAllowedIs403) {
  ScriptedOrigin origin([](const Request&, int) { return ok("x"); });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client c(edge.port());
  auto r = c.get("/x", {{"Content-Length", "0"}}, "POST");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(header(*r, "X-Cache"), "Error from cloudfront");
  EXPECT_EQ(origin.requests(), 0);
}

// §4: a 404 is cached for the error caching minimum TTL (default 10 s).
TEST(Edge, NotFoundIsCachedForTheErrorCachingMinimum) {
  ScriptedOrigin origin([](const Request&, int) {
    Response r;
    r.status = 404;
    r.body = "nope";
    return r;
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client c(edge.port());
  EXPECT_EQ(c.get("/missing")->status, 404);
  auto r = c.get("/missing");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(header(*r, "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(origin.requests(), 1);
}

// §9: an origin group fails over to the secondary on a configured status.
TEST(Edge, OriginGroupFailsOverOnConfiguredStatus) {
  ScriptedOrigin primary([](const Request&, int) {
    Response r;
    r.status = 503;
    return r;
  });
  ScriptedOrigin secondary([](const Request&, int) { return ok("from secondary", {{"Cache-Control", "max-age=60"}}); });
  auto network = network_with(0, 86400, 31536000, [](model::Network&, model::Distribution& d) {
    model::Origin b;
    b.id = "backup";
    b.domain_name = "backup.test";
    d.origins.push_back(b);
    model::OriginGroup g;
    g.id = "group";
    g.members = {"web", "backup"};
    g.failover_status_codes = {500, 502, 503, 504};
    d.origin_groups.push_back(g);
    d.default_behavior.target_origin_id = "group";
  });
  auto options = options_for(primary);
  options.origins["backup"] = {"127.0.0.1", secondary.port()};
  RunningEdge edge(network, options);
  Client c(edge.port());
  auto r = c.get("/page");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "from secondary");
  EXPECT_EQ(primary.requests(), 1);
  EXPECT_EQ(secondary.requests(), 1);
}

// §10: an invalidation removes the object from every tier; the next request misses.
TEST(Edge, InvalidationRemovesFromEveryTier) {
  ScriptedOrigin origin([](const Request&, int n) { return ok(std::to_string(n), {{"Cache-Control", "max-age=300"}}); });
  auto options = options_for(origin);
  options.pops = {{"IAD89-C1", ""}, {"JFK50-C1", ""}};
  RunningEdge edge(network_with(0, 86400, 31536000), options);
  Client iad(edge.port(0)), jfk(edge.port(1));
  iad.get("/images/a.png");
  jfk.get("/images/a.png");
  iad.get("/other");
  std::string error;
  EXPECT_EQ(edge.edge->invalidate("www.example.com", {"/images/*"}, error), 3);  // IAD, JFK, REC
  EXPECT_EQ(header(*jfk.get("/images/a.png"), "X-Cache"), "Miss from cloudfront");
  EXPECT_EQ(header(*iad.get("/other"), "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(edge.edge->invalidate("www.example.com", {"/images/*.png"}, error), -1);
  EXPECT_NE(error.find("last character"), std::string::npos);
}

// §4 (GeneratingCustomErrorResponses.html): a custom error response serves its page, fetched
// through the behaviour its path matches, with the configured status; the log has the request.
TEST(Edge, CustomErrorResponseServesItsPage) {
  ScriptedOrigin origin([](const Request& q, int) {
    if (q.path == "/errors/404.html") return ok("<h1>custom</h1>", {{"Cache-Control", "max-age=60"}});
    Response r;
    r.status = 404;
    r.body = "origin's own";
    return r;
  });
  auto network = network_with(0, 86400, 31536000, [](model::Network&, model::Distribution& d) {
    model::CustomErrorResponse e;
    e.error_code = 404;
    e.response_code = 200;
    e.response_page_path = "/errors/404.html";
    d.custom_error_responses.push_back(e);
  });
  const std::string log = ::testing::TempDir() + "/cdn-access.log";
  std::remove(log.c_str());
  auto options = options_for(origin);
  options.access_log = log;
  {
    RunningEdge edge(network, options);
    Client c(edge.port());
    auto r = c.get("/nothing-here", {{"User-Agent", "test agent"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "<h1>custom</h1>");
  }
  std::FILE* f = std::fopen(log.c_str(), "r");
  ASSERT_TRUE(f);
  char line[4096];
  std::vector<std::string> lines;
  while (std::fgets(line, sizeof line, f)) lines.emplace_back(line);
  std::fclose(f);
  ASSERT_EQ(lines.size(), 3u);  // #Version, #Fields, one request
  EXPECT_EQ(lines[1].rfind("#Fields: date time x-edge-location sc-bytes c-ip", 0), 0u);
  int tabs = 0;
  for (char ch : lines[2]) tabs += ch == '\t';
  EXPECT_EQ(tabs, 32);  // 33 fields
  EXPECT_NE(lines[2].find("\tGET\twww.example.com\t/nothing-here\t200\t-\ttest%20agent\t"), std::string::npos);
}

// §12 (RangeGETs.html): a range is cut from the cached object (206 with Content-Range); a range
// beyond the end is 416; overlapping ranges get the whole object (200).
TEST(Edge, RangesAreCutFromTheCachedObject) {
  ScriptedOrigin origin([](const Request&, int) { return ok("0123456789", {{"Cache-Control", "max-age=60"}}); });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client c(edge.port());
  auto r = c.get("/r", {{"Range", "bytes=2-4"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, "234");
  EXPECT_EQ(header(*r, "Content-Range"), "bytes 2-4/10");
  auto tail = c.get("/r", {{"Range", "bytes=-3"}});
  EXPECT_EQ(tail->body, "789");
  EXPECT_EQ(header(*tail, "X-Cache"), "Hit from cloudfront");
  auto beyond = c.get("/r", {{"Range", "bytes=20-30"}});
  EXPECT_EQ(beyond->status, 416);
  EXPECT_EQ(header(*beyond, "Content-Range"), "bytes */10");
  auto overlap = c.get("/r", {{"Range", "bytes=1-5,3-8"}});
  EXPECT_EQ(overlap->status, 200);
  EXPECT_EQ(overlap->body, "0123456789");
  auto two = c.get("/r", {{"Range", "bytes=0-1,8-9"}});
  EXPECT_EQ(two->status, 206);
  EXPECT_NE(header(*two, "Content-Type").find("multipart/byteranges; boundary="), std::string::npos);
  EXPECT_NE(two->body.find("Content-Range: bytes 8-9/10\r\n\r\n89"), std::string::npos);
  EXPECT_EQ(origin.requests(), 1);
}

// §11: a behaviour with trusted key groups serves only signed requests; the signing parameters
// are left out of the cache key and the origin request.
TEST(Edge, SignedUrlsGuardRestrictedBehaviours) {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  const std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(k);
  std::string error;
  auto key = SigningKey::from_pem(pem, &error);
  ASSERT_TRUE(key) << error;
  ScriptedOrigin origin([](const Request&, int) { return ok("secret", {{"Cache-Control", "max-age=60"}}); });
  auto network = network_with(0, 86400, 31536000, [&](model::Network& n, model::Distribution& d) {
    model::PublicKey pk;
    pk.id = "K2JCJMDEHXQW5F";
    pk.encoded_key = key->public_key_pem();
    n.public_keys.push_back(pk);
    model::KeyGroup g;
    g.id = "kg-1";
    g.keys.push_back({"K2JCJMDEHXQW5F", {}, model::kNone});
    n.key_groups.push_back(g);
    model::CacheBehavior b = d.default_behavior;
    b.path_pattern = "/private/*";
    b.trusted_key_groups.push_back({"kg-1", {}, model::kNone});
    d.behaviors.push_back(b);
  });
  RunningEdge edge(network, options_for(origin));
  Client c(edge.port());
  auto unsigned_reply = c.get("/private/doc.pdf");
  ASSERT_TRUE(unsigned_reply);
  EXPECT_EQ(unsigned_reply->status, 403);
  EXPECT_NE(unsigned_reply->body.find("MissingKey"), std::string::npos);
  const auto expires = static_cast<std::int64_t>(std::time(nullptr)) + 300;
  auto url = sign_canned_url("http://www.example.com/private/doc.pdf", expires, "K2JCJMDEHXQW5F", *key);
  ASSERT_TRUE(url);
  const std::string target = url->substr(url->find("/private/"));
  auto signed_reply = c.get(target);
  ASSERT_TRUE(signed_reply);
  EXPECT_EQ(signed_reply->status, 200);
  EXPECT_EQ(signed_reply->body, "secret");
  ASSERT_EQ(origin.seen().size(), 1u);
  EXPECT_EQ(origin.seen()[0].target, "/private/doc.pdf");  // no Expires/Signature/Key-Pair-Id
  auto tampered = c.get("/private/other.pdf" + target.substr(target.find('?')));
  EXPECT_EQ(tampered->status, 403);
  EXPECT_EQ(c.get("/public.html")->status, 200);  // the default behaviour is not restricted
}

// §12 (ServingCompressedFiles.html): with Compress and a policy that keys Accept-Encoding, a
// compressible object is served gzip or Brotli (preferred) per viewer, each its own cache entry;
// a viewer that accepts neither gets the original bytes.
TEST(Edge, CompressesWhatTheViewerAccepts) {
  const std::string text(4000, 'x');
  ScriptedOrigin origin([&](const Request&, int) {
    Response r = ok(text, {{"Cache-Control", "max-age=60"}});
    r.headers.back().value = "text/html; charset=utf-8";
    return r;
  });
  auto network = network_with(0, 86400, 31536000, [](model::Network& n, model::Distribution& d) {
    n.cache_policies[0].gzip = n.cache_policies[0].brotli = true;
    d.default_behavior.compress = true;
  });
  RunningEdge edge(network, options_for(origin));
  Client c(edge.port());
  auto br = c.get("/page", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(header(*br, "Content-Encoding"), "br");
  EXPECT_LT(br->body.size(), 200u);
  auto gz = c.get("/page", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(header(*gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(static_cast<unsigned char>(gz->body[0]), 0x1f);
  auto plain = c.get("/page");
  EXPECT_EQ(header(*plain, "Content-Encoding"), "");
  EXPECT_EQ(plain->body, text);
  EXPECT_EQ(header(*c.get("/page", {{"Accept-Encoding", "br, gzip"}}), "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(origin.requests(), 3);  // br,gzip / gzip / none: three keys
}

// §7 (origin-shield.html): POPs in two Regions miss in their own regional caches and meet at the
// origin's Origin Shield: the origin is asked once.
TEST(Edge, OriginShieldCollectsRegionalMisses) {
  ScriptedOrigin origin([](const Request&, int) { return ok("x", {{"Cache-Control", "max-age=300"}}); });
  auto network = network_with(0, 86400, 31536000, [](model::Network&, model::Distribution& d) {
    d.origins[0].origin_shield = true;
    d.origins[0].origin_shield_region = "eu-west-1";
  });
  auto options = options_for(origin);
  options.pops = {{"IAD89-C1", ""}, {"FRA56-C1", ""}};
  options.explain = true;
  RunningEdge edge(network, options);
  Client iad(edge.port(0)), fra(edge.port(1));
  EXPECT_EQ(header(*iad.get("/o"), "X-Cache"), "Miss from cloudfront");
  auto r = fra.get("/o");
  EXPECT_EQ(header(*r, "X-Cache"), "Hit from cloudfront");
  EXPECT_NE(header(*r, "Server-Timing").find("cdn-hit-layer;desc=\"Origin Shield\""), std::string::npos);
  EXPECT_EQ(origin.requests(), 1);
}

// A response headers policy (understanding-response-headers-policies.html): removed headers,
// custom headers with and without Override, CORS for a request with an Origin.
TEST(Edge, ResponseHeadersPolicyShapesTheAnswer) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("x", {{"Cache-Control", "max-age=60"}, {"X-Powered-By", "php"}, {"X-Team", "origin's"}});
  });
  auto network = network_with(0, 86400, 31536000, [](model::Network& n, model::Distribution& d) {
    model::ResponseHeadersPolicy p;
    p.id = "rhp";
    p.remove_headers = {"X-Powered-By"};
    p.custom_headers = {{"X-Team", "edge's", false}, {"X-Env", "test", true}};
    p.cors = true;
    p.cors_allow_origins = {"https://app.example.com"};
    p.cors_allow_methods = {"GET", "HEAD"};
    n.response_headers_policies.push_back(p);
    d.default_behavior.response_headers_policy.text = "rhp";
  });
  RunningEdge edge(network, options_for(origin));
  Client c(edge.port());
  auto r = c.get("/x", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(header(*r, "X-Powered-By"), "");
  EXPECT_EQ(header(*r, "X-Team"), "origin's");
  EXPECT_EQ(header(*r, "X-Env"), "test");
  EXPECT_EQ(header(*r, "Access-Control-Allow-Origin"), "https://app.example.com");
  auto other = c.get("/x", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(header(*other, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(header(*other, "X-Cache"), "Hit from cloudfront");
}

// Bad requests: answered with an error and the connection closed, other clients unharmed.
TEST(Edge, MalformedRequestsAreRejected) {
  ScriptedOrigin origin([](const Request&, int) { return ok("fine", {{"Cache-Control", "max-age=60"}}); });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  {
    Client bad(edge.port());
    auto r = bad.raw("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  {
    Client big(edge.port());
    auto r = big.raw("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 414);
  }
  {
    Client big(edge.port());
    auto r = big.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(21000, 'b') + "\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 494);
  }
  {
    Client garbage(edge.port());
    auto r = garbage.raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  Client good(edge.port());
  auto r = good.get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "fine");
}

// A viewer that never finishes its request headers (slowloris) is disconnected.
TEST(Edge, SlowlorisIsDisconnected) {
  ScriptedOrigin origin([](const Request&, int) { return ok("x"); });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client slow(edge.port());
  const std::string part = "GET / HTTP/1.1\r\nHost: x\r\nX-A: ";
  send(slow.fd(), part.data(), part.size(), MSG_NOSIGNAL);
  char b;
  pollfd p{slow.fd(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 5000), 1);  // request_timeout is 1.5 s in the harness
  EXPECT_EQ(recv(slow.fd(), &b, 1, 0), 0);
}

}  // namespace
}  // namespace cloudtwin::cdn
