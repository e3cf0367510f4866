// The edge's HTTP/1.1 and HTTP/2 server: every --listen (one per POP) and the --admin endpoint,
// served by worker threads with an epoll loop each (SO_REUSEPORT sockets, so the kernel spreads
// viewers over them). Keep-alive and pipelining (replies in request order), bounded request
// sizes, timeouts for idle connections and for requests that never complete (slowloris). A
// connection that opens with the HTTP/2 preface, or upgrades with `Upgrade: h2c`, is served as
// cleartext HTTP/2 (h2_session.h: concurrent streams, answered in any order). Replies that wait
// for an origin arrive from the Edge's fetcher threads through a per-worker mailbox.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cloudtwin/cdn/edge.h"

namespace cloudtwin::cdn {

struct Listen {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // as given, for messages
  std::size_t pop = 0;
  bool admin = false;  // the admin endpoint: invalidations, stats, metrics
};

struct ServerOptions {
  std::vector<Listen> listen;
  unsigned threads = 1;
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive idle
  std::chrono::milliseconds request_timeout{10000};  // a started request must complete within
  std::size_t max_connections = 10000;             // per worker
  RequestLimits limits;                            // HTTP/1.1 and HTTP/2 alike
  std::uint32_t h2_max_concurrent_streams = 100;   // SETTINGS_MAX_CONCURRENT_STREAMS
};

class Server {
 public:
  using Log = std::function<void(const std::string&)>;
  Server(ServerOptions options, Edge& edge, Log log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] bool start(std::string& error);
  void stop();
  // The addresses bound, in --listen order ("127.0.0.1:8080"), for --listen ADDR:0.
  [[nodiscard]] std::vector<std::string> bound() const;
  [[nodiscard]] std::uint64_t rejected() const { return rejected_; }

  struct Worker;

 private:
  void run(Worker& w);

  ServerOptions options_;
  Edge& edge_;
  Log log_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::string> bound_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> rejected_{0};
};

}  // namespace cloudtwin::cdn
