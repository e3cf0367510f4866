// The edge's HTTP/1.1 client toward origins: keep-alive connections pooled per origin address,
// CloudFront's connection attempts and timeouts (cloudfront.md §9), blocking I/O on the fetcher
// threads (the viewer side never blocks on an origin).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cloudtwin/cdn/http.h"

namespace cloudtwin::cdn {

struct OriginAddress {
  std::string host;  // a literal address or a name resolved with getaddrinfo
  std::uint16_t port = 80;
  [[nodiscard]] std::string text() const;
};

struct OriginTimeouts {
  int connection_attempts = 3;
  std::chrono::milliseconds connect{10000};
  std::chrono::milliseconds read{30000};
  std::chrono::milliseconds keepalive{5000};
};

struct OriginResult {
  enum class Kind { kResponse, kConnectFailed, kTimeout, kBadResponse };
  Kind kind = Kind::kResponse;
  Response response;
  std::string error;  // for the other kinds
  int attempts = 0;
};

class OriginPool {
 public:
  OriginPool() = default;
  ~OriginPool();
  OriginPool(const OriginPool&) = delete;
  OriginPool& operator=(const OriginPool&) = delete;

  // Sends one request and reads the response. A pooled connection the origin closed meanwhile
  // is retried on a fresh one (that is not an attempt); connection failures are retried up to
  // connection_attempts for GET and HEAD (§9: other methods are not retried).
  OriginResult send(const OriginAddress& to, const OriginTimeouts& t, std::string_view method,
                    const std::string& request_bytes);
  [[nodiscard]] std::uint64_t connections_opened() const { return opened_; }
  void close_all();

 private:
  struct Idle {
    int fd;
    std::chrono::steady_clock::time_point since;
  };
  int take(const std::string& key, std::chrono::milliseconds keepalive);
  void give(const std::string& key, int fd);

  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Idle>> idle_;
  std::atomic<std::uint64_t> opened_{0};
};

}  // namespace cloudtwin::cdn
