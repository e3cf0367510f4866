#include "cloudtwin/core/ip.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>

namespace cloudtwin {
namespace {

U128 mask_of(int width, int length) {
  if (length == 0) return 0;
  U128 all = width == 32 ? U128{0xffffffffu} : ~U128{0};
  return (all << (width - length)) & all;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::array<char, 46> buf{};
  text.copy(buf.data(), text.size());
  if (text.find(':') == std::string_view::npos) {
    // inet_pton accepts exactly four decimal octets, no leading '+' or shorthand forms.
    in_addr a4{};
    if (inet_pton(AF_INET, buf.data(), &a4) != 1) return std::nullopt;
    return IpAddress::v4(ntohl(a4.s_addr));
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, buf.data(), &a6) != 1) return std::nullopt;
  U128 bits = 0;
  for (unsigned char byte : a6.s6_addr) bits = (bits << 8) | byte;
  return IpAddress::v6(bits);
}

std::string IpAddress::str() const {
  if (is_v4()) {
    // Formatted by hand: traces print many addresses and inet_ntop goes through sprintf.
    std::string out;
    out.reserve(15);
    for (int shift = 24; shift >= 0; shift -= 8) {
      unsigned octet = static_cast<unsigned>(lo_ >> shift) & 0xff;
      if (octet >= 100) out.push_back(static_cast<char>('0' + octet / 100));
      if (octet >= 10) out.push_back(static_cast<char>('0' + octet / 10 % 10));
      out.push_back(static_cast<char>('0' + octet % 10));
      if (shift > 0) out.push_back('.');
    }
    return out;
  }
  std::array<char, INET6_ADDRSTRLEN> buf{};
  in6_addr a6{};
  U128 b = bits();
  for (int i = 15; i >= 0; --i) {
    a6.s6_addr[i] = static_cast<unsigned char>(b & 0xff);
    b >>= 8;
  }
  inet_ntop(AF_INET6, &a6, buf.data(), buf.size());
  return buf.data();
}

IpAddress IpAddress::plus(U128 n) const {
  U128 v = bits() + n;
  if (is_v4()) v &= 0xffffffffu;
  return IpAddress(family_, v);
}

Prefix::Prefix(IpAddress address, int length)
    : address_(address.is_v4() ? IpAddress::v4(static_cast<std::uint32_t>(
                                     address.bits() & mask_of(32, length)))
                               : IpAddress::v6(address.bits() & mask_of(128, length))),
      length_(static_cast<std::uint8_t>(length)) {}

std::optional<InterfaceAddress> parse_interface_address(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = IpAddress::parse(text.substr(0, slash));
  const std::string_view digits = text.substr(slash + 1);
  int length = -1;
  const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  if (!address || digits.empty() || digits.size() > 3 || digits.front() == '-' || parsed.ec != std::errc() ||
      parsed.ptr != digits.data() + digits.size() || length < 0 || length > address->width())
    return std::nullopt;
  return InterfaceAddress{*address, length};
}

std::optional<Prefix> Prefix::parse(std::string_view text, bool strict) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  auto len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3) return std::nullopt;
  int len = -1;
  auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc{} || end != len_text.data() + len_text.size()) return std::nullopt;
  if (len < 0 || len > addr->width()) return std::nullopt;
  Prefix p(*addr, len);
  if (strict && p.address() != *addr) return std::nullopt;
  return p;
}

bool Prefix::contains(IpAddress a) const {
  if (a.family() != family()) return false;
  return (a.bits() & mask_of(a.width(), length_)) == address_.bits();
}

bool Prefix::contains(const Prefix& p) const {
  return p.family() == family() && p.length_ >= length_ && contains(p.address_);
}

IpAddress Prefix::last() const {
  int w = address_.width();
  U128 all = w == 32 ? U128{0xffffffffu} : ~U128{0};
  U128 host = all & ~mask_of(w, length_);
  return address_.is_v4() ? IpAddress::v4(static_cast<std::uint32_t>(address_.bits() | host))
                 : IpAddress::v6(address_.bits() | host);
}

U128 Prefix::size() const {
  int host_bits = address_.width() - length_;
  if (host_bits >= 127) return U128{1} << 127;
  return U128{1} << host_bits;
}

std::string Prefix::str() const { return address_.str() + "/" + std::to_string(length_); }

bool is_rfc1918(IpAddress a) {
  static const Prefix k10 = *Prefix::parse("10.0.0.0/8");
  static const Prefix k172 = *Prefix::parse("172.16.0.0/12");
  static const Prefix k192 = *Prefix::parse("192.168.0.0/16");
  return k10.contains(a) || k172.contains(a) || k192.contains(a);
}

bool is_rfc6598(IpAddress a) {
  static const Prefix k100 = *Prefix::parse("100.64.0.0/10");
  return k100.contains(a);
}

}  // namespace cloudtwin
