// JSON input shared by the Terraform and AWS CLI readers: the file's bytes padded for simdjson
// (a regular file is mapped, not copied), byte offsets mapped to line:column only when a location is needed (by counting newlines from
// the previous location asked for: readers ask in nearly increasing order), and a small located tree of one JSON value (a Terraform resource,
// one item of a describe-* answer) built with simdjson's On-Demand API. Large inputs are walked
// with On-Demand directly; only one item at a time becomes a tree, so memory stays near the
// input's size.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/ip.h"

namespace cloudtwin::load::json {

// The text of one JSON file and the mapping from byte offsets to locations in it.
class Source {
 public:
  Source(simdjson::padded_string text, std::uint32_t file)
      : owned_(std::move(text)), text_(owned_), file_(file) {}

  // Reads `path` (a regular file is mapped read-only); nullopt with `error` set if it cannot be
  // read.
  static std::optional<Source> load(const std::string& path, std::uint32_t file,
                                    std::string& error);

  [[nodiscard]] simdjson::padded_string_view text() const { return text_; }
  [[nodiscard]] std::uint32_t file() const { return file_; }
  // The offset of `p`, a pointer into text() (clamped to the text).
  [[nodiscard]] std::size_t offset(const char* p) const;
  // Readers that are done with the text before `offset` say so: the pages of a mapped file that
  // hold it (and no location asked for since) leave this process's memory, in steps of a few
  // MB. Reading them again still works (the kernel maps them back from the page cache).
  void release_before(std::size_t offset);
  // 1-based line and column (in bytes) of `offset`.
  [[nodiscard]] Location at(std::size_t offset) const;
  [[nodiscard]] Location at(const char* p) const { return at(offset(p)); }

 private:
  struct Unmap {
    std::size_t length;
    void operator()(char* p) const;
  };
  Source(std::unique_ptr<char, Unmap> mapping, std::size_t size, std::uint32_t file);

  simdjson::padded_string owned_;           // the bytes read, or
  std::unique_ptr<char, Unmap> mapping_;    // the file mapped, zeros after its end
  simdjson::padded_string_view text_;       // either, with SIMDJSON_PADDING readable bytes after
  std::uint32_t file_;
  // The last location asked for: its offset, line and the offset its line starts at.
  mutable std::size_t cursor_ = 0, cursor_line_ = 1, cursor_line_start_ = 0;
  std::size_t released_ = 0;  // the mapped text before this offset was released
};

// "what went wrong" for a simdjson error, worded for users.
std::string describe(simdjson::error_code e);
// Where to report `e` found near `offset`: input that ends too early is reported at its end,
// invalid UTF-8 at its first bad byte.
std::size_t error_offset(simdjson::error_code e, std::size_t offset, const Source& source);
// Once the root value of `doc` is read: the offset of what follows it (a second document,
// trailing garbage), or nullopt if nothing does.
std::optional<std::size_t> trailing_content(simdjson::ondemand::document& doc,
                                            const Source& source);
// If `text` holds one complete JSON value followed by more than whitespace: the offset of what
// follows (a second document, trailing garbage). A plain scan that does not validate the value.
std::optional<std::size_t> content_after_first_value(std::string_view text);
// The offset of the first NUL byte, which no JSON text holds (binary or UTF-16 input).
std::optional<std::size_t> first_nul(std::string_view text);
// The offset of the first byte of `text` that is not part of valid UTF-8 (text.size() if none).
std::size_t first_invalid_utf8(std::string_view text);

enum class Type : std::uint8_t { kMissing, kNull, kBool, kNumber, kString, kArray, kObject };
const char* type_name(Type t);  // "a string", "an object", ...

// One JSON value of a Tree. Nodes are stored in pre-order; a node's children follow it and
// `end` is one past its last descendant, so the next sibling of node i is nodes[i].end.
struct Node {
  Type type = Type::kNull;
  bool boolean = false;
  std::uint32_t end = 0;
  std::string_view key;   // object members: the key (unescaped)
  std::string_view text;  // strings: unescaped contents; numbers: the token
  std::size_t offset = 0;
};

class Tree;

// A read-only view of a node, or of a missing one (what get() returns for an absent key).
class Value {
 public:
  Value() = default;
  Value(const Tree* tree, std::uint32_t index) : tree_(tree), index_(index) {}

  [[nodiscard]] Type type() const;
  [[nodiscard]] bool missing() const { return type() == Type::kMissing; }
  // Missing, null, or the empty string: Terraform writes "" and null for unset attributes.
  [[nodiscard]] bool absent() const;
  [[nodiscard]] bool is_object() const { return type() == Type::kObject; }
  [[nodiscard]] bool is_array() const { return type() == Type::kArray; }
  [[nodiscard]] bool is_string() const { return type() == Type::kString; }
  [[nodiscard]] std::size_t offset() const;
  [[nodiscard]] std::string_view key() const;

  // Object member `key`, or a missing value.
  [[nodiscard]] Value get(std::string_view key) const;
  [[nodiscard]] Value operator[](std::string_view key) const { return get(key); }
  // Children of an array or object, in order (nothing for other types), as a range.
  class Children;
  [[nodiscard]] Children items() const;
  [[nodiscard]] std::size_t size() const;

  // Raw access without conversion or diagnostics.
  [[nodiscard]] std::string_view text() const;
  [[nodiscard]] bool boolean() const;
  [[nodiscard]] const Tree* tree() const { return tree_; }

 private:
  const Node* node() const;
  const Tree* tree_ = nullptr;
  std::uint32_t index_ = 0;
};

// The children of a Value: a forward range that allocates nothing (readers walk the children of
// every item of a large answer).
class Value::Children {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Value;

    iterator() = default;
    iterator(const Tree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
    Value operator*() const { return Value(tree_, index_); }
    iterator& operator++();
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }

   private:
    const Tree* tree_ = nullptr;
    std::uint32_t index_ = 0;
  };

  Children() = default;
  Children(const Tree* tree, std::uint32_t first, std::uint32_t end)
      : tree_(tree), first_(first), end_(end) {}
  [[nodiscard]] iterator begin() const { return {tree_, first_}; }
  [[nodiscard]] iterator end() const { return {tree_, end_}; }
  [[nodiscard]] bool empty() const { return first_ == end_; }

 private:
  const Tree* tree_ = nullptr;
  std::uint32_t first_ = 0, end_ = 0;
};

// A located tree of one JSON value. String views point into the parser's string buffer and
// the source text, so a tree lives no longer than the On-Demand document it was built from.
class Tree {
 public:
  static constexpr int kMaxDepth = 64;

  // Replaces the tree by `value` and what it holds. On malformed JSON or nesting deeper than
  // kMaxDepth returns the error and sets error_offset().
  simdjson::error_code build(simdjson::ondemand::value value, const char* base);
  [[nodiscard]] Value root() const { return Value(this, 0); }
  [[nodiscard]] std::size_t error_offset() const { return error_offset_; }
  [[nodiscard]] const std::vector<Node>& nodes() const { return nodes_; }
  // Keys written twice in one object (RFC 8259 4: names "SHOULD be unique"; parsers disagree on
  // which value wins), by node index: the repeat and the first.
  struct Duplicate {
    std::uint32_t node, first;
  };
  [[nodiscard]] const std::vector<Duplicate>& duplicates() const { return duplicates_; }

 private:
  simdjson::error_code add(simdjson::ondemand::value value, std::string_view key, int depth);
  void find_duplicates(std::uint32_t object);

  std::vector<Node> nodes_;
  std::vector<Duplicate> duplicates_;
  std::vector<std::pair<std::string_view, std::uint32_t>> members_;  // find_duplicates' scratch
  const char* base_ = nullptr;
  std::size_t error_offset_ = 0;
};

// Typed, located access to a Tree's values for one reader: conversions report a located error
// (or warning) naming the resource and the field, and return nullopt on anything unexpected.
class Reader {
 public:
  Reader(const Source& source, std::string path, Diagnostics& diagnostics)
      : source_(source), path_(std::move(path)), d_(diagnostics) {}

  [[nodiscard]] Location at(const Value& v) const { return source_.at(v.offset()); }
  [[nodiscard]] Location at(std::size_t offset) const { return source_.at(offset); }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const Source& source() const { return source_; }
  Diagnostics& diagnostics() { return d_; }

  void error(std::size_t offset, const std::string& resource, std::string message,
             std::string hint = {});
  void warning(std::size_t offset, const std::string& resource, std::string message,
               std::string hint = {});
  // A warning that the model leaves something out or cannot know it (see Gap).
  void gap(Gap g, std::string key, std::size_t offset, const std::string& resource,
           std::string message, std::string hint = {});

  // The resource id or address diagnostics name until changed.
  void set_resource(std::string_view r) { resource_.assign(r); }  // reuses the buffer
  [[nodiscard]] const std::string& resource() const { return resource_; }

  // Conversions of `v` (named `field` in messages). Absent values give nullopt silently;
  // values of the wrong type or shape give nullopt and a located error.
  std::optional<std::string_view> str(const Value& v, std::string_view field);
  std::optional<bool> boolean(const Value& v, std::string_view field);
  // An integer, written as a number or a string of digits (AWS CLI writes protocols as "6").
  std::optional<std::int64_t> integer(const Value& v, std::string_view field, std::int64_t min,
                                      std::int64_t max);
  std::optional<Prefix> prefix(const Value& v, std::string_view field,
                               std::optional<Family> family = std::nullopt);
  std::optional<IpAddress> address(const Value& v, std::string_view field,
                                   std::optional<Family> family = std::nullopt);
  // An array of strings (null or missing: empty).
  std::vector<std::string_view> strings(const Value& v, std::string_view field);
  // True if `v` has the wanted type; otherwise a located error ("`field` must be ...").
  bool expect(const Value& v, Type type, std::string_view field);
  // Reports the duplicate keys of `tree` as located errors; false if there were any.
  bool no_duplicates(const Tree& tree);
  // Reports a NUL byte in the text as a located error; false if there is one.
  bool no_nul();
  // Reports simdjson error `e` found near `offset`, or a second document after a complete first
  // one when that is what the parser tripped on. `one_document` is the hint for the latter.
  void parse_error(simdjson::error_code e, std::size_t offset, const std::string& one_document);

 private:
  const Source& source_;
  std::string path_;
  Diagnostics& d_;
  std::string resource_;
};

// Reads the file at `path` (file index `file` of its network) as one JSON document and hands
// the root of its located tree to `read`. An unreadable file, a NUL byte, malformed JSON, a
// second document and a duplicate key are located errors (`one_document` is the hint for a
// second document); false when the root was not handed over.
bool read_document(const std::string& path, std::uint32_t file, Diagnostics& d,
                   const std::string& one_document,
                   const std::function<void(Reader&, Value)>& read);

}  // namespace cloudtwin::load::json
