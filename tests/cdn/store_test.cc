// A cache tier's store: least recently used objects leave first when the byte limit is passed,
// and every way out (eviction, erase, erase_if, clear) keeps the count and the bytes exact.
#include <gtest/gtest.h>

#include "cloudtwin/cdn/store.h"

namespace cloudtwin::cdn {
namespace {

std::shared_ptr<const CachedObject> object(std::size_t body_bytes, std::string path = "/") {
  auto o = std::make_shared<CachedObject>();
  o->body.assign(body_bytes, 'x');
  o->path_and_query = std::move(path);
  return o;
}

// Keys that land in one shard, so the per-shard limit is what is tested.
std::vector<std::string> same_shard_keys(std::size_t n) {
  std::vector<std::string> keys;
  const std::size_t want = std::hash<std::string>{}("k0") % 16;
  for (int i = 0; keys.size() < n; ++i) {
    std::string k = "k" + std::to_string(i);
    if (std::hash<std::string>{}(k) % 16 == want) keys.push_back(k);
  }
  return keys;
}

TEST(Store, EvictsTheLeastRecentlyUsed) {
  const std::size_t one = object(1000)->bytes() + 8;
  Store store("POP", 16 * (3 * one + one / 2));  // three objects per shard
  const auto keys = same_shard_keys(4);
  for (int i = 0; i < 3; ++i) store.put(keys[i], object(1000));
  ASSERT_TRUE(store.get(keys[0]));  // keys[1] is now the least recently used
  store.put(keys[3], object(1000));
  EXPECT_TRUE(store.get(keys[0]));
  EXPECT_FALSE(store.get(keys[1]));
  EXPECT_TRUE(store.get(keys[2]));
  EXPECT_TRUE(store.get(keys[3]));
  EXPECT_EQ(store.objects(), 3u);
}

TEST(Store, ReplacingAndRemovingKeepTheBytesExact) {
  Store store("REC", 1u << 20);
  store.put("a", object(100, "/a"));
  store.put("b", object(200, "/b"));
  const std::size_t two = store.bytes();
  store.put("a", object(300, "/a"));  // replaced, not added
  EXPECT_EQ(store.objects(), 2u);
  EXPECT_EQ(store.bytes(), two + 200);
  store.erase("b");
  store.erase("missing");
  EXPECT_EQ(store.objects(), 1u);
  EXPECT_EQ(store.erase_if([](const std::string&, const CachedObject& o) { return o.path_and_query == "/a"; }), 1u);
  EXPECT_EQ(store.objects(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
  // The LRU list still works after every kind of removal.
  for (int i = 0; i < 100; ++i) store.put("k" + std::to_string(i), object(10));
  store.clear();
  EXPECT_EQ(store.objects(), 0u);
  store.put("again", object(10));
  EXPECT_TRUE(store.get("again"));
}

}  // namespace
}  // namespace cloudtwin::cdn
