// finalize() for Direct Connect and the hybrid gateways (shared/reference/direct-connect.md §N):
// references between connections, LAGs, virtual interfaces and gateways resolved; what the Direct
// Connect API (CreateConnection, CreateLag, CreatePrivateVirtualInterface, ...,
// AssociateMacSecKey, CreateDirectConnectGatewayAssociation) and EC2's CreateVpnConnection would
// reject is an error at the value's own location, with the rule's words.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include "finalize_context.h"

namespace cloudtwin::model {

const char* virtual_interface_type_name(VirtualInterfaceType t) {
  switch (t) {
    case VirtualInterfaceType::kPrivate: return "private";
    case VirtualInterfaceType::kTransit: return "transit";
    case VirtualInterfaceType::kPublic: return "public";
  }
  return "?";
}

bool amazon_side_asn_allowed(std::uint64_t asn) {
  return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000ull && asn <= 4294967294ull);
}

namespace {

// §2.4: the legacy Amazon ASN public virtual interfaces peer from (us-east-1's).
constexpr std::uint32_t kPublicVifAmazonAsn = 7224;
// §2.3 (limits.html).
constexpr std::size_t kMaxVifsPerConnection = 51;
constexpr std::size_t kMaxTransitVifsPerConnection = 4;
constexpr std::size_t kMaxAllowedPrefixesPerAssociation = 200;
constexpr std::size_t kMaxMacsecKeys = 3;

// The bandwidths of dedicated connections (and LAG members) and of hosted connections.
constexpr std::array<std::string_view, 4> kDedicated = {"1Gbps", "10Gbps", "100Gbps", "400Gbps"};
constexpr std::array<std::string_view, 11> kHosted = {"50Mbps", "100Mbps", "200Mbps", "300Mbps",
                                                      "400Mbps", "500Mbps", "1Gbps",  "2Gbps",
                                                      "5Gbps",   "10Gbps",  "25Gbps"};

template <class C>
bool contains(const C& c, std::string_view v) {
  return std::find(std::begin(c), std::end(c), v) != std::end(c);
}

bool hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
         });
}

class DirectConnect {
 public:
  explicit DirectConnect(FinalizeContext& c) : c_(c), n_(c.network()) {}

  void run() {
    gateways_asns();
    connections();
    lags();
    virtual_interfaces();
    direct_connect_gateways();
    vpn_tunnels();
  }

 private:
  // §2.4: an Amazon-side ASN is private: 64512-65534 or 4200000000-4294967294.
  template <class R>
  void check_amazon_asn(const R& r, std::uint32_t asn, Location at, std::string_view what) {
    if (!amazon_side_asn_allowed(asn)) {
      c_.error(r, at,
               std::string(what) + "'s Amazon-side ASN " + std::to_string(asn) +
                   " is not a private ASN",
               "use 64512-65534 or 4200000000-4294967294 (bgp-specific-settings.html)");
    }
  }

  void gateways_asns() {
    for (const auto& g : n_.vpn_gateways) check_amazon_asn(g, g.amazon_side_asn, g.at, "a virtual private gateway");
    for (const auto& g : n_.transit_gateways) check_amazon_asn(g, g.amazon_side_asn, g.at, "a transit gateway");
    for (const auto& g : n_.direct_connect_gateways)
      check_amazon_asn(g, g.amazon_side_asn, g.asn_at.line ? g.asn_at : g.at, "a Direct Connect gateway");
  }

  // MACsec (§6): dedicated connections of 10, 100 or 400 Gbps (and LAGs of them); keys are
  // 64-hex-character CKN/CAK pairs or a Secrets Manager ARN; at most three; the encryption
  // modes the API knows, and must/should_encrypt only with MACsec.
  template <class R>
  void check_macsec(const R& r, bool dedicated, const std::string& bandwidth) {
    const bool capable_bandwidth = bandwidth == "10Gbps" || bandwidth == "100Gbps" || bandwidth == "400Gbps";
    if (r.macsec_capable && (!dedicated || !capable_bandwidth)) {
      c_.error(r, r.bandwidth_at.line ? r.bandwidth_at : r.at,
               std::string("MACsec needs a dedicated connection of 10, 100 or 400 Gbps; this is ") +
                   (dedicated ? "a " + bandwidth + " one" : "a hosted connection"),
               "MACsec.html: hosted connections and 1 Gbps ports do not support MACsec");
    }
    if (!r.encryption_mode.empty() && r.encryption_mode != "no_encrypt" &&
        r.encryption_mode != "should_encrypt" && r.encryption_mode != "must_encrypt") {
      c_.error(r, r.encryption_at.line ? r.encryption_at : r.at,
               "unknown encryption mode `" + r.encryption_mode + "`",
               "no_encrypt, should_encrypt or must_encrypt");
    } else if ((r.encryption_mode == "should_encrypt" || r.encryption_mode == "must_encrypt") &&
               !r.macsec_capable) {
      c_.error(r, r.encryption_at.line ? r.encryption_at : r.at,
               "encryption mode " + r.encryption_mode + " needs a MACsec-capable connection",
               "create it with MACsec requested (RequestMACSec)");
    }
    if (!r.macsec_keys.empty() && !r.macsec_capable) {
      c_.error(r, r.macsec_keys.front().at, "MACsec keys on a connection that is not MACsec-capable");
    }
    if (r.macsec_keys.size() > kMaxMacsecKeys) {
      c_.error(r, r.macsec_keys[kMaxMacsecKeys].at,
               "at most " + std::to_string(kMaxMacsecKeys) + " MACsec keys per connection (" +
                   std::to_string(r.macsec_keys.size()) + " given)",
               "a keychain holds up to three CKN/CAK pairs for rollover");
    }
    std::set<std::string> ckns;
    for (const auto& k : r.macsec_keys) {
      if (k.secret_arn.empty()) {
        if (!hex64(k.ckn)) c_.error(r, k.at, "a MACsec CKN is 64 hexadecimal characters", "or give secret_arn");
        if (!hex64(k.cak)) c_.error(r, k.at, "a MACsec CAK is 64 hexadecimal characters", "or give secret_arn");
      } else if (!k.secret_arn.starts_with("arn:")) {
        c_.error(r, k.at, "`" + k.secret_arn + "` is not a Secrets Manager ARN");
      }
      if (!k.ckn.empty() && !ckns.insert(k.ckn).second)
        c_.error(r, k.at, "the CKN is already associated with this connection");
    }
  }

  void connections() {
    for (auto& x : n_.direct_connect_connections) {
      c_.resolve(x, x.lag, {Kind::kDirectConnectLag});
      if (!x.bandwidth.empty() && !(x.hosted ? contains(kHosted, x.bandwidth) : contains(kDedicated, x.bandwidth))) {
        c_.error(x, x.bandwidth_at.line ? x.bandwidth_at : x.at,
                 "`" + x.bandwidth + "` is not a bandwidth of a " + (x.hosted ? "hosted" : "dedicated") + " connection",
                 x.hosted ? "50Mbps to 25Gbps, as the partner offers" : "1Gbps, 10Gbps, 100Gbps or 400Gbps");
      }
      if (x.hosted && x.lag.resolved())
        c_.error(x, x.lag.at, "a hosted connection cannot be a member of a LAG");
      if (x.vlan > 4094) c_.error(x, x.at, "VLAN " + std::to_string(x.vlan) + " is outside 1-4094");
      check_macsec(x, !x.hosted, x.bandwidth);
    }
  }

  void lags() {
    for (Index i = 0; i < n_.direct_connect_connections.size(); ++i) {
      auto& x = n_.direct_connect_connections[i];
      if (!x.lag.resolved()) continue;
      auto& lag = n_.direct_connect_lags[x.lag.index];
      const bool listed = std::any_of(lag.connections.begin(), lag.connections.end(),
                                      [&](const Ref& r) { return r.text == x.id || (!x.name.empty() && r.text == x.name); });
      if (!listed) lag.connections.push_back(Ref{x.id, x.lag.at, i});
    }
    for (auto& lag : n_.direct_connect_lags) {
      c_.resolve_all(lag, lag.connections, {Kind::kDirectConnectConnection});
      if (!lag.bandwidth.empty() && !contains(kDedicated, lag.bandwidth)) {
        c_.error(lag, lag.bandwidth_at.line ? lag.bandwidth_at : lag.at,
                 "`" + lag.bandwidth + "` is not a bandwidth LAG members can have", "1Gbps, 10Gbps, 100Gbps or 400Gbps");
      }
      // §2.5, lags.html: same bandwidth, same location, at most 4 members (2 at 100G and up).
      const std::size_t max = lag.bandwidth == "100Gbps" || lag.bandwidth == "400Gbps" ? 2 : 4;
      std::set<Index> members;
      for (const auto& ref : lag.connections) {
        if (!ref.resolved()) continue;
        if (!members.insert(ref.index).second) continue;
        const auto& m = n_.direct_connect_connections[ref.index];
        if (m.hosted) c_.error(lag, ref.at, "hosted connection " + m.id + " cannot join a LAG");
        if (!lag.bandwidth.empty() && !m.bandwidth.empty() && m.bandwidth != lag.bandwidth) {
          c_.error(lag, ref.at,
                   "member " + m.id + " is " + m.bandwidth + ", the LAG's members are " + lag.bandwidth,
                   "every connection of a LAG has the same bandwidth (lags.html)");
        }
        if (!lag.location.empty() && !m.location.empty() && m.location != lag.location) {
          c_.error(lag, ref.at, "member " + m.id + " is at " + m.location + ", the LAG at " + lag.location,
                   "every connection of a LAG terminates at the same Direct Connect endpoint (lags.html)");
        }
        if (m.lag.resolved() && m.lag.text != lag.id && m.lag.text != lag.name)
          c_.error(lag, ref.at, "member " + m.id + " belongs to another LAG, " + m.lag.text);
      }
      if (members.size() > max) {
        c_.error(lag, lag.at,
                 "a LAG of " + (lag.bandwidth.empty() ? std::string("these") : lag.bandwidth) + " connections has at most " +
                     std::to_string(max) + " members; this one has " + std::to_string(members.size()),
                 "lags.html");
      }
      if (lag.minimum_links > members.size()) {
        c_.error(lag, lag.at,
                 "minimum links " + std::to_string(lag.minimum_links) + " is more than the LAG's " +
                     std::to_string(members.size()) + " member(s): the LAG would never be up");
      }
      check_macsec(lag, true, lag.bandwidth);
    }
  }

  void virtual_interfaces() {
    // VLANs in use per connection or LAG (§2.5: unique per connection).
    std::map<std::pair<Kind, Index>, std::map<std::uint32_t, std::string>> vlans;
    std::map<std::pair<Kind, Index>, std::pair<std::size_t, std::size_t>> counts;  // all, transit
    for (auto& v : n_.virtual_interfaces) {
      const auto kind = c_.resolve(v, v.connection, {Kind::kDirectConnectConnection, Kind::kDirectConnectLag});
      if (kind) v.connection_kind = *kind;
      c_.resolve(v, v.vpn_gateway, {Kind::kVpnGateway});
      c_.resolve(v, v.direct_connect_gateway, {Kind::kDirectConnectGateway});
      const std::string type = virtual_interface_type_name(v.type);
      const Location vlan_at = v.vlan_at.line ? v.vlan_at : v.at;
      if (v.vlan < 1 || v.vlan > 4094) {
        c_.error(v, vlan_at, "VLAN " + std::to_string(v.vlan) + " is outside 1-4094", "802.1Q VLAN ids are 1-4094");
      } else if (v.connection.resolved()) {
        auto [it, fresh] = vlans[{v.connection_kind, v.connection.index}].try_emplace(v.vlan, v.id);
        if (!fresh) {
          c_.error(v, vlan_at,
                   "VLAN " + std::to_string(v.vlan) + " is already used on " + v.connection.text + " by " + it->second,
                   "a VLAN is unique per connection");
        }
      }
      if (v.connection.resolved()) {
        auto& [all, transit] = counts[{v.connection_kind, v.connection.index}];
        ++all;
        transit += v.type == VirtualInterfaceType::kTransit;
        if (v.connection_kind == Kind::kDirectConnectConnection) {
          const auto& x = n_.direct_connect_connections[v.connection.index];
          if (x.hosted && all > 1)
            c_.error(v, v.connection.at, "hosted connection " + x.id + " already has its one virtual interface");
          if (x.hosted && x.vlan && v.vlan && x.vlan != v.vlan) {
            c_.error(v, vlan_at,
                     "VLAN " + std::to_string(v.vlan) + " differs from hosted connection " + x.id + "'s VLAN " +
                         std::to_string(x.vlan),
                     "on a hosted connection the partner sets the VLAN");
          }
        }
        if (all == kMaxVifsPerConnection + 1)
          c_.error(v, v.connection.at, "more than " + std::to_string(kMaxVifsPerConnection) + " virtual interfaces on " + v.connection.text, "limits.html");
        if (v.type == VirtualInterfaceType::kTransit && transit == kMaxTransitVifsPerConnection + 1)
          c_.error(v, v.connection.at, "more than " + std::to_string(kMaxTransitVifsPerConnection) + " transit virtual interfaces on " + v.connection.text, "limits.html");
      }
      // §2.4: customer ASN 1-4294967294.
      if (v.customer_asn == 0 || v.customer_asn == 4294967295u) {
        c_.error(v, v.asn_at.line ? v.asn_at : v.at, "a virtual interface needs the customer's BGP ASN (1-4294967294)");
      }
      // What it connects to.
      switch (v.type) {
        case VirtualInterfaceType::kPrivate:
          if (v.vpn_gateway.empty() == v.direct_connect_gateway.empty())
            c_.error(v, v.at, "a private virtual interface attaches to exactly one of a virtual private gateway or a Direct Connect gateway");
          break;
        case VirtualInterfaceType::kTransit:
          if (v.direct_connect_gateway.empty() || !v.vpn_gateway.empty())
            c_.error(v, v.at, "a transit virtual interface attaches to a Direct Connect gateway (and not to a virtual private gateway)");
          break;
        case VirtualInterfaceType::kPublic:
          if (!v.vpn_gateway.empty() || !v.direct_connect_gateway.empty())
            c_.error(v, v.at, "a public virtual interface attaches to no gateway: it reaches AWS's public prefixes");
          if (v.route_filter_prefixes.empty())
            c_.error(v, v.at, "a public virtual interface needs the customer's prefixes to advertise (route_filter_prefixes)",
                     "public IP prefixes the customer owns");
          break;
      }
      // §2.5: MTU 1500 or jumbo (9001 private, 8500 transit); none on public VIFs.
      const Location mtu_at = v.mtu_at.line ? v.mtu_at : v.at;
      if (v.mtu != 1500) {
        const bool ok = (v.type == VirtualInterfaceType::kPrivate && (v.mtu == 9001 || v.mtu == 8500)) ||
                        (v.type == VirtualInterfaceType::kTransit && v.mtu == 8500);
        if (!ok) {
          c_.error(v, mtu_at, "MTU " + std::to_string(v.mtu) + " is not one a " + type + " virtual interface can have",
                   v.type == VirtualInterfaceType::kPrivate ? "1500 or 9001 (set-jumbo-frames-vif.html)"
                   : v.type == VirtualInterfaceType::kTransit ? "1500 or 8500 (set-jumbo-frames-vif.html)"
                                                               : "1500: public virtual interfaces have no jumbo frames");
        }
      }
      peer_addresses(v);
      // The Amazon side's ASN.
      if (v.type == VirtualInterfaceType::kPublic) {
        v.amazon_side_asn = kPublicVifAmazonAsn;
      } else if (v.vpn_gateway.resolved()) {
        v.amazon_side_asn = n_.vpn_gateways[v.vpn_gateway.index].amazon_side_asn;
      } else if (v.direct_connect_gateway.resolved()) {
        v.amazon_side_asn = n_.direct_connect_gateways[v.direct_connect_gateway.index].amazon_side_asn;
      }
      if (v.amazon_side_asn && v.amazon_side_asn == v.customer_asn) {
        c_.error(v, v.asn_at.line ? v.asn_at : v.at,
                 "the customer ASN " + std::to_string(v.customer_asn) + " is the Amazon side's own",
                 "the session is external BGP: the two sides need different ASNs");
      }
    }
    // A Direct Connect gateway carries private or transit interfaces, not both.
    std::map<Index, std::pair<const VirtualInterface*, const VirtualInterface*>> kinds;
    for (const auto& v : n_.virtual_interfaces) {
      if (!v.direct_connect_gateway.resolved() || v.type == VirtualInterfaceType::kPublic) continue;
      auto& [priv, transit] = kinds[v.direct_connect_gateway.index];
      (v.type == VirtualInterfaceType::kPrivate ? priv : transit) = &v;
      if (priv && transit && &v == (v.type == VirtualInterfaceType::kPrivate ? priv : transit)) {
        c_.error(v, v.direct_connect_gateway.at,
                 "Direct Connect gateway " + v.direct_connect_gateway.text + " has both private (" + priv->id +
                     ") and transit (" + transit->id + ") virtual interfaces",
                 "a Direct Connect gateway serves virtual private gateways over private VIFs or transit gateways over transit VIFs");
      }
    }
  }

  // §2.5: the two peer addresses are of one family, in one prefix, different; private/transit
  // VIFs use link-local or private addresses, public VIFs public ones.
  void peer_addresses(const VirtualInterface& v) {
    const Location at = v.address_at.line ? v.address_at : v.at;
    if (v.amazon_address.has_value() != v.customer_address.has_value()) {
      c_.error(v, at, "give both peer addresses (amazon_address and customer_address) or neither");
      return;
    }
    if (!v.amazon_address) {
      if (v.type == VirtualInterfaceType::kPublic && v.address_family == "ipv4")
        c_.error(v, at, "a public virtual interface needs its public peer addresses (amazon_address, customer_address)");
      return;
    }
    const IpAddress a = *v.amazon_address, b = *v.customer_address;
    const bool want_v6 = v.address_family == "ipv6";
    if (a.family() != b.family() || a.is_v6() != want_v6) {
      c_.error(v, at, "the peer addresses are not both " + std::string(want_v6 ? "IPv6" : "IPv4") +
                          " (address family " + v.address_family + ")");
      return;
    }
    if (a == b) {
      c_.error(v, at, "the Amazon and customer peer addresses are the same, " + a.str());
      return;
    }
    const int len = v.peer_prefix_length;
    if (len <= 0 || len > a.width() - 1 || Prefix(a, len) != Prefix(b, len)) {
      c_.error(v, at,
               "peer addresses " + a.str() + " and " + b.str() + " are not in one /" + std::to_string(len) + " link prefix",
               "e.g. 169.254.255.1/30 and 169.254.255.2/30");
    }
  }

  void direct_connect_gateways() {
    for (auto& g : n_.direct_connect_gateways) {
      for (const auto& ref : g.vpn_gateways) g.associations.push_back({ref, g.allowed_prefixes, ref.at, true});
      std::set<std::pair<Kind, Index>> seen;
      std::size_t vgws = 0, tgws = 0;
      for (auto& a : g.associations) {
        const auto kind = c_.resolve(g, a.gateway, {Kind::kVpnGateway, Kind::kTransitGateway});
        if (!kind) continue;
        a.gateway_kind = *kind;
        if (!seen.insert({*kind, a.gateway.index}).second) {
          c_.error(g, a.at, a.gateway.text + " is associated twice");
          continue;
        }
        (*kind == Kind::kVpnGateway ? vgws : tgws) += 1;
        // §2.4: an associated transit gateway needs an ASN different from the DX gateway's.
        if (*kind == Kind::kTransitGateway) {
          const auto& tgw = n_.transit_gateways[a.gateway.index];
          if (tgw.amazon_side_asn == g.amazon_side_asn) {
            c_.error(g, a.at,
                     "transit gateway " + tgw.id + " and this Direct Connect gateway both have ASN " +
                         std::to_string(g.amazon_side_asn),
                     "an associated transit gateway and Direct Connect gateway need different ASNs (bgp-specific-settings.html)");
          }
          if (a.allowed_prefixes.empty()) {
            c_.error(g, a.at, "an association with transit gateway " + tgw.id + " needs allowed prefixes",
                     "the prefixes advertised on the transit VIFs are exactly these");
          }
        }
        if (a.allowed_prefixes.size() > kMaxAllowedPrefixesPerAssociation) {
          c_.error(g, a.at,
                   std::to_string(a.allowed_prefixes.size()) + " allowed prefixes; an association takes at most " +
                       std::to_string(kMaxAllowedPrefixesPerAssociation),
                   "Direct Connect quotas (limits.html)");
        }
      }
      if (vgws && tgws) {
        c_.error(g, g.at, "a Direct Connect gateway is associated with virtual private gateways or transit gateways, not both");
      }
    }
  }

  // CreateVpnConnection (vpn-limits.html; direct-connect.md §2.5): a tunnel's inside CIDR is a
  // /30 of 169.254.0.0/16, not one of the reserved blocks, and the two tunnels differ.
  void vpn_tunnels() {
    static const Prefix kLinkLocal = *Prefix::parse("169.254.0.0/16");
    static const std::array<Prefix, 7> kReserved = {
        *Prefix::parse("169.254.0.0/30"), *Prefix::parse("169.254.1.0/30"), *Prefix::parse("169.254.2.0/30"),
        *Prefix::parse("169.254.3.0/30"), *Prefix::parse("169.254.4.0/30"), *Prefix::parse("169.254.5.0/30"),
        *Prefix::parse("169.254.169.252/30")};
    for (const auto& vpn : n_.vpn_connections) {
      if (vpn.tunnels.size() > 2)
        c_.error(vpn, vpn.tunnels[2].at, "a VPN connection has two tunnels; " + std::to_string(vpn.tunnels.size()) + " given");
      std::set<Prefix> seen;
      for (const auto& t : vpn.tunnels) {
        if (!t.inside_cidr) continue;
        const Prefix p = *t.inside_cidr;
        if (p.family() == Family::kV4) {
          if (p.length() != 30 || !kLinkLocal.contains(p)) {
            c_.error(vpn, t.at, "tunnel inside CIDR " + p.str() + " is not a /30 of 169.254.0.0/16");
          } else if (std::find(kReserved.begin(), kReserved.end(), p) != kReserved.end()) {
            c_.error(vpn, t.at, "tunnel inside CIDR " + p.str() + " is reserved by AWS",
                     "169.254.0.0/30 to 169.254.5.0/30 and 169.254.169.252/30 cannot be used");
          }
        } else if (p.length() != 126) {
          c_.error(vpn, t.at, "tunnel inside IPv6 CIDR " + p.str() + " is not a /126", "from fd00::/8");
        }
        if (!seen.insert(p).second) c_.error(vpn, t.at, "both tunnels have inside CIDR " + p.str());
        if (!t.pre_shared_key.empty()) {
          // CreateVpnConnection: 8-64 characters of letters, digits, periods and underscores,
          // not starting with zero.
          const bool chars = std::all_of(t.pre_shared_key.begin(), t.pre_shared_key.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_';
          });
          if (t.pre_shared_key.size() < 8 || t.pre_shared_key.size() > 64 || !chars || t.pre_shared_key.front() == '0') {
            c_.error(vpn, t.at, "a tunnel's pre-shared key is 8-64 letters, digits, periods or underscores, not starting with 0");
          }
        }
      }
    }
  }

  FinalizeContext& c_;
  Network& n_;
};

}  // namespace

void finalize_direct_connect(FinalizeContext& c) { DirectConnect(c).run(); }

}  // namespace cloudtwin::model
