// What the edge's scenario tests share: a scripted origin on loopback that counts what it is
// asked, a blocking HTTP/1.1 client, and a running edge (Edge + Server on 127.0.0.1:0) over a
// network built in the test.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cloudtwin/cdn/edge.h"
#include "cloudtwin/cdn/http.h"
#include "cloudtwin/cdn/server.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::cdn::testing {

inline sockaddr_storage loopback(std::uint16_t port, socklen_t& len) {
  sockaddr_storage s{};
  auto& in = reinterpret_cast<sockaddr_in&>(s);
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  len = sizeof(sockaddr_in);
  return s;
}

// An origin on 127.0.0.1:0 answering with `handler`, one thread per connection.
class ScriptedOrigin {
 public:
  using Handler = std::function<Response(const Request&, int n)>;  // n: 1-based request count
  explicit ScriptedOrigin(Handler handler) : handler_(std::move(handler)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = 0;
    auto a = loopback(0, len);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd_, 1024) != 0) std::abort();
    sockaddr_in got{};
    socklen_t gl = sizeof got;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&got), &gl);
    port_ = ntohs(got.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedOrigin() {
    stopping_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (int c : open_) shutdown(c, SHUT_RDWR);
    for (auto& t : workers_) t.join();
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int requests() const { return count_; }
  [[nodiscard]] std::vector<Request> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) break;
      std::lock_guard lock(mutex_);
      open_.push_back(c);
      workers_.emplace_back([this, c] { serve(c); });
    }
  }
  void serve(int c) {
    RequestParser parser;
    char buf[16384];
    std::string in;
    for (;;) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      for (;;) {
        const std::size_t used = parser.feed(in.data(), in.size());
        in.erase(0, used);
        if (parser.failed()) {
          close(c);
          return;
        }
        if (!parser.ready()) break;
        Request q = parser.next();
        const int number = ++count_;
        {
          std::lock_guard lock(mutex_);
          seen_.push_back(q);
        }
        Response r = handler_(q, number);
        std::string out;
        Headers h = r.headers;
        if (!find_header(h, "Content-Length") && !find_header(h, "Transfer-Encoding"))
          h.push_back({"Content-Length", std::to_string(r.body.size())});
        write_status_and_headers(out, r.status, r.reason, h);
        if (q.method != "HEAD") out += r.body;
        if (send(c, out.data(), out.size(), MSG_NOSIGNAL) < 0) break;
        if (in.empty()) break;
      }
    }
    shutdown(c, SHUT_RDWR);
  }

  Handler handler_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> count_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> open_;
  std::vector<std::thread> workers_;
  std::vector<Request> seen_;
};

// A blocking HTTP/1.1 client over one keep-alive connection.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    socklen_t len = 0;
    auto a = loopback(port, len);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0) std::abort();
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends raw bytes and reads one response; nullopt when the connection closes first.
  std::optional<Response> raw(const std::string& bytes, bool head = false) {
    if (!bytes.empty() && send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) < 0) return std::nullopt;
    return read_one(head);
  }
  std::optional<Response> read_one(bool head = false) {
    ResponseParser p;
    p.reset(head);
    if (!pending_.empty()) {
      std::string pending = std::move(pending_);
      pending_.clear();
      p.feed(pending.data(), pending.size());
    }
    char buf[65536];
    while (!p.done()) {
      pollfd pf{fd_, POLLIN, 0};
      if (poll(&pf, 1, 10000) <= 0) return std::nullopt;
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        if (!p.finish()) return std::nullopt;
        break;
      }
      p.feed(buf, static_cast<std::size_t>(n));
    }
    return std::move(p.response());
  }
  std::optional<Response> get(const std::string& target, Headers headers = {},
                              const std::string& method = "GET") {
    if (!find_header(headers, "Host")) headers.insert(headers.begin(), {"Host", "www.example.com"});
    return raw(write_request(method, target, headers, ""), method == "HEAD");
  }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string pending_;
};

inline std::string header(const Response& r, std::string_view name) {
  const Header* h = find_header(r.headers, name);
  return h ? h->value : "";
}

// A network with one distribution (alias www.example.com) whose origin "web" is `origin_port`,
// a default behaviour with a cache policy (MinTTL, DefaultTTL, MaxTTL), and whatever `edit` adds.
inline std::shared_ptr<model::Network> network_with(
    std::int64_t min_ttl, std::int64_t default_ttl, std::int64_t max_ttl,
    const std::function<void(model::Network&, model::Distribution&)>& edit = {}) {
  auto n = std::make_shared<model::Network>();
  model::CachePolicy p;
  p.id = "cp-test";
  p.min_ttl = min_ttl;
  p.default_ttl = default_ttl;
  p.max_ttl = max_ttl;
  n->cache_policies.push_back(p);
  model::Distribution d;
  d.id = "E2TEST";
  d.domain_name = "d111111abcdef8.cloudfront.net";
  d.aliases = {"www.example.com"};
  model::Origin o;
  o.id = "web";
  o.domain_name = "origin.test";
  d.origins.push_back(o);
  d.default_behavior.target_origin_id = "web";
  d.default_behavior.cache_policy.text = "cp-test";
  if (edit) edit(*n, d);
  n->distributions.push_back(std::move(d));
  Diagnostics diagnostics;
  if (!model::finalize(*n, diagnostics)) {
    for (const auto& x : diagnostics.items()) fprintf(stderr, "%s\n", x.str().c_str());
    std::abort();
  }
  return n;
}

// An edge serving `network` on 127.0.0.1:0 (one POP, or the ones given) and an admin endpoint.
struct RunningEdge {
  std::unique_ptr<Edge> edge;
  std::unique_ptr<Server> server;
  std::vector<std::uint16_t> ports;  // one per POP, then the admin endpoint

  RunningEdge(std::shared_ptr<const model::Network> network, EdgeOptions options,
              unsigned threads = 1) {
    edge = std::make_unique<Edge>(std::move(network), options);
    ServerOptions so;
    so.threads = threads;
    so.request_timeout = std::chrono::milliseconds(1500);
    for (std::size_t pop = 0; pop <= edge->pops().size(); ++pop) {
      Listen l;
      l.address = loopback(0, l.length);
      l.text = "127.0.0.1:0";
      l.pop = pop < edge->pops().size() ? pop : 0;
      l.admin = pop == edge->pops().size();
      so.listen.push_back(l);
    }
    server = std::make_unique<Server>(so, *edge, [](const std::string&) {});
    std::string error;
    if (!server->start(error)) {
      fprintf(stderr, "%s\n", error.c_str());
      std::abort();
    }
    for (const auto& b : server->bound()) ports.push_back(static_cast<std::uint16_t>(std::stoi(b.substr(b.rfind(':') + 1))));
  }
  ~RunningEdge() {
    server->stop();
    server.reset();
    edge.reset();
  }
  [[nodiscard]] std::uint16_t port(std::size_t pop = 0) const { return ports[pop]; }
  [[nodiscard]] std::uint16_t admin() const { return ports.back(); }
};

inline EdgeOptions options_for(const ScriptedOrigin& origin) {
  EdgeOptions o;
  o.origins["web"] = {"127.0.0.1", origin.port()};
  o.fetchers = 8;
  return o;
}

}  // namespace cloudtwin::cdn::testing
