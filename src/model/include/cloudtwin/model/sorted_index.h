// An immutable multimap in one sorted array, searched by binary search. The model's lookup
// tables are built once by finalize() and then only read; an array costs a third of a hash
// table's nodes, which matters at 100,000 interfaces.
#pragma once

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

namespace cloudtwin::model {

template <typename K, typename V>
class SortedIndex {
 public:
  using Entry = std::pair<K, V>;

  // Equal keys keep the order they were given in.
  void build(std::vector<Entry> entries) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.first < b.first; });
    entries.shrink_to_fit();
    entries_ = std::move(entries);
  }

  // `entries` already sorted by key (equal keys in the order they are to keep): no second sort.
  void build_sorted(std::vector<Entry> entries) {
    entries.shrink_to_fit();
    entries_ = std::move(entries);
  }

  [[nodiscard]] std::span<const Entry> equal_range(const K& key) const {
    // One binary search, then the (few) equal keys one by one: lookups run in every walk.
    auto first = std::lower_bound(entries_.begin(), entries_.end(), key, Less{});
    auto last = first;
    while (last != entries_.end() && !(key < last->first)) ++last;
    return {first, last};
  }
  [[nodiscard]] bool contains(const K& key) const { return !equal_range(key).empty(); }
  [[nodiscard]] auto begin() const { return entries_.begin(); }
  [[nodiscard]] auto end() const { return entries_.end(); }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Less {
    bool operator()(const Entry& a, const K& k) const { return a.first < k; }
    bool operator()(const K& k, const Entry& a) const { return k < a.first; }
  };
  std::vector<Entry> entries_;
};

}  // namespace cloudtwin::model
