// The CloudFormation reader's entry points: parse the template (YAML or JSON, short-form tags
// kept), read its sections into a Stack, then map its resources onto the network.
#include "cloudtwin/load/cloudformation.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <set>

#include "cloudformation_mapper.h"
#include "cloudformation_stack.h"
#include "yaml_document.h"

namespace cloudtwin::load {

bool read_cloudformation(std::string_view text, const std::string& path, const LoadOptions& options,
                         model::Network& network, Diagnostics& d) {
  const std::size_t errors_before = d.error_count();
  try {
    cfn::Stack stack(network, d, path, options);
    const yaml::Document doc = yaml::Document::parse(text);
    if (const auto& e = doc.error()) {
      // Nothing of a template that does not parse is read.
      stack.error({stack.file(), e->at.line, e->at.column}, "",
                  "template syntax error: " + e->message, e->hint);
      return false;
    }
    const yaml::Node* root = nullptr;
    for (const yaml::Node* r : doc.roots()) {
      if (r->is_null()) continue;
      if (root) {
        stack.error(stack.at(*r), "", "a template is one YAML document; this is a second one",
                    "split the stacks into files of their own");
        return false;
      }
      root = r;
    }
    if (!root) {
      stack.error(stack.at_start(), "", "the template is empty",
                  "a CloudFormation template declares its resources under `Resources:`");
      return false;
    }
    if (!stack.read(*root)) return false;
    cfn::Mapper(stack).run();
  } catch (const std::bad_alloc&) {
    d.error(path, {network.add_file(path), 0, 0}, "", "cannot read the template: out of memory");
  }
  return d.error_count() == errors_before;
}

bool read_cloudformation_file(const std::string& path, const LoadOptions& options,
                              model::Network& network, Diagnostics& d) {
  auto fail = [&](std::string message) {
    d.error(path, {network.add_file(path), 0, 0}, "", std::move(message));
    return false;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open: ") + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail(std::string("cannot read: ") + std::strerror(errno));
  return read_cloudformation(text, path, options, network, d);
}

namespace {

const yaml::Node* find_key(const yaml::Node& mapping, std::string_view key) {
  for (const auto& p : mapping.pairs()) {
    if (p.key->is_scalar() && p.key->scalar() == key) return p.value;
  }
  return nullptr;
}

// A template read ahead of the others: what it declares, exports and imports.
struct Ahead {
  std::string path;
  std::string text;
  std::optional<yaml::Document> doc;
  const yaml::Node* root = nullptr;
  std::set<std::string> imports;  // export names its Fn::ImportValue calls ask for
};

std::unique_ptr<Ahead> read_ahead(const std::string& path, std::uint64_t max_size) {
  if (input_file_problem(path, max_size) || detect_format(path) != Format::kCloudFormation) {
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  auto t = std::make_unique<Ahead>();
  t->path = path;
  t->text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  t->doc = yaml::Document::parse(t->text);
  if (t->doc->error()) return nullptr;  // reported when the template is read
  for (const yaml::Node* r : t->doc->roots()) {
    if (r->is_mapping()) {
      t->root = r;
      break;
    }
  }
  return t->root ? std::move(t) : nullptr;
}

// A scalar of a parameter file: CloudFormation passes every parameter value as a string.
std::optional<std::string> parameter_value(const yaml::Node& v, const std::string& path,
                                           std::uint32_t file, Diagnostics& d) {
  if (v.is_scalar()) return std::string(v.scalar());
  if (v.is_null()) return std::string();
  d.error(path, {file, v.mark().line, v.mark().column}, "",
          "a parameter value must be a string, not " +
              std::string(v.is_sequence() ? "a list" : "a mapping"),
          "write a list as one comma-separated string: \"a,b\"");
  return std::nullopt;
}

// --param-file: the `aws cloudformation create-stack --parameters file://` shape
// [{"ParameterKey": K, "ParameterValue": V}], or {"Parameters": {K: V}}, or {K: V}.
bool read_parameter_file(const std::string& path, LoadOptions& options,
                         std::map<std::string, Location>& from_file, model::Network& network,
                         Diagnostics& d) {
  const std::uint32_t file = network.add_file(path);
  auto fail = [&](Location at, std::string message, std::string hint = {}) {
    d.error(path, at, "", std::move(message), std::move(hint));
    return false;
  };
  if (auto problem = input_file_problem(path, options.max_input_size)) {
    return fail({file, 0, 0}, problem->message, problem->hint);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail({file, 0, 0}, std::string("cannot open: ") + std::strerror(errno));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const yaml::Document doc = yaml::Document::parse(text);
  if (const auto& e = doc.error()) {
    return fail({file, e->at.line, e->at.column}, "parameter file syntax error: " + e->message,
                e->hint);
  }
  const yaml::Node* root = doc.roots().empty() ? nullptr : doc.roots().front();
  const char* kShape =
      "a parameter file is [{\"ParameterKey\": \"Name\", \"ParameterValue\": \"value\"}, ...] "
      "or {\"Parameters\": {\"Name\": \"value\"}}";
  if (!root || root->is_null()) return fail({file, 1, 1}, "the parameter file is empty", kShape);
  auto at = [&](const yaml::Node& n) { return Location{file, n.mark().line, n.mark().column}; };
  const std::size_t errors = d.error_count();
  auto add = [&](const yaml::Node& key, std::string value) {
    const std::string name(key.scalar());
    if (from_file.contains(name)) {
      fail(at(key), "parameter `" + name + "` is given twice in the parameter file");
      return;
    }
    from_file[name] = at(key);
    options.parameters.emplace(name, std::move(value));  // --param wins
  };
  if (root->is_sequence()) {
    for (const yaml::Node* item : root->items()) {
      if (!item->is_mapping()) {
        fail(at(*item), "each parameter must be a mapping with ParameterKey and ParameterValue",
             kShape);
        continue;
      }
      const yaml::Node* key = find_key(*item, "ParameterKey");
      const yaml::Node* value = find_key(*item, "ParameterValue");
      const yaml::Node* previous = find_key(*item, "UsePreviousValue");
      if (!key || !key->is_scalar() || key->scalar().empty()) {
        fail(at(*item), "a parameter without `ParameterKey`", kShape);
        continue;
      }
      if (!value) {
        if (previous) {
          fail(at(*previous),
               "UsePreviousValue needs the deployed stack; give the value with ParameterValue");
        } else {
          fail(at(*item), "parameter `" + std::string(key->scalar()) + "` has no ParameterValue",
               kShape);
        }
        continue;
      }
      for (const auto& p : item->pairs()) {
        const std::string_view k = p.key->is_scalar() ? p.key->scalar() : "";
        if (k != "ParameterKey" && k != "ParameterValue" && k != "UsePreviousValue" &&
            k != "ResolvedValue") {
          fail(at(*p.key), "unknown key `" + std::string(k) + "` in a parameter",
               "a parameter has ParameterKey and ParameterValue");
        }
      }
      if (auto v = parameter_value(*value, path, file, d)) add(*key, std::move(*v));
    }
  } else if (root->is_mapping()) {
    const yaml::Node* map = root;
    if (const yaml::Node* params = find_key(*root, "Parameters");
        params && root->pairs().size() <= 3) {
      // CodePipeline's template configuration file: {Parameters, Tags, StackPolicy}.
      if (!params->is_mapping()) return fail(at(*params), "`Parameters` must be a mapping", kShape);
      map = params;
    }
    for (const auto& p : map->pairs()) {
      if (!p.key->is_scalar() || p.key->scalar().empty()) {
        fail(at(*p.key), "a parameter name must be a non-empty string");
        continue;
      }
      if (auto v = parameter_value(*p.value, path, file, d)) add(*p.key, std::move(*v));
    }
  } else {
    return fail(at(*root), "the parameter file must be a list or a mapping", kShape);
  }
  return d.error_count() == errors;
}

}  // namespace

bool prepare_cloudformation(std::vector<std::string>& inputs, LoadOptions& options,
                            model::Network& network, Diagnostics& d) {
  const std::size_t errors_before = d.error_count();
  std::map<std::string, Location> from_file;  // parameters of --param-file, where given
  for (const auto& path : options.param_files) {
    read_parameter_file(path, options, from_file, network, d);
  }

  std::vector<std::unique_ptr<Ahead>> templates;
  std::vector<std::size_t> slots;  // where in `inputs` each template is
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (auto t = read_ahead(inputs[i], options.max_input_size)) {
      templates.push_back(std::move(t));
      slots.push_back(i);
    }
  }

  // Parameter names: a value for a parameter no template declares is a typo, or a template
  // forgotten on the command line.
  std::set<std::string, std::less<>> declared;
  for (const auto& t : templates) {
    if (const yaml::Node* params = find_key(*t->root, "Parameters"); params) {
      for (const auto& p : params->pairs()) {
        if (p.key->is_scalar()) declared.emplace(p.key->scalar());
      }
    }
  }
  std::vector<std::string_view> names(declared.begin(), declared.end());
  for (const auto& [name, value] : options.parameters) {
    if (declared.contains(name)) continue;
    const std::string best = closest_match(name, names);
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < 20; ++i) {
      list += (list.empty() ? "" : ", ") + std::string(names[i]);
    }
    if (names.size() > 20) list += ", ...";
    const std::string hint =
        names.empty()  ? "no CloudFormation template among the inputs declares parameters"
        : best.empty() ? "the templates declare " + list
                       : "did you mean `" + best + "`? The templates declare " + list;
    if (auto it = from_file.find(name); it != from_file.end()) {
      d.error(network.files[it->second.file], it->second, "",
              "no template declares a parameter `" + name + "`", hint);
    } else {
      d.error("", {}, "", "--param " + name + ": no template declares a parameter `" + name + "`",
              hint);
    }
  }
  if (d.error_count() != errors_before) return false;
  if (templates.empty()) return true;

  // Exports, evaluated offline as the templates are (a scratch network each time: only the
  // values matter), until a pass adds none: an export may itself import another's.
  std::map<std::string, std::pair<std::string, std::size_t>> exports;  // name -> value, template
  std::vector<std::map<std::string, Location>> exported(templates.size());
  for (std::size_t pass = 0; pass <= templates.size(); ++pass) {
    bool added = false;
    LoadOptions o = options;
    for (const auto& [name, e] : exports) o.imports[name] = e.first;
    for (std::size_t ti = 0; ti < templates.size(); ++ti) {
      Ahead& t = *templates[ti];
      model::Network scratch;
      Diagnostics ignored;
      cfn::Stack stack(scratch, ignored, t.path, o);
      try {
        if (!stack.read(*t.root)) continue;
        // Every property, for the names the template imports.
        for (const auto& r : stack.resources()) {
          if (r.properties) (void)stack.eval(*r.properties);
        }
        const yaml::Node* outputs = find_key(*t.root, "Outputs");
        for (const auto& out : outputs ? outputs->pairs() : decltype(outputs->pairs()){}) {
          if (!out.value->is_mapping()) continue;
          const yaml::Node* value = find_key(*out.value, "Value");
          const yaml::Node* exp = find_key(*out.value, "Export");
          const yaml::Node* name_node = exp && exp->is_mapping() ? find_key(*exp, "Name") : nullptr;
          if (!value || !name_node) continue;
          if (const yaml::Node* c = find_key(*out.value, "Condition"); c && c->is_scalar()) {
            if (!stack.condition(c->scalar(), stack.at(*c)).value_or(false)) continue;
          }
          const cfn::Value name = stack.eval(*name_node);
          const cfn::Value v = stack.eval(*value);
          if (!name.is_string() || !name.stand_in.empty()) continue;
          // What is unknown or a stand-in is not exported: importers then say it is unknown.
          if (!v.is_string() || !v.stand_in.empty()) continue;
          const Location at{network.add_file(t.path), name_node->mark().line,
                            name_node->mark().column};
          auto [it, inserted] = exports.emplace(name.text, std::make_pair(v.text, ti));
          if (inserted) {
            added = true;
            exported[ti][name.text] = at;
          } else if (it->second.second != ti && !exported[ti].contains(name.text)) {
            // Export names are unique in a Region: AWS refuses the second stack.
            const auto& first = exported[it->second.second].at(name.text);
            exported[ti][name.text] = at;
            d.error(t.path, at, "",
                    "export `" + name.text + "` is also exported by " +
                        templates[it->second.second]->path + ":" + std::to_string(first.line),
                    "export names are unique in an account and Region");
          } else if (it->second.second == ti && it->second.first != v.text) {
            it->second.first = v.text;  // known better now that more imports are answered
            added = true;
          }
        }
        // What its resources and outputs import: it is read after those exports' templates.
        t.imports.insert(stack.imported().begin(), stack.imported().end());
      } catch (const std::bad_alloc&) {
        continue;  // reported when the template is read
      }
    }
    if (!added) break;
  }
  if (d.error_count() != errors_before) return false;
  for (const auto& [name, e] : exports) options.imports[name] = e.first;

  // Exporters before importers (a stable topological order; a cycle keeps the given order).
  const std::size_t n = templates.size();
  std::vector<std::set<std::size_t>> needs(n);
  for (std::size_t ti = 0; ti < n; ++ti) {
    for (const auto& name : templates[ti]->imports) {
      if (auto it = exports.find(name); it != exports.end() && it->second.second != ti) {
        needs[ti].insert(it->second.second);
      }
    }
  }
  std::vector<std::size_t> order;
  std::vector<bool> placed(n, false);
  while (order.size() < n) {
    bool progress = false;
    for (std::size_t ti = 0; ti < n; ++ti) {
      if (placed[ti]) continue;
      const bool ready =
          std::all_of(needs[ti].begin(), needs[ti].end(), [&](std::size_t u) { return placed[u]; });
      if (!ready) continue;
      placed[ti] = true;
      order.push_back(ti);
      progress = true;
      break;  // restart, so that the earliest ready template goes first
    }
    if (!progress) {
      for (std::size_t ti = 0; ti < n; ++ti) {
        if (!placed[ti]) {
          placed[ti] = true;
          order.push_back(ti);
          break;
        }
      }
    }
  }
  for (std::size_t k = 0; k < n; ++k) inputs[slots[k]] = templates[order[k]]->path;
  return true;
}

}  // namespace cloudtwin::load
