// Compact IPv4 and IPv6 prefixes for BGP NLRI. A full table is a million of them, so they are
// smaller than core's `Prefix` (8 and 24 bytes against 32) and convert to it at the edges.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "cloudtwin/core/ip.h"

namespace cloudtwin::hybrid::bgp {

// An IPv4 prefix: network bits in the high `length` bits of `bits`, host bits always zero.
struct Ipv4Prefix {
  std::uint32_t bits = 0;
  std::uint8_t length = 0;

  // Clears the host bits; `length` must be at most 32.
  static constexpr Ipv4Prefix make(std::uint32_t address, int length) {
    std::uint32_t mask = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
    return Ipv4Prefix{address & mask, static_cast<std::uint8_t>(length)};
  }
  [[nodiscard]] static Ipv4Prefix from(const Prefix& p) {
    return make(static_cast<std::uint32_t>(p.address().bits()), p.length());
  }
  [[nodiscard]] Prefix prefix() const { return Prefix(IpAddress::v4(bits), length); }
  [[nodiscard]] std::string str() const { return prefix().str(); }

  friend auto operator<=>(const Ipv4Prefix&, const Ipv4Prefix&) = default;
};

// An IPv6 prefix: network bits in the high `length` bits of hi:lo, host bits always zero.
struct Ipv6Prefix {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  std::uint8_t length = 0;

  // Clears the host bits; `length` must be at most 128.
  static constexpr Ipv6Prefix make(U128 address, int length) {
    U128 mask = length == 0 ? 0 : ~U128{0} << (128 - length);
    U128 b = address & mask;
    return Ipv6Prefix{static_cast<std::uint64_t>(b >> 64), static_cast<std::uint64_t>(b),
                      static_cast<std::uint8_t>(length)};
  }
  [[nodiscard]] static Ipv6Prefix from(const Prefix& p) {
    return make(p.address().bits(), p.length());
  }
  [[nodiscard]] U128 bits() const { return (U128{hi} << 64) | lo; }
  [[nodiscard]] Prefix prefix() const { return Prefix(IpAddress::v6(bits()), length); }
  [[nodiscard]] std::string str() const { return prefix().str(); }

  friend auto operator<=>(const Ipv6Prefix&, const Ipv6Prefix&) = default;
};

static_assert(sizeof(Ipv4Prefix) == 8);
static_assert(sizeof(Ipv6Prefix) == 24);

}  // namespace cloudtwin::hybrid::bgp
