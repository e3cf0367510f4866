// `cloudtwin serve cdn NETWORK... --listen ADDR:PORT [--pop NAME=ADDR:PORT]... [--admin ADDR:PORT]`:
// the network's CloudFront distributions as a real HTTP edge (src/cdn), one cache per edge
// location, regional edge caches and Origin Shields behind them; and the client verbs of its admin
// endpoint, `cloudtwin cdn invalidate` and `cloudtwin cdn stats`. One log line per start, reload
// and error; SIGHUP (or a changed input) reloads, keeping the caches of distributions whose
// cache-key rules did not change; SIGTERM stops.
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "cloudtwin/cdn/edge.h"
#include "cloudtwin/cdn/http.h"
#include "cloudtwin/cdn/server.h"
#include "cloudtwin/dns/metrics_endpoint.h"
#include "cloudtwin/dns/server.h"
#include "admin_client.h"
#include "commands.h"

namespace cloudtwin::cli {

namespace {

namespace fs = std::filesystem;

struct ServeCdnOptions {
  NetworkOptions network;
  std::vector<std::string> listen;
  std::vector<std::string> pops;     // NAME=ADDR:PORT
  std::vector<std::string> origins;  // ID-OR-DOMAIN=HOST:PORT
  std::string admin;
  std::string metrics;
  unsigned threads = 0;
  bool explain = false;
  double timeout_scale = 1.0;
  std::size_t cache_mib = 256;
  std::string access_log;
};

void log_line(const std::string& text) { server_log("serve cdn", text); }

std::shared_ptr<const model::Network> load(const ServeCdnOptions& o, bool print_warnings) {
  auto network = std::make_shared<model::Network>();
  Diagnostics diagnostics;
  if (!load_or_report(o.network, *network, diagnostics, print_warnings)) return nullptr;
  malloc_trim(0);
  return network;
}

std::string summary(const model::Network& n) {
  std::string names;
  for (const auto& d : n.distributions) {
    names += (names.empty() ? "" : ", ") + d.id;
    if (!d.aliases.empty()) names += " (" + d.aliases.front() + ")";
  }
  return std::to_string(n.distributions.size()) + " distribution(s): " + names;
}

std::optional<cdn::Listen> listen_at(const std::string& text, std::size_t pop, bool admin,
                                     std::string& error) {
  auto e = dns::parse_endpoint(text, error);
  if (!e) return std::nullopt;
  cdn::Listen l;
  l.address = e->address;
  l.length = e->length;
  l.text = text;
  l.pop = pop;
  l.admin = admin;
  return l;
}

// "HOST:PORT" or "[V6]:PORT" as an origin address.
std::optional<cdn::OriginAddress> origin_at(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) return std::nullopt;
  cdn::OriginAddress a;
  a.host = text.substr(0, colon);
  if (a.host.size() >= 2 && a.host.front() == '[' && a.host.back() == ']')
    a.host = a.host.substr(1, a.host.size() - 2);
  try {
    std::size_t used = 0;
    const int port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port <= 0 || port > 65535) return std::nullopt;
    a.port = static_cast<std::uint16_t>(port);
  } catch (...) {
    return std::nullopt;
  }
  if (a.host.empty()) return std::nullopt;
  return a;
}

int serve(ServeCdnOptions& o) {
  if (o.listen.empty() && o.pops.empty()) o.listen.push_back("127.0.0.1:8080");
  cdn::EdgeOptions edge_options;
  edge_options.pops.clear();
  cdn::ServerOptions server_options;
  std::string error;
  if (!o.listen.empty()) {
    edge_options.pops.push_back({"IAD89-C1", ""});
    for (const auto& text : o.listen) {
      auto l = listen_at(text, 0, false, error);
      if (!l) return usage_error("--listen " + text + ": " + error, "e.g. --listen 127.0.0.1:8080");
      server_options.listen.push_back(*l);
    }
  }
  for (const auto& text : o.pops) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      return usage_error("--pop " + text + ": expected NAME=ADDR:PORT", "e.g. --pop FRA56-C1=127.0.0.1:8081");
    const std::size_t index = edge_options.pops.size();
    edge_options.pops.push_back({text.substr(0, eq), ""});
    auto l = listen_at(text.substr(eq + 1), index, false, error);
    if (!l) return usage_error("--pop " + text + ": " + error, "e.g. --pop FRA56-C1=127.0.0.1:8081");
    server_options.listen.push_back(*l);
  }
  if (!o.admin.empty()) {
    auto l = listen_at(o.admin, 0, true, error);
    if (!l) return usage_error("--admin " + o.admin + ": " + error, "e.g. --admin 127.0.0.1:8079");
    server_options.listen.push_back(*l);
  }
  for (const auto& text : o.origins) {
    const auto eq = text.find('=');
    std::optional<cdn::OriginAddress> a;
    if (eq != std::string::npos && eq > 0) a = origin_at(text.substr(eq + 1));
    if (!a) return usage_error("--origin " + text + ": expected ORIGIN=HOST:PORT", "e.g. --origin web=127.0.0.1:9000");
    edge_options.origins[text.substr(0, eq)] = *a;
  }
  std::optional<dns::Endpoint> metrics_at;
  if (!o.metrics.empty()) {
    metrics_at = dns::parse_endpoint(o.metrics, error);
    if (!metrics_at) return usage_error("--metrics: " + error, "e.g. --metrics 127.0.0.1:9154");
  }
  edge_options.explain = o.explain;
  edge_options.access_log = o.access_log;
  edge_options.timeout_scale = o.timeout_scale;
  edge_options.pop_bytes = o.cache_mib << 20;
  edge_options.rec_bytes = o.cache_mib << 22;
  edge_options.shield_bytes = o.cache_mib << 22;
  server_options.threads = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto loaded = InputSignature::of(o.network.paths);
  auto network = load(o, true);
  if (!network) return kExitBadInput;
  if (network->distributions.empty()) {
    return usage_error("the network has no CloudFront distribution to serve",
                       "give a template, plan, snapshot or YAML with AWS::CloudFront::Distribution / "
                       "aws_cloudfront_distribution / cloudfront_distributions");
  }
  // Origins that cannot be reached as written: say which --origin would serve them.
  for (const auto& d : network->distributions) {
    for (const auto& origin : d.origins) {
      if (edge_options.origins.contains(origin.id) || edge_options.origins.contains(origin.domain_name)) continue;
      if (origin.protocol_policy == "https-only" || origin.s3) {
        log_line("warning: origin " + origin.id + " of " + d.id + " (" + origin.domain_name +
                 ") is S3 or HTTPS-only; requests to it answer 502 until --origin " + origin.id +
                 "=HOST:PORT points it at a local server");
      }
    }
  }
  cdn::Edge edge(network, edge_options);
  if (!edge.access_log_ok()) {
    log_line("error: cannot open the access log " + o.access_log + ": " + std::strerror(errno));
    return kExitBadInput;
  }
  cdn::Server server(server_options, edge, log_line);
  if (!server.start(error)) {
    log_line("error: " + error);
    return kExitBadInput;
  }
  dns::MetricsEndpoint metrics;
  if (metrics_at && !metrics.start(*metrics_at, [&] { return edge.metrics_text(); }, error)) {
    log_line("error: " + error);
    server.stop();
    return kExitBadInput;
  }
  std::string where;
  const auto bound = server.bound();
  for (std::size_t i = 0; i < bound.size(); ++i) {
    const auto& l = server_options.listen[i];
    where += (where.empty() ? "" : ", ") + bound[i] +
             (l.admin ? " (admin)" : " (" + edge_options.pops[l.pop].name + ")");
  }
  log_line("serving " + summary(*network) + " on " + where + " with " +
           std::to_string(server_options.threads) + " thread(s)" +
           (metrics_at ? "; metrics on http://" + metrics.bound() + "/metrics" : ""));

  while (true) {
    timespec wait{1, 0};
    siginfo_t info{};
    const int sig = sigtimedwait(&signals, &info, &wait);
    if (sig == SIGTERM || sig == SIGINT) break;
    auto now = InputSignature::of(o.network.paths);
    if (sig != SIGHUP && now == loaded) continue;
    loaded = now;
    auto fresh = load(o, false);
    const char* why = sig == SIGHUP ? "SIGHUP" : "input changed";
    if (!fresh || fresh->distributions.empty()) {
      log_line(std::string("reload rejected (") + why + "): " +
               (fresh ? "no distribution left" : "the errors above") + "; still serving the previous network");
      continue;
    }
    edge.reload(fresh);
    log_line(std::string("reloaded (") + why + "): serving " + summary(*fresh));
  }
  metrics.stop();
  server.stop();
  log_line("stopped");
  return kExitOk;
}

// ---- the admin endpoint's clients ------------------------------------------------------------------

struct CdnClientOptions {
  std::vector<std::string> network;
  std::string admin;
  std::string distribution;
  std::vector<std::string> paths;
  bool json = false;
};

int invalidate(const CdnClientOptions& o) {
  for (const auto& p : o.paths) {
    // Invalidation.html: a path begins with / and may end with one *.
    const auto star = p.find('*');
    if (p.empty() || p.front() != '/' || (star != std::string::npos && star + 1 != p.size()))
      return usage_error("invalidation path `" + p + "` is not valid",
                         "a path begins with / and may have * only as its last character, e.g. /images/*");
  }
  std::string body = o.distribution + "\n";
  for (const auto& p : o.paths) body += p + "\n";
  std::string error;
  auto r = admin_call(o.admin, "POST", "/invalidate", body, error);
  if (!r) {
    std::cerr << "error: " << error << "\n";
    return kExitBadInput;
  }
  if (r->status != 200) {
    std::cerr << "error: the edge refused the invalidation: " << r->body;
    return kExitBadInput;
  }
  if (o.json) {
    std::cout << r->body;
  } else {
    const auto at = r->body.find("\"removed\":");
    std::cout << "invalidation of " << o.paths.size() << " path(s) on " << o.distribution
              << " completed: " << (at == std::string::npos ? "?" : r->body.substr(at + 10, r->body.find('}') - at - 10))
              << " cached object(s) removed from every tier\n";
  }
  return kExitOk;
}

int stats(const CdnClientOptions& o) {
  std::string error;
  auto r = admin_call(o.admin, "GET", "/stats", "", error);
  if (!r || r->status != 200) {
    std::cerr << "error: " << (r ? "the edge answered " + std::to_string(r->status) : error) << "\n";
    return kExitBadInput;
  }
  std::cout << r->body;
  return kExitOk;
}

}  // namespace

Runner add_serve_cdn(CLI::App& serve_cmd) {
  auto* cmd = serve_cmd.add_subcommand(
      "cdn", "Serve the network's CloudFront distributions as a real HTTP edge with CloudFront's caching rules");
  auto o = std::make_shared<ServeCdnOptions>();
  add_network_options(*cmd, o->network);
  cmd->add_option("--listen", o->listen,
                  "Address and port of the edge location IAD89-C1, ADDR:PORT or [V6]:PORT (repeatable; default "
                  "127.0.0.1:8080 unless --pop is given)");
  cmd->add_option("--pop", o->pops,
                  "Another edge location with its own cache, NAME=ADDR:PORT (e.g. FRA56-C1=127.0.0.1:8081); "
                  "its regional edge cache is chosen by the airport code (repeatable)");
  cmd->add_option("--origin", o->origins,
                  "Send an origin's requests to a local server, ORIGIN=HOST:PORT, ORIGIN being the origin's Id or "
                  "domain name (repeatable)");
  cmd->add_option("--admin", o->admin,
                  "Local admin endpoint on ADDR:PORT for `cloudtwin cdn invalidate` and `cdn stats`");
  cmd->add_option("--metrics", o->metrics, "Serve Prometheus metrics on ADDR:PORT at /metrics");
  cmd->add_option("--threads", o->threads, "Worker threads for viewer connections (default: one per core)");
  cmd->add_flag("--explain", o->explain,
                "Add X-Cloudtwin-Explain (behaviour, cache key, TTL rule, tier) and Server-Timing to every "
                "reply; a request can ask with the header X-Cloudtwin-Explain: 1");
  cmd->add_option("--timeout-scale", o->timeout_scale,
                  "Multiply origin connection and response timeouts by X (e.g. 0.01 in tests)")
      ->check(CLI::Range(0.0001, 100.0));
  cmd->add_option("--access-log", o->access_log,
                  "Append one line per viewer request to FILE in CloudFront's standard log format");
  cmd->add_option("--cache-size", o->cache_mib, "MiB of cache per edge location (regional caches get 4x)")
      ->check(CLI::Range(1, 1 << 20));
  return [o] { return serve(*o); };
}

Runner add_cdn_command(CLI::App& app) {
  auto* cdn_cmd = app.add_subcommand("cdn", "Talk to a running `serve cdn` edge (invalidate, stats)");
  cdn_cmd->require_subcommand(1);
  auto o = std::make_shared<CdnClientOptions>();
  auto* inv = cdn_cmd->add_subcommand(
      "invalidate", "Invalidate paths on every tier of a running edge (exit 0 once in force)");
  inv->add_option("network", o->network, "The network's files (optional; the edge knows its distributions)");
  inv->add_option("--admin", o->admin, "The edge's --admin ADDR:PORT")->required();
  inv->add_option("--distribution", o->distribution, "The distribution: id, name, alias or domain name")->required();
  inv->add_option("--paths", o->paths, "Paths to invalidate: /a/b.html, /images/* (* only at the end)")
      ->required()
      ->expected(1, -1);
  inv->add_flag("--json", o->json, "Print the edge's JSON answer");
  auto* st = cdn_cmd->add_subcommand("stats", "Hits, misses and objects per tier of a running edge, as JSON");
  st->add_option("--admin", o->admin, "The edge's --admin ADDR:PORT")->required();
  return [o, inv, st] {
    if (inv->parsed()) return invalidate(*o);
    if (st->parsed()) return stats(*o);
    return usage_error("cdn needs a verb", "cloudtwin cdn invalidate|stats --admin ADDR:PORT");
  };
}

}  // namespace cloudtwin::cli
