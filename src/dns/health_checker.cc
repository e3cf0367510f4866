// HealthChecker (health_checker.h): libcurl's multi interface in one thread.
#include "cloudtwin/dns/health_checker.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <queue>

namespace cloudtwin::dns {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kBodyLimit = 5120;  // route53.md §5: the string must be in the first 5,120 bytes

// One probe in flight. Its easy handle is kept for the next probe (curl_easy_reset keeps its
// buffers), though never its connection: every probe connects afresh, as Route 53's do.
struct Probe {
  std::size_t check = 0;
  unsigned checker = 0;
  std::string body;
  CURL* easy = nullptr;
};

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* p = static_cast<Probe*>(user);
  const std::size_t n = size * count;
  const std::size_t room = kBodyLimit - std::min(kBodyLimit, p->body.size());
  p->body.append(data, std::min(n, room));
  return p->body.size() >= kBodyLimit ? 0 : n;  // enough read: stop the transfer
}

void release(CURLM* multi, Probe* p) {
  curl_multi_remove_handle(multi, p->easy);
  curl_easy_cleanup(p->easy);
  delete p;
}

std::string bracketed(const std::string& address) {
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

}  // namespace

HealthChecker::HealthChecker(const model::Network& network, HealthCheckerOptions options, Log log)
    : evaluator_(network), options_(std::move(options)), log_(std::move(log)) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  for (const auto& h : network.health_checks) {
    Target t;
    t.id = h.id;
    t.type = h.type;
    t.interval_s = static_cast<double>(h.request_interval) * options_.interval_scale;
    const bool https = h.type.starts_with("HTTPS");
    const bool http = h.type.starts_with("HTTP");
    t.tcp = h.type == "TCP";
    if (http || t.tcp) {
      const long port = h.port ? static_cast<long>(*h.port) : (https ? 443 : 80);
      const std::string host = !h.ip_address.empty() ? bracketed(h.ip_address) : h.fqdn;
      std::string path = h.resource_path.empty() ? "/" : h.resource_path;
      if (path.front() != '/') path.insert(path.begin(), '/');  // "ResourcePath gets a leading /"
      // With SNI the URL names the FQDN, pinned to the IP address; otherwise the URL names the IP
      // and the Host header the FQDN (FQDN:port for ports other than 80 and 443).
      t.sni = https && h.enable_sni && !h.fqdn.empty();
      if (t.sni && !h.ip_address.empty()) {
        t.url = "https://" + h.fqdn + ":" + std::to_string(port) + path;
        t.resolve = h.fqdn + ":" + std::to_string(port) + ":" + h.ip_address;
      } else {
        t.url = std::string(https ? "https" : "http") + "://" + host + ":" + std::to_string(port) + path;
        if (!h.fqdn.empty() && !h.ip_address.empty())
          t.host_header = "Host: " + h.fqdn + (port == 80 || port == 443 ? "" : ":" + std::to_string(port));
      }
      t.search = h.search_string;
      // §5: TCP connects within 10 s; HTTP(S) connects within 4 s and has the status line 2 s
      // later; string matching gets 2 s more for the body.
      t.connect_ms = t.tcp ? 10000 : 4000;
      t.total_ms = t.tcp ? 10000 : (h.type.ends_with("STR_MATCH") ? 8000 : 6000);
    }
    targets_.push_back(std::move(t));
  }
  for (const auto& [id, healthy] : options_.forced) {
    if (auto index = network.find(id, model::Kind::kHealthCheck)) evaluator_.force(*index, healthy);
  }
}

HealthChecker::~HealthChecker() { stop(); }

std::size_t HealthChecker::endpoints() const {
  std::size_t n = 0;
  for (const auto& t : targets_) n += t.url.empty() ? 0 : 1;
  return n;
}

void HealthChecker::publish_now(const Publish& publish) {
  auto states = std::make_shared<std::vector<std::uint8_t>>();
  evaluator_.snapshot(*states);
  published_.store(states);
  publish(std::move(states));
}

std::string HealthChecker::render_metrics() const {
  const auto states = published_.load();
  std::string out =
      "# HELP cloudtwin_dns_health_check_healthy Route 53 health check status (1 healthy, 0 unhealthy).\n"
      "# TYPE cloudtwin_dns_health_check_healthy gauge\n";
  for (std::size_t i = 0; states && i < states->size() && i < targets_.size(); ++i) {
    std::string id;
    for (char c : targets_[i].id) id += (c == '"' || c == '\\') ? '_' : c;
    out += "cloudtwin_dns_health_check_healthy{check=\"" + id + "\"} " + std::to_string((*states)[i]) + "\n";
  }
  out += "# HELP cloudtwin_dns_health_check_probes_total Probes of health-check endpoints made.\n"
         "# TYPE cloudtwin_dns_health_check_probes_total counter\n"
         "cloudtwin_dns_health_check_probes_total " + std::to_string(probes()) + "\n"
         "# HELP cloudtwin_dns_health_check_changes_total Health-check status changes.\n"
         "# TYPE cloudtwin_dns_health_check_changes_total counter\n"
         "cloudtwin_dns_health_check_changes_total " + std::to_string(changes_.load()) + "\n";
  return out;
}

void HealthChecker::start(Publish publish) {
  publish_now(publish);
  if (endpoints() == 0) return;
  thread_ = std::thread([this, publish = std::move(publish)] { run(publish); });
}

void HealthChecker::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void HealthChecker::run(Publish publish) {
  CURLM* multi = curl_multi_init();
  struct Due {
    Clock::time_point at;
    std::size_t check;
    unsigned checker;
    bool operator>(const Due& o) const { return at > o.at; }
  };
  std::priority_queue<Due, std::vector<Due>, std::greater<>> schedule;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].url.empty()) continue;
    const unsigned n = evaluator_.checkers(i);
    for (unsigned c = 0; c < n; ++c) {
      // Each checker runs its own interval, uncoordinated (§5): spread them over one interval.
      const auto offset = std::chrono::duration<double>(targets_[i].interval_s * c / n);
      schedule.push({start + std::chrono::duration_cast<Clock::duration>(offset), i, c});
    }
  }
  std::vector<Probe*> inflight, idle;
  std::vector<bool> was(targets_.size());
  for (std::size_t i = 0; i < targets_.size(); ++i) was[i] = evaluator_.healthy(i);
  // Each target's header lists, made once; and the checks no probe feeds (calculated ones, whose
  // state follows their children): looked at whenever a probe reports.
  std::vector<curl_slist*> headers(targets_.size()), resolves(targets_.size());
  std::vector<std::size_t> derived;
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    if (!targets_[i].host_header.empty()) headers[i] = curl_slist_append(nullptr, targets_[i].host_header.c_str());
    if (!targets_[i].resolve.empty()) resolves[i] = curl_slist_append(nullptr, targets_[i].resolve.c_str());
    if (targets_[i].url.empty()) derived.push_back(i);
  }
  std::vector<std::size_t> reported;

  while (!stopping_) {
    const auto now = Clock::now();
    while (!schedule.empty() && schedule.top().at <= now) {
      Due d = schedule.top();
      schedule.pop();
      const Target& t = targets_[d.check];
      Probe* p = nullptr;
      if (idle.empty()) {
        p = new Probe{d.check, d.checker, {}, curl_easy_init()};
      } else {
        p = idle.back();
        idle.pop_back();
        p->check = d.check;
        p->checker = d.checker;
      }
      curl_easy_setopt(p->easy, CURLOPT_URL, t.url.c_str());
      curl_easy_setopt(p->easy, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(p->easy, CURLOPT_FORBID_REUSE, 1L);
      curl_easy_setopt(p->easy, CURLOPT_PRIVATE, p);
      curl_easy_setopt(p->easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(p->easy, CURLOPT_CONNECTTIMEOUT_MS, t.connect_ms);
      curl_easy_setopt(p->easy, CURLOPT_TIMEOUT_MS, t.total_ms);
      curl_easy_setopt(p->easy, CURLOPT_NOPROXY, "*");  // a twin's endpoints are local
      if (t.tcp) {
        curl_easy_setopt(p->easy, CURLOPT_CONNECT_ONLY, 1L);
      } else {
        curl_easy_setopt(p->easy, CURLOPT_USERAGENT, "Amazon-Route53-Health-Check-Service (cloudtwin)");
        curl_easy_setopt(p->easy, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate bodies decompressed
        curl_easy_setopt(p->easy, CURLOPT_SSL_VERIFYPEER, 0L);   // no certificate validation (§5)
        curl_easy_setopt(p->easy, CURLOPT_SSL_VERIFYHOST, 0L);
        curl_easy_setopt(p->easy, CURLOPT_WRITEFUNCTION, keep_body);
        curl_easy_setopt(p->easy, CURLOPT_WRITEDATA, p);
        if (headers[d.check] != nullptr) curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, headers[d.check]);
        if (resolves[d.check] != nullptr) curl_easy_setopt(p->easy, CURLOPT_RESOLVE, resolves[d.check]);
      }
      curl_multi_add_handle(multi, p->easy);
      inflight.push_back(p);
      const auto next = std::chrono::duration<double>(t.interval_s);
      schedule.push({d.at + std::chrono::duration_cast<Clock::duration>(next), d.check, d.checker});
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    bool changed = false;
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      Probe* p = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&p));
      const Target& t = targets_[p->check];
      bool passed = false;
      if (t.tcp) {
        passed = m->data.result == CURLE_OK;
      } else {
        long status = 0;
        curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &status);
        // §5: 2xx and 3xx pass; a body cut at 5,120 bytes (the write error) is still an answer.
        const bool answered = m->data.result == CURLE_OK || m->data.result == CURLE_WRITE_ERROR;
        passed = answered && status >= 200 && status < 400;
        if (passed && t.type.ends_with("STR_MATCH")) passed = p->body.find(t.search) != std::string::npos;
      }
      probes_.fetch_add(1, std::memory_order_relaxed);
      evaluator_.record(p->check, p->checker, passed);
      reported.push_back(p->check);
      inflight.erase(std::find(inflight.begin(), inflight.end(), p));
      curl_multi_remove_handle(multi, p->easy);
      curl_easy_reset(p->easy);
      p->body.clear();
      idle.push_back(p);
    }
    // Only what a probe reported on can have changed, and the checks computed from others.
    if (!reported.empty()) reported.insert(reported.end(), derived.begin(), derived.end());
    for (std::size_t i : reported) {
      const bool now_healthy = evaluator_.healthy(i);
      if (now_healthy == was[i]) continue;
      was[i] = now_healthy;
      changed = true;
      changes_.fetch_add(1, std::memory_order_relaxed);
      std::string detail;
      if (evaluator_.checkers(i) > 0)
        detail = " (" + std::to_string(evaluator_.healthy_checkers(i)) + " of " +
                 std::to_string(evaluator_.checkers(i)) + " checkers see it healthy)";
      log_("health check " + targets_[i].id + ": " + (now_healthy ? "unhealthy -> healthy" : "healthy -> unhealthy") +
           detail);
    }
    reported.clear();
    if (changed) publish_now(publish);
    // Sleep until the next probe is due or a transfer moves, at most 50 ms (stop() is seen).
    long wait_ms = 50;
    if (!schedule.empty()) {
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(schedule.top().at - Clock::now());
      wait_ms = std::clamp<long>(until.count(), 0, 50);
    }
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait_ms), nullptr);
  }
  for (Probe* p : inflight) release(multi, p);  // transfers still running are abandoned
  for (Probe* p : idle) {
    curl_easy_cleanup(p->easy);
    delete p;
  }
  for (auto* l : headers) curl_slist_free_all(l);
  for (auto* l : resolves) curl_slist_free_all(l);
  curl_multi_cleanup(multi);
}

}  // namespace cloudtwin::dns
