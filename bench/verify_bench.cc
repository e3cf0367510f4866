// The symbolic engine (src/verify) on generated networks: the all-pairs subnet matrix from 100
// to 10,000 subnets, single reach queries on the 1,000-subnet network, and re-answering a query
// after one security-group rule or network ACL entry changes. Security groups carry 100 rules
// each (100,000 rules at 1,000 subnets). Counters: walks (concrete walks with a path
// condition), classes of interchangeable ENIs, BDD nodes in use and heap growth (mallinfo2).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/verify/diff.h"
#include "cloudtwin/verify/incremental.h"
#include "cloudtwin/verify/matrix.h"
#include "cloudtwin/verify/reach.h"
#include "cloudtwin/vpc/trace.h"
#include "network_generator.h"

namespace cloudtwin::bench {
namespace {

constexpr int kRulesPerGroup = 100;
using model::kNone;

std::size_t heap_in_use() {
  auto m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

std::unique_ptr<model::Network> load(int subnets) {
  auto n = std::make_unique<model::Network>();
  Diagnostics d;
  std::string text = generate_network({.subnets = subnets, .rules_per_group = kRulesPerGroup});
  if (!load::read_native_yaml(text, "bench.yaml", *n, d) || !model::finalize(*n, d)) return nullptr;
  return n;
}

const model::Network& network_for(int subnets) {
  static std::map<int, std::unique_ptr<model::Network>> cache;
  auto& n = cache[subnets];
  if (!n) n = load(subnets);
  return *n;
}

// The varied network of issue 9 §4: every subnet its own network ACL and security group.
const model::Network& varied_network_for(int subnets) {
  static std::map<int, std::unique_ptr<model::Network>> cache;
  auto& n = cache[subnets];
  if (!n) {
    n = std::make_unique<model::Network>();
    Diagnostics d;
    std::string text = generate_network({.subnets = subnets, .varied = true});
    if (!load::read_native_yaml(text, "varied.yaml", *n, d) || !model::finalize(*n, d))
      std::abort();
  }
  return *n;
}

std::size_t rules(const model::Network& n) {
  std::size_t r = 0;
  for (const auto& g : n.security_groups) r += g.ingress.size() + g.egress.size();
  for (const auto& a : n.network_acls) r += a.ingress.size() + a.egress.size();
  return r;
}

verify::Party party(const model::Network& n, const std::string& name) {
  return *verify::parse_party(n, name).party;
}

// What an atomic-predicate engine (APKeep) would partition: the cells that the network's
// IPv4 prefixes cut the address line into, and the cells that rule ports cut the port line into.
// Its atomic predicates over (source, destination, port) number at least the larger of the
// two, and up to their product where rules combine them.
std::pair<std::size_t, std::size_t> partition_cells(const model::Network& n) {
  std::vector<U128> a;
  std::vector<int> p;
  auto prefix = [&](const Prefix& x) {
    if (x.family() != Family::kV4) return;
    a.push_back(x.address().bits());
    a.push_back(x.last().bits() + 1);
  };
  auto ports = [&](PortRange r) {
    p.push_back(r.from);
    p.push_back(r.to + 1);
  };
  for (const auto& v : n.vpcs)
    for (const auto& c : v.cidr_blocks) prefix(c);
  for (const auto& s : n.subnets)
    if (s.cidr_block) prefix(*s.cidr_block);
  for (const auto& rt : n.route_tables)
    for (const auto& r : rt.effective)
      if (r.destination) prefix(*r.destination);
  for (const auto& g : n.security_groups) {
    for (const auto* rules : {&g.ingress, &g.egress}) {
      for (const auto& r : *rules) {
        if (r.cidr) prefix(*r.cidr);
        ports(r.ports);
      }
    }
  }
  for (const auto& acl : n.network_acls) {
    for (const auto* entries : {&acl.ingress, &acl.egress}) {
      for (const auto& e : *entries) {
        prefix(e.cidr);
        ports(e.ports);
      }
    }
  }
  for (const auto& e : n.network_interfaces) {
    for (const auto& x : e.private_ips) prefix(Prefix::host(x));
  }
  std::sort(a.begin(), a.end());
  std::sort(p.begin(), p.end());
  auto distinct = [](auto& v) {
    return static_cast<std::size_t>(std::unique(v.begin(), v.end()) - v.begin());
  };
  return {distinct(a) + 1, distinct(p) + 1};
}

// The matrix over every subnet, built from scratch (a fresh Compiled) each iteration.
void BM_Matrix(benchmark::State& state) {
  const auto& n = network_for(static_cast<int>(state.range(0)));
  verify::HeaderSpace::init();
  std::size_t walks = 0, classes = 0, pairs = 0, cells = 0;
  double heap_mb = 0;
  for (auto _ : state) {
    std::size_t before = heap_in_use();
    verify::Compiled c(n);
    auto m = verify::subnet_matrix(
        c, {.packets = state.range(1) != 0, .keep_reads = state.range(1) == 2});
    heap_mb = static_cast<double>(heap_in_use() - before) / 1e6;
    walks = m.walks();
    classes = m.classes();
    pairs = m.class_pairs();
    cells = m.reachable_cells();
    benchmark::DoNotOptimize(m);
  }
  state.counters["subnets"] = static_cast<double>(n.subnets.size());
  state.counters["enis"] = static_cast<double>(n.network_interfaces.size());
  state.counters["rules"] = static_cast<double>(rules(n));
  state.counters["walks"] = static_cast<double>(walks);
  state.counters["classes"] = static_cast<double>(classes);
  state.counters["reachable_class_pairs"] = static_cast<double>(pairs);
  state.counters["reachable_cells"] = static_cast<double>(cells);
  state.counters["heap_MB"] = heap_mb;
  state.counters["bdd_nodes"] = bdd_getnodenum();
  auto [address_cells, port_cells] = partition_cells(n);
  state.counters["address_cells"] = static_cast<double>(address_cells);
  state.counters["port_cells"] = static_cast<double>(port_cells);
}
// Second argument: 1 = with the packets of every cell, 0 = the yes-or-no cells only, 2 = with
// the packets and the rule lists each pair of classes read (what `cloudtwin diff` keeps to
// bring the matrix up to date).
BENCHMARK(BM_Matrix)
    ->ArgsProduct({{100, 1000, 10000}, {1, 0}})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The matrix over the varied network (bench/network_generator.h `varied`), from scratch.
// Counters as BM_Matrix; `sides` counts the parts of classes that rules cut apart.
void BM_MatrixVaried(benchmark::State& state) {
  const auto& n = varied_network_for(static_cast<int>(state.range(0)));
  verify::HeaderSpace::init();
  std::size_t walks = 0, classes = 0, pairs = 0, cells = 0;
  for (auto _ : state) {
    verify::Compiled c(n);
    auto m = verify::subnet_matrix(c, {.packets = state.range(1) != 0});
    walks = m.walks();
    classes = m.classes();
    pairs = m.class_pairs();
    cells = m.reachable_cells();
    benchmark::DoNotOptimize(m);
  }
  state.counters["subnets"] = static_cast<double>(n.subnets.size());
  state.counters["enis"] = static_cast<double>(n.network_interfaces.size());
  state.counters["rules"] = static_cast<double>(rules(n));
  state.counters["walks"] = static_cast<double>(walks);
  state.counters["classes"] = static_cast<double>(classes);
  state.counters["reachable_class_pairs"] = static_cast<double>(pairs);
  state.counters["reachable_cells"] = static_cast<double>(cells);
}
BENCHMARK(BM_MatrixVaried)
    ->ArgsProduct({{200, 1000}, {1, 0}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// One reach query, cold: a fresh Compiled per query, so compiling the security groups and
// network ACLs it meets is part of the time. From subnet 5 of VPC 3 to subnet 7 of VPC 6
// (10 x 10 instances through the transit gateway; VPC 0 on the 100-subnet network), and
// between one of its instances and the internet.
std::string vpc_subnet(const model::Network& n, int vpc, int subnet) {
  int v = std::min<int>(vpc, static_cast<int>(n.vpcs.size()) - 1);
  return "subnet-" + std::to_string(v) + "-" + std::to_string(subnet);
}
std::string instance(const model::Network& n) {
  int v = std::min<int>(3, static_cast<int>(n.vpcs.size()) - 1);
  return "i-" + std::to_string(v * 100 + 55) + "-3";
}
void reach_query(benchmark::State& state, int kind) {
  const auto& n = network_for(static_cast<int>(state.range(0)));
  std::string from = kind == 0 ? vpc_subnet(n, 3, 5) : kind == 1 ? instance(n) : "internet";
  std::string to = kind == 0 ? vpc_subnet(n, 6, 7) : kind == 1 ? "internet" : instance(n);
  auto f = party(n, from);
  auto t = party(n, to);
  std::size_t walks = 0;
  bool reachable = false;
  for (auto _ : state) {
    verify::Compiled c(n);
    auto r = verify::reach(c, f, t);
    walks = r.walks;
    reachable = r.reachable != bddfalse;
    benchmark::DoNotOptimize(r);
  }
  state.counters["walks"] = static_cast<double>(walks);
  state.counters["reachable"] = reachable;
}
void BM_ReachSubnetToSubnet(benchmark::State& s) { reach_query(s, 0); }
void BM_ReachInstanceToInternet(benchmark::State& s) { reach_query(s, 1); }
void BM_ReachInternetToInstance(benchmark::State& s) { reach_query(s, 2); }
BENCHMARK(BM_ReachSubnetToSubnet)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReachInstanceToInternet)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReachInternetToInstance)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);

// One rule change and the re-answer of the subnet-to-subnet query: each iteration flips the
// port of one ingress rule of the destination's security group (or one network ACL entry of
// the destination's VPC) and lets IncrementalReach re-walk what read it.
void incremental(benchmark::State& state, bool acl) {
  static std::map<int, std::unique_ptr<model::Network>> owned;
  auto& held = owned[static_cast<int>(state.range(0))];
  if (!held) held = load(static_cast<int>(state.range(0)));
  auto& n = *held;
  verify::Compiled c(n);
  verify::IncrementalReach q(c, party(n, vpc_subnet(n, 3, 5)), party(n, vpc_subnet(n, 6, 7)));
  const auto& to = n.subnets[*n.find(vpc_subnet(n, 6, 7), model::Kind::kSubnet)];
  model::Index nacl = to.effective_network_acl;
  model::Index group = kNone;
  for (const auto& e : n.network_interfaces) {
    if (e.subnet.index == *n.find(vpc_subnet(n, 6, 7), model::Kind::kSubnet))
      group = e.security_groups.front().index;
  }
  std::size_t walks = 0, changes = 0;
  bool reachable = false;
  for (auto _ : state) {
    if (acl) {
      auto& e = n.network_acls[nacl].ingress.front();
      e.ports = e.ports.from == 1000 ? PortRange::single(1001) : PortRange::single(1000);
      q.network_acl_changed(nacl);
      walks += q.update();
    } else {
      auto& r = n.security_groups[group].ingress.front();
      r.ports = r.ports.from == 443 ? PortRange::single(444) : PortRange::single(443);
      q.security_group_changed(group);
      walks += q.update();
    }
    reachable = q.result().reachable != bddfalse;
    ++changes;
  }
  state.counters["walks_per_change"] = static_cast<double>(walks) / static_cast<double>(changes);
  state.counters["flows"] = static_cast<double>(q.result().flows.size());
  state.counters["reachable"] = reachable;
}
void BM_IncrementalSecurityGroupRule(benchmark::State& s) { incremental(s, false); }
void BM_IncrementalNetworkAclEntry(benchmark::State& s) { incremental(s, true); }
BENCHMARK(BM_IncrementalSecurityGroupRule)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_IncrementalNetworkAclEntry)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond);

// `cloudtwin diff` (issue 15) on the 1,000-subnet network with one security group rule changed
// (the first ingress rule of the destination's group admits port 444 instead of 443), against
// one reach query (BM_ReachSubnetToSubnet, cold) and one matrix (BM_Matrix): the subnet-to-subnet
// query diffed incrementally (diff_reach_incremental: one answer brought up to date), and every
// question (diff_networks: the matrix before, brought up to date for the changed group, or the
// two matrices from scratch; then each differing cell answered exactly). Each iteration
// compiles both networks afresh, as the command does.
struct Changed {
  std::unique_ptr<model::Network> before, after;
};
const Changed& changed_for(int subnets) {
  static std::map<int, Changed> cache;
  auto& c = cache[subnets];
  if (!c.before) {
    c.before = load(subnets);
    c.after = load(subnets);
    auto& n = *c.after;
    const auto to = *n.find(vpc_subnet(n, 6, 7), model::Kind::kSubnet);
    for (const auto& e : n.network_interfaces) {
      if (e.subnet.index != to) continue;
      auto& r = n.security_groups[e.security_groups.front().index].ingress.front();
      r.ports = r.ports.from == 443 ? PortRange::single(444) : PortRange::single(443);
      break;
    }
  }
  return c;
}
void BM_DiffSubnetToSubnet(benchmark::State& state) {
  const auto& c = changed_for(static_cast<int>(state.range(0)));
  auto& before = *c.before;
  const auto& after = *c.after;
  verify::HeaderSpace::init();
  std::size_t opened = 0;
  for (auto _ : state) {
    verify::Compiled cb(before), ca(after);
    verify::DiffSide b{&cb, party(before, vpc_subnet(before, 3, 5)),
                       party(before, vpc_subnet(before, 6, 7))};
    verify::DiffSide a{&ca, party(after, vpc_subnet(after, 3, 5)),
                       party(after, vpc_subnet(after, 6, 7))};
    std::optional<verify::PairDiff> d;
    if (state.range(1)) {
      d = verify::diff_reach_incremental(before, b, a);
    } else {
      d = verify::diff_reach(b, a);
    }
    if (!d) std::abort();
    opened = d->opened.result.flows.size() + d->closed.result.flows.size();
    benchmark::DoNotOptimize(d);
  }
  state.counters["changed_flows"] = static_cast<double>(opened);
}
BENCHMARK(BM_DiffSubnetToSubnet)->Args({1000, 1})->Args({1000, 0})->Unit(benchmark::kMillisecond);

void BM_DiffNetworks(benchmark::State& state) {
  const auto& c = changed_for(static_cast<int>(state.range(0)));
  verify::HeaderSpace::init();  // as BM_Matrix: the BDD tables are not part of the time
  std::size_t sections = 0;
  for (auto _ : state) {
    verify::Compiled cb(*c.before), ca(*c.after);
    // As the command does when load::network_changes() lists only changed rule lists (a full
    // comparison of the resources' YAML, left out here); argument 1 = from scratch.
    verify::NetworkDiffOptions options;
    if (state.range(1) == 0) options.rule_changes = verify::changed_rule_lists(*c.before, *c.after);
    auto d = verify::diff_networks(cb, ca, {}, options);
    sections = d.size();
    benchmark::DoNotOptimize(d);
  }
  state.counters["sections"] = static_cast<double>(sections);
}
BENCHMARK(BM_DiffNetworks)
    ->ArgsProduct({{100, 1000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// One concrete walk (vpc::trace_packet, tcp/443, no observer) between the first ENIs of two
// subnets, over 10,000 subnet pairs of the 1,000-subnet network: the unit of work of the matrix.
// Argument: 0 = every hop recorded (trace), 1 = the verdict only (the matrix).
void BM_Walk(benchmark::State& state) {
  const auto& n = network_for(1000);
  std::vector<model::Index> first(n.subnets.size(), kNone);
  for (model::Index e = 0; e < n.network_interfaces.size(); ++e) {
    auto s = n.network_interfaces[e].subnet.index;
    if (first[s] == kNone) first[s] = e;
  }
  const auto detail = state.range(0) != 0 ? vpc::Detail::kVerdict : vpc::Detail::kFull;
  std::size_t reachable = 0, walks = 0;
  for (auto _ : state) {
    for (std::size_t a = 0; a < 100; ++a) {
      for (std::size_t b = 0; b < 100; ++b) {
        vpc::Endpoint s, d;
        s.kind = d.kind = vpc::EndpointKind::kNetworkInterface;
        s.index = first[a * 10];
        d.index = first[b * 10 + 1];
        Header h;
        h.src = n.network_interfaces[s.index].private_ips[0];
        h.dst = n.network_interfaces[d.index].private_ips[0];
        h.src_port = 40000;
        h.dst_port = 443;
        reachable += vpc::trace_packet(n, s, d, h, nullptr, detail).reachable;
        ++walks;
      }
    }
  }
  state.counters["seconds_per_million_walks"] = benchmark::Counter(
      static_cast<double>(walks) / 1e6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["reachable"] = static_cast<double>(reachable) / static_cast<double>(walks);
}
BENCHMARK(BM_Walk)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cloudtwin::bench

BENCHMARK_MAIN();
