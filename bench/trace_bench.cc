// Load+validate and trace on generated networks from 100 to 10,000 subnets (up to 100,000 ENIs
// and 100,000 security-group rules). Counters: model bytes per ENI (heap growth during load,
// from mallinfo2) and the input size.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <random>

#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/trace.h"
#include "network_generator.h"

namespace cloudtwin::bench {
namespace {

const std::string& text_for(int subnets) {
  static std::map<int, std::string> cache;
  auto& t = cache[subnets];
  if (t.empty()) t = generate_network({.subnets = subnets});
  return t;
}

// Bytes in use: chunks from the heap plus large blocks glibc serves with mmap (hblkhd), which
// uordblks alone leaves out.
std::size_t heap_in_use() {
  auto m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

void BM_LoadValidate(benchmark::State& state) {
  const auto& text = text_for(static_cast<int>(state.range(0)));
  double bytes_per_eni = 0;
  for (auto _ : state) {
    std::size_t before = heap_in_use();
    model::Network n;
    Diagnostics d;
    bool ok = load::read_native_yaml(text, "bench.yaml", n, d) && model::finalize(n, d);
    if (!ok) {
      state.SkipWithError(d.items().empty() ? "load failed" : d.items().front().str().c_str());
      return;
    }
    bytes_per_eni = static_cast<double>(heap_in_use() - before) /
                    static_cast<double>(n.network_interfaces.size());
    benchmark::DoNotOptimize(n);
  }
  state.counters["model_bytes_per_eni"] = bytes_per_eni;
  state.counters["input_MB"] = static_cast<double>(text.size()) / 1e6;
}
BENCHMARK(BM_LoadValidate)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3);

const model::Network& network_for(int subnets) {
  static std::map<int, std::unique_ptr<model::Network>> cache;
  auto& n = cache[subnets];
  if (!n) {
    n = std::make_unique<model::Network>();
    Diagnostics d;
    load::read_native_yaml(text_for(subnets), "bench.yaml", *n, d);
    model::finalize(*n, d);
  }
  return *n;
}

// One trace between random instances (mostly in different VPCs, so through the transit
// gateway), forward and return path.
void BM_Trace(benchmark::State& state) {
  const auto& n = network_for(static_cast<int>(state.range(0)));
  std::mt19937 rng(42);
  std::uniform_int_distribution<model::Index> pick(
      0, static_cast<model::Index>(n.network_interfaces.size() - 1));
  std::vector<vpc::Query> queries(1024);
  for (auto& q : queries) {
    q.source.kind = q.destination.kind = vpc::EndpointKind::kNetworkInterface;
    q.source.index = pick(rng);
    q.destination.index = pick(rng);
    q.destination_port = 443;
  }
  std::size_t i = 0;
  std::size_t reachable = 0;
  for (auto _ : state) {
    auto t = vpc::trace(n, queries[i++ % queries.size()]);
    reachable += t.reachable;
    benchmark::DoNotOptimize(t);
  }
  state.counters["reachable_share"] =
      static_cast<double>(reachable) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Trace)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// One query traced again and again; the counter says whether it reached.
void run_trace(benchmark::State& state, const model::Network& n, const vpc::Query& q) {
  bool reachable = false;
  for (auto _ : state) {
    auto t = vpc::trace(n, q);
    reachable = t.reachable;
    benchmark::DoNotOptimize(t);
  }
  state.counters["reachable"] = reachable;
}

// The trace to the internet: NAT gateway, internet gateway and the NAT'd return path.
void BM_TraceToInternet(benchmark::State& state) {
  const auto& n = network_for(static_cast<int>(state.range(0)));
  vpc::Query q;
  q.source.kind = vpc::EndpointKind::kNetworkInterface;
  // An instance in a private subnet (subnet 0 of each VPC is the public one).
  q.source.index = static_cast<model::Index>(n.network_interfaces.size() / 2 + 10);
  q.destination.kind = vpc::EndpointKind::kInternet;
  q.destination.address = IpAddress::parse("203.0.113.10");
  run_trace(state, n, q);
}
BENCHMARK(BM_TraceToInternet)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The network with issue 10's services (network_generator.h): load balancers, an interface
// endpoint, an Auto Scaling group and a Network Firewall on each VPC's internet path.
const model::Network& services_network_for(int subnets) {
  static std::map<int, std::unique_ptr<model::Network>> cache;
  auto& n = cache[subnets];
  if (!n) {
    n = std::make_unique<model::Network>();
    Diagnostics d;
    std::string text = generate_network({.subnets = subnets, .services = true});
    if (!load::read_native_yaml(text, "services.yaml", *n, d) || !model::finalize(*n, d))
      std::abort();
  }
  return *n;
}

vpc::Endpoint endpoint(const model::Network& n, const std::string& name) {
  auto parsed = vpc::parse_endpoint(n, name);
  if (!parsed.endpoint) std::abort();
  return *parsed.endpoint;
}

// From the internet to a target through an internet-facing Application Load Balancer whose
// nodes sit behind the Network Firewall: internet gateway, edge route table, firewall endpoint,
// stateless and stateful engines, the node's listener, the back-end connection and the reply.
void BM_TraceThroughLoadBalancer(benchmark::State& state) {
  int subnets = static_cast<int>(state.range(0));
  const auto& n = services_network_for(subnets);
  int v = subnets / 100 / 2;  // a VPC in the middle
  vpc::Query q;
  q.source.kind = vpc::EndpointKind::kInternet;
  q.source.address = IpAddress::parse("203.0.113.10");
  q.destination = endpoint(n, "i-" + std::to_string(v * 100 + 4) + "-1");  // us-east-1b
  q.through = endpoint(n, "alb-" + std::to_string(v) + ":443");
  run_trace(state, n, q);
}
BENCHMARK(BM_TraceThroughLoadBalancer)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// A private instance to the internet through its NAT gateway and then the Network Firewall
// (the public subnet routes to the firewall endpoint), and the reply the same way back.
void BM_TraceThroughFirewall(benchmark::State& state) {
  int subnets = static_cast<int>(state.range(0));
  const auto& n = services_network_for(subnets);
  int v = subnets / 100 / 2;
  vpc::Query q;
  q.source = endpoint(n, "i-" + std::to_string(v * 100 + 10) + "-0");
  q.destination.kind = vpc::EndpointKind::kInternet;
  q.destination.address = IpAddress::parse("203.0.113.10");
  run_trace(state, n, q);
}
BENCHMARK(BM_TraceThroughFirewall)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cloudtwin::bench

BENCHMARK_MAIN();
