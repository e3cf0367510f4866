// The data-driven scenario suite: every file under tests/scenarios/ (and the expectations of the
// bundled examples under tests/examples/) is a network plus questions with expected answers.
//
// A scenario file is either a native network, a line `---`, then a list of questions; or one
// mapping {network: PATH-FROM-REPO-ROOT, questions: [...]}. Both are read as load_network()
// reads a network, with the AWS-managed prefix lists of gateway endpoints filled from
// ../shared/data/aws/ip-ranges.json (not from $CLOUDTWIN_IP_RANGES). A question:
//   name, from, to, protocol (tcp), port, source_port, reachable (bool),
//   or verdict: reachable | blocked | inconclusive   (instead of `reachable`)
//   codes: [explanation codes, in order]   (exact; defaults to [] when reachable)
//   unknowns: [codes of what the verdict depends on, in order]  (exact when inconclusive)
//   hops: [component ids]                  (must appear in this order in the forward path)
//   return_hops: [component ids]           (same, on the return path)
//   notes: [codes]                         (each among the trace's notes)
//   rule: "AWS rule the question checks"   (documentation; shown on failure)
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cloudtwin/load/aws_managed_prefix_lists.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::vpc {
namespace {

namespace fs = std::filesystem;

struct Question {
  std::string file;
  int index = 0;
  YAML::Node node;
};

void PrintTo(const Question& q, std::ostream* os) { *os << q.file << " #" << q.index; }

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Scenario {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
  YAML::Node questions;
};

load::LoadOptions scenario_options() {
  load::LoadOptions o;
  o.ip_ranges = std::string(CLOUDTWIN_SHARED_DIR) + "/data/aws/ip-ranges.json";
  return o;
}

// Scenario files are parsed once and shared by their questions.
Scenario& load_scenario(const std::string& file) {
  static std::map<std::string, std::unique_ptr<Scenario>> cache;
  auto& slot = cache[file];
  if (slot) return *slot;
  slot = std::make_unique<Scenario>();
  std::string text = read(file);
  auto sep = text.find("\n---\n");
  if (sep != std::string::npos) {
    load::read_native_yaml(text.substr(0, sep + 1), file, slot->network, slot->diagnostics);
    slot->ok = load::add_aws_managed_prefix_lists(slot->network, slot->diagnostics,
                                                  scenario_options()) &&
               model::finalize(slot->network, slot->diagnostics) &&
               !slot->diagnostics.has_errors();
    slot->questions = YAML::Load(text.substr(sep + 5));
  } else {
    auto doc = YAML::Load(text);
    std::string path = std::string(CLOUDTWIN_SOURCE_DIR) + "/" + doc["network"].as<std::string>();
    slot->ok = load::load_network({path}, slot->network, slot->diagnostics, scenario_options());
    slot->questions = doc["questions"];
  }
  return *slot;
}

std::vector<Question> all_questions() {
  std::vector<Question> out;
  std::vector<fs::path> files;
  for (const char* dir : {"/tests/scenarios", "/tests/examples"}) {
    fs::path root = fs::path(CLOUDTWIN_SOURCE_DIR + std::string(dir));
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::directory_iterator(root)) {
      if (e.path().extension() == ".yaml") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto& s = load_scenario(f.string());
    for (std::size_t i = 0; i < s.questions.size(); ++i) out.push_back({f.string(), static_cast<int>(i), s.questions[i]});
  }
  return out;
}

std::string test_name(const ::testing::TestParamInfo<Question>& info) {
  std::string stem = fs::path(info.param.file).stem().string() + "_" + std::to_string(info.param.index);
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return stem;
}

std::vector<std::string> ids(const std::vector<Hop>& hops) {
  std::vector<std::string> out;
  for (const auto& h : hops) out.push_back(h.component_id);
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Every expected id appears in order (other hops may sit between them).
bool is_subsequence(const std::vector<std::string>& want, const std::vector<std::string>& got) {
  std::size_t j = 0;
  for (const auto& g : got) {
    if (j < want.size() && g.find(want[j]) != std::string::npos) ++j;
  }
  return j == want.size();
}

class ScenarioTest : public ::testing::TestWithParam<Question> {};

TEST_P(ScenarioTest, AnswersAsExpected) {
  const auto& q = GetParam();
  auto& s = load_scenario(q.file);
  std::string diag;
  for (const auto& d : s.diagnostics.items()) diag += d.str() + "\n";
  ASSERT_TRUE(s.ok) << q.file << " does not load:\n" << diag;
  const auto& n = q.node;
  std::string name = n["name"] ? n["name"].as<std::string>() : "";
  SCOPED_TRACE(q.file + " question " + std::to_string(q.index) + ": " + name +
               (n["rule"] ? " [" + n["rule"].as<std::string>() + "]" : ""));
  auto from = parse_endpoint(s.network, n["from"].as<std::string>());
  ASSERT_TRUE(from.endpoint) << from.error;
  auto to = parse_endpoint(s.network, n["to"].as<std::string>());
  ASSERT_TRUE(to.endpoint) << to.error;
  Query query;
  query.source = *from.endpoint;
  query.destination = *to.endpoint;
  auto protocol = Protocol::parse(n["protocol"] ? n["protocol"].as<std::string>() : "tcp");
  ASSERT_TRUE(protocol);
  query.protocol = *protocol;
  if (n["port"]) query.destination_port = static_cast<std::uint16_t>(n["port"].as<int>());
  else if (protocol->is_icmp()) query.destination_port = protocol->number() == 1 ? 8 : 128;
  if (n["source_port"]) query.source_port = static_cast<std::uint16_t>(n["source_port"].as<int>());
  if (!n["port"] && to.endpoint->port) query.destination_port = *to.endpoint->port;
  if (n["through"]) {
    auto through = parse_endpoint(s.network, n["through"].as<std::string>());
    ASSERT_TRUE(through.endpoint) << through.error;
    query.through = *through.endpoint;
    if (!n["port"] && through.endpoint->port) query.destination_port = *through.endpoint->port;
  }
  auto t = trace(s.network, query);

  std::vector<std::string> codes;
  for (const auto& e : t.explanations) codes.push_back(e.code);
  std::string explain;
  for (const auto& e : t.explanations) explain += e.code + ": " + e.message + "\n";
  std::string path = "forward: " + join(ids(t.forward)) + "\nreturn: " + join(ids(t.reverse)) + "\n" + explain;

  std::vector<std::string> unknowns;
  for (const auto& e : t.unknowns) {
    unknowns.push_back(e.code);
    path += "unknown: " + e.code + ": " + e.message + "\n";
  }
  ASSERT_TRUE(n["reachable"] || n["verdict"]) << "question needs `reachable` or `verdict`";
  if (n["verdict"]) {
    EXPECT_EQ(verdict_name(t.verdict), n["verdict"].as<std::string>()) << path;
  } else {
    EXPECT_EQ(t.reachable, n["reachable"].as<bool>()) << path;
    // A question that says reachable or not is about a certain answer.
    EXPECT_NE(t.verdict, Verdict::kInconclusive) << path;
  }
  EXPECT_EQ(t.reachable, t.verdict == Verdict::kReachable);
  std::vector<std::string> want_codes;
  if (n["codes"]) want_codes = n["codes"].as<std::vector<std::string>>();
  if (t.verdict != Verdict::kInconclusive || n["codes"]) {
    EXPECT_EQ(codes, want_codes) << path;
  }
  if (t.verdict == Verdict::kInconclusive) {
    std::vector<std::string> want_unknowns;
    if (n["unknowns"]) want_unknowns = n["unknowns"].as<std::vector<std::string>>();
    EXPECT_EQ(unknowns, want_unknowns) << path;
  }
  if (n["hops"]) {
    auto want = n["hops"].as<std::vector<std::string>>();
    EXPECT_TRUE(is_subsequence(want, ids(t.forward))) << "want forward hops " << join(want) << "\n" << path;
  }
  if (n["notes"]) {
    std::vector<std::string> notes;
    for (const auto& e : t.notes) notes.push_back(e.code);
    for (const auto& want : n["notes"].as<std::vector<std::string>>()) {
      EXPECT_NE(std::find(notes.begin(), notes.end(), want), notes.end())
          << "want note " << want << ", notes: " << join(notes) << "\n" << path;
    }
  }
  if (n["return_hops"]) {
    auto want = n["return_hops"].as<std::vector<std::string>>();
    EXPECT_TRUE(is_subsequence(want, ids(t.reverse))) << "want return hops " << join(want) << "\n" << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(all_questions()), test_name);

}  // namespace
}  // namespace cloudtwin::vpc
