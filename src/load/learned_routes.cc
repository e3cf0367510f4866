// The learned routes file (learned_routes.h), read with the located JSON tree of json_source.h.
#include "cloudtwin/load/learned_routes.h"

#include <charconv>
#include <map>
#include <tuple>

#include "cloudtwin/model/hybrid_routes.h"
#include "json_source.h"

namespace cloudtwin::load {

namespace {

using model::Kind;

const char* const kOneDocument =
    "a learned routes file holds one JSON object, {\"learned\": [...]}";

// "65000:1" (RFC 1997 notation: two 16-bit halves) or a number.
std::optional<std::uint32_t> parse_community(std::string_view s) {
  auto number = [](std::string_view t, std::uint64_t max) -> std::optional<std::uint64_t> {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v > max)
      return std::nullopt;
    return v;
  };
  auto colon = s.find(':');
  if (colon == std::string_view::npos) {
    auto v = number(s, 0xffffffffu);
    return v ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*v)) : std::nullopt;
  }
  auto hi = number(s.substr(0, colon), 0xffff), lo = number(s.substr(colon + 1), 0xffff);
  if (!hi || !lo) return std::nullopt;
  return static_cast<std::uint32_t>((*hi << 16) | *lo);
}

class RoutesReader {
 public:
  RoutesReader(json::Reader& rd, const model::Network& n, std::uint32_t file)
      : rd_(rd), n_(n), file_(file) {}

  std::vector<model::LearnedRoute> read(json::Value root) {
    if (!rd_.expect(root, json::Type::kObject, "the file")) return {};
    json::Value list = root["learned"];
    if (list.missing()) {
      rd_.error(root.offset(), "", "no `learned` list",
                "write {\"learned\": [...]}, as `cloudtwin routes --json` does");
      return {};
    }
    if (!rd_.expect(list, json::Type::kArray, "learned")) return {};
    for (json::Value item : list.items()) route(item);
    return std::move(out_);
  }

 private:
  void route(json::Value item) {
    rd_.set_resource("");
    if (!rd_.expect(item, json::Type::kObject, "learned[]")) return;
    const std::size_t errors = rd_.diagnostics().error_count();
    model::LearnedRoute r;
    r.at = rd_.at(item);
    r.at.file = file_;

    // The session: `resource` (an id, name or alias) and `tunnel`, or the name in `session`.
    json::Value session = item["session"], resource = item["resource"], tunnel = item["tunnel"];
    auto session_name = rd_.str(session, "session");
    auto resource_name = rd_.str(resource, "resource");
    std::string_view name = resource_name ? *resource_name : session_name.value_or("");
    json::Value name_at = resource_name ? resource : session;
    std::optional<int> tunnel_number;
    if (!resource_name && session_name) {
      // "<vpn-id>/tunnel-N"
      if (auto slash = name.find("/tunnel-"); slash != std::string_view::npos) {
        auto n = name.substr(slash + 8);
        if (n == "1" || n == "2") tunnel_number = n[0] - '0';
        name = name.substr(0, slash);
      }
    }
    if (name.empty()) {
      if (!session_name && !resource_name)
        rd_.error(item.offset(), "", "a learned route needs its `resource` (or `session`)",
                  "the virtual interface or VPN connection whose session learned it");
      return;
    }
    rd_.set_resource(name);
    auto key = n_.find(name);
    if (!key || (key->kind != Kind::kVirtualInterface && key->kind != Kind::kVpnConnection)) {
      auto vif = n_.find(name, Kind::kVirtualInterface);
      auto vpn = n_.find(name, Kind::kVpnConnection);
      if (vif && !vpn)
        key = model::ResourceKey{Kind::kVirtualInterface, *vif};
      else if (vpn && !vif)
        key = model::ResourceKey{Kind::kVpnConnection, *vpn};
      else
        key.reset();
    }
    if (!key) {
      rd_.error(
          name_at.offset(), std::string(name),
          "`" + std::string(name) + "` is not a virtual interface or VPN connection of the network",
          "name a VIF (dxvif-...) or a VPN connection (vpn-...) of the network the routes belong "
          "to");
      return;
    }
    r.session = *key;
    const std::string& id = n_.resource(*key).id;
    rd_.set_resource(id);
    if (!tunnel.absent()) {
      if (auto t = rd_.integer(tunnel, "tunnel", 1, 2)) tunnel_number = static_cast<int>(*t);
    }
    if (key->kind == Kind::kVirtualInterface) {
      if (tunnel_number) {
        rd_.error((tunnel.absent() ? name_at : tunnel).offset(), id,
                  "a virtual interface has one BGP session, no tunnels", "write \"tunnel\": null");
      }
      const auto& vif = n_.virtual_interfaces[key->index];
      if (vif.type == model::VirtualInterfaceType::kPublic) {
        rd_.error(name_at.offset(), id,
                  id + " is a public virtual interface: its routes are not route selection's",
                  "only private virtual interfaces' routes reach a virtual private gateway");
      }
    } else {
      const auto& vpn = n_.vpn_connections[key->index];
      if (vpn.static_routes_only) {
        rd_.error(name_at.offset(), id, id + " is a static VPN connection: it has no BGP sessions",
                  "its routes are its static_routes");
      } else if (!tunnel_number) {
        if (tunnel.absent())
          rd_.error(item.offset(), id, "a VPN connection's route needs its `tunnel` (1 or 2)");
      } else {
        r.tunnel = *tunnel_number - 1;
        if (!vpn.tunnels.empty() && static_cast<std::size_t>(r.tunnel) >= vpn.tunnels.size()) {
          rd_.error(tunnel.absent() ? name_at.offset() : tunnel.offset(), id,
                    id + " has " + std::to_string(vpn.tunnels.size()) + " tunnel(s), not tunnel " +
                        std::to_string(*tunnel_number));
        }
      }
    }
    // `session`, when given beside `resource`, must name the same session.
    if (resource_name && session_name) {
      std::string expected = r.session.kind == Kind::kVpnConnection && r.tunnel >= 0
                                 ? id + "/tunnel-" + std::to_string(r.tunnel + 1)
                                 : id;
      if (*session_name != expected && *session_name != *resource_name) {
        rd_.error(session.offset(), id,
                  "`session` " + std::string(*session_name) +
                      " is not the session of `resource` and `tunnel` (" + expected + ")");
      }
    }

    json::Value prefix = item["prefix"];
    if (prefix.absent()) {
      rd_.error(item.offset(), id, "a learned route needs its `prefix`");
    } else if (auto text = rd_.str(prefix, "prefix")) {
      if (auto p = Prefix::parse(*text, /*strict=*/true)) {
        r.prefix = *p;
      } else if (auto loose = Prefix::parse(*text)) {
        rd_.error(prefix.offset(), id, "`prefix`: " + std::string(*text) + " has host bits set",
                  "BGP carries " + loose->str());
      } else {
        rd_.error(prefix.offset(), id, "`prefix`: `" + std::string(*text) + "` is not a prefix",
                  "write it like 192.168.0.0/16");
      }
    }

    json::Value path = item["as_path"];
    if (!path.absent() && rd_.expect(path, json::Type::kArray, "as_path")) {
      for (json::Value asn : path.items()) {
        if (asn.is_array()) {
          // An AS_SET, as `routes --json` writes it: one hop in the path's length (RFC 4271
          // §9.1.2.2), kept as its first ASN (0 when empty).
          std::optional<std::uint32_t> first;
          for (json::Value member : asn.items()) {
            auto a = rd_.integer(member, "as_path[][]", 0, 4294967295LL);
            if (a && !first) first = static_cast<std::uint32_t>(*a);
          }
          r.as_path.push_back(first.value_or(0));
          continue;
        }
        if (auto a = rd_.integer(asn, "as_path[]", 0, 4294967295LL))
          r.as_path.push_back(static_cast<std::uint32_t>(*a));
      }
    }
    if (auto med = rd_.integer(item["med"], "med", 0, 4294967295LL))
      r.med = static_cast<std::uint32_t>(*med);

    json::Value communities = item["communities"];
    if (!communities.absent() && rd_.expect(communities, json::Type::kArray, "communities")) {
      for (json::Value c : communities.items()) {
        std::optional<std::uint32_t> v;
        if (c.type() == json::Type::kString || c.type() == json::Type::kNumber)
          v = parse_community(c.text());
        if (!v) {
          rd_.error(c.offset(), id,
                    "`communities`: `" + std::string(c.text()) + "` is not a community",
                    "write it as ASN:VALUE, each 0-65535, like \"7224:7300\"");
          continue;
        }
        r.communities.push_back(*v);
      }
    }
    if (auto hop = rd_.address(item["next_hop"], "next_hop")) r.next_hop = *hop;

    if (rd_.diagnostics().error_count() != errors) return;
    // An Adj-RIB-In holds one route per prefix per session.
    auto [it, fresh] =
        seen_.emplace(std::make_tuple(r.session.kind, r.session.index, r.tunnel, r.prefix), r.at);
    if (!fresh) {
      rd_.error(prefix.offset(), id, "a second route to " + r.prefix.str() + " on the same session",
                "first at line " + std::to_string(it->second.line) +
                    "; a session holds one route per prefix");
      return;
    }
    out_.push_back(std::move(r));
  }

  json::Reader& rd_;
  const model::Network& n_;
  std::uint32_t file_;
  std::vector<model::LearnedRoute> out_;
  std::map<std::tuple<Kind, model::Index, int, Prefix>, Location> seen_;
};

}  // namespace

std::optional<std::vector<model::LearnedRoute>> read_learned_routes(std::string_view text,
                                                                    const std::string& file,
                                                                    const model::Network& network,
                                                                    Diagnostics& d,
                                                                    std::uint32_t file_index) {
  const std::size_t errors = d.error_count();
  json::Source source(simdjson::padded_string(text), file_index);
  json::Reader rd(source, file, d);
  if (!rd.no_nul()) return std::nullopt;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  auto fail = [&](simdjson::error_code e, std::size_t offset) {
    rd.parse_error(e, offset, kOneDocument);
    return std::nullopt;
  };
  if (auto e = parser.iterate(source.text()).get(doc)) return fail(e, 0);
  simdjson::ondemand::value root;
  if (auto e = doc.get_value().get(root)) return fail(e, 0);
  json::Tree tree;
  if (auto e = tree.build(root, source.text().data())) return fail(e, tree.error_offset());
  if (auto next = json::trailing_content(doc, source)) {
    rd.error(*next, "", "more than one JSON document in the file (the next starts here)",
             kOneDocument);
  }
  if (!rd.no_duplicates(tree)) return std::nullopt;
  auto routes = RoutesReader(rd, network, file_index).read(tree.root());
  if (d.error_count() != errors) return std::nullopt;
  return routes;
}

bool load_learned_routes(const std::string& path, model::Network& network, Diagnostics& d) {
  std::string error;
  auto source = json::Source::load(path, 0, error);
  if (!source) {
    d.error(path, {}, "", error);
    return false;
  }
  const std::uint32_t file = network.add_file(path);
  std::string_view text(source->text().data(), source->text().size());
  auto routes = read_learned_routes(text, path, network, d, file);
  if (!routes) return false;
  model::attach_learned_routes(network, std::move(*routes));
  return true;
}

}  // namespace cloudtwin::load
