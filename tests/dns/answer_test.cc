// The answer path on tests/dns/zones/example.com.zone: one row per authoritative rule, each
// citing the RFC text it checks (the differential test compares the same zone with NSD and Knot).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cloudtwin/dns/answer.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/zone_file.h"
#include "cloudtwin/model/record_data.h"

namespace cloudtwin::dns {
namespace {

std::shared_ptr<const ZoneStore> example_zone() {
  static std::shared_ptr<const ZoneStore> store = [] {
    model::Network n;
    Diagnostics d;
    EXPECT_TRUE(load::read_zone_file(CLOUDTWIN_SOURCE_DIR "/tests/dns/zones/example.com.zone", n, d));
    EXPECT_TRUE(model::finalize(n, d));
    for (const auto& item : d.items()) {
      if (item.severity == Severity::kError) ADD_FAILURE() << item.str();
    }
    return compile_zones(n, d);
  }();
  return store;
}

struct Rr {
  std::string owner;  // presentation, as on the wire (case kept)
  std::uint16_t type;
  std::uint32_t ttl;
};

struct Response {
  std::uint16_t flags = 0;
  std::uint16_t rcode = 0;  // with the OPT's extended bits
  std::vector<Rr> answer, authority, additional;
  bool edns = false;
  std::size_t size = 0;
};

std::vector<std::uint8_t> make_query(const std::string& name, std::uint16_t type, bool edns = true,
                                     std::uint16_t bufsize = 1232, std::uint16_t flags = 0, std::uint8_t version = 0) {
  std::vector<std::uint8_t> q(12);
  put16(q.data(), 0x1234);
  put16(q.data() + 2, flags);
  put16(q.data() + 4, 1);
  put16(q.data() + 10, edns ? 1 : 0);
  auto wire = model::dname_from_text(name, "");
  q.insert(q.end(), wire->begin(), wire->end());
  q.resize(q.size() + 4);
  put16(q.data() + q.size() - 4, type);
  put16(q.data() + q.size() - 2, kClassIn);
  if (edns) {
    std::uint8_t opt[11] = {0, 0, 41, 0, 0, 0, version, 0x80, 0, 0, 0};
    put16(opt + 3, bufsize);
    q.insert(q.end(), opt, opt + 11);
  }
  return q;
}

Response ask(const std::vector<std::uint8_t>& packet, Transport t = Transport::kUdp) {
  Query q;
  QueryStatus st = parse_query(packet.data(), packet.size(), q);
  std::vector<std::uint8_t> out(65535);
  AnswerInfo info;
  std::size_t n = answer_query(*example_zone(), q, st, t, out.data(), out.size(), info);
  Response r;
  r.size = n;
  if (n == 0) return r;
  r.flags = get16(out.data() + 2);
  r.rcode = r.flags & 0xF;
  std::size_t pos = 12;
  std::uint8_t name[255];
  std::size_t name_size = 0;
  for (int i = 0; i < get16(out.data() + 4); ++i) {
    pos = read_name(out.data(), n, pos, name, &name_size) + 4;
  }
  const std::uint16_t counts[3] = {get16(out.data() + 6), get16(out.data() + 8), get16(out.data() + 10)};
  std::vector<Rr>* sections[3] = {&r.answer, &r.authority, &r.additional};
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < counts[s]; ++i) {
      pos = read_name(out.data(), n, pos, name, &name_size);
      EXPECT_NE(pos, 0u) << "a malformed name in the response";
      if (pos == 0) return r;
      Rr rr{model::dname_to_text(name), get16(out.data() + pos), get32(out.data() + pos + 4)};
      if (rr.type == kTypeOpt) {
        r.edns = true;
        r.rcode |= static_cast<std::uint16_t>(out[pos + 4] << 4);
      } else {
        sections[s]->push_back(rr);
      }
      pos += 10 + get16(out.data() + pos + 8);
    }
  }
  EXPECT_EQ(pos, n) << "trailing bytes after the last record";
  return r;
}

std::vector<std::string> owners_types(const std::vector<Rr>& rrs) {
  std::vector<std::string> out;
  for (const auto& r : rrs) out.push_back(r.owner + " " + model::rr_type_name(r.type));
  return out;
}

using Strings = std::vector<std::string>;

TEST(Answer, PositiveAnswerIsAuthoritative) {
  // RFC 1034 §4.3.2 step 3a; RFC 1035 §4.1.1 AA; no recursion: RA clear (RFC 8906 §3.1.1).
  auto r = ask(make_query("web.example.com.", kTypeA, true, 1232, kFlagRd));
  EXPECT_EQ(r.rcode, 0);
  EXPECT_TRUE(r.flags & kFlagAa);
  EXPECT_TRUE(r.flags & kFlagRd) << "RD is copied";
  EXPECT_FALSE(r.flags & kFlagRa);
  EXPECT_EQ(owners_types(r.answer), (Strings{"web.example.com. A", "web.example.com. A"}));
  EXPECT_EQ(r.answer[0].ttl, 60u);
  EXPECT_TRUE(r.edns);
}

TEST(Answer, OwnerKeepsTheQueryCase) {
  // RFC 4343 §4: matching is case-insensitive, and the answer keeps the question's case.
  auto r = ask(make_query("WeB.ExAmple.COM.", kTypeA));
  ASSERT_EQ(r.answer.size(), 2u);
  EXPECT_EQ(r.answer[0].owner, "WeB.ExAmple.COM.");
}

TEST(Answer, NxdomainHasTheSoaWithTheNegativeTtl) {
  // RFC 2308 §3: SOA in authority, TTL min(SOA TTL 900, MINIMUM 86400).
  auto r = ask(make_query("nothing-here.example.com.", kTypeA));
  EXPECT_EQ(r.rcode, static_cast<std::uint16_t>(Rcode::kNxDomain));
  EXPECT_TRUE(r.flags & kFlagAa);
  EXPECT_TRUE(r.answer.empty());
  ASSERT_EQ(owners_types(r.authority), (Strings{"example.com. SOA"}));
  EXPECT_EQ(r.authority[0].ttl, 900u);
}

TEST(Answer, NodataAndEmptyNonTerminal) {
  // RFC 2308 §2.2 NODATA; RFC 8020 §2: an empty non-terminal exists, so NOERROR, not NXDOMAIN.
  for (const char* name : {"web.example.com.", "ent.example.com.", "c.ent.example.com."}) {
    auto r = ask(make_query(name, kTypeMx));
    EXPECT_EQ(r.rcode, 0) << name;
    EXPECT_TRUE(r.answer.empty()) << name;
    EXPECT_EQ(owners_types(r.authority), (Strings{"example.com. SOA"})) << name;
  }
}

TEST(Answer, CnameChainIsFollowedInsideTheZone) {
  // RFC 1034 §4.3.2 step 3a: restart at the canonical name; the chain chain1 -> chain2 -> www -> web.
  auto r = ask(make_query("chain1.example.com.", kTypeA));
  EXPECT_EQ(owners_types(r.answer), (Strings{"chain1.example.com. CNAME", "chain2.example.com. CNAME",
                                             "www.example.com. CNAME", "web.example.com. A", "web.example.com. A"}));
  // A CNAME query gets the CNAME only.
  EXPECT_EQ(owners_types(ask(make_query("www.example.com.", kTypeCname)).answer), (Strings{"www.example.com. CNAME"}));
  // RFC 6604 §3: the rcode is that of the last name: a dangling CNAME is NXDOMAIN.
  auto dangling = ask(make_query("dangling.example.com.", kTypeA));
  EXPECT_EQ(dangling.rcode, static_cast<std::uint16_t>(Rcode::kNxDomain));
  EXPECT_EQ(owners_types(dangling.answer), (Strings{"dangling.example.com. CNAME"}));
  // Out of the zone: the CNAME alone, no authority.
  auto outside = ask(make_query("outside.example.com.", kTypeA));
  EXPECT_EQ(outside.rcode, 0);
  EXPECT_EQ(owners_types(outside.answer), (Strings{"outside.example.com. CNAME"}));
  EXPECT_TRUE(outside.authority.empty());
}

TEST(Answer, WildcardSynthesisesTheQuestionName) {
  // RFC 4592 §3.3.1: the owner is the question name; an existing name is not matched by the wildcard.
  auto r = ask(make_query("anything.wild.example.com.", kTypeA));
  EXPECT_EQ(owners_types(r.answer), (Strings{"anything.wild.example.com. A"}));
  auto deeper = ask(make_query("a.b.wild.example.com.", kTypeTxt));
  EXPECT_EQ(owners_types(deeper.answer), (Strings{"a.b.wild.example.com. TXT"}));
  auto exact = ask(make_query("exact.wild.example.com.", kTypeTxt));
  EXPECT_TRUE(exact.answer.empty()) << "exact.wild exists: NODATA, not the wildcard's TXT";
  EXPECT_EQ(exact.rcode, 0);
  // A wildcard CNAME is followed.
  auto cname = ask(make_query("x.cnamewild.example.com.", kTypeA));
  EXPECT_EQ(owners_types(cname.answer),
            (Strings{"x.cnamewild.example.com. CNAME", "web.example.com. A", "web.example.com. A"}));
}

TEST(Answer, DelegationIsAReferralWithGlue) {
  // RFC 1034 §4.3.2 step 3b: AA clear, NS in authority, glue in additional.
  for (const char* name : {"sub.example.com.", "deep.sub.example.com.", "ns1.sub.example.com."}) {
    auto r = ask(make_query(name, kTypeA));
    EXPECT_EQ(r.rcode, 0) << name;
    EXPECT_FALSE(r.flags & kFlagAa) << name;
    EXPECT_TRUE(r.answer.empty()) << name;
    EXPECT_EQ(owners_types(r.authority), (Strings{"sub.example.com. NS", "sub.example.com. NS"})) << name;
    EXPECT_EQ(owners_types(r.additional), (Strings{"ns1.sub.example.com. A", "ns1.sub.example.com. AAAA"})) << name;
  }
  // RFC 4035 §3.1.4.1: DS lives on the parent side of the cut and is answered authoritatively.
  auto ds = ask(make_query("sub.example.com.", kTypeDs));
  EXPECT_TRUE(ds.flags & kFlagAa);
  EXPECT_EQ(owners_types(ds.answer), (Strings{"sub.example.com. DS"}));
}

TEST(Answer, DnameRewritesNamesBelowIt) {
  // RFC 6672 §3.1 step 3c: the DNAME, a CNAME from the question name with the DNAME's TTL,
  // then the lookup goes on from the rewrite: data, NODATA with the SOA, or NXDOMAIN.
  auto r = ask(make_query("host.old.example.com.", kTypeA));
  EXPECT_TRUE(r.flags & kFlagAa);
  EXPECT_EQ(r.rcode, static_cast<std::uint16_t>(Rcode::kNxDomain));
  EXPECT_EQ(owners_types(r.answer), (Strings{"old.example.com. DNAME", "host.old.example.com. CNAME"}));
  EXPECT_EQ(owners_types(r.authority), (Strings{"example.com. SOA"}));
  auto x = ask(make_query("X.old.example.com.", kTypeA));
  EXPECT_EQ(x.rcode, 0);
  EXPECT_EQ(owners_types(x.answer),
            (Strings{"old.example.com. DNAME", "X.old.example.com. CNAME", "X.new.example.com. A"}));
  // The DNAME's own name is not rewritten.
  EXPECT_EQ(owners_types(ask(make_query("old.example.com.", kTypeDname)).answer), (Strings{"old.example.com. DNAME"}));
}

TEST(Answer, AdditionalAddressesForMxAndNs) {
  // RFC 1035 §3.3.9: MX targets in the zone get their addresses; out-of-zone ones do not.
  auto r = ask(make_query("example.com.", kTypeMx));
  EXPECT_EQ(owners_types(r.additional), (Strings{"mail.example.com. A", "mail.example.com. AAAA"}));
  auto ns = ask(make_query("example.com.", kTypeNs));
  EXPECT_EQ(owners_types(ns.additional), (Strings{"ns1.example.com. A"}));
}

TEST(Answer, RefusedOutsideEveryZone) {
  // RFC 8906 §3.1.4 / RFC 2136-era practice: not authoritative -> REFUSED, AA clear.
  auto r = ask(make_query("example.org.", kTypeA));
  EXPECT_EQ(r.rcode, static_cast<std::uint16_t>(Rcode::kRefused));
  EXPECT_FALSE(r.flags & kFlagAa);
}

TEST(Answer, UnknownTypesAreData) {
  // RFC 3597 §2: unknown types are served as opaque data; an absent one is NODATA.
  EXPECT_EQ(owners_types(ask(make_query("unknown.example.com.", 65280)).answer), (Strings{"unknown.example.com. TYPE65280"}));
  EXPECT_TRUE(ask(make_query("unknown.example.com.", 65281)).answer.empty());
}

TEST(Answer, AnyIsMinimal) {
  // RFC 8482 §4.2: one RRset, over TCP too, as NSD and Knot answer.
  EXPECT_EQ(ask(make_query("example.com.", kTypeAny)).answer.size(), 1u);
  EXPECT_EQ(ask(make_query("example.com.", kTypeAny), Transport::kTcp).answer.size(), 1u);
}

TEST(Answer, TruncationAtRRsetBoundaries) {
  // RFC 1035 §4.2.1 / RFC 2181 §9: over UDP without EDNS at most 512 octets; the answer that
  // does not fit sets TC and no partial RRset is sent.
  auto small = ask(make_query("long.example.com.", kTypeTxt, false));
  EXPECT_TRUE(small.flags & kFlagTc);
  EXPECT_LE(small.size, 512u);
  EXPECT_TRUE(small.answer.empty());
  auto big = ask(make_query("long.example.com.", kTypeTxt, true, 4096));
  EXPECT_FALSE(big.flags & kFlagTc);
  EXPECT_EQ(big.answer.size(), 2u);
  EXPECT_FALSE(ask(make_query("long.example.com.", kTypeTxt, false), Transport::kTcp).flags & kFlagTc);
}

TEST(Answer, EdnsVersionAboveZeroIsBadvers) {
  // RFC 6891 §6.1.3: BADVERS (16) in the extended rcode, an OPT of version 0, no answer.
  auto r = ask(make_query("example.com.", kTypeSoa, true, 1232, 0, 1));
  EXPECT_EQ(r.rcode, kBadVers);
  EXPECT_TRUE(r.edns);
  EXPECT_TRUE(r.answer.empty());
}

TEST(Answer, NoEdnsInNoEdnsOut) {
  // RFC 6891 §7: no OPT in the response to a query without one.
  EXPECT_FALSE(ask(make_query("example.com.", kTypeSoa, false)).edns);
}

struct BadPacket {
  const char* name;
  std::vector<std::uint8_t> bytes;
  bool answered;  // FORMERR / NOTIMP (true) or dropped (false)
  std::uint16_t rcode;
};

class MalformedQuery : public testing::TestWithParam<BadPacket> {};

TEST_P(MalformedQuery, IsAnsweredOrDroppedNeverCrashes) {
  const auto& p = GetParam();
  auto r = ask(p.bytes);
  EXPECT_EQ(r.size != 0, p.answered);
  if (p.answered) {
    EXPECT_EQ(r.rcode, p.rcode);
  }
}

std::vector<std::uint8_t> with(std::vector<std::uint8_t> q, std::size_t at, std::uint8_t value) {
  q[at] = value;
  return q;
}

std::vector<std::uint8_t> truncated(std::vector<std::uint8_t> q, std::size_t n) {
  q.resize(n);
  return q;
}

// RFC 1035 §4.1.1, RFC 8906 §3.1: what a malformed message gets.
INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedQuery,
    testing::Values(
        BadPacket{"Runt", {1, 2, 3}, false, 0},
        BadPacket{"AResponse", with(make_query("example.com.", kTypeA), 2, 0x80), false, 0},
        BadPacket{"NoQuestion", with(make_query("example.com.", kTypeA), 5, 0), true, 1},
        BadPacket{"TwoQuestions", with(make_query("example.com.", kTypeA), 5, 2), true, 1},
        BadPacket{"TruncatedName", truncated(make_query("example.com.", kTypeA, false), 16), true, 1},
        BadPacket{"TruncatedType", truncated(make_query("example.com.", kTypeA, false), 26), true, 1},
        BadPacket{"PointerInQuestion", with(make_query("example.com.", kTypeA), 12, 0xC0), true, 1},
        BadPacket{"ExtendedLabelType", with(make_query("example.com.", kTypeA), 12, 0x47), true, 1},
        BadPacket{"OptCountWithoutOpt", with(make_query("example.com.", kTypeA, false), 11, 1), true, 1},
        BadPacket{"OpcodeStatus", with(make_query("example.com.", kTypeA), 2, 0x10), true, 4},
        BadPacket{"OpcodeNotify", with(make_query("example.com.", kTypeA), 2, 0x20), true, 4}),
    [](const auto& info) { return info.param.name; });

TEST(Answer, CompressionLoopInAdditionalIsFormErr) {
  // A pointer that points at itself in the additional section: FORMERR, not a hang.
  auto q = make_query("example.com.", kTypeA, false);
  put16(q.data() + 10, 1);
  const std::size_t at = q.size();
  q.push_back(static_cast<std::uint8_t>(0xC0 | (at >> 8)));
  q.push_back(static_cast<std::uint8_t>(at));
  q.insert(q.end(), 10, 0);
  EXPECT_EQ(ask(q).rcode, static_cast<std::uint16_t>(Rcode::kFormErr));
}

}  // namespace
}  // namespace cloudtwin::dns

namespace cloudtwin::dns {
namespace {

TEST(Answer, AliasesAnswerWithTheLoadBalancersAddresses) {
  // route53.md §3: an alias answers with the target's own type, no CNAME, at the apex too; a
  // load balancer's records have TTL 60; an alias to an alias of the zone takes its TTL.
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load::load_network({CLOUDTWIN_SOURCE_DIR "/examples/global-service.yaml",
                                  CLOUDTWIN_SOURCE_DIR "/tests/dns/zones/alias-to-load-balancer.yaml"},
                                 n, d));
  auto store = compile_zones(n, d);
  auto answer = [&](const std::string& name, std::uint16_t type) {
    auto packet = make_query(name, type);
    Query q;
    QueryStatus st = parse_query(packet.data(), packet.size(), q);
    std::vector<std::uint8_t> out(4096);
    AnswerInfo info;
    std::size_t size = answer_query(*store, q, st, Transport::kUdp, out.data(), out.size(), info);
    out.resize(size);
    return out;
  };
  auto a = answer("shop.example.", kTypeA);
  ASSERT_GE(a.size(), 12u);
  EXPECT_EQ(get16(a.data() + 6), 1) << "one A: the NLB's one node";
  // The record's last 4 octets: 3.80.0.10, the node's public address; TTL 60 before them.
  EXPECT_EQ(std::vector<std::uint8_t>(a.end() - 4 - 11, a.end() - 11), (std::vector<std::uint8_t>{3, 80, 0, 10}));
  EXPECT_EQ(get32(a.data() + a.size() - 11 - 10), 60u);
  auto aaaa = answer("shop.example.", kTypeAaaa);
  EXPECT_EQ(get16(aaaa.data() + 6), 1) << "dual-stack: the node's IPv6 address";
  auto www = answer("www.shop.example.", kTypeA);
  EXPECT_EQ(std::vector<std::uint8_t>(www.end() - 4 - 11, www.end() - 11), (std::vector<std::uint8_t>{3, 80, 0, 10}));
}

}  // namespace
}  // namespace cloudtwin::dns
