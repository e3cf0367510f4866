// The socket options a Direct Connect BGP session needs on Linux: TCP MD5 signatures (RFC 2385)
// keyed by peer address, and an outgoing TTL / hop limit of 1 (AWS: no multihop).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "cloudtwin/core/ip.h"

namespace cloudtwin::hybrid {

// Sets (or, with an empty key, removes) the MD5 key for `peer` on `fd`: before connect() on an
// active socket, on the listening socket for a passive one (accepted sockets inherit it).
// False with errno set when the kernel refuses.
[[nodiscard]] bool set_tcp_md5(int fd, const IpAddress& peer, std::string_view key);

// Whether this kernel accepts TCP_MD5SIG (CONFIG_TCP_MD5SIG).
[[nodiscard]] bool tcp_md5_supported();

// IP_TTL (IPv4) or IPV6_UNICAST_HOPS (IPv6).
[[nodiscard]] bool set_ttl(int fd, Family family, int ttl);

// `a`:`port` as a socket address (zeroed first); its length.
socklen_t to_sockaddr(const IpAddress& a, std::uint16_t port, sockaddr_storage& ss);
// The address of a socket address (an IPv4-mapped IPv6 one as IPv4); nullopt for other families.
[[nodiscard]] std::optional<IpAddress> from_sockaddr(const sockaddr_storage& ss);

}  // namespace cloudtwin::hybrid
