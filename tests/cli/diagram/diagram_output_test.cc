// The topology diagram: golden Mermaid and DOT renderings of the bundled examples, with and
// without a highlighted trace, and label escaping. Set CLOUDTWIN_UPDATE_GOLDEN=1 to rewrite
// the golden files after an intended change, then review the diff.
#include "diagram_output.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cloudtwin/load/load.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::cli {
namespace {

const std::filesystem::path kSource = CLOUDTWIN_SOURCE_DIR;
const std::filesystem::path kGolden = kSource / "tests/cli/diagram/golden";

model::Network load(const std::filesystem::path& path) {
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load::load_network({path.string()}, n, d, {})) << path;
  return n;
}

model::Network load_example(const std::string& name) {
  return load(kSource / "examples" / (name + ".yaml"));
}

vpc::Trace run_trace(const model::Network& n, const std::string& from, const std::string& to,
                     std::uint16_t port) {
  auto src = vpc::parse_endpoint(n, from);
  auto dst = vpc::parse_endpoint(n, to);
  EXPECT_TRUE(src.endpoint) << src.error;
  EXPECT_TRUE(dst.endpoint) << dst.error;
  vpc::Query q;
  q.source = *src.endpoint;
  q.destination = *dst.endpoint;
  q.destination_port = port;
  return vpc::trace(n, q);
}

void expect_golden(const std::string& file, const std::string& actual) {
  auto path = kGolden / file;
  if (std::getenv("CLOUDTWIN_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with CLOUDTWIN_UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "differs from " << path;
}

class DiagramExampleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagramExampleTest, MermaidMatchesGolden) {
  auto n = load_example(GetParam());
  expect_golden(GetParam() + ".mmd", render_mermaid(build_diagram(n, nullptr)));
}

TEST_P(DiagramExampleTest, DotMatchesGolden) {
  auto n = load_example(GetParam());
  expect_golden(GetParam() + ".dot", render_dot(build_diagram(n, nullptr)));
}

TEST_P(DiagramExampleTest, RenderingIsDeterministic) {
  auto a = load_example(GetParam());
  auto b = load_example(GetParam());
  EXPECT_EQ(render_mermaid(build_diagram(a, nullptr)), render_mermaid(build_diagram(b, nullptr)));
}

INSTANTIATE_TEST_SUITE_P(Examples, DiagramExampleTest,
                         ::testing::Values("hybrid", "microservices", "global-service"),
                         [](const auto& info) {
                           std::string s = info.param;
                           std::erase(s, '-');
                           return s;
                         });

TEST(DiagramTest, TopologyHasGroupsAndGateways) {
  auto n = load_example("hybrid");
  auto text = render_mermaid(build_diagram(n, nullptr));
  EXPECT_NE(text.find("subgraph g_region0[\"account 111111111111, us-east-1\"]"),
            std::string::npos);
  EXPECT_NE(text.find("subgraph g_vpc0"), std::string::npos);
  EXPECT_NE(text.find("subgraph g_subnet0"), std::string::npos);
  for (const char* node : {"igw0", "nat0", "vgw0", "dxgw0", "vpn0", "cgw0", "onprem0", "internet"})
    EXPECT_NE(text.find(std::string("  ") + node), std::string::npos) << node;
  EXPECT_EQ(text.find("classDef"), std::string::npos) << "no highlight without a trace";
}

// The data centre reaches app-a over Direct Connect (preferred over the VPN for the same
// prefix): the path runs on-premises -> DX gateway -> VGW -> subnet's ENI.
TEST(DiagramTest, ReachableTraceHighlightsForwardPath) {
  auto n = load_example("hybrid");
  auto t = run_trace(n, "dc", "app-a", 8080);
  ASSERT_TRUE(t.reachable);
  auto d = build_diagram(n, &t, "dc -> app-a tcp/8080: reachable");
  expect_golden("hybrid-dc-to-app-a.mmd", render_mermaid(d));
  expect_golden("hybrid-dc-to-app-a.dot", render_dot(d));
  std::vector<std::string> path;
  for (const auto& e : d.edges)
    if (e.path) path.push_back(e.from + ">" + e.to);
  EXPECT_EQ(path, (std::vector<std::string>{"onprem0>dxgw0", "dxgw0>vgw0", "vgw0>eni0"}));
  for (const auto& node : d.nodes) EXPECT_NE(node.style, NodeStyle::kDrop) << node.id;
}

// payments' security group admits 8443 only from the orders VPC (10.10.0.0/16), so inventory's
// packet is dropped at the destination ENI: the drop is marked with its explanation code.
TEST(DiagramTest, UnreachableTraceMarksDropWithExplanationCode) {
  auto n = load_example("microservices");
  auto t = run_trace(n, "inventory", "payments", 8443);
  ASSERT_FALSE(t.reachable);
  ASSERT_FALSE(t.explanations.empty());
  auto d = build_diagram(n, &t, "inventory -> payments tcp/8443: not reachable");
  auto mermaid = render_mermaid(d);
  expect_golden("microservices-inventory-to-payments.mmd", mermaid);
  expect_golden("microservices-inventory-to-payments.dot", render_dot(d));
  EXPECT_NE(mermaid.find(t.explanations.front().code), std::string::npos);
  EXPECT_NE(mermaid.find("class drop0 note"), std::string::npos);
  bool dropped_edge = false;
  for (const auto& e : d.edges) dropped_edge |= e.dropped && e.to == "drop0";
  EXPECT_TRUE(dropped_edge);
}

TEST(DiagramTest, InternetSourceUsesInternetNode) {
  auto n = load_example("global-service");
  auto t = run_trace(n, "internet", "web-lb-use1", 443);
  ASSERT_TRUE(t.reachable);
  auto d = build_diagram(n, &t);
  ASSERT_FALSE(d.edges.empty());
  EXPECT_EQ(d.edges[d.edges.size() - 2].from, "internet");
  EXPECT_TRUE(d.edges.back().path);
}

// A scenario's network (the part before its `---`), written to a file of its own.
model::Network load_scenario(const std::string& name) {
  std::ifstream in(kSource / "tests/scenarios" / (name + ".yaml"));
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  auto dir = std::filesystem::temp_directory_path() / "cloudtwin-diagram-test";
  std::filesystem::create_directories(dir);
  auto file = dir / (name + ".yaml");
  std::ofstream(file) << s.substr(0, s.find("\n---\n") + 1);
  return load(file);
}

const DiagramNode* node_labelled(const Diagram& d, const std::string& start) {
  for (const auto& node : d.nodes) {
    if (node.label.starts_with(start)) return &node;
  }
  return nullptr;
}

bool has_edge(const Diagram& d, const std::string& from, const std::string& to,
              const std::string& label) {
  return std::any_of(d.edges.begin(), d.edges.end(), [&](const DiagramEdge& e) {
    return e.from == from && e.to == to && e.label == label;
  });
}

// Load balancers are drawn in their VPC with edges to their nodes and to the targets their
// listeners forward to; a trace through one passes its node on the drawing.
TEST(DiagramTest, LoadBalancersLinkTheirNodesAndTargets) {
  auto n = load_scenario("load_balancers");
  auto t = run_trace(n, "internet", "web-a", 443);
  ASSERT_TRUE(t.reachable);
  auto d = build_diagram(n, &t);
  const auto* alb = node_labelled(d, "LoadBalancer\nweb-alb");
  const auto* web_a = node_labelled(d, "Instance web-a");
  ASSERT_TRUE(alb && web_a);
  EXPECT_NE(alb->label.find("application, internet-facing"), std::string::npos) << alb->label;
  EXPECT_TRUE(has_edge(d, alb->id, web_a->id, "listener 443"));
  EXPECT_EQ(alb->style, NodeStyle::kPath);
  EXPECT_EQ(web_a->style, NodeStyle::kPath);
  int nodes = 0;
  for (const auto& e : d.edges) nodes += e.from == alb->id && e.label == "node";
  EXPECT_EQ(nodes, 2);  // pub-a and pub-b
}

// A firewall is drawn in its VPC, its endpoints link to it, and a drop by its rules is marked
// there.
TEST(DiagramTest, FirewallEndpointsLinkTheirFirewall) {
  auto n = load_scenario("network_firewall");
  auto t = run_trace(n, "internet", "web", 22);
  ASSERT_FALSE(t.reachable);
  auto d = build_diagram(n, &t);
  const auto* fw = node_labelled(d, "NetworkFirewall\nfw (fw-fw)");
  const auto* ep = node_labelled(d, "VPCEndpoint\nfw in us-east-1a (vpce-fw-fw-a)");
  ASSERT_TRUE(fw && ep);
  EXPECT_NE(fw->label.find("policy strict"), std::string::npos) << fw->label;
  EXPECT_TRUE(has_edge(d, ep->id, fw->id, ""));
  EXPECT_EQ(fw->style, NodeStyle::kDrop);
}

struct EscapeCase {
  const char* name;
  const char* input;
  const char* mermaid;
  const char* dot;
};

TEST(DiagramTest, EscapesLabels) {
  const EscapeCase cases[] = {
      {"plain", "web-1 (vpc-1)", "web-1 (vpc-1)", "web-1 (vpc-1)"},
      {"double quote", "a \"b\"", "a #quot;b#quot;", "a \\\"b\\\""},
      {"hash and entities", "#1 <b>&", "#35;1 #lt;b#gt;#amp;", "#1 <b>&"},
      {"pipe ends a Mermaid edge label", "a|b", "a#124;b", "a|b"},
      {"backslash", "a\\l", "a\\l", "a\\\\l"},
      {"newline", "a\nb", "a<br/>b", "a\\nb"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(escape_mermaid(c.input), c.mermaid) << c.name;
    EXPECT_EQ(escape_dot(c.input), c.dot) << c.name;
  }
}

// A Name tag can hold any character; it must not break out of the quoted label.
TEST(DiagramTest, HostileNamesStayInsideLabels) {
  auto dir = std::filesystem::temp_directory_path() / "cloudtwin-diagram-test";
  std::filesystem::create_directories(dir);
  auto file = dir / "names.yaml";
  std::ofstream(file) << "vpcs:\n  - {name: 'prod \"core\" <x> #1 | end', cidr_block: "
                         "10.0.0.0/16}\nsubnets:\n  - {name: 'a\\b', vpc: 'prod \"core\" <x> #1 "
                         "| end', cidr_block: 10.0.0.0/24}\n";
  auto n = load(file);
  auto d = build_diagram(n, nullptr);
  auto mermaid = render_mermaid(d);
  auto dot = render_dot(d);
  EXPECT_NE(mermaid.find("prod #quot;core#quot; #lt;x#gt; #35;1 #124; end"), std::string::npos)
      << mermaid;
  EXPECT_NE(dot.find("prod \\\"core\\\" <x> #1 | end"), std::string::npos) << dot;
  EXPECT_NE(dot.find("subnet a\\\\b"), std::string::npos) << dot;
  std::filesystem::remove_all(dir);
}

TEST(DiagramTest, ParsesFormats) {
  EXPECT_EQ(parse_diagram_format("mermaid"), DiagramFormat::kMermaid);
  EXPECT_EQ(parse_diagram_format("dot"), DiagramFormat::kDot);
  EXPECT_EQ(parse_diagram_format("svg"), DiagramFormat::kSvg);
  EXPECT_EQ(parse_diagram_format("png"), std::nullopt);
  EXPECT_EQ(parse_diagram_format("Mermaid"), std::nullopt);
  EXPECT_EQ(parse_diagram_format(""), std::nullopt);
}

}  // namespace
}  // namespace cloudtwin::cli
