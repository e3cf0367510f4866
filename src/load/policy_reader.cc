// The policy reader: a top-level mapping with `rules:`, each rule checked field by field so that
// one pass reports every problem of the file with its position.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <new>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/policy.h"
#include "yaml_fields.h"

namespace cloudtwin::load {
namespace {

using model::Expectation;
using yaml::Context;
using yaml::Fields;
using yaml::Value;

constexpr std::uint32_t kPolicyFile = 1;
constexpr const char* kTopLevelHint =
    "a policy file is a mapping with a list of `rules:` (see docs/policies.md)";

std::string backquoted(std::string_view s) { return "`" + std::string(s) + "`"; }

// A field that takes one item or a list of them.
std::vector<Value> one_or_many(Value v) {
  if (v.is_scalar()) return {v};
  return v.items();
}

std::vector<model::PolicyName> names(Value v, const char* what) {
  std::vector<model::PolicyName> out;
  if (!v.present()) return out;
  for (auto& item : one_or_many(v)) {
    if (auto s = item.text()) out.push_back({*s, item.at()});
  }
  if (out.empty() &&
      (v.is_null() || (v.node() && v.node()->is_sequence() && v.node()->items().empty()))) {
    v.error(backquoted(v.field()) + " is empty", std::string("name ") + what);
  }
  return out;
}

// "tcp/5432", "tcp/8000-8080", "udp", "icmp/8", "all".
std::optional<model::AllowedTraffic> allowed(Value& item) {
  auto text = item.text();
  if (!text) return std::nullopt;
  model::AllowedTraffic a;
  a.text = *text;
  a.at = item.at();
  const auto slash = text->find('/');
  const std::string proto = text->substr(0, slash);
  auto p = Protocol::parse(proto);
  if (!p) {
    auto best = closest_match(yaml::lower(proto), {"tcp", "udp", "icmp", "icmpv6", "all"});
    item.error("`allow`: " + backquoted(*text) + " does not start with a protocol",
               best.empty() ? "write PROTOCOL or PROTOCOL/PORTS, e.g. tcp/5432, udp/53, icmp or all"
                            : "did you mean `" + best + text->substr(proto.size()) + "`?");
    return std::nullopt;
  }
  a.protocol = *p;
  if (slash == std::string::npos) return a;
  const std::string ports = text->substr(slash + 1);
  auto r = PortRange::parse(ports);
  if (!r) {
    item.error(
        "`allow`: " + backquoted(ports) + " in " + backquoted(*text) + " is not a port range",
        "write a port (5432) or a range from low to high (8000-8080)");
    return std::nullopt;
  }
  if (!p->has_ports() && !p->is_icmp()) {
    item.error(
        "`allow`: " + backquoted(*text) + ": protocol " + backquoted(proto) + " has no ports",
        "ports go with tcp, udp (and ICMP types with icmp); write " + backquoted(proto) + " alone");
    return std::nullopt;
  }
  if (p->is_icmp() && r->to > 255) {
    item.error("`allow`: " + backquoted(*text) + ": ICMP types are 0-255",
               "after icmp/ comes the ICMP type, e.g. icmp/8 for echo requests");
    return std::nullopt;
  }
  a.ports = *r;
  return a;
}

void read_rule(Context& cx, Value& item, std::size_t index, model::Policy& policy,
               std::map<std::string, Location>& seen) {
  Fields f = item.fields({"name", "description", "from", "to", "expect", "protocol", "ports",
                          "source_ports", "allow", "through"});
  f.set_resource("rules[" + std::to_string(index) + "]");
  f.allow_extension_prefix("x-");
  const std::size_t errors_before = cx.diagnostics.error_count();
  if (!f.is_mapping()) {
    f.check();
    return;
  }
  model::PolicyRule rule;
  rule.at = f.at();
  auto name = f.require("name").text();
  if (name) f.set_resource(*name);
  f.check();
  if (name) {
    rule.name = *name;
    auto [it, fresh] = seen.emplace(rule.name, f.get("name").at());
    if (!fresh) {
      f.get("name").error("two rules are named " + backquoted(rule.name),
                          "the first is at line " + std::to_string(it->second.line) +
                              "; every rule needs its own name");
    }
  }
  if (auto d = f.get("description").text(true)) rule.description = *d;
  rule.from = names(f.require("from"),
                    "the sources: an instance, subnet/NAME, vpc/NAME, "
                    "sg/NAME, internet, an on-premises network or a CIDR");
  rule.to = names(f.require("to"), "the destinations, like `from`");

  Value expect = f.require("expect");
  std::optional<Expectation> kind;
  if (auto e = expect.choice({"isolated", "nothing", "reachable", "only", "through"})) {
    if (*e == "isolated" || *e == "nothing") kind = Expectation::kIsolated;
    if (*e == "reachable") kind = Expectation::kReachable;
    if (*e == "only") kind = Expectation::kOnly;
    if (*e == "through") kind = Expectation::kThrough;
    rule.expect = *kind;
    rule.expect_at = expect.at();
  }

  if (f.has("protocol")) rule.protocol = f.get("protocol").protocol();
  if (f.has("ports")) {
    for (auto& p : one_or_many(f.get("ports"))) {
      auto r = p.port_range();
      if (!r) continue;
      if (rule.protocol && rule.protocol->is_icmp() && r->to > 255) {
        p.error("`ports`: ICMP types are 0-255, not " + backquoted(r->str()),
                "with `protocol: icmp`, `ports` are ICMP types, e.g. 8 for echo requests");
        continue;
      }
      rule.ports.push_back(*r);
    }
    if (rule.protocol && !rule.protocol->is_all() && !rule.protocol->has_ports() &&
        !rule.protocol->is_icmp()) {
      f.error_at("ports", "protocol " + rule.protocol->str() + " has no ports",
                 "ports go with tcp and udp (and ICMP types with icmp); leave `ports` out");
    }
  }
  if (f.has("source_ports")) {
    if (auto r = f.get("source_ports").port_range()) {
      rule.any_source_port = true;
      if (!r->is_all()) rule.source_ports = *r;
    }
  }

  const bool has_allow = f.has("allow");
  const bool has_through = f.has("through");
  if (has_allow) {
    for (auto& a : one_or_many(f.get("allow"))) {
      if (auto t = allowed(a)) rule.allow.push_back(*t);
    }
  }
  if (has_through) {
    rule.through = names(f.get("through"),
                         "a VPC, subnet, instance, transit gateway, NAT "
                         "gateway or other resource every path must cross");
  }
  if (kind == Expectation::kOnly && !has_allow) {
    f.error_at("expect", "`expect: only` needs `allow:`, the traffic that may reach",
               "add e.g. `allow: [tcp/5432]`");
  }
  if (kind == Expectation::kThrough && !has_through) {
    f.error_at("expect", "`expect: through` needs `through:`, what every path must cross",
               "add e.g. `through: vpc/inspection`");
  }
  if (kind && *kind != Expectation::kOnly && has_allow) {
    f.error_at("allow",
               "`allow` belongs to `expect: only`, not `expect: " +
                   std::string(model::expectation_name(*kind)) + "`",
               "write `expect: only` or leave `allow` out");
  }
  if (kind && *kind != Expectation::kThrough && has_through) {
    f.error_at("through",
               "`through` belongs to `expect: through`, not `expect: " +
                   std::string(model::expectation_name(*kind)) + "`",
               "write `expect: through` or leave `through` out");
  }
  if (kind == Expectation::kReachable && !f.has("protocol") && !f.has("ports")) {
    // Every protocol and every port almost never all reach; saying which is the assertion.
    f.error_at("expect", "`expect: reachable` needs `protocol:` or `ports:`",
               "say what must get through, e.g. `protocol: tcp` and `ports: 443`; "
               "`protocol: all` demands every packet");
  }
  if (cx.diagnostics.error_count() == errors_before) policy.rules.push_back(std::move(rule));
}

void read_document(Context& cx, const yaml::Node& doc, model::Policy& policy,
                   std::map<std::string, Location>& seen) {
  if (!doc.is_mapping()) {
    Location at = cx.at(doc);
    if (at.line == 0) at = {cx.file, 1, 1};
    cx.error(at, "",
             std::string("a policy file must be a mapping, not ") +
                 (doc.is_sequence() ? "a list" : backquoted(doc.scalar())),
             kTopLevelHint);
    return;
  }
  Fields top(cx, &doc, "a policy file", {"description", "rules"}, "", Location{cx.file, 1, 1});
  top.allow_extension_prefix("x-");
  top.check();
  if (auto d = top.get("description").text(true)) policy.description = *d;
  Value rules = top.require("rules");
  if (rules.present() &&
      (rules.is_null() || (rules.node()->is_sequence() && rules.node()->items().empty()))) {
    rules.error("`rules` is empty", "a policy asserts at least one rule");
  }
  std::size_t i = 0;
  for (auto& item : rules.items()) read_rule(cx, item, i++, policy, seen);
}

}  // namespace

std::optional<model::Policy> read_policy_text(std::string_view text, const std::string& path,
                                              Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.error_count();
  model::Network scratch;  // the YAML context reports into a network; a policy holds none
  Context cx{scratch, diagnostics, path, kPolicyFile, {}, {}};
  model::Policy policy;
  policy.path = path;
  try {
    const yaml::Document yaml = yaml::Document::parse(text);
    if (const auto& e = yaml.error()) {
      cx.error({cx.file, e->at.line, e->at.column}, "", "YAML syntax error: " + e->message,
               e->hint);
      return std::nullopt;
    }
    std::map<std::string, Location> seen;
    bool any = false;
    for (const yaml::Node* doc : yaml.roots()) {
      if (doc->is_null()) continue;
      any = true;
      read_document(cx, *doc, policy, seen);
    }
    if (!any) cx.error({cx.file, 1, 1}, "", "the file is empty", kTopLevelHint);
  } catch (const std::bad_alloc&) {
    cx.error({cx.file, 0, 0}, "", "cannot read the file: out of memory");
  }
  if (diagnostics.error_count() != errors_before) return std::nullopt;
  return policy;
}

std::optional<model::Policy> read_policy(const std::string& path, Diagnostics& diagnostics) {
  auto fail = [&](std::string message) -> std::optional<model::Policy> {
    diagnostics.error(path, {kPolicyFile, 0, 0}, "", std::move(message));
    return std::nullopt;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("is a folder, not a policy file");
  if (auto problem = input_file_problem(path, kDefaultMaxInputSize)) {
    diagnostics.error(path, {kPolicyFile, 0, 0}, "", std::move(problem->message),
                      std::move(problem->hint));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open: ") + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail(std::string("cannot read: ") + std::strerror(errno));
  return read_policy_text(text, path, diagnostics);
}

}  // namespace cloudtwin::load
