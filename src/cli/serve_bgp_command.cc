// `cloudtwin serve bgp NETWORK... [--bind SESSION=ADDR[:PORT]]... [--peer SESSION=ADDR[:PORT]]...
// [--admin ADDR:PORT] [--metrics ADDR:PORT]`: AWS's side of every Direct Connect virtual
// interface and BGP VPN tunnel of the network (hybrid::aws_sessions) as real BGP sessions on one
// speaker, peering with the customer's routers and keeping what they advertise. One log line per
// start, reload, error and session up/down; SIGHUP (or a changed input) reloads: unchanged
// sessions stay up and are sent the new advertisements, removed ones end with Cease 6/2, new ones
// start; SIGTERM stops (Cease 6/2 on every session). `--admin` answers GET /sessions and
// GET /routes as JSON for `cloudtwin routes` (routes_command.cc).
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "bgp_admin.h"
#include "cloudtwin/dns/metrics_endpoint.h"
#include "cloudtwin/dns/server.h"
#include "cloudtwin/hybrid/aws_side.h"
#include "cloudtwin/hybrid/bfd.h"
#include "cloudtwin/hybrid/speaker.h"
#include "cloudtwin/load/aws_ip_ranges.h"
#include "cloudtwin/load/aws_managed_prefix_lists.h"
#include "commands.h"

namespace cloudtwin::cli {

namespace {

using hybrid::PeerId;

struct ServeBgpOptions {
  NetworkOptions network;
  std::vector<std::string> bind;  // SESSION=ADDR[:PORT]
  std::vector<std::string> peer;  // SESSION=ADDR[:PORT]
  std::string admin;
  std::string metrics;
  bool passive = false;
  std::string bfd = "single-hop";  // single-hop, multihop or off
};

void log_line(const std::string& text) { server_log("serve bgp", text); }

// "ADDR", "ADDR:PORT", "[V6]:PORT" or a bare IPv6 address.
struct AddressPort {
  IpAddress address;
  std::optional<std::uint16_t> port;
};
std::optional<AddressPort> parse_address_port(const std::string& text) {
  std::string host = text, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return std::nullopt;
      port = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  auto address = IpAddress::parse(host);
  if (!address) return std::nullopt;
  AddressPort out{*address, std::nullopt};
  if (!port.empty() || text.ends_with(":")) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) return std::nullopt;
    const int n = std::stoi(port);
    if (n <= 0 || n > 65535) return std::nullopt;
    out.port = static_cast<std::uint16_t>(n);
  }
  return out;
}

// Where a session's two ends are, as the command line moved them.
struct Placement {
  std::map<std::string, AddressPort> bind, peer;
};

// Matches `--bind`/`--peer` names against the sessions: the session's name ("dxvif-..." or
// "vpn-.../tunnel-1"), or a virtual interface's Name tag.
bool session_named(const model::Network& n, const hybrid::AwsSession& s, const std::string& name) {
  if (s.config.name == name) return true;
  return s.resource.kind == model::Kind::kVirtualInterface && !name.empty() &&
         n.virtual_interfaces[s.resource.index].name == name;
}

// One session of the running speaker.
struct Session {
  hybrid::AwsSession aws;
  PeerId id = 0;
  std::uint16_t listen_port = 179;
  bool running = false;  // added to the speaker and enabled
  std::optional<hybrid::BfdSessionId> bfd;  // a virtual interface's BFD session
};

// AWS's public prefixes for public virtual interfaces (§2.2): the AMAZON ranges of every Region in
// ip-ranges.json (--ip-ranges, $CLOUDTWIN_IP_RANGES or the copy found at build time).
struct PublicPrefixes {
  std::vector<hybrid::AmazonPrefix> prefixes;
  std::string source;  // "ip-ranges.json of 2026-..." or why there are none
};
PublicPrefixes public_prefixes(const NetworkOptions& o) {
  PublicPrefixes out;
  load::LoadOptions lo;
  lo.ip_ranges = o.ip_ranges;
  const auto file = load::find_ip_ranges_file(lo);
  if (file.origin == load::IpRangesFile::Origin::kNone) {
    out.source = "no ip-ranges.json (give --ip-ranges FILE): public VIFs advertise nothing";
    return out;
  }
  Diagnostics d;
  auto ranges = load::read_aws_ip_ranges_file(file.path, 0, d);
  if (!ranges) {
    out.source = file.path + " could not be read: public VIFs advertise nothing";
    return out;
  }
  for (auto region : ranges->regions()) {
    for (auto family : {Family::kV4, Family::kV6})
      for (const auto& p : ranges->prefixes(region, "AMAZON", family)) out.prefixes.push_back({p, std::string(region)});
  }
  out.source = "AWS's public prefixes, " + file.path + " (createDate " + ranges->create_date + ")";
  return out;
}

// The sessions of `n` placed as the options say; a usage error (printed) is nullopt.
std::optional<std::vector<Session>> plan(const model::Network& n, const Placement& placement,
                                         const PublicPrefixes& amazon) {
  std::vector<Session> out;
  for (auto& aws : hybrid::aws_sessions(n)) {
    Session s;
    s.aws = std::move(aws);
    if (s.aws.resource.kind == model::Kind::kVirtualInterface) {
      const auto& vif = n.virtual_interfaces[s.aws.resource.index];
      if (vif.type == model::VirtualInterfaceType::kPublic) {
        // The Region the VIF's Direct Connect location is homed to is not modelled: the network's.
        const std::string& region = n.default_region;
        s.aws.config.routes =
            hybrid::public_vif_routes(amazon.prefixes, region, vif.address_family == "ipv6");
        s.aws.advertised_because = amazon.source + "; scope communities for " + region;
      }
    }
    out.push_back(std::move(s));
  }
  auto apply = [&](const std::map<std::string, AddressPort>& moves, bool local) {
    for (const auto& [name, where] : moves) {
      bool found = false;
      for (auto& s : out) {
        if (!session_named(n, s.aws, name)) continue;
        found = true;
        auto& c = s.aws.config;
        if (local) {
          c.local_address = where.address;
          if (where.port) s.listen_port = *where.port;
        } else {
          c.peer_address = where.address;
          if (where.port) c.port = *where.port;
        }
        if (s.aws.not_runnable.starts_with("no peer addresses") || s.aws.not_runnable.starts_with("the tunnel has no"))
          s.aws.not_runnable.clear();
      }
      if (!found) {
        std::string names;
        for (const auto& s : out) names += (names.empty() ? "" : ", ") + s.aws.config.name;
        usage_error(std::string(local ? "--bind " : "--peer ") + name + ": the network has no such session",
                    names.empty() ? "it has no virtual interface or BGP VPN tunnel" : "its sessions: " + names);
        return false;
      }
    }
    return true;
  };
  if (!apply(placement.bind, true) || !apply(placement.peer, false)) return std::nullopt;
  // A session moved to one end only keeps the model's address at the other: both must be set.
  for (auto& s : out) {
    auto& c = s.aws.config;
    if (s.aws.not_runnable.empty() && c.local_address.family() != c.peer_address.family())
      s.aws.not_runnable = "its two ends are of different families (" + c.local_address.str() + ", " +
                           c.peer_address.str() + "); give both --bind and --peer";
  }
  return out;
}

// What must match for a reload to keep a session up.
bool same_session(const Session& a, const Session& b) {
  const auto &x = a.aws.config, &y = b.aws.config;
  return x.name == y.name && x.local_asn == y.local_asn && x.peer_asn == y.peer_asn &&
         x.local_address == y.local_address && x.peer_address == y.peer_address && x.port == y.port &&
         x.md5_key == y.md5_key && x.hold_time == y.hold_time && x.ipv4_unicast == y.ipv4_unicast &&
         x.ipv6_unicast == y.ipv6_unicast && x.max_prefixes_ipv4 == y.max_prefixes_ipv4 &&
         x.max_prefixes_ipv6 == y.max_prefixes_ipv6 && a.listen_port == b.listen_port &&
         x.passive == y.passive && a.aws.not_runnable.empty() == b.aws.not_runnable.empty();
}

class Service {
 public:
  explicit Service(const ServeBgpOptions& o) : options_(o) {}

  // Starts the speaker and every runnable session; false after logging why nothing can run.
  bool start(std::shared_ptr<const model::Network> network, std::unique_ptr<model::Network> routing,
             std::vector<Session> sessions) {
    hybrid::SpeakerOptions so;
    so.on_event = [this](const hybrid::Event& e) { on_event(e); };
    speaker_ = std::make_unique<hybrid::Speaker>(std::move(so));
    if (!speaker_->start()) {
      log_line("error: cannot start the BGP speaker (epoll unavailable)");
      return false;
    }
    if (options_.bfd != "off") {
      hybrid::BfdOptions bo;
      bo.on_state_change = [this](const hybrid::BfdStateChange& c) { on_bfd(c); };
      bfd_ = std::make_unique<hybrid::BfdSessions>(std::move(bo));
      if (!bfd_->start()) {
        log_line("error: cannot start BFD (epoll unavailable); sessions run without it");
        bfd_.reset();
      }
    }
    std::lock_guard lock(mu_);
    network_ = std::move(network);
    routing_ = std::move(routing);
    for (auto& s : sessions) run(s);
    sessions_ = std::move(sessions);
    return std::any_of(sessions_.begin(), sessions_.end(), [](const Session& s) { return s.running; });
  }

  void reload(std::shared_ptr<const model::Network> network, std::unique_ptr<model::Network> routing,
              std::vector<Session> fresh, const std::string& why) {
    std::lock_guard lock(mu_);
    int kept = 0, started = 0, stopped = 0;
    std::vector<Session> next;
    for (auto& s : fresh) {
      auto old = std::find_if(sessions_.begin(), sessions_.end(),
                              [&](const Session& o) { return o.aws.config.name == s.aws.config.name; });
      if (old != sessions_.end() && old->running && same_session(*old, s)) {
        s.id = old->id;
        s.running = true;
        s.bfd = old->bfd;
        old->bfd.reset();
        speaker_->set_routes(s.id, s.aws.config.routes);  // AWS re-advertises at once
        old->running = false;                            // handed over
        ++kept;
      } else {
        run(s);
        started += s.running ? 1 : 0;
      }
      next.push_back(std::move(s));
    }
    for (auto& old : sessions_) {
      if (old.bfd && bfd_) bfd_->set_admin_down(*old.bfd, true);
      if (!old.running) continue;
      speaker_->disable_peer(old.id, "removed from the network by a reload");
      ++stopped;
    }
    sessions_ = std::move(next);
    network_ = std::move(network);
    routing_ = std::move(routing);
    log_line("reloaded (" + why + "): " + std::to_string(kept) + " session(s) kept, " + std::to_string(started) +
             " started, " + std::to_string(stopped) + " stopped; " + summary_locked());
  }

  void stop() {
    if (bfd_) bfd_->stop(/*admin_down=*/true);  // RFC 5880 §6.8.16: the peer keeps its BGP up
    if (speaker_) speaker_->stop();
  }

  std::string summary() {
    std::lock_guard lock(mu_);
    return summary_locked();
  }

  // The admin endpoint's answers.
  dns::MetricsEndpoint::Reply admin(std::string_view method, std::string_view target) {
    dns::MetricsEndpoint::Reply r;
    r.content_type = "application/json";
    if (method != "GET") {
      r.status = "405 Method Not Allowed";
      r.body = "{\"error\": \"GET /sessions or GET /routes\"}\n";
      return r;
    }
    if (target == "/sessions" || target == "/routes" || target == "/") {
      std::lock_guard lock(mu_);
      r.body = bgp_admin_json(*network_, routing_.get(), views_locked(), *speaker_, target == "/sessions").dump(2) + "\n";
      return r;
    }
    if (target == "/metrics") {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics();
      return r;
    }
    r.status = "404 Not Found";
    r.body = "{\"error\": \"GET /sessions or GET /routes\"}\n";
    return r;
  }

  std::string metrics() {
    std::lock_guard lock(mu_);
    return bgp_metrics_text(views_locked(), *speaker_, reloads_);
  }

  void count_reload() {
    std::lock_guard lock(mu_);
    ++reloads_;
  }

 private:
  // Adds `s` to the speaker when it can run (mu_ held or not yet shared).
  void run(Session& s) {
    if (!s.aws.not_runnable.empty()) {
      log_line("session " + s.aws.config.name + " not started: " + s.aws.not_runnable);
      return;
    }
    s.aws.config.passive = options_.passive;
    const auto& local = s.aws.config.local_address;
    const std::pair<IpAddress, std::uint16_t> key{local, s.listen_port};
    if (!listening_.contains(key)) {
      auto l = speaker_->listen(local, s.listen_port);
      if (!l.ok()) {
        log_line("error: session " + s.aws.config.name + " not started: " + l.error +
                 (local.is_v4() && (static_cast<std::uint32_t>(local.bits()) >> 16) == 0xA9FE
                      ? " (the Amazon side's link-local address must be on an interface here; or --bind " +
                            s.aws.config.name + "=127.0.0.1:PORT)"
                      : ""));
        return;
      }
      listening_.insert(key);
    }
    auto added = speaker_->add_peer(s.aws.config);
    if (!added.ok()) {
      std::string errors;
      for (const auto& e : added.errors) errors += (errors.empty() ? "" : "; ") + e;
      log_line("error: session " + s.aws.config.name + " not started: " + errors);
      return;
    }
    s.id = added.id;
    s.running = true;
    if (bfd_ && s.aws.resource.kind == model::Kind::kVirtualInterface) {
      // Direct Connect runs asynchronous BFD on every VIF, in effect once the customer's router
      // runs it too (direct-connect.md §2.4): passive, 300 ms x 3.
      hybrid::BfdConfig b;
      b.name = s.aws.config.name;
      b.local_address = s.aws.config.local_address;
      b.peer_address = s.aws.config.peer_address;
      b.passive = true;
      b.multihop = options_.bfd == "multihop";
      auto r = bfd_->add(b);
      if (r.ok()) {
        s.bfd = r.id;
      } else {
        log_line("warning: session " + s.aws.config.name + " runs without BFD: " + r.errors.front());
      }
    }
  }

  // BFD saw the path fail: the BGP session goes down at once, not at hold-timer expiry (RFC 5882
  // §3.2), and starts again.
  void on_bfd(const hybrid::BfdStateChange& c) {
    if (c.to == hybrid::bfd::State::kUp) {
      log_line("session " + c.name + ": BFD up");
      return;
    }
    if (!c.path_failed()) return;
    std::optional<PeerId> peer;
    {
      std::lock_guard lock(mu_);
      for (const auto& s : sessions_)
        if (s.bfd == c.id && s.running) peer = s.id;
    }
    log_line("session " + c.name + ": BFD down (" + std::string(hybrid::bfd::diagnostic_name(c.diagnostic)) +
             ")" + (peer ? "; taking the BGP session down" : ""));
    if (!peer) return;
    speaker_->disable_peer(*peer, "BFD detected a forwarding path failure");
    speaker_->enable_peer(*peer);
  }

  std::vector<BgpSessionView> views_locked() const {
    std::vector<BgpSessionView> out;
    for (const auto& s : sessions_) {
      BgpSessionView v{&s.aws, s.running ? std::optional<PeerId>(s.id) : std::nullopt, s.listen_port, std::nullopt};
      if (s.bfd && bfd_) v.bfd = bfd_->session(*s.bfd);
      out.push_back(v);
    }
    return out;
  }

  std::string summary_locked() const {
    int vifs = 0, tunnels = 0, running = 0;
    for (const auto& s : sessions_) {
      (s.aws.tunnel < 0 ? vifs : tunnels)++;
      running += s.running ? 1 : 0;
    }
    return std::to_string(running) + " of " + std::to_string(sessions_.size()) + " session(s) running (" +
           std::to_string(vifs) + " virtual interface(s), " + std::to_string(tunnels) + " VPN tunnel(s))";
  }

  void on_event(const hybrid::Event& e) {
    using hybrid::SessionState;
    if (e.kind == hybrid::EventKind::kPrefixLimitExceeded) {
      log_line("session " + e.peer_name + ": " + e.reason);
      return;
    }
    if (e.kind != hybrid::EventKind::kStateChanged) return;
    if (e.to == SessionState::kEstablished) {
      auto info = speaker_->session(e.peer);
      log_line("session " + e.peer_name + " established" +
               (info ? " with AS" + std::to_string(info->peer_asn) + " at " + info->peer_address.str() +
                           " (hold " + std::to_string(info->hold_time) + " s)"
                     : ""));
    } else if (e.from == SessionState::kEstablished) {
      log_line("session " + e.peer_name + " down: " + e.reason);
    }
  }

  const ServeBgpOptions& options_;
  std::unique_ptr<hybrid::Speaker> speaker_;
  std::unique_ptr<hybrid::BfdSessions> bfd_;
  std::mutex mu_;
  std::shared_ptr<const model::Network> network_;
  // The same network loaded again, to attach learned routes to for the gateways' tables.
  std::unique_ptr<model::Network> routing_;
  std::vector<Session> sessions_;
  std::set<std::pair<IpAddress, std::uint16_t>> listening_;
  std::uint64_t reloads_ = 0;
};

std::unique_ptr<model::Network> load(const ServeBgpOptions& o, bool print_warnings) {
  auto network = std::make_unique<model::Network>();
  Diagnostics diagnostics;
  if (!load_or_report(o.network, *network, diagnostics, print_warnings)) return nullptr;
  return network;
}

bool parse_moves(const std::vector<std::string>& flags, const char* flag, std::map<std::string, AddressPort>& out) {
  for (const auto& text : flags) {
    const auto eq = text.find('=');
    std::optional<AddressPort> a;
    if (eq != std::string::npos && eq > 0) a = parse_address_port(text.substr(eq + 1));
    if (!a) {
      usage_error(std::string(flag) + " " + text + ": expected SESSION=ADDR[:PORT]",
                  std::string("e.g. ") + flag + " dxvif-fgh1234=127.0.0.1:1179");
      return false;
    }
    out[text.substr(0, eq)] = *a;
  }
  return true;
}

int serve(const ServeBgpOptions& o) {
  Placement placement;
  if (!parse_moves(o.bind, "--bind", placement.bind) || !parse_moves(o.peer, "--peer", placement.peer))
    return kExitBadInput;
  std::string error;
  std::optional<dns::Endpoint> admin_at, metrics_at;
  if (!o.admin.empty() && !(admin_at = dns::parse_endpoint(o.admin, error)))
    return usage_error("--admin: " + error, "e.g. --admin 127.0.0.1:8179");
  if (!o.metrics.empty() && !(metrics_at = dns::parse_endpoint(o.metrics, error)))
    return usage_error("--metrics: " + error, "e.g. --metrics 127.0.0.1:9179");

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto loaded = InputSignature::of(o.network.paths);
  std::shared_ptr<const model::Network> network = load(o, true);
  if (!network) return kExitBadInput;
  auto routing = load(o, false);
  if (!routing) return kExitBadInput;
  const auto amazon = public_prefixes(o.network);
  auto sessions = plan(*network, placement, amazon);
  if (!sessions) return kExitBadInput;
  if (sessions->empty()) {
    return usage_error("the network has no BGP session to serve",
                       "give virtual_interfaces (Direct Connect) or VPN connections with BGP and tunnel inside CIDRs");
  }
  Service service(o);
  if (!service.start(network, std::move(routing), std::move(*sessions))) {
    log_line("error: no session could start: " + service.summary());
    service.stop();
    return kExitBadInput;
  }
  dns::MetricsEndpoint admin, metrics;
  if (admin_at && !admin.start(*admin_at, dns::MetricsEndpoint::Handler([&](auto m, auto t) { return service.admin(m, t); }), error)) {
    log_line("error: " + error);
    service.stop();
    return kExitBadInput;
  }
  if (metrics_at && !metrics.start(*metrics_at, dns::MetricsEndpoint::Render([&] { return service.metrics(); }), error)) {
    log_line("error: " + error);
    admin.stop();
    service.stop();
    return kExitBadInput;
  }
  log_line("serving " + service.summary() + (admin_at ? "; admin on http://" + admin.bound() : "") +
           (metrics_at ? "; metrics on http://" + metrics.bound() + "/metrics" : ""));

  while (true) {
    timespec wait{1, 0};
    siginfo_t info{};
    const int sig = sigtimedwait(&signals, &info, &wait);
    if (sig == SIGTERM || sig == SIGINT) break;
    auto now = InputSignature::of(o.network.paths);
    if (sig != SIGHUP && now == loaded) continue;
    loaded = now;
    const std::string why = sig == SIGHUP ? "SIGHUP" : "input changed";
    std::shared_ptr<const model::Network> fresh = load(o, false);
    std::unique_ptr<model::Network> fresh_routing;
    std::optional<std::vector<Session>> planned;
    if (fresh) planned = plan(*fresh, placement, amazon);
    if (planned) fresh_routing = load(o, false);
    if (!fresh || !planned || !fresh_routing) {
      log_line("reload rejected (" + why + "): the errors above; still serving " + service.summary());
      continue;
    }
    service.count_reload();
    service.reload(fresh, std::move(fresh_routing), std::move(*planned), why);
  }
  metrics.stop();
  admin.stop();
  service.stop();
  log_line("stopped");
  return kExitOk;
}

}  // namespace

Runner add_serve_bgp(CLI::App& serve_cmd) {
  auto* cmd = serve_cmd.add_subcommand(
      "bgp", "Run AWS's side of the network's Direct Connect virtual interfaces and VPN tunnels as real BGP sessions");
  auto o = std::make_shared<ServeBgpOptions>();
  add_network_options(*cmd, o->network);
  cmd->add_option("--bind", o->bind,
                  "Run the Amazon side of SESSION (a virtual interface id or name, or VPN-ID/tunnel-N) on ADDR[:PORT] "
                  "instead of its Amazon address and port 179 (repeatable)");
  cmd->add_option("--peer", o->peer,
                  "The customer router of SESSION is at ADDR[:PORT] instead of its customer address and port 179 "
                  "(repeatable)");
  cmd->add_option("--admin", o->admin,
                  "Answer GET /sessions and GET /routes (JSON) on ADDR:PORT, for `cloudtwin routes --admin`");
  cmd->add_option("--metrics", o->metrics, "Serve Prometheus metrics on ADDR:PORT at /metrics");
  cmd->add_flag("--passive", o->passive, "Only accept connections from the customer routers, never connect");
  cmd->add_option("--bfd", o->bfd,
                  "BFD on every virtual interface, 300 ms x 3, waiting for the router's first packet: single-hop "
                  "(RFC 5881, port 3784, as Direct Connect), multihop (RFC 5883, port 4784: routers on loopback) or "
                  "off")
      ->check(CLI::IsMember({"single-hop", "multihop", "off"}));
  return [o] { return serve(*o); };
}

}  // namespace cloudtwin::cli
