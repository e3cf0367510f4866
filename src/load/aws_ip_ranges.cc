// ip-ranges.json, walked with simdjson On-Demand: the two large arrays item by item (each item a
// small located tree), everything else ignored so that fields AWS adds later do not break it.
#include "cloudtwin/load/aws_ip_ranges.h"

#include <algorithm>
#include <charconv>
#include <new>

#include "json_source.h"

namespace cloudtwin::load {

std::span<const Prefix> AwsIpRanges::prefixes(std::string_view region, std::string_view service,
                                              Family family) const {
  auto r = by_region_.find(region);
  if (r == by_region_.end()) return {};
  auto s = r->second.find(service);
  if (s == r->second.end()) return {};
  return family == Family::kV4 ? s->second.v4 : s->second.v6;
}

std::vector<Prefix> AwsIpRanges::prefixes_anywhere(std::string_view service, Family family) const {
  std::vector<Prefix> out;
  for (const auto& [region, services] : by_region_) {
    if (auto s = services.find(service); s != services.end()) {
      const auto& list = family == Family::kV4 ? s->second.v4 : s->second.v6;
      out.insert(out.end(), list.begin(), list.end());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool AwsIpRanges::has_region(std::string_view region) const {
  return by_region_.find(region) != by_region_.end();
}

std::vector<std::string_view> AwsIpRanges::regions() const {
  std::vector<std::string_view> out;
  for (const auto& [region, services] : by_region_) out.push_back(region);
  return out;
}

void AwsIpRanges::add(std::string_view region, std::string_view service, const Prefix& p) {
  auto r = by_region_.find(region);
  if (r == by_region_.end())
    r = by_region_.emplace(std::string(region), decltype(r->second)()).first;
  auto s = r->second.find(service);
  if (s == r->second.end()) s = r->second.emplace(std::string(service), Lists()).first;
  (p.family() == Family::kV4 ? s->second.v4 : s->second.v6).push_back(p);
}

void AwsIpRanges::seal() {
  for (auto& [region, services] : by_region_) {
    for (auto& [service, lists] : services) {
      for (auto* list : {&lists.v4, &lists.v6}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
      }
    }
  }
}

namespace {

namespace od = simdjson::ondemand;

constexpr const char* kGetTheFile =
    "AWS publishes the file at https://ip-ranges.amazonaws.com/ip-ranges.json; download it again";

const char* type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "a value";
}

class Reader {
 public:
  Reader(const json::Source& source, const std::string& path, Diagnostics& d)
      : source_(source), d_(d), rd_(source, path, d) {}

  std::optional<AwsIpRanges> run() {
    const std::size_t errors_before = d_.error_count();
    read();
    if (d_.error_count() != errors_before) return std::nullopt;
    out_.seal();
    return std::move(out_);
  }

 private:
  void fail(simdjson::error_code e, std::size_t offset) {
    rd_.parse_error(e, offset, "ip-ranges.json is one JSON document");
  }

  std::size_t location(od::document& doc) const {
    const char* p = nullptr;
    if (doc.current_location().get(p)) return source_.text().size();
    return source_.offset(p);
  }

  void read() {
    const std::string_view text(source_.text().data(), source_.text().size());
    if (auto nul = json::first_nul(text)) {
      rd_.error(*nul, "", "a NUL byte: JSON text holds none", kGetTheFile);
      return;
    }
    // Not JSON at all (an error page saved in its place): said so, rather than what the parser
    // makes of the first word.
    std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    start = std::min(text.find_first_not_of(" \t\r\n", start), text.size());
    if (start < text.size() &&
        std::string_view("{[\"-0123456789tfn").find(text[start]) == std::string_view::npos) {
      rd_.error(start, "", "not JSON: AWS's ip-ranges.json is a JSON object", kGetTheFile);
      return;
    }
    od::document doc;
    if (auto e = parser_.iterate(source_.text()).get(doc)) return fail(e, 0);
    od::json_type type;
    if (auto e = doc.type().get(type)) return fail(e, location(doc));
    if (type != od::json_type::object) {
      rd_.error(location(doc), "",
                std::string("ip-ranges.json is a JSON object with `prefixes` and "
                            "`ipv6_prefixes`, not ") +
                    type_name(type),
                kGetTheFile);
      return;
    }
    od::object root;
    if (auto e = doc.get_object().get(root)) return fail(e, location(doc));
    std::map<std::string, std::size_t, std::less<>> seen;  // top-level key -> offset
    for (auto member : root) {
      od::field field;
      std::string_view key;
      if (auto e = std::move(member).get(field)) return fail(e, location(doc));
      if (auto e = field.unescaped_key().get(key)) return fail(e, location(doc));
      const std::size_t offset = source_.offset(field.value().raw_json_token().data());
      if (auto [it, fresh] = seen.try_emplace(std::string(key), offset); !fresh) {
        const Location first = source_.at(it->second);
        rd_.error(offset, "",
                  "duplicate key `" + std::string(key) + "` (first at line " +
                      std::to_string(first.line) + ", column " + std::to_string(first.column) + ")",
                  "JSON readers disagree on which of the two wins; keep one");
        continue;
      }
      if (key == "syncToken" || key == "createDate") {
        if (auto e = tree_.build(field.value(), source_.text().data())) {
          return fail(e, tree_.error_offset());
        }
        if (auto s = rd_.str(tree_.root(), key)) {
          (key == "syncToken" ? out_.sync_token : out_.create_date) = std::string(*s);
        }
      } else if (key == "prefixes" || key == "ipv6_prefixes") {
        const bool v6 = key == "ipv6_prefixes";
        od::json_type t;
        if (auto e = field.value().type().get(t)) return fail(e, offset);
        if (t != od::json_type::array) {
          rd_.error(offset, "", "`" + std::string(key) + "` must be an array, not " + type_name(t),
                    kGetTheFile);
          // Skip the value: reading the next key needs the iterator past it.
          if (auto e = tree_.build(field.value(), source_.text().data())) {
            return fail(e, tree_.error_offset());
          }
          continue;
        }
        if (!v6) has_v4_ = true;
        od::array list;
        if (auto e = field.value().get_array().get(list)) return fail(e, offset);
        std::size_t index = 0;
        for (auto element : list) {
          od::value v;
          if (auto e = std::move(element).get(v)) return fail(e, location(doc));
          if (auto e = tree_.build(v, source_.text().data())) return fail(e, tree_.error_offset());
          name_item(v6 ? "ipv6_prefixes" : "prefixes", index++);
          if (!rd_.no_duplicates(tree_)) continue;
          read_item(tree_.root(), v6);
        }
        (v6 ? out_.ipv6_count : out_.ipv4_count) = index;
      }
    }
    if (auto next = json::trailing_content(doc, source_)) {
      rd_.error(*next, "", "more than one JSON document in the file (the next starts here)",
                "ip-ranges.json is one JSON document");
    }
    if (!has_v4_) {
      rd_.error(0, "", "not AWS's ip-ranges.json: no `prefixes` array", kGetTheFile);
    }
  }

  // "prefixes[12]": what diagnostics about the item name, as the readers name a resource by its
  // place in its list until its id is known.
  void name_item(std::string_view list, std::size_t index) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
    name_.assign(list);
    name_ += '[';
    name_.append(digits, end);
    name_ += ']';
    rd_.set_resource(name_);
  }

  // A string that must be there and not be empty.
  std::optional<std::string_view> required(const json::Value& item, std::string_view key) {
    const json::Value v = item.get(key);
    if (v.absent()) {
      rd_.error(v.missing() ? item.offset() : v.offset(), rd_.resource(),
                "`" + std::string(key) + "` is " +
                    (v.missing()                     ? "missing"
                     : v.type() == json::Type::kNull ? "null"
                                                     : "empty"),
                "each item of AWS's file has ip_prefix (or ipv6_prefix), region, service and "
                "network_border_group");
      return std::nullopt;
    }
    return rd_.str(v, key);
  }

  void read_item(const json::Value& item, bool v6) {
    if (!item.is_object()) {
      rd_.error(item.offset(), rd_.resource(),
                std::string("an item of `") + (v6 ? "ipv6_prefixes" : "prefixes") +
                    "` must be an object, not " + json::type_name(item.type()));
      return;
    }
    const std::string_view prefix_key = v6 ? "ipv6_prefix" : "ip_prefix";
    std::optional<Prefix> prefix;
    if (required(item, prefix_key)) {
      prefix = rd_.prefix(item.get(prefix_key), prefix_key, v6 ? Family::kV6 : Family::kV4);
    }
    auto region = required(item, "region");
    auto service = required(item, "service");
    if (auto border = item.get("network_border_group"); !border.missing()) {
      rd_.str(border, "network_border_group");
    }
    if (prefix && region && service) out_.add(*region, *service, *prefix);
  }

  const json::Source& source_;
  Diagnostics& d_;
  json::Reader rd_;
  od::parser parser_;
  json::Tree tree_;
  std::string name_;
  AwsIpRanges out_;
  bool has_v4_ = false;
};

std::optional<AwsIpRanges> read_source(const json::Source& source, const std::string& path,
                                       Diagnostics& d) {
  try {
    return Reader(source, path, d).run();
  } catch (const std::bad_alloc&) {
    d.error(path, {source.file(), 0, 0}, "", "cannot read the file: out of memory");
    return std::nullopt;
  }
}

}  // namespace

std::optional<AwsIpRanges> read_aws_ip_ranges(std::string_view text, const std::string& path,
                                              std::uint32_t file, Diagnostics& d) {
  const json::Source source(simdjson::padded_string(text), file);
  return read_source(source, path, d);
}

std::optional<AwsIpRanges> read_aws_ip_ranges_file(const std::string& path, std::uint32_t file,
                                                   Diagnostics& d) {
  std::string error;
  auto source = json::Source::load(path, file, error);
  if (!source) {
    d.error(path, {file, 0, 0}, "", error, kGetTheFile);
    return std::nullopt;
  }
  return read_source(*source, path, d);
}

}  // namespace cloudtwin::load
