// A binary trie over prefixes for longest-prefix match, one tree per address family.
// Each node holds the values stored at exactly that prefix, so a lookup can return every
// matching prefix from most to least specific (route tables need the tie-break among them).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cloudtwin/core/ip.h"

namespace cloudtwin {

template <typename T>
class PrefixTrie {
 public:
  void insert(const Prefix& p, T value) {
    Node* n = root(p.family());
    int w = p.address().width();
    for (int i = 0; i < p.length(); ++i) {
      int bit = static_cast<int>((p.address().bits() >> (w - 1 - i)) & 1);
      if (!n->child[bit]) n->child[bit] = std::make_unique<Node>();
      n = n->child[bit].get();
    }
    n->values.push_back(std::move(value));
    n->length = p.length();
    ++size_;
  }

  // Values of every prefix containing `a`, most specific first, with the prefix length.
  template <typename F>
  void for_each_match(IpAddress a, F&& f) const {
    const Node* path[129];
    int depth = 0;
    const Node* n = root(a.family());
    int w = a.width();
    for (int i = 0; n != nullptr; ++i) {
      path[depth++] = n;
      if (i == w) break;
      int bit = static_cast<int>((a.bits() >> (w - 1 - i)) & 1);
      n = n->child[bit].get();
    }
    for (int d = depth - 1; d >= 0; --d) {
      if (!path[d]->values.empty()) {
        if (!f(d, path[d]->values)) return;
      }
    }
  }

  // The values at the longest matching prefix, or nullptr.
  [[nodiscard]] const std::vector<T>* longest_match(IpAddress a, int* length = nullptr) const {
    const std::vector<T>* best = nullptr;
    for_each_match(a, [&](int len, const std::vector<T>& v) {
      best = &v;
      if (length) *length = len;
      return false;
    });
    return best;
  }

  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  struct Node {
    std::unique_ptr<Node> child[2];
    std::vector<T> values;
    int length = 0;
  };
  Node* root(Family f) { return f == Family::kV4 ? &v4_ : &v6_; }
  const Node* root(Family f) const { return f == Family::kV4 ? &v4_ : &v6_; }

  Node v4_;
  Node v6_;
  std::size_t size_ = 0;
};

}  // namespace cloudtwin
