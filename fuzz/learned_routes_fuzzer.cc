// Any text given as a learned routes file (docs/hybrid-routing.md) yields diagnostics or routes,
// never a crash. The file is read against one finalized network with every kind of session the
// reader tells apart (private VIFs through a Direct Connect gateway and on the virtual private
// gateway itself, a transit VIF, a public VIF, BGP VPN connections with two tunnels and with
// one, a static VPN, a VPN on a transit gateway); routes that read are attached to it (attaching
// replaces the previous input's) and each virtual private gateway's table is built. A table's
// winner must not lose to another candidate, and the gateway's choice for the first address of a
// prefix in its table must be that prefix or a longer one; otherwise the target aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cloudtwin/load/learned_routes.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/model/hybrid_routes.h"

namespace {

using namespace cloudtwin;

// tests/hybrid/fixtures/two_vifs_vpn.yaml's sessions, plus the kinds it lacks.
constexpr std::string_view kNetwork = R"(
vpcs:
  - {name: prod, cidr_block: 10.20.0.0/16}
  - {name: hub, cidr_block: 10.30.0.0/16}
subnets:
  - {name: app, vpc: prod, availability_zone: us-east-1a, cidr_block: 10.20.1.0/24, route_table: app}
  - {name: hub-a, vpc: hub, availability_zone: us-east-1a, cidr_block: 10.30.1.0/24}
route_tables:
  - {name: app, vpc: prod, propagating_vgws: [prod-vgw]}
instances:
  - {name: app-1, subnet: app, private_ip: 10.20.1.10}
vpn_gateways:
  - {id: vgw-0b6f00000000000a1, name: prod-vgw, vpc: prod, amazon_side_asn: 64512}
transit_gateways:
  - {id: tgw-0b6f00000000000a1, name: core, amazon_side_asn: 64700}
direct_connect_gateways:
  - id: dxgw-0b6f00000000000a1
    name: dxgw
    amazon_side_asn: 64513
    associations: [{gateway: prod-vgw, allowed_prefixes: [10.20.0.0/16]}]
  - id: dxgw-0b6f00000000000a2
    name: dxgw-transit
    amazon_side_asn: 64800
    associations: [{gateway: core, allowed_prefixes: [10.30.0.0/16]}]
transit_gateway_attachments:
  - {name: hub, transit_gateway: core, vpc: hub, subnets: [hub-a]}
  - {name: dx, transit_gateway: core, resource_type: direct-connect-gateway, direct_connect_gateway: dxgw-transit}
direct_connect_connections:
  - {id: dxcon-0b6f0001, name: eqdc2, location: EqDC2, bandwidth: 10Gbps}
  - {id: dxcon-0b6f0002, name: cs-va1, location: CSVA1, bandwidth: 10Gbps}
virtual_interfaces:
  - {id: dxvif-0b6f0001, name: primary, type: private, connection: eqdc2, vlan: 101,
     customer_asn: 65010, direct_connect_gateway: dxgw}
  - {id: dxvif-0b6f0002, name: secondary, type: private, connection: cs-va1, vlan: 102,
     customer_asn: 65010, direct_connect_gateway: dxgw}
  - {id: dxvif-0b6f0003, name: hosted, type: private, connection: cs-va1, vlan: 103,
     customer_asn: 65010, vpn_gateway: prod-vgw}
  - {id: dxvif-0b6f0004, name: transit, type: transit, connection: eqdc2, vlan: 104,
     customer_asn: 65010, direct_connect_gateway: dxgw-transit}
  - {id: dxvif-0b6f0005, name: public, type: public, connection: eqdc2, vlan: 105,
     customer_asn: 65010, amazon_address: 198.51.100.1/30, customer_address: 198.51.100.2/30,
     route_filter_prefixes: [203.0.113.0/24]}
customer_gateways:
  - {id: cgw-0b6f00000000000a1, name: dc-router, ip_address: 198.51.100.10, bgp_asn: 65010}
vpn_connections:
  - {id: vpn-0b6f00000000000a1, name: backup, vpn_gateway: prod-vgw, customer_gateway: dc-router,
     tunnels: [{inside_cidr: 169.254.10.0/30}, {inside_cidr: 169.254.11.0/30}]}
  - {id: vpn-0b6f00000000000a2, name: one-tunnel, vpn_gateway: prod-vgw, customer_gateway: dc-router,
     tunnels: [{inside_cidr: 169.254.12.0/30}]}
  - {id: vpn-0b6f00000000000a3, name: static, vpn_gateway: prod-vgw, customer_gateway: dc-router,
     static_routes_only: true, static_routes: [172.16.0.0/16]}
  - {id: vpn-0b6f00000000000a4, name: tgw-vpn, transit_gateway: core, customer_gateway: dc-router}
on_premises_networks:
  - {name: dc, cidrs: [192.168.0.0/16], direct_connect_gateways: [dxgw, dxgw-transit],
     vpn_connections: [backup]}
)";

// Read and finalized once: a finalized network cannot be copied, and attaching replaces routes.
model::Network& network() {
  static model::Network* n = [] {
    auto* out = new model::Network;
    Diagnostics d;
    if (!load::read_native_yaml(kNetwork, "net.yaml", *out, d) || !model::finalize(*out, d))
      __builtin_trap();
    return out;
  }();
  return *n;
}

void check_tables(const model::Network& n) {
  for (const auto& table : model::hybrid_route_tables(n)) {
    for (const auto& p : table.prefixes) {
      if (p.candidates.empty()) std::abort();
      for (std::size_t i = 0; i < p.candidates.size(); ++i) {
        const auto& c = p.candidates[i];
        if (c.prefix != p.prefix) std::abort();
        (void)model::hybrid_route_session(n, c);
        if (i > 0 && model::hybrid_route_better(n, c, p.winner())) std::abort();
      }
      auto d = model::select_vpn_gateway_route(n, table.vpn_gateway, p.prefix.address());
      if (!d || d->route.prefix.length() < p.prefix.length() ||
          !d->route.prefix.contains(p.prefix.address()))
        std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network& n = network();
  Diagnostics diagnostics;
  auto routes = load::read_learned_routes(text, "fuzz.json", n, diagnostics);
  if (!routes) {
    if (diagnostics.error_count() == 0) std::abort();  // nullopt always says why
    return 0;
  }
  const std::size_t count = routes->size();
  model::attach_learned_routes(n, std::move(*routes));
  if (!n.learned_routes.given || n.learned_routes.routes.size() != count) std::abort();
  check_tables(n);
  return 0;
}
