// One request to a server's admin endpoint (admin_client.h).
#include "admin_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cloudtwin/dns/server.h"

namespace cloudtwin::cli {

std::optional<cdn::Response> admin_call(const std::string& admin, std::string_view method,
                                        std::string_view path, const std::string& body,
                                        std::string& error) {
  auto e = dns::parse_endpoint(admin, error);
  if (!e) return std::nullopt;
  const int fd = socket(e->address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&e->address), e->length) < 0) {
    error = "cannot connect to the admin endpoint " + admin + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return std::nullopt;
  }
  cdn::Headers h = {{"Host", admin}, {"Content-Length", std::to_string(body.size())},
                    {"Connection", "close"}};
  const std::string request = cdn::write_request(method, path, h, body);
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  cdn::ResponseParser parser;
  parser.reset(false);
  char buf[8192];
  bool ok = true;
  while (!parser.done()) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 30000) <= 0) {
      error = "the admin endpoint did not answer within 30 s";
      ok = false;
      break;
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      ok = parser.finish();
      if (!ok) error = parser.error();
      break;
    }
    if (!parser.feed(buf, static_cast<std::size_t>(n))) {
      error = parser.error();
      ok = false;
      break;
    }
  }
  close(fd);
  if (!ok) return std::nullopt;
  return std::move(parser.response());
}

}  // namespace cloudtwin::cli
