// A differential fuzzer for the symbolic engine: any network the native YAML reader accepts is
// asked reach() between its first and last interface and from the internet to the last, and
// every class's representative, plus packets at the edges of each class's ports, must get the
// verdict trace gives it. On small networks the all-pairs subnet matrix and reach_by_class
// must equal reach() between every two subnets. A disagreement aborts (libFuzzer reports it as
// a crash).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/verify/incremental.h"
#include "cloudtwin/verify/matrix.h"
#include "cloudtwin/verify/reach.h"

namespace {

using namespace cloudtwin;

void check(verify::Compiled& c, const verify::Party& from, const verify::Party& to) {
  verify::ReachOptions options;
  options.any_source_port = true;
  options.max_walks = 300;  // keeps each input fast; a truncated answer is still checked
  auto r = verify::reach(c, from, to, options);
  for (const auto& f : r.flows) {
    const Header& h = f.trace.header;
    vpc::Endpoint s;
    vpc::Endpoint d;
    s.kind = from.kind == verify::Party::Kind::kInternet ? vpc::EndpointKind::kInternet
                                                         : vpc::EndpointKind::kNetworkInterface;
    s.index = f.source_interface;
    d.kind = vpc::EndpointKind::kNetworkInterface;
    d.index = f.destination_interface;
    // Other packets of the class: the lowest and highest destination port it holds.
    for (std::uint16_t port : {h.dst_port, std::uint16_t(0), std::uint16_t(65535)}) {
      Header x = h;
      x.dst_port = port;
      if (!verify::HeaderSpace::contains(f.packets, x)) continue;
      auto t = vpc::trace_packet(c.network(), s, d, x, nullptr);
      if (t.reachable != verify::HeaderSpace::contains(r.reachable, x)) std::abort();
      // The matrix's verdict-only walk agrees with the full one.
      auto v = vpc::trace_packet(c.network(), s, d, x, nullptr, vpc::Detail::kVerdict);
      if (v.reachable != t.reachable || v.explanations.size() != t.explanations.size())
        std::abort();
      for (std::size_t i = 0; i < v.explanations.size(); ++i) {
        if (v.explanations[i].code != t.explanations[i].code) std::abort();
      }
    }
  }
}

verify::Party subnet_party(const model::Network& n, model::Index s) {
  verify::Party p;
  for (model::Index e = 0; e < n.network_interfaces.size(); ++e) {
    if (n.network_interfaces[e].subnet.index == s) p.interfaces.push_back(e);
  }
  return p;
}

// The matrix's cells and packets, and reach_by_class, against reach() per pair of subnets.
void check_matrix(const model::Network& n) {
  if (n.subnets.size() > 6 || n.network_interfaces.size() > 16) return;
  verify::Compiled c(n);
  auto m = verify::subnet_matrix(c);
  verify::Compiled cells_compiled(n);
  auto cells = verify::subnet_matrix(cells_compiled, {.packets = false});
  verify::Compiled fresh(n);
  verify::ReachOptions options;
  options.max_walks = 2000;
  for (model::Index a = 0; a < n.subnets.size(); ++a) {
    for (model::Index b = 0; b < n.subnets.size(); ++b) {
      auto from = subnet_party(n, a);
      auto to = subnet_party(n, b);
      auto r = verify::reach(fresh, from, to, options);
      if (r.truncated) continue;
      if (m.packets(a, b) != r.reachable) std::abort();
      if (cells.reachable(a, b) != (r.reachable != bddfalse)) std::abort();
      if ((cells.packets(a, b) & !r.reachable) != bddfalse) std::abort();
      if (from.interfaces.empty() || to.interfaces.empty()) continue;
      auto k = verify::reach_by_class(fresh, from, to, options);
      if (!k.truncated && (k.reachable != r.reachable || k.queried != r.queried)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network network;
  Diagnostics diagnostics;
  if (!load::read_native_yaml(text, "fuzz.yaml", network, diagnostics)) return 0;
  if (!model::finalize(network, diagnostics) || network.network_interfaces.empty()) return 0;
  verify::Compiled c(network);
  verify::Party first;
  first.interfaces = {0};
  verify::Party last;
  last.interfaces = {static_cast<model::Index>(network.network_interfaces.size() - 1)};
  verify::Party internet;
  internet.kind = verify::Party::Kind::kInternet;
  if (first.interfaces != last.interfaces) check(c, first, last);
  check(c, internet, last);
  check_matrix(network);
  return 0;
}
