#include "cloudtwin/core/packet.h"

#include <charconv>

namespace cloudtwin {
namespace {

std::optional<int> parse_int(std::string_view t) {
  int v = 0;
  if (t.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
  return v;
}

std::string lower(std::string_view t) {
  std::string s(t);
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

}  // namespace

std::optional<Protocol> Protocol::parse(std::string_view text) {
  std::string t = lower(text);
  if (t == "tcp") return Protocol(kTcp);
  if (t == "udp") return Protocol(kUdp);
  if (t == "icmp") return Protocol(kIcmp);
  if (t == "icmpv6" || t == "icmp6") return Protocol(kIcmpV6);
  if (t == "-1" || t == "all" || t == "any") return Protocol(kAll);
  auto n = parse_int(t);
  if (!n || *n < 0 || *n > 255) return std::nullopt;
  return Protocol(*n);
}

std::string Protocol::str() const {
  switch (number_) {
    case kAll: return "all";
    case kTcp: return "tcp";
    case kUdp: return "udp";
    case kIcmp: return "icmp";
    case kIcmpV6: return "icmpv6";
    default: return std::to_string(number_);
  }
}

std::optional<PortRange> PortRange::parse(std::string_view text) {
  std::string t = lower(text);
  if (t == "any" || t == "all" || t == "-1") return PortRange::all();
  auto dash = t.find('-');
  if (dash == std::string::npos) {
    auto p = parse_int(t);
    if (!p || *p < 0 || *p > 65535) return std::nullopt;
    return PortRange::single(static_cast<std::uint16_t>(*p));
  }
  auto a = parse_int(std::string_view(t).substr(0, dash));
  auto b = parse_int(std::string_view(t).substr(dash + 1));
  if (!a || !b || *a < 0 || *b > 65535 || *a > *b) return std::nullopt;
  return PortRange{static_cast<std::uint16_t>(*a), static_cast<std::uint16_t>(*b)};
}

std::string PortRange::str() const {
  if (is_all()) return "all";
  if (from == to) return std::to_string(from);
  return std::to_string(from) + "-" + std::to_string(to);
}

std::string Header::str() const {
  std::string s = protocol.str() + " " + src.str();
  if (protocol.has_ports()) s += ":" + std::to_string(src_port);
  s += " -> " + dst.str();
  if (protocol.has_ports()) s += ":" + std::to_string(dst_port);
  if (protocol.is_icmp()) s += " type " + std::to_string(dst_port);
  return s;
}

}  // namespace cloudtwin
