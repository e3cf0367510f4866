// `terraform show -json` of a state (`values`) or a plan (`planned_values`, `resource_changes`,
// `configuration`). The document is walked with simdjson On-Demand in two passes: the first
// reads what a plan says about unknown values (resource_changes, configuration references),
// the second turns each aws_* resource into model resources. Split resources that modify
// another one (rules, routes, associations) are applied after every resource is known.
#include "cloudtwin/load/terraform.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "json_source.h"
#include "terraform_resources.h"

namespace cloudtwin::load {
namespace {

namespace od = simdjson::ondemand;

// The references of nested blocks (`route`, `default_action`, `forward.target_group`) as
// "block.attribute", "block.inner.attribute"...: every element of a block list merged.
void collect_block_references(const json::Value& blocks, const std::string& prefix,
                              std::map<std::string, std::vector<std::string>>& attrs, int depth) {
  for (const auto& block : blocks.items()) {
    for (const auto& inner : block.items()) {
      const std::string key = prefix + "." + std::string(inner.key());
      if (inner.is_object()) {
        auto& nested = attrs[key];
        for (const auto& ref : inner.get("references").items()) {
          if (ref.is_string()) nested.emplace_back(ref.text());
        }
      } else if (inner.is_array() && depth < 4) {
        collect_block_references(inner, key, attrs, depth + 1);
      }
    }
  }
}

// Reads the configuration's references: config address -> attribute -> referenced names.
void collect_references(const json::Value& module, const std::string& prefix, terraform::Plan& plan,
                        int depth) {
  if (depth > 32) return;
  for (const auto& r : module.get("resources").items()) {
    const std::string address = prefix + std::string(r.get("address").text());
    auto& attrs = plan.references[address];
    for (const auto& e : r.get("expressions").items()) {
      auto& list = attrs[std::string(e.key())];
      for (const auto& ref : e.get("references").items()) {
        if (ref.is_string()) list.emplace_back(ref.text());
      }
      // Nested blocks (`route`, `ingress`, `default_action`): "block.attribute".
      if (e.is_array()) collect_block_references(e, std::string(e.key()), attrs, 0);
    }
  }
  for (const auto& call : module.get("module_calls").items()) {
    collect_references(call.get("module"), prefix + "module." + std::string(call.key()) + ".", plan,
                       depth + 1);
  }
}

class Document {
 public:
  Document(json::Source& source, const std::string& path, model::Network& network, Diagnostics& d,
           TerraformSide side)
      : source_(source), network_(network), d_(d), reader_(source, path, d), side_(side) {}

  void run() {
    const std::size_t errors_before = d_.error_count();
    auto doc_error = [&](simdjson::error_code e, std::size_t offset) {
      reader_.parse_error(e, offset, "give each `terraform show -json` output its own file");
    };
    if (!reader_.no_nul()) return;
    od::document doc;
    if (auto e = parser_.iterate(source_.text()).get(doc)) return doc_error(e, 0);
    auto location = [&]() -> std::size_t {
      const char* p = nullptr;
      if (doc.current_location().get(p)) return source_.text().size();
      return source_.offset(p);
    };
    od::json_type type;
    if (auto e = doc.type().get(type)) return doc_error(e, location());
    if (type != od::json_type::object) {
      reader_.error(0, "", "`terraform show -json` output is a JSON object",
                    "run `terraform show -json plan.out > plan.json` or `terraform show -json > "
                    "state.json`");
      return;
    }
    // Pass 1: format version, and what a plan says about values unknown until apply.
    od::object root;
    if (auto e = doc.get_object().get(root)) return doc_error(e, location());
    bool has_planned = false, has_values = false, has_version = false, has_prior = false;
    const bool prior = side_ == TerraformSide::kPriorState;
    json::Tree tree;
    std::map<std::string, std::size_t, std::less<>> seen;  // top-level key -> offset
    for (auto member : root) {
      od::field field;
      std::string_view key;
      if (auto e = std::move(member).get(field)) return doc_error(e, location());
      if (auto e = field.unescaped_key().get(key)) return doc_error(e, location());
      const std::size_t offset = source_.offset(field.value().raw_json_token().data());
      if (auto [it, fresh] = seen.try_emplace(std::string(key), offset); !fresh) {
        const Location first = source_.at(it->second);
        reader_.error(offset, "",
                      "duplicate key `" + std::string(key) + "` (first at line " +
                          std::to_string(first.line) + ", column " +
                          std::to_string(first.column) + ")",
                      "JSON readers disagree on which of the two wins; keep one");
        continue;
      }
      if (key == "format_version") {
        has_version = true;
        if (auto e = tree.build(field.value(), source_.text().data())) {
          return doc_error(e, tree.error_offset());
        }
        check_version(tree.root());
      } else if (key == "prior_state") {
        has_prior = true;
      } else if (prior && (key == "resource_changes" || key == "configuration")) {
        // The state before the plan: its values are known, and what the plan will change
        // (unknown values, the configuration's references) is not about it.
        continue;
      } else if (key == "resource_changes") {
        if (auto e = tree.build(field.value(), source_.text().data())) {
          return doc_error(e, tree.error_offset());
        }
        if (reader_.no_duplicates(tree)) read_changes(tree.root());
      } else if (key == "configuration") {
        if (auto e = tree.build(field.value(), source_.text().data())) {
          return doc_error(e, tree.error_offset());
        }
        reader_.no_duplicates(tree);
        plan_.is_plan = true;
        collect_references(tree.root().get("root_module"), "", plan_, 0);
        read_provider_region(tree.root().get("provider_config"));
      } else if (key == "planned_values") {
        has_planned = true;
      } else if (key == "values") {
        has_values = true;
      }
    }
    // `terraform show -json` writes one document; a second one appended is not read silently.
    if (auto next = json::trailing_content(doc, source_)) {
      reader_.error(*next, "", "more than one JSON document in the file (the next starts here)",
                    "give each `terraform show -json` output its own file");
    }
    if (!has_version) {
      reader_.error(0, "", "not `terraform show -json` output: no `format_version`");
    }
    if (prior && !has_prior) {
      reader_.error(0, "", "no `prior_state`: not a plan, or a plan of an empty state",
                    "`terraform show -json plan.out` of a plan made against an existing state "
                    "has the state before the plan in `prior_state`");
      return;
    }
    if (!prior && !has_planned && !has_values) {
      reader_.warning(0, "", "no `values` or `planned_values`: the file describes no resources",
                      "an empty state or a plan that changes nothing");
    }
    if (d_.error_count() != errors_before) return;
    if (has_planned && !prior) plan_.is_plan = true;

    // Pass 2: the resources.
    doc.rewind();
    if (auto e = doc.get_object().get(root)) return doc_error(e, location());
    const std::string_view wanted = prior ? "prior_state" : has_planned ? "planned_values" : "values";
    terraform::Resources resources(reader_, network_, plan_);
    for (auto member : root) {
      od::field field;
      std::string_view key;
      if (auto e = std::move(member).get(field)) return doc_error(e, location());
      if (auto e = field.unescaped_key().get(key)) return doc_error(e, location());
      if (key != wanted) continue;
      od::value holder = field.value();
      std::string name(wanted);
      if (prior) {
        // prior_state is a state document: its resources are under `values`.
        od::object state;
        if (holder.get_object().get(state) != simdjson::SUCCESS) {
          reader_.error(location(), "", "`prior_state` must be an object");
          return;
        }
        if (state.find_field_unordered("values").get(holder) != simdjson::SUCCESS) continue;
        name = "prior_state.values";
      }
      od::object values;
      if (holder.get_object().get(values) != simdjson::SUCCESS) {
        reader_.error(location(), "", "`" + name + "` must be an object");
        return;
      }
      for (auto vm : values) {
        od::field vf;
        std::string_view vkey;
        if (auto e = std::move(vm).get(vf)) return doc_error(e, location());
        if (auto e = vf.unescaped_key().get(vkey)) return doc_error(e, location());
        if (vkey != "root_module") continue;
        if (auto e = walk_module(vf.value(), resources, 0)) return doc_error(e, location_);
      }
    }
    resources.finish();
  }

 private:
  void check_version(const json::Value& v) {
    if (v.type() != json::Type::kString || v.text().empty()) {
      reader_.error(v.offset(), "",
                    std::string("`format_version` is ") +
                        (v.is_string() ? "empty" : json::type_name(v.type())) +
                        ", expected a version string like \"1.2\"");
      return;
    }
    const std::string_view text = v.text();
    // json-format.mdx: a minor bump only adds; a major bump may change the meaning. 0.x is the
    // format of Terraform before 1.0 and has the same shape. A version is digits and dots.
    int major = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), major);
    (void)end;
    const bool shaped = !text.starts_with('-') && !text.ends_with('.') &&
                        text.find_first_not_of("0123456789.") == std::string_view::npos &&
                        text.find("..") == std::string_view::npos;
    if (ec != std::errc() || !shaped) {
      reader_.error(v.offset(), "", "`format_version` `" + std::string(text) + "` is not a version",
                    "`terraform show -json` writes a version like \"1.2\"");
    } else if (major > 1) {
      reader_.error(
          v.offset(), "",
          "Terraform JSON format_version " + std::string(text) + " is not supported",
          "this reader knows format 0.x and 1.x; a new major version may change the meaning");
    }
  }

  // json-format.mdx ("Configuration Representation"): provider_config is keyed by provider
  // name, or name.alias; resources without `provider` use the unaliased one.
  void read_provider_region(const json::Value& providers) {
    const json::Value aws = providers.get("aws");
    if (!aws.is_object() || !aws.get("alias").absent()) return;
    const json::Value region = aws.get("expressions").get("region").get("constant_value");
    if (auto r = reader_.str(region, "region")) plan_.region = std::string(*r);
  }

  void read_changes(const json::Value& changes) {
    if (!reader_.expect(changes, json::Type::kArray, "resource_changes")) return;
    for (const auto& c : changes.items()) {
      const std::string address(c.get("address").text());
      if (address.empty()) continue;
      auto& p = plan_.planned[address];
      p.type = std::string(c.get("type").text());
      p.mode = std::string(c.get("mode").text());
      for (const auto& u : c.get("change").get("after_unknown").items()) {
        // A whole attribute unknown (true), or a list/object containing unknowns.
        if (u.type() == json::Type::kBool && u.boolean()) p.unknown.emplace(u.key());
      }
      for (const auto& a : c.get("change").get("actions").items()) {
        if (a.text() == "delete") p.deleted = true;
        if (a.text() == "create" || a.text() == "update" || a.text() == "no-op" ||
            a.text() == "read") {
          p.deleted = false;
        }
      }
      plan_.add_address(address);
    }
  }

  // A value of the wrong type is reported naming its field; other errors are returned.
  simdjson::error_code named(simdjson::error_code e, std::string_view field, od::field& f) {
    if (e != simdjson::INCORRECT_TYPE) return e;
    od::json_type type;
    std::string what = "something else";
    if (f.value().type().get(type) == simdjson::SUCCESS) {
      switch (type) {
        case od::json_type::object: what = "an object"; break;
        case od::json_type::array: what = "an array"; break;
        case od::json_type::string: what = "a string"; break;
        case od::json_type::number: what = "a number"; break;
        case od::json_type::boolean: what = "a boolean"; break;
        case od::json_type::null: what = "null"; break;
      }
    }
    reader_.error(location_, "", "`" + std::string(field) + "` must be an array, not " + what);
    return simdjson::SUCCESS;
  }

  simdjson::error_code walk_module(od::value module, terraform::Resources& resources, int depth) {
    auto here = [&](od::value& v) { location_ = source_.offset(v.raw_json_token().data()); };
    here(module);
    if (depth > 32) return simdjson::DEPTH_ERROR;
    od::object object;
    if (auto e = module.get_object().get(object)) return e;
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (auto e = std::move(member).get(field)) return e;
      if (auto e = field.unescaped_key().get(key)) return e;
      if (key == "resources") {
        od::array list;
        here(field.value());
        if (auto e = field.value().get_array().get(list)) return named(e, "resources", field);
        for (auto element : list) {
          od::value v;
          if (auto e = std::move(element).get(v)) return e;
          if (auto e = tree_.build(v, source_.text().data())) {
            location_ = tree_.error_offset();
            return e;
          }
          // The prior state's data sources were read for the plan; planned_values has none,
          // so the state before leaves them out too and the two sides compare alike.
          if (side_ == TerraformSide::kPriorState && tree_.root().get("mode").text() == "data")
            continue;
          if (reader_.no_duplicates(tree_)) resources.read(tree_.root());
        }
      } else if (key == "child_modules") {
        od::array list;
        here(field.value());
        if (auto e = field.value().get_array().get(list)) return named(e, "child_modules", field);
        for (auto element : list) {
          od::value v;
          if (auto e = std::move(element).get(v)) return e;
          if (auto e = walk_module(v, resources, depth + 1)) return e;
        }
      }
    }
    return simdjson::SUCCESS;
  }

  json::Source& source_;
  model::Network& network_;
  Diagnostics& d_;
  json::Reader reader_;
  od::parser parser_;
  json::Tree tree_;
  terraform::Plan plan_;
  std::size_t location_ = 0;
  TerraformSide side_;
};

}  // namespace

bool read_terraform(std::string_view text, const std::string& path, model::Network& network,
                    Diagnostics& d, TerraformSide side) {
  const std::size_t errors_before = d.error_count();
  json::Source source(simdjson::padded_string(text), network.add_file(path));
  try {
    Document(source, path, network, d, side).run();
  } catch (const std::bad_alloc&) {
    d.error(path, {source.file(), 0, 0}, "", "cannot read the file: out of memory");
  }
  return d.error_count() == errors_before;
}

bool read_terraform_file(const std::string& path, model::Network& network, Diagnostics& d,
                         TerraformSide side) {
  const std::size_t errors_before = d.error_count();
  std::string error;
  auto source = json::Source::load(path, network.add_file(path), error);
  if (!source) {
    d.error(path, {network.add_file(path), 0, 0}, "", error);
    return false;
  }
  try {
    Document(*source, path, network, d, side).run();
  } catch (const std::bad_alloc&) {
    d.error(path, {source->file(), 0, 0}, "", "cannot read the file: out of memory");
  }
  return d.error_count() == errors_before;
}

}  // namespace cloudtwin::load
