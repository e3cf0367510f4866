// Protocols, port ranges and the 5-tuple header a trace carries through the network.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cloudtwin/core/ip.h"

namespace cloudtwin {

// An IP protocol number, or "all" (AWS writes -1).
class Protocol {
 public:
  static constexpr int kAll = -1;
  static constexpr int kIcmp = 1;
  static constexpr int kTcp = 6;
  static constexpr int kUdp = 17;
  static constexpr int kIcmpV6 = 58;

  constexpr Protocol() = default;
  constexpr explicit Protocol(int number) : number_(number) {}
  // Accepts AWS spellings: "tcp", "udp", "icmp", "icmpv6", "-1", "all", or a number 0-255.
  [[nodiscard]] static std::optional<Protocol> parse(std::string_view text);

  [[nodiscard]] int number() const { return number_; }
  [[nodiscard]] bool is_all() const { return number_ == kAll; }
  [[nodiscard]] bool has_ports() const { return number_ == kTcp || number_ == kUdp; }
  [[nodiscard]] bool is_icmp() const { return number_ == kIcmp || number_ == kIcmpV6; }
  [[nodiscard]] bool matches(Protocol packet) const { return is_all() || number_ == packet.number_; }
  [[nodiscard]] std::string str() const;

  friend auto operator<=>(const Protocol&, const Protocol&) = default;

 private:
  int number_ = kAll;
};

// An inclusive range of ports (or ICMP types); the full range 0-65535 means "any".
struct PortRange {
  std::uint16_t from = 0;
  std::uint16_t to = 65535;

  [[nodiscard]] static PortRange all() { return {}; }
  [[nodiscard]] static PortRange single(std::uint16_t p) { return {p, p}; }
  // "443", "1024-65535", "any"/"all"/"-1".
  [[nodiscard]] static std::optional<PortRange> parse(std::string_view text);
  [[nodiscard]] bool contains(std::uint16_t p) const { return from <= p && p <= to; }
  [[nodiscard]] bool is_all() const { return from == 0 && to == 65535; }
  [[nodiscard]] std::string str() const;

  friend auto operator<=>(const PortRange&, const PortRange&) = default;
};

// The header of one packet. For ICMP, `dst_port` carries the type and `src_port` the code.
struct Header {
  IpAddress src;
  IpAddress dst;
  Protocol protocol{Protocol::kTcp};
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;

  [[nodiscard]] Header reversed() const {
    Header r = *this;
    std::swap(r.src, r.dst);
    std::swap(r.src_port, r.dst_port);
    if (protocol.is_icmp()) {
      // An echo request (8 / 128) is answered by an echo reply (0 / 129).
      r.src_port = 0;
      r.dst_port = protocol.number() == Protocol::kIcmp ? (dst_port == 8 ? 0 : dst_port)
                                                         : (dst_port == 128 ? 129 : dst_port);
    }
    return r;
  }
  [[nodiscard]] std::string str() const;

  friend bool operator==(const Header&, const Header&) = default;
};

}  // namespace cloudtwin
