#include "json_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstring>

namespace cloudtwin::load::json {

namespace od = simdjson::ondemand;

namespace {

// Maps the regular file `fd` of `size` bytes (> 0) read-only, followed by at least
// SIMDJSON_PADDING zero bytes: the kernel zeroes the rest of the file's last page, and when that
// is too short an anonymous page follows (the range is reserved first, then the file mapped over
// its start). Null if anything fails; the caller then reads the file instead. A file truncated
// while mapped would fault (SIGBUS) when read: snapshots are not written while cloudtwin reads
// them.
char* map_padded(int fd, std::size_t size, std::size_t& length) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t span = (size + page - 1) / page * page;
  length = span - size >= simdjson::SIMDJSON_PADDING ? span : span + page;
  void* base = mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return nullptr;
  // MAP_POPULATE: one call maps every page of the (usually cached) file instead of a fault
  // for every few pages.
  if (mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
    munmap(base, length);
    return nullptr;
  }
  return static_cast<char*>(base);
}

// The newlines in [p, end), 16 bytes at a time: locating every resource of a large file counts
// the newlines of nearly all of it, which a byte loop (the compiler's std::count at -O2) does at
// a tenth of the speed.
std::size_t count_newlines(const char* p, const char* end) {
  using Bytes = unsigned char __attribute__((vector_size(16)));
  constexpr Bytes kNewline = {'\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n',
                              '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n'};
  using Mask = decltype(Bytes{} == kNewline);  // 0 or -1 per byte
  std::size_t n = 0;
  while (end - p >= 16) {
    // At most 127 blocks per round, so no byte of the sum overflows.
    const char* stop = p + std::min<std::ptrdiff_t>((end - p) / 16, 127) * 16;
    Mask sum{};
    for (; p < stop; p += 16) {
      Bytes v;
      std::memcpy(&v, p, sizeof v);
      sum += v == kNewline;
    }
    for (int i = 0; i < 16; ++i) n += static_cast<std::size_t>(-sum[i]);
  }
  for (; p < end; ++p) n += *p == '\n';
  return n;
}

}  // namespace

void Source::Unmap::operator()(char* p) const { munmap(p, length); }

Source::Source(std::unique_ptr<char, Unmap> mapping, std::size_t size, std::uint32_t file)
    : mapping_(std::move(mapping)),
      text_(mapping_.get(), size, mapping_.get_deleter().length),
      file_(file) {}

std::optional<Source> Source::load(const std::string& path, std::uint32_t file,
                                   std::string& error) {
  // Regular, non-empty files are mapped; anything else (an empty file, a pipe, a failed
  // mapping) is read as before, which also reports why it cannot be read.
  if (const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    struct stat st {};
    std::size_t length = 0;
    char* mapped = nullptr;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      mapped = map_padded(fd, static_cast<std::size_t>(st.st_size), length);
    }
    close(fd);
    if (mapped) {
      return Source(std::unique_ptr<char, Unmap>(mapped, Unmap{length}),
                    static_cast<std::size_t>(st.st_size), file);
    }
  }
  simdjson::padded_string text;
  if (auto e = simdjson::padded_string::load(path).get(text)) {
    error = std::string("cannot read: ") + std::strerror(errno ? errno : EIO);
    (void)e;
    return std::nullopt;
  }
  return Source(std::move(text), file);
}

void Source::release_before(std::size_t offset) {
  constexpr std::size_t kStep = std::size_t{8} << 20;
  if (!mapping_) return;
  // Locations are counted from the last one asked for: keep its line.
  offset = std::min({offset, cursor_line_start_, text_.size()});
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t end = offset / page * page;
  if (end < released_ + kStep) return;
  madvise(mapping_.get() + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

std::size_t Source::offset(const char* p) const {
  const char* begin = text_.data();
  if (p < begin) return 0;
  return std::min<std::size_t>(static_cast<std::size_t>(p - begin), text_.size());
}

Location Source::at(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  const char* b = text_.data();
  // The start of the line holding b[at], searching back no further than `floor`.
  auto line_start = [&](std::size_t at, std::size_t floor) {
    const void* nl = memrchr(b + floor, '\n', at - floor);
    return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - b) + 1 : floor;
  };
  if (offset >= cursor_) {
    const std::size_t lines = count_newlines(b + cursor_, b + offset);
    if (lines > 0) {
      cursor_line_ += lines;
      cursor_line_start_ = line_start(offset, cursor_);
    }
    cursor_ = offset;
  } else if (offset < cursor_line_start_) {
    const std::size_t lines = count_newlines(b + offset, b + cursor_line_start_);
    cursor_line_ -= lines;
    cursor_line_start_ = line_start(offset, 0);
    cursor_ = offset;
  }
  const std::size_t column = offset - cursor_line_start_ + 1;
  return {file_, static_cast<std::uint32_t>(std::min<std::size_t>(cursor_line_, 0xffffffffu)),
          static_cast<std::uint32_t>(std::min<std::size_t>(column, 0xffffffffu))};
}

std::string describe(simdjson::error_code e) {
  switch (e) {
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "the JSON ends before an object or array is closed (is the file truncated?)";
    case simdjson::UNCLOSED_STRING:
      return "a string is not closed (is the file truncated?)";
    case simdjson::EMPTY:
      return "the file is empty";
    case simdjson::DEPTH_ERROR:
      return "the JSON nests deeper than this reader accepts";
    case simdjson::TAPE_ERROR:
      return "JSON syntax error: something other than a value, comma or bracket here";
    case simdjson::NUMBER_ERROR:
      return "JSON syntax error: malformed number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "JSON syntax error: malformed true, false or null";
    case simdjson::UTF8_ERROR:
      return "the file is not valid UTF-8";
    case simdjson::STRING_ERROR:
      return "JSON syntax error: malformed string escape";
    case simdjson::UNESCAPED_CHARS:
      return "JSON syntax error: a control character inside a string";
    case simdjson::CAPACITY:
      return "the file is too large for the JSON parser";
    case simdjson::MEMALLOC:
      return "out of memory";
    case simdjson::INCORRECT_TYPE:
      return "JSON value of an unexpected type";
    case simdjson::TRAILING_CONTENT:
      return "JSON syntax error: content after the document";
    default:
      return std::string("JSON error: ") + simdjson::error_message(e);
  }
}

std::size_t error_offset(simdjson::error_code e, std::size_t offset, const Source& source) {
  if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || e == simdjson::UNCLOSED_STRING) {
    return source.text().size();
  }
  // simdjson validates the whole input before parsing and does not say where it failed.
  if (e == simdjson::UTF8_ERROR) return first_invalid_utf8(source.text());
  return offset;
}

std::optional<std::size_t> trailing_content(od::document& doc, const Source& source) {
  const char* p = nullptr;
  if (doc.current_location().get(p) != simdjson::SUCCESS) return std::nullopt;  // at the end
  return source.offset(p);
}

std::optional<std::size_t> content_after_first_value(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const std::size_t n = text.size();
  while (i < n && is_space(text[i])) ++i;
  if (i == n) return std::nullopt;
  if (text[i] == '{' || text[i] == '[' || text[i] == '"') {
    std::size_t depth = 0;
    bool in_string = false;
    for (; i < n; ++i) {
      const char c = text[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) break;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return std::nullopt;  // malformed: the parser's error is the right one
        if (--depth == 0) break;
      }
    }
    if (i >= n) return std::nullopt;  // the value does not end
    ++i;
  } else {
    while (i < n && !is_space(text[i]) && text[i] != '{' && text[i] != '[' && text[i] != '"')
      ++i;
  }
  while (i < n && is_space(text[i])) ++i;
  if (i == n) return std::nullopt;
  return i;
}

std::optional<std::size_t> first_nul(std::string_view text) {
  const void* p = std::memchr(text.data(), 0, text.size());
  if (!p) return std::nullopt;
  return static_cast<std::size_t>(static_cast<const char*>(p) - text.data());
}

std::size_t first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // RFC 3629 section 4: lead byte, continuation count, and the second byte's range (no
    // overlong forms, no surrogates, nothing above U+10FFFF).
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return n;
}

const char* type_name(Type t) {
  switch (t) {
    case Type::kMissing:
      return "missing";
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "a boolean";
    case Type::kNumber:
      return "a number";
    case Type::kString:
      return "a string";
    case Type::kArray:
      return "an array";
    case Type::kObject:
      return "an object";
  }
  return "?";
}

// ---- Tree -------------------------------------------------------------------------------------

namespace {

// Keys are short: a loop beats a call to memcmp, and the length and first byte reject most.
bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

simdjson::error_code Tree::build(od::value value, const char* base) {
  nodes_.clear();
  duplicates_.clear();
  base_ = base;
  error_offset_ = 0;
  return add(value, {}, 0);
}

simdjson::error_code Tree::add(od::value value, std::string_view key, int depth) {
  const std::string_view raw = value.raw_json_token();
  const std::size_t offset = raw.data() >= base_ ? static_cast<std::size_t>(raw.data() - base_) : 0;
  auto fail = [&](simdjson::error_code e) {
    error_offset_ = std::max(error_offset_, offset);
    return e;
  };
  if (depth > kMaxDepth) return fail(simdjson::DEPTH_ERROR);
  od::json_type type;
  if (auto e = value.type().get(type)) return fail(e);
  const auto me = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{Type::kNull, false, 0, key, {}, offset});
  switch (type) {
    case od::json_type::object: {
      nodes_[me].type = Type::kObject;
      od::object object;
      if (auto e = value.get_object().get(object)) return fail(e);
      for (auto member : object) {
        od::field field;
        if (auto e = std::move(member).get(field)) return fail(e);
        // Keys without escapes are read in place: the parser's string buffer stays untouched,
        // which keeps a large document's peak memory near its size.
        std::string_view k;
        const char* raw_key = field.key().raw();
        const char* q = raw_key;
        while (*q != '"' && *q != '\\') ++q;
        if (*q == '"') {
          k = std::string_view(raw_key, static_cast<std::size_t>(q - raw_key));
        } else if (auto e = field.unescaped_key().get(k)) {
          return fail(e);
        }
        if (auto e = add(field.value(), k, depth + 1)) return e;
      }
      nodes_[me].end = static_cast<std::uint32_t>(nodes_.size());
      find_duplicates(me);
      break;
    }
    case od::json_type::array: {
      nodes_[me].type = Type::kArray;
      od::array array;
      if (auto e = value.get_array().get(array)) return fail(e);
      for (auto element : array) {
        od::value v;
        if (auto e = std::move(element).get(v)) return fail(e);
        if (auto e = add(v, {}, depth + 1)) return e;
      }
      break;
    }
    case od::json_type::string: {
      nodes_[me].type = Type::kString;
      // Strings without escapes are read in place, like keys. Stage 1 found the closing quote.
      std::string_view s;
      const char* q = raw.data() + 1;
      while (*q != '"' && *q != '\\') ++q;
      if (*q == '"') {
        s = std::string_view(raw.data() + 1, static_cast<std::size_t>(q - raw.data() - 1));
      } else if (auto e = value.get_string().get(s)) {
        return fail(e);
      }
      nodes_[me].text = s;
      break;
    }
    case od::json_type::number: {
      nodes_[me].type = Type::kNumber;
      double d;
      if (auto e = value.get_double().get(d)) return fail(e);
      // The token runs to the next structural character: drop the whitespace before it.
      std::string_view t = raw;
      while (!t.empty() &&
             (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t')) {
        t.remove_suffix(1);
      }
      nodes_[me].text = t;
      break;
    }
    case od::json_type::boolean: {
      nodes_[me].type = Type::kBool;
      bool b;
      if (auto e = value.get_bool().get(b)) return fail(e);
      nodes_[me].boolean = b;
      break;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = value.is_null().get(is_null)) return fail(e);
      if (!is_null) return fail(simdjson::N_ATOM_ERROR);
      break;
    }
  }
  nodes_[me].end = static_cast<std::uint32_t>(nodes_.size());
  return simdjson::SUCCESS;
}

void Tree::find_duplicates(std::uint32_t object) {
  const std::uint32_t end = nodes_[object].end;
  members_.clear();
  for (std::uint32_t i = object + 1; i < end; i = nodes_[i].end) members_.emplace_back(nodes_[i].key, i);
  const std::size_t n = members_.size();
  if (n < 2) return;
  if (n <= 32) {
    // Items of describe-* answers have a dozen or two keys: comparing each with the earlier ones
    // is cheaper than sorting, and the length and first byte reject almost every pair.
    const std::size_t found = duplicates_.size();
    for (std::size_t a = 1; a < n; ++a) {
      const std::string_view ka = members_[a].first;
      for (std::size_t b = 0; b < a; ++b) {
        const std::string_view kb = members_[b].first;
        if (same_key(ka, kb)) {
          duplicates_.push_back({members_[a].second, members_[b].second});
          break;
        }
      }
    }
    if (n > 8) {
      // Reported in the order the sort below gives (by key), as before this shortcut.
      std::sort(duplicates_.begin() + static_cast<std::ptrdiff_t>(found), duplicates_.end(),
                [&](const Duplicate& x, const Duplicate& y) {
                  return std::pair(nodes_[x.node].key, x.node) < std::pair(nodes_[y.node].key, y.node);
                });
    }
    return;
  }
  // Large objects: sort by key, then by position (the first written comes first).
  std::sort(members_.begin(), members_.end());
  for (std::size_t a = 1, first = 0; a < n; ++a) {
    if (members_[a].first != members_[first].first) {
      first = a;
    } else {
      duplicates_.push_back({members_[a].second, members_[first].second});
    }
  }
}

// ---- Value ------------------------------------------------------------------------------------

const Node* Value::node() const {
  if (!tree_ || index_ >= tree_->nodes().size()) return nullptr;
  return &tree_->nodes()[index_];
}

Type Value::type() const {
  const Node* n = node();
  return n ? n->type : Type::kMissing;
}

bool Value::absent() const {
  const Node* n = node();
  return !n || n->type == Type::kNull || (n->type == Type::kString && n->text.empty());
}

std::size_t Value::offset() const {
  const Node* n = node();
  return n ? n->offset : 0;
}

std::string_view Value::key() const {
  const Node* n = node();
  return n ? n->key : std::string_view{};
}

std::string_view Value::text() const {
  const Node* n = node();
  return n ? n->text : std::string_view{};
}

bool Value::boolean() const {
  const Node* n = node();
  return n && n->boolean;
}

Value Value::get(std::string_view key) const {
  const Node* n = node();
  if (!n || n->type != Type::kObject) return {};
  const auto& nodes = tree_->nodes();
  for (std::uint32_t i = index_ + 1; i < n->end; i = nodes[i].end) {
    if (same_key(nodes[i].key, key)) return Value(tree_, i);
  }
  return {};
}

Value::Children Value::items() const {
  const Node* n = node();
  if (!n || (n->type != Type::kObject && n->type != Type::kArray)) return {};
  return {tree_, index_ + 1, n->end};
}

Value::Children::iterator& Value::Children::iterator::operator++() {
  index_ = tree_->nodes()[index_].end;
  return *this;
}

std::size_t Value::size() const {
  const Node* n = node();
  if (!n || (n->type != Type::kObject && n->type != Type::kArray)) return 0;
  std::size_t count = 0;
  const auto& nodes = tree_->nodes();
  for (std::uint32_t i = index_ + 1; i < n->end; i = nodes[i].end) ++count;
  return count;
}

// ---- Reader -----------------------------------------------------------------------------------

void Reader::error(std::size_t offset, const std::string& resource, std::string message,
                   std::string hint) {
  d_.error(path_, source_.at(offset), resource, std::move(message), std::move(hint));
}

void Reader::warning(std::size_t offset, const std::string& resource, std::string message,
                     std::string hint) {
  d_.warning(path_, source_.at(offset), resource, std::move(message), std::move(hint));
}

void Reader::gap(Gap g, std::string key, std::size_t offset, const std::string& resource,
                 std::string message, std::string hint) {
  d_.gap(g, std::move(key), path_, source_.at(offset), resource, std::move(message),
         std::move(hint));
}

bool Reader::no_duplicates(const Tree& tree) {
  constexpr std::size_t kMaxReported = 20;
  const auto& nodes = tree.nodes();
  std::size_t reported = 0;
  for (const auto& d : tree.duplicates()) {
    if (++reported > kMaxReported) {
      error(nodes[d.node].offset, resource_,
            "... and " + std::to_string(tree.duplicates().size() - kMaxReported) +
                " more duplicate keys");
      break;
    }
    const Location first = source_.at(nodes[d.first].offset);
    error(nodes[d.node].offset, resource_,
          "duplicate key `" + std::string(nodes[d.node].key) + "` (first at line " +
              std::to_string(first.line) + ", column " + std::to_string(first.column) + ")",
          "JSON readers disagree on which of the two wins; keep one");
  }
  return tree.duplicates().empty();
}

bool Reader::no_nul() {
  const std::string_view text(source_.text().data(), source_.text().size());
  auto nul = first_nul(text);
  if (!nul) return true;
  const bool utf16 = text.size() >= 2 && (text[0] == '\0' || text[1] == '\0');
  error(*nul, "", "a NUL byte: JSON text holds none",
        utf16 ? "the file looks like UTF-16; save it as UTF-8"
              : "is this a binary file? `terraform show -json plan.out > plan.json` writes JSON");
  return false;
}

void Reader::parse_error(simdjson::error_code e, std::size_t offset,
                         const std::string& one_document) {
  if (e != simdjson::UTF8_ERROR && e != simdjson::EMPTY) {
    const std::string_view text(source_.text().data(), source_.text().size());
    if (auto next = content_after_first_value(text)) {
      error(*next, "", "more than one JSON document in the file (the next starts here)",
            one_document);
      return;
    }
  }
  error(error_offset(e, offset, source_), "", describe(e));
}

bool Reader::expect(const Value& v, Type type, std::string_view field) {
  if (v.type() == type) return true;
  error(v.offset(), resource_,
        "`" + std::string(field) + "` must be " + type_name(type) + ", not " + type_name(v.type()));
  return false;
}

std::optional<std::string_view> Reader::str(const Value& v, std::string_view field) {
  if (v.absent()) return std::nullopt;
  if (!expect(v, Type::kString, field)) return std::nullopt;
  return v.text();
}

std::optional<bool> Reader::boolean(const Value& v, std::string_view field) {
  if (v.absent()) return std::nullopt;
  if (v.type() == Type::kString && (v.text() == "true" || v.text() == "false")) {
    return v.text() == "true";
  }
  if (!expect(v, Type::kBool, field)) return std::nullopt;
  return v.boolean();
}

std::optional<std::int64_t> Reader::integer(const Value& v, std::string_view field,
                                            std::int64_t min, std::int64_t max) {
  if (v.absent()) return std::nullopt;
  if (v.type() != Type::kNumber && v.type() != Type::kString) {
    expect(v, Type::kNumber, field);
    return std::nullopt;
  }
  const std::string_view t = v.text();
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size()) {
    error(v.offset(), resource_,
          "`" + std::string(field) + "`: `" + std::string(t) + "` is not an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    error(v.offset(), resource_,
          "`" + std::string(field) + "`: " + std::to_string(n) + " is outside " +
              std::to_string(min) + "-" + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<Prefix> Reader::prefix(const Value& v, std::string_view field,
                                     std::optional<Family> family) {
  auto s = str(v, field);
  if (!s) return std::nullopt;
  auto p = Prefix::parse(*s);
  if (!p) {
    error(v.offset(), resource_,
          "`" + std::string(field) + "`: `" + std::string(*s) + "` is not a CIDR block",
          "write it like 10.0.0.0/16 or 2600:1f18::/56");
    return std::nullopt;
  }
  if (family && p->family() != *family) {
    error(v.offset(), resource_,
          "`" + std::string(field) + "`: " + p->str() + " is not an " +
              (*family == Family::kV4 ? "IPv4" : "IPv6") + " CIDR block");
    return std::nullopt;
  }
  return p;
}

std::optional<IpAddress> Reader::address(const Value& v, std::string_view field,
                                         std::optional<Family> family) {
  auto s = str(v, field);
  if (!s) return std::nullopt;
  auto a = IpAddress::parse(*s);
  if (!a || (family && a->family() != *family)) {
    error(v.offset(), resource_,
          "`" + std::string(field) + "`: `" + std::string(*s) + "` is not an " +
              (family == Family::kV6   ? "IPv6"
               : family == Family::kV4 ? "IPv4"
                                       : "IP") +
              " address");
    return std::nullopt;
  }
  return a;
}

std::vector<std::string_view> Reader::strings(const Value& v, std::string_view field) {
  std::vector<std::string_view> out;
  if (v.absent()) return out;
  if (!expect(v, Type::kArray, field)) return out;
  for (const auto& item : v.items()) {
    if (auto s = str(item, field)) out.push_back(*s);
  }
  return out;
}

bool read_document(const std::string& path, std::uint32_t file, Diagnostics& d,
                   const std::string& one_document,
                   const std::function<void(Reader&, Value)>& read) {
  std::string error;
  auto source = Source::load(path, file, error);
  if (!source) {
    d.error(path, {file, 0, 0}, "", error);
    return false;
  }
  Reader rd(*source, path, d);
  if (!rd.no_nul()) return false;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  auto fail = [&](simdjson::error_code e, std::size_t offset) {
    rd.parse_error(e, offset, one_document);
    return false;
  };
  if (auto e = parser.iterate(source->text()).get(doc)) return fail(e, 0);
  simdjson::ondemand::value root;
  if (auto e = doc.get_value().get(root)) return fail(e, 0);
  Tree tree;
  if (auto e = tree.build(root, source->text().data())) return fail(e, tree.error_offset());
  if (auto next = trailing_content(doc, *source)) {
    rd.error(*next, "", "more than one JSON document in the file (the next starts here)",
             one_document);
  }
  if (!rd.no_duplicates(tree)) return false;
  read(rd, tree.root());
  return true;
}

}  // namespace cloudtwin::load::json
