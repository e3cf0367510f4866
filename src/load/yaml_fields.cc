#include "yaml_fields.h"

#include <algorithm>
#include <charconv>

namespace cloudtwin::load::yaml {
namespace {

// Merge keys nest only as deep as anchors were written; this bounds a hostile file.
constexpr int kMaxMergeDepth = 16;

// Up to this many entries a linear search beats hashing (most mappings hold a handful of keys).
constexpr std::size_t kLinearSearchMax = 16;

// Names users bring from the AWS API or Terraform, and what this format calls them.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"cidr_block", "cidr"},
    {"ipv6_cidr_block", "cidr"},
    {"cidr_blocks", "cidr"},
    {"ipv6_cidr_blocks", "cidr"},
    {"cidr_ip", "cidr"},
    {"cidr_ipv6", "cidr"},
    {"destination_cidr_block", "destination"},
    {"destination_ipv6_cidr_block", "destination"},
    {"source_security_group", "security_group"},
    {"egress_rules", "egress"},
    {"ingress_rules", "ingress"},
    {"rule_no", "rule_number"},
    {"ip_protocol", "protocol"},
    {"type", "resource_type"},
    {"ipv4_cidr_block", "cidr_block"},
    {"private_ip_address", "private_ip"},
    {"private_ip_addresses", "private_ips"},
    {"public_ip_address", "public_ip"},
    {"ipv6_address", "ipv6_addresses"},
    {"security_group_ids", "security_groups"},
    {"vpc_security_group_ids", "security_groups"},
    {"availability_zone_id", "availability_zone"},
    {"allocation_id", "elastic_ip"},
    {"vpc_peering_connection_id", "vpc_peering_connection"},
};

std::string quoted(std::string_view s) { return "`" + std::string(s) + "`"; }

}  // namespace

std::string lower(std::string_view text) {
  std::string s(text);
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

// ---- Context --------------------------------------------------------------------------------

Location Context::at(const Node& node) const {
  const Mark m = node.mark();
  return {file, m.line, m.column};
}

void Context::error(Location at, const std::string& resource, std::string message,
                    std::string hint) {
  diagnostics.error(path, at, resource, std::move(message), std::move(hint));
}

// ---- Value ----------------------------------------------------------------------------------

Value::Value(Context& cx, const Node* node, std::string field, Location fallback,
             std::string resource)
    : cx_(&cx),
      node_(node),
      field_(std::move(field)),
      fallback_(fallback),
      resource_(std::move(resource)) {}

Location Value::at() const {
  // An empty value has no text of its own to point at; its key does.
  if (!present() || node_->is_null()) return fallback_;
  Location l = cx_->at(*node_);
  return l.line == 0 ? fallback_ : l;
}

void Value::error(std::string message, std::string hint) {
  cx_->error(at(), resource_, std::move(message), std::move(hint));
}

std::string Value::describe() const {
  if (!node_) return "empty";
  switch (node_->kind()) {
    case NodeKind::kMapping:
      return "a mapping";
    case NodeKind::kSequence:
      return "a list";
    case NodeKind::kScalar:
      return quoted(node_->scalar());
    case NodeKind::kNull:
      break;
  }
  return "empty";
}

std::optional<std::string_view> Value::scalar(std::string_view expected) {
  if (!present()) return std::nullopt;
  if (node_->is_null()) {
    error(quoted(field_) + " has no value", "write " + std::string(expected));
    return std::nullopt;
  }
  if (!node_->is_scalar()) {
    error(quoted(field_) + " must be " + std::string(expected) + ", not " + describe());
    return std::nullopt;
  }
  return node_->scalar();
}

std::optional<std::string> Value::text(bool allow_empty) {
  auto s = scalar("a string");
  if (!s) return std::nullopt;
  if (s->empty() && !allow_empty) {
    error(quoted(field_) + " is empty");
    return std::nullopt;
  }
  return std::string(*s);
}

std::optional<bool> Value::boolean() {
  auto s = scalar("true or false");
  if (!s) return std::nullopt;
  const std::string t = lower(*s);
  if (t == "true") return true;
  if (t == "false") return false;
  error(quoted(field_) + " must be true or false, not " + quoted(*s));
  return std::nullopt;
}

std::optional<bool> Value::enable_flag() {
  auto s = scalar("enable or disable");
  if (!s) return std::nullopt;
  const std::string t = lower(*s);
  if (t == "true" || t == "enable") return true;
  if (t == "false" || t == "disable") return false;
  error(quoted(field_) + " must be enable, disable, true or false, not " + quoted(*s));
  return std::nullopt;
}

std::optional<std::int64_t> Value::integer(std::int64_t min, std::int64_t max) {
  auto s = scalar("an integer");
  if (!s) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || end != s->data() + s->size() || v < min || v > max) {
    error(quoted(field_) + " must be an integer from " + std::to_string(min) + " to " +
          std::to_string(max) + ", not " + quoted(*s));
    return std::nullopt;
  }
  return v;
}

std::optional<Prefix> Value::prefix(std::optional<Family> family) {
  const std::string kind = !family                  ? "a CIDR block"
                           : *family == Family::kV4 ? "an IPv4 CIDR block"
                                                    : "an IPv6 CIDR block";
  auto s = scalar(kind + " like " + (family == Family::kV6 ? "2001:db8::/56" : "10.0.0.0/16"));
  if (!s) return std::nullopt;
  auto loose = Prefix::parse(*s, /*strict=*/false);
  if (!loose) {
    std::string hint;
    const auto slash = s->find('/');
    const auto address = IpAddress::parse(std::string_view(*s).substr(0, slash));
    if (address && slash == std::string::npos) {
      hint = "add a prefix length, e.g. `" + std::string(*s) + "/" +
             std::to_string(address->width()) + "`";
    } else if (address) {
      hint = "an " + std::string(address->is_v4() ? "IPv4" : "IPv6") + " prefix length is 0 to " +
             std::to_string(address->width());
    }
    error(quoted(field_) + ": " + quoted(*s) + " is not " + kind, std::move(hint));
    return std::nullopt;
  }
  if (family && loose->family() != *family) {
    error(quoted(field_) + ": " + quoted(*s) + " is not " + kind);
    return std::nullopt;
  }
  if (!Prefix::parse(*s, /*strict=*/true)) {
    // AWS rejects CIDR blocks with host bits set rather than guessing what was meant.
    error(quoted(field_) + ": " + quoted(*s) + " has host bits set",
          "did you mean `" + loose->str() + "`?");
    return std::nullopt;
  }
  return loose;
}

std::optional<IpAddress> Value::address(std::optional<Family> family) {
  const std::string kind = !family                  ? "an IP address"
                           : *family == Family::kV4 ? "an IPv4 address"
                                                    : "an IPv6 address";
  auto s = scalar(kind);
  if (!s) return std::nullopt;
  auto a = IpAddress::parse(*s);
  if (!a || (family && a->family() != *family)) {
    std::string hint;
    if (!a && s->find('/') != std::string::npos) hint = "write the address without a prefix length";
    error(quoted(field_) + ": " + quoted(*s) + " is not " + kind, std::move(hint));
    return std::nullopt;
  }
  return a;
}

std::optional<PortRange> Value::port_range() {
  auto s = scalar("a port range like 1024-65535");
  if (!s) return std::nullopt;
  auto r = PortRange::parse(*s);
  if (!r) {
    error(quoted(field_) + ": " + quoted(*s) + " is not a port range",
          "write a port (443), a range from low to high (1024-65535) or all");
    return std::nullopt;
  }
  return r;
}

std::optional<Protocol> Value::protocol() {
  auto s = scalar("a protocol");
  if (!s) return std::nullopt;
  auto p = Protocol::parse(*s);
  if (!p) {
    auto best = closest_match(lower(*s), {"tcp", "udp", "icmp", "icmpv6", "all"});
    error(quoted(field_) + ": " + quoted(*s) + " is not a protocol",
          best.empty() ? "use tcp, udp, icmp, icmpv6, all (-1) or a protocol number 0-255"
                       : "did you mean `" + best + "`?");
    return std::nullopt;
  }
  return p;
}

std::optional<std::string> Value::choice(std::initializer_list<std::string_view> values) {
  std::string list;
  for (auto v : values) list += (list.empty() ? "" : ", ") + std::string(v);
  auto s = scalar("one of " + list);
  if (!s) return std::nullopt;
  const std::string t = lower(*s);
  std::vector<std::string> lowered;
  for (auto v : values) {
    if (lower(v) == t) return std::string(v);
    lowered.push_back(lower(v));
  }
  auto best = closest_match(t, std::vector<std::string_view>(lowered.begin(), lowered.end()));
  std::string hint;
  for (auto v : values) {
    if (!best.empty() && lower(v) == best) hint = "did you mean `" + std::string(v) + "`?";
  }
  error(quoted(field_) + " must be one of " + list + ", not " + quoted(*s), std::move(hint));
  return std::nullopt;
}

model::Ref Value::ref() {
  model::Ref r;
  auto s = scalar("an id or a name");
  if (!s) return r;
  if (s->empty()) {
    error(quoted(field_) + " is empty", "write the id or name of the resource it refers to");
    return r;
  }
  r.text = std::string(*s);
  r.at = at();
  return r;
}

std::vector<Value> Value::items() {
  std::vector<Value> out;
  if (!present() || node_->is_null()) return out;
  if (!node_->is_sequence()) {
    const std::string hint =
        node_->is_scalar() ? "write `" + field_ + ": [" + std::string(node_->scalar()) + "]`" : "";
    error(quoted(field_) + " must be a list, not " + describe(), hint);
    return out;
  }
  const auto items = node_->items();
  out.reserve(items.size());
  for (const Node* item : items) out.emplace_back(*cx_, item, field_, at(), resource_);
  return out;
}

Fields Value::fields(std::vector<std::string_view> known) {
  return Fields(*cx_, node_, "each item of " + quoted(field_), std::move(known), resource_, at());
}

// ---- Fields ---------------------------------------------------------------------------------

Fields::Fields(Context& cx, const Node* node, std::string what, std::vector<std::string_view> known,
               std::string resource, Location fallback)
    : cx_(&cx),
      node_(node),
      what_(std::move(what)),
      known_(std::move(known)),
      resource_(std::move(resource)) {
  at_ = is_mapping() ? cx.at(*node_) : fallback;
  if (at_.line == 0) at_ = fallback;
  if (is_mapping()) {
    entries_.reserve(node_->pairs().size());
    merged_.push_back(node_);
    collect(*node_, /*merged=*/false, 0);
  }
}

void Fields::collect(const Node& node, bool merged, int depth) {
  std::vector<Pair> merges;
  for (const Pair& kv : node.pairs()) {
    if (!kv.key->is_scalar()) {
      const char* got = kv.key->is_mapping()    ? "mappings"
                        : kv.key->is_sequence() ? "lists"
                                                : "empty";
      problems_.emplace_back(cx_->at(*kv.key), std::string("keys must be plain names, not ") + got);
      continue;
    }
    const std::string_view name = kv.key->scalar();
    if (name == "<<") {
      merges.push_back(kv);
      continue;
    }
    const Entry* existing = find(name);
    if (existing && !merged && !existing->merged) {
      problems_.emplace_back(cx_->at(*kv.key),
                             "duplicate field " + quoted(name) + " (first at line " +
                                 std::to_string(cx_->at(*existing->key).line) + ")");
      continue;
    }
    if (existing) continue;  // an explicit key, or an earlier merge, wins (YAML merge keys)
    add_entry({kv.key, kv.value, name, merged});
  }
  // Merges apply after explicit keys so that those win wherever they are written.
  for (const auto& [key, value] : merges) {
    if (depth >= kMaxMergeDepth) {
      problems_.emplace_back(cx_->at(*key), "merge keys (<<) nest too deeply");
      continue;
    }
    // Merging a mapping twice changes nothing (the first wins), so each is merged once; this
    // also ends a mapping that merges itself through its own anchor, and bounds the work an
    // alias fan-out can cause.
    auto merge = [&](const Node* m) {
      if (first_merge(m)) collect(*m, /*merged=*/true, depth + 1);
    };
    const auto items = value->items();
    if (value->is_mapping()) {
      merge(value);
    } else if (value->is_sequence() && std::all_of(items.begin(), items.end(),
                                                   [](const Node* n) { return n->is_mapping(); })) {
      for (const Node* m : items) merge(m);
    } else {
      problems_.emplace_back(cx_->at(*key),
                             "a merge key (<<) needs a mapping or a list of mappings");
    }
  }
}

void Fields::add_entry(const Entry& e) {
  entries_.push_back(e);
  if (!index_.empty()) {
    index_.emplace(e.name, entries_.size() - 1);
  } else if (entries_.size() > kLinearSearchMax) {
    index_.reserve(entries_.size() * 2);
    for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].name, i);
  }
}

bool Fields::first_merge(const Node* m) {
  if (!merged_index_.empty()) {
    if (!merged_index_.insert(m).second) return false;
  } else if (std::find(merged_.begin(), merged_.end(), m) != merged_.end()) {
    return false;
  } else if (merged_.size() >= kLinearSearchMax) {
    merged_index_.insert(merged_.begin(), merged_.end());
    merged_index_.insert(m);
  }
  merged_.push_back(m);
  return true;
}

const Fields::Entry* Fields::find(std::string_view key) const {
  if (!index_.empty()) {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second];
  }
  for (const auto& e : entries_) {
    if (e.name == key) return &e;
  }
  return nullptr;
}

void Fields::check() {
  if (!is_mapping()) {
    std::string got = !node_                 ? "empty"
                      : node_->is_sequence() ? "a list"
                      : node_->is_scalar()   ? quoted(node_->scalar())
                                             : "empty";
    cx_->error(at_, resource_, what_ + " must be a mapping, not " + got);
    return;
  }
  for (auto& [at, message] : problems_) cx_->error(at, resource_, std::move(message));
  problems_.clear();
  for (const auto& e : entries_) {
    if (has_known(e.name)) continue;
    if (!extension_prefix_.empty() && e.name.starts_with(extension_prefix_)) continue;
    std::string message = "unknown field " + quoted(e.name);
    // The hint costs an edit distance per known key; one past the diagnostics' cap is not shown.
    std::string hint = cx_->diagnostics.would_list(Severity::kError, cx_->path, message)
                           ? unknown_key_hint(e.name)
                           : "";
    cx_->error(cx_->at(*e.key), resource_, std::move(message), std::move(hint));
  }
}

std::string Fields::suggestion(std::string_view key, std::string* why) const {
  auto known = [&](std::string_view k) {
    return std::find(known_.begin(), known_.end(), k) != known_.end();
  };
  // References drop AWS's `_id` suffix: they accept an id or a name.
  const std::string k(key);
  if (k.size() > 3 && k.ends_with("_id") && known(k.substr(0, k.size() - 3))) {
    if (why) *why = " references take an id or a name, without `_id`";
    return k.substr(0, k.size() - 3);
  }
  if (k.size() > 4 && k.ends_with("_ids") && known(k.substr(0, k.size() - 4) + "s")) {
    if (why) *why = " references take ids or names, without `_ids`";
    return k.substr(0, k.size() - 4) + "s";
  }
  for (const auto& [alias, name] : kAliases) {
    if (alias == key && known(name)) return std::string(name);
  }
  return closest_match(key, known_);
}

std::string Fields::unknown_key_hint(std::string_view key) const {
  std::string why;
  const std::string best = suggestion(key, &why);
  if (!best.empty()) return "did you mean `" + best + "`?" + why;
  if (key == "tags" && has_known("name")) return "tags are not read; write the Name tag as `name`";
  return "";
}

bool Fields::has_known(std::string_view key) const {
  return std::find(known_.begin(), known_.end(), key) != known_.end();
}

bool Fields::has(std::string_view key) const { return find(key) != nullptr; }

Location Fields::key_at(std::string_view key) const {
  const Entry* e = find(key);
  if (!e) return at_;
  Location l = cx_->at(*e->key);
  return l.line == 0 ? at_ : l;
}

Value Fields::get(std::string_view key) {
  const Entry* e = find(key);
  return Value(*cx_, e ? e->value : nullptr, std::string(key), key_at(key), resource_);
}

Value Fields::require(std::string_view key) {
  if (!has(key) && is_mapping()) {
    // A misspelt key is already reported with this one as the suggestion; once is enough.
    // An extension key (`x-…`) is never reported, so it cannot stand in for the missing one.
    // Only the unknown keys the diagnostics list (the first Diagnostics::kMaxPerKind) are
    // looked at: a mapping of 160,000 unknown keys would cost an edit distance each per call.
    bool misspelt = false;
    std::size_t unknown = 0;
    for (const Entry& e : entries_) {
      const bool extension = !extension_prefix_.empty() && e.name.starts_with(extension_prefix_);
      if (has_known(e.name) || extension) continue;
      if (++unknown > Diagnostics::kMaxPerKind) break;
      if (suggestion(e.name, nullptr) == key) {
        misspelt = true;
        break;
      }
    }
    if (!misspelt) error("missing required field " + quoted(key));
  }
  return get(key);
}

std::vector<model::Ref> Fields::refs(std::string_view key) {
  std::vector<model::Ref> out;
  for (auto& item : get(key).items()) {
    auto r = item.ref();
    if (!r.empty()) out.push_back(std::move(r));
  }
  return out;
}

std::vector<Prefix> Fields::prefixes(std::string_view key, std::optional<Family> family) {
  std::vector<Prefix> out;
  for (auto& item : get(key).items()) {
    if (auto p = item.prefix(family)) out.push_back(*p);
  }
  return out;
}

std::vector<IpAddress> Fields::addresses(std::string_view key, std::optional<Family> family) {
  std::vector<IpAddress> out;
  for (auto& item : get(key).items()) {
    if (auto a = item.address(family)) out.push_back(*a);
  }
  return out;
}

void Fields::error(std::string message, std::string hint) {
  cx_->error(at_, resource_, std::move(message), std::move(hint));
}

void Fields::error_at(std::string_view key, std::string message, std::string hint) {
  cx_->error(key_at(key), resource_, std::move(message), std::move(hint));
}

}  // namespace cloudtwin::load::yaml
