#include "cloudtwin/dns/metrics.h"

#include <cstdio>

#include "cloudtwin/model/record_data.h"

namespace cloudtwin::dns {

namespace {

constexpr std::size_t kAnyBucket = kCountedTypes.size();
constexpr std::size_t kOtherBucket = kCountedTypes.size() + 1;

struct TypeIndex {
  std::array<std::uint8_t, 258> bucket{};
  constexpr TypeIndex() {
    for (auto& b : bucket) b = kOtherBucket;
    for (std::size_t i = 0; i < kCountedTypes.size(); ++i) bucket[kCountedTypes[i]] = static_cast<std::uint8_t>(i);
    bucket[255] = kAnyBucket;
  }
};
constexpr TypeIndex kTypeIndex;

constexpr const char* kRcodes[kRcodeBuckets] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                "NOTIMP",  "REFUSED", "BADVERS",  "other"};

}  // namespace

void WorkerCounters::count(std::uint16_t qtype, std::uint16_t rcode, bool was_truncated) {
  bump(by_type[qtype < kTypeIndex.bucket.size() ? kTypeIndex.bucket[qtype] : kOtherBucket]);
  std::size_t r = rcode <= 5 ? rcode : rcode == 16 ? 6 : 7;
  bump(by_rcode[r]);
  if (was_truncated) bump(truncated);
}

void WorkerCounters::observe(std::uint64_t ns, std::uint64_t n) {
  std::size_t b = 0;
  while (b < kLatencyBucketsUs.size() && ns > std::uint64_t{kLatencyBucketsUs[b]} * 1000) ++b;
  bump(latency[b], n);
  bump(latency_sum_ns, ns * n);
}

std::string Metrics::render() const {
  std::string out;
  auto line = [&](const std::string& text) { out += text + "\n"; };
  auto sum = [&](auto member) {
    std::uint64_t total = 0;
    for (const auto& w : workers_) total += member(w).load(std::memory_order_relaxed);
    return total;
  };
  line("# HELP cloudtwin_dns_queries_total Queries answered, by query type.");
  line("# TYPE cloudtwin_dns_queries_total counter");
  for (std::size_t i = 0; i < kTypeBuckets; ++i) {
    std::string name = i < kCountedTypes.size() ? model::rr_type_name(kCountedTypes[i]) : i == kAnyBucket ? "ANY" : "other";
    line("cloudtwin_dns_queries_total{type=\"" + name + "\"} " +
         std::to_string(sum([&](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.by_type[i]; })));
  }
  line("# HELP cloudtwin_dns_responses_total Responses sent, by response code.");
  line("# TYPE cloudtwin_dns_responses_total counter");
  for (std::size_t i = 0; i < kRcodeBuckets; ++i) {
    line(std::string("cloudtwin_dns_responses_total{rcode=\"") + kRcodes[i] + "\"} " +
         std::to_string(sum([&](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.by_rcode[i]; })));
  }
  line("# HELP cloudtwin_dns_transport_queries_total Queries received, by transport.");
  line("# TYPE cloudtwin_dns_transport_queries_total counter");
  line("cloudtwin_dns_transport_queries_total{transport=\"udp\"} " +
       std::to_string(sum([](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.udp; })));
  line("cloudtwin_dns_transport_queries_total{transport=\"tcp\"} " +
       std::to_string(sum([](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.tcp; })));
  auto counter = [&](const char* name, const char* help, std::uint64_t value) {
    line(std::string("# HELP ") + name + " " + help);
    line(std::string("# TYPE ") + name + " counter");
    line(std::string(name) + " " + std::to_string(value));
  };
  counter("cloudtwin_dns_dropped_total", "Packets dropped unanswered (responses, runts).",
          sum([](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.dropped; }));
  counter("cloudtwin_dns_truncated_total", "Responses sent with TC set.",
          sum([](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.truncated; }));
  counter("cloudtwin_dns_rrl_dropped_total", "Responses suppressed by response rate limiting.",
          sum([](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.rrl_dropped; }));
  counter("cloudtwin_dns_rrl_slipped_total", "Truncated responses sent instead by response rate limiting.",
          sum([](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.rrl_slipped; }));
  counter("cloudtwin_dns_tcp_connections_total", "TCP connections accepted.", tcp_connections.load());
  line("# HELP cloudtwin_dns_reloads_total Zone reloads, by result.");
  line("# TYPE cloudtwin_dns_reloads_total counter");
  line("cloudtwin_dns_reloads_total{result=\"ok\"} " + std::to_string(reloads.load()));
  line("cloudtwin_dns_reloads_total{result=\"failed\"} " + std::to_string(reload_failures.load()));
  line("# HELP cloudtwin_dns_zones Hosted zones served.");
  line("# TYPE cloudtwin_dns_zones gauge");
  line("cloudtwin_dns_zones " + std::to_string(zones.load()));
  line("# HELP cloudtwin_dns_records Records served.");
  line("# TYPE cloudtwin_dns_records gauge");
  line("cloudtwin_dns_records " + std::to_string(records.load()));
  line("# HELP cloudtwin_dns_latency_seconds Time from a batch's arrival to its answers' sending.");
  line("# TYPE cloudtwin_dns_latency_seconds histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b <= kLatencyBucketsUs.size(); ++b) {
    cumulative += sum([&](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.latency[b]; });
    char le[32];
    if (b < kLatencyBucketsUs.size()) std::snprintf(le, sizeof le, "%g", kLatencyBucketsUs[b] / 1e6);
    else std::snprintf(le, sizeof le, "+Inf");
    line(std::string("cloudtwin_dns_latency_seconds_bucket{le=\"") + le + "\"} " + std::to_string(cumulative));
  }
  char total[64];
  std::snprintf(total, sizeof total, "%.9f",
                sum([](const WorkerCounters& w) -> const std::atomic<std::uint64_t>& { return w.latency_sum_ns; }) / 1e9);
  line(std::string("cloudtwin_dns_latency_seconds_sum ") + total);
  line("cloudtwin_dns_latency_seconds_count " + std::to_string(cumulative));
  return out;
}

}  // namespace cloudtwin::dns
