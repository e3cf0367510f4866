// Routing policies on the answer path (tests/dns/zones/policies.yaml): record sets of one
// Name+Type under a policy are compiled into a group whose members answer as choose() decides per
// query, with health from the health-check states given (route53.md §2). Each test names the rule
// it checks.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cloudtwin/dns/answer.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/model/record_data.h"

namespace cloudtwin::dns {
namespace {


std::shared_ptr<const ZoneStore> store() {
  static std::shared_ptr<const ZoneStore> s = [] {
    model::Network n;
    Diagnostics d;
    EXPECT_TRUE(load::read_native_yaml_file(CLOUDTWIN_SOURCE_DIR "/tests/dns/zones/policies.yaml", n, d));
    EXPECT_TRUE(model::finalize(n, d));
    for (const auto& item : d.items()) {
      if (item.severity == Severity::kError) ADD_FAILURE() << item.str();
    }
    return compile_zones(n, d);
  }();
  return s;
}

std::vector<std::uint8_t> make_query(const std::string& name, std::uint16_t type) {
  std::vector<std::uint8_t> q(12);
  put16(q.data(), 0x4321);
  put16(q.data() + 4, 1);
  auto wire = model::dname_from_text(name, "");
  q.insert(q.end(), wire->begin(), wire->end());
  q.resize(q.size() + 4);
  put16(q.data() + q.size() - 4, type);
  put16(q.data() + q.size() - 2, kClassIn);
  return q;
}

struct Answer {
  std::uint16_t rcode = 0;
  std::vector<std::string> a;      // A addresses in the answer section, in order
  std::vector<std::string> cname;  // CNAME targets
  std::size_t answers = 0, authority = 0;
  AnswerInfo info;
};

Answer ask(const std::string& name, std::uint16_t type, const PolicyContext& p) {
  auto packet = make_query(name, type);
  Query q;
  QueryStatus st = parse_query(packet.data(), packet.size(), q);
  static std::vector<std::uint8_t> out(65535);
  Answer r;
  std::size_t n = answer_query(*store(), q, st, Transport::kUdp, out.data(), out.size(), r.info, p);
  EXPECT_GT(n, 12u);
  r.rcode = get16(out.data() + 2) & 0xF;
  r.answers = get16(out.data() + 6);
  r.authority = get16(out.data() + 8);
  std::size_t pos = 12;
  std::uint8_t buf[255];
  std::size_t size = 0;
  pos = read_name(out.data(), n, pos, buf, &size) + 4;
  for (std::size_t i = 0; i < r.answers; ++i) {
    pos = read_name(out.data(), n, pos, buf, &size);
    const std::uint16_t rtype = get16(out.data() + pos);
    const std::uint16_t rdlen = get16(out.data() + pos + 8);
    const std::uint8_t* rd = out.data() + pos + 10;
    if (rtype == kTypeA && rdlen == 4) {
      r.a.push_back(std::to_string(rd[0]) + "." + std::to_string(rd[1]) + "." + std::to_string(rd[2]) + "." +
                    std::to_string(rd[3]));
    } else if (rtype == kTypeCname) {
      std::uint8_t target[255];
      std::size_t target_size = 0;
      (void)read_name(out.data(), n, pos + 10, target, &target_size);
      (void)target_size;
      r.cname.push_back(model::dname_to_text(target));
    }
    pos += 10 + rdlen;
  }
  return r;
}

// Health states by check index (0 primary-check, 1 blue-check).
PolicyContext with(std::initializer_list<std::uint8_t> health, Random* random = nullptr,
                   const ClientAddress* address = nullptr) {
  static std::vector<std::uint8_t> h;
  h.assign(health.begin(), health.end());
  PolicyContext p;
  p.health = h;
  p.random = random;
  p.address = address;
  return p;
}

// §2.6: primary healthy → primary; unhealthy → the secondary (no check: healthy).
TEST(PolicyAnswer, FailoverFollowsThePrimarysHealth) {
  EXPECT_EQ(ask("www.example.com.", kTypeA, with({1, 1})).a, std::vector<std::string>{"192.0.2.1"});
  Answer r = ask("www.example.com.", kTypeA, with({0, 1}));
  EXPECT_EQ(r.a, std::vector<std::string>{"192.0.2.2"});
  EXPECT_EQ(r.info.choice.reason, Reason::kSecondary);
  EXPECT_NE(r.info.group, kNoTemplate);
  // The same name's other types are not under the policy.
  EXPECT_EQ(ask("www.example.com.", kTypeTxt, with({0, 1})).info.group, kNoTemplate);
}

// §2.2: weight / sum: blue 1, green 3 → 25 % / 75 % over 20,000 answers (sd ≈ 61).
TEST(PolicyAnswer, WeightedDrawsByWeight) {
  Random random(17);
  std::map<std::string, int> seen;
  for (int i = 0; i < 20000; ++i) {
    Answer r = ask("w.example.com.", kTypeA, with({1, 1}, &random));
    ASSERT_EQ(r.a.size(), 1u);
    ++seen[r.a[0]];
  }
  EXPECT_NEAR(seen["192.0.2.10"], 5000, 350);
  EXPECT_NEAR(seen["192.0.2.11"], 15000, 350);
  // blue's check unhealthy: only green answers.
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(ask("w.example.com.", kTypeA, with({1, 0}, &random)).a, std::vector<std::string>{"192.0.2.11"});
  }
}

// §2.7: ten healthy sets → exactly eight distinct addresses per answer.
TEST(PolicyAnswer, MultivalueAnswersEightDistinct) {
  Random random(5);
  std::set<std::string> ever;
  for (int i = 0; i < 500; ++i) {
    Answer r = ask("mv.example.com.", kTypeA, with({}, &random));
    ASSERT_EQ(r.answers, 8u);
    std::set<std::string> distinct(r.a.begin(), r.a.end());
    ASSERT_EQ(distinct.size(), 8u);
    ever.insert(distinct.begin(), distinct.end());
  }
  EXPECT_EQ(ever.size(), 10u);  // every set answers sometimes
}

ClientAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t prefix = 32) {
  ClientAddress x;
  x.bytes = {a, b, c, d};
  x.prefix = prefix;
  return x;
}

// §2.8: the longest matching block's location; no block → the default location `*`.
TEST(PolicyAnswer, IpBasedByTheClientsAddress) {
  ClientAddress berlin = v4(198, 51, 100, 7), europe = v4(198, 51, 7, 1), elsewhere = v4(203, 0, 113, 9);
  EXPECT_EQ(ask("app.example.com.", kTypeA, with({}, nullptr, &berlin)).a, std::vector<std::string>{"192.0.2.50"});
  EXPECT_EQ(ask("app.example.com.", kTypeA, with({}, nullptr, &europe)).a, std::vector<std::string>{"192.0.2.51"});
  EXPECT_EQ(ask("app.example.com.", kTypeA, with({}, nullptr, &elsewhere)).a, std::vector<std::string>{"192.0.2.52"});
  Answer r = ask("app.example.com.", kTypeA, with({}, nullptr, &berlin));
  EXPECT_EQ(r.info.choice.scope, 24);
}

// A weighted CNAME group decides every question type: each member's chain (weight 0 never
// answers while the weighted member is healthy, §2.2). A chain into another policy group stops
// at the CNAME: that group's answer is chosen when the resolver asks for the target.
TEST(PolicyAnswer, WeightedCnameChoosesTheChain) {
  Random random(3);
  for (int i = 0; i < 100; ++i) {
    Answer r = ask("blue.example.com.", kTypeA, with({1, 1}, &random));
    ASSERT_EQ(r.cname, std::vector<std::string>{"w.example.com."});
    ASSERT_EQ(r.a.size(), 0u);
  }
  Answer cname = ask("blue.example.com.", kTypeCname, with({1, 1}, &random));
  EXPECT_EQ(cname.cname, std::vector<std::string>{"w.example.com."});
  EXPECT_EQ(cname.a.size(), 0u);
}

// §2.4: no set for the client's location and no default → NODATA (NOERROR, the SOA in authority).
TEST(PolicyAnswer, GeolocationWithoutAMatchIsNodata) {
  ClientLocation france{"EU", "FR", "", std::nullopt, 16};
  PolicyContext p;
  p.location = &france;
  Answer r = ask("geo.example.com.", kTypeA, p);
  EXPECT_EQ(r.rcode, 0);
  EXPECT_EQ(r.answers, 0u);
  EXPECT_EQ(r.authority, 1u);
  EXPECT_EQ(r.info.choice.reason, Reason::kNoMatch);
  ClientLocation germany{"EU", "DE", "", std::nullopt, 16};
  p.location = &germany;
  EXPECT_EQ(ask("geo.example.com.", kTypeA, p).a, std::vector<std::string>{"192.0.2.60"});
}

// A query with an OPT carrying one ECS option (RFC 7871 §6): FAMILY, SOURCE, SCOPE, ADDRESS.
std::vector<std::uint8_t> ecs_query(const std::string& name, std::uint16_t family, std::uint8_t source,
                                    std::vector<std::uint8_t> address, std::uint8_t scope = 0) {
  auto q = make_query(name, kTypeA);
  put16(q.data() + 10, 1);
  const std::size_t option = 4 + 4 + address.size();
  std::vector<std::uint8_t> opt = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
  put16(opt.data() + 9, static_cast<std::uint16_t>(option));
  opt.resize(opt.size() + option);
  std::uint8_t* o = opt.data() + 11;
  put16(o, kOptionEcs);
  put16(o + 2, static_cast<std::uint16_t>(option - 4));
  put16(o + 4, family);
  o[6] = source;
  o[7] = scope;
  std::copy(address.begin(), address.end(), o + 8);
  q.insert(q.end(), opt.begin(), opt.end());
  return q;
}

// The response's ECS option: FAMILY, SOURCE, SCOPE, ADDRESS; empty when there is none.
std::vector<std::uint8_t> response_ecs(const std::vector<std::uint8_t>& packet, std::uint8_t* rcode = nullptr,
                                       std::vector<std::string>* addresses = nullptr) {
  Query q;
  QueryStatus st = parse_query(packet.data(), packet.size(), q);
  std::vector<std::uint8_t> out(65535);
  AnswerInfo info;
  const std::size_t n = answer_query(*store(), q, st, Transport::kUdp, out.data(), out.size(), info);
  if (rcode) *rcode = static_cast<std::uint8_t>(get16(out.data() + 2) & 0xF);
  std::size_t pos = 12;
  std::uint8_t buf[255];
  std::size_t size = 0;
  for (int i = 0; i < get16(out.data() + 4); ++i) pos = read_name(out.data(), n, pos, buf, &size) + 4;
  const int records = get16(out.data() + 6) + get16(out.data() + 8) + get16(out.data() + 10);
  for (int i = 0; i < records; ++i) {
    pos = read_name(out.data(), n, pos, buf, &size);
    const std::uint16_t type = get16(out.data() + pos);
    const std::uint16_t length = get16(out.data() + pos + 8);
    const std::uint8_t* rd = out.data() + pos + 10;
    if (type == kTypeA && addresses)
      addresses->push_back(std::to_string(rd[0]) + "." + std::to_string(rd[1]) + "." + std::to_string(rd[2]) + "." +
                           std::to_string(rd[3]));
    if (type == kTypeOpt) {
      for (std::size_t o = 0; o + 4 <= length; o += 4 + get16(rd + o + 2)) {
        if (get16(rd + o) == kOptionEcs) return {rd + o + 4, rd + o + 4 + get16(rd + o + 2)};
      }
    }
    pos += 10 + length;
  }
  return {};
}

// RFC 7871 §7.2.1: the ECS option is echoed (FAMILY, SOURCE, ADDRESS) with the SCOPE the answer
// depends on; route53.md §8: an IP-based answer's scope is the matched block's length.
TEST(PolicyAnswer, EcsPicksTheLocationAndIsEchoedWithItsScope) {
  std::vector<std::string> a;
  std::uint8_t rcode = 9;
  auto ecs = response_ecs(ecs_query("app.example.com.", 1, 24, {198, 51, 100}), &rcode, &a);
  EXPECT_EQ(rcode, 0);
  EXPECT_EQ(a, std::vector<std::string>{"192.0.2.50"});
  EXPECT_EQ(ecs, (std::vector<std::uint8_t>{0, 1, 24, 24, 198, 51, 100}));
  a.clear();
  ecs = response_ecs(ecs_query("app.example.com.", 1, 16, {198, 51}), &rcode, &a);
  EXPECT_EQ(a, std::vector<std::string>{"192.0.2.51"});
  // The /16 query holds the /24 block: SCOPE 24 says "ask with a longer prefix" (§8 rule 3).
  EXPECT_EQ(ecs, (std::vector<std::uint8_t>{0, 1, 16, 24, 198, 51}));
  // An answer that does not depend on the client: SCOPE 0 (§8 rule 1).
  ecs = response_ecs(ecs_query("www.example.com.", 1, 24, {198, 51, 100}), &rcode);
  EXPECT_EQ(ecs, (std::vector<std::uint8_t>{0, 1, 24, 0, 198, 51, 100}));
  // SOURCE 0: no client information; still echoed (RFC 7871 §7.1.2).
  ecs = response_ecs(ecs_query("app.example.com.", 1, 0, {}), &rcode);
  EXPECT_EQ(ecs, (std::vector<std::uint8_t>{0, 1, 0, 0}));
}

// RFC 7871 §7.1.1: a malformed ECS option is FORMERR.
TEST(PolicyAnswer, MalformedEcsIsFormErr) {
  std::uint8_t rcode = 0;
  (void)response_ecs(ecs_query("app.example.com.", 3, 24, {198, 51, 100}), &rcode);
  EXPECT_EQ(rcode, 1) << "unknown FAMILY";
  (void)response_ecs(ecs_query("app.example.com.", 1, 33, {198, 51, 100, 1, 0}), &rcode);
  EXPECT_EQ(rcode, 1) << "SOURCE above 32";
  (void)response_ecs(ecs_query("app.example.com.", 1, 24, {198, 51, 100, 7}), &rcode);
  EXPECT_EQ(rcode, 1) << "more ADDRESS octets than SOURCE needs";
  (void)response_ecs(ecs_query("app.example.com.", 1, 20, {198, 51, 0x1f}), &rcode);
  EXPECT_EQ(rcode, 1) << "bits set beyond SOURCE";
  (void)response_ecs(ecs_query("app.example.com.", 2, 48, {0x20, 0x01, 0x0d, 0xb8, 0, 0}), &rcode);
  EXPECT_EQ(rcode, 0) << "a well-formed IPv6 prefix";
}

}  // namespace
}  // namespace cloudtwin::dns
