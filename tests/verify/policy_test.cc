// Policy files (docs/policies.md): the reader's located errors, and each expectation checked
// against the example and scenario networks, passing and failing, with the counterexample the
// failure carries.
#include "cloudtwin/load/policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/verify/policy_check.h"

namespace cloudtwin::verify {
namespace {

const std::string kRoot = CLOUDTWIN_SOURCE_DIR;

// An example network, or a scenario's network (the document before its questions).
model::Network load(const std::string& path) {
  model::Network n;
  Diagnostics d;
  std::ifstream in(kRoot + "/" + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto questions = text.find("\n---\n");
  bool ok = questions == std::string::npos
                ? load::load_network({kRoot + "/" + path}, n, d)
                : load::read_native_yaml(text.substr(0, questions + 1), path, n, d) &&
                      model::finalize(n, d);
  EXPECT_TRUE(ok) << (d.items().empty() ? "" : d.items().front().str());
  return n;
}

model::Policy policy_file(const std::string& name) {
  Diagnostics d;
  auto p = load::read_policy(kRoot + "/tests/policies/" + name, d);
  EXPECT_TRUE(p) << (d.items().empty() ? "" : d.items().front().str());
  return p ? *p : model::Policy{};
}

// Every diagnostic of reading `text` as "line:column: message (hint)".
std::vector<std::string> errors(const std::string& text) {
  Diagnostics d;
  auto p = load::read_policy_text(text, "policy.yaml", d);
  EXPECT_EQ(p.has_value(), !d.has_errors());
  d.sort();
  std::vector<std::string> out;
  for (const auto& item : d.items()) {
    out.push_back(std::to_string(item.line) + ":" + std::to_string(item.column) + ": " +
                  item.message + (item.hint.empty() ? "" : " (" + item.hint + ")"));
  }
  return out;
}

std::vector<CheckResult> check(const std::string& network, const std::string& policy) {
  auto n = load(network);
  Compiled c(n);
  Diagnostics d;
  auto results = check_policy(c, policy_file(policy), d);
  EXPECT_FALSE(d.has_errors()) << (d.items().empty() ? "" : d.items().front().str());
  return results;
}

const CheckResult& result(const std::vector<CheckResult>& results, const std::string& id) {
  auto it = std::find_if(results.begin(), results.end(),
                         [&](const CheckResult& r) { return r.id == id; });
  EXPECT_NE(it, results.end()) << id;
  static const CheckResult kNone;
  return it == results.end() ? kNone : *it;
}

bool passes(const vpc::Trace& t, const std::string& component_id) {
  return std::any_of(t.forward.begin(), t.forward.end(),
                     [&](const vpc::Hop& h) { return h.component_id == component_id; });
}

// ---- Reading --------------------------------------------------------------------------------

TEST(PolicyReader, ReadsEveryField) {
  auto p = policy_file("hybrid.yaml");
  ASSERT_EQ(p.rules.size(), 3u);
  const auto& nothing = p.rules[0];
  EXPECT_EQ(nothing.name, "internet-cannot-reach-data");
  EXPECT_EQ(nothing.expect, model::Expectation::kIsolated);  // `nothing` is `isolated`
  EXPECT_EQ(nothing.at.line, 4u);
  EXPECT_EQ(nothing.at.column, 5u);
  ASSERT_EQ(nothing.to.size(), 1u);
  EXPECT_EQ(nothing.to[0].text, "subnet/data-a");
  EXPECT_EQ(nothing.to[0].at.line, 7u);
  const auto& only = p.rules[1];
  ASSERT_EQ(only.allow.size(), 1u);
  EXPECT_EQ(only.allow[0].protocol.number(), Protocol::kTcp);
  EXPECT_EQ(only.allow[0].ports, PortRange::single(5432));
  const auto& reachable = p.rules[2];
  EXPECT_EQ(reachable.to.size(), 2u);
  EXPECT_EQ(reachable.ports, std::vector<PortRange>{PortRange::single(8080)});
}

TEST(PolicyReader, UnknownKeyGetsDidYouMean) {
  // The missing `expect` is the misspelt one: reported once.
  EXPECT_EQ(errors("rules:\n  - name: a\n    from: x\n    to: y\n    expct: nothing\n"),
            (std::vector<std::string>{"5:5: unknown field `expct` (did you mean `expect`?)"}));
}

TEST(PolicyReader, UnknownExpectationGetsDidYouMean) {
  auto e = errors("rules:\n  - {name: a, from: x, to: y, expect: reachble, ports: 443}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "2:39: `expect` must be one of isolated, nothing, reachable, only, through, not "
            "`reachble` (did you mean `reachable`?)");
}

TEST(PolicyReader, MissingPartiesAreLocatedAtTheRule) {
  EXPECT_EQ(errors("rules:\n  - name: a\n    expect: nothing\n"),
            (std::vector<std::string>{"2:5: missing required field `from`",
                                      "2:5: missing required field `to`"}));
}

// Found by fuzz/policy_fuzzer.cc: an ignored extension key close to a required one (`x-to`)
// must not hide that the required key is missing.
TEST(PolicyReader, ExtensionKeyDoesNotStandInForAMissingOne) {
  EXPECT_EQ(errors("rules:\n  - name: a\n    from: x\n    x-to: y\n    expect: nothing\n"),
            (std::vector<std::string>{"2:5: missing required field `to`"}));
}

TEST(PolicyReader, BadPortsAreLocatedAtTheValue) {
  auto e = errors(
      "rules:\n"
      "  - name: a\n"
      "    from: x\n"
      "    to: y\n"
      "    expect: nothing\n"
      "    ports: [443, 70000]\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_TRUE(e[0].starts_with("6:18: `ports`: `70000` is not a port range")) << e[0];
}

TEST(PolicyReader, AllowItemsAreProtocolAndPorts) {
  auto e = errors(
      "rules:\n"
      "  - name: a\n"
      "    from: x\n"
      "    to: y\n"
      "    expect: only\n"
      "    allow: [tpc/5432, tcp/99999, icmp/300, 50/80, udp/53]\n");
  EXPECT_EQ(e, (std::vector<std::string>{
                   "6:13: `allow`: `tpc/5432` does not start with a protocol (did you mean "
                   "`tcp/5432`?)",
                   "6:23: `allow`: `99999` in `tcp/99999` is not a port range (write a port "
                   "(5432) or a range from low to high (8000-8080))",
                   "6:34: `allow`: `icmp/300`: ICMP types are 0-255 (after icmp/ comes the ICMP "
                   "type, e.g. icmp/8 for echo requests)",
                   "6:44: `allow`: `50/80`: protocol `50` has no ports (ports go with tcp, udp "
                   "(and ICMP types with icmp); write `50` alone)"}));
}

TEST(PolicyReader, ExpectationsNeedTheirOwnFields) {
  auto e = errors(
      "rules:\n"
      "  - {name: a, from: x, to: y, expect: only}\n"
      "  - {name: b, from: x, to: y, expect: through}\n"
      "  - {name: c, from: x, to: y, expect: nothing, allow: [tcp], through: vpc/z}\n"
      "  - {name: d, from: x, to: y, expect: reachable}\n");
  ASSERT_EQ(e.size(), 5u);
  EXPECT_TRUE(e[0].starts_with("2:31: `expect: only` needs `allow:`")) << e[0];
  EXPECT_TRUE(e[1].starts_with("3:31: `expect: through` needs `through:`")) << e[1];
  EXPECT_TRUE(e[2].starts_with("4:48: `allow` belongs to `expect: only`")) << e[2];
  EXPECT_TRUE(e[3].starts_with("4:62: `through` belongs to `expect: through`")) << e[3];
  EXPECT_TRUE(e[4].starts_with("5:31: `expect: reachable` needs `protocol:` or `ports:`")) << e[4];
}

TEST(PolicyReader, DuplicateNamesPointAtTheFirst) {
  auto e = errors(
      "rules:\n"
      "  - {name: a, from: x, to: y, expect: nothing}\n"
      "  - {name: a, from: x, to: z, expect: nothing}\n");
  EXPECT_EQ(e, (std::vector<std::string>{
                   "3:12: two rules are named `a` (the first is at line 2; every rule needs its "
                   "own name)"}));
}

TEST(PolicyReader, SyntaxAndShapeErrors) {
  auto syntax = errors("rules:\n  - {name: a\n");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_NE(syntax[0].find("YAML syntax error"), std::string::npos);
  EXPECT_TRUE(syntax[0].starts_with("3:")) << syntax[0];
  EXPECT_EQ(errors(""), (std::vector<std::string>{
                            "1:1: the file is empty (a policy file is a mapping with a list of "
                            "`rules:` (see docs/policies.md))"}));
  EXPECT_EQ(errors("rules: []\n"),
            (std::vector<std::string>{"1:8: `rules` is empty (a policy asserts at least one "
                                      "rule)"}));
  EXPECT_EQ(errors("- a\n").size(), 1u);
  EXPECT_EQ(errors("rules: [3]\n").size(), 1u);
}

TEST(PolicyReader, ReportsEveryProblemAtOnce) {
  auto e = errors(
      "rulez: []\n"
      "rules:\n"
      "  - {name: a, from: x, to: y, expect: nothin}\n"
      "  - {name: b, from: x, expect: only, allow: [tcp/0-99999]}\n");
  EXPECT_EQ(e.size(), 4u);
}

TEST(PolicyReader, UnreadableFile) {
  Diagnostics d;
  EXPECT_FALSE(load::read_policy(kRoot + "/tests/policies/missing.yaml", d));
  ASSERT_TRUE(d.has_errors());
  EXPECT_NE(d.items()[0].message.find("cannot open"), std::string::npos);
}

// ---- Checking -------------------------------------------------------------------------------

TEST(PolicyCheck, HybridPolicyHolds) {
  auto results = check("examples/hybrid.yaml", "hybrid.yaml");
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) {
    EXPECT_TRUE(r.passed) << r.id << ": " << r.message;
    EXPECT_TRUE(r.rows.empty());
  }
  EXPECT_EQ(results[0].description, "no packet from the internet reaches the data subnet");
  EXPECT_EQ(results[0].kind, "isolated");
  EXPECT_EQ(results[1].description, "sg/app -> db: only tcp/5432");
}

// aws-vpc.md §1.4: a security group admits only what a rule allows. db admits tcp/5432 from the
// app group alone, so the data centre is blocked at db's network interface.
TEST(PolicyCheck, ReachableFailsWithTheBlockingTrace) {
  auto results = check("examples/hybrid.yaml", "hybrid-violations.yaml");
  const auto& r = result(results, "dc-reaches-db");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.kind, "reachable");
  ASSERT_FALSE(r.rows.empty());
  ASSERT_EQ(r.counterexamples.size(), r.rows.size());
  EXPECT_EQ(r.rows[0].protocol, "tcp");
  EXPECT_EQ(ports_text(r.rows[0].destination_ports), "5432");
  EXPECT_EQ(r.rows[0].example, nullptr);
  const auto& t = r.counterexamples[0];
  EXPECT_FALSE(t.reachable);
  ASSERT_FALSE(t.explanations.empty());
  EXPECT_EQ(t.explanations[0].code, "ENI_SG_RULES_MISMATCH");
  EXPECT_EQ(t.header.dst_port, 5432);
  EXPECT_EQ(t.header.dst.str(), "10.0.20.10");
}

// The app security group admits tcp/8080 from 192.168.0.0/16 (and the private ACL's rule 110
// lets it in), so the data centre is not isolated from app-a.
TEST(PolicyCheck, IsolatedFailsWithWhatReaches) {
  auto results = check("examples/hybrid.yaml", "hybrid-violations.yaml");
  const auto& r = result(results, "dc-isolated-from-app");
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].protocol, "tcp");
  EXPECT_EQ(ports_text(r.rows[0].destination_ports), "8080");
  ASSERT_EQ(r.counterexamples.size(), 1u);
  const auto& t = r.counterexamples[0];
  EXPECT_TRUE(t.reachable);
  EXPECT_EQ(t.header.dst.str(), "10.0.10.10");
  EXPECT_EQ(t.header.dst_port, 8080);
  EXPECT_NE(r.message.find("1 row of packets"), std::string::npos) << r.message;
}

TEST(PolicyCheck, OnlyFailsWithTheTrafficOutsideAllow) {
  auto results = check("examples/hybrid.yaml", "hybrid-violations.yaml");
  const auto& r = result(results, "dc-to-app-https-only");
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(ports_text(r.rows[0].destination_ports), "8080");  // 443 does not reach at all
  ASSERT_EQ(r.counterexamples.size(), 1u);
  EXPECT_TRUE(r.counterexamples[0].reachable);
  EXPECT_EQ(r.counterexamples[0].header.dst_port, 8080);
}

// aws-vpc.md §1.1: the private route table sends 0.0.0.0/0 to the NAT gateway, so app-a's
// internet traffic leaves through nat-a and the internet gateway, never the data centre.
TEST(PolicyCheck, ThroughFailsWithTheBypassingPath) {
  auto results = check("examples/hybrid.yaml", "hybrid-violations.yaml");
  const auto& r = result(results, "app-egress-through-dc");
  EXPECT_FALSE(r.passed);
  ASSERT_FALSE(r.rows.empty());
  const auto& t = r.counterexamples[0];
  EXPECT_TRUE(t.reachable);
  EXPECT_TRUE(passes(t, "nat-nat-a")) << r.message;
  EXPECT_EQ(t.header.dst_port, 443);
}

// Spokes send 0.0.0.0/0 to the hub, whose `spokes` table sends it to the egress VPC's attachment
// (TGW route tables, aws-tgw.md): all internet traffic crosses the egress VPC.
TEST(PolicyCheck, MicroservicesEgressThroughTheEgressVpc) {
  auto results = check("examples/microservices.yaml", "microservices.yaml");
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) EXPECT_TRUE(r.passed) << r.id << ": " << r.message;
}

// Spoke-to-spoke traffic goes spoke -> hub -> spoke by propagation, not through the egress VPC.
TEST(PolicyCheck, EastWestTrafficBypassesTheEgressVpc) {
  auto results = check("examples/microservices.yaml", "microservices-violations.yaml");
  ASSERT_EQ(results.size(), 1u);
  const auto& r = results[0];
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(ports_text(r.rows[0].destination_ports), "8443");
  const auto& t = r.counterexamples[0];
  EXPECT_TRUE(t.reachable);
  EXPECT_TRUE(passes(t, "tgw-hub"));
  EXPECT_FALSE(passes(t, "tgw-attach-egress-att"));
  for (const auto& h : t.forward) EXPECT_EQ(h.component_id.find("egress"), std::string::npos);
}

// aws-vpc.md §1.1: a route to an ENI inserts the appliance; a gateway route table sends inbound
// internet traffic through it.
TEST(PolicyCheck, ApplianceIsOnThePath) {
  auto results = check("tests/scenarios/appliance.yaml", "appliance.yaml");
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(result(results, "app-to-db-through-firewall").passed);
  EXPECT_TRUE(result(results, "web-ingress-through-firewall").passed);
}

// aws-vpc.md §1.2: the appliance's own security group filters what it forwards, and sg-fw
// admits tcp/443 from anywhere besides tcp/5432 from the VPC, so 443 gets from app to db too.
TEST(PolicyCheck, OnlyFindsWhatTheApplianceAlsoLetsThrough) {
  auto results = check("tests/scenarios/appliance.yaml", "appliance.yaml");
  const auto& r = result(results, "app-to-db-postgres-only");
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].protocol, "tcp");
  EXPECT_EQ(ports_text(r.rows[0].destination_ports), "443");
  EXPECT_EQ(prefixes_text(r.rows[0].sources, false), "10.0.1.10");
  EXPECT_EQ(prefixes_text(r.rows[0].destinations, false), "10.0.2.10");
  ASSERT_EQ(r.counterexamples.size(), 1u);
  EXPECT_TRUE(r.counterexamples[0].reachable);
  EXPECT_EQ(r.counterexamples[0].header.dst_port, 443);
  EXPECT_TRUE(passes(r.counterexamples[0], "eni-fw-eni"));
}

TEST(PolicyCheck, UnknownNamesAreLocatedErrorsNotViolations) {
  auto n = load("examples/hybrid.yaml");
  Compiled c(n);
  Diagnostics read;
  auto p = load::read_policy_text(
      "rules:\n"
      "  - {name: a, from: internet, to: subnet/dta-a, expect: nothing}\n"
      "  - {name: b, from: app-a, to: internet, expect: through, through: vpc/hybrd}\n"
      "  - {name: c, from: app-a, to: db, expect: only, allow: [tcp/5432]}\n"
      "  - {name: d, from: app-a, to: db, expect: through, through: private}\n",
      "p.yaml", read);
  ASSERT_TRUE(p);
  Diagnostics d;
  auto results = check_policy(c, *p, d);
  EXPECT_TRUE(results.empty());
  d.sort();
  ASSERT_EQ(d.items().size(), 3u);
  EXPECT_EQ(d.items()[0].file, "p.yaml");
  EXPECT_EQ(d.items()[0].line, 2u);
  EXPECT_EQ(d.items()[0].column, 35u);
  EXPECT_EQ(d.items()[0].hint, "did you mean `data-a`?");
  EXPECT_EQ(d.items()[1].line, 3u);
  EXPECT_EQ(d.items()[1].column, 68u);
  EXPECT_NE(d.items()[1].hint.find("hybrid"), std::string::npos);
  // A route table and a network ACL are both named `private`.
  EXPECT_EQ(d.items()[2].line, 5u);
  EXPECT_EQ(d.items()[2].message, "`private` names more than one resource");
  EXPECT_EQ(d.items()[2].hint, "say which: acl/private or rtb/private");
}

}  // namespace
}  // namespace cloudtwin::verify
