// IPv4/IPv6 addresses and prefixes as small comparable value types, parsed once at the edge.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cloudtwin {

enum class Family : std::uint8_t { kV4 = 4, kV6 = 6 };

using U128 = unsigned __int128;

// An IPv4 or IPv6 address. IPv4 values live in the low 32 bits.
class IpAddress {
 public:
  constexpr IpAddress() = default;
  static constexpr IpAddress v4(std::uint32_t bits) { return IpAddress(Family::kV4, bits); }
  static constexpr IpAddress v6(U128 bits) { return IpAddress(Family::kV6, bits); }

  // Parses dotted-quad IPv4 or RFC 4291 IPv6 text; nullopt on anything else.
  [[nodiscard]] static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] Family family() const { return family_; }
  [[nodiscard]] bool is_v4() const { return family_ == Family::kV4; }
  [[nodiscard]] bool is_v6() const { return family_ == Family::kV6; }
  [[nodiscard]] U128 bits() const { return (U128{hi_} << 64) | lo_; }
  [[nodiscard]] int width() const { return is_v4() ? 32 : 128; }
  [[nodiscard]] std::string str() const;

  // The address `n` positions later (wraps within the family's width).
  [[nodiscard]] IpAddress plus(U128 n) const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  constexpr IpAddress(Family f, U128 bits)
      : family_(f), hi_(static_cast<std::uint64_t>(bits >> 64)), lo_(static_cast<std::uint64_t>(bits)) {}
  // Two 64-bit halves rather than one __int128 keep the type at 24 bytes (8-byte alignment);
  // the model holds hundreds of thousands of addresses.
  Family family_ = Family::kV4;
  std::uint64_t hi_ = 0;
  std::uint64_t lo_ = 0;
};

// A CIDR block. The network address is always canonical (host bits zero).
class Prefix {
 public:
  constexpr Prefix() = default;
  Prefix(IpAddress address, int length);  // host bits are cleared

  // Parses "a.b.c.d/n" or "x::/n". With `strict`, host bits set is an error (AWS rejects them
  // in most APIs); otherwise they are cleared.
  [[nodiscard]] static std::optional<Prefix> parse(std::string_view text, bool strict = false);
  [[nodiscard]] static Prefix host(IpAddress a) { return Prefix(a, a.width()); }
  [[nodiscard]] static Prefix any(Family f) {
    return Prefix(f == Family::kV4 ? IpAddress::v4(0) : IpAddress::v6(0), 0);
  }

  [[nodiscard]] IpAddress address() const { return address_; }
  [[nodiscard]] int length() const { return length_; }
  [[nodiscard]] Family family() const { return address_.family(); }
  [[nodiscard]] bool contains(IpAddress a) const;
  [[nodiscard]] bool contains(const Prefix& p) const;
  [[nodiscard]] bool overlaps(const Prefix& p) const { return contains(p) || p.contains(*this); }
  [[nodiscard]] IpAddress last() const;
  [[nodiscard]] U128 size() const;  // number of addresses (saturates at 2^127 for huge IPv6)
  [[nodiscard]] std::string str() const;

  friend auto operator<=>(const Prefix&, const Prefix&) = default;

 private:
  IpAddress address_;
  std::uint8_t length_ = 0;
};

// An interface address with the length of its link's prefix, host bits kept
// ("169.254.255.1/30", "2001:db8::1/125"), as BGP peer addresses are written; nullopt if the text
// is not one.
struct InterfaceAddress {
  IpAddress address;
  int length = 0;
};
[[nodiscard]] std::optional<InterfaceAddress> parse_interface_address(std::string_view text);

// Well-known ranges AWS treats specially.
bool is_rfc1918(IpAddress a);
bool is_rfc6598(IpAddress a);  // 100.64.0.0/10, carrier-grade NAT

}  // namespace cloudtwin

template <>
struct std::hash<cloudtwin::IpAddress> {
  std::size_t operator()(const cloudtwin::IpAddress& a) const noexcept {
    auto b = a.bits();
    return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(b) ^
                                      static_cast<std::uint64_t>(b >> 64) * 31 ^
                                      static_cast<std::uint64_t>(a.family()));
  }
};
