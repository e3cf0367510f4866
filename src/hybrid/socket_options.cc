#include "cloudtwin/hybrid/socket_options.h"

// <netinet/tcp.h>, not <linux/tcp.h>: glibc defines struct tcp_md5sig and the two clash.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace cloudtwin::hybrid {

bool set_tcp_md5(int fd, const IpAddress& peer, std::string_view key) {
  if (key.size() > TCP_MD5SIG_MAXKEYLEN) return false;
  tcp_md5sig s{};
  if (peer.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&s.tcpm_addr);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(static_cast<std::uint32_t>(peer.bits()));
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&s.tcpm_addr);
    sin6->sin6_family = AF_INET6;
    U128 b = peer.bits();
    for (int i = 0; i < 16; ++i) {
      sin6->sin6_addr.s6_addr[i] = static_cast<std::uint8_t>(b >> (120 - 8 * i));
    }
  }
  s.tcpm_keylen = static_cast<std::uint16_t>(key.size());
  std::memcpy(s.tcpm_key, key.data(), key.size());
  return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &s, sizeof s) == 0;
}

bool tcp_md5_supported() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return false;
  bool ok = set_tcp_md5(fd, IpAddress::v4(0x7F000001), "probe");
  close(fd);
  return ok;
}

bool set_ttl(int fd, Family family, int ttl) {
  if (family == Family::kV4) return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0;
  return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) == 0;
}

socklen_t to_sockaddr(const IpAddress& a, std::uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (a.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr.s_addr = htonl(static_cast<std::uint32_t>(a.bits()));
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  U128 b = a.bits();
  for (int i = 0; i < 16; ++i)
    sin6->sin6_addr.s6_addr[i] = static_cast<std::uint8_t>(b >> (120 - 8 * i));
  return sizeof(sockaddr_in6);
}

std::optional<IpAddress> from_sockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
    return IpAddress::v4(ntohl(sin->sin_addr.s_addr));
  }
  if (ss.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    U128 b = 0;
    for (int i = 0; i < 16; ++i) b = (b << 8) | sin6->sin6_addr.s6_addr[i];
    // An IPv4 client on a dual-stack listener.
    if ((b >> 32) == 0xFFFF) return IpAddress::v4(static_cast<std::uint32_t>(b));
    return IpAddress::v6(b);
  }
  return std::nullopt;
}

}  // namespace cloudtwin::hybrid
