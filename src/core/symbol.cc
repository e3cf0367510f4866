#include "cloudtwin/core/symbol.h"

#include <mutex>
#include <unordered_set>

namespace cloudtwin {
namespace {

// Node-based, so the strings never move; guarded because servers load networks on threads.
struct Pool {
  std::mutex mutex;
  std::unordered_set<std::string> words;
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: symbols may outlive static destruction order
  return *p;
}

const std::string* intern(std::string_view text) {
  auto& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return &*p.words.emplace(text).first;
}

}  // namespace

Symbol::Symbol() : text_(intern({})) {}

Symbol::Symbol(std::string_view text) : text_(intern(text)) {}

}  // namespace cloudtwin
