#include "cloudtwin/hybrid/adj_rib_in.h"

#include <algorithm>

namespace cloudtwin::hybrid {

namespace {

struct Hasher {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0x100000001b3ULL;
  }
};

}  // namespace

std::uint64_t hash_attributes(const bgp::PathAttributes& a) {
  Hasher h;
  h.add(a.origin ? static_cast<std::uint64_t>(*a.origin) + 1 : 0);
  if (a.as_path) {
    h.add(a.as_path->size() + 1);
    for (const bgp::AsPathSegment& s : *a.as_path) {
      h.add(static_cast<std::uint64_t>(s.type));
      for (std::uint32_t asn : s.asns) h.add(asn);
    }
  }
  if (a.next_hop) {
    U128 b = a.next_hop->bits();
    h.add(static_cast<std::uint64_t>(b));
    h.add(static_cast<std::uint64_t>(b >> 64) ^ static_cast<std::uint64_t>(a.next_hop->family()));
  }
  h.add(a.med ? *a.med + (1ULL << 32) : 0);
  h.add(a.local_pref ? *a.local_pref + (1ULL << 32) : 0);
  h.add(a.atomic_aggregate);
  if (a.aggregator) h.add((std::uint64_t{a.aggregator->asn} << 32) | a.aggregator->address);
  h.add(a.communities.size());
  for (std::uint32_t c : a.communities) h.add(c);
  for (const bgp::RawAttribute& r : a.other) {
    h.add((std::uint64_t{r.flags} << 8) | r.type);
    for (std::uint8_t b : r.value) h.add(b);
  }
  return h.h;
}

std::uint32_t AttributeStore::acquire(const bgp::PathAttributes& attributes) {
  std::uint64_t hash = hash_attributes(attributes);
  auto [first, last] = by_hash_.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    Entry& e = sets_[it->second];
    if (e.attributes == attributes) {
      ++e.references;
      return it->second;
    }
  }
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
    sets_[index] = Entry{attributes, hash, 1};
  } else {
    index = static_cast<std::uint32_t>(sets_.size());
    sets_.push_back(Entry{attributes, hash, 1});
  }
  by_hash_.emplace(hash, index);
  return index;
}

void AttributeStore::release(std::uint32_t index) {
  Entry& e = sets_[index];
  if (--e.references > 0) return;
  auto [first, last] = by_hash_.equal_range(e.hash);
  for (auto it = first; it != last; ++it) {
    if (it->second == index) {
      by_hash_.erase(it);
      break;
    }
  }
  e.attributes = {};
  free_.push_back(index);
}

void AttributeStore::clear() {
  sets_.clear();
  free_.clear();
  by_hash_.clear();
}

namespace {

constexpr std::uint32_t kStale = 0x80000000u;  // the value's high bit: kept by RFC 4724 §4.2

template <typename Prefix>
void announce_in(PrefixTable<Prefix>& table, AttributeStore& store, std::size_t& stale,
                 const Prefix& prefix, std::uint32_t set) {
  store.add_reference(set);
  if (auto old = table.insert(prefix, set)) {
    if (*old & kStale) --stale;
    store.release(*old & ~kStale);
  }
}

template <typename Prefix>
bool withdraw_in(PrefixTable<Prefix>& table, AttributeStore& store, std::size_t& stale,
                 const Prefix& prefix) {
  auto old = table.erase(prefix);
  if (!old) return false;
  if (*old & kStale) --stale;
  store.release(*old & ~kStale);
  return true;
}

template <typename Prefix>
std::vector<Prefix> sweep_in(PrefixTable<Prefix>& table, AttributeStore& store,
                             std::size_t& stale) {
  std::vector<Prefix> gone;
  if (stale == 0) return gone;
  table.for_each([&](const Prefix& p, std::uint32_t v) {
    if (v & kStale) gone.push_back(p);
  });
  for (const Prefix& p : gone) withdraw_in(table, store, stale, p);
  return gone;
}

}  // namespace

void AdjRibIn::announce(const bgp::Ipv4Prefix& prefix, std::uint32_t set) {
  announce_in(ipv4_, store_, stale_ipv4_, prefix, set);
}

void AdjRibIn::announce(const bgp::Ipv6Prefix& prefix, std::uint32_t set) {
  announce_in(ipv6_, store_, stale_ipv6_, prefix, set);
}

bool AdjRibIn::withdraw(const bgp::Ipv4Prefix& prefix) {
  return withdraw_in(ipv4_, store_, stale_ipv4_, prefix);
}

bool AdjRibIn::withdraw(const bgp::Ipv6Prefix& prefix) {
  return withdraw_in(ipv6_, store_, stale_ipv6_, prefix);
}

void AdjRibIn::mark_stale(bool ipv4, bool ipv6) {
  if (ipv4) {
    ipv4_.for_each_value([](std::uint32_t& v) { v |= kStale; });
    stale_ipv4_ = ipv4_.size();
  }
  if (ipv6) {
    ipv6_.for_each_value([](std::uint32_t& v) { v |= kStale; });
    stale_ipv6_ = ipv6_.size();
  }
}

std::vector<bgp::Ipv4Prefix> AdjRibIn::sweep_stale_ipv4() {
  return sweep_in(ipv4_, store_, stale_ipv4_);
}

std::vector<bgp::Ipv6Prefix> AdjRibIn::sweep_stale_ipv6() {
  return sweep_in(ipv6_, store_, stale_ipv6_);
}

std::optional<bgp::PathAttributes> AdjRibIn::find(const bgp::Ipv4Prefix& prefix) const {
  auto set = ipv4_.find(prefix);
  if (!set) return std::nullopt;
  return store_.get(*set & ~kStale);
}

std::optional<bgp::PathAttributes> AdjRibIn::find(const bgp::Ipv6Prefix& prefix) const {
  auto set = ipv6_.find(prefix);
  if (!set) return std::nullopt;
  return store_.get(*set & ~kStale);
}

RibSnapshot AdjRibIn::snapshot() const {
  RibSnapshot out;
  std::unordered_map<std::uint32_t, std::uint32_t> dense;
  auto remap = [&](std::uint32_t value) {
    std::uint32_t set = value & ~kStale;
    auto [it, added] = dense.emplace(set, static_cast<std::uint32_t>(out.attribute_sets.size()));
    if (added) out.attribute_sets.push_back(store_.get(set));
    return it->second;
  };
  out.ipv4.reserve(ipv4_.size());
  ipv4_.for_each([&](const bgp::Ipv4Prefix& p, std::uint32_t v) {
    out.ipv4.push_back(bgp::Ipv4Route{p, remap(v)});
    if (v & kStale) out.stale_ipv4.push_back(p);
  });
  out.ipv6.reserve(ipv6_.size());
  ipv6_.for_each([&](const bgp::Ipv6Prefix& p, std::uint32_t v) {
    out.ipv6.push_back(Ipv6Route{p, remap(v)});
    if (v & kStale) out.stale_ipv6.push_back(p);
  });
  auto by_prefix = [](const auto& a, const auto& b) { return a.prefix < b.prefix; };
  std::sort(out.ipv4.begin(), out.ipv4.end(), by_prefix);
  std::sort(out.ipv6.begin(), out.ipv6.end(), by_prefix);
  std::sort(out.stale_ipv4.begin(), out.stale_ipv4.end());
  std::sort(out.stale_ipv6.begin(), out.stale_ipv6.end());
  return out;
}

std::vector<bgp::Ipv4Prefix> AdjRibIn::ipv4_prefixes() const {
  std::vector<bgp::Ipv4Prefix> out;
  out.reserve(ipv4_.size());
  ipv4_.for_each([&](const bgp::Ipv4Prefix& p, std::uint32_t) { out.push_back(p); });
  return out;
}

std::vector<bgp::Ipv6Prefix> AdjRibIn::ipv6_prefixes() const {
  std::vector<bgp::Ipv6Prefix> out;
  out.reserve(ipv6_.size());
  ipv6_.for_each([&](const bgp::Ipv6Prefix& p, std::uint32_t) { out.push_back(p); });
  return out;
}

void AdjRibIn::clear() {
  ipv4_.clear();
  ipv6_.clear();
  store_.clear();
  stale_ipv4_ = 0;
  stale_ipv6_ = 0;
}

}  // namespace cloudtwin::hybrid
