// The edge's request handling (edge.h).
#include "cloudtwin/cdn/edge.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <random>
#include <sstream>

#include "cloudtwin/cdn/cache_control.h"
#include "cloudtwin/cdn/http_date.h"
#include "cloudtwin/cdn/rules.h"
#include "cloudtwin/cdn/signed_url.h"

namespace cloudtwin::cdn {

namespace {

// RFC 9111 §4.2.4: must-revalidate, proxy-revalidate, no-cache and s-maxage (§5.2.2.10)
// forbid serving the object stale, even when the origin fails.
bool may_serve_stale(const CachedObject& o) {
  const auto cc = joined_header(o.headers, "Cache-Control");
  if (!cc) return true;
  std::string v(*cc);
  for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* d : {"must-revalidate", "proxy-revalidate", "no-cache", "s-maxage"})
    if (v.find(d) != std::string::npos) return false;
  return true;
}

std::optional<std::string> gzip_compress(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> brotli_compress(std::string_view in) {
  std::size_t size = BrotliEncoderMaxCompressedSize(in.size());
  if (size == 0) return std::nullopt;
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, in.size(),
                             reinterpret_cast<const std::uint8_t*>(in.data()), &size,
                             reinterpret_cast<std::uint8_t*>(out.data())))
    return std::nullopt;
  out.resize(size);
  return out;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// Per-thread random identifiers: X-Amz-Cf-Id (56 characters of base64url, as CloudFront's).
std::string request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out(56, 'A');
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 10 == 0) bits = rng();
    out[i] = kChars[bits & 63];
    bits >>= 6;
  }
  out[55] = '=';
  out[54] = '=';
  return out;
}

// "1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)": a stable hex per name.
std::string via_host(std::string_view seed) {
  thread_local std::string last_seed, last_host;  // one POP per connection: asked again and again
  if (seed == last_seed && !last_host.empty()) return last_host;
  std::uint64_t h1 = 1469598103934665603ull, h2 = 1099511628211ull;
  for (char c : seed) {
    h1 = (h1 ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h2 = (h2 ^ static_cast<unsigned char>(c)) * 14029467366897019727ull;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h1),
                static_cast<unsigned long long>(h2));
  last_seed = seed;
  last_host = std::string(buf) + ".cloudfront.net";
  return last_host;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and the headers CloudFront sets itself.
bool hop_by_hop(std::string_view name) {
  for (std::string_view h : {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                             "transfer-encoding", "upgrade", "proxy-authenticate",
                             "proxy-authorization"})
    if (iequals(name, h)) return true;
  return false;
}

// cloudfront.md §6: the viewer headers CloudFront never forwards.
bool never_forwarded(std::string_view name) {
  for (std::string_view h : {"accept-charset", "expect", "proxy-connection", "x-forwarded-proto",
                             "x-real-ip", "x-http-method-override", "via", "x-amz-cf-id",
                             "content-length", "host", "if-none-match", "if-modified-since",
                             "if-match", "if-unmodified-since", "if-range", "range"})
    if (iequals(name, h)) return true;
  if (name.size() >= 6 && iequals(name.substr(0, 6), "proxy-")) return true;
  if (name.size() >= 7 && iequals(name.substr(0, 7), "x-edge-")) return true;
  return hop_by_hop(name);
}

// Whether `name` is selected by a policy's behaviour and list.
bool included(const model::KeyItems& k, std::string_view name, bool case_insensitive) {
  const auto listed = [&] {
    for (const auto& i : k.items)
      if (case_insensitive ? iequals(i, name) : i == name) return true;
    return false;
  };
  if (k.behavior == "none") return false;
  if (k.behavior == "whitelist") return listed();
  if (k.behavior == "allExcept") return !listed();
  if (k.behavior == "all" || k.behavior == "allViewer") return true;
  if (k.behavior == "allViewerAndWhitelistCloudFront") return true;
  return false;
}

struct QueryParam {
  std::string_view name;
  std::string_view text;  // "name=value" as written
};

std::vector<QueryParam> split_query(std::string_view q) {
  std::vector<QueryParam> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    if (!part.empty()) out.push_back({part.substr(0, part.find('=')), part});
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

struct Cookie {
  std::string_view name;
  std::string_view text;
};

std::vector<Cookie> split_cookies(std::string_view header) {
  std::vector<Cookie> out;
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back({part.substr(0, part.find('=')), part});
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return out;
}

// §3, §4: what rules.h's decide_ttl makes of a response's caching headers.
struct TtlChoice {
  bool store = false;
  std::int64_t ttl = 0;
  std::int64_t swr = 0, sie = 0;
  bool collapse = true;
  bool error = false;
  std::string rule;
};

TtlChoice choose_ttl(const TtlPolicy& policy, int status, const Headers& headers,
                     std::optional<std::int64_t> error_min, std::int64_t now) {
  const auto cc = joined_header(headers, "Cache-Control");
  const Header* expires = find_header(headers, "Expires");
  const Header* date = find_header(headers, "Date");
  const auto vary = joined_header(headers, "Vary");
  OriginResponseFacts facts;
  facts.status = status;
  facts.cache_control = cc ? std::string_view(*cc) : std::string_view();
  if (expires) facts.expires = expires->value;
  if (date) facts.date = date->value;
  facts.has_vary_star = vary && vary->find('*') != std::string::npos;
  const TtlDecision d = decide_ttl(policy, facts, now, error_min);
  TtlChoice c;
  c.store = d.store && !d.unconditional_refetch;
  c.ttl = d.ttl;
  c.swr = d.stale_while_revalidate.value_or(0);
  c.sie = d.stale_if_error.value_or(0);
  c.collapse = d.collapse_ok;
  c.error = d.source == TtlSource::kErrorCaching;
  c.rule = d.rule;
  return c;
}

const char* error_page(int status) {
  switch (status) {
    case 403: return "This distribution is not configured to allow this request.";
    case 502: return "CloudFront wasn't able to connect to the origin.";
    case 504: return "CloudFront attempted to establish a connection with the origin, but it timed out.";
    default: return "The request could not be satisfied.";
  }
}

}  // namespace

// ---- configuration -------------------------------------------------------------------------------

struct BehaviorRules {
  const model::CacheBehavior* behavior = nullptr;
  std::string label;  // "#1 /api/*" or "default (*)"
  model::KeyItems key_headers, key_cookies, key_query;
  model::KeyItems fwd_headers, fwd_cookies, fwd_query;  // beyond the key (origin request policy)
  bool gzip = false, brotli = false;
  TtlPolicy ttl;
  bool caching_disabled = false;
  bool forwards_cookies = false;
  const model::ResponseHeadersPolicy* response_policy = nullptr;
  // Restrict viewer access (§11): the public key ids of the behaviour's trusted key groups.
  bool restricted = false;
  std::vector<std::string> trusted_keys;
};

struct DistConfig {
  const model::Distribution* d = nullptr;
  std::vector<BehaviorRules> rules;  // behaviours in order, then the default
  std::string key_signature;          // changes when the key rules change (reload keeps caches)
};

struct Edge::Config {
  std::shared_ptr<const model::Network> network;
  KeySet keys;  // every public key of the network, for signed URLs and cookies
  std::vector<DistConfig> dists;
  std::unordered_map<std::string, std::size_t> by_host;  // lower-case alias or domain name
};

namespace {

BehaviorRules compile_behavior(const model::Network& n, const model::CacheBehavior& b,
                               std::string label) {
  BehaviorRules r;
  r.behavior = &b;
  r.label = std::move(label);
  if (b.cache_policy.resolved()) {
    const auto& p = n.cache_policies[b.cache_policy.index];
    r.key_headers = p.headers;
    r.key_cookies = p.cookies;
    r.key_query = p.query_strings;
    r.gzip = p.gzip;
    r.brotli = p.brotli;
    r.ttl = ttl_policy(p);
  } else {
    // Legacy cache settings: everything forwarded is in the key.
    r.key_headers = b.legacy_headers;
    r.key_cookies = b.legacy_cookies;
    r.key_query = b.legacy_query_strings;
    r.ttl = ttl_policy(b);
    r.gzip = r.brotli = b.compress;
  }
  if (b.origin_request_policy.resolved()) {
    const auto& p = n.origin_request_policies[b.origin_request_policy.index];
    r.fwd_headers = p.headers;
    r.fwd_cookies = p.cookies;
    r.fwd_query = p.query_strings;
  }
  // Legacy "forward all headers" never caches (Expiration.html).
  r.caching_disabled = r.ttl.max_ttl == 0 || r.key_headers.behavior == "all";
  r.forwards_cookies = r.key_cookies.behavior != "none" || r.fwd_cookies.behavior != "none";
  if (b.response_headers_policy.resolved())
    r.response_policy = &n.response_headers_policies[b.response_headers_policy.index];
  r.restricted = !b.trusted_key_groups.empty() || !b.trusted_signers.empty();
  if (r.restricted) r.trusted_keys = trusted_key_ids(b, n.key_groups, n.public_keys);
  return r;
}

std::string signature(const BehaviorRules& r) {
  std::string s = r.behavior->path_pattern + "|" + r.key_headers.behavior + "|" +
                  r.key_cookies.behavior + "|" + r.key_query.behavior + "|" +
                  (r.gzip ? "g" : "") + (r.brotli ? "b" : "");
  for (const auto* k : {&r.key_headers, &r.key_cookies, &r.key_query})
    for (const auto& i : k->items) s += "," + i;
  return s;
}

}  // namespace

std::string pop_region(std::string_view pop) {
  static const std::map<std::string, std::string, std::less<>> kAirports = {
      {"IAD", "us-east-1"}, {"JFK", "us-east-1"}, {"ATL", "us-east-1"}, {"MIA", "us-east-1"},
      {"BOS", "us-east-1"}, {"EWR", "us-east-1"}, {"CMH", "us-east-2"}, {"ORD", "us-east-2"},
      {"DFW", "us-east-2"}, {"SFO", "us-west-1"}, {"LAX", "us-west-1"}, {"SEA", "us-west-2"},
      {"PDX", "us-west-2"}, {"DEN", "us-west-2"}, {"GRU", "sa-east-1"}, {"FRA", "eu-central-1"},
      {"MUC", "eu-central-1"}, {"DUB", "eu-west-1"}, {"LHR", "eu-west-2"}, {"MAN", "eu-west-2"},
      {"CDG", "eu-central-1"}, {"AMS", "eu-central-1"}, {"BOM", "ap-south-1"},
      {"DEL", "ap-south-1"}, {"NRT", "ap-northeast-1"}, {"KIX", "ap-northeast-1"},
      {"ICN", "ap-northeast-2"}, {"SIN", "ap-southeast-1"}, {"HKG", "ap-southeast-1"},
      {"SYD", "ap-southeast-2"}, {"MEL", "ap-southeast-2"}};
  auto it = kAirports.find(pop.substr(0, 3));
  return it == kAirports.end() ? "us-east-1" : it->second;
}

// ---- jobs and flights ------------------------------------------------------------------------------

struct Waiter {
  std::size_t pop = 0;
  Request request;  // without the body (only its headers matter once collapsed)
  Edge::Done done;
  std::string id;   // X-Amz-Cf-Id
  bool collapsed = false;
};

struct Edge::Flight {
  std::vector<Waiter> waiters;
};

struct Edge::Job {
  std::shared_ptr<const Config> config;
  const DistConfig* dist = nullptr;
  const BehaviorRules* rules = nullptr;
  Request request;
  Viewer viewer;
  std::size_t pop = 0;
  std::string key;
  std::vector<Tier*> tiers;  // the tiers walked, POP first
  std::shared_ptr<const CachedObject> stale;  // an expired copy to revalidate or serve on error
  bool cacheable = false;
  std::string flight;  // the collapsing key, when collapsed
  Done done;           // when not collapsed
  std::string id;
  std::string_view accept_encoding;  // normalised (§5): "br,gzip", "br", "gzip" or ""
};

Edge::Edge(std::shared_ptr<const model::Network> network, EdgeOptions options)
    : options_(std::move(options)) {
  if (options_.pops.empty()) options_.pops.push_back({"IAD89-C1", ""});
  for (auto& p : options_.pops) {
    if (p.region.empty()) p.region = pop_region(p.name);
    auto t = std::make_unique<Tier>();
    t->name = p.name;
    t->layer = "EDGE";
    t->store = std::make_unique<Store>(p.name, options_.pop_bytes);
    pop_tiers_.push_back(std::move(t));
  }
  reload(std::move(network));
  if (!options_.access_log.empty()) {
    access_log_ = std::fopen(options_.access_log.c_str(), "a");
    if (access_log_) {
      std::fputs("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) "
                 "cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) "
                 "x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken "
                 "x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
                 "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
                 "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start "
                 "sc-range-end\n",
                 access_log_);
      std::fflush(access_log_);
    }
  }
  const unsigned n = std::max(1u, options_.fetchers);
  for (unsigned i = 0; i < n; ++i) fetchers_.emplace_back([this] { run_fetcher(); });
}

Edge::~Edge() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  for (auto& t : fetchers_) t.join();
  if (access_log_) std::fclose(access_log_);
}

Edge::LogFacts Edge::log_facts(std::size_t pop, const Request& q, const Viewer& viewer) const {
  LogFacts f;
  f.start = std::chrono::system_clock::now();
  f.started = std::chrono::steady_clock::now();
  f.pop = pop_tiers_[pop]->name;
  f.client = viewer.address;
  f.method = q.method;
  const auto value = [&](const char* name) {
    const Header* h = find_header(q.headers, name);
    return h ? h->value : std::string();
  };
  f.host = value("Host");
  f.path = q.path;
  f.query = q.has_query ? q.query : "";
  f.referer = value("Referer");
  f.user_agent = value("User-Agent");
  f.cookie = value("Cookie");
  f.version = "HTTP/" + std::to_string(q.version_major) + "." + std::to_string(q.version_minor);
  f.request_bytes = q.target.size() + q.body.size();
  for (const auto& h : q.headers) f.request_bytes += h.name.size() + h.value.size() + 4;
  return f;
}

namespace {

// AccessLogs.html: a field with nothing is "-"; spaces and other unsafe bytes are URL-encoded.
std::string log_field(std::string_view v) {
  if (v.empty()) return "-";
  std::string out;
  for (unsigned char c : v) {
    if (c <= 0x20 || c >= 0x7f || c == '%' || c == '"' || c == '\\') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

void Edge::write_access_log(const LogFacts& f, const Reply& r) {
  if (!access_log_) return;
  const std::time_t t = std::chrono::system_clock::to_time_t(f.start);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16], time[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  std::strftime(time, sizeof time, "%H:%M:%S", &tm);
  const double taken =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - f.started).count();
  std::string result = "Miss";
  if (const Header* x = find_header(r.headers, "X-Cache")) result = x->value.substr(0, x->value.find(' '));
  std::string id, type;
  if (const Header* x = find_header(r.headers, "X-Amz-Cf-Id")) id = x->value;
  if (const Header* x = find_header(r.headers, "Content-Type")) type = x->value;
  std::size_t head = 0;
  for (const auto& h : r.headers) head += h.name.size() + h.value.size() + 4;
  const std::size_t body = r.head ? 0 : r.body_view().size();
  char numbers[64];
  std::snprintf(numbers, sizeof numbers, "%.3f", taken);
  std::string line;
  line.reserve(512);
  const auto add = [&](std::string_view v) {
    if (!line.empty()) line += '\t';
    line += v;
  };
  add(date);
  add(time);
  add(log_field(f.pop));
  add(std::to_string(head + body + 17));
  add(log_field(f.client));
  add(log_field(f.method));
  add(log_field(f.host));
  add(log_field(f.path));
  add(std::to_string(r.status));
  add(log_field(f.referer));
  add(log_field(f.user_agent));
  add(log_field(f.query));
  add(log_field(f.cookie));
  add(result);
  add(log_field(id));
  add(log_field(f.host));
  add("http");
  add(std::to_string(f.request_bytes));
  add(numbers);
  add("-");
  add("-");
  add("-");
  add(result);
  add(f.version);
  add("-");
  add("-");
  add("-");
  add(numbers);
  add(result);
  add(log_field(type));
  add(std::to_string(body));
  add("-");
  add("-");
  line += '\n';
  std::lock_guard lock(log_mutex_);
  std::fwrite(line.data(), 1, line.size(), access_log_);
  std::fflush(access_log_);
}

void Edge::reload(std::shared_ptr<const model::Network> network) {
  auto config = std::make_shared<Config>();
  config->network = network;
  config->keys = key_set(network->public_keys, nullptr);
  for (const auto& d : network->distributions) {
    DistConfig dc;
    dc.d = &d;
    for (std::size_t i = 0; i < d.behaviors.size(); ++i)
      dc.rules.push_back(compile_behavior(*network, d.behaviors[i],
                                          "#" + std::to_string(i) + " " + d.behaviors[i].path_pattern));
    dc.rules.push_back(compile_behavior(*network, d.default_behavior, "default (*)"));
    for (const auto& r : dc.rules) dc.key_signature += signature(r) + ";";
    const std::size_t index = config->dists.size();
    config->by_host[lower(d.domain_name)] = index;
    for (const auto& a : d.aliases) config->by_host[lower(a)] = index;
    config->dists.push_back(std::move(dc));
  }
  // Keep what was cached for distributions whose key rules are unchanged.
  if (auto old = config_.load()) {
    std::vector<std::string> changed;
    for (const auto& od : old->dists) {
      bool same = false;
      for (const auto& nd : config->dists)
        if (nd.d->id == od.d->id && nd.key_signature == od.key_signature) same = true;
      if (!same) changed.push_back(od.d->id);
    }
    if (!changed.empty()) {
      const auto drop = [&](const std::string&, const CachedObject& o) {
        return std::find(changed.begin(), changed.end(), o.distribution) != changed.end();
      };
      for (auto& t : pop_tiers_) t->store->erase_if(drop);
      std::lock_guard lock(tiers_mutex_);
      for (auto& [name, t] : recs_) t->store->erase_if(drop);
      for (auto& [name, t] : shields_) t->store->erase_if(drop);
    }
  }
  config_.store(std::move(config));
}

Edge::Tier& Edge::rec_for(const std::string& region) {
  std::lock_guard lock(tiers_mutex_);
  auto& t = recs_[region];
  if (!t) {
    t = std::make_unique<Tier>();
    t->name = "REC " + region;
    t->layer = "REC";
    t->store = std::make_unique<Store>(t->name, options_.rec_bytes);
  }
  return *t;
}

Edge::Tier& Edge::shield_for(const std::string& region) {
  std::lock_guard lock(tiers_mutex_);
  auto& t = shields_[region];
  if (!t) {
    t = std::make_unique<Tier>();
    t->name = "Origin Shield " + region;
    t->layer = "Origin Shield";
    t->store = std::make_unique<Store>(t->name, options_.shield_bytes);
  }
  return *t;
}

void Edge::submit(std::function<void()> work) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(work));
  }
  queue_cv_.notify_one();
}

void Edge::run_fetcher() {
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

// ---- replies ---------------------------------------------------------------------------------------

namespace {

struct ReplyContext {
  const std::string& pop;
  const std::string& id;
  const BehaviorRules* rules;
  const std::string* key;
  bool explain;
};

void add_edge_headers(Reply& r, const ReplyContext& c, std::string_view x_cache,
                      std::string_view layer, std::string_view tier_name, std::string_view ttl_rule,
                      bool collapsed) {
  r.headers.push_back({"X-Cache", std::string(x_cache) + " from cloudfront"});
  r.headers.push_back({"Via", "1.1 " + via_host(c.pop) + " (CloudFront)"});
  r.headers.push_back({"X-Amz-Cf-Pop", c.pop});
  r.headers.push_back({"X-Amz-Cf-Id", c.id});
  const bool timing = c.explain || (c.rules && c.rules->response_policy &&
                                    c.rules->response_policy->server_timing);
  if (timing) {
    std::string st = x_cache == "Hit" ? "cdn-cache-hit" : x_cache == "RefreshHit" ? "cdn-cache-refresh"
                                                                                 : "cdn-cache-miss";
    if (!layer.empty()) st += ",cdn-hit-layer;desc=\"" + std::string(layer) + "\"";
    st += ",cdn-pop;desc=\"" + c.pop + "\",cdn-rid;desc=\"" + c.id + "\"";
    r.headers.push_back({"Server-Timing", std::move(st)});
  }
  if (c.explain) {
    std::string e = "behavior=\"" + (c.rules ? c.rules->label : std::string("none")) + "\"";
    if (c.key) e += "; key=\"" + *c.key + "\"";
    if (!ttl_rule.empty()) e += "; ttl=\"" + std::string(ttl_rule) + "\"";
    if (!tier_name.empty()) e += "; tier=\"" + std::string(tier_name) + "\"";
    if (collapsed) e += "; collapsed";
    for (char& ch : e)
      if (ch == '\n') ch = '|';
    r.headers.push_back({"X-Cloudtwin-Explain", std::move(e)});
  }
}

// A response headers policy (understanding-response-headers-policies.html): headers it removes
// from the origin's response, then its custom and security headers (replacing the origin's only
// where Override is set), then CORS for a request with an Origin header.
void apply_response_policy(Reply& r, const model::ResponseHeadersPolicy& p, const Request& q) {
  for (const auto& name : p.remove_headers) remove_header(r.headers, name);
  const auto add = [&](const model::HeaderValue& h) {
    if (find_header(r.headers, h.name)) {
      if (h.override_origin) set_header(r.headers, h.name, h.value);
    } else {
      r.headers.push_back({h.name, h.value});
    }
  };
  for (const auto& h : p.security_headers) add(h);
  for (const auto& h : p.custom_headers) add(h);
  const Header* origin = find_header(q.headers, "Origin");
  if (!p.cors || !origin) return;
  const bool any = std::find(p.cors_allow_origins.begin(), p.cors_allow_origins.end(), "*") !=
                   p.cors_allow_origins.end();
  const bool listed = std::any_of(p.cors_allow_origins.begin(), p.cors_allow_origins.end(),
                                  [&](const std::string& o) { return iequals(o, origin->value); });
  if (!any && !listed) return;
  const auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  std::vector<model::HeaderValue> cors = {
      {"Access-Control-Allow-Origin", any && !p.cors_allow_credentials ? "*" : origin->value,
       p.cors_override_origin}};
  if (p.cors_allow_credentials) cors.push_back({"Access-Control-Allow-Credentials", "true", p.cors_override_origin});
  if (!p.cors_expose_headers.empty())
    cors.push_back({"Access-Control-Expose-Headers", join(p.cors_expose_headers), p.cors_override_origin});
  if (q.method == "OPTIONS") {
    if (!p.cors_allow_methods.empty())
      cors.push_back({"Access-Control-Allow-Methods", join(p.cors_allow_methods), p.cors_override_origin});
    if (!p.cors_allow_headers.empty())
      cors.push_back({"Access-Control-Allow-Headers", join(p.cors_allow_headers), p.cors_override_origin});
    if (p.cors_max_age)
      cors.push_back({"Access-Control-Max-Age", std::to_string(*p.cors_max_age), p.cors_override_origin});
  }
  for (const auto& h : cors) add(h);
}

// CloudFront's own error page.
Reply error_reply(int status, std::string_view detail, const ReplyContext& c) {
  Reply r;
  r.status = status;
  r.body = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<HTML><HEAD><TITLE>ERROR: "
           "The request could not be satisfied</TITLE></HEAD><BODY>\n<H1>" +
           std::to_string(status) + " ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade "
           "size=\"1px\">\n" + std::string(detail) + "\n</BODY></HTML>\n";
  r.headers.push_back({"Server", "CloudFront"});
  r.headers.push_back({"Date", http_date(std::time(nullptr))});
  r.headers.push_back({"Content-Type", "text/html"});
  add_edge_headers(r, c, "Error", "", "", "", false);
  return r;
}

// Whether the viewer's conditional headers make the reply a 304 (RFC 9110 §13.2.2).
bool not_modified(const Request& q, const CachedObject& o) {
  if (o.status != 200) return false;
  if (const Header* inm = find_header(q.headers, "If-None-Match")) {
    if (o.etag.empty()) return false;
    std::string_view list = inm->value;
    if (list == "*") return true;
    auto strip = [](std::string_view t) {
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
      if (t.starts_with("W/")) t.remove_prefix(2);
      return t;
    };
    const std::string_view mine = strip(o.etag);
    while (!list.empty()) {
      auto comma = list.find(',');
      if (strip(list.substr(0, comma)) == mine) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    return false;
  }
  if (const Header* ims = find_header(q.headers, "If-Modified-Since")) {
    if (o.last_modified.empty() || (q.method != "GET" && q.method != "HEAD")) return false;
    const auto since = parse_http_date(ims->value);
    const auto modified = parse_http_date(o.last_modified);
    return since && modified && *modified <= *since;
  }
  return false;
}

// §12 (RangeGETs.html): ranges are cut from the whole object the edge holds; one range is a 206
// slice of it, several a multipart/byteranges 206, none satisfiable a 416, and bad ones (per
// rules.h's evaluate_range) or a failed If-Range the whole object.
void apply_range(Reply& r, const CachedObject& o, std::string_view range, const Header* if_range) {
  if (if_range) {
    const std::string_view v = if_range->value;
    const bool match = v.starts_with("\"") ? (!o.etag.empty() && !o.etag.starts_with("W/") && v == o.etag)
                                           : (!o.last_modified.empty() && v == o.last_modified);
    if (!match) return;
  }
  const std::uint64_t size = o.body.size();
  const RangeDecision d = evaluate_range(range, size);
  if (d.kind == RangeDecision::Kind::kFull) return;
  if (d.kind == RangeDecision::Kind::kUnsatisfiable) {
    r.status = 416;
    r.reason.clear();
    r.object.reset();
    r.body.clear();
    set_header(r.headers, "Content-Range", "bytes */" + std::to_string(size));
    return;
  }
  r.status = 206;
  r.reason.clear();
  const auto content_range = [&](const ByteRange& b) {
    return "bytes " + std::to_string(b.first) + "-" + std::to_string(b.last) + "/" + std::to_string(size);
  };
  if (d.count == 1) {
    r.slice_offset = d.ranges[0].first;
    r.slice_length = d.ranges[0].last - d.ranges[0].first + 1;
    set_header(r.headers, "Content-Range", content_range(d.ranges[0]));
    return;
  }
  const std::string boundary = "CLOUDTWIN_BYTERANGES_" + std::to_string(size) + "_" + std::to_string(d.count);
  const Header* type = find_header(o.headers, "Content-Type");
  std::string body;
  for (std::size_t i = 0; i < d.count; ++i) {
    body += "\r\n--" + boundary + "\r\n";
    if (type) body += "Content-Type: " + type->value + "\r\n";
    body += "Content-Range: " + content_range(d.ranges[i]) + "\r\n\r\n";
    body.append(o.body, d.ranges[i].first, d.ranges[i].last - d.ranges[i].first + 1);
  }
  body += "\r\n--" + boundary + "--\r\n";
  r.object.reset();
  r.body = std::move(body);
  set_header(r.headers, "Content-Type", "multipart/byteranges; boundary=" + boundary);
}

Reply object_reply(const Request& q, std::shared_ptr<const CachedObject> o, bool from_cache,
                   double now) {
  Reply r;
  r.headers.reserve(o->headers.size() + 6);  // and Age, X-Cache, Via, X-Amz-Cf-Pop, X-Amz-Cf-Id
  r.head = q.method == "HEAD";
  if (not_modified(q, *o)) {
    r.status = 304;
    for (const auto& h : o->headers) {
      if (iequals(h.name, "Content-Length") || iequals(h.name, "Content-Type") ||
          iequals(h.name, "Content-Encoding"))
        continue;
      r.headers.push_back(h);
    }
    r.head = true;
  } else {
    r.status = o->status;
    r.reason = o->reason;
    for (const auto& h : o->headers)
      if (!iequals(h.name, "Content-Length") && !iequals(h.name, "Age")) r.headers.push_back(h);
    r.object = o;
    r.length = o->head_length;
    if (const Header* range = find_header(q.headers, "Range"); range && o->status == 200 && q.method == "GET")
      apply_range(r, *o, range->value, find_header(q.headers, "If-Range"));
  }
  if (from_cache || o->initial_age > 0) {
    const auto age = static_cast<std::int64_t>(std::floor(std::max(0.0, o->age(now))));
    if (from_cache || age > 0) r.headers.push_back({"Age", std::to_string(age)});
  }
  return r;
}

}  // namespace

// ---- handling --------------------------------------------------------------------------------------

void Edge::handle(std::size_t pop, Request request, const Viewer& viewer, Done done) {
  ++requests_;
  auto config = config_.load();
  const DistConfig* dist = route(*config, request);
  const bool errors = dist && !dist->d->custom_error_responses.empty();
  if (!errors && !access_log_) {
    serve(pop, std::move(request), viewer, std::move(done), config, dist);
    return;
  }
  std::shared_ptr<LogFacts> facts;
  if (access_log_) facts = std::make_shared<LogFacts>(log_facts(pop, request, viewer));
  Done finished = [this, facts, done = std::move(done)](Reply r) mutable {
    if (facts) write_access_log(*facts, r);
    done(std::move(r));
  };
  if (errors) {
    // Custom error responses (cloudfront.md §4): the page is fetched like any request, through
    // the first behaviour its path matches, and served with the configured status.
    Done plain = std::move(finished);
    finished = [this, pop, viewer, config, dist, host = find_header(request.headers, "Host") ? find_header(request.headers, "Host")->value : std::string(),
                plain](Reply r) mutable {
      const model::CustomErrorResponse* rule = nullptr;
      for (const auto& e : dist->d->custom_error_responses)
        if (e.error_code == r.status && !e.response_page_path.empty()) rule = &e;
      if (!rule) {
        plain(std::move(r));
        return;
      }
      Request page;
      page.method = "GET";
      page.target = page.path = rule->response_page_path;
      page.headers.push_back({"Host", host});
      const int status = static_cast<int>(rule->response_code.value_or(r.status));
      serve(pop, std::move(page), viewer,
            [plain, original = std::move(r), status](Reply p) mutable {
              if (p.status != 200) {
                plain(std::move(original));
                return;
              }
              p.status = status;
              p.reason.clear();
              for (const char* h : {"X-Cache", "X-Amz-Cf-Id"}) {
                if (const Header* x = find_header(original.headers, h)) set_header(p.headers, h, x->value);
              }
              plain(std::move(p));
            },
            config, dist);
    };
  }
  serve(pop, std::move(request), viewer, std::move(finished), config, dist);
}

const DistConfig* Edge::route(const Config& config, const Request& request) const {
  if (const Header* host = find_header(request.headers, "Host")) {
    std::string h = lower(host->value);
    if (auto colon = h.rfind(':'); colon != std::string::npos && h.find(']') == std::string::npos)
      h.resize(colon);
    if (auto it = config.by_host.find(h); it != config.by_host.end()) return &config.dists[it->second];
  }
  if (config.dists.size() == 1) return &config.dists[0];
  return nullptr;
}

void Edge::serve(std::size_t pop, Request request, const Viewer& viewer, Done done,
                 const std::shared_ptr<const Config>& config, const DistConfig* dist) {
  const std::string id = request_id();
  const std::string& pop_name = pop_tiers_[pop]->name;
  ReplyContext ctx{pop_name, id, nullptr, nullptr, options_.explain};
  if (const Header* e = find_header(request.headers, "X-Cloudtwin-Explain")) ctx.explain = e->value != "0";

  if (!dist) {
    done(error_reply(403, "Bad request. No distribution of this network has this Host as an alias.", ctx));
    return;
  }
  const auto& d = *dist->d;
  if (!d.enabled) {
    done(error_reply(403, "The distribution is disabled.", ctx));
    return;
  }
  // DefaultRootObject (DefaultRootObject.html): a request for the root gets that object; other
  // paths ending in / do not.
  if (request.path == "/" && !d.default_root_object.empty()) {
    request.path = "/" + d.default_root_object;
    request.target = request.path + (request.has_query ? "?" + request.query : "");
  }
  const std::size_t bi = select_behavior(d, request.path);
  const BehaviorRules& rules = dist->rules[bi];
  ctx.rules = &rules;
  const model::CacheBehavior& b = *rules.behavior;
  const model::Methods bit = model::method_bit(request.method);
  if (!(bit & b.allowed_methods)) {
    done(error_reply(403, "This distribution is not configured to allow the HTTP request method that "
                          "was used for this request.", ctx));
    return;
  }
  if (request.method == "GET" && !request.body.empty()) {
    done(error_reply(403, "A GET request with a body is not allowed.", ctx));
    return;
  }
  if (rules.restricted) {
    // §11: signed URLs and signed cookies, verified against the behaviour's trusted keys; the
    // signing parameters are neither in the cache key nor sent to the origin.
    const Header* host = find_header(request.headers, "Host");
    const auto cookies = joined_header(request.headers, "Cookie");
    SignedRequest sr;
    sr.scheme = viewer.https ? "https" : "http";
    sr.host = host ? std::string_view(host->value) : std::string_view(d.domain_name);
    sr.path = request.path;
    sr.query = request.query;
    sr.cookie_header = cookies ? std::string_view(*cookies) : std::string_view();
    sr.viewer_ip = viewer.address;
    sr.now = static_cast<std::int64_t>(now_seconds());
    const SignedVerdict v = verify_signed_request(config->keys, rules.trusted_keys, sr);
    if (!v.ok) {
      Reply r;
      r.status = v.status;
      r.body = signed_error_body(v);
      r.headers.push_back({"Server", "CloudFront"});
      r.headers.push_back({"Date", http_date(std::time(nullptr))});
      r.headers.push_back({"Content-Type", "text/xml"});
      add_edge_headers(r, ctx, "Error", "", "", v.detail, false);
      done(std::move(r));
      return;
    }
    if (request.has_query) {
      request.query = strip_signing_params(request.query);
      request.has_query = !request.query.empty();
      request.target = request.path + (request.has_query ? "?" + request.query : "");
    }
  }

  // The cache key (cloudfront.md §5): the distribution's domain and the path, the method for
  // OPTIONS, and what the cache policy puts in it.
  std::string key = d.domain_name;
  key += '\n';
  key += request.path;
  if (request.method == "OPTIONS") key += "\nOPTIONS";
  if (rules.key_query.behavior == "all") {
    if (request.has_query) key += "\n?" + request.query;
  } else if (rules.key_query.behavior != "none") {
    std::string q;
    for (const auto& p : split_query(request.query))
      if (included(rules.key_query, p.name, false)) q += (q.empty() ? "" : "&") + std::string(p.text);
    if (!q.empty()) key += "\n?" + q;
  }
  if (rules.key_headers.behavior != "none") {
    std::vector<std::string> parts;
    for (const auto& name : rules.key_headers.items)
      if (auto v = joined_header(request.headers, name)) parts.push_back(lower(name) + ":" + *v);
    std::sort(parts.begin(), parts.end());
    for (const auto& p : parts) key += "\nh " + p;
  }
  if (rules.key_cookies.behavior != "none") {
    std::vector<std::string> parts;
    if (auto c = joined_header(request.headers, "Cookie")) {
      for (const auto& ck : split_cookies(*c))
        if (included(rules.key_cookies, ck.name, false)) parts.emplace_back(ck.text);
    }
    std::sort(parts.begin(), parts.end());
    for (const auto& p : parts) key += "\nc " + p;
  }
  std::string_view accept_encoding;
  if (rules.gzip || rules.brotli) {
    if (const Header* h = find_header(request.headers, "Accept-Encoding"))
      accept_encoding = normalize_accept_encoding(h->value, rules.gzip, rules.brotli);
    if (!accept_encoding.empty()) {
      key += "\nae ";
      key += accept_encoding;
    }
  }
  ctx.key = &key;

  auto job = std::make_shared<Job>();
  job->accept_encoding = accept_encoding;
  job->config = config;
  job->dist = dist;
  job->rules = &rules;
  job->viewer = viewer;
  job->pop = pop;
  job->id = id;
  const bool cacheable_method =
      request.method == "GET" || request.method == "HEAD" ||
      (request.method == "OPTIONS" && (b.cached_methods & model::kMethodOptions));
  job->cacheable = cacheable_method && !rules.caching_disabled;

  // The tiers: the POP; its regional edge cache, unless the request bypasses it (§7: methods
  // other than GET and HEAD, and what is not cacheable); the origin's Origin Shield.
  job->tiers.push_back(pop_tiers_[pop].get());
  const model::Origin& primary =
      b.target_is_group ? d.origins[d.origin_groups[b.target_origin].member_origins.empty()
                                        ? 0
                                        : d.origin_groups[b.target_origin].member_origins[0]]
                        : d.origins[b.target_origin];
  if (job->cacheable) {
    job->tiers.push_back(&rec_for(options_.pops[pop].region));
    if (primary.origin_shield && primary.origin_shield_region != options_.pops[pop].region)
      job->tiers.push_back(&shield_for(primary.origin_shield_region));
  }

  // A HEAD is answered from the stored GET response; a HEAD that misses goes to the origin as a
  // HEAD, and its answer (no body) is kept apart, so that no GET is ever served an empty body
  // from it nor collapsed onto it (docs/cdn.md, "HEAD").
  const bool head = request.method == "HEAD";
  const std::string head_key = head ? key + "\nHEAD" : std::string();
  const double now = now_seconds();
  Tier* stale_tier = nullptr;
  bool background = false;  // answered already; the origin request only refreshes the caches
  if (job->cacheable) {
    for (std::size_t t = 0; t < job->tiers.size(); ++t) {
      Tier* tier = job->tiers[t];
      const std::string* found = &key;
      auto o = tier->store->get(key);
      if (head && (!o || !o->fresh(now))) {
        if (auto h = tier->store->get(head_key); h && (!o || h->fresh(now))) {
          o = std::move(h);
          found = &head_key;
        }
      }
      if (!o) continue;
      if (o->fresh(now)) {
        for (std::size_t up = 0; up < t; ++up) job->tiers[up]->store->put(*found, o);
        ++tier->stats.hits;
        Reply r = object_reply(request, o, true, now);
        add_edge_headers(r, ctx, "Hit", tier->layer, tier->name, o->ttl_rule, false);
        if (rules.response_policy) apply_response_policy(r, *rules.response_policy, request);
        done(std::move(r));
        return;
      }
      if (!job->stale) {
        job->stale = o;
        stale_tier = tier;
      }
    }
    // stale-while-revalidate (RFC 5861 §3; CloudFront honours it, Expiration.html): within the
    // window the stale copy answers now and one origin request refreshes it in the background.
    const CachedObject* s = job->stale.get();
    if (s && s->stale_while_revalidate > 0 && may_serve_stale(*s) &&
        s->age(now) < static_cast<double>(s->ttl + s->stale_while_revalidate)) {
      ++stale_tier->stats.hits;
      Reply r = object_reply(request, job->stale, true, now);
      add_edge_headers(r, ctx, "Hit", stale_tier->layer, stale_tier->name,
                       s->ttl_rule + "; stale-while-revalidate: refreshing in the background", false);
      if (rules.response_policy) apply_response_policy(r, *rules.response_policy, request);
      done(std::move(r));
      done = [](Reply) {};
      background = true;
    } else {
      ++job->tiers.front()->stats.misses;
    }
  }

  job->key = head ? head_key : key;
  request.body.shrink_to_fit();
  // Request collapsing (§8): the same key, not with cookies forwarded or caching disabled.
  if (job->cacheable && !rules.forwards_cookies) {
    const std::string flight = job->tiers.back()->name + "\n" + job->key;
    std::lock_guard lock(flights_mutex_);
    auto [it, fresh] = flights_.try_emplace(flight);
    if (!fresh) {
      if (background) return;  // a refresh is on its way already
      ++collapsed_;
      it->second->waiters.push_back({pop, std::move(request), std::move(done), id, true});
      return;
    }
    it->second = std::make_shared<Flight>();
    job->flight = flight;
    it->second->waiters.push_back({pop, request, std::move(done), id, false});
    job->request = std::move(request);
  } else {
    job->request = std::move(request);
    job->done = std::move(done);
  }
  submit([this, job] { fetch(job); });
}

// Origin fetch on a fetcher thread: the request CloudFront would send (§6), failover within an
// origin group (§9), then storing by the TTL rules (§3, §4) and answering every waiter.
void Edge::fetch(std::shared_ptr<Job> job) {
  const auto& d = *job->dist->d;
  const auto& rules = *job->rules;
  const auto& b = *rules.behavior;
  const Request& q = job->request;

  std::vector<std::uint32_t> targets;
  std::vector<std::int64_t> failover_codes;
  if (b.target_is_group) {
    const auto& g = d.origin_groups[b.target_origin];
    targets = g.member_origins;
    failover_codes = g.failover_status_codes;
  } else {
    targets = {b.target_origin};
  }
  const bool may_fail_over = q.method == "GET" || q.method == "HEAD" || q.method == "OPTIONS";

  OriginResult result;
  std::string failure;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const model::Origin& o = d.origins[targets[i]];
    OriginAddress to;
    if (auto it = options_.origins.find(o.id); it != options_.origins.end()) {
      to = it->second;
    } else if (auto it2 = options_.origins.find(o.domain_name); it2 != options_.origins.end()) {
      to = it2->second;
    } else if (o.protocol_policy == "https-only" || o.s3) {
      result.kind = OriginResult::Kind::kConnectFailed;
      result.error = "origin `" + o.id + "` (" + o.domain_name +
                     ") needs HTTPS or is S3; point it at a local server with --origin " + o.id +
                     "=HOST:PORT";
      continue;
    } else {
      to.host = o.domain_name;
      to.port = static_cast<std::uint16_t>(o.http_port);
    }
    // The origin request.
    Headers h;
    bool host_forwarded = false, ua_forwarded = false;
    for (const auto& x : q.headers) {
      if (never_forwarded(x.name) || iequals(x.name, "Cookie") || iequals(x.name, "Accept-Encoding"))
        continue;
      const bool fwd = included(rules.key_headers, x.name, true) ||
                       included(rules.fwd_headers, x.name, true);
      if (!fwd) continue;
      if (iequals(x.name, "User-Agent")) ua_forwarded = true;
      h.push_back(x);
    }
    if (const Header* host = find_header(q.headers, "Host");
        host && (included(rules.key_headers, "Host", true) || included(rules.fwd_headers, "Host", true))) {
      h.insert(h.begin(), {"Host", host->value});
      host_forwarded = true;
    }
    if (!host_forwarded) h.insert(h.begin(), {"Host", o.domain_name});
    if (!ua_forwarded) h.push_back({"User-Agent", "Amazon CloudFront"});
    if (auto cookies = joined_header(q.headers, "Cookie")) {
      std::vector<std::string> kept;
      for (const auto& c : split_cookies(*cookies))
        if (included(rules.key_cookies, c.name, false) || included(rules.fwd_cookies, c.name, false))
          kept.emplace_back(c.text);
      std::sort(kept.begin(), kept.end());  // §5: forwarded cookies sorted by name
      std::string v;
      for (const auto& c : kept) v += (v.empty() ? "" : "; ") + c;
      if (!v.empty()) h.push_back({"Cookie", v});
    }
    if (rules.gzip || rules.brotli) {
      // §5: the normalised value, or identity when the viewer accepts neither.
      h.push_back({"Accept-Encoding", job->accept_encoding.empty() ? std::string("identity")
                                                                   : std::string(job->accept_encoding)});
    } else if (const Header* x = find_header(q.headers, "Accept-Encoding");
               x && included(rules.fwd_headers, "Accept-Encoding", true)) {
      h.push_back(*x);
    }
    std::string xff = job->viewer.address;
    if (auto prior = joined_header(q.headers, "X-Forwarded-For")) xff = *prior + ", " + xff;
    remove_header(h, "X-Forwarded-For");
    h.push_back({"X-Forwarded-For", xff});
    h.push_back({"Via", "2.0 " + via_host(pop_tiers_[job->pop]->name) + " (CloudFront)"});
    h.push_back({"X-Amz-Cf-Id", job->id});
    for (const auto& c : o.custom_headers) set_header(h, c.name, c.value);
    if (job->stale) {
      if (!job->stale->etag.empty()) h.push_back({"If-None-Match", job->stale->etag});
      if (!job->stale->last_modified.empty()) h.push_back({"If-Modified-Since", job->stale->last_modified});
    } else if (!job->cacheable) {
      for (const char* c : {"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since",
                            "If-Range", "Range"})
        if (const Header* x = find_header(q.headers, c)) h.push_back(*x);
    }
    if (!q.body.empty() || q.method == "POST" || q.method == "PUT" || q.method == "PATCH")
      h.push_back({"Content-Length", std::to_string(q.body.size())});
    h.push_back({"Connection", "keep-alive"});
    // The query string forwarded: what the cache and origin request policies include.
    std::string target = o.path + q.path;
    if (q.has_query) {
      if (rules.key_query.behavior == "all" || rules.fwd_query.behavior == "all") {
        target += "?" + q.query;
      } else {
        std::string fq;
        for (const auto& p : split_query(q.query))
          if (included(rules.key_query, p.name, false) || included(rules.fwd_query, p.name, false))
            fq += (fq.empty() ? "" : "&") + std::string(p.text);
        if (!fq.empty()) target += "?" + fq;
      }
    }
    OriginTimeouts t;
    t.connection_attempts = static_cast<int>(o.connection_attempts);
    t.connect = std::chrono::milliseconds(static_cast<long>(o.connection_timeout * 1000 * options_.timeout_scale));
    t.read = std::chrono::milliseconds(static_cast<long>(o.read_timeout * 1000 * options_.timeout_scale));
    t.keepalive = std::chrono::milliseconds(static_cast<long>(o.keepalive_timeout * 1000));
    ++origin_requests_;
    result = pool_.send(to, t, q.method, write_request(q.method, target, h, q.body));
    const bool failed = result.kind != OriginResult::Kind::kResponse ||
                        std::find(failover_codes.begin(), failover_codes.end(),
                                  result.response.status) != failover_codes.end();
    if (!(failed && may_fail_over && i + 1 < targets.size())) break;
  }

  const double now = now_seconds();
  std::shared_ptr<CachedObject> object;
  std::string x_cache = "Miss";
  std::string layer;
  std::string tier_name;
  std::string rule;
  bool store = false;
  bool collapse_ok = true;
  if (result.kind != OriginResult::Kind::kResponse) {
    const int status = result.kind == OriginResult::Kind::kTimeout ? 504 : 502;
    if (job->stale && may_serve_stale(*job->stale)) {
      // An expired object and no origin: the stale object (§4).
      object = std::make_shared<CachedObject>(*job->stale);
      x_cache = "Hit";
      rule = "stale: the origin failed (" + result.error + ")";
    } else {
      ReplyContext ctx{pop_tiers_[job->pop]->name, job->id, job->rules, &job->key, options_.explain};
      Reply r = error_reply(status, std::string(error_page(status)) + " " + result.error, ctx);
      finish(job, std::move(r));
      return;
    }
  } else {
    Response& resp = result.response;
    if (resp.status == 304 && job->stale) {
      // §3: a 304 refreshes the stored copy.
      object = std::make_shared<CachedObject>(*job->stale);
      for (const auto& h : resp.headers) {
        // RFC 9111 §3.2: a 304 does not replace the content's own fields.
        if (hop_by_hop(h.name) || iequals(h.name, "Content-Length") ||
            iequals(h.name, "Content-Encoding") || iequals(h.name, "Content-Range") ||
            iequals(h.name, "Content-MD5") || iequals(h.name, "ETag"))
          continue;
        set_header(object->headers, h.name, h.value);
      }
      const auto choice = choose_ttl(rules.ttl,
                                     object->status, object->headers, std::nullopt,
                                     static_cast<std::int64_t>(now));
      object->stored_at = now;
      object->initial_age = 0;
      object->ttl = choice.ttl;
      object->ttl_rule = choice.rule + " (refreshed by 304)";
      rule = object->ttl_rule;
      store = job->cacheable;
      x_cache = "RefreshHit";
    } else if (resp.status >= 500 && job->stale && may_serve_stale(*job->stale)) {
      object = std::make_shared<CachedObject>(*job->stale);
      x_cache = "Hit";
      rule = "stale: the origin answered " + std::to_string(resp.status);
    } else {
      object = std::make_shared<CachedObject>();
      object->status = resp.status;
      object->reason = resp.reason;
      // RFC 9110 §7.6.1: the headers the Connection header names are hop-by-hop too.
      std::vector<std::string> listed;
      if (auto c = joined_header(resp.headers, "Connection")) {
        std::string_view v = *c;
        while (!v.empty()) {
          auto comma = v.find(',');
          std::string_view t = v.substr(0, comma);
          while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
          while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
          if (!t.empty()) listed.emplace_back(t);
          if (comma == std::string_view::npos) break;
          v.remove_prefix(comma + 1);
        }
      }
      // Age (RFC 9111 §5.1): one non-negative integer; anything else (a list, two lines, a
      // fraction, a suffix) makes the object count as stale.
      int ages = 0;
      for (const auto& h : resp.headers) ages += iequals(h.name, "Age");
      // A HEAD's answer keeps the length the origin declared (RFC 9110 §8.6).
      if (q.method == "HEAD") {
        object->head_length = 0;
        if (const Header* cl = find_header(resp.headers, "Content-Length")) {
          std::size_t n = 0;
          const char* end = cl->value.data() + cl->value.size();
          const auto parsed = std::from_chars(cl->value.data(), end, n);
          if (parsed.ec == std::errc() && parsed.ptr == end) object->head_length = n;
        }
      }
      for (auto& h : resp.headers) {
        if (hop_by_hop(h.name) || iequals(h.name, "Content-Length")) continue;
        if (std::any_of(listed.begin(), listed.end(), [&](const std::string& n) { return iequals(n, h.name); }))
          continue;
        object->headers.push_back(std::move(h));
      }
      if (!find_header(object->headers, "Date"))
        object->headers.push_back({"Date", http_date(static_cast<std::time_t>(now))});
      object->body = std::move(resp.body);
      object->distribution = d.id;
      object->path_and_query = q.target;
      object->stored_at = now;
      if (const Header* a = find_header(object->headers, "Age")) {
        const std::string& v = a->value;
        if (ages == 1 && !v.empty() && v.size() < 10 && std::all_of(v.begin(), v.end(), ::isdigit))
          object->initial_age = std::stod(v);
        else
          object->initial_age = 1e12;  // unparseable: stale from the start
      }
      if (const Header* e = find_header(object->headers, "ETag")) object->etag = e->value;
      if (const Header* l = find_header(object->headers, "Last-Modified")) object->last_modified = l->value;
      std::optional<std::int64_t> error_min;
      for (const auto& e : d.custom_error_responses)
        if (e.error_code == resp.status && e.error_caching_min_ttl) error_min = e.error_caching_min_ttl;
      const auto choice = choose_ttl(rules.ttl,
                                     object->status, object->headers, error_min,
                                     static_cast<std::int64_t>(now));
      object->ttl = choice.ttl;
      collapse_ok = choice.collapse;
      object->stale_while_revalidate = choice.swr;
      object->stale_if_error = choice.sie;
      object->error_response = choice.error;
      object->ttl_rule = choice.rule;
      rule = choice.rule;
      // §12: compressed at the edge when the behaviour compresses, the viewer accepts it (the
      // normalised Accept-Encoding is in the key), and the type and size qualify; Brotli first.
      if (b.compress && !job->accept_encoding.empty() && q.method != "HEAD") {
        const Header* type = find_header(object->headers, "Content-Type");
        if (compressible(type ? std::string_view(type->value) : std::string_view(),
                         object->body.size(), find_header(object->headers, "Content-Encoding") != nullptr)) {
          const bool br = job->accept_encoding.starts_with("br");
          if (auto packed = br ? brotli_compress(object->body) : gzip_compress(object->body)) {
            object->body = std::move(*packed);
            object->headers.push_back({"Content-Encoding", br ? "br" : "gzip"});
            if (auto vary = joined_header(object->headers, "Vary")) {
              if (lower(*vary).find("accept-encoding") == std::string::npos)
                set_header(object->headers, "Vary", *vary + ", Accept-Encoding");
            } else {
              object->headers.push_back({"Vary", "Accept-Encoding"});
            }
            remove_header(object->headers, "ETag");  // the origin's validator names other bytes
            object->etag.clear();
          }
        }
      }
      // A body cut short by the origin (Content-Length mismatch, chunked cut) is not cached (§4).
      store = job->cacheable && choice.store && resp.complete;
      // §3: `Vary: *` is stored but never reused: every request goes to the origin.
      if (auto vary = joined_header(object->headers, "Vary"); vary && vary->find('*') != std::string::npos)
        store = false;
      if (resp.status >= 400) x_cache = "Error";
    }
  }
  if (store) {
    for (Tier* t : job->tiers) t->store->put(job->key, object);
  }
  if (x_cache == "RefreshHit") ++job->tiers.front()->stats.refresh_hits;
  if (x_cache == "Error") ++job->tiers.front()->stats.errors;

  std::shared_ptr<const CachedObject> shared = object;
  const auto respond = [&](const Request& req, std::size_t pop, const std::string& id, bool collapsed,
                           Done& done) {
    ReplyContext ctx{pop_tiers_[pop]->name, id, job->rules, &job->key, options_.explain};
    if (const Header* e = find_header(req.headers, "X-Cloudtwin-Explain")) ctx.explain = e->value != "0";
    Reply r = object_reply(req, shared, collapsed || (x_cache != "Miss" && x_cache != "Error"), now);
    std::string xc = collapsed && x_cache == "Miss" ? "Hit" : x_cache;  // §8: the others log Hit
    if (job->rules->response_policy) apply_response_policy(r, *job->rules->response_policy, req);
    add_edge_headers(r, ctx, xc, collapsed ? job->tiers.back()->layer : layer,
                     collapsed ? job->tiers.back()->name : tier_name, rule, collapsed);
    done(std::move(r));
  };
  if (job->flight.empty()) {
    respond(q, job->pop, job->id, false, job->done);
    return;
  }
  std::shared_ptr<Flight> flight;
  {
    std::lock_guard lock(flights_mutex_);
    auto it = flights_.find(job->flight);
    flight = it->second;
    flights_.erase(it);
  }
  for (auto& w : flight->waiters) {
    if (collapse_ok || !w.collapsed) {
      respond(w.request, w.pop, w.id, w.collapsed, w.done);
      continue;
    }
    // §8: a response that must not be shared (MinTTL 0 with private, no-store, no-cache,
    // max-age=0 or s-maxage=0): each paused request goes to the origin itself.
    auto own = std::make_shared<Job>(*job);
    own->flight.clear();
    own->request = std::move(w.request);
    own->pop = w.pop;
    own->id = w.id;
    own->done = std::move(w.done);
    own->tiers.front() = pop_tiers_[w.pop].get();
    submit([this, own] { fetch(own); });
  }
}

void Edge::finish(const std::shared_ptr<Job>& job, Reply reply) {
  if (job->flight.empty()) {
    job->done(std::move(reply));
    return;
  }
  std::shared_ptr<Flight> flight;
  {
    std::lock_guard lock(flights_mutex_);
    auto it = flights_.find(job->flight);
    flight = it->second;
    flights_.erase(it);
  }
  for (auto& w : flight->waiters) {
    Reply r = reply;
    set_header(r.headers, "X-Amz-Cf-Id", w.id);
    w.done(std::move(r));
  }
}

// ---- invalidation and statistics ---------------------------------------------------------------------

long Edge::invalidate(std::string_view distribution, const std::vector<std::string>& paths,
                      std::string& error) {
  auto config = config_.load();
  const model::Distribution* d = nullptr;
  for (const auto& dc : config->dists) {
    const auto& x = *dc.d;
    if (x.id == distribution || x.name == distribution || iequals(x.domain_name, distribution) ||
        std::any_of(x.aliases.begin(), x.aliases.end(), [&](const std::string& a) { return iequals(a, distribution); }))
      d = &x;
  }
  if (!d) {
    error = "no distribution `" + std::string(distribution) + "` in this network";
    return -1;
  }
  for (const auto& p : paths) {
    if (p.empty() || p.front() != '/') {
      error = "invalidation path `" + p + "` must begin with /";
      return -1;
    }
    const auto star = p.find('*');
    if (star != std::string::npos && star + 1 != p.size()) {
      error = "invalidation path `" + p + "` may have * only as its last character";
      return -1;
    }
  }
  const std::string id = d->id;
  const auto match = [&](const std::string&, const CachedObject& o) {
    if (o.distribution != id) return false;
    for (const auto& p : paths) {
      if (p.back() == '*') {
        if (std::string_view(o.path_and_query).starts_with(std::string_view(p).substr(0, p.size() - 1)))
          return true;
      } else {
        std::string_view path = o.path_and_query;
        path = path.substr(0, path.find('?'));
        if (path == p || o.path_and_query == p) return true;
      }
    }
    return false;
  };
  long removed = 0;
  for (auto& t : pop_tiers_) removed += static_cast<long>(t->store->erase_if(match));
  std::lock_guard lock(tiers_mutex_);
  for (auto& [n, t] : recs_) removed += static_cast<long>(t->store->erase_if(match));
  for (auto& [n, t] : shields_) removed += static_cast<long>(t->store->erase_if(match));
  return removed;
}

std::string Edge::stats_json() const {
  std::ostringstream out;
  out << "{\"requests\":" << requests_ << ",\"origin_requests\":" << origin_requests_
      << ",\"collapsed\":" << collapsed_ << ",\"origin_connections\":" << pool_.connections_opened()
      << ",\"tiers\":[";
  bool first = true;
  const auto tier = [&](const Tier& t) {
    const auto hits = t.stats.hits.load(), misses = t.stats.misses.load();
    out << (first ? "" : ",") << "{\"name\":\"" << t.name << "\",\"layer\":\"" << t.layer
        << "\",\"hits\":" << hits << ",\"misses\":" << misses
        << ",\"refresh_hits\":" << t.stats.refresh_hits << ",\"errors\":" << t.stats.errors
        << ",\"objects\":" << t.store->objects() << ",\"bytes\":" << t.store->bytes() << "}";
    first = false;
  };
  for (const auto& t : pop_tiers_) tier(*t);
  {
    std::lock_guard lock(const_cast<std::mutex&>(tiers_mutex_));
    for (const auto& [n, t] : recs_) tier(*t);
    for (const auto& [n, t] : shields_) tier(*t);
  }
  out << "]}";
  return out.str();
}

std::string Edge::metrics_text() const {
  std::ostringstream out;
  out << "# HELP cloudtwin_cdn_requests_total Viewer requests.\n# TYPE cloudtwin_cdn_requests_total counter\n"
      << "cloudtwin_cdn_requests_total " << requests_ << "\n"
      << "# HELP cloudtwin_cdn_origin_requests_total Requests sent to origins.\n"
      << "# TYPE cloudtwin_cdn_origin_requests_total counter\n"
      << "cloudtwin_cdn_origin_requests_total " << origin_requests_ << "\n"
      << "# HELP cloudtwin_cdn_collapsed_total Requests that waited for another's origin fetch.\n"
      << "# TYPE cloudtwin_cdn_collapsed_total counter\n"
      << "cloudtwin_cdn_collapsed_total " << collapsed_ << "\n"
      << "# HELP cloudtwin_cdn_tier_hits_total Hits per cache tier.\n# TYPE cloudtwin_cdn_tier_hits_total counter\n";
  const auto tier = [&](const Tier& t) {
    out << "cloudtwin_cdn_tier_hits_total{tier=\"" << t.name << "\"} " << t.stats.hits << "\n";
  };
  for (const auto& t : pop_tiers_) tier(*t);
  std::lock_guard lock(const_cast<std::mutex&>(tiers_mutex_));
  for (const auto& [n, t] : recs_) tier(*t);
  for (const auto& [n, t] : shields_) tier(*t);
  return out.str();
}

}  // namespace cloudtwin::cdn
