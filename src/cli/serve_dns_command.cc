// `cloudtwin serve dns NETWORK... --listen ADDR:PORT...`: the network's public hosted zones
// answered over real DNS. Reloads on SIGHUP and when an input file changes (a bad reload is
// rejected with its located errors and the old zones keep serving); stops on SIGTERM/SIGINT.
// Logs one line per start, reload, rejected reload and stop on stderr.
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "cloudtwin/dns/metrics_endpoint.h"
#include "cloudtwin/dns/health_checker.h"
#include "cloudtwin/dns/server.h"
#include "cloudtwin/dns/zone_store.h"
#include "commands.h"

namespace cloudtwin::cli {

namespace {

namespace fs = std::filesystem;

struct ServeDnsOptions {
  NetworkOptions network;
  std::vector<std::string> listen;
  unsigned threads = 0;
  std::string metrics;
  unsigned rrl = 0;
  bool private_zones = false;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> health;  // ID=healthy|unhealthy
  std::string geoip;
  double health_interval_scale = 1.0;
  bool explain = false;
  std::string latency_table;
  std::vector<std::string> vpc_listen;  // VPC=ADDR:PORT
  std::vector<std::string> vpc_source;  // CIDR=VPC
  std::vector<std::string> vpcs;        // the VPCs both name, checked against each load
};

void log_line(const std::string& text) { server_log("serve dns", text); }

std::string summary(const dns::ZoneStore& z) {
  char memory[32];
  std::snprintf(memory, sizeof memory, "%.1f MiB", static_cast<double>(z.memory_bytes()) / (1 << 20));
  return std::to_string(z.zones.size()) + " zone(s), " + std::to_string(z.records) + " record(s) in " + memory;
}

// The compiled zones and the health checkers of one load of the network.
struct Built {
  std::shared_ptr<const dns::ZoneStore> zones;
  std::shared_ptr<dns::HealthChecker> checker;
};

// Loads and compiles; no zones after printing the errors. Then gives the memory the network held
// back to the system: the server keeps only the compiled zones and the checkers' targets.
Built build(const ServeDnsOptions& o, bool print_warnings) {
  Built out;
  {
    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(o.network, network, diagnostics, print_warnings)) return out;
    Diagnostics compile;
    dns::CompileOptions options;
    options.private_zones = o.private_zones;
    if (!parse_health_overrides(o.health, options.health)) return out;
    auto zones = dns::compile_zones(network, compile, options);
    bool failed = false;
    for (const auto& d : compile.items()) {
      failed = failed || d.severity == Severity::kError;
      if (d.severity == Severity::kError || (print_warnings && !o.network.quiet)) std::cerr << d.str() << "\n";
    }
    if (failed) return out;
    // The VPCs queries come from must be the network's (or named by a private zone's association).
    for (const auto& vpc : o.vpcs) {
      if (network.find(vpc, model::Kind::kVpc) || zones->view_of(vpc) != dns::kNoView) {
        const auto index = network.find(vpc, model::Kind::kVpc);
        if (index && !network.vpcs[*index].enable_dns_support && print_warnings && !o.network.quiet) {
          std::cerr << "warning: VPC " << vpc
                    << " has enableDnsSupport false: its Amazon resolver would not answer; served anyway\n";
        }
        continue;
      }
      std::string known;
      for (const auto& v : network.vpcs) known += (known.empty() ? "" : ", ") + v.id;
      std::cerr << "error: no VPC `" << vpc << "` in the network (--vpc-listen, --vpc-source)\n  hint: name one by id or name: "
                << (known.empty() ? "the network has none" : known) << "\n";
      return out;
    }
    dns::HealthCheckerOptions checking;
    checking.interval_scale = o.health_interval_scale;
    checking.forced = options.health;
    out.checker = std::make_shared<dns::HealthChecker>(network, checking, log_line);
    out.zones = std::move(zones);
  }
  malloc_trim(0);
  return out;
}

int serve(ServeDnsOptions& o) {
  if (o.listen.empty() && o.vpc_listen.empty()) o.listen.push_back("127.0.0.1:5300");
  dns::ServerOptions options;
  for (const auto& text : o.listen) {
    std::string error;
    auto e = dns::parse_endpoint(text, error);
    if (!e) return usage_error("--listen: " + error, "e.g. --listen 127.0.0.1:5300 --listen [::1]:5300");
    options.listen.push_back(*e);
  }
  // --vpc-listen VPC=ADDR:PORT: an address of the VPC's resolver; --vpc-source CIDR=VPC.
  for (const auto& text : o.vpc_listen) {
    const auto eq = text.find('=');
    std::string error = "expected VPC=ADDR:PORT";
    std::optional<dns::Endpoint> e;
    if (eq != std::string::npos && eq > 0) e = dns::parse_endpoint(text.substr(eq + 1), error);
    if (!e) return usage_error("--vpc-listen " + text + ": " + error, "e.g. --vpc-listen vpc-0a1b=127.0.0.2:5300");
    e->vpc = text.substr(0, eq);
    o.vpcs.push_back(e->vpc);
    options.listen.push_back(*e);
  }
  for (const auto& text : o.vpc_source) {
    const auto eq = text.find('=');
    std::optional<Prefix> prefix;
    if (eq != std::string::npos) prefix = Prefix::parse(text.substr(0, eq));
    if (!prefix || eq + 1 >= text.size())
      return usage_error("--vpc-source " + text + ": expected CIDR=VPC", "e.g. --vpc-source 127.0.0.0/8=vpc-0a1b");
    options.vpc_sources.push_back({dns::cidr_block(*prefix), text.substr(eq + 1)});
    o.vpcs.push_back(text.substr(eq + 1));
  }
  std::optional<dns::Endpoint> metrics_at;
  if (!o.metrics.empty()) {
    std::string error;
    metrics_at = dns::parse_endpoint(o.metrics, error);
    if (!metrics_at) return usage_error("--metrics: " + error, "e.g. --metrics 127.0.0.1:9153");
  }
  options.threads = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  options.rrl = o.rrl;
  options.seed = o.seed;
  options.explain = o.explain;
  PolicyData data;
  if (!data.open(o.geoip, o.latency_table)) return kExitBadInput;
  options.geo = data.geo();
  options.latency = data.latency();

  // Signals are taken by this thread only: block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto loaded = InputSignature::of(o.network.paths);
  Built built = build(o, true);
  auto zones = built.zones;
  if (!zones) return kExitBadInput;
  if (zones->zones.empty()) {
    return usage_error("the network has no " + std::string(o.private_zones ? "" : "public ") + "hosted zone to serve",
                       "give a zone file, a template or plan with AWS::Route53::HostedZone / aws_route53_zone, or "
                       "route53 answers in a snapshot");
  }
  dns::Server server(options, zones, log_line);
  std::string error;
  if (!server.start(error)) {
    log_line("error: " + error);
    return kExitBadInput;
  }
  dns::MetricsEndpoint metrics;
  const auto publish = [&](const dns::ZoneStore& z) {
    server.metrics().zones = z.zones.size();
    server.metrics().records = z.records;
  };
  publish(*zones);
  // The checkers a scrape reports: replaced on reload, kept alive by the scrape that reads them.
  std::atomic<std::shared_ptr<dns::HealthChecker>> checking{built.checker};
  const auto render = [&] {
    auto c = checking.load();
    return server.metrics().render() + (c ? c->render_metrics() : "");
  };
  if (metrics_at && !metrics.start(*metrics_at, render, error)) {
    log_line("error: " + error);
    server.stop();
    return kExitBadInput;
  }
  std::string where;
  const auto bound = server.bound();
  for (std::size_t i = 0; i < bound.size(); ++i) {
    where += (where.empty() ? "" : ", ") + bound[i];
    if (!options.listen[i].vpc.empty()) where += " (inside " + options.listen[i].vpc + ")";
  }
  log_line("serving " + summary(*zones) + " on " + where + " (udp, tcp) with " + std::to_string(options.threads) +
           " thread(s)" + (metrics_at ? "; metrics on http://" + metrics.bound() + "/metrics" : "") +
           (built.checker->endpoints() ? "; probing " + std::to_string(built.checker->endpoints()) + " health check(s)" : ""));
  built.checker->start([&server](auto states) { server.set_health(std::move(states)); });

  while (true) {
    timespec wait{1, 0};
    siginfo_t info{};
    int sig = sigtimedwait(&signals, &info, &wait);
    if (sig == SIGTERM || sig == SIGINT) break;
    auto now = InputSignature::of(o.network.paths);
    if (sig != SIGHUP && now == loaded) continue;
    loaded = now;
    Built next = build(o, false);
    auto fresh = next.zones;
    auto& m = server.metrics();
    if (!fresh) {
      m.reload_failures.fetch_add(1);
      log_line(std::string("reload rejected (") + (sig == SIGHUP ? "SIGHUP" : "input changed") +
               "): the errors above; still serving " + summary(*server.zones()));
      continue;
    }
    built.checker->stop();  // the new network's checks start over from "healthy" (route53.md §5)
    server.swap(fresh);
    built = std::move(next);
    checking.store(built.checker);
    built.checker->start([&server](auto states) { server.set_health(std::move(states)); });
    publish(*fresh);
    m.reloads.fetch_add(1);
    log_line(std::string("reloaded (") + (sig == SIGHUP ? "SIGHUP" : "input changed") + "): serving " + summary(*fresh));
  }
  built.checker->stop();
  metrics.stop();
  server.stop();
  log_line("stopped");
  return kExitOk;
}

}  // namespace

Runner add_serve_command(CLI::App& app) {
  auto* serve_cmd = app.add_subcommand("serve", "Serve the network over real protocols (dns, cdn, bgp)");
  serve_cmd->require_subcommand(1);
  auto* cmd = serve_cmd->add_subcommand(
      "dns", "Answer DNS queries for the network's public hosted zones as Route 53 would (UDP and TCP)");
  auto o = std::make_shared<ServeDnsOptions>();
  add_network_options(*cmd, o->network);
  cmd->add_option("--listen", o->listen,
                  "Address and port to answer on, ADDR:PORT or [V6]:PORT (repeatable; default 127.0.0.1:5300)");
  cmd->add_option("--vpc-listen", o->vpc_listen,
                  "Also answer on ADDR:PORT as the Amazon resolver inside VPC (id or name): its private hosted "
                  "zones first, VPC=ADDR:PORT (repeatable)");
  cmd->add_option("--vpc-source", o->vpc_source,
                  "Queries from CIDR come from inside VPC (id or name), CIDR=VPC; the longest prefix wins "
                  "(repeatable)");
  cmd->add_option("--threads", o->threads, "UDP worker threads (default: one per core)");
  cmd->add_option("--metrics", o->metrics, "Serve Prometheus metrics on ADDR:PORT at /metrics");
  cmd->add_option("--rrl", o->rrl,
                  "Response rate limit: responses per second per client /24 (IPv6 /56); 0 = off (default)");
  cmd->add_flag("--private-zones", o->private_zones,
                "Answer every query from the private hosted zones too, as if it came from inside all their VPCs");
  cmd->add_option("--seed", o->seed,
                  "Seed the weighted and multivalue draws (worker N draws from SEED + N): runs repeat");
  cmd->add_option("--health", o->health,
                  "Force a health check's state, ID=healthy or ID=unhealthy (by id or name; repeatable)");
  cmd->add_option("--health-interval-scale", o->health_interval_scale,
                  "Multiply health checks' RequestInterval (10 or 30 s) by X, e.g. 0.01 to see failover in "
                  "a fraction of a second; thresholds still count consecutive probes")
      ->check(CLI::Range(0.001, 1000.0));
  cmd->add_option("--latency-table", o->latency_table,
                  "Measured latencies for latency routing, lines of `CLIENT-PREFIX, REGION, MS` (the most specific "
                  "prefix holding the client decides); default: great-circle distance")
      ->type_name("FILE");
  cmd->add_flag("--explain", o->explain,
                "Add to each answer a TXT record explain.cloudtwin. in the additional section: the zone that "
                "answered and what each routing policy chose and why (for dig)");
  cmd->add_option("--geoip", o->geoip,
                  "Client locations for geolocation, latency and geoproximity routing: a MaxMind-format .mmdb "
                  "(GeoIP2-City shaped)");
  Runner cdn = add_serve_cdn(*serve_cmd);
  Runner bgp = add_serve_bgp(*serve_cmd);
  return [o, cmd, cdn, bgp, serve_cmd] {
    if (cmd->parsed()) return serve(*o);
    if (serve_cmd->got_subcommand("bgp")) return bgp();
    return cdn();
  };
}

}  // namespace cloudtwin::cli
