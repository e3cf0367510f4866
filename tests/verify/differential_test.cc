// The symbolic engine must agree with the concrete one: for random concrete packets over the
// scenario networks, the examples and randomly generated networks, the verdict of `trace`
// equals membership in the set that reach() proves reachable (issue 4: at least 100,000
// packets per run). Packets are drawn near every boundary the network writes (CIDR edges,
// port-range ends, ENI and public addresses), where a wrong path condition would show.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "cloudtwin/load/aws_managed_prefix_lists.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/verify/reach.h"
#include "network_generator.h"
#include "random_network.h"

namespace cloudtwin::verify {
namespace {

using model::Index;

// ---- networks ------------------------------------------------------------------------------

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Sample {
  std::string name;
  std::string yaml;  // native YAML, or empty with `path` set
  std::string path;
};

std::vector<Sample> samples() {
  std::vector<Sample> out;
  std::string root = CLOUDTWIN_SOURCE_DIR;
  for (const auto& e : std::filesystem::directory_iterator(root + "/tests/scenarios")) {
    std::string text = read(e.path().string());
    auto sep = text.find("\n---\n");
    if (sep == std::string::npos) continue;  // a scenario over another file: loaded elsewhere
    out.push_back({e.path().stem().string(), text.substr(0, sep + 1), e.path().string()});
  }
  for (const char* ex : {"hybrid", "global-service", "microservices"}) {
    out.push_back({ex, "", root + "/examples/" + ex + ".yaml"});
  }
  std::mt19937 rng(20261127);
  for (int i = 0; i < 12; ++i)
    out.push_back({"random" + std::to_string(i), testing::random_network(rng), "random"});
  bench::GeneratorOptions g;
  g.subnets = 20;
  g.instances_per_subnet = 2;
  g.rules_per_group = 5;
  out.push_back({"generated", bench::generate_network(g), "generated"});
  std::sort(out.begin(), out.end(),
            [](const Sample& a, const Sample& b) { return a.name < b.name; });
  return out;
}

// ---- packets ---------------------------------------------------------------------------------

// Every boundary the network writes down, to draw packets near.
struct Boundaries {
  std::vector<IpAddress> addresses;
  std::vector<std::uint16_t> ports{0,    1,    22,    53,    80,    123,   443,
                                   1023, 1024, 32767, 32768, 60999, 61000, 65535};

  void add(const Prefix& p) {
    addresses.push_back(p.address());
    addresses.push_back(p.last());
    addresses.push_back(p.address().plus(~U128{0}));  // one before
    addresses.push_back(p.last().plus(1));
  }
  void add(PortRange r) {
    for (int p : {r.from - 1, int{r.from}, int{r.to}, r.to + 1}) {
      if (p >= 0 && p <= 65535) ports.push_back(static_cast<std::uint16_t>(p));
    }
  }
};

Boundaries boundaries(const model::Network& n) {
  Boundaries b;
  for (const auto& v : n.vpcs) {
    for (const auto& p : v.cidr_blocks) b.add(p);
    for (const auto& p : v.ipv6_cidr_blocks) b.add(p);
  }
  for (const auto& sg : n.security_groups) {
    for (const auto* list : {&sg.ingress, &sg.egress}) {
      for (const auto& r : *list) {
        if (r.cidr) b.add(*r.cidr);
        b.add(r.ports);
      }
    }
  }
  for (const auto& acl : n.network_acls) {
    for (const auto* list : {&acl.ingress, &acl.egress}) {
      for (const auto& e : *list) {
        b.add(e.cidr);
        b.add(e.ports);
      }
    }
  }
  for (const auto& rt : n.route_tables) {
    for (const auto& r : rt.effective) {
      if (r.destination) b.add(*r.destination);
    }
  }
  for (const auto& o : n.on_premises_networks) {
    for (const auto& p : o.cidrs) b.add(p);
  }
  for (const auto& e : n.network_interfaces) {
    b.addresses.insert(b.addresses.end(), e.private_ips.begin(), e.private_ips.end());
    b.addresses.insert(b.addresses.end(), e.ipv6_addresses.begin(), e.ipv6_addresses.end());
    for (const auto& [priv, pub] : e.public_ips) b.addresses.push_back(pub);
    b.add(e.ephemeral_ports);
  }
  for (const auto& g : n.nat_gateways) {
    if (g.public_ip) b.addresses.push_back(*g.public_ip);
    if (g.private_ip) b.addresses.push_back(*g.private_ip);
  }
  for (const char* a :
       {"169.254.169.254", "169.254.169.253", "8.8.8.8", "2001:db8::1", "1.1.1.1"}) {
    b.addresses.push_back(*IpAddress::parse(a));
  }
  return b;
}

class Drawer {
 public:
  Drawer(const model::Network& n, std::mt19937& rng) : n_(n), b_(boundaries(n)), rng_(rng) {}

  IpAddress address(const Party& p, Index eni, bool as_source) {
    if (p.kind == Party::Kind::kInterfaces) {
      const auto& e = n_.network_interfaces[eni];
      std::vector<IpAddress> all(e.private_ips.begin(), e.private_ips.end());
      all.insert(all.end(), e.ipv6_addresses.begin(), e.ipv6_addresses.end());
      if (!as_source) {
        for (const auto& [priv, pub] : e.public_ips) all.push_back(pub);
      }
      return all[index(all.size())];
    }
    if (p.kind == Party::Kind::kOnPremises) {
      const auto& cidrs = n_.on_premises_networks[p.on_premises].cidrs;
      const auto& c = cidrs[index(cidrs.size())];
      if (chance(0.5)) return chance(0.5) ? c.address() : c.last();
      return c.address().plus(random_bits() % (c.size() == 0 ? 1 : c.size()));
    }
    if (chance(0.6)) return b_.addresses[index(b_.addresses.size())];
    if (chance(0.8)) return IpAddress::v4(static_cast<std::uint32_t>(random_bits()));
    return IpAddress::v6((U128{0x2000} << 112) | (random_bits() & ((U128{1} << 112) - 1)));
  }

  Header header(const Party& from, Index s, const Party& to, Index d) {
    Header h;
    for (int tries = 0; tries < 20; ++tries) {
      h.src = address(from, s, true);
      h.dst = address(to, d, false);
      if (h.src.family() == h.dst.family()) break;
    }
    int r = static_cast<int>(index(10));
    bool v4 = h.src.is_v4();
    int protocol = r < 5   ? Protocol::kTcp
                   : r < 7 ? Protocol::kUdp
                   : r < 9 ? (v4 ? Protocol::kIcmp : Protocol::kIcmpV6)
                           : static_cast<int>(index(256));
    h.protocol = Protocol(protocol);
    if (h.protocol.has_ports()) {
      h.dst_port = port();
      h.src_port = port();
    } else if (h.protocol.is_icmp()) {
      h.dst_port = chance(0.5) ? (v4 ? 8 : 128) : static_cast<std::uint16_t>(index(256));
      h.src_port = chance(0.7) ? 0 : static_cast<std::uint16_t>(index(256));
    }
    return h;
  }

 private:
  std::uint16_t port() {
    if (chance(0.7)) return b_.ports[index(b_.ports.size())];
    return static_cast<std::uint16_t>(index(65536));
  }
  std::size_t index(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool chance(double p) { return std::uniform_real_distribution<>(0, 1)(rng_) < p; }
  U128 random_bits() {
    return (U128{rng_()} << 96) | (U128{rng_()} << 64) | (U128{rng_()} << 32) | rng_();
  }

  const model::Network& n_;
  Boundaries b_;
  std::mt19937& rng_;
};

// ---- the test --------------------------------------------------------------------------------

struct Totals {
  std::size_t packets = 0;
  std::size_t reachable = 0;
  std::size_t inconclusive = 0;
};

Totals& totals() {
  static Totals t;
  return t;
}

void PrintTo(const Sample& s, std::ostream* os) { *os << s.name; }

class Differential : public ::testing::TestWithParam<Sample> {};

TEST_P(Differential, SymbolicVerdictEqualsTrace) {
  const Sample& s = GetParam();
  model::Network n;
  Diagnostics d;
  // Scenarios are read as tests/vpc/scenario_test.cc reads them: gateway endpoints' AWS-managed
  // prefix lists from ../shared/data/aws/ip-ranges.json.
  load::LoadOptions options;
  options.ip_ranges = std::string(CLOUDTWIN_SHARED_DIR) + "/data/aws/ip-ranges.json";
  bool ok = s.yaml.empty()
                ? load::load_network({s.path}, n, d, options)
                : load::read_native_yaml(s.yaml, s.name + ".yaml", n, d) &&
                      load::add_aws_managed_prefix_lists(n, d, options) && model::finalize(n, d);
  ASSERT_TRUE(ok && !d.has_errors())
      << s.name << ": " << (d.items().empty() ? "" : d.items().front().str());
  std::mt19937 rng(std::hash<std::string>{}(s.name));
  Compiled c(n);
  Drawer draw(n, rng);

  // The parties: single ENIs, the internet and each on-premises network.
  std::vector<Party> parties;
  for (Index e = 0; e < n.network_interfaces.size(); ++e) {
    Party p;
    p.interfaces = {e};
    p.label = n.network_interfaces[e].id;
    parties.push_back(p);
  }
  std::shuffle(parties.begin(), parties.end(), rng);
  if (parties.size() > 6) parties.resize(6);
  Party internet;
  internet.kind = Party::Kind::kInternet;
  internet.label = "internet";
  parties.push_back(internet);
  for (Index o = 0; o < n.on_premises_networks.size(); ++o) {
    Party p;
    p.kind = Party::Kind::kOnPremises;
    p.on_premises = o;
    p.label = n.on_premises_networks[o].id;
    parties.push_back(p);
  }

  const std::size_t per_pair = 2'500 / std::max<std::size_t>(1, parties.size()) + 60;
  std::size_t checked = 0;
  for (const auto& from : parties) {
    for (const auto& to : parties) {
      if (&from == &to) continue;
      if (from.kind == Party::Kind::kInternet && to.kind == Party::Kind::kInternet) continue;
      ReachOptions options;
      options.any_source_port = true;
      options.max_walks = 20'000;
      auto r = reach(c, from, to, options);
      ASSERT_FALSE(r.truncated) << s.name << ": " << from.label << " -> " << to.label;
      Index s_eni = from.interfaces.empty() ? model::kNone : from.interfaces.front();
      Index d_eni = to.interfaces.empty() ? model::kNone : to.interfaces.front();
      for (std::size_t i = 0; i < per_pair; ++i) {
        Header h = draw.header(from, s_eni, to, d_eni);
        if (!HeaderSpace::contains(r.queried, h)) continue;
        auto t = vpc::trace_packet(n, party_endpoint(from, s_eni), party_endpoint(to, d_eni), h,
                                   nullptr);
        bool proven = HeaderSpace::contains(r.reachable, h);
        bool doubtful = HeaderSpace::contains(r.inconclusive, h);
        // The matrix's walks keep only the verdict; it and the explanation codes are the same.
        auto v = vpc::trace_packet(n, party_endpoint(from, s_eni), party_endpoint(to, d_eni), h,
                                   nullptr, vpc::Detail::kVerdict);
        ASSERT_EQ(v.reachable, t.reachable) << s.name << ": " << h.str();
        ASSERT_EQ(v.verdict, t.verdict) << s.name << ": " << h.str();
        ASSERT_TRUE(v.forward.empty() && v.reverse.empty());
        ASSERT_EQ(v.explanations.size(), t.explanations.size()) << s.name << ": " << h.str();
        for (std::size_t x = 0; x < v.explanations.size(); ++x) {
          EXPECT_EQ(v.explanations[x].code, t.explanations[x].code) << s.name << ": " << h.str();
          EXPECT_EQ(v.explanations[x].component_id, t.explanations[x].component_id);
        }
        ++checked;
        if (t.reachable) ++totals().reachable;
        if (t.verdict == vpc::Verdict::kInconclusive) ++totals().inconclusive;
        const std::string says = t.reachable              ? "reachable"
                                 : !t.unknowns.empty()     ? t.unknowns.front().code
                                 : !t.explanations.empty() ? t.explanations.front().code
                                                           : "?";
        ASSERT_EQ(proven, t.reachable) << s.name << ": " << from.label << " -> " << to.label << " "
                                       << h.str() << " sport/code " << h.src_port
                                       << " trace says " << says;
        ASSERT_EQ(doubtful, t.verdict == vpc::Verdict::kInconclusive)
            << s.name << ": " << from.label << " -> " << to.label << " " << h.str()
            << " sport/code " << h.src_port << " trace says " << says;
        // An inconclusive verdict names what it depends on.
        if (t.verdict == vpc::Verdict::kInconclusive) {
          ASSERT_FALSE(t.unknowns.empty());
        }
      }
    }
  }
  totals().packets += checked;
  EXPECT_GT(checked, 1000u);
  std::cout << "[ packets  ] " << s.name << ": " << checked << " packets compared\n";
}

INSTANTIATE_TEST_SUITE_P(Networks, Differential, ::testing::ValuesIn(samples()),
                         [](const auto& info) {
                           std::string name = info.param.name;
                           for (auto& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace cloudtwin::verify
