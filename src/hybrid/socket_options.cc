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

}  // namespace cloudtwin::hybrid
