// A cache tier's object store (store.h).
#include "cloudtwin/cdn/store.h"

#include <algorithm>

namespace cloudtwin::cdn {

std::size_t CachedObject::bytes() const {
  std::size_t n = sizeof(CachedObject) + body.size() + path_and_query.size() + reason.size();
  for (const auto& h : headers) n += h.name.size() + h.value.size() + sizeof(Header);
  return n;
}

Store::Store(std::string name, std::size_t max_bytes)
    : name_(std::move(name)), max_shard_bytes_(std::max<std::size_t>(max_bytes / kShards, 1)) {}

Store::Shard& Store::shard(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

std::shared_ptr<const CachedObject> Store::get(const std::string& key) {
  auto& s = shard(key);
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(key);
  if (it == s.map.end()) return nullptr;
  s.lru.splice(s.lru.begin(), s.lru, it->second.lru);
  return it->second.object;
}

void Store::put(const std::string& key, std::shared_ptr<const CachedObject> object) {
  auto& s = shard(key);
  const std::size_t size = object->bytes() + key.size();
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(key);
  if (it != s.map.end()) {
    s.bytes -= it->second.object->bytes() + key.size();
    it->second.object = std::move(object);
    s.lru.splice(s.lru.begin(), s.lru, it->second.lru);
  } else {
    auto entry = s.map.emplace(key, Entry{std::move(object), {}}).first;
    s.lru.push_front(&entry->first);
    entry->second.lru = s.lru.begin();
  }
  s.bytes += size;
  evict(s);
}

void Store::evict(Shard& s) {
  while (s.bytes > max_shard_bytes_ && s.lru.size() > 1) {
    auto it = s.map.find(*s.lru.back());
    s.bytes -= it->second.object->bytes() + it->first.size();
    s.lru.pop_back();
    s.map.erase(it);
  }
}

void Store::erase(const std::string& key) {
  auto& s = shard(key);
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(key);
  if (it == s.map.end()) return;
  s.bytes -= it->second.object->bytes() + key.size();
  s.lru.erase(it->second.lru);
  s.map.erase(it);
}

std::size_t Store::erase_if(
    const std::function<bool(const std::string& key, const CachedObject&)>& match) {
  std::size_t removed = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (auto it = s.map.begin(); it != s.map.end();) {
      if (match(it->first, *it->second.object)) {
        s.bytes -= it->second.object->bytes() + it->first.size();
        s.lru.erase(it->second.lru);
        it = s.map.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
  }
  return removed;
}

std::size_t Store::objects() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.map.size();
  }
  return n;
}

std::size_t Store::bytes() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.bytes;
  }
  return n;
}

void Store::clear() {
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    s.map.clear();
    s.lru.clear();
    s.bytes = 0;
  }
}

}  // namespace cloudtwin::cdn
