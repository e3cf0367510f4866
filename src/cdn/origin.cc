// The edge's pooled HTTP/1.1 client toward origins (origin.h).
#include "cloudtwin/cdn/origin.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cloudtwin::cdn {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// A non-blocking connect bounded by `timeout`; -1 with `error` set on failure.
int connect_to(const OriginAddress& to, std::chrono::milliseconds timeout, std::string& error,
               bool& timed_out) {
  timed_out = false;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(to.port);
  if (int rc = getaddrinfo(to.host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    error = "cannot resolve origin `" + to.host + "`: " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  const auto deadline = Clock::now() + timeout;
  for (auto* a = list; a && fd < 0; a = a->ai_next) {
    int s = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) continue;
    int rc = connect(s, a->ai_addr, a->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      pollfd p{s, POLLOUT, 0};
      rc = poll(&p, 1, remaining_ms(deadline));
      if (rc == 0) {
        timed_out = true;
        error = "connecting to " + to.text() + " timed out";
        close(s);
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      if (err) errno = err;
    }
    if (rc < 0) {
      error = "cannot connect to " + to.text() + ": " + std::strerror(errno);
      close(s);
      continue;
    }
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd = s;
  }
  freeaddrinfo(list);
  return fd;
}

bool write_all(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
  return true;
}

}  // namespace

std::string OriginAddress::text() const {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                             : host + ":" + std::to_string(port);
}

OriginPool::~OriginPool() { close_all(); }

void OriginPool::close_all() {
  std::lock_guard lock(mutex_);
  for (auto& [key, list] : idle_)
    for (auto& i : list) close(i.fd);
  idle_.clear();
}

int OriginPool::take(const std::string& key, std::chrono::milliseconds keepalive) {
  std::lock_guard lock(mutex_);
  auto it = idle_.find(key);
  if (it == idle_.end()) return -1;
  auto& list = it->second;
  while (!list.empty()) {
    Idle i = list.back();
    list.pop_back();
    // The origin keep-alive timeout (OriginKeepaliveTimeout): an idle connection older than it
    // is not reused.
    if (Clock::now() - i.since < keepalive) return i.fd;
    close(i.fd);
  }
  return -1;
}

void OriginPool::give(const std::string& key, int fd) {
  std::lock_guard lock(mutex_);
  auto& list = idle_[key];
  if (list.size() >= 256) {
    close(fd);
    return;
  }
  list.push_back({fd, Clock::now()});
}

OriginResult OriginPool::send(const OriginAddress& to, const OriginTimeouts& t,
                              std::string_view method, const std::string& request_bytes) {
  OriginResult result;
  const std::string key = to.text();
  const bool retryable = method == "GET" || method == "HEAD";
  const int attempts = retryable ? std::max(1, t.connection_attempts) : 1;
  ResponseParser parser;
  char buffer[65536];
  for (int fresh_tries = 0; result.attempts < attempts;) {
    int fd = take(key, t.keepalive);
    const bool pooled = fd >= 0;
    if (!pooled) {
      ++result.attempts;
      bool timed_out = false;
      fd = connect_to(to, t.connect, result.error, timed_out);
      if (fd < 0) {
        result.kind = timed_out ? OriginResult::Kind::kTimeout : OriginResult::Kind::kConnectFailed;
        continue;
      }
      ++opened_;
    }
    const auto deadline = Clock::now() + t.read;
    parser.reset(method == "HEAD");
    bool ok = write_all(fd, request_bytes, deadline);
    bool got_bytes = false;
    bool timed_out = false;
    while (ok && !parser.done()) {
      pollfd p{fd, POLLIN, 0};
      int rc = poll(&p, 1, remaining_ms(deadline));
      if (rc == 0) {
        timed_out = true;
        ok = false;
        break;
      }
      ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) {
        ok = got_bytes && parser.finish();
        break;
      }
      got_bytes = true;
      if (!parser.feed(buffer, static_cast<std::size_t>(n))) {
        close(fd);
        result.kind = OriginResult::Kind::kBadResponse;
        result.error = parser.error();
        return result;
      }
    }
    if (ok && parser.done()) {
      if (parser.keep_alive()) {
        give(key, fd);
      } else {
        close(fd);
      }
      result.kind = OriginResult::Kind::kResponse;
      result.response = std::move(parser.response());
      result.error.clear();
      return result;
    }
    close(fd);
    if (pooled && !got_bytes && !timed_out && fresh_tries++ < 2) continue;  // a stale pooled connection
    if (timed_out) {
      result.kind = OriginResult::Kind::kTimeout;
      result.error = "the origin " + key + " did not answer within the response timeout";
      return result;  // §9: a read timeout is not retried as a connection attempt
    }
    if (got_bytes) {
      result.kind = OriginResult::Kind::kBadResponse;
      result.error = parser.error().empty() ? "the origin closed the connection mid-response"
                                            : parser.error();
      return result;
    }
    result.kind = OriginResult::Kind::kConnectFailed;
    result.error = "the origin " + key + " closed the connection without answering";
    if (pooled) continue;
  }
  return result;
}

}  // namespace cloudtwin::cdn
