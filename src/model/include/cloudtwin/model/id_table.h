// Resource ids, names and aliases to the resources they name, while resources are still being
// added (finalize() resolving references, a reader merging what two files list): an
// open-addressing hash table of the distinct keys, each with the resources it names. Keys are
// copied into chunks that never move (a resource's own string moves with its list, and short
// ones keep their characters inline), so a network of 100,000 interfaces costs a few large
// allocations and one or two cache misses a lookup, instead of a node and a string per key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "cloudtwin/model/network.h"

namespace cloudtwin::model {

class IdTable {
 public:
  void clear();
  // Room for `keys` distinct keys without growing.
  void reserve(std::size_t keys);
  void add(std::string_view key, ResourceKey value);
  [[nodiscard]] bool contains(std::string_view key) const { return head(key) != kEnd; }
  // The first resource added under `key`, or null.
  [[nodiscard]] const ResourceKey* first(std::string_view key) const {
    const std::uint32_t e = head(key);
    return e == kEnd ? nullptr : &entries_[e].value;
  }

  // Calls f(ResourceKey) for each resource `key` names: the first one added, then the others
  // from the most recently added (the order std::unordered_multimap gives, which messages that
  // list several resources keep).
  template <typename F>
  void for_each(std::string_view key, F&& f) const {
    for (std::uint32_t e = head(key); e != kEnd; e = entries_[e].next) f(entries_[e].value);
  }
  // Calls f(key, ResourceKey) for every pair, in no particular order.
  template <typename F>
  void for_all(F&& f) const {
    for (const auto& s : slots_) {
      for (std::uint32_t e = s.head; e != kEnd; e = entries_[e].next) f(s.key, entries_[e].value);
    }
  }

 private:
  static constexpr std::uint32_t kEnd = 0xffffffffu;
  struct Slot {
    std::string_view key;
    std::uint32_t hash = 0;
    std::uint32_t head = kEnd;  // kEnd: the slot is free
  };
  struct Entry {
    ResourceKey value;
    std::uint32_t next;
  };

  [[nodiscard]] std::uint32_t head(std::string_view key) const;
  [[nodiscard]] std::size_t slot_of(std::string_view key, std::size_t hash) const;
  std::string_view store(std::string_view key);
  void rehash(std::size_t slots);

  std::vector<Slot> slots_;  // a power of two in size, at most half full
  std::vector<Entry> entries_;
  std::size_t keys_ = 0;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t chunk_used_ = 0, chunk_size_ = 0;
};

}  // namespace cloudtwin::model
