#include "cloudtwin/model/id_table.h"

#include <algorithm>
#include <cstring>

namespace cloudtwin::model {

void IdTable::clear() {
  slots_.clear();
  entries_.clear();
  keys_ = 0;
  chunks_.clear();
  chunk_used_ = chunk_size_ = 0;
}

std::size_t IdTable::slot_of(std::string_view key, std::size_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(hash);
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.head == kEnd || (s.hash == tag && s.key == key)) return i;
  }
}

std::uint32_t IdTable::head(std::string_view key) const {
  if (slots_.empty()) return kEnd;
  return slots_[slot_of(key, std::hash<std::string_view>{}(key))].head;
}

std::string_view IdTable::store(std::string_view key) {
  if (key.empty()) return {};
  if (chunk_used_ + key.size() > chunk_size_) {
    chunk_size_ = std::max<std::size_t>(std::size_t{1} << 16, key.size());
    chunks_.push_back(std::make_unique<char[]>(chunk_size_));
    chunk_used_ = 0;
  }
  char* p = chunks_.back().get() + chunk_used_;
  std::memcpy(p, key.data(), key.size());
  chunk_used_ += key.size();
  return {p, key.size()};
}

void IdTable::rehash(std::size_t slots) {
  std::vector<Slot> old(slots);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.head == kEnd) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].head != kEnd) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void IdTable::reserve(std::size_t keys) {
  std::size_t slots = std::max<std::size_t>(64, slots_.size());
  while (slots < keys * 2) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

void IdTable::add(std::string_view key, ResourceKey value) {
  if ((keys_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(64, slots_.size() * 2));
  const std::size_t hash = std::hash<std::string_view>{}(key);
  Slot& s = slots_[slot_of(key, hash)];
  const auto e = static_cast<std::uint32_t>(entries_.size());
  if (s.head == kEnd) {
    s.key = store(key);
    s.hash = static_cast<std::uint32_t>(hash);
    s.head = e;
    entries_.push_back({value, kEnd});
    ++keys_;
  } else {
    // After the first, as std::unordered_multimap inserts an equal key.
    entries_.push_back({value, entries_[s.head].next});
    entries_[s.head].next = e;
  }
}

}  // namespace cloudtwin::model
