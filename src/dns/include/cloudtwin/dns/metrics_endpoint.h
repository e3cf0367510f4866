// `--metrics ADDR:PORT`: Prometheus scrapes GET /metrics. Only the request line is read (at most
// 8 KiB of headers, then the connection is closed), so no HTTP library is needed: any other
// path is 404, any other method 405.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "cloudtwin/dns/server.h"

namespace cloudtwin::dns {

class MetricsEndpoint {
 public:
  using Render = std::function<std::string()>;
  MetricsEndpoint() = default;
  ~MetricsEndpoint() { stop(); }
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  [[nodiscard]] bool start(const Endpoint& at, Render render, std::string& error);
  void stop();
  [[nodiscard]] std::string bound() const { return bound_; }

 private:
  void run();
  int fd_ = -1;
  int stop_fd_ = -1;
  Render render_;
  std::string bound_;
  std::thread thread_;
};

}  // namespace cloudtwin::dns
