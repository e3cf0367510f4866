// The server's counters, per worker thread so the query path never shares a cache line, summed
// when Prometheus scrapes them (text exposition format 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace cloudtwin::dns {

inline constexpr std::array<std::uint16_t, 17> kCountedTypes = {1, 2, 5, 6, 12, 15, 16, 28, 33, 35, 43, 44, 52, 64, 65, 99, 257};
inline constexpr std::size_t kTypeBuckets = kCountedTypes.size() + 2;  // + ANY, + other
inline constexpr std::size_t kRcodeBuckets = 8;   // NOERROR..REFUSED, BADVERS, other
// Upper bounds of the latency histogram, in microseconds.
inline constexpr std::array<std::uint32_t, 8> kLatencyBucketsUs = {10, 25, 50, 100, 250, 1000, 10000, 100000};

// One writer per counter set (its worker): an increment is a relaxed load and store, no locked
// instruction on the query path; the scraper reads relaxed.
inline void bump(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

struct alignas(64) WorkerCounters {
  std::array<std::atomic<std::uint64_t>, kTypeBuckets> by_type{};
  std::array<std::atomic<std::uint64_t>, kRcodeBuckets> by_rcode{};
  std::atomic<std::uint64_t> udp{0}, tcp{0}, dropped{0}, truncated{0}, rrl_dropped{0}, rrl_slipped{0};
  std::array<std::atomic<std::uint64_t>, kLatencyBucketsUs.size() + 1> latency{};
  std::atomic<std::uint64_t> latency_sum_ns{0};

  void count(std::uint16_t qtype, std::uint16_t rcode, bool truncated);
  void observe(std::uint64_t ns, std::uint64_t n);
};

class Metrics {
 public:
  explicit Metrics(std::size_t workers = 1) : workers_(workers) {}
  void resize(std::size_t workers) { workers_ = std::vector<WorkerCounters>(workers); }
  [[nodiscard]] WorkerCounters& worker(std::size_t i) { return workers_[i]; }

  std::atomic<std::uint64_t> reloads{0}, reload_failures{0}, tcp_connections{0};
  std::atomic<std::uint64_t> zones{0}, records{0};

  // The Prometheus text of every counter.
  [[nodiscard]] std::string render() const;

 private:
  std::vector<WorkerCounters> workers_;
};

}  // namespace cloudtwin::dns
