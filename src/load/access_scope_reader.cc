// The access scope reader: the whole file becomes one located JSON tree (scopes are small),
// walked with a list of known keys per object so a misspelt key is an error with a suggestion
// rather than a silently ignored condition.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string_view>

#include "cloudtwin/load/access_scope.h"
#include "json_source.h"

namespace cloudtwin::load {

namespace {

namespace od = simdjson::ondemand;
using json::Type;
using json::Value;

class ScopeReader {
 public:
  ScopeReader(const json::Source& source, const std::string& path, Diagnostics& d,
              std::uint32_t file_index)
      : rd_(source, path, d), file_index_(file_index) {}

  std::optional<model::AccessScope> read(const Value& root) {
    model::AccessScope scope;
    scope.file = rd_.path();
    scope.name = std::filesystem::path(rd_.path()).stem().string();
    scope.at = at(root);
    if (!root.is_object()) {
      rd_.error(
          root.offset(), "",
          std::string("an access scope is a JSON object, not ") + json::type_name(root.type()),
          "write {\"MatchPaths\": [...], \"ExcludePaths\": [...]}");
      return std::nullopt;
    }
    Value body = root;
    if (auto content = content_of(root)) {
      body = *content;
    } else if (!root.get("Type").missing() && !root.get("Properties").missing()) {
      // A CloudFormation resource: its Properties are the request.
      if (auto type = rd_.str(root.get("Type"), "Type");
          type && *type != "AWS::EC2::NetworkInsightsAccessScope") {
        rd_.error(
            root.get("Type").offset(), "",
            "a CloudFormation resource of type `" + std::string(*type) + "` is not an access scope",
            "the type is AWS::EC2::NetworkInsightsAccessScope");
      }
      known_keys(root, {"Type", "Properties", "Metadata", "DependsOn", "Condition",
                        "DeletionPolicy", "UpdateReplacePolicy"});
      body = root.get("Properties");
      if (!rd_.expect(body, Type::kObject, "Properties")) return std::nullopt;
    }
    known_keys(body, {"MatchPaths", "ExcludePaths", "NetworkInsightsAccessScopeId", "ClientToken",
                      "TagSpecifications", "DryRun", "Tags"});
    if (auto id =
            rd_.str(body.get("NetworkInsightsAccessScopeId"), "NetworkInsightsAccessScopeId")) {
      scope.name = std::string(*id);
    } else if (auto name = name_tag(body)) {
      scope.name = *name;
    }
    const Value match = body.get("MatchPaths");
    if (match.absent() || (match.is_array() && match.size() == 0)) {
      rd_.error(match.missing() ? body.offset() : match.offset(), "",
                "an access scope needs at least one entry in `MatchPaths`",
                "add {\"MatchPaths\": [{\"Source\": ..., \"Destination\": ...}]}");
    }
    scope.match_paths = paths(match, "MatchPaths");
    scope.exclude_paths = paths(body.get("ExcludePaths"), "ExcludePaths");
    if (rd_.diagnostics().error_count() > errors_before_) return std::nullopt;
    return scope;
  }

  void set_errors_before(std::size_t n) { errors_before_ = n; }
  json::Reader& reader() { return rd_; }

 private:
  Location at(const Value& v) const {
    Location l = rd_.at(v);
    l.file = file_index_;
    return l;
  }

  // The NetworkInsightsAccessScopeContent of a get-/create- answer, if `root` is one.
  std::optional<Value> content_of(const Value& root) {
    for (std::string_view key : {"NetworkInsightsAccessScopeContent", "AccessScopeContent"}) {
      const Value content = root.get(key);
      if (content.missing()) continue;
      known_keys(root, {"NetworkInsightsAccessScopeContent", "AccessScopeContent",
                        "NetworkInsightsAccessScope"});
      if (!rd_.expect(content, Type::kObject, key)) return std::nullopt;
      return content;
    }
    return std::nullopt;
  }

  // The Name tag of TagSpecifications (request) or Tags (CloudFormation).
  std::optional<std::string> name_tag(const Value& body) {
    std::vector<Value> tag_lists;
    for (const auto& spec : body.get("TagSpecifications").items())
      tag_lists.push_back(spec.get("Tags"));
    tag_lists.push_back(body.get("Tags"));
    for (const auto& tags : tag_lists) {
      for (const auto& tag : tags.items()) {
        if (tag.get("Key").text() == "Name" && tag.get("Value").is_string() &&
            !tag.get("Value").text().empty()) {
          return std::string(tag.get("Value").text());
        }
      }
    }
    return std::nullopt;
  }

  // Reports every member of `object` whose key is not in `keys`, with the closest known key.
  void known_keys(const Value& object, std::initializer_list<std::string_view> keys) {
    if (!object.is_object()) return;
    for (const auto& member : object.items()) {
      const std::string_view key = member.key();
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      const std::string best = closest_match(key, std::vector<std::string_view>(keys));
      rd_.error(key_offset(member), "", "unknown key `" + std::string(key) + "`",
                best.empty() ? "expected one of " + list(keys) : "did you mean `" + best + "`?");
    }
  }

  // Where the key of an object member starts (its opening quote) when the key is read in
  // place; else where its value starts.
  std::size_t key_offset(const Value& member) const {
    const std::string_view key = member.key();
    const char* text = rd_.source().text().data();
    const std::size_t size = rd_.source().text().size();
    if (key.data() > text && key.data() <= text + size) {
      return static_cast<std::size_t>(key.data() - text) - 1;
    }
    return member.offset();
  }

  static std::string list(std::initializer_list<std::string_view> keys) {
    std::string s;
    for (auto k : keys) {
      if (!s.empty()) s += ", ";
      s += k;
    }
    return s;
  }

  std::vector<model::AccessScopePath> paths(const Value& v, std::string_view field) {
    std::vector<model::AccessScopePath> out;
    if (v.absent() || !rd_.expect(v, Type::kArray, field)) return out;
    for (const auto& item : v.items()) {
      if (!rd_.expect(item, Type::kObject, std::string(field) + "[]")) continue;
      known_keys(item, {"Source", "Destination", "ThroughResources"});
      model::AccessScopePath p;
      p.at = at(item);
      p.source = path_statement(item.get("Source"), "Source", model::kScopeSource);
      p.destination =
          path_statement(item.get("Destination"), "Destination", model::kScopeDestination);
      const Value through = item.get("ThroughResources");
      if (!through.absent() && rd_.expect(through, Type::kArray, "ThroughResources")) {
        for (const auto& t : through.items()) {
          if (!rd_.expect(t, Type::kObject, "ThroughResources[]")) continue;
          known_keys(t, {"ResourceStatement"});
          const Value rs = t.get("ResourceStatement");
          if (rs.absent()) {
            rd_.error(
                t.offset(), "", "a `ThroughResources` entry needs a `ResourceStatement`",
                "write {\"ResourceStatement\": {\"ResourceTypes\": [\"AWS::EC2::NatGateway\"]}}");
            continue;
          }
          if (auto r = resource_statement(rs, model::kScopeThrough))
            p.through_resources.push_back(std::move(*r));
        }
      }
      out.push_back(std::move(p));
    }
    return out;
  }

  std::optional<model::PathStatement> path_statement(const Value& v, std::string_view field,
                                                     std::uint8_t position) {
    if (v.absent() || !rd_.expect(v, Type::kObject, field)) return std::nullopt;
    known_keys(v, {"ResourceStatement", "PacketHeaderStatement"});
    model::PathStatement s;
    s.at = at(v);
    if (const Value rs = v.get("ResourceStatement"); !rs.absent())
      s.resource_statement = resource_statement(rs, position);
    if (const Value ph = v.get("PacketHeaderStatement"); !ph.absent()) {
      s.packet_header_statement = packet_header_statement(ph);
    }
    return s;
  }

  std::optional<model::ResourceStatement> resource_statement(const Value& v,
                                                             std::uint8_t position) {
    if (!rd_.expect(v, Type::kObject, "ResourceStatement")) return std::nullopt;
    known_keys(v, {"Resources", "ResourceTypes"});
    model::ResourceStatement r;
    r.at = at(v);
    r.resources = strings(v.get("Resources"), "Resources");
    for (auto& t : strings(v.get("ResourceTypes"), "ResourceTypes")) {
      const model::ScopeResourceType* type = model::scope_resource_type(t.value);
      if (!type) {
        std::vector<std::string_view> names;
        for (const auto& k : model::kScopeResourceTypes) names.push_back(k.name);
        const std::string best = closest_match(t.value, names);
        error(t.at, "unknown resource type `" + t.value + "`",
              best.empty() ? "docs/access-scopes.md lists the supported types"
                           : "did you mean `" + best + "`?");
        continue;
      }
      if (!(type->positions & position)) {
        // resource-statement.html names the positions of each type.
        error(t.at, t.value + " cannot stand in " + model::scope_positions_text(position),
              "it may stand in " + model::scope_positions_text(type->positions));
        continue;
      }
      r.resource_types.push_back(std::move(t));
    }
    // resource-statement.html: "A single resource statement can include either resource IDs or
    // resource types, but not both."
    if (!v.get("Resources").absent() && !v.get("ResourceTypes").absent()) {
      rd_.error(v.get("ResourceTypes").offset(), "",
                "a resource statement holds `Resources` or `ResourceTypes`, not both",
                "split it into two paths");
    } else if (v.get("Resources").absent() && v.get("ResourceTypes").absent()) {
      rd_.error(v.offset(), "", "a resource statement needs `Resources` or `ResourceTypes`",
                "write {\"Resources\": [\"subnet-...\"]} or {\"ResourceTypes\": "
                "[\"AWS::EC2::InternetGateway\"]}");
    }
    return r;
  }

  std::optional<model::PacketHeaderStatement> packet_header_statement(const Value& v) {
    if (!rd_.expect(v, Type::kObject, "PacketHeaderStatement")) return std::nullopt;
    known_keys(v, {"SourceAddresses", "DestinationAddresses", "SourcePorts", "DestinationPorts",
                   "SourcePrefixLists", "DestinationPrefixLists", "Protocols"});
    model::PacketHeaderStatement h;
    h.at = at(v);
    h.source_addresses = addresses(v.get("SourceAddresses"), "SourceAddresses");
    h.destination_addresses = addresses(v.get("DestinationAddresses"), "DestinationAddresses");
    h.source_prefix_lists = strings(v.get("SourcePrefixLists"), "SourcePrefixLists");
    h.destination_prefix_lists = strings(v.get("DestinationPrefixLists"), "DestinationPrefixLists");
    h.source_ports = ports(v.get("SourcePorts"), "SourcePorts");
    h.destination_ports = ports(v.get("DestinationPorts"), "DestinationPorts");
    for (auto& p : strings(v.get("Protocols"), "Protocols")) {
      // packet-header-statement.html: "The possible values are tcp and udp."
      if (p.value == "tcp" || p.value == "udp") {
        h.protocols.push_back({Protocol(p.value == "tcp" ? Protocol::kTcp : Protocol::kUdp), p.at});
        continue;
      }
      std::string lowered = p.value;
      std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      error(p.at,
            "`Protocols`: `" + p.value + "` is not a protocol Network Access Analyzer analyses",
            lowered == "tcp" || lowered == "6"    ? "did you mean `tcp`?"
            : lowered == "udp" || lowered == "17" ? "did you mean `udp`?"
                                                  : "write `tcp` or `udp`");
    }
    // packet-header-statement.html: SourceAddresses and SourcePrefixLists exclude each other,
    // as do DestinationAddresses and DestinationPrefixLists.
    for (auto [a, b] : {std::pair{"SourceAddresses", "SourcePrefixLists"},
                        std::pair{"DestinationAddresses", "DestinationPrefixLists"}}) {
      if (!v.get(a).absent() && !v.get(b).absent()) {
        rd_.error(v.get(b).offset(), "",
                  "`" + std::string(a) + "` and `" + std::string(b) + "` exclude each other",
                  "keep one of them");
      }
    }
    // "if you use a packet header statement, you must use at least one of its fields"
    if (v.size() == 0) {
      rd_.error(v.offset(), "", "an empty packet header statement",
                "give at least one field, or leave the statement out to admit all traffic");
    }
    return h;
  }

  std::vector<model::Located<std::string>> strings(const Value& v, std::string_view field) {
    std::vector<model::Located<std::string>> out;
    if (v.absent() || !rd_.expect(v, Type::kArray, field)) return out;
    for (const auto& item : v.items()) {
      if (!rd_.expect(item, Type::kString, std::string(field) + "[]")) continue;
      if (item.text().empty()) {
        rd_.error(item.offset(), "", "`" + std::string(field) + "`: an empty string");
        continue;
      }
      out.push_back({std::string(item.text()), at(item)});
    }
    return out;
  }

  std::vector<model::Located<Prefix>> addresses(const Value& v, std::string_view field) {
    std::vector<model::Located<Prefix>> out;
    for (auto& s : strings(v, field)) {
      // "The IP addresses or CIDR ranges": a bare address is its own /32 or /128.
      if (auto a = IpAddress::parse(s.value)) {
        out.push_back({Prefix::host(*a), s.at});
        continue;
      }
      if (auto p = Prefix::parse(s.value, true)) {
        out.push_back({*p, s.at});
        continue;
      }
      if (auto loose = Prefix::parse(s.value, false)) {
        error(s.at,
              "`" + std::string(field) + "`: `" + s.value + "` has bits set past its prefix length",
              "did you mean `" + loose->str() + "`?");
        continue;
      }
      error(s.at,
            "`" + std::string(field) + "`: `" + s.value + "` is not an IP address or CIDR block",
            "write it like 10.0.0.0/16, 203.0.113.7 or 2600:1f18::/56");
    }
    return out;
  }

  std::vector<model::Located<PortRange>> ports(const Value& v, std::string_view field) {
    std::vector<model::Located<PortRange>> out;
    if (v.absent() || !rd_.expect(v, Type::kArray, field)) return out;
    for (const auto& item : v.items()) {
      if (item.type() == Type::kNumber) {
        rd_.error(item.offset(), "",
                  "`" + std::string(field) + "`: ports are strings in an access scope",
                  "write \"" + std::string(item.text()) + "\"");
        continue;
      }
      if (!rd_.expect(item, Type::kString, std::string(field) + "[]")) continue;
      const std::string_view t = item.text();
      const bool digits = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '-';
      });
      auto range = digits ? PortRange::parse(t) : std::nullopt;
      if (!range || t.front() == '-') {
        rd_.error(
            item.offset(), "",
            "`" + std::string(field) + "`: `" + std::string(t) + "` is not a port or port range",
            "write a port 0-65535 like \"22\" or a range like \"1024-65535\"");
        continue;
      }
      out.push_back({*range, at(item)});
    }
    return out;
  }

  void error(Location l, std::string message, std::string hint) {
    rd_.diagnostics().error(rd_.path(), l, "", std::move(message), std::move(hint));
  }

  json::Reader rd_;
  std::uint32_t file_index_;
  std::size_t errors_before_ = 0;
};

}  // namespace

std::optional<model::AccessScope> read_access_scope(const std::string& path, Diagnostics& d) {
  return read_access_scope(path, d, 0);
}

std::optional<model::AccessScope> read_access_scope(const std::string& path, Diagnostics& d,
                                                    std::uint32_t file_index) {
  std::string error;
  auto source = json::Source::load(path, file_index, error);
  if (!source) {
    d.error(path, {file_index, 0, 0}, "", error);
    return std::nullopt;
  }
  ScopeReader reader(*source, path, d, file_index);
  reader.set_errors_before(d.error_count());
  auto fail = [&](simdjson::error_code e, std::size_t offset) -> std::optional<model::AccessScope> {
    reader.reader().error(json::error_offset(e, offset, *source), "", json::describe(e));
    return std::nullopt;
  };
  od::parser parser;
  od::document doc;
  if (auto e = parser.iterate(source->text()).get(doc)) return fail(e, 0);
  auto location = [&]() -> std::size_t {
    const char* p = nullptr;
    if (doc.current_location().get(p)) return source->text().size();
    return source->offset(p);
  };
  od::json_type type;
  if (auto e = doc.type().get(type)) return fail(e, location());
  if (type != od::json_type::object) {
    reader.reader().error(location(), "", "an access scope is a JSON object",
                          "write {\"MatchPaths\": [...], \"ExcludePaths\": [...]}");
    return std::nullopt;
  }
  od::value root;
  if (auto e = doc.get_value().get(root)) return fail(e, location());
  json::Tree tree;
  if (auto e = tree.build(root, source->text().data())) return fail(e, tree.error_offset());
  // Past the root value the document is at its end; anything else is trailing content.
  if (const char* rest = nullptr; !doc.current_location().get(rest)) {
    return fail(simdjson::TRAILING_CONTENT, source->offset(rest));
  }
  return reader.read(tree.root());
}

}  // namespace cloudtwin::load
