// The authoritative DNS server: UDP and TCP on every --listen address, answering from the
// current ZoneStore snapshot. Each UDP worker thread has its own SO_REUSEPORT socket (threads per
// address; the kernel spreads clients over them), blocks in recvmmsg and answers with sendmmsg,
// in batches: two system calls per batch, none per query;
// one thread serves TCP (RFC 7766: pipelined queries, answers as they are ready, idle timeout).
// A reload swaps the snapshot atomically; a worker takes the new one at its next batch, so no
// query sees half a change and none is dropped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>

#include "cloudtwin/dns/geoip.h"
#include "cloudtwin/dns/latency_table.h"
#include "cloudtwin/dns/metrics.h"
#include "cloudtwin/dns/wire.h"
#include "cloudtwin/dns/zone_store.h"

namespace cloudtwin::dns {

struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // as given: "127.0.0.1:5300", "[::1]:5300"
  // --vpc-listen: every query to this address asks from inside this VPC (its id); empty: the
  // source address decides (ServerOptions::vpc_sources), else the public view.
  std::string vpc;
};

// --vpc-source CIDR=VPC: queries from these addresses ask from inside the VPC (longest prefix).
struct VpcSource {
  CidrBlock block;
  std::string vpc;
};
// "ADDR:PORT" or "[V6]:PORT"; nullopt with `error` set when it is not one.
[[nodiscard]] std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& error);

struct ServerOptions {
  std::vector<Endpoint> listen;
  unsigned threads = 1;
  std::size_t edns_size = kDefaultEdnsSize;  // the largest UDP response with EDNS
  unsigned rrl = 0;  // responses per second per client network (/24, /56); 0 = off
  // Routing policies: the seed of the workers' random draws (none: from the system).
  std::optional<std::uint64_t> seed;
  const GeoDatabase* geo = nullptr;  // client locations (--geoip); owned by the caller
  const LatencyTable* latency = nullptr;  // measured latencies (--latency-table); owned by the caller
  std::vector<VpcSource> vpc_sources;
  bool explain = false;  // --explain: a TXT record in each answer says how it was chosen
  std::chrono::milliseconds tcp_idle{10000};
  std::size_t tcp_max_connections = 1024;
};

class Server {
 public:
  using Log = std::function<void(const std::string&)>;

  Server(ServerOptions options, std::shared_ptr<const ZoneStore> zones, Log log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every socket (an error names the address) and starts the threads.
  [[nodiscard]] bool start(std::string& error);
  // The snapshot later queries see.
  void swap(std::shared_ptr<const ZoneStore> zones);
  // Health-check states (by the zones' check index; 0 unhealthy) later queries see, from the
  // checkers; until the first, and when the count does not match the zones', the zones' own.
  void set_health(std::shared_ptr<const std::vector<std::uint8_t>> states);
  [[nodiscard]] std::shared_ptr<const ZoneStore> zones() const { return zones_.load(); }
  // Stops every thread and closes every socket; returns when they are gone.
  void stop();

  [[nodiscard]] const Metrics& metrics() const { return metrics_; }
  [[nodiscard]] Metrics& metrics() { return metrics_; }
  // The ports the sockets are bound to (for --listen ADDR:0).
  [[nodiscard]] std::vector<std::string> bound() const;

 private:
  void udp_worker(unsigned index);
  void tcp_worker();

  ServerOptions options_;
  std::atomic<std::shared_ptr<const ZoneStore>> zones_;
  std::atomic<std::uint64_t> generation_{0};  // bumped by swap() and set_health(): workers reload both
  std::atomic<std::shared_ptr<const std::vector<std::uint8_t>>> health_;
  Log log_;
  Metrics metrics_;
  std::vector<int> udp_fds_;  // one per worker: threads x addresses
  std::vector<int> tcp_fds_;
  int stop_fd_ = -1;  // eventfd
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace cloudtwin::dns
