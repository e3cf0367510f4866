// One cache tier's object store: a POP's, a regional edge cache's or an Origin Shield's. Objects
// are immutable once stored (readers hold a shared_ptr while they send one), sharded by key hash
// with a lock per shard, and evicted least-recently-used beyond the tier's byte budget.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cloudtwin/cdn/http.h"

namespace cloudtwin::cdn {

struct CachedObject {
  int status = 200;
  std::string reason;
  Headers headers;  // as the origin sent them, hop-by-hop headers removed
  std::string body;
  std::string distribution;   // its id: invalidations are per distribution
  std::string path_and_query;  // as the viewer asked (invalidation paths match this)
  double stored_at = 0;      // Unix seconds (with fraction) when stored or last refreshed
  double initial_age = 0;    // the age it had when stored (the origin's Age header, RFC 9111 §4.2.3)
  std::int64_t ttl = 0;      // seconds fresh from stored_at - initial_age
  std::int64_t stale_while_revalidate = 0;
  std::int64_t stale_if_error = 0;
  bool error_response = false;  // cached under the error-caching rules (§4)
  // The answer to a HEAD: no body; the origin's Content-Length, when it sent one.
  std::optional<std::size_t> head_length;
  std::string ttl_rule;        // how the TTL was decided (for the explain header)
  std::string etag, last_modified;

  [[nodiscard]] double age(double now) const { return initial_age + (now - stored_at); }
  [[nodiscard]] bool fresh(double now) const { return age(now) < static_cast<double>(ttl); }
  [[nodiscard]] std::size_t bytes() const;
};

class Store {
 public:
  explicit Store(std::string name, std::size_t max_bytes = 256u << 20);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  std::shared_ptr<const CachedObject> get(const std::string& key);
  void put(const std::string& key, std::shared_ptr<const CachedObject> object);
  void erase(const std::string& key);
  // Removes every object for which `match` is true; returns how many.
  std::size_t erase_if(const std::function<bool(const std::string& key, const CachedObject&)>& match);
  [[nodiscard]] std::size_t objects() const;
  [[nodiscard]] std::size_t bytes() const;
  void clear();

 private:
  static constexpr std::size_t kShards = 16;
  // The LRU list points at the map's own key (an unordered_map's nodes never move), so a key is
  // held once.
  struct Entry {
    std::shared_ptr<const CachedObject> object;
    std::list<const std::string*>::iterator lru;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Entry> map;
    std::list<const std::string*> lru;  // front = most recently used
    std::size_t bytes = 0;
  };
  Shard& shard(const std::string& key);
  void evict(Shard& s);

  std::string name_;
  std::size_t max_shard_bytes_;
  Shard shards_[kShards];
};

}  // namespace cloudtwin::cdn
