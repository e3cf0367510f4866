// The edge's request path: arbitrary bytes from a viewer, fed to the HTTP/1.1 parser in two
// chunks (the first byte picks the split), and every request it completes answered by an Edge
// (distribution by Host, behaviour, methods, cache key from policies that key query strings,
// headers and cookies, ranges, the tiers, custom error responses). The origin is HTTPS-only
// without --origin, so a miss is answered 502 at once, without a socket. Nothing may crash, and
// every request gets exactly one reply.
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "cloudtwin/cdn/edge.h"
#include "cloudtwin/cdn/http.h"
#include "cloudtwin/model/network.h"

namespace {

using namespace cloudtwin;

std::shared_ptr<model::Network> network() {
  auto n = std::make_shared<model::Network>();
  model::CachePolicy p;
  p.id = "keyed";
  p.min_ttl = 0;
  p.default_ttl = 60;
  p.max_ttl = 3600;
  p.query_strings = {"whitelist", {"v", "lang"}, {}};
  p.headers = {"whitelist", {"Accept-Language"}, {}};
  p.cookies = {"allExcept", {"session"}, {}};
  p.gzip = p.brotli = true;
  n->cache_policies.push_back(p);
  model::Distribution d;
  d.id = "EFUZZ";
  d.aliases = {"www.example.com"};
  d.default_root_object = "index.html";
  model::Origin o;
  o.id = "web";
  o.domain_name = "web.example.com";
  o.protocol_policy = "https-only";
  d.origins.push_back(o);
  d.default_behavior.target_origin_id = "web";
  d.default_behavior.cache_policy.text = "keyed";
  d.default_behavior.compress = true;
  model::CacheBehavior api = d.default_behavior;
  api.path_pattern = "/api/*";
  api.allowed_methods = 127;
  api.cache_policy.text = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
  d.behaviors.push_back(api);
  model::CacheBehavior images = d.default_behavior;
  images.path_pattern = "images/*.jp?g";
  images.cache_policy.text = "658327ea-f89d-4fab-a63d-7e88639e58f6";
  d.behaviors.push_back(images);
  model::CustomErrorResponse e;
  e.error_code = 502;
  e.response_code = 503;
  e.response_page_path = "/errors/502.html";
  d.custom_error_responses.push_back(e);
  n->distributions.push_back(d);
  Diagnostics diagnostics;
  if (!model::finalize(*n, diagnostics)) std::abort();
  return n;
}

cdn::Edge& edge() {
  static cdn::Edge* e = [] {
    cdn::EdgeOptions o;
    o.pops = {{"IAD89-C1", ""}, {"FRA56-C1", ""}};
    o.fetchers = 1;
    return new cdn::Edge(network(), o);
  }();
  return *e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = 1 + data[0] % 64;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  cdn::RequestParser parser;
  std::string pending;
  const auto feed = [&](std::string_view chunk) {
    pending.append(chunk);
    for (int guard = 0; guard < 64 && !parser.failed(); ++guard) {
      const std::size_t used = parser.feed(pending.data(), pending.size());
      pending.erase(0, used);
      if (!parser.ready()) break;
      cdn::Request q = parser.next();
      std::promise<cdn::Reply> reply;
      auto answered = reply.get_future();
      edge().handle(data[0] & 1, std::move(q), cdn::Viewer{"192.0.2.7", false},
                    [&reply](cdn::Reply r) { reply.set_value(std::move(r)); });
      const cdn::Reply r = answered.get();
      if (r.status < 100 || r.status > 599) std::abort();
      (void)r.body_view();
    }
  };
  feed(std::string_view(input).substr(0, std::min(split, input.size())));
  if (split < input.size()) feed(std::string_view(input).substr(split));
  return 0;
}
