#include "cloudtwin/dns/metrics_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cloudtwin::dns {

bool MetricsEndpoint::start(const Endpoint& at, Render render, std::string& error) {
  return start(
      at,
      [render = std::move(render)](std::string_view method, std::string_view target) {
        Reply r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        if (method != "GET") {
          r.status = "405 Method Not Allowed";
          r.body = "GET /metrics\n";
        } else if (target != "/metrics" && !target.starts_with("/metrics?") && target != "/") {
          r.status = "404 Not Found";
          r.body = "GET /metrics\n";
        } else {
          r.body = render();
        }
        return r;
      },
      error);
}

bool MetricsEndpoint::start(const Endpoint& at, Handler handler, std::string& error) {
  handler_ = std::move(handler);
  fd_ = socket(at.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd_ < 0 || bind(fd_, reinterpret_cast<const sockaddr*>(&at.address), at.length) != 0 || listen(fd_, 16) != 0) {
    error = "cannot serve metrics on " + at.text + ": " + std::strerror(errno);
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return false;
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  char host[INET6_ADDRSTRLEN] = {};
  if (bound.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(bound);
    inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
    bound_ = std::string(host) + ":" + std::to_string(ntohs(a.sin_port));
  } else {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(bound);
    inet_ntop(AF_INET6, &a.sin6_addr, host, sizeof host);
    bound_ = "[" + std::string(host) + "]:" + std::to_string(ntohs(a.sin6_port));
  }
  stop_fd_ = eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { run(); });
  return true;
}

void MetricsEndpoint::stop() {
  if (stop_fd_ < 0) return;
  std::uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  close(fd_);
  close(stop_fd_);
  fd_ = stop_fd_ = -1;
}

void MetricsEndpoint::run() {
  while (true) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents) return;
    int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    timeval timeout{2, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    std::string request;
    char buf[1024];
    while (request.find("\r\n\r\n") == std::string::npos && request.find("\n\n") == std::string::npos &&
           request.size() < 8192) {
      ssize_t r = recv(c, buf, sizeof buf, 0);
      if (r <= 0) break;
      request.append(buf, static_cast<std::size_t>(r));
    }
    // The request line: METHOD SP TARGET SP VERSION.
    const auto line_end = request.find_first_of("\r\n");
    const std::string_view line = std::string_view(request).substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    Reply reply;
    if (sp2 == std::string_view::npos) {
      reply.status = "400 Bad Request";
      reply.body = "a request line: METHOD TARGET HTTP/1.1\n";
    } else {
      reply = handler_(line.substr(0, sp1), line.substr(sp1 + 1, sp2 - sp1 - 1));
    }
    std::string response = "HTTP/1.1 " + reply.status + "\r\nContent-Type: " + reply.content_type +
                           "\r\nContent-Length: " + std::to_string(reply.body.size()) +
                           "\r\nConnection: close\r\n\r\n" + reply.body;
    std::size_t sent = 0;
    while (sent < response.size()) {
      ssize_t w = send(c, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (w <= 0) break;
      sent += static_cast<std::size_t>(w);
    }
    close(c);
  }
}

}  // namespace cloudtwin::dns
