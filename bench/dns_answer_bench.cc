// The answer path alone (dns::answer_query, no sockets): what a static answer and a routing
// policy's answer cost in CPU, on the zone bench/dns_policy_bench.sh serves (2,000 names per mix).
// The server's cost per query is mostly the kernel's (docs/performance.md); this isolates the
// part routing policies add. The geo mix carries an EDNS Client Subnet option and is located in
// the GeoIP2-City fixture tests/dns/make_geo_fixture.pl writes.
//
//   build/release/bench/bench_dns_answer --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cloudtwin/dns/answer.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/model/record_data.h"

namespace {

using namespace cloudtwin;
constexpr int kNames = 2000;

struct Fixture {
  std::shared_ptr<const dns::ZoneStore> store;
  dns::GeoDatabase geo;
  Fixture() {
    std::string yaml =
        "health_checks:\n  - {name: primary, type: TCP, ip_address: 127.0.0.1, port: 9}\n"
        "hosted_zones:\n  - domain: bench.example\n    records:\n";
    const char* locations[] = {"{country: DE}", "{country: US}", "{continent: EU}", "{continent: AS}", "{country: '*'}"};
    for (int i = 0; i < kNames; ++i) {
      const std::string n = std::to_string(i), last = std::to_string(i & 255);
      yaml += "      - {name: host" + n + ", type: A, ttl: 60, values: [10.0.0." + last + "]}\n";
      for (int k = 0; k < 3; ++k)
        yaml += "      - {name: w" + n + ", type: A, ttl: 60, values: [10.1." + std::to_string(k) + "." + last +
                "], set_identifier: s" + std::to_string(k) + ", weight: " + std::to_string(k + 1) + "}\n";
      for (int k = 0; k < 5; ++k)
        yaml += "      - {name: g" + n + ", type: A, ttl: 60, values: [10.2." + std::to_string(k) + "." + last +
                "], set_identifier: g" + std::to_string(k) + ", geo_location: " + locations[k] + "}\n";
      yaml += "      - {name: f" + n + ", type: A, ttl: 60, values: [10.3.0." + last +
              "], set_identifier: p, failover: PRIMARY, health_check_id: primary}\n";
      yaml += "      - {name: f" + n + ", type: A, ttl: 60, values: [10.3.1." + last +
              "], set_identifier: s, failover: SECONDARY}\n";
    }
    model::Network network;
    Diagnostics d;
    if (!load::read_native_yaml(yaml, "bench.yaml", network, d) || !model::finalize(network, d)) std::abort();
    store = dns::compile_zones(network, d);
    const std::string mmdb = "/tmp/cloudtwin-bench-geo-" + std::to_string(getpid()) + ".mmdb";
    const std::string make = "perl " CLOUDTWIN_SOURCE_DIR "/tests/dns/make_geo_fixture.pl " + mmdb;
    std::string error;
    if (std::system(make.c_str()) != 0 || !geo.open(mmdb, error)) std::abort();
    std::remove(mmdb.c_str());
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// Queries for PREFIX0..PREFIX1999.bench.example A; with `ecs`, an OPT record carrying
// ECS 198.51.100.128/25 (Germany in the fixture).
std::vector<std::vector<std::uint8_t>> queries(const std::string& prefix, bool ecs) {
  std::vector<std::vector<std::uint8_t>> out;
  for (int i = 0; i < kNames; ++i) {
    std::vector<std::uint8_t> q(12);
    dns::put16(q.data(), static_cast<std::uint16_t>(i));
    dns::put16(q.data() + 4, 1);
    auto name = model::dname_from_text(prefix + std::to_string(i) + ".bench.example.", "");
    q.insert(q.end(), name->begin(), name->end());
    const std::uint8_t tail[] = {0, dns::kTypeA, 0, 1};
    q.insert(q.end(), tail, tail + 4);
    if (ecs) {
      dns::put16(q.data() + 10, 1);
      const std::uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 12,  // root, OPT, 1232, TTL, RDLEN 12
                                  0, 8, 0, 8, 0, 1, 25, 0, 198, 51, 100, 128};
      q.insert(q.end(), opt, opt + sizeof opt);
    }
    out.push_back(std::move(q));
  }
  return out;
}

void run(benchmark::State& state, const std::string& prefix, bool ecs) {
  Fixture& f = fixture();
  const auto packets = queries(prefix, ecs);
  std::vector<std::uint8_t> out(4096);
  dns::AnswerInfo info;
  dns::Random random(1);
  dns::ClientAddress client;
  client.bytes = {127, 0, 0, 1};
  client.prefix = 32;
  dns::PolicyContext policy;
  policy.address = &client;
  policy.geo = &f.geo;
  auto cache = std::make_unique<dns::GeoCache>();
  policy.geo_cache = cache.get();
  policy.health = f.store->health;
  policy.random = &random;
  std::size_t i = 0;
  for (auto _ : state) {
    // Parsing is part of a query's cost: the server does it for every packet.
    dns::Query q;
    const auto st = dns::parse_query(packets[i].data(), packets[i].size(), q);
    benchmark::DoNotOptimize(dns::answer_query(*f.store, q, st, dns::Transport::kUdp, out.data(), out.size(), info, policy));
    if (++i == packets.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Static(benchmark::State& s) { run(s, "host", false); }
void BM_Weighted(benchmark::State& s) { run(s, "w", false); }
void BM_GeolocationEcs(benchmark::State& s) { run(s, "g", true); }
void BM_Failover(benchmark::State& s) { run(s, "f", false); }
BENCHMARK(BM_Static);
BENCHMARK(BM_Weighted);
BENCHMARK(BM_GeolocationEcs);
BENCHMARK(BM_Failover);

}  // namespace

BENCHMARK_MAIN();
