#include "cloudtwin/verify/header_space.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <unordered_map>

namespace cloudtwin::verify {

namespace {

constexpr int kWidths[] = {8, 16, 16, 128, 128};

U128 ones(int bits) { return bits >= 128 ? ~U128{0} : (U128{1} << bits) - 1; }

// The variable of bit `bit` (0 = least significant) of a block.
int variable(Block b, int bit) {
  return HeaderSpace::first_variable(b) + HeaderSpace::width(b) - 1 - bit;
}

// x >= lo over the low `bits` bits of the block (higher bits unconstrained).
bdd at_least(Block b, int bits, U128 lo) {
  bdd r = bddtrue;
  for (int i = 0; i < bits; ++i) {
    bdd v = bdd_ithvar(variable(b, i));
    r = ((lo >> i) & 1) ? (v & r) : (v | r);
  }
  return r;
}

// x <= hi over the low `bits` bits of the block.
bdd at_most(Block b, int bits, U128 hi) {
  bdd r = bddtrue;
  for (int i = 0; i < bits; ++i) {
    bdd v = bdd_nithvar(variable(b, i));
    r = ((hi >> i) & 1) ? (v | r) : (v & r);
  }
  return r;
}

// The bits from `from` to `to` (inclusive) of a block all zero.
bdd zero_bits(Block b, int from, int to) {
  bdd r = bddtrue;
  for (int i = from; i <= to; ++i) r &= bdd_nithvar(variable(b, i));
  return r;
}

bdd high_bits_clear(Block b) {
  static std::array<bdd, 5> cache;
  auto& c = cache[static_cast<int>(b)];
  if (c == bdd()) c = zero_bits(b, 32, 127);
  return c;
}

}  // namespace

int HeaderSpace::width(Block b) { return kWidths[static_cast<int>(b)]; }

int HeaderSpace::first_variable(Block b) {
  // Addresses above protocol and ports: the path conditions of a pair of ENIs pin both
  // addresses, and conjoining a security group or network ACL then follows one path through
  // its address levels to a small protocol-and-port part. With protocol and ports on top the
  // same conjunction visited every port branch of the rule list (measured: 5x slower walks).
  constexpr int kFirst[] = {1 + 128 + 128, 1 + 128 + 128 + 8, 1 + 128 + 128 + 8 + 16, 1, 1 + 128};
  return kFirst[static_cast<int>(b)];
}

void HeaderSpace::init() {
  static std::once_flag once;
  std::call_once(once, [] {
    bdd_init(1 << 22, 1 << 20);
    bdd_setvarnum(kVariables);
    bdd_setmaxincrease(1 << 22);
    bdd_gbc_hook(nullptr);  // BuDDy prints every garbage collection otherwise
  });
}

bdd HeaderSpace::family(Family f) {
  init();
  return f == Family::kV4 ? bdd_nithvar(kFamilyVariable) : bdd_ithvar(kFamilyVariable);
}

bdd HeaderSpace::address(Block b, const Prefix& p) {
  init();
  int w = p.address().width();
  U128 v = p.address().bits();
  // Least significant bit first: each variable lands above the part built so far, so every
  // step makes one node (the block's high bits and the family, above all of them, come last).
  bdd r = bddtrue;
  for (int i = w - p.length(); i < w; ++i) {
    r = ((v >> i) & 1) ? bdd_ithvar(variable(b, i)) & r : bdd_nithvar(variable(b, i)) & r;
  }
  if (w == 32) r = high_bits_clear(b) & r;
  return family(p.family()) & r;
}

namespace {

// The union of the prefixes in [first, last) of one family, sorted by address, over the bits
// below `bit` (all prefixes agree on the bits above).
bdd trie(Block b, int w, std::span<const Prefix> prefixes, int bit) {
  if (prefixes.empty()) return bddfalse;
  for (const auto& p : prefixes) {
    if (w - p.length() >= bit + 1) return bddtrue;  // covers every value below this bit
  }
  auto ones = std::partition_point(prefixes.begin(), prefixes.end(), [&](const Prefix& p) {
    return ((p.address().bits() >> bit) & 1) == 0;
  });
  std::span<const Prefix> low(prefixes.begin(), ones);
  std::span<const Prefix> high(ones, prefixes.end());
  return bdd_ite(bdd_ithvar(variable(b, bit)), trie(b, w, high, bit - 1), trie(b, w, low, bit - 1));
}

}  // namespace

bdd HeaderSpace::addresses(Block b, std::vector<Prefix> prefixes) {
  init();
  // (A Prefix keeps its host bits clear, so sorting by address groups every subtree.)
  std::sort(prefixes.begin(), prefixes.end(), [](const Prefix& x, const Prefix& y) {
    if (x.family() != y.family()) return x.family() == Family::kV4;
    return x.address().bits() < y.address().bits();
  });
  auto v6 = std::partition_point(prefixes.begin(), prefixes.end(),
                                 [](const Prefix& p) { return p.family() == Family::kV4; });
  bdd r = bddfalse;
  if (v6 != prefixes.begin()) {
    r |= family(Family::kV4) & high_bits_clear(b) &
         trie(b, 32, std::span<const Prefix>(prefixes.begin(), v6), 31);
  }
  if (v6 != prefixes.end()) {
    r |= family(Family::kV6) & trie(b, 128, std::span<const Prefix>(v6, prefixes.end()), 127);
  }
  return r;
}

bdd HeaderSpace::addresses(Block b, std::span<const IpAddress> hosts) {
  std::vector<Prefix> prefixes;
  prefixes.reserve(hosts.size());
  for (const auto& a : hosts) prefixes.push_back(Prefix::host(a));
  return addresses(b, std::move(prefixes));
}

bdd HeaderSpace::address_range(Block b, Family f, U128 lo, U128 hi) {
  init();
  int w = f == Family::kV4 ? 32 : 128;
  bdd r = family(f);
  if (w == 32) r &= high_bits_clear(b);
  return r & at_least(b, w, lo) & at_most(b, w, hi);
}

// The path condition of every walk asks for a few protocols and port ranges again and again:
// each is built once (BuDDy runs for the life of the process).
bdd HeaderSpace::protocol(int number) {
  init();
  if (number == Protocol::kAll) return bddtrue;
  static std::array<bdd, 256> built;
  static std::array<bool, 256> done{};
  auto i = static_cast<std::size_t>(number & 0xff);
  if (!done[i]) {
    built[i] = value(Block::kProtocol, static_cast<U128>(i));
    done[i] = true;
  }
  return built[i];
}

bdd HeaderSpace::port(Block b, PortRange r) {
  init();
  if (r.is_all()) return bddtrue;
  static std::unordered_map<std::uint64_t, bdd> built;
  auto key = std::uint64_t{static_cast<std::uint8_t>(b)} << 32 | std::uint64_t{r.from} << 16 | r.to;
  auto [it, fresh] = built.try_emplace(key);
  if (fresh) it->second = at_least(b, 16, r.from) & at_most(b, 16, r.to);
  return it->second;
}

bdd HeaderSpace::value(Block b, U128 v) {
  init();
  bdd r = bddtrue;
  for (int i = 0; i < width(b); ++i) {
    r &= ((v >> i) & 1) ? bdd_ithvar(variable(b, i)) : bdd_nithvar(variable(b, i));
  }
  return r;
}

bdd HeaderSpace::variables(Block b) {
  init();
  // Built once per block (a conjunction grown one variable at a time is rebuilt at each).
  static const std::array<bdd, 5> kVariablesOf = [] {
    std::array<bdd, 5> a;
    for (int x = 0; x < 5; ++x) {
      std::vector<int> vars;
      for (int i = 0; i < width(static_cast<Block>(x)); ++i)
        vars.push_back(variable(static_cast<Block>(x), i));
      a[x] = bdd_makeset(vars.data(), static_cast<int>(vars.size()));
    }
    return a;
  }();
  return kVariablesOf[static_cast<int>(b)];
}

U128 HeaderSpace::support(const bdd& set, Block b) {
  init();
  int* vars = nullptr;
  int count = 0;
  bdd_scanset(bdd_support(set), vars, count);
  U128 mask = 0;
  const int first = first_variable(b);
  const int w = width(b);
  for (int i = 0; i < count; ++i) {
    if (vars[i] >= first && vars[i] < first + w) mask |= U128{1} << (first + w - 1 - vars[i]);
  }
  free(vars);  // NOLINT: bdd_scanset allocates with malloc
  return mask;
}

bdd HeaderSpace::well_formed() {
  init();
  static bdd cached = [] {
    bdd v4 = family(Family::kV4) & high_bits_clear(Block::kSrc) & high_bits_clear(Block::kDst);
    bdd addresses = v4 | family(Family::kV6);
    bdd with_ports = protocol(Protocol::kTcp) | protocol(Protocol::kUdp);
    // ICMP goes with IPv4 and ICMPv6 with IPv6.
    bdd icmp = ((protocol(Protocol::kIcmp) & family(Family::kV4)) |
                (protocol(Protocol::kIcmpV6) & family(Family::kV6))) &
               port(Block::kDstPort, {0, 255}) & port(Block::kSrcPort, {0, 255});
    bdd other = (!(with_ports | protocol(Protocol::kIcmp) | protocol(Protocol::kIcmpV6))) &
                port(Block::kDstPort, 0) & port(Block::kSrcPort, 0);
    return addresses & (with_ports | icmp | other);
  }();
  return cached;
}

Header HeaderSpace::pick(const bdd& set) {
  init();
  // The matrix picks from the same few sets over and over (one source's space towards every
  // destination): the last answers are kept, direct-mapped by node. Each entry holds its set,
  // so the node cannot be freed and its number reused for another set while the entry lives.
  struct Picked {
    bdd set = bddfalse;
    Header header;
  };
  static std::array<Picked, 256> picked;
  auto& slot = picked[static_cast<std::size_t>(set.id()) % picked.size()];
  if (slot.set == set && set != bddfalse) return slot.header;
  slot.set = set;
  slot.header = pick_uncached(set);
  return slot.header;
}

Header HeaderSpace::pick_uncached(const bdd& set) {
  bdd s = set;
  auto prefer = [&](const bdd& choice) {
    bdd narrowed = s & choice;
    if (narrowed != bddfalse) {
      s = narrowed;
      return true;
    }
    return false;
  };
  // The protocol and port choices test only the last variables of the order: each is tried on
  // the set's protocols and ports (its addresses projected away in one pass) rather than on the
  // set, a pass over every address node per choice, and those taken are applied to the set
  // once. The same packet comes out: a choice meets the set exactly when it meets the
  // projection.
  static const bdd kAddresses =
      variables(Block::kSrc) & variables(Block::kDst) & bdd_ithvar(kFamilyVariable);
  bdd fields = bdd_exist(set, kAddresses);
  bdd taken = bddtrue;
  auto prefer_field = [&](const bdd& choice) {
    bdd narrowed = fields & choice;
    if (narrowed != bddfalse) {
      fields = narrowed;
      taken &= choice;
      return true;
    }
    return false;
  };
  // Built once: pick() runs once per walk.
  static const std::array<bdd, 4> kProtocols = {protocol(Protocol::kTcp), protocol(Protocol::kUdp),
                                                protocol(Protocol::kIcmp),
                                                protocol(Protocol::kIcmpV6)};
  static const std::array<bdd, 8> kDstPorts = [] {
    std::array<bdd, 8> a;
    const std::uint16_t ports[] = {443, 80, 22, 5432, 3306, 53, 8, 128};
    for (int i = 0; i < 8; ++i) a[i] = port(Block::kDstPort, ports[i]);
    return a;
  }();
  static const std::array<bdd, 3> kSrcPorts = {
      port(Block::kSrcPort, 32768), port(Block::kSrcPort, 49152), port(Block::kSrcPort, 1024)};
  for (const auto& p : kProtocols) {
    if (prefer_field(p)) break;
  }
  // ICMP: an echo request reads best (the port list would pick type 80).
  static const bdd kWithPorts = protocol(Protocol::kTcp) | protocol(Protocol::kUdp);
  static const std::array<bdd, 2> kEcho = {port(Block::kDstPort, 8), port(Block::kDstPort, 128)};
  if ((fields & kWithPorts) == bddfalse) {
    for (const auto& p : kEcho) {
      if (prefer_field(p)) break;
    }
  }
  for (const auto& p : kDstPorts) {
    if (prefer_field(p)) break;
  }
  for (const auto& p : kSrcPorts) {
    if (prefer_field(p)) break;
  }
  if (taken != bddtrue) s &= taken;
  static const bdd kV4 = family(Family::kV4);
  prefer(kV4);
  // Hosts read better than the first address of a block: prefer x.x.x.10 (…::a in IPv6), as
  // trace does for the internet and on-premises networks.
  static const std::array<bdd, 2> kHosts = [] {
    std::array<bdd, 2> a;
    int i = 0;
    for (Block b : {Block::kSrc, Block::kDst}) {
      bdd r = bddtrue;
      for (int bit = 0; bit < 8; ++bit) {
        r &= ((10 >> bit) & 1) ? bdd_ithvar(variable(b, bit)) : bdd_nithvar(variable(b, bit));
      }
      a[i++] = r;
    }
    return a;
  }();
  for (const auto& h : kHosts) prefer(h);
  // One path to true, taking the low branch where it can, as bdd_satone does, but read off
  // the set itself instead of built as a new BDD (which cost a tenth of the matrix). The
  // variables the path skips read as 0, as fullsatone would set them.
  std::array<U128, 5> values{};
  bool v6 = false;
  for (BDD node = s.id(); node != bddtrue.id() && node != bddfalse.id();) {
    int var = bdd_var(node);
    bool bit = bdd_low(node) == bddfalse.id();
    node = bit ? bdd_high(node) : bdd_low(node);
    if (var == kFamilyVariable) {
      v6 = bit;
      continue;
    }
    for (int b = 0; b < 5; ++b) {
      int first = first_variable(static_cast<Block>(b));
      if (var < first || var >= first + kWidths[b]) continue;
      int position = kWidths[b] - 1 - (var - first);
      if (bit) values[b] |= U128{1} << position;
    }
  }
  Header h;
  auto addr = [&](U128 v) {
    return v6 ? IpAddress::v6(v) : IpAddress::v4(static_cast<std::uint32_t>(v));
  };
  h.protocol = Protocol(static_cast<int>(values[0]));
  h.dst_port = static_cast<std::uint16_t>(values[1]);
  h.src_port = static_cast<std::uint16_t>(values[2]);
  h.dst = addr(values[3]);
  h.src = addr(values[4]);
  return h;
}

bool HeaderSpace::contains(const bdd& set, const Header& h) {
  init();
  bdd cube = address(Block::kSrc, h.src) & address(Block::kDst, h.dst) &
             protocol(h.protocol.number()) & value(Block::kSrcPort, h.src_port) &
             value(Block::kDstPort, h.dst_port);
  return (set & cube) != bddfalse;
}

double HeaderSpace::count(const bdd& set) {
  init();
  return bdd_satcount(set);
}

HeaderSpace::Ranges HeaderSpace::ranges(const bdd& set, Block b, std::optional<Family> f,
                                        std::size_t limit) {
  init();
  bdd s = f ? (set & family(*f)) : set;
  // Per block, every variable outside it: a cube of some 250 variables, built once.
  static const std::array<bdd, 5> kOthers = [] {
    std::array<bdd, 5> a;
    for (int b = 0; b < 5; ++b) {
      const int first = first_variable(static_cast<Block>(b));
      const int w = width(static_cast<Block>(b));
      std::vector<int> vars;
      for (int v = 0; v < kVariables; ++v) {
        if (v < first || v >= first + w) vars.push_back(v);
      }
      a[b] = bdd_makeset(vars.data(), static_cast<int>(vars.size()));
    }
    return a;
  }();
  bdd projected = bdd_exist(s, kOthers[static_cast<int>(b)]);
  Ranges out;
  int w = width(b);
  int first = first_variable(b);
  auto emit = [&](U128 lo, U128 hi) {
    if (!out.ranges.empty() && out.ranges.back().second + 1 == lo) {
      out.ranges.back().second = hi;
      return;
    }
    if (out.ranges.size() >= limit) {
      out.truncated = true;
      return;
    }
    out.ranges.emplace_back(lo, hi);
  };
  // Depth-first over the block's bits, most significant first, so ranges come out sorted.
  auto walk = [&](auto& self, BDD node, int level, U128 acc) -> void {
    if (out.truncated || node == bddfalse.id()) return;
    int rest = w - level;
    if (node == bddtrue.id()) {
      U128 lo = rest >= 128 ? 0 : acc << rest;
      emit(lo, lo | ones(rest));
      return;
    }
    if (bdd_var(node) == first + level) {
      self(self, bdd_low(node), level + 1, acc << 1);
      self(self, bdd_high(node), level + 1, (acc << 1) | 1);
    } else {
      self(self, node, level + 1, acc << 1);
      self(self, node, level + 1, (acc << 1) | 1);
    }
  };
  walk(walk, projected.id(), 0, 0);
  return out;
}

std::vector<Prefix> cover(Family f, U128 lo, U128 hi) {
  int w = f == Family::kV4 ? 32 : 128;
  std::vector<Prefix> out;
  auto make = [&](U128 v) {
    return f == Family::kV4 ? IpAddress::v4(static_cast<std::uint32_t>(v)) : IpAddress::v6(v);
  };
  while (true) {
    // The largest aligned block starting at lo that stays within hi.
    int size = 0;
    while (size < w) {
      U128 mask = ones(size + 1);  // the next block size, minus one
      if ((lo & mask) != 0) break;
      U128 last = lo + mask;
      if (last > hi || last < lo) break;
      ++size;
    }
    out.emplace_back(make(lo), w - size);
    U128 last = lo + ones(size);
    if (last >= hi) break;
    lo = last + 1;
  }
  return out;
}

}  // namespace cloudtwin::verify
