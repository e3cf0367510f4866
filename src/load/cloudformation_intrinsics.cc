// Offline evaluation of CloudFormation's intrinsic functions and conditions. What cannot be known
// without AWS (imports without an answer, attributes assigned at creation) becomes an unknown
// Value with a located warning: never a silent guess.
#include <algorithm>
#include <cstdio>

#include "cloudformation_stack.h"

namespace cloudtwin::load::cfn {
namespace {

constexpr int kMaxDepth = 100;
// Nodes evaluated per template: far above any real template, low enough that YAML aliases
// which share one subtree many times over cannot make evaluation explode.
constexpr std::size_t kMaxWork = 200'000;

std::string function_of_tag(std::string_view tag) {
  if (tag.size() < 2 || tag[0] != '!' || tag[1] == '!') return "";
  std::string_view name = tag.substr(1);
  if (name == "Ref" || name == "Condition") return std::string(name);
  return "Fn::" + std::string(name);
}

// `{Condition: Name}` (long form) or `!Condition Name`: the condition's name node.
const yaml::Node* condition_reference(const yaml::Node& n) {
  if (n.tag() == "!Condition" && n.is_scalar()) return &n;
  if (n.tag().empty() && n.is_mapping() && n.pairs().size() == 1 && n.pairs()[0].key->is_scalar() &&
      n.pairs()[0].key->scalar() == "Condition" && n.pairs()[0].value->is_scalar()) {
    return n.pairs()[0].value;
  }
  return nullptr;
}

bool equal(const Value& a, const Value& b) {
  if (a.is_null() && b.is_null()) return true;
  if (a.type != b.type) return false;
  if (a.is_string()) return a.text == b.text;
  if (a.is_list()) {
    return a.items.size() == b.items.size() &&
           std::equal(a.items.begin(), a.items.end(), b.items.begin(), equal);
  }
  if (a.is_map()) {
    if (a.keys != b.keys) return false;
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      if (!equal(a.values[i], b.values[i])) {
        return false;
      }
    }
  }
  return true;
}

std::optional<std::int64_t> to_integer(const Value& v) {
  if (!v.is_string() || v.text.empty() || v.text.size() > 9) return std::nullopt;
  std::int64_t n = 0;
  for (char c : v.text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string id_suffix(const std::string& id) {
  auto dash = id.find('-');
  return dash == std::string::npos ? id : id.substr(dash + 1);
}

Value boolean(bool b, Location at) { return Value::string(b ? "true" : "false", at); }

// The parameter of the first stand-in in `v` (itself, a list item or a map value), or "".
const std::string& stand_in_of(const Value& v) {
  static const std::string kNone;
  if (!v.stand_in.empty()) return v.stand_in;
  for (const auto& i : v.items) {
    if (const auto& s = stand_in_of(i); !s.empty()) return s;
  }
  for (const auto& i : v.values) {
    if (const auto& s = stand_in_of(i); !s.empty()) return s;
  }
  return kNone;
}

// What a function cannot compute from a stand-in (a mapping key, a CIDR block, a list index):
// unknown, still naming the parameter.
Value unknown_from_stand_in(const std::string& parameter, Location at) {
  Value v = Value::unknown("parameter `" + parameter + "` has no value", at);
  v.stand_in = parameter;
  return v;
}

}  // namespace

Value Stack::eval(const yaml::Node& node) { return eval_node(node, 0); }

Value Stack::eval_node(const yaml::Node& n, int depth) {
  const Location loc = at(n);
  if (depth > kMaxDepth) {
    if (warn_once("depth")) error(loc, "", "intrinsic functions nest too deeply (over 100 levels)");
    return Value::unknown("nested too deeply", loc);
  }
  if (++work_ > kMaxWork) {
    if (!work_exhausted_) {
      work_exhausted_ = true;
      error(loc, "", "the template is too large to evaluate (over 200,000 values)",
            "YAML aliases that repeat a large subtree multiply the work");
    }
    return Value::unknown("evaluation budget exhausted", loc);
  }
  if (const std::string fn = function_of_tag(n.tag()); !fn.empty()) {
    // Short form: the node itself, without its tag, is the argument.
    return call(fn, n, loc, depth + 1, /*short_form=*/true);
  }
  return eval_untagged(n, depth);
}

Value Stack::eval_untagged(const yaml::Node& n, int depth) {
  const Location loc = at(n);
  if (n.is_mapping() && n.pairs().size() == 1 && n.pairs()[0].key->is_scalar()) {
    const std::string_view key = n.pairs()[0].key->scalar();
    if (key == "Ref" || key.starts_with("Fn::")) {
      return call(key, *n.pairs()[0].value, loc, depth + 1, /*short_form=*/false);
    }
  }
  return eval_literal(n, depth);
}

Value Stack::eval_literal(const yaml::Node& n, int depth) {
  Value v;
  v.at = at(n);
  switch (n.kind()) {
    case yaml::NodeKind::kNull:
      v.type = Value::Type::kNull;
      break;
    case yaml::NodeKind::kScalar:
      v.type = Value::Type::kString;
      v.text = std::string(n.scalar());
      break;
    case yaml::NodeKind::kSequence:
      v.type = Value::Type::kList;
      for (const auto* item : n.items()) {
        Value e = eval_node(*item, depth + 1);
        // AWS::NoValue removes the item it stands for.
        if (e.type != Value::Type::kNoValue) v.items.push_back(std::move(e));
      }
      break;
    case yaml::NodeKind::kMapping:
      v.type = Value::Type::kMap;
      for (const auto& p : n.pairs()) {
        if (!p.key->is_scalar()) continue;
        Value e = eval_node(*p.value, depth + 1);
        if (e.type == Value::Type::kNoValue) continue;
        v.keys.emplace_back(p.key->scalar());
        v.values.push_back(std::move(e));
      }
      break;
  }
  return v;
}

Value Stack::call(std::string_view fn, const yaml::Node& arg, Location at_fn, int depth,
                  bool short_form) {
  // The argument of a short form is the tagged node itself; of a long form, the value under the
  // function's key, which may itself be a function.
  auto args = [&]() { return short_form ? eval_untagged(arg, depth) : eval_node(arg, depth); };
  auto fail = [&](std::string message, std::string hint = {}) {
    error(at_fn, "", std::move(message), std::move(hint));
    return Value::unknown("invalid " + std::string(fn), at_fn);
  };
  auto list_of = [&](const Value& v, std::size_t min, std::size_t max) {
    return v.is_list() && v.items.size() >= min && v.items.size() <= max;
  };
  auto first_unknown = [](const Value& v) -> const Value* {
    if (v.is_unknown()) return &v;
    for (const auto& i : v.items) {
      if (i.is_unknown()) return &i;
    }
    return nullptr;
  };

  if (fn == "Ref") {
    Value a = args();
    if (!a.is_string()) return fail("Ref takes the name of a resource or parameter");
    return ref_name(a.text, at_fn);
  }
  if (fn == "Condition") {
    Value a = args();
    if (!a.is_string()) return fail("Condition takes the name of a condition");
    auto b = condition(a.text, at_fn);
    return b ? boolean(*b, at_fn) : Value::unknown("undecidable condition", at_fn);
  }
  if (fn == "Fn::If") {
    // Only the chosen branch is evaluated, as CloudFormation does.
    const yaml::Node* items[3] = {};
    if (arg.is_sequence() && arg.items().size() == 3) {
      for (int i = 0; i < 3; ++i) items[i] = arg.items()[static_cast<std::size_t>(i)];
    } else {
      return fail("Fn::If takes [condition name, value if true, value if false]");
    }
    Value name = eval_node(*items[0], depth + 1);
    if (!name.is_string()) return fail("Fn::If takes a condition name first");
    auto b = condition(name.text, at_fn);
    if (!b) return Value::unknown("condition `" + name.text + "` is undecidable", at_fn);
    return eval_node(*items[*b ? 1 : 2], depth + 1);
  }
  if (fn == "Fn::Equals" || fn == "Fn::And" || fn == "Fn::Or" || fn == "Fn::Not") {
    return condition_function(fn, arg, at_fn, depth);
  }
  if (fn == "Fn::Sub") return sub(arg, at_fn, depth, short_form);
  if (fn == "Fn::Cidr") return cidr(arg, at_fn, depth, short_form);

  Value a = args();
  if (fn == "Fn::GetAtt") {
    std::string logical, attribute;
    if (a.is_string()) {
      auto dot = a.text.find('.');
      if (dot == std::string::npos) return fail("Fn::GetAtt takes `LogicalId.Attribute`");
      logical = a.text.substr(0, dot);
      attribute = a.text.substr(dot + 1);
    } else if (list_of(a, 2, 2) && a.items[0].is_string() && a.items[1].is_string()) {
      logical = a.items[0].text;
      attribute = a.items[1].text;
    } else {
      return fail("Fn::GetAtt takes [LogicalId, Attribute] or `LogicalId.Attribute`");
    }
    return get_att(logical, attribute, at_fn);
  }
  if (fn == "Fn::Join") {
    if (!list_of(a, 2, 2) || !a.items[0].is_string()) {
      return fail("Fn::Join takes [delimiter, [values...]]");
    }
    const Value& values = a.items[1];
    if (const Value* u = first_unknown(values)) return Value::unknown(u->text, at_fn);
    if (!values.is_list()) return fail("Fn::Join takes a list of values to join");
    std::string out;
    bool first = true;
    for (const auto& item : values.items) {
      if (!item.is_string()) return fail("Fn::Join can only join strings");
      if (!first) out += a.items[0].text;
      out += item.text;
      first = false;
    }
    Value joined = Value::string(std::move(out), at_fn);
    joined.stand_in = stand_in_of(a);
    return joined;
  }
  if (fn == "Fn::Select") {
    if (!list_of(a, 2, 2)) return fail("Fn::Select takes [index, [values...]]");
    if (a.items[0].is_unknown()) return a.items[0];
    if (a.items[1].is_unknown()) return a.items[1];
    if (!a.items[0].stand_in.empty()) return unknown_from_stand_in(a.items[0].stand_in, at_fn);
    auto index = to_integer(a.items[0]);
    if (!index) return fail("Fn::Select: the index `" + a.items[0].text + "` is not a number");
    if (!a.items[1].is_list()) return fail("Fn::Select takes a list to select from");
    if (static_cast<std::size_t>(*index) >= a.items[1].items.size() &&
        !a.items[1].stand_in.empty()) {
      // A stand-in list is shorter than the real one may be.
      return unknown_from_stand_in(a.items[1].stand_in, at_fn);
    }
    if (static_cast<std::size_t>(*index) >= a.items[1].items.size()) {
      return fail("Fn::Select: index " + std::to_string(*index) +
                  " is out of range (the list has " + std::to_string(a.items[1].items.size()) +
                  " items)");
    }
    return a.items[1].items[static_cast<std::size_t>(*index)];
  }
  if (fn == "Fn::Split") {
    if (!list_of(a, 2, 2) || !a.items[0].is_string()) {
      return fail("Fn::Split takes [delimiter, string]");
    }
    if (a.items[1].is_unknown()) return a.items[1];
    if (!a.items[1].is_string()) return fail("Fn::Split splits a string");
    const std::string& d = a.items[0].text;
    if (d.empty()) return fail("Fn::Split needs a non-empty delimiter");
    Value out;
    out.type = Value::Type::kList;
    out.at = at_fn;
    const std::string& s = a.items[1].text;
    std::size_t start = 0;
    out.stand_in = a.items[1].stand_in;
    while (true) {
      auto end = s.find(d, start);
      out.items.push_back(Value::string(s.substr(start, end - start), at_fn));
      out.items.back().stand_in = a.items[1].stand_in;
      if (end == std::string::npos) break;
      start = end + d.size();
    }
    return out;
  }
  if (fn == "Fn::GetAZs") {
    if (a.is_unknown()) return a;
    if (!a.is_string() && !a.is_null()) return fail("Fn::GetAZs takes a Region name or \"\"");
    if (!a.stand_in.empty()) return unknown_from_stand_in(a.stand_in, at_fn);
    const std::string region = a.is_null() || a.text.empty() ? region_ : a.text;
    if (warn_once("GetAZs")) {
      gap(Gap::kStandIn, "Fn::GetAZs", at_fn, "",
          "Fn::GetAZs: availability zones are not known offline; using " + region + "a, " + region +
              "b, ... " + region + "f (this and every other use)",
          "name availability zones explicitly to model a specific placement");
    }
    Value out;
    out.type = Value::Type::kList;
    out.at = at_fn;
    for (char c = 'a'; c <= 'f'; ++c) out.items.push_back(Value::string(region + c, at_fn));
    return out;
  }
  if (fn == "Fn::FindInMap") {
    if (!list_of(a, 3, 4))
      return fail("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]");
    for (std::size_t i = 0; i < 3; ++i) {
      if (a.items[i].is_unknown()) return a.items[i];
      if (!a.items[i].is_string()) return fail("Fn::FindInMap takes three names");
      if (!a.items[i].stand_in.empty()) return unknown_from_stand_in(a.items[i].stand_in, at_fn);
    }
    auto m = mappings_.find(a.items[0].text);
    if (m == mappings_.end()) {
      return fail("Fn::FindInMap: no mapping `" + a.items[0].text + "`",
                  "declare it under Mappings");
    }
    for (const auto& top : m->second->pairs()) {
      if (!top.key->is_scalar() || top.key->scalar() != a.items[1].text) continue;
      for (const auto& second : top.value->pairs()) {
        if (second.key->is_scalar() && second.key->scalar() == a.items[2].text) {
          return eval_node(*second.value, depth + 1);
        }
      }
    }
    if (a.items.size() == 4) {
      if (const Value* d = a.items[3].get("DefaultValue")) return *d;
    }
    return fail("Fn::FindInMap: mapping `" + a.items[0].text + "` has no `" + a.items[1].text +
                "` / `" + a.items[2].text + "`");
  }
  if (fn == "Fn::ImportValue") {
    if (a.is_unknown()) return a;
    if (!a.is_string()) return fail("Fn::ImportValue takes the name of an export");
    if (!a.stand_in.empty()) return unknown_from_stand_in(a.stand_in, at_fn);
    imported_.insert(a.text);
    if (auto it = options_.imports.find(a.text); it != options_.imports.end()) {
      return Value::string(it->second, at_fn);
    }
    if (warn_once("import:" + std::to_string(at_fn.line) + ":" + std::to_string(at_fn.column))) {
      gap(Gap::kUnknownValue, "Fn::ImportValue", at_fn, "",
          "Fn::ImportValue `" + a.text +
              "`: the export's value is not known offline; what "
              "uses it is left out",
          "give it with --import " + a.text + "=VALUE");
    }
    return Value::unknown("Fn::ImportValue `" + a.text + "` has no value", at_fn);
  }
  if (fn == "Fn::Base64") {
    if (a.is_unknown() || a.is_string()) return a;
    return fail("Fn::Base64 takes a string");
  }
  if (fn == "Fn::Length") {
    if (a.is_unknown()) return a;
    if (!a.is_list()) return fail("Fn::Length takes a list");
    if (!a.stand_in.empty()) return unknown_from_stand_in(a.stand_in, at_fn);
    return Value::string(std::to_string(a.items.size()), at_fn);
  }
  if (fn == "Fn::ToJsonString" || fn == "Fn::Transform") {
    return Value::unknown(std::string(fn) + " is not evaluated offline", at_fn);
  }
  return fail("unknown intrinsic function `" + std::string(fn) + "`",
              "see the CloudFormation intrinsic function reference");
}

Value Stack::ref_name(std::string_view name, Location at_ref) {
  if (name.starts_with("AWS::")) {
    if (name == "AWS::Region") return Value::string(region_, at_ref);
    if (name == "AWS::AccountId") return Value::string(account_, at_ref);
    if (name == "AWS::StackName") return Value::string(stack_name_, at_ref);
    if (name == "AWS::Partition") return Value::string(partition_of(region_), at_ref);
    if (name == "AWS::URLSuffix") {
      return Value::string(region_.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com",
                           at_ref);
    }
    if (name == "AWS::StackId") {
      return Value::string("arn:" + partition_of(region_) + ":cloudformation:" + region_ + ":" +
                               account_ + ":stack/" + stack_name_ + "/00000000-0000-0000-0000-" +
                               std::to_string(stable_hash(stack_name_) % 1000000000000ull),
                           at_ref);
    }
    if (name == "AWS::NoValue") {
      Value v;
      v.type = Value::Type::kNoValue;
      v.at = at_ref;
      return v;
    }
    if (name == "AWS::NotificationARNs") {
      Value v;
      v.type = Value::Type::kList;
      v.at = at_ref;
      return v;
    }
    error(at_ref, "", "unknown pseudo parameter `" + std::string(name) + "`",
          "pseudo parameters are AWS::Region, AWS::AccountId, AWS::StackName, AWS::StackId, "
          "AWS::Partition, AWS::URLSuffix, AWS::NoValue, AWS::NotificationARNs");
    return Value::unknown("unknown pseudo parameter", at_ref);
  }
  for (const auto& p : parameters_) {
    if (p.name != name) continue;
    if (p.type.starts_with("AWS::SSM::Parameter::Value<")) {
      return Value::unknown("parameter `" + p.name + "` is read from SSM Parameter Store", at_ref);
    }
    Value v;
    v.at = at_ref;
    if (p.override_value) {
      v = Value::string(*p.override_value, at_ref);
    } else if (p.default_value && !p.default_value->is_null()) {
      v = eval_literal(*p.default_value, kMaxDepth - 1);
      v.at = at_ref;
    } else {
      return stand_in(p, at_ref);
    }
    const bool list = p.type == "CommaDelimitedList" || p.type.starts_with("List<");
    if (list && v.is_string()) {
      Value out;
      out.type = Value::Type::kList;
      out.at = at_ref;
      std::size_t start = 0;
      const std::string& s = v.text;
      while (true) {
        auto end = s.find(',', start);
        std::string item = s.substr(start, end - start);
        // CommaDelimitedList members are trimmed of spaces.
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        out.items.push_back(Value::string(std::move(item), at_ref));
        if (end == std::string::npos) break;
        start = end + 1;
      }
      return out;
    }
    return v;
  }
  if (const ResourceDecl* r = resource(name)) {
    if (!enabled(*r)) {
      if (warn_once("off:" + std::to_string(at_ref.line) + ":" + std::to_string(at_ref.column)))
        warning(at_ref, "",
                "Ref to `" + r->logical_id +
                    "`, whose condition is false: the resource does not "
                    "exist, so what uses it is left out");
      return Value::unknown("resource `" + r->logical_id + "` is not created", at_ref);
    }
    // An EIP's Ref is its public address.
    if (r->public_ip) return Value::string(r->public_ip->str(), at_ref, r->logical_id);
    return Value::string(r->physical_id, at_ref, r->logical_id);
  }
  missing_name(name, "Ref", at_ref);
  return Value::unknown("`" + std::string(name) + "` does not exist", at_ref);
}

Value Stack::stand_in(const ParameterDecl& p, Location at_ref) {
  const bool list = p.type == "CommaDelimitedList" || p.type.starts_with("List<");
  const std::string element = p.type.starts_with("List<") && p.type.ends_with(">")
                                  ? p.type.substr(5, p.type.size() - 6)
                                  : p.type;
  std::vector<std::string> items;
  std::string what;
  if (element == "AWS::EC2::AvailabilityZone::Name") {
    // The Region's zones in order: each such parameter its own zone, a list all of them (as
    // Fn::GetAZs).
    if (list) {
      for (char c = 'a'; c <= 'f'; ++c) items.push_back(region_ + c);
      what = "using the stand-ins " + region_ + "a, ... " + region_ + "f";
    } else {
      items.push_back(region_ + static_cast<char>('a' + p.zone_index % 26));
      what = "using the stand-in " + items.back();
    }
  } else {
    items.push_back("<param:" + p.name + ">");
    if (element == "AWS::EC2::VPC::Id" || element == "AWS::EC2::Subnet::Id" ||
        element == "AWS::EC2::SecurityGroup::Id") {
      what = "it names an existing resource outside the inputs, so what uses it is left out";
    } else {
      what = "using the placeholder `" + items.back() +
             "`; what is built from it is left out or has an inconclusive answer";
    }
  }
  if (warn_once("parameter:" + p.name)) {
    gap(Gap::kStandIn, p.name, at_ref, "",
        "parameter `" + p.name + "` (" + p.type + ") has no Default and no value: " + what,
        "give it with --param " + p.name + "=VALUE or --param-file (declared at line " +
            std::to_string(p.key->mark().line) + ")");
  }
  Value out;
  out.at = at_ref;
  out.stand_in = p.name;
  if (!list) {
    out.type = Value::Type::kString;
    out.text = std::move(items.front());
    return out;
  }
  out.type = Value::Type::kList;
  for (auto& item : items) {
    out.items.push_back(Value::string(std::move(item), at_ref));
    out.items.back().stand_in = p.name;
  }
  return out;
}

Value Stack::property(const ResourceDecl& r, std::string_view key, Location at_att) {
  const std::string token = r.logical_id + "." + std::string(key);
  if (!r.properties || !r.properties->is_mapping()) return Value::unknown("no " + token, at_att);
  for (const auto& p : r.properties->pairs()) {
    if (!p.key->is_scalar() || p.key->scalar() != key) continue;
    if (!properties_in_progress_.insert(token).second) {
      error(at_att, r.logical_id, "circular reference: `" + token + "` depends on itself");
      return Value::unknown("circular reference", at_att);
    }
    Value v = eval_node(*p.value, 1);
    properties_in_progress_.erase(token);
    return v;
  }
  Value none;
  none.at = at_att;
  return none;
}

Value Stack::get_att(std::string_view logical_id, std::string_view attribute, Location at_att) {
  const ResourceDecl* r = resource(logical_id);
  if (!r) {
    missing_name(logical_id, "Fn::GetAtt", at_att);
    return Value::unknown("`" + std::string(logical_id) + "` does not exist", at_att);
  }
  if (!enabled(*r)) {
    if (warn_once("off:" + std::to_string(at_att.line) + ":" + std::to_string(at_att.column)))
      warning(at_att, "",
              "Fn::GetAtt of `" + r->logical_id +
                  "`, whose condition is false: the resource does "
                  "not exist, so what uses it is left out");
    return Value::unknown("resource `" + r->logical_id + "` is not created", at_att);
  }
  const std::string& t = r->type;
  auto id = [&]() { return Value::string(r->physical_id, at_att, r->logical_id); };
  auto list = [&](std::vector<std::string> items) {
    Value v;
    v.type = Value::Type::kList;
    v.at = at_att;
    for (auto& s : items) v.items.push_back(Value::string(std::move(s), at_att));
    return v;
  };
  if (attribute == "Id") return id();
  if (t == "AWS::EC2::VPC") {
    if (attribute == "VpcId") return id();
    if (attribute == "CidrBlock") return property(*r, "CidrBlock", at_att);
    if (attribute == "CidrBlockAssociations") {
      return list({"vpc-cidr-assoc-" + id_suffix(r->physical_id)});
    }
    // finalize() names the VPC's default group and ACL after the VPC's id.
    if (attribute == "DefaultSecurityGroup") {
      return Value::string("sg-default-" + id_suffix(r->physical_id), at_att);
    }
    if (attribute == "DefaultNetworkAcl") {
      return Value::string("acl-default-" + id_suffix(r->physical_id), at_att);
    }
    if (attribute == "Ipv6CidrBlocks") {
      if (has_amazon_ipv6(r->logical_id)) return list({amazon_ipv6_block(r->logical_id).str()});
      return list({});
    }
  }
  if (t == "AWS::EC2::Subnet") {
    if (attribute == "SubnetId") return id();
    if (attribute == "CidrBlock" || attribute == "AvailabilityZone" || attribute == "VpcId") {
      return property(*r, attribute, at_att);
    }
    if (attribute == "Ipv6CidrBlocks") {
      Value b = property(*r, "Ipv6CidrBlock", at_att);
      if (b.is_null()) return list({});
      Value v;
      v.type = Value::Type::kList;
      v.at = at_att;
      v.items.push_back(std::move(b));
      return v;
    }
  }
  if (t == "AWS::EC2::SecurityGroup") {
    if (attribute == "GroupId") return id();
    if (attribute == "VpcId") return property(*r, "VpcId", at_att);
  }
  if (t == "AWS::EC2::EIP") {
    if (attribute == "AllocationId") return id();
    if (attribute == "PublicIp" && r->public_ip) return Value::string(r->public_ip->str(), at_att);
  }
  if (t == "AWS::EC2::NetworkInterface" && attribute == "PrimaryPrivateIpAddress") {
    Value v = property(*r, "PrivateIpAddress", at_att);
    if (!v.is_null()) return v;
  }
  if (t == "AWS::EC2::Instance" && attribute == "PrivateIp") {
    Value v = property(*r, "PrivateIpAddress", at_att);
    if (!v.is_null()) return v;
  }
  if ((t == "AWS::EC2::Instance" || t == "AWS::EC2::Subnet") && attribute == "AvailabilityZone") {
    return property(*r, "AvailabilityZone", at_att);
  }
  if ((t == "AWS::EC2::TransitGatewayAttachment" || t == "AWS::EC2::TransitGatewayVpcAttachment" ||
       t == "AWS::EC2::TransitGatewayRouteTable" || t == "AWS::EC2::TransitGateway") &&
      attribute.ends_with("Id")) {
    return id();
  }
  // The distribution's domain name, as the reader gives the model's distribution.
  if (t == "AWS::CloudFront::Distribution" && attribute == "DomainName") {
    return Value::string(cloudfront_domain_name(r->physical_id), at_att);
  }
  // Direct Connect: Ref is the ARN, the ...Id attributes the id it ends with.
  if (t.starts_with("AWS::DirectConnect::")) {
    if (attribute.ends_with("Arn")) return id();
    if (attribute == "ConnectionId" || attribute == "LagId" || attribute == "VirtualInterfaceId" ||
        attribute == "DirectConnectGatewayId" || attribute == "AssociationId") {
      return Value::string(direct_connect_id(r->physical_id), at_att, r->logical_id);
    }
  }
  if (Value v = load_balancing_att(*r, attribute, at_att); !v.is_null()) return v;
  if (Value v = firewall_att(*r, attribute, at_att); !v.is_null()) return v;
  if (warn_once("GetAtt:" + r->logical_id + "." + std::string(attribute))) {
    gap(Gap::kUnknownValue, "Fn::GetAtt", at_att, r->logical_id,
        "Fn::GetAtt " + r->logical_id + "." + std::string(attribute) + " (" + t +
            ") is not known offline; what uses it is left out");
  }
  return Value::unknown(
      "Fn::GetAtt " + r->logical_id + "." + std::string(attribute) + " is not known offline",
      at_att);
}

Value Stack::sub(const yaml::Node& arg, Location at_sub, int depth, bool short_form) {
  const yaml::Node* text_node = &arg;
  Value vars;
  if (arg.is_sequence()) {
    if (arg.items().size() != 2) {
      error(at_sub, "", "Fn::Sub takes a string, or [string, {Name: value, ...}]");
      return Value::unknown("invalid Fn::Sub", at_sub);
    }
    text_node = arg.items()[0];
    vars = eval_node(*arg.items()[1], depth + 1);
  } else if (!short_form && !arg.tag().empty()) {
    Value v = eval_node(arg, depth + 1);
    if (!v.is_string()) {
      error(at_sub, "", "Fn::Sub takes a string");
      return Value::unknown("invalid Fn::Sub", at_sub);
    }
    return v;
  }
  if (!text_node->is_scalar()) {
    error(at_sub, "", "Fn::Sub takes a string, or [string, {Name: value, ...}]");
    return Value::unknown("invalid Fn::Sub", at_sub);
  }
  const std::string_view s = text_node->scalar();
  std::string out;
  std::string from_stand_in;
  std::size_t i = 0;
  while (i < s.size()) {
    auto open = s.find("${", i);
    if (open == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, open - i));
    auto close = s.find('}', open);
    if (close == std::string_view::npos) {
      out.append(s.substr(open));
      break;
    }
    const std::string_view name = s.substr(open + 2, close - open - 2);
    i = close + 1;
    if (name.starts_with("!")) {  // ${!Literal} is written as ${Literal}
      out += "${";
      out.append(name.substr(1));
      out += "}";
      continue;
    }
    Value v;
    if (const Value* given = vars.get(name)) {
      v = *given;
    } else if (auto dot = name.find('.'); dot != std::string_view::npos) {
      v = get_att(name.substr(0, dot), name.substr(dot + 1), at_sub);
    } else {
      v = ref_name(name, at_sub);
    }
    if (v.is_unknown()) return Value::unknown(v.text, at_sub);
    if (!v.is_string()) {
      error(at_sub, "", "Fn::Sub: `${" + std::string(name) + "}` is not a string",
            "use Fn::Join to turn a list into a string first");
      return Value::unknown("invalid Fn::Sub", at_sub);
    }
    out += v.text;
    if (from_stand_in.empty()) from_stand_in = v.stand_in;
  }
  Value result = Value::string(std::move(out), at_sub);
  result.stand_in = std::move(from_stand_in);
  return result;
}

Value Stack::cidr(const yaml::Node& arg, Location at_cidr, int depth, bool short_form) {
  Value a = short_form ? eval_untagged(arg, depth) : eval_node(arg, depth);
  auto fail = [&](std::string message) {
    error(at_cidr, "", std::move(message), "Fn::Cidr takes [ipBlock, count, cidrBits]");
    return Value::unknown("invalid Fn::Cidr", at_cidr);
  };
  if (!a.is_list() || a.items.size() != 3) return fail("Fn::Cidr takes three arguments");
  for (const auto& i : a.items) {
    if (i.is_unknown()) return i;
    if (!i.stand_in.empty()) return unknown_from_stand_in(i.stand_in, at_cidr);
  }
  if (!a.items[0].is_string()) return fail("Fn::Cidr: the block must be a CIDR string");
  auto block = Prefix::parse(a.items[0].text);
  if (!block) return fail("Fn::Cidr: `" + a.items[0].text + "` is not a CIDR block");
  auto count = to_integer(a.items[1]);
  auto bits = to_integer(a.items[2]);
  if (!count || *count < 1 || *count > 256) return fail("Fn::Cidr: count must be 1 to 256");
  const int width = block->address().width();
  // cidrBits counts host bits: /24 subnets are 8 host bits in IPv4, /64 are 64 in IPv6.
  if (!bits || *bits < 1 || *bits > width - block->length()) {
    return fail("Fn::Cidr: cidrBits must be 1 to " + std::to_string(width - block->length()) +
                " for " + block->str() + " (it counts host bits: 8 makes /" +
                std::to_string(width - 8) + ")");
  }
  const int length = width - static_cast<int>(*bits);
  const int spare = length - block->length();
  if (spare < 63 && static_cast<std::int64_t>(1) << spare < *count) {
    return fail("Fn::Cidr: " + block->str() + " holds only " +
                std::to_string(static_cast<std::int64_t>(1) << spare) + " /" +
                std::to_string(length) + " blocks, not " + std::to_string(*count));
  }
  Value out;
  out.type = Value::Type::kList;
  out.at = at_cidr;
  for (std::int64_t k = 0; k < *count; ++k) {
    IpAddress base = block->address().plus(static_cast<U128>(k) << *bits);
    out.items.push_back(Value::string(Prefix(base, length).str(), at_cidr));
  }
  return out;
}

std::optional<bool> Stack::truth(const Value& v, std::string_view fn, Location at_fn) {
  if (v.is_unknown()) return std::nullopt;
  if (v.is_string()) {
    if (v.text == "true" || v.text == "True") return true;
    if (v.text == "false" || v.text == "False") return false;
  }
  error(at_fn, "", std::string(fn) + " takes conditions, not `" + v.text + "`",
        "write {Condition: Name} or an Fn::Equals, Fn::And, Fn::Or or Fn::Not");
  return std::nullopt;
}

Value Stack::condition_function(std::string_view fn, const yaml::Node& arg, Location at_fn,
                                int depth) {
  if (!arg.is_sequence()) {
    error(at_fn, "", std::string(fn) + " takes a list");
    return Value::unknown("invalid " + std::string(fn), at_fn);
  }
  const auto items = arg.items();
  if (fn == "Fn::Equals") {
    if (items.size() != 2) {
      error(at_fn, "", "Fn::Equals takes two values");
      return Value::unknown("invalid Fn::Equals", at_fn);
    }
    Value a = eval_node(*items[0], depth + 1);
    Value b = eval_node(*items[1], depth + 1);
    if (a.is_unknown()) return a;
    if (b.is_unknown()) return b;
    // A stand-in says nothing about the value the stack will be given.
    if (const auto& p = stand_in_of(a); !p.empty()) return unknown_from_stand_in(p, at_fn);
    if (const auto& p = stand_in_of(b); !p.empty()) return unknown_from_stand_in(p, at_fn);
    return boolean(equal(a, b), at_fn);
  }
  const std::size_t min = fn == "Fn::Not" ? 1 : 2;
  const std::size_t max = fn == "Fn::Not" ? 1 : 10;
  if (items.size() < min || items.size() > max) {
    error(
        at_fn, "",
        std::string(fn) + (fn == "Fn::Not" ? " takes one condition" : " takes 2 to 10 conditions"));
    return Value::unknown("invalid " + std::string(fn), at_fn);
  }
  std::vector<std::optional<bool>> values;
  for (const auto* item : items) {
    if (const yaml::Node* name = condition_reference(*item)) {
      values.push_back(condition(name->scalar(), at(*item)));
    } else {
      values.push_back(truth(eval_node(*item, depth + 1), fn, at(*item)));
    }
  }
  if (fn == "Fn::Not") {
    if (!values[0]) return Value::unknown("undecidable condition", at_fn);
    return boolean(!*values[0], at_fn);
  }
  const bool is_and = fn == "Fn::And";
  bool undecided = false;
  for (const auto& v : values) {
    if (!v) {
      undecided = true;
    } else if (*v != is_and) {
      return boolean(!is_and, at_fn);  // a false in And, a true in Or decides
    }
  }
  if (undecided) return Value::unknown("undecidable condition", at_fn);
  return boolean(is_and, at_fn);
}

std::optional<bool> Stack::condition(std::string_view name, Location at_use) {
  if (auto it = condition_values_.find(name); it != condition_values_.end()) return it->second;
  auto c = conditions_.find(name);
  if (c == conditions_.end()) {
    error(at_use, "", "condition `" + std::string(name) + "` is not declared",
          "declare it under `Conditions:`");
    condition_values_.emplace(std::string(name), std::nullopt);
    return std::nullopt;
  }
  if (!conditions_in_progress_.insert(std::string(name)).second) {
    error(at_use, "", "condition `" + std::string(name) + "` depends on itself");
    return std::nullopt;
  }
  std::optional<bool> result;
  if (const yaml::Node* other = condition_reference(*c->second)) {
    result = condition(other->scalar(), at(*c->second));
  } else {
    Value v = eval_node(*c->second, 1);
    if (v.is_unknown()) {
      gap(Gap::kUnknownValue, "condition", at(*c->second), "",
          "condition `" + std::string(name) + "` cannot be decided offline (" + v.text +
              "); resources that need it are left out");
    } else {
      result = truth(v, "condition `" + std::string(name) + "`", at(*c->second));
    }
  }
  conditions_in_progress_.erase(std::string(name));
  condition_values_.emplace(std::string(name), result);
  return result;
}

bool Stack::enabled(const ResourceDecl& r) {
  if (!r.condition) return true;
  return condition(r.condition->scalar(), at(*r.condition)).value_or(false);
}

bool Stack::has_amazon_ipv6(std::string_view vpc_logical_id) {
  if (auto it = amazon_ipv6_.find(vpc_logical_id); it != amazon_ipv6_.end()) {
    return it->second.value_or(false);
  }
  amazon_ipv6_.emplace(std::string(vpc_logical_id), false);  // guards against recursion
  bool found = false;
  for (const auto& r : resources_) {
    if (r.type != "AWS::EC2::VPCCidrBlock" || !enabled(r)) continue;
    Value vpc = property(r, "VpcId", at(*r.key));
    Value amazon = property(r, "AmazonProvidedIpv6CidrBlock", at(*r.key));
    if (vpc.resource == vpc_logical_id && amazon.is_string() &&
        (amazon.text == "true" || amazon.text == "True")) {
      found = true;
    }
  }
  amazon_ipv6_[std::string(vpc_logical_id)] = found;
  return found;
}

}  // namespace cloudtwin::load::cfn

namespace cloudtwin::load::cfn {
namespace {

// The hosted zone of Elastic Load Balancing's DNS names in `region`, as Fn::GetAtt
// CanonicalHostedZoneID gives it (Elastic Load Balancing endpoints and quotas: Application and
// Classic Load Balancers share one per Region, Network Load Balancers have their own). A Region
// not listed gets a stand-in naming it; alias targets are matched by DNS name, not by this.
std::string elb_hosted_zone_id(std::string_view region, bool network) {
  struct Row {
    std::string_view region, application, network;
  };
  static constexpr Row kRows[] = {
      {"us-east-1", "Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"},
      {"us-east-2", "Z3AADJGX6KTTL2", "ZLMOA37VPKANP"},
      {"us-west-1", "Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"},
      {"us-west-2", "Z1H1FL5HABSF5", "Z18D5FSROUN65G"},
      {"eu-west-1", "Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"},
      {"eu-central-1", "Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"},
      {"ap-northeast-1", "Z14GRHDCWA56QT", "Z31USIVHYNEOWT"},
      {"ap-southeast-1", "Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"},
      {"ap-southeast-2", "Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"},
      {"sa-east-1", "Z2P70J7HTTTPLU", "ZTK26PT1VY4CU"},
  };
  for (const auto& row : kRows) {
    if (row.region == region) return std::string(network ? row.network : row.application);
  }
  return "ELB-" + std::string(network ? "NLB-" : "") + std::string(region);
}


// The parts of an Elastic Load Balancing v2 ARN after `loadbalancer/` or `targetgroup/`:
// `app/<name>/<id>` or `<name>/<id>`.
std::string_view arn_resource(std::string_view arn, std::string_view kind) {
  const auto at = arn.find(kind);
  return at == std::string_view::npos ? std::string_view() : arn.substr(at + kind.size());
}

std::string_view name_in(std::string_view resource) {
  // `app/<name>/<id>` -> name; `<name>/<id>` -> name.
  const auto last = resource.rfind('/');
  if (last == std::string_view::npos) return resource;
  resource = resource.substr(0, last);
  const auto first = resource.rfind('/');
  return first == std::string_view::npos ? resource : resource.substr(first + 1);
}

// Whether `actions` (DefaultActions or Actions) forward to the target group `logical_id`.
bool forwards_to(const Value& actions, std::string_view logical_id) {
  for (const auto& a : actions.items) {
    if (const Value* tg = a.get("TargetGroupArn"); tg && tg->resource == logical_id) return true;
    const Value* config = a.get("ForwardConfig");
    const Value* groups = config ? config->get("TargetGroups") : nullptr;
    if (!groups) continue;
    for (const auto& g : groups->items) {
      if (const Value* tg = g.get("TargetGroupArn"); tg && tg->resource == logical_id) return true;
    }
  }
  return false;
}

}  // namespace

// Attributes of Elastic Load Balancing, Auto Scaling and endpoint service resources that follow
// from their synthetic ids (cloudformation_stack.cc); null for any other.
Value Stack::load_balancing_att(const ResourceDecl& r, std::string_view attribute,
                                Location at_att) {
  const std::string& t = r.type;
  auto id = [&]() { return Value::string(r.physical_id, at_att, r.logical_id); };
  auto text = [&](std::string_view s) { return Value::string(std::string(s), at_att); };
  auto internal = [&]() {
    const Value scheme = property(r, "Scheme", at_att);
    return scheme.is_string() && scheme.text == "internal";
  };
  if (t == "AWS::ElasticLoadBalancingV2::LoadBalancer") {
    const std::string_view full = arn_resource(r.physical_id, ":loadbalancer/");
    if (attribute == "LoadBalancerArn") return id();
    if (attribute == "LoadBalancerName") return text(name_in(full));
    if (attribute == "LoadBalancerFullName") return text(full);
    if (attribute == "DNSName") return text(elb_dns_name(r.physical_id, internal(), region_));
    if (attribute == "CanonicalHostedZoneID") {
      const Value type = property(r, "Type", at_att);
      return text(elb_hosted_zone_id(region_, type.is_string() && type.text == "network"));
    }
    if (attribute == "SecurityGroups") {
      Value groups = property(r, "SecurityGroups", at_att);
      if (groups.is_list()) return groups;
    }
  }
  if (t == "AWS::ElasticLoadBalancingV2::Listener" && attribute == "ListenerArn") return id();
  if (t == "AWS::ElasticLoadBalancingV2::ListenerRule") {
    if (attribute == "RuleArn") return id();
    if (attribute == "IsDefault") return text("false");  // a rule resource is never the default
  }
  if (t == "AWS::ElasticLoadBalancingV2::TargetGroup") {
    const std::string_view full = arn_resource(r.physical_id, ":targetgroup/");
    if (attribute == "TargetGroupArn") return id();
    if (attribute == "TargetGroupName") return text(name_in(full));
    if (attribute == "TargetGroupFullName") return text("targetgroup/" + std::string(full));
    if (attribute == "LoadBalancerArns") {
      // The load balancers whose listeners, or listeners' rules, forward to the group.
      Value out;
      out.type = Value::Type::kList;
      out.at = at_att;
      std::set<std::string> seen;
      auto add_load_balancer = [&](const ResourceDecl& listener) {
        Value lb = property(listener, "LoadBalancerArn", at_att);
        if (lb.is_string() && seen.insert(lb.text).second) out.items.push_back(std::move(lb));
      };
      for (const auto& x : resources_) {
        if (!enabled(x)) continue;
        if (x.type == "AWS::ElasticLoadBalancingV2::Listener" &&
            forwards_to(property(x, "DefaultActions", at_att), r.logical_id)) {
          add_load_balancer(x);
        } else if (x.type == "AWS::ElasticLoadBalancingV2::ListenerRule" &&
                   forwards_to(property(x, "Actions", at_att), r.logical_id)) {
          const Value listener = property(x, "ListenerArn", at_att);
          if (const ResourceDecl* l = resource(listener.resource); l && enabled(*l))
            add_load_balancer(*l);
        }
      }
      return out;
    }
  }
  if (t == "AWS::ElasticLoadBalancing::LoadBalancer") {
    if (attribute == "DNSName") return text(elb_dns_name(r.physical_id, internal(), region_));
    if (attribute == "CanonicalHostedZoneNameID") return text(elb_hosted_zone_id(region_, false));
    if (attribute == "SourceSecurityGroup.OwnerAlias") return text(account_);
    if (attribute == "SourceSecurityGroup.GroupName") {
      // In a VPC, the load balancer's (first) security group; without any, the VPC's default.
      const Value groups = property(r, "SecurityGroups", at_att);
      if (!groups.is_list() || groups.items.empty()) return text("default");
      const ResourceDecl* sg = resource(groups.items.front().resource);
      if (!sg || sg->type != "AWS::EC2::SecurityGroup") return Value();
      const Value name = property(*sg, "GroupName", at_att);
      return name.is_string() ? name : text(stack_name_ + "-" + sg->logical_id);
    }
  }
  if (t == "AWS::EC2::LaunchTemplate") {
    if (attribute == "LaunchTemplateId") return id();
    // One version is modelled: the template as written.
    if (attribute == "LatestVersionNumber" || attribute == "DefaultVersionNumber") return text("1");
  }
  if (t == "AWS::EC2::VPCEndpointService" && attribute == "ServiceId") return id();
  return Value();
}

// Network Firewall: ids follow from the ARNs (cloudformation_stack.cc). EndpointIds lists
// "<zone>:<endpoint id>" per subnet mapping. AWS lists them "in no particular order"
// (AWS::NetworkFirewall::Firewall, Return values); cloudtwin lists them in SubnetMappings order,
// the order templates that pick one by index assume, and says so where they are used, since the
// deployed order may differ (docs/format.md, CloudFormation). An item whose zone cannot be known
// offline is unknown, so a route that picks it is left out with a warning, not aimed at a guess.
Value Stack::firewall_att(const ResourceDecl& r, std::string_view attribute, Location at_att) {
  const std::string& t = r.type;
  auto id = [&]() { return Value::string(r.physical_id, at_att, r.logical_id); };
  auto uuid = [&]() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx%016llx",
                  static_cast<unsigned long long>(stable_hash(r.physical_id)),
                  static_cast<unsigned long long>(stable_hash(r.logical_id)));
    const std::string h = buf;
    return Value::string(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
                             h.substr(16, 4) + "-" + h.substr(20, 12),
                         at_att);
  };
  if (t == "AWS::NetworkFirewall::RuleGroup") {
    if (attribute == "RuleGroupArn") return id();
    if (attribute == "RuleGroupId") return uuid();
  }
  if (t == "AWS::NetworkFirewall::FirewallPolicy") {
    if (attribute == "FirewallPolicyArn") return id();
    if (attribute == "FirewallPolicyId") return uuid();
  }
  if (t != "AWS::NetworkFirewall::Firewall") return Value();
  if (attribute == "FirewallArn") return id();
  if (attribute == "FirewallId") return uuid();
  if (attribute != "EndpointIds") return Value();
  const Value mappings = property(r, "SubnetMappings", at_att);
  if (mappings.is_unknown()) return mappings;
  if (!mappings.is_list()) {
    return Value::unknown("the SubnetMappings of " + r.logical_id + " are not a list", at_att);
  }
  Value out;
  out.type = Value::Type::kList;
  out.at = at_att;
  std::string order;
  for (std::size_t i = 0; i < mappings.items.size(); ++i) {
    const Value* subnet = mappings.items[i].get("SubnetId");
    if (!subnet || subnet->is_unknown() || !subnet->is_string()) {
      out.items.push_back(Value::unknown(
          "SubnetMappings[" + std::to_string(i) + "] of " + r.logical_id + " names no known subnet",
          at_att));
      continue;
    }
    std::string zone;
    if (const ResourceDecl* s = resource(subnet->resource); s && s->type == "AWS::EC2::Subnet") {
      const Value z = property(*s, "AvailabilityZone", at_att);
      if (z.is_string()) zone = z.text;
    } else {
      for (const auto& s : network_.subnets) {
        if (s.id == subnet->text) zone = s.availability_zone;
      }
    }
    if (zone.empty()) {
      out.items.push_back(Value::unknown(
          "the availability zone of " + subnet->text + " (SubnetMappings[" + std::to_string(i) +
              "] of " + r.logical_id + ") is not known offline, so neither is its endpoint in "
              "EndpointIds",
          at_att));
      continue;
    }
    order += (order.empty() ? "" : ", ") + std::to_string(i) + ": " + zone;
    out.items.push_back(
        Value::string(zone + ":" + firewall_endpoint_id(r, subnet->text), at_att));
  }
  if (mappings.items.size() > 1 && warn_once("EndpointIds:" + r.logical_id)) {
    gap(Gap::kStandIn, "EndpointIds", at_att, r.logical_id,
        "Fn::GetAtt " + r.logical_id +
            ".EndpointIds: AWS lists a firewall's endpoints in no particular order; cloudtwin "
            "lists them in SubnetMappings order (" + order + "), so an item picked by index is "
            "that zone's endpoint here",
        "check the deployed order, or route each zone with the endpoint id written out");
  }
  return out;
}

}  // namespace cloudtwin::load::cfn
