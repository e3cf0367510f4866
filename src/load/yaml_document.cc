#include "yaml_document.h"

#include <yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <unordered_map>

namespace cloudtwin::load::yaml {

// The tree of a 17 MB network is about 2 million nodes; their size is most of its memory.
static_assert(sizeof(Node) == 32);

// Bump allocation in blocks that grow from 64 KiB to 4 MiB: a small file costs little and a large
// one few allocations. Nodes are trivially destructible, so nothing is ever destroyed one by one.
struct Document::Arena {
  static constexpr std::size_t kFirstBlock = std::size_t{64} << 10;
  static constexpr std::size_t kLargestBlock = std::size_t{4} << 20;

  std::vector<std::unique_ptr<std::byte[]>> blocks;
  std::byte* next = nullptr;
  std::size_t left = 0;
  std::size_t block = kFirstBlock / 2;
  std::size_t total = 0;

  void* allocate(std::size_t bytes, std::size_t align) {
    std::size_t pad = (align - reinterpret_cast<std::uintptr_t>(next) % align) % align;
    if (bytes + pad > left) {
      const std::size_t grown = std::min(block * 2, kLargestBlock);
      // Too large to share a block (or larger than the next block would be, e.g. a 200 KiB
      // scalar while blocks are still 128 KiB): give it its own and keep filling the current one.
      if (bytes > kLargestBlock / 4 || bytes > grown) {
        blocks.push_back(std::make_unique_for_overwrite<std::byte[]>(bytes));
        total += bytes;
        return blocks.back().get();
      }
      block = grown;
      blocks.push_back(std::make_unique_for_overwrite<std::byte[]>(block));
      total += block;
      next = blocks.back().get();
      left = block;
      pad = 0;  // new[] returns memory aligned for any fundamental type
    }
    void* out = next + pad;
    next += pad + bytes;
    left -= pad + bytes;
    return out;
  }

  template <class T>
  T* make_array(std::size_t n) {
    static_assert(std::is_trivially_destructible_v<T>);
    // NOLINTNEXTLINE(bugprone-sizeof-expression): T may itself be a pointer.
    const std::size_t bytes = sizeof(T) * std::max<std::size_t>(n, 1);
    return static_cast<T*>(allocate(bytes, alignof(T)));
  }
};

Document::Document() : arena_(std::make_unique<Arena>()) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

std::size_t Document::arena_bytes() const { return arena_ ? arena_->total : 0; }

namespace {

Mark mark_of(const yaml_mark_t& m) {
  constexpr std::size_t kMax = std::numeric_limits<std::uint32_t>::max() - 1;
  return {static_cast<std::uint32_t>(std::min(m.line, kMax) + 1),
          static_cast<std::uint32_t>(std::min(m.column, kMax) + 1)};
}

std::string at_text(Mark m) {
  return "line " + std::to_string(m.line) + ":" + std::to_string(m.column);
}

// The position of byte `offset` of `text`, counting characters (UTF-8 lead bytes) in the line.
Mark mark_at_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  Mark m{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++m.line;
      m.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++m.column;
    }
  }
  return m;
}

// libyaml's problem text as the message (yaml-cpp's wording for unclosed flow collections, which
// users and tests already know), with a hint that points at where the enclosing construct began.
SyntaxError describe_parser_error(const yaml_parser_t& p, std::string_view text) {
  SyntaxError e;
  const std::string problem = p.problem ? p.problem : "unknown error";
  switch (p.error) {
    case YAML_MEMORY_ERROR:
      e.at = {1, 1};
      e.message = "out of memory while parsing";
      return e;
    case YAML_READER_ERROR:
      e.at = mark_at_offset(text, p.problem_offset);
      e.message = problem;
      e.hint = "a network file is UTF-8 text without control characters";
      return e;
    default:
      break;
  }
  e.at = mark_of(p.problem_mark);
  e.message = problem;
  const std::string started = p.context ? at_text(mark_of(p.context_mark)) : "";
  if (problem == "did not find expected ',' or ']'") {
    e.message = "end of sequence flow not found";
    e.hint =
        "the list opened with `[` at " + started + " needs `,` between items and `]` at its end";
  } else if (problem == "did not find expected ',' or '}'") {
    e.message = "end of map flow not found";
    e.hint = "the mapping opened with `{` at " + started +
             " needs `,` between fields and `}` at its end";
  } else if (problem == "did not find expected key") {
    e.hint = "check the indentation: this line does not line up with the keys of the mapping at " +
             started;
  } else if (problem == "did not find expected '-' indicator") {
    e.hint =
        "check the indentation: this line does not line up with the `-` items of the list at " +
        started;
  } else if (problem == "did not find expected <document start>") {
    e.hint =
        "check the indentation: this line is indented less than the first one; a new "
        "document starts with `---`";
  } else if (problem == "could not find expected ':'") {
    e.hint = "the key at " + started + " needs `: ` after it";
  } else if (problem == "mapping values are not allowed in this context") {
    e.hint = "check the indentation, or quote a value that contains `: `";
  } else if (problem == "found unexpected end of stream" && p.context &&
             std::string_view(p.context).find("quoted") != std::string_view::npos) {
    e.hint = "the quote opened at " + started + " is not closed";
  } else if (problem == "found character that cannot start any token") {
    e.hint = "quote a value that starts with `@` or `` ` ``, and indent with spaces, not tabs";
  } else if (problem.find("tab") != std::string::npos) {
    e.hint = "indent with spaces, not tabs";
  } else if (p.context) {
    std::string context = p.context;
    for (std::string_view verb : {"while parsing ", "while scanning "}) {
      if (context.starts_with(verb)) context = "in " + context.substr(verb.size());
    }
    e.hint = context + " at " + started;
  }
  return e;
}

}  // namespace

// Turns libyaml's event stream into the Document's trees.
class DocumentBuilder {
 public:
  DocumentBuilder(Document& out, std::string_view text) : out_(out), text_(text) {}

  void run() {
    if (text_.size() >= std::numeric_limits<std::uint32_t>::max()) {
      fail({{1, 1}, "the file is larger than 4 GiB", ""});
      return;
    }
    struct Parser {
      yaml_parser_t p;
      Parser() { yaml_parser_initialize(&p); }
      ~Parser() { yaml_parser_delete(&p); }
    } parser;
    // libyaml asserts on a null input, which an empty string_view may have.
    const char* input = text_.data() ? text_.data() : "";
    yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(input),
                                 text_.size());
    struct Event {
      yaml_event_t e{};
      ~Event() { yaml_event_delete(&e); }
    };
    for (;;) {
      Event event;
      if (!yaml_parser_parse(&parser.p, &event.e)) {
        fail(describe_parser_error(parser.p, text_));
        return;
      }
      if (event.e.type == YAML_STREAM_END_EVENT) return;
      if (!handle(event.e)) return;
    }
  }

 private:
  struct Open {
    Node* node;
    std::size_t first;  // its first child in pending_
  };

  bool handle(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        // Anchors belong to their document.
        anchors_.clear();
        root_ = nullptr;
        return true;
      case YAML_DOCUMENT_END_EVENT:
        if (root_) out_.roots_.push_back(root_);
        return true;
      case YAML_SCALAR_EVENT:
        return scalar(e);
      case YAML_ALIAS_EVENT:
        return alias(e);
      case YAML_SEQUENCE_START_EVENT:
        return open(e, NodeKind::kSequence, e.data.sequence_start.tag,
                    e.data.sequence_start.anchor);
      case YAML_MAPPING_START_EVENT:
        return open(e, NodeKind::kMapping, e.data.mapping_start.tag, e.data.mapping_start.anchor);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        close();
        return true;
      default:
        return true;
    }
  }

  bool scalar(const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    Node* n = new_node(NodeKind::kScalar, e.start_mark, s.tag);
    switch (s.style) {
      case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        n->style_ = ScalarStyle::kSingleQuoted;
        break;
      case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        n->style_ = ScalarStyle::kDoubleQuoted;
        break;
      case YAML_LITERAL_SCALAR_STYLE:
        n->style_ = ScalarStyle::kLiteral;
        break;
      case YAML_FOLDED_SCALAR_STYLE:
        n->style_ = ScalarStyle::kFolded;
        break;
      default:
        n->style_ = ScalarStyle::kPlain;
        break;
    }
    const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    if (value.empty()) {
      n->data_ = "";
    } else {
      char* text = arena().make_array<char>(value.size());
      std::memcpy(text, value.data(), value.size());
      n->data_ = text;
    }
    n->size_ = static_cast<std::uint32_t>(value.size());
    // The core schema's null, as yaml-cpp resolves it: only untagged plain scalars.
    if (n->style_ == ScalarStyle::kPlain && n->tag_ == nullptr &&
        (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")) {
      n->kind_ = NodeKind::kNull;
    }
    add(n, s.anchor);
    return true;
  }

  bool alias(const yaml_event_t& e) {
    const std::string_view name(reinterpret_cast<const char*>(e.data.alias.anchor));
    const auto it = anchors_.find(std::string(name));
    if (it == anchors_.end()) {
      fail({mark_of(e.start_mark), "undefined alias `*" + std::string(name) + "`",
            "define `&" + std::string(name) +
                "` earlier in the same document; an alias refers back to an anchor"});
      return false;
    }
    place(it->second);
    return true;
  }

  bool open(const yaml_event_t& e, NodeKind kind, const yaml_char_t* tag,
            const yaml_char_t* anchor) {
    if (open_.size() >= kMaxDepth) {
      fail({mark_of(e.start_mark),
            "lists and mappings nest more than " + std::to_string(kMaxDepth) + " deep", ""});
      return false;
    }
    Node* n = new_node(kind, e.start_mark, tag);
    add(n, anchor);
    open_.push_back({n, pending_.size()});
    return true;
  }

  void close() {
    const Open o = open_.back();
    open_.pop_back();
    const std::size_t count = pending_.size() - o.first;
    const Node* const* children = pending_.data() + o.first;
    if (o.node->kind_ == NodeKind::kMapping) {
      Pair* pairs = arena().make_array<Pair>(count / 2);
      for (std::size_t i = 0; i + 1 < count; i += 2) pairs[i / 2] = {children[i], children[i + 1]};
      o.node->data_ = pairs;
      o.node->size_ = static_cast<std::uint32_t>(count / 2);
    } else {
      auto** items = arena().make_array<const Node*>(count);
      std::copy(children, children + count, items);
      o.node->data_ = items;
      o.node->size_ = static_cast<std::uint32_t>(count);
    }
    pending_.resize(o.first);
  }

  Node* new_node(NodeKind kind, const yaml_mark_t& at, const yaml_char_t* tag) {
    Node* n = new (arena().make_array<Node>(1)) Node();
    n->kind_ = kind;
    const Mark m = mark_of(at);
    n->line_ = m.line;
    n->column_ = m.column;
    if (tag) n->tag_ = intern_tag(reinterpret_cast<const char*>(tag));
    return n;
  }

  // Places `n` in its parent, or as its document's root.
  void place(const Node* n) {
    if (open_.empty()) {
      root_ = n;
    } else {
      pending_.push_back(n);
    }
  }

  // place() and record the anchor. A collection is added when it starts, so an alias inside it
  // already finds it.
  void add(const Node* n, const yaml_char_t* anchor) {
    place(n);
    // A repeated anchor replaces the earlier one for the aliases after it (YAML 1.2, 3.2.2.2).
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = n;
  }

  const std::string_view* intern_tag(std::string_view tag) {
    if (auto it = tags_.find(tag); it != tags_.end()) return it->second;
    char* text = arena().make_array<char>(tag.size());
    std::memcpy(text, tag.data(), tag.size());
    auto* view = new (arena().make_array<std::string_view>(1)) std::string_view(text, tag.size());
    tags_.emplace(*view, view);
    return view;
  }

  void fail(SyntaxError e) { out_.error_ = std::move(e); }

  Document::Arena& arena() { return *out_.arena_; }

  Document& out_;
  std::string_view text_;
  const Node* root_ = nullptr;  // of the document being read
  std::vector<Open> open_;
  std::vector<const Node*> pending_;
  std::unordered_map<std::string, const Node*> anchors_;
  std::unordered_map<std::string_view, const std::string_view*> tags_;
};

Document Document::parse(std::string_view text) {
  Document doc;
  DocumentBuilder(doc, text).run();
  return doc;
}

}  // namespace cloudtwin::load::yaml
