// `--metrics ADDR:PORT`: Prometheus scrapes GET /metrics. Only the request line is read (at most
// 8 KiB of headers, then the connection is closed), so no HTTP library is needed: any other
// path is 404, any other method 405. The same loop serves a small read-only admin endpoint
// (`serve bgp --admin`) through a handler that sees the method and target.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "cloudtwin/dns/server.h"

namespace cloudtwin::dns {

class MetricsEndpoint {
 public:
  using Render = std::function<std::string()>;
  struct Reply {
    std::string status = "200 OK";
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
  };
  using Handler = std::function<Reply(std::string_view method, std::string_view target)>;
  MetricsEndpoint() = default;
  ~MetricsEndpoint() { stop(); }
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // GET /metrics (and /) answers render(); anything else 404 or 405.
  [[nodiscard]] bool start(const Endpoint& at, Render render, std::string& error);
  // Every request goes to `handler` (called on the endpoint's thread, one request at a time).
  [[nodiscard]] bool start(const Endpoint& at, Handler handler, std::string& error);
  void stop();
  [[nodiscard]] std::string bound() const { return bound_; }

 private:
  void run();
  int fd_ = -1;
  int stop_fd_ = -1;
  Handler handler_;
  std::string bound_;
  std::thread thread_;
};

}  // namespace cloudtwin::dns
