#include "json_source.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace cloudtwin::load::json {

namespace od = simdjson::ondemand;

std::optional<Source> Source::load(const std::string& path, std::uint32_t file,
                                   std::string& error) {
  simdjson::padded_string text;
  if (auto e = simdjson::padded_string::load(path).get(text)) {
    error = std::string("cannot read: ") + std::strerror(errno ? errno : EIO);
    (void)e;
    return std::nullopt;
  }
  return Source(std::move(text), file);
}

std::size_t Source::offset(const char* p) const {
  const char* begin = text_.data();
  if (p < begin) return 0;
  return std::min<std::size_t>(static_cast<std::size_t>(p - begin), text_.size());
}

Location Source::at(std::size_t offset) const {
  if (line_starts_.empty()) {
    line_starts_.push_back(0);
    const char* begin = text_.data();
    const char* end = begin + text_.size();
    for (const char* p = begin; p < end;) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (!nl) break;
      p = static_cast<const char*>(nl) + 1;
      line_starts_.push_back(static_cast<std::size_t>(p - begin));
    }
  }
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::size_t>(it - line_starts_.begin());  // 1-based
  const std::size_t column = offset - line_starts_[line - 1] + 1;
  return {file_, static_cast<std::uint32_t>(line),
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
  return offset;
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

simdjson::error_code Tree::build(od::value value, const char* base) {
  nodes_.clear();
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
      std::string_view s;
      if (raw.size() >= 2 && raw.back() == '"' &&
          raw.substr(1, raw.size() - 2).find('\\') == std::string_view::npos) {
        s = raw.substr(1, raw.size() - 2);
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
    if (nodes[i].key == key) return Value(tree_, i);
  }
  return {};
}

std::vector<Value> Value::items() const {
  std::vector<Value> out;
  const Node* n = node();
  if (!n || (n->type != Type::kObject && n->type != Type::kArray)) return out;
  const auto& nodes = tree_->nodes();
  for (std::uint32_t i = index_ + 1; i < n->end; i = nodes[i].end) out.emplace_back(tree_, i);
  return out;
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

}  // namespace cloudtwin::load::json
