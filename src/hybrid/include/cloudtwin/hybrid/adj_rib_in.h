// The routes one BGP session received (RFC 4271 §3.2 Adj-RIB-In), kept compact: a full table is a
// million prefixes, so each route is a prefix and the index of an interned attribute set in an
// open-addressing table (12 bytes per IPv4 route slot, no allocation per route), and each distinct
// attribute set is stored once with a reference count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "cloudtwin/hybrid/bgp_message.h"
#include "cloudtwin/hybrid/bgp_prefix.h"
#include "cloudtwin/hybrid/update_packer.h"

namespace cloudtwin::hybrid {

// Attribute sets interned by value: equal sets share one index while any route uses them.
class AttributeStore {
 public:
  // The index of a set equal to `attributes`, adding it when new; takes one reference.
  std::uint32_t acquire(const bgp::PathAttributes& attributes);
  void add_reference(std::uint32_t index) { ++sets_[index].references; }
  // Drops one reference; the set is freed (its index reused) at zero.
  void release(std::uint32_t index);
  [[nodiscard]] const bgp::PathAttributes& get(std::uint32_t index) const {
    return sets_[index].attributes;
  }
  // Distinct sets in use.
  [[nodiscard]] std::size_t size() const { return sets_.size() - free_.size(); }
  void clear();

 private:
  struct Entry {
    bgp::PathAttributes attributes;
    std::uint64_t hash = 0;
    std::uint32_t references = 0;
  };
  std::vector<Entry> sets_;
  std::vector<std::uint32_t> free_;
  std::unordered_multimap<std::uint64_t, std::uint32_t> by_hash_;
};

[[nodiscard]] std::uint64_t hash_attributes(const bgp::PathAttributes& attributes);

// A map from prefix to attribute-set index with linear probing and backward-shift deletion.
// `Prefix` is `bgp::Ipv4Prefix` or `bgp::Ipv6Prefix`; a slot whose length is 255 is empty.
template <typename Prefix>
class PrefixTable {
 public:
  struct Slot {
    Prefix prefix{.length = kEmpty};
    std::uint32_t value = 0;
  };

  // Sets `prefix` to `value`; returns the previous value when the prefix was present.
  std::optional<std::uint32_t> insert(const Prefix& prefix, std::uint32_t value) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    std::size_t i = index_of(prefix);
    while (slots_[i].prefix.length != kEmpty) {
      if (slots_[i].prefix == prefix) {
        std::uint32_t old = slots_[i].value;
        slots_[i].value = value;
        return old;
      }
      i = (i + 1) & mask();
    }
    slots_[i] = Slot{prefix, value};
    ++size_;
    return std::nullopt;
  }

  // Removes `prefix`; returns its value when it was present.
  std::optional<std::uint32_t> erase(const Prefix& prefix) {
    if (size_ == 0) return std::nullopt;
    std::size_t i = index_of(prefix);
    while (slots_[i].prefix.length != kEmpty) {
      if (slots_[i].prefix == prefix) {
        std::uint32_t old = slots_[i].value;
        // Backward shift: move later entries of the probe run into the hole.
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & mask(); slots_[j].prefix.length != kEmpty;
             j = (j + 1) & mask()) {
          std::size_t home = index_of(slots_[j].prefix);
          if (((j - home) & mask()) >= ((j - hole) & mask())) {
            slots_[hole] = slots_[j];
            hole = j;
          }
        }
        slots_[hole] = Slot{};
        --size_;
        return old;
      }
      i = (i + 1) & mask();
    }
    return std::nullopt;
  }

  [[nodiscard]] std::optional<std::uint32_t> find(const Prefix& prefix) const {
    if (size_ == 0) return std::nullopt;
    for (std::size_t i = index_of(prefix); slots_[i].prefix.length != kEmpty;
         i = (i + 1) & mask()) {
      if (slots_[i].prefix == prefix) return slots_[i].value;
    }
    return std::nullopt;
  }

  template <typename F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.prefix.length != kEmpty) f(s.prefix, s.value);
    }
  }

  // Visits every value for change (a flag bit; not the prefixes).
  template <typename F>
  void for_each_value(F&& f) {
    for (Slot& s : slots_) {
      if (s.prefix.length != kEmpty) f(s.value);
    }
  }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t memory() const { return slots_.capacity() * sizeof(Slot); }
  void clear() {
    slots_ = {};
    size_ = 0;
  }

 private:
  static constexpr std::uint8_t kEmpty = 0xFF;

  [[nodiscard]] std::size_t mask() const { return slots_.size() - 1; }
  [[nodiscard]] std::size_t index_of(const Prefix& p) const { return hash(p) & mask(); }
  static std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }
  static std::uint64_t hash(const bgp::Ipv4Prefix& p) {
    return mix((std::uint64_t{p.bits} << 8) | p.length);
  }
  static std::uint64_t hash(const bgp::Ipv6Prefix& p) { return mix(p.hi ^ mix(p.lo ^ p.length)); }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.prefix.length != kEmpty) (void)insert(s.prefix, s.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

struct Ipv6Route {
  bgp::Ipv6Prefix prefix;
  std::uint32_t attributes = 0;
};

// A copy of an Adj-RIB-In: routes sorted by prefix, each naming a set in `attribute_sets`; the
// prefixes among them kept stale across a peer's restart (RFC 4724 §4.2), sorted.
struct RibSnapshot {
  std::vector<bgp::PathAttributes> attribute_sets;
  std::vector<bgp::Ipv4Route> ipv4;
  std::vector<Ipv6Route> ipv6;
  std::vector<bgp::Ipv4Prefix> stale_ipv4;
  std::vector<bgp::Ipv6Prefix> stale_ipv6;
};

// One session's received routes. The IPv6 next hop is kept in the attribute set's `next_hop`.
// A route may be stale (RFC 4724 §4.2: kept across the peer's restart until it is announced
// again, End-of-RIB or the restart time); the flag is the top bit of the table's value, so set
// indices stay below 2^31.
class AdjRibIn {
 public:
  // Adds or replaces the route (an implicit withdraw of the old one, RFC 4271 §9.1.4).
  void announce(const bgp::Ipv4Prefix& prefix, std::uint32_t set);
  void announce(const bgp::Ipv6Prefix& prefix, std::uint32_t set);
  // True when the prefix was present.
  bool withdraw(const bgp::Ipv4Prefix& prefix);
  bool withdraw(const bgp::Ipv6Prefix& prefix);

  // Interns a set for the `announce` calls of one UPDATE; `release_set` drops that reference
  // once the UPDATE's routes hold their own.
  std::uint32_t intern(const bgp::PathAttributes& attributes) { return store_.acquire(attributes); }
  void release_set(std::uint32_t set) { store_.release(set); }

  // Graceful restart (RFC 4724 §4.2): every route of the family becomes stale; an announcement
  // makes it fresh again; a sweep withdraws the stale ones and returns them.
  void mark_stale(bool ipv4, bool ipv6);
  std::vector<bgp::Ipv4Prefix> sweep_stale_ipv4();
  std::vector<bgp::Ipv6Prefix> sweep_stale_ipv6();
  [[nodiscard]] std::size_t stale_ipv4() const { return stale_ipv4_; }
  [[nodiscard]] std::size_t stale_ipv6() const { return stale_ipv6_; }

  [[nodiscard]] std::size_t ipv4_size() const { return ipv4_.size(); }
  [[nodiscard]] std::size_t ipv6_size() const { return ipv6_.size(); }
  [[nodiscard]] std::size_t attribute_sets() const { return store_.size(); }
  [[nodiscard]] std::optional<bgp::PathAttributes> find(const bgp::Ipv4Prefix& prefix) const;
  [[nodiscard]] std::optional<bgp::PathAttributes> find(const bgp::Ipv6Prefix& prefix) const;
  [[nodiscard]] RibSnapshot snapshot() const;
  // Every prefix, for the withdrawal event when the session goes down.
  [[nodiscard]] std::vector<bgp::Ipv4Prefix> ipv4_prefixes() const;
  [[nodiscard]] std::vector<bgp::Ipv6Prefix> ipv6_prefixes() const;
  void clear();

 private:
  AttributeStore store_;
  PrefixTable<bgp::Ipv4Prefix> ipv4_;
  PrefixTable<bgp::Ipv6Prefix> ipv6_;
  std::size_t stale_ipv4_ = 0;
  std::size_t stale_ipv6_ = 0;
};

}  // namespace cloudtwin::hybrid
