// The YAML document tree under every YAML reader: what each node holds (kind, text, style, tag,
// 1-based mark), how anchors, aliases and several documents come out, and which located syntax
// error bad input gives. The readers' own rules (merge keys, typed fields) are tested through
// read_native_yaml() in native_yaml_test.cc.
#include "yaml_document.h"

#include <gtest/gtest.h>

#include <string>

namespace cloudtwin::load::yaml {
namespace {

// The value of `key` in `map`; null when absent.
const Node* get(const Node* map, std::string_view key) {
  for (const Pair& p : map->pairs()) {
    if (p.key->scalar() == key) return p.value;
  }
  return nullptr;
}

// The one root of `text`, which must parse.
const Node* root(const Document& d) {
  EXPECT_FALSE(d.error()) << d.error()->message;
  EXPECT_EQ(d.roots().size(), 1u);
  return d.roots().empty() ? nullptr : d.roots()[0];
}

struct ScalarCase {
  const char* name;
  const char* yaml;  // the value of `v:`
  NodeKind kind;
  const char* text;
  ScalarStyle style;
  const char* tag;
};

void PrintTo(const ScalarCase& c, std::ostream* os) { *os << c.name; }

const ScalarCase kScalars[] = {
    {"Plain", "10.0.0.0/16", NodeKind::kScalar, "10.0.0.0/16", ScalarStyle::kPlain, ""},
    {"SingleQuoted", "'it''s'", NodeKind::kScalar, "it's", ScalarStyle::kSingleQuoted, ""},
    {"DoubleQuotedEscapes", "\"a\\tb\"", NodeKind::kScalar, "a\tb", ScalarStyle::kDoubleQuoted, ""},
    {"Literal", "|\n  a\n  b\n", NodeKind::kScalar, "a\nb\n", ScalarStyle::kLiteral, ""},
    {"Folded", ">\n  a\n  b\n", NodeKind::kScalar, "a b\n", ScalarStyle::kFolded, ""},
    // YAML 1.2 core schema nulls, resolved as yaml-cpp did: plain and untagged only.
    {"EmptyIsNull", "", NodeKind::kNull, "", ScalarStyle::kPlain, ""},
    {"TildeIsNull", "~", NodeKind::kNull, "~", ScalarStyle::kPlain, ""},
    {"NullIsNull", "null", NodeKind::kNull, "null", ScalarStyle::kPlain, ""},
    {"CapitalNullIsNull", "NULL", NodeKind::kNull, "NULL", ScalarStyle::kPlain, ""},
    {"QuotedNullIsText", "'null'", NodeKind::kScalar, "null", ScalarStyle::kSingleQuoted, ""},
    {"MixedCaseNullIsText", "nULL", NodeKind::kScalar, "nULL", ScalarStyle::kPlain, ""},
    {"BooleansStayText", "yes", NodeKind::kScalar, "yes", ScalarStyle::kPlain, ""},
    // CloudFormation's short forms: the tag is kept, the value is an ordinary node.
    {"LocalTag", "!Ref MyVpc", NodeKind::kScalar, "MyVpc", ScalarStyle::kPlain, "!Ref"},
    {"TaggedEmptyIsAnEmptyScalar", "!Ref", NodeKind::kScalar, "", ScalarStyle::kPlain, "!Ref"},
    {"TaggedNullIsText", "!Ref null", NodeKind::kScalar, "null", ScalarStyle::kPlain, "!Ref"},
    {"StandardTagIsExpanded", "!!str 5", NodeKind::kScalar, "5", ScalarStyle::kPlain,
     "tag:yaml.org,2002:str"},
    {"VerbatimTag", "!<tag:example.com,2024:x> y", NodeKind::kScalar, "y", ScalarStyle::kPlain,
     "tag:example.com,2024:x"},
    {"TaggedSequence", "!GetAZs []", NodeKind::kSequence, "", ScalarStyle::kPlain, "!GetAZs"},
    {"TaggedMapping", "!Sub {a: b}", NodeKind::kMapping, "", ScalarStyle::kPlain, "!Sub"},
};

class ScalarTest : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(ScalarTest, KeepsKindTextStyleAndTag) {
  const ScalarCase& c = GetParam();
  const Document d = Document::parse(std::string("v: ") + c.yaml + "\n");
  const Node* v = get(root(d), "v");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind(), c.kind);
  EXPECT_EQ(v->scalar(), c.text);
  EXPECT_EQ(v->style(), c.style);
  EXPECT_EQ(v->tag(), c.tag);
}

INSTANTIATE_TEST_SUITE_P(YamlDocument, ScalarTest, ::testing::ValuesIn(kScalars),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(YamlDocument, ScalarsMayHoldNulBytes) {
  const Document d = Document::parse("v: \"a\\0b\"\n");
  EXPECT_EQ(get(root(d), "v")->scalar(), std::string_view("a\0b", 3));
}

TEST(YamlDocument, MarksAreOneBasedAndPointAtTheNodesStart) {
  const Document d = Document::parse(
      "vpcs:\n"
      "  - name: a\n"
      "    cidrs: [10.0.0.0/8, '10.1.0.0/16']\n"
      "  - {name: b}\n"
      "x: &anchor\n"
      "  - 1\n");
  const Node* top = root(d);
  EXPECT_EQ(top->mark().line, 1u);
  EXPECT_EQ(top->mark().column, 1u);
  const auto vpcs = get(top, "vpcs")->items();
  ASSERT_EQ(vpcs.size(), 2u);
  // A block mapping starts at its first key, a flow one at its brace.
  EXPECT_EQ(vpcs[0]->mark().line, 2u);
  EXPECT_EQ(vpcs[0]->mark().column, 5u);
  EXPECT_EQ(vpcs[1]->mark().line, 4u);
  EXPECT_EQ(vpcs[1]->mark().column, 5u);
  const Node* cidrs = get(vpcs[0], "cidrs");
  EXPECT_EQ(cidrs->mark().column, 12u);
  EXPECT_EQ(cidrs->items()[1]->mark().column, 25u);  // at the quote
  const Pair& key = vpcs[0]->pairs()[1];
  EXPECT_EQ(key.key->mark().line, 3u);
  EXPECT_EQ(key.key->mark().column, 5u);
  // A node with an anchor starts at the anchor.
  const Node* x = get(top, "x");
  EXPECT_EQ(x->mark().line, 5u);
  EXPECT_EQ(x->mark().column, 4u);
}

TEST(YamlDocument, ColumnsCountCharactersNotBytes) {
  const Document d = Document::parse("k: [\xC3\xA9, x]\n");  // é is two bytes
  EXPECT_EQ(get(root(d), "k")->items()[1]->mark().column, 8u);
}

TEST(YamlDocument, MappingsKeepEveryPairInOrderWithDuplicatesAndMergeKeys) {
  const Document d = Document::parse("b: 1\na: 2\nb: 3\n<<: {c: 4}\n? [x]\n: 5\n");
  const auto pairs = root(d)->pairs();
  ASSERT_EQ(pairs.size(), 5u);
  EXPECT_EQ(pairs[0].key->scalar(), "b");
  EXPECT_EQ(pairs[2].value->scalar(), "3");
  EXPECT_EQ(pairs[3].key->scalar(), "<<");
  EXPECT_TRUE(pairs[3].value->is_mapping());
  EXPECT_TRUE(pairs[4].key->is_sequence());
}

TEST(YamlDocument, AnAliasIsTheAnchoredNodeItself) {
  const Document d = Document::parse(
      "x-rule: &ssh {protocol: tcp, port: 22}\n"
      "a: *ssh\n"
      "b: [*ssh, *ssh]\n"
      "s: &s text\n"
      "t: *s\n");
  const Node* top = root(d);
  const Node* rule = get(top, "x-rule");
  EXPECT_EQ(get(top, "a"), rule);
  EXPECT_EQ(get(top, "b")->items()[0], rule);
  EXPECT_EQ(get(top, "b")->items()[1], rule);
  EXPECT_EQ(get(top, "t"), get(top, "s"));
}

// YAML 1.2, 3.2.2.2: an alias refers to the most recent node with that anchor.
TEST(YamlDocument, ARepeatedAnchorNamesTheLatestNode) {
  const Document d = Document::parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
  EXPECT_EQ(get(root(d), "b")->scalar(), "1");
  EXPECT_EQ(get(root(d), "d")->scalar(), "2");
}

// A billion laughs costs one pointer per alias written, not a copy per expansion.
TEST(YamlDocument, AliasFanOutSharesNodes) {
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'z'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) laughs += std::string(i ? ", *" : "*") + static_cast<char>(c - 1);
    laughs += "]\n";
  }
  const Document d = Document::parse(laughs);
  ASSERT_FALSE(d.error());
  EXPECT_LT(d.arena_bytes(), std::size_t{1} << 20);
}

// An alias inside its own anchor is legal YAML and makes a cycle; readers must not recurse
// without a bound.
TEST(YamlDocument, AnAliasInsideItsAnchorMakesACycle) {
  const Document d = Document::parse("vpcs: &a [*a]\n");
  const Node* vpcs = get(root(d), "vpcs");
  ASSERT_EQ(vpcs->items().size(), 1u);
  EXPECT_EQ(vpcs->items()[0], vpcs);
}

TEST(YamlDocument, SeveralDocumentsEachWithItsOwnAnchors) {
  const Document d = Document::parse("a: &x 1\n---\n---\nb: 2\n...\n");
  ASSERT_FALSE(d.error());
  ASSERT_EQ(d.roots().size(), 3u);
  EXPECT_TRUE(d.roots()[1]->is_null());  // an empty document
  EXPECT_EQ(get(d.roots()[2], "b")->mark().line, 4u);

  const Document other = Document::parse("a: &x 1\n---\nb: *x\n");
  ASSERT_TRUE(other.error());
  EXPECT_EQ(other.error()->at.line, 3u);
  EXPECT_EQ(other.roots().size(), 1u);  // the documents completed before the error
}

TEST(YamlDocument, NoTextIsNoDocument) {
  EXPECT_TRUE(Document::parse(std::string_view()).roots().empty());
  EXPECT_TRUE(Document::parse("").roots().empty());
  EXPECT_TRUE(Document::parse("# only a comment\n").roots().empty());
  EXPECT_FALSE(Document::parse("").error());
}

// Regression: a scalar larger than the arena's next block (128 KiB-1 MiB, while blocks still
// grow) was copied past the end of that block (heap overflow, then SIGSEGV).
TEST(YamlDocument, LargeScalarsKeepTheirTextWhateverTheArenaHolds) {
  for (const std::size_t kib : {100, 127, 128, 200, 600, 1023, 1024, 1025}) {
    const std::string big(kib * 1024, 'A');
    for (const char* quote : {"", "\"", "'"}) {
      const std::string text = "small: x\nkey: " + std::string(quote) + big + quote + "\nafter: y\n";
      const Document d = Document::parse(text);
      const Node* r = root(d);
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(get(r, "key")->scalar(), big) << kib << " KiB " << quote;
      EXPECT_EQ(get(r, "after")->scalar(), "y");
    }
  }
  // Many large scalars in a row, each after the arena has filled part of a block.
  std::string text;
  for (int i = 0; i < 12; ++i) {
    text += "k" + std::to_string(i) + ": " + std::string((std::size_t{50} << i) + 7, 'a' + i) + "\n";
  }
  const Document d = Document::parse(text);
  const Node* r = root(d);
  ASSERT_NE(r, nullptr);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(get(r, "k" + std::to_string(i))->scalar(),
              std::string((std::size_t{50} << i) + 7, 'a' + i));
  }
}

TEST(YamlDocument, NestingIsBounded) {
  const std::size_t n = kMaxDepth;
  EXPECT_FALSE(Document::parse(std::string(n, '[') + std::string(n, ']')).error());
  const Document deep = Document::parse(std::string(n + 1, '[') + std::string(n + 1, ']'));
  ASSERT_TRUE(deep.error());
  EXPECT_EQ(deep.error()->at.column, n + 1);
  EXPECT_NE(deep.error()->message.find("nest"), std::string::npos);
}

struct BadYaml {
  const char* name;
  const char* yaml;
  std::uint32_t line;
  std::uint32_t column;
  const char* message;  // a substring of the message
  const char* hint;     // a substring of the hint; "" for any
};

void PrintTo(const BadYaml& b, std::ostream* os) { *os << b.name; }

const BadYaml kBadYaml[] = {
    {"UnclosedFlowList", "vpcs: [a, b\nsubnets: []\n", 2, 8, "end of sequence flow not found",
     "opened with `[` at line 1:7"},
    {"UnclosedFlowMapping", "vpcs:\n  - {name: a\n", 3, 1, "end of map flow not found",
     "opened with `{` at line 2:5"},
    {"KeyIndentedLessThanItsSiblings", "vpcs:\n  - name: a\n subnets: []\n", 3, 2,
     "did not find expected key", "keys of the mapping at line 1:1"},
    {"ListItemIndentedMore", "vpcs:\n  - name: a\n   - name: b\n", 3, 4,
     "did not find expected '-' indicator", "`-` items of the list at line 2:3"},
    {"FirstLineIndented", "  vpcs: []\nsubnets: []\n", 2, 1,
     "did not find expected <document start>", "indented less than the first one"},
    {"KeyWithoutColon", "vpcs:\n  - name: a\nhello\n", 4, 1, "could not find expected ':'",
     "the key at line 3:1"},
    {"ColonInAPlainValue", "vpcs:\n  - name: a: b\n", 2, 12,
     "mapping values are not allowed in this context", "quote a value that contains `: `"},
    {"UnclosedQuote", "vpcs:\n  - name: 'a\n", 3, 1, "found unexpected end of stream",
     "the quote opened at line 2:11 is not closed"},
    {"TabIndentation", "vpcs:\n\t- name: a\n", 2, 1, "found character that cannot start any token",
     "not tabs"},
    {"UndefinedAlias", "vpcs: *nothing\n", 1, 7, "undefined alias `*nothing`",
     "define `&nothing` earlier"},
    {"ControlCharacter", "vpcs: []\nname: a\x01\n", 2, 8, "control characters are not allowed",
     "UTF-8"},
    {"InvalidUtf8", "vpcs: []\n# \xff\n", 2, 3, "invalid leading UTF-8 octet", "UTF-8"},
};

class BadYamlTest : public ::testing::TestWithParam<BadYaml> {};

TEST_P(BadYamlTest, IsOneLocatedSyntaxError) {
  const BadYaml& b = GetParam();
  const Document d = Document::parse(b.yaml);
  ASSERT_TRUE(d.error());
  const SyntaxError& e = *d.error();
  EXPECT_NE(e.message.find(b.message), std::string::npos) << e.message;
  EXPECT_NE(e.hint.find(b.hint), std::string::npos) << e.hint;
  EXPECT_EQ(e.at.line, b.line) << e.message;
  EXPECT_EQ(e.at.column, b.column) << e.message;
}

INSTANTIATE_TEST_SUITE_P(YamlDocument, BadYamlTest, ::testing::ValuesIn(kBadYaml),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load::yaml
