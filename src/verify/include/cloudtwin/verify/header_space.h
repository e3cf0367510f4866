// Sets of packet headers as binary decision diagrams (BuDDy). One process-wide variable order,
// most significant bit first so a CIDR block is a cube:
//   family (1: 0 = IPv4, 1 = IPv6) · destination address (128) · source address (128)
//   · protocol (8) · destination port (16) · source port (16).
// (first_variable() gives each block's place; nothing else should assume it.)
// An IPv4 address lives in the low 32 bits of its 128 with the high 96 bits zero, as in
// cloudtwin::IpAddress. For ICMP the destination port carries the type and the source port the
// code, as in Header.
#pragma once

#include <bdd.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"

namespace cloudtwin::verify {

enum class Block : std::uint8_t { kProtocol, kDstPort, kSrcPort, kDst, kSrc };

class HeaderSpace {
 public:
  // Starts BuDDy on first use; every function below calls it.
  static void init();

  // Every well-formed header: IPv4 addresses with the high bits clear, and ports only where
  // the protocol has them (TCP, UDP; ICMP's type and code below 256; zero otherwise).
  static bdd well_formed();
  static bdd family(Family f);
  static bdd address(Block b, const Prefix& p);
  static bdd address(Block b, IpAddress a) { return address(b, Prefix::host(a)); }
  // The union of many prefixes (or hosts), built in one pass over them sorted: linear in their
  // number, where OR-ing them one by one into a growing set is quadratic.
  static bdd addresses(Block b, std::vector<Prefix> prefixes);
  static bdd addresses(Block b, std::span<const IpAddress> hosts);
  // Addresses from `lo` to `hi` (inclusive) of family `f`.
  static bdd address_range(Block b, Family f, U128 lo, U128 hi);
  static bdd protocol(int number);  // Protocol::kAll: every protocol
  static bdd port(Block b, PortRange r);
  static bdd port(Block b, std::uint16_t p) { return port(b, PortRange::single(p)); }
  // The value of a block fixed, as a cube (for bdd_restrict).
  static bdd value(Block b, U128 v);
  // All variables of a block, as a set (for bdd_exist).
  static bdd variables(Block b);
  // The bits of block `b` that `set` depends on, as a mask over the block's value: two values
  // equal under the mask restrict `set` alike.
  static U128 support(const bdd& set, Block b);

  // One header of a non-empty set; `prefer` narrows the choice when it can (a common port, a
  // common protocol) so representatives read naturally.
  static Header pick(const bdd& set);
  // Whether the concrete header `h` is in `set`.
  static bool contains(const bdd& set, const Header& h);
  // The number of headers in the set, as a double (up to 2^297).
  static double count(const bdd& set);

  // The values of one block in `set` (other blocks projected away), as sorted disjoint
  // inclusive ranges. Stops after `limit` ranges; `truncated` tells.
  struct Ranges {
    std::vector<std::pair<U128, U128>> ranges;
    bool truncated = false;
  };
  static Ranges ranges(const bdd& set, Block b, std::optional<Family> f = std::nullopt,
                       std::size_t limit = 4096);

  static int width(Block b);
  static int first_variable(Block b);
  static constexpr int kFamilyVariable = 0;
  static constexpr int kVariables = 1 + 8 + 16 + 16 + 128 + 128;

 private:
  static Header pick_uncached(const bdd& set);
};

// CIDR blocks covering an inclusive range of one family, largest first.
std::vector<Prefix> cover(Family f, U128 lo, U128 hi);

}  // namespace cloudtwin::verify
