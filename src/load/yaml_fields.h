// Typed, located access to YAML values for the native reader: a Context per file being read, a
// Value per YAML node and a Fields per YAML mapping. Every problem becomes a diagnostic with
// file:line:column and the resource it concerns; nothing here throws or stops at the first error.
// Values and Fields point into a yaml::Document, which must outlive them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/network.h"
#include "yaml_document.h"

namespace cloudtwin::load::yaml {

// The file being read, where its resources go and where its problems are reported.
struct Context {
  model::Network& network;
  Diagnostics& diagnostics;
  std::string path;
  std::uint32_t file = 0;
  // File-level defaults (`account:` and `region:` at the top); empty when not given.
  std::string account;
  std::string region;

  // The 1-based position of `node` in this file.
  [[nodiscard]] Location at(const Node& node) const;
  void error(Location at, const std::string& resource, std::string message, std::string hint = {});
};

class Fields;

// One YAML value (or the absence of one) named by the field it came from. Accessors return
// nullopt without a diagnostic when the value is absent, and nullopt with one when it is wrong.
class Value {
 public:
  // `node` is null when the field is absent.
  Value(Context& cx, const Node* node, std::string field, Location fallback, std::string resource);

  [[nodiscard]] bool present() const { return node_ != nullptr; }
  [[nodiscard]] bool is_null() const { return present() && node_->is_null(); }
  [[nodiscard]] bool is_scalar() const { return present() && node_->is_scalar(); }
  [[nodiscard]] bool is_mapping() const { return present() && node_->is_mapping(); }
  // The node; null when absent.
  [[nodiscard]] const Node* node() const { return node_; }
  [[nodiscard]] const std::string& field() const { return field_; }
  [[nodiscard]] const std::string& resource() const { return resource_; }
  // Where the value is; the key's position when the value is empty.
  [[nodiscard]] Location at() const;

  // Any scalar, as written. With `allow_empty` false, "" is an error.
  std::optional<std::string> text(bool allow_empty = false);
  // true / false, case-insensitive.
  std::optional<bool> boolean();
  // A boolean, or AWS's enable / disable.
  std::optional<bool> enable_flag();
  std::optional<std::int64_t> integer(std::int64_t min, std::int64_t max);
  // A CIDR block with host bits clear, of `family` when given.
  std::optional<Prefix> prefix(std::optional<Family> family = {});
  std::optional<IpAddress> address(std::optional<Family> family = {});
  // "443", "1024-65535" or "all".
  std::optional<PortRange> port_range();
  std::optional<Protocol> protocol();
  // One of `values`, matched case-insensitively; returns the spelling in `values`.
  std::optional<std::string> choice(std::initializer_list<std::string_view> values);
  // An id or name; the reference's location is this value's.
  model::Ref ref();

  // The items of a list; an empty value is an empty list. Each item is named `field`.
  std::vector<Value> items();
  // This value as a mapping whose allowed keys are `known`; see Fields.
  Fields fields(std::vector<std::string_view> known);

  void error(std::string message, std::string hint = {});

 private:
  // "a mapping", "a list", "`text`" or "empty", for messages.
  [[nodiscard]] std::string describe() const;
  std::optional<std::string_view> scalar(std::string_view expected);

  Context* cx_;
  const Node* node_;
  std::string field_;
  Location fallback_;
  std::string resource_;
};

// The fields of one YAML mapping, with the keys it may hold. `<<` merge keys are expanded
// (explicit keys win). check() reports keys outside `known` (with a "did you mean" hint),
// duplicate keys and a non-mapping node; call it once the resource label is final.
class Fields {
 public:
  // `node` is null when the value is absent.
  Fields(Context& cx, const Node* node, std::string what, std::vector<std::string_view> known,
         std::string resource, Location fallback);

  [[nodiscard]] bool is_mapping() const { return node_ && node_->is_mapping(); }
  [[nodiscard]] Location at() const { return at_; }
  [[nodiscard]] const std::string& resource() const { return resource_; }
  void set_resource(std::string resource) { resource_ = std::move(resource); }
  // Keys starting with `prefix` are allowed and ignored (a home for YAML anchors).
  void allow_extension_prefix(std::string_view prefix) { extension_prefix_ = prefix; }
  void check();

  [[nodiscard]] bool has(std::string_view key) const;
  // The position of `key` itself (not its value); the mapping's when absent.
  [[nodiscard]] Location key_at(std::string_view key) const;
  [[nodiscard]] Value get(std::string_view key);
  // Like get(), reporting "missing required field" when absent.
  Value require(std::string_view key);

  // Lists of one type; items in error are reported and left out.
  std::vector<model::Ref> refs(std::string_view key);
  std::vector<Prefix> prefixes(std::string_view key, std::optional<Family> family = {});
  std::vector<IpAddress> addresses(std::string_view key, std::optional<Family> family = {});

  // An error about the mapping as a whole (at its position) or about one key (at the key).
  void error(std::string message, std::string hint = {});
  void error_at(std::string_view key, std::string message, std::string hint = {});

 private:
  struct Entry {
    const Node* key;
    const Node* value;
    std::string_view name;
    bool merged = false;
  };
  void collect(const Node& node, bool merged, int depth);
  void add_entry(const Entry& e);
  // False when `m` was merged already; else records it.
  bool first_merge(const Node* m);
  [[nodiscard]] const Entry* find(std::string_view key) const;
  [[nodiscard]] bool has_known(std::string_view key) const;
  // The known key an unknown `key` was probably meant to be, or ""; `why` gets an explanation.
  [[nodiscard]] std::string suggestion(std::string_view key, std::string* why) const;
  [[nodiscard]] std::string unknown_key_hint(std::string_view key) const;

  Context* cx_;
  const Node* node_;
  std::string what_;
  std::vector<std::string_view> known_;
  std::string resource_;
  Location at_;
  std::string_view extension_prefix_;
  std::vector<Entry> entries_;
  std::vector<const Node*> merged_;  // mappings already merged in
  // Beyond a few entries (or merged mappings), hash indexes keep a mapping of n keys O(n):
  // a linear search per key made 160,000 keys take minutes. Empty while small.
  std::unordered_map<std::string_view, std::size_t> index_;  // name -> entries_ position
  std::unordered_set<const Node*> merged_index_;
  std::vector<std::pair<Location, std::string>> problems_;  // found while collecting
};

// The ASCII lower-case form of `text`.
std::string lower(std::string_view text);

}  // namespace cloudtwin::load::yaml
