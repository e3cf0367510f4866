// The reader of AWS's ip-ranges.json (https://docs.aws.amazon.com/vpc/latest/userguide/
// aws-ip-ranges.html): AWS's published file read whole, and bad input, every problem located.
#include "cloudtwin/load/aws_ip_ranges.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "read_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;

const std::string kShared = std::string(CLOUDTWIN_SHARED_DIR) + "/data/aws/ip-ranges.json";

// The distinct IPv4 prefixes of (region, service) in AWS's file, counted with simdjson's DOM
// API, apart from the reader under test.
std::set<std::string> independent_prefixes(const std::string& region, const std::string& service) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.load(kShared);
  std::set<std::string> out;
  for (simdjson::dom::object p : doc["prefixes"].get_array()) {
    if (region != "*" && std::string_view(p["region"]) != region) continue;
    if (std::string_view(p["service"]) != service) continue;
    out.emplace(std::string_view(p["ip_prefix"]));
  }
  return out;
}

std::set<std::string> strings(const std::vector<Prefix>& prefixes) {
  std::set<std::string> out;
  for (const auto& p : prefixes) out.insert(p.str());
  return out;
}

TEST(AwsIpRanges, ReadsAwsPublishedFile) {
  Diagnostics d;
  auto r = read_aws_ip_ranges_file(kShared, 1, d);
  ASSERT_TRUE(r) << dump(d);
  EXPECT_TRUE(d.items().empty()) << dump(d);
  // ../shared/data/aws/SOURCES.md: createDate 2026-08-22-15-17-05, 10,668 IPv4 and 6,160 IPv6.
  EXPECT_EQ(r->create_date, "2026-08-22-15-17-05");
  EXPECT_EQ(r->sync_token, "1787411825");
  EXPECT_EQ(r->ipv4_count, 10668u);
  EXPECT_EQ(r->ipv6_count, 6160u);
  auto s3 = r->prefixes("us-east-1", "S3", Family::kV4);
  const std::vector<Prefix> list(s3.begin(), s3.end());
  EXPECT_EQ(strings(list), independent_prefixes("us-east-1", "S3"));
  EXPECT_EQ(list.size(), independent_prefixes("us-east-1", "S3").size());
  EXPECT_FALSE(r->prefixes("us-east-1", "S3", Family::kV6).empty());
  EXPECT_TRUE(r->prefixes("us-east-1", "NO_SUCH_SERVICE", Family::kV4).empty());
  EXPECT_TRUE(r->has_region("GLOBAL"));
  EXPECT_FALSE(r->has_region("xx-moon-1"));
}

// AWS lists a prefix once per network border group (a Local Zone's group, the Region's): the
// Region's list holds it once. Fields AWS may add later are ignored.
TEST(AwsIpRanges, APrefixListedTwiceIsKeptOnce) {
  Diagnostics d;
  auto r = read_aws_ip_ranges(R"({"syncToken": "1", "createDate": "2030-01-01-00-00-00",
  "prefixes": [
    {"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "S3", "network_border_group": "us-east-1"},
    {"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "S3", "network_border_group": "us-east-1-bos-1"},
    {"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1"}
  ],
  "ipv6_prefixes": [],
  "futureField": {"nested": [1, 2]}})",
                              "ip-ranges.json", 1, d);
  ASSERT_TRUE(r) << dump(d);
  EXPECT_EQ(r->ipv4_count, 3u);
  EXPECT_EQ(r->prefixes("us-east-1", "S3", Family::kV4).size(), 1u);
  EXPECT_EQ(r->prefixes("us-east-1", "AMAZON", Family::kV4).size(), 1u);
  EXPECT_EQ(r->prefixes_anywhere("S3", Family::kV4).size(), 1u);
  EXPECT_EQ(r->create_date, "2030-01-01-00-00-00");
}

struct BadFile {
  std::string name;
  std::string text;
  std::uint32_t line, column;
  std::string message;   // part of the message
  std::string resource;  // the item named, if any
};
void PrintTo(const BadFile& b, std::ostream* os) { *os << b.name; }

class AwsIpRangesBadFile : public ::testing::TestWithParam<BadFile> {};

// Every problem is a located error and the reader gives nothing; none crashes it.
TEST_P(AwsIpRangesBadFile, IsALocatedError) {
  const auto& b = GetParam();
  Diagnostics d;
  EXPECT_FALSE(read_aws_ip_ranges(b.text, "ip-ranges.json", 1, d));
  ASSERT_TRUE(d.has_errors());
  const auto& e = d.items().front();
  EXPECT_EQ(e.file, "ip-ranges.json");
  EXPECT_EQ(e.line, b.line) << e.str();
  EXPECT_EQ(e.column, b.column) << e.str();
  EXPECT_NE(e.message.find(b.message), std::string::npos) << e.str();
  EXPECT_EQ(e.resource, b.resource) << e.str();
}

const std::string kItem = R"({"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "S3"})";

INSTANTIATE_TEST_SUITE_P(
    Rows, AwsIpRangesBadFile,
    ::testing::Values(
        BadFile{"empty", "", 1, 1, "the file is empty", ""},
        // An error page saved instead of the file.
        BadFile{"not_json", "<html><body>Access Denied</body></html>\n", 1, 1, "JSON", ""},
        BadFile{"truncated", "{\"prefixes\": [\n  {\"ip_prefix\": \"3.5.0.0/19\", \"reg", 2, 35,
                "truncated", ""},
        BadFile{"not_an_object", "[]", 1, 1, "is a JSON object", ""},
        BadFile{"no_prefixes", "{\"syncToken\": \"1\"}", 1, 1, "no `prefixes` array", ""},
        BadFile{"prefixes_not_an_array", "{\n  \"prefixes\": {}\n}", 2, 15,
                "`prefixes` must be an array, not an object", ""},
        BadFile{"item_not_an_object", "{\"prefixes\": [\n  1]}", 2, 3,
                "an item of `prefixes` must be an object, not a number", "prefixes[0]"},
        BadFile{"service_missing",
                "{\"prefixes\": [" + kItem +
                    ",\n  {\"ip_prefix\": \"3.5.0.0/19\", "
                    "\"region\": \"us-east-1\"}]}",
                2, 3, "`service` is missing", "prefixes[1]"},
        BadFile{"bad_prefix",
                "{\"prefixes\": [\n  {\"ip_prefix\": \"3.5.0.0/33\", \"region\": \"us-east-1\", "
                "\"service\": \"S3\"}]}",
                2, 17, "`3.5.0.0/33` is not a CIDR block", "prefixes[0]"},
        BadFile{
            "ipv6_in_ip_prefix",
            "{\"prefixes\": [\n  {\"ip_prefix\": \"2600:1f18::/36\", \"region\": \"us-east-1\", "
            "\"service\": \"S3\"}]}",
            2, 17, "is not an IPv4 CIDR block", "prefixes[0]"},
        BadFile{"ipv4_in_ipv6_prefix",
                "{\"prefixes\": [],\n \"ipv6_prefixes\": [{\"ipv6_prefix\": \"3.5.0.0/19\", "
                "\"region\": \"us-east-1\", \"service\": \"S3\"}]}",
                2, 36, "is not an IPv6 CIDR block", "ipv6_prefixes[0]"},
        BadFile{"region_not_a_string",
                "{\"prefixes\": [{\"ip_prefix\": \"3.5.0.0/19\",\n  \"region\": 1, "
                "\"service\": \"S3\"}]}",
                2, 13, "`region` must be a string, not a number", "prefixes[0]"},
        BadFile{"sync_token_not_a_string", "{\"syncToken\": 17,\n \"prefixes\": []}", 1, 15,
                "`syncToken` must be a string", ""},
        BadFile{"duplicate_top_level_key", "{\"prefixes\": [],\n \"prefixes\": []}", 2, 14,
                "duplicate key `prefixes`", ""},
        BadFile{"duplicate_item_key",
                "{\"prefixes\": [{\"ip_prefix\": \"3.5.0.0/19\", \"region\": \"us-east-1\",\n "
                "\"region\": \"us-east-2\", \"service\": \"S3\"}]}",
                2, 12, "duplicate key `region`", "prefixes[0]"},
        BadFile{"two_documents", "{\"prefixes\": []}\n{\"prefixes\": []}", 2, 1,
                "more than one JSON document", ""},
        BadFile{"nul_byte", std::string("{\"prefixes\": []}\0", 17), 1, 17, "a NUL byte", ""}),
    [](const ::testing::TestParamInfo<BadFile>& info) { return info.param.name; });

TEST(AwsIpRanges, MissingFileIsAnErrorNamingIt) {
  Diagnostics d;
  EXPECT_FALSE(read_aws_ip_ranges_file("/nonexistent/ip-ranges.json", 1, d));
  ASSERT_EQ(d.items().size(), 1u) << dump(d);
  EXPECT_EQ(d.items()[0].file, "/nonexistent/ip-ranges.json");
  EXPECT_NE(d.items()[0].message.find("cannot read"), std::string::npos) << dump(d);
  EXPECT_NE(d.items()[0].hint.find("https://ip-ranges.amazonaws.com/ip-ranges.json"),
            std::string::npos);
}

}  // namespace
}  // namespace cloudtwin::load
