// The probes behind Route 53's health checks (route53.md §5), run for real against the network's
// endpoints: HTTP and HTTPS (SNI when EnableSNI, no certificate validation), their string-match
// variants (the first 5,120 bytes of the body, decompressed), and TCP. One thread drives every
// probe concurrently with libcurl's multi interface (a well-kept HTTP/TLS client; no hand-written
// HTTP), each check's checkers staggered over its interval. Results feed a HealthEvaluator; when a
// status changes the new states are logged and published as a snapshot the answer path swaps in.
// Unlike Route 53, endpoints may be loopback or private addresses: in a twin every endpoint is
// local.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cloudtwin/dns/health.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::dns {

struct HealthCheckerOptions {
  double interval_scale = 1.0;         // RequestInterval x this (tests: 0.01 -> 100 ms for 10 s)
  std::map<std::string, bool> forced;  // by check id or name (--health)
};

class HealthChecker {
 public:
  using Publish = std::function<void(std::shared_ptr<const std::vector<std::uint8_t>>)>;
  using Log = std::function<void(const std::string&)>;

  // Reads the network's checks; `error` names a forced id the network has no check for.
  HealthChecker(const model::Network& network, HealthCheckerOptions options, Log log);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // Publishes the initial states, then starts probing; `publish` is called from the checker's
  // thread on every change.
  void start(Publish publish);
  void stop();

  [[nodiscard]] std::size_t endpoints() const;  // checks that probe an endpoint
  [[nodiscard]] std::uint64_t probes() const { return probes_.load(std::memory_order_relaxed); }
  // Prometheus text: each check's status (1 healthy), its healthy checkers, the probes made and
  // the status changes seen. Safe from any thread.
  [[nodiscard]] std::string render_metrics() const;

 private:
  struct Target {
    std::string id;
    std::string type;
    std::string url;
    std::string host_header;  // FQDN[:port] when the URL names the IP
    std::string resolve;      // CURLOPT_RESOLVE "fqdn:port:ip" for SNI
    std::string search;
    bool tcp = false;
    bool sni = false;
    long connect_ms = 4000;
    long total_ms = 6000;
    double interval_s = 30;
  };
  void run(Publish publish);
  void publish_now(const Publish& publish);

  std::vector<Target> targets_;  // by check index; url empty for checks without an endpoint
  HealthEvaluator evaluator_;
  HealthCheckerOptions options_;
  Log log_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> probes_{0};
  std::atomic<std::uint64_t> changes_{0};
  std::atomic<std::shared_ptr<const std::vector<std::uint8_t>>> published_;
  int wake_fd_ = -1;
};

}  // namespace cloudtwin::dns
