// The bundled examples written in every input format give the traces the native example gives.
//
// For each example (hybrid, global-service, microservices) and each format whose files exist
// (CloudFormation, Terraform `show -json`, AWS CLI snapshot), the network is loaded (with its
// native companion file where the format cannot describe a part: a data centre) and every
// question of tests/examples/<example>.yaml is traced.
// Ids differ between formats (synthetic, AWS-style, names), so the comparison is of what does
// not depend on them: the verdict, the explanation codes in order, and the component types of
// the forward and the return path, hop by hop. A format whose reader is still a placeholder
// ("... is not read yet") is skipped with the reader named.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cloudtwin/load/load.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::vpc {
namespace {

namespace fs = std::filesystem;

const std::string kRoot = CLOUDTWIN_SOURCE_DIR;

struct Format {
  std::string name;    // test-name part
  std::string reader;  // named when the reader is a placeholder
  // The inputs of an example in this format, relative to the repository root; the first is the
  // one whose existence says the example has been written in this format.
  std::vector<std::string> (*inputs)(const std::string& example);
  // The Region to load with (formats that do not say: CloudFormation).
  std::string (*region)(const std::string& example);
};

std::string no_region(const std::string&) { return ""; }

// A CloudFormation stack takes its Region from the deployment (--region); the example's.
std::string stack_region(const std::string& example) {
  return example == "microservices" ? "eu-west-1" : "us-east-1";
}

const std::vector<Format>& formats() {
  static const std::vector<Format> kFormats = {
      {"Native", "native YAML reader",
       [](const std::string& e) { return std::vector<std::string>{"examples/" + e + ".yaml"}; },
       no_region},
      {"CloudFormation", "CloudFormation reader (src/load/cloudformation*.cc)",
       [](const std::string& e) {
         // global-service: one stack per Region.
         if (e == "global-service") {
           return std::vector<std::string>{"examples/cloudformation/global-service"};
         }
         std::vector<std::string> in{"examples/cloudformation/" + e + ".yaml"};
         if (e == "hybrid") in.push_back("examples/cloudformation/hybrid-onprem.yaml");
         return in;
       },
       stack_region},
      {"Terraform", "Terraform reader (src/load/terraform*.cc)",
       [](const std::string& e) {
         std::vector<std::string> in{"examples/terraform/" + e + ".json"};
         if (e == "hybrid") in.push_back("examples/terraform/hybrid-onprem.yaml");
         return in;
       },
       no_region},
      {"AwsCli", "AWS CLI snapshot reader (src/load/aws_cli.cc)",
       [](const std::string& e) {
         std::vector<std::string> in{"examples/aws-cli/" + e};
         if (e == "hybrid") in.push_back("examples/aws-cli/hybrid-onprem.yaml");
         return in;
       },
       no_region},
  };
  return kFormats;
}

const std::vector<std::string> kExamples = {"hybrid", "global-service", "microservices"};

// Reader gaps that make a format answer differently, each a skip that names the gap until the
// reader is fixed (then the question passes and the entry should go).
struct KnownGap {
  std::string example;
  std::string format;
  std::vector<int> questions;
  std::string why;
};

const std::vector<KnownGap> kKnownGaps = {};

const KnownGap* known_gap(const std::string& example, const std::string& format, int question) {
  for (const auto& g : kKnownGaps) {
    if (g.example == example && g.format == format &&
        std::find(g.questions.begin(), g.questions.end(), question) != g.questions.end()) {
      return &g;
    }
  }
  return nullptr;
}

struct Loaded {
  bool exists = false;
  bool placeholder = false;  // the reader reports "not read yet"
  bool ok = false;
  std::string diagnostics;
  model::Network network;
};

const Loaded& load(const Format& format, const std::string& example) {
  static std::map<std::string, std::unique_ptr<Loaded>> cache;
  auto& slot = cache[format.name + "/" + example];
  if (slot) return *slot;
  slot = std::make_unique<Loaded>();
  std::vector<std::string> paths;
  for (const auto& p : format.inputs(example)) paths.push_back(kRoot + "/" + p);
  slot->exists = fs::exists(paths.front());
  if (!slot->exists) return *slot;
  load::LoadOptions options;
  options.region = format.region(example);
  Diagnostics d;
  slot->ok = load::load_network(paths, slot->network, d, options);
  for (const auto& item : d.items()) {
    if (item.message.find("not read yet") != std::string::npos) slot->placeholder = true;
    slot->diagnostics += item.str() + "\n";
  }
  return *slot;
}

const YAML::Node& questions(const std::string& example) {
  static std::map<std::string, YAML::Node> cache;
  auto it = cache.find(example);
  if (it != cache.end()) return it->second;
  auto doc = YAML::LoadFile(kRoot + "/tests/examples/" + example + ".yaml");
  return cache[example] = doc["questions"];
}

// What a trace says, without the ids that differ between formats.
struct Shape {
  std::string error;  // an endpoint that does not parse
  bool reachable = false;
  std::vector<std::string> codes;
  std::vector<std::string> forward;  // component types
  std::vector<std::string> reverse;
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string describe(const Shape& s) {
  if (!s.error.empty()) return s.error;
  return std::string(s.reachable ? "reachable" : "not reachable") + "\n  codes: [" +
         join(s.codes) + "]\n  forward: " + join(s.forward) + "\n  return: " + join(s.reverse);
}

Shape ask(const model::Network& n, const YAML::Node& q) {
  Shape s;
  auto from = parse_endpoint(n, q["from"].as<std::string>());
  auto to = parse_endpoint(n, q["to"].as<std::string>());
  if (!from.endpoint || !to.endpoint) {
    s.error = "endpoint: " + (from.endpoint ? to.error : from.error);
    return s;
  }
  Query query;
  query.source = *from.endpoint;
  query.destination = *to.endpoint;
  auto protocol = Protocol::parse(q["protocol"] ? q["protocol"].as<std::string>() : "tcp");
  if (!protocol) {
    s.error = "protocol: " + q["protocol"].as<std::string>();
    return s;
  }
  query.protocol = *protocol;
  if (q["port"]) {
    query.destination_port = static_cast<std::uint16_t>(q["port"].as<int>());
  } else if (protocol->is_icmp()) {
    query.destination_port = protocol->number() == 1 ? 8 : 128;
  }
  if (q["source_port"]) query.source_port = static_cast<std::uint16_t>(q["source_port"].as<int>());
  // A listener as destination or waypoint (LB:PORT) gives the port, as scenario_test.cc takes it.
  if (!q["port"] && to.endpoint->port) query.destination_port = *to.endpoint->port;
  if (q["through"]) {
    auto through = parse_endpoint(n, q["through"].as<std::string>());
    if (!through.endpoint) {
      s.error = "through: " + through.error;
      return s;
    }
    query.through = *through.endpoint;
    if (!q["port"] && through.endpoint->port) query.destination_port = *through.endpoint->port;
  }
  auto t = trace(n, query);
  s.reachable = t.reachable;
  for (const auto& e : t.explanations) s.codes.push_back(e.code);
  for (const auto& h : t.forward) s.forward.push_back(h.component_type);
  for (const auto& h : t.reverse) s.reverse.push_back(h.component_type);
  return s;
}

struct Case {
  std::string example;
  std::size_t format = 0;  // index into formats()
  int question = 0;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.example << " " << formats()[c.format].name << " #" << c.question;
}

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (const auto& e : kExamples) {
    const auto n = static_cast<int>(questions(e).size());
    for (std::size_t f = 1; f < formats().size(); ++f) {  // 0 is native, the reference
      for (int q = 0; q < n; ++q) out.push_back({e, f, q});
    }
  }
  return out;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string example;
  bool upper = true;
  for (char c : info.param.example) {
    if (c == '-') {
      upper = true;
      continue;
    }
    example += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return example + "_" + formats()[info.param.format].name + "_" + std::to_string(info.param.question);
}

class CrossFormatTest : public ::testing::TestWithParam<Case> {};

TEST_P(CrossFormatTest, TracesLikeTheNativeExample) {
  const Case& c = GetParam();
  const Format& format = formats()[c.format];
  const YAML::Node q = questions(c.example)[c.question];
  SCOPED_TRACE(c.example + " question " + std::to_string(c.question) + ": " +
               q["name"].as<std::string>());

  const Loaded& native = load(formats()[0], c.example);
  ASSERT_TRUE(native.ok) << "examples/" << c.example << ".yaml does not load:\n"
                         << native.diagnostics;
  const Loaded& other = load(format, c.example);
  if (!other.exists) {
    GTEST_SKIP() << c.example << " is not written as " << format.name << " yet ("
                 << format.inputs(c.example).front() << ")";
  }
  if (other.placeholder) GTEST_SKIP() << "the " << format.reader << " is a placeholder";
  ASSERT_TRUE(other.ok) << c.example << " as " << format.name << " does not load:\n"
                        << other.diagnostics;

  const Shape want = ask(native.network, q);
  ASSERT_TRUE(want.error.empty()) << "native: " << want.error;
  const Shape got = ask(other.network, q);
  const std::string both = "native: " + describe(want) + "\n" + format.name + ": " + describe(got);
  const bool same = got.error.empty() && got.reachable == want.reachable && got.codes == want.codes &&
                    got.forward == want.forward && got.reverse == want.reverse;
  if (const KnownGap* gap = known_gap(c.example, format.name, c.question); gap && !same) {
    GTEST_SKIP() << "known reader gap: " << gap->why << "\n" << both;
  }
  ASSERT_TRUE(got.error.empty()) << both;
  EXPECT_EQ(got.reachable, want.reachable) << both;
  EXPECT_EQ(got.codes, want.codes) << both;
  EXPECT_EQ(got.forward, want.forward) << both;
  EXPECT_EQ(got.reverse, want.reverse) << both;
}

INSTANTIATE_TEST_SUITE_P(Examples, CrossFormatTest, ::testing::ValuesIn(all_cases()), case_name);

// Each written format loads without errors (documented warnings allowed: what cannot be known
// offline, such as the Availability Zones of Fn::GetAZs).
TEST(CrossFormatFiles, EveryWrittenFormatLoads) {
  for (const auto& e : kExamples) {
    for (std::size_t f = 1; f < formats().size(); ++f) {
      const Loaded& l = load(formats()[f], e);
      if (!l.exists || l.placeholder) continue;
      EXPECT_TRUE(l.ok) << e << " as " << formats()[f].name << ":\n" << l.diagnostics;
    }
  }
}

}  // namespace
}  // namespace cloudtwin::vpc
