// A YAML file parsed once into immutable trees, one per document, built from libyaml's events.
// Readers of every YAML-based format (native, CloudFormation) walk these trees; nothing here knows
// what the keys mean. Nodes live in the Document's arena: scalar text is copied there once and
// handed out as string_views, so a node costs 32 bytes plus 8 per child pointer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cloudtwin::load::yaml {

// A 1-based position in the file; line 0 when unknown. Columns count characters, not bytes.
struct Mark {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

enum class NodeKind : std::uint8_t {
  // A plain, untagged empty value or `~`, `null`, `Null`, `NULL` (YAML 1.2 core schema).
  kNull,
  kScalar,
  kSequence,
  kMapping,
};

enum class ScalarStyle : std::uint8_t {
  kPlain,
  kSingleQuoted,
  kDoubleQuoted,
  kLiteral,  // |
  kFolded,   // >
};

class Node;

// One key and its value, in the order written. Keys may be any node, not only scalars.
struct Pair {
  const Node* key;
  const Node* value;
};

// One node of a document. An alias is not a node of its own: wherever `*a` is written, the
// parent points at the node anchored `&a`, so subtrees may be shared and (when an alias is
// written inside its own anchor) a tree may contain a cycle. Code that walks a tree recursively
// must therefore bound its depth and its work; the typed readers never recurse.
class Node {
 public:
  [[nodiscard]] NodeKind kind() const { return kind_; }
  [[nodiscard]] bool is_null() const { return kind_ == NodeKind::kNull; }
  [[nodiscard]] bool is_scalar() const { return kind_ == NodeKind::kScalar; }
  [[nodiscard]] bool is_sequence() const { return kind_ == NodeKind::kSequence; }
  [[nodiscard]] bool is_mapping() const { return kind_ == NodeKind::kMapping; }

  // The text of a scalar (or null) after unquoting and escapes; may hold NUL bytes. "" for
  // collections.
  [[nodiscard]] std::string_view scalar() const {
    return is_scalar() || is_null() ? std::string_view(static_cast<const char*>(data_), size_)
                                    : std::string_view();
  }
  [[nodiscard]] ScalarStyle style() const { return style_; }
  // True for a scalar written without quotes or block indicators: only these may be
  // resolved as null, booleans or numbers, or be a `<<` merge key in the YAML sense.
  [[nodiscard]] bool plain() const { return style_ == ScalarStyle::kPlain; }

  // The tag as libyaml resolves it: `!Ref` stays "!Ref", `!!str` becomes
  // "tag:yaml.org,2002:str", `!<x>` becomes "x"; "" when none was written.
  [[nodiscard]] std::string_view tag() const { return tag_ ? *tag_ : std::string_view(); }

  // Where the node starts: its anchor or tag if it has one, else its first character (the
  // quote, `[`, `{`, `-` or the first key of a block mapping).
  [[nodiscard]] Mark mark() const { return {line_, column_}; }

  // The items of a sequence; empty for anything else.
  [[nodiscard]] std::span<const Node* const> items() const {
    return is_sequence() ? std::span(static_cast<const Node* const*>(data_), size_)
                         : std::span<const Node* const>();
  }
  // The pairs of a mapping, duplicates and `<<` keys included; empty for anything else.
  [[nodiscard]] std::span<const Pair> pairs() const {
    return is_mapping() ? std::span(static_cast<const Pair*>(data_), size_)
                        : std::span<const Pair>();
  }

 private:
  friend class DocumentBuilder;

  const void* data_ = nullptr;  // scalar text, `const Node*[]` or `Pair[]`
  const std::string_view* tag_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint32_t line_ = 0;
  std::uint32_t column_ = 0;
  NodeKind kind_ = NodeKind::kNull;
  ScalarStyle style_ = ScalarStyle::kPlain;
};

// Why a file is not YAML, where, and (when there is one) what to do about it.
struct SyntaxError {
  Mark at;
  std::string message;
  std::string hint;
};

// Every document (`---`) of one YAML file. Parsing stops at the first syntax error: error() is
// then set and roots() holds only the documents completed before it.
class Document {
 public:
  // Never throws on input (only std::bad_alloc). The text is not referenced afterwards.
  static Document parse(std::string_view text);

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  // One root per document, in file order; an empty document's root is a null node.
  [[nodiscard]] std::span<const Node* const> roots() const { return roots_; }
  [[nodiscard]] const std::optional<SyntaxError>& error() const { return error_; }
  // Bytes held by the arena (nodes, child arrays and scalar text).
  [[nodiscard]] std::size_t arena_bytes() const;

 private:
  friend class DocumentBuilder;
  struct Arena;

  Document();

  std::unique_ptr<Arena> arena_;
  std::vector<const Node*> roots_;
  std::optional<SyntaxError> error_;
};

// Collections nest at most this deep; deeper input is a syntax error, so that readers which
// recurse stay within their stack.
inline constexpr std::size_t kMaxDepth = 1000;

}  // namespace cloudtwin::load::yaml
