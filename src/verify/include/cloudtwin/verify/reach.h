// Reachability for all packets: which headers from one party arrive at another, found by
// walking one representative packet per class of packets that the network treats alike. Each
// walk's path condition (path_condition.h) is the whole class, so the classes partition the
// query's header space exactly and each comes with the concrete trace of its representative.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/verify/header_space.h"
#include "cloudtwin/verify/path_condition.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::verify {

// One side of a query: a set of ENIs, the internet, or an on-premises network.
struct Party {
  enum class Kind : std::uint8_t { kInterfaces, kInternet, kOnPremises };
  Kind kind = Kind::kInterfaces;
  std::vector<model::Index> interfaces;  // kInterfaces
  model::Index on_premises = model::kNone;
  std::optional<Prefix> within;  // narrows the internet or an on-premises network to a CIDR
  std::string label;             // as the user named it
};

struct PartyParse {
  std::optional<Party> party;
  std::string error;
  std::string hint;
};

// Resolves what the user named: an instance or ENI (id, name), a subnet, a VPC or a security
// group (id or name: their ENIs), `internet` or a public CIDR, an on-premises network or a CIDR
// inside one. A kind prefix picks among equal names: `subnet/app`, `vpc/prod`, `sg/db`.
[[nodiscard]] PartyParse parse_party(const model::Network& n, std::string_view text);

// The addresses a party sends from (as source) or is reached at (as destination).
[[nodiscard]] bdd party_addresses(const model::Network& n, const Party& p, model::Index eni,
                                  bool as_source, Block b);
// The walker's end for a party: ENI `eni` of a set of interfaces, the internet, or the
// on-premises network.
[[nodiscard]] vpc::Endpoint party_endpoint(const Party& p, model::Index eni);
// ENI `eni` as an endpoint.
[[nodiscard]] vpc::Endpoint interface_endpoint(model::Index eni);
// Public addresses: IPv4 outside RFC 1918/6598 and the special-use blocks, IPv6 2000::/3.
[[nodiscard]] bdd internet_addresses(Block b);

// A set of packets that the network treats alike, with the trace of one of them.
struct Flow {
  bdd packets;
  vpc::Trace trace;
  model::Index source_interface = model::kNone;       // kNone: the internet / on-premises
  model::Index destination_interface = model::kNone;  // likewise
  // The security groups and network ACLs whose rules the class depends on (sorted).
  std::vector<model::Index> security_groups;
  std::vector<model::Index> network_acls;
};

struct ReachOptions {
  bdd headers = bddtrue;         // protocol, ports... (the query's own restriction)
  bool any_source_port = false;  // default: the source's ephemeral port range
  std::size_t max_walks = 1'000'000;
};

struct ReachResult {
  bdd reachable = bddfalse;  // every packet that arrives (and whose reply returns), for certain
  // Every packet whose verdict depends on what cloudtwin cannot know (vpc::Verdict): neither
  // reachable nor blocked for certain. Disjoint from `reachable`.
  bdd inconclusive = bddfalse;
  bdd queried = bddfalse;    // every packet asked about
  std::vector<Flow> flows;   // reachable, inconclusive and blocked, partitioning `queried`
  std::size_t left_out = 0;  // flows not kept in `flows` (reach_by_class's `leave_out`)
  std::size_t walks = 0;
  bool truncated = false;  // max_walks ran out
};

[[nodiscard]] ReachResult reach(Compiled& c, const Party& from, const Party& to,
                                const ReachOptions& options = {});

// The pieces reach() is made of, for engines that answer many queries (matrix.h,
// incremental.h): the endpoints a party stands for; whether reach() asks about a pair (not an
// endpoint to itself, not the internet to the internet); the packets one source endpoint sends
// (its addresses, the query's headers, its ephemeral source ports). reach() explores
// source_space(s) & party_addresses(to, d, as destination) for every pair asked about.
[[nodiscard]] std::vector<vpc::Endpoint> endpoints(const Party& p);
[[nodiscard]] bool queried_pair(const vpc::Endpoint& s, const vpc::Endpoint& d);
[[nodiscard]] bdd source_space(const model::Network& n, const Party& from, const vpc::Endpoint& s,
                               const ReachOptions& options);

// explore() for packets from one address to one address (`space` holds no others): the walks
// keep only protocol and ports in their conditions (PathCondition's pinned form), several times
// cheaper. Flows come out as explore() would make them, with `packets` over all fields.
void explore_pinned(Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination,
                    IpAddress src, IpAddress dst, const bdd& space, ReachResult& out,
                    std::size_t max_walks);
// The same over a space already over protocol and ports (bdd_restrict'ed to the two addresses):
// the flows' packets, `reachable` and `inconclusive` are over protocol and ports too.
void explore_pinned_space(Compiled& c, const vpc::Endpoint& source,
                          const vpc::Endpoint& destination, IpAddress src, IpAddress dst,
                          const bdd& space, ReachResult& out, std::size_t max_walks);
// Only the protocol-and-port part of what arrives (the addresses are `src` and `dst`), no
// flows kept: the matrix's inner loop. Adds the walks to `walks`.
[[nodiscard]] bdd reachable_pinned(Compiled& c, const vpc::Endpoint& source,
                                   const vpc::Endpoint& destination, IpAddress src, IpAddress dst,
                                   const bdd& space, std::size_t& walks);

// The same, given the space already over protocol and ports (bdd_restrict'ed to the two
// addresses). `first` stops at the first reachable class (a non-empty subset, for yes-or-no).
// The inconclusive packets go to `inconclusive` when given (with `first`, those of the classes
// walked before the first reachable one), and the rule lists the walks read to `read`.
[[nodiscard]] bdd reachable_pinned_space(Compiled& c, const vpc::Endpoint& source,
                                         const vpc::Endpoint& destination, IpAddress src,
                                         IpAddress dst, const bdd& space, std::size_t& walks,
                                         bool first = false, bdd* inconclusive = nullptr,
                                         RulesRead* read = nullptr);

// The addresses of ENI `eni` as a party (party_addresses' kInterfaces case), sorted: its own,
// and as a destination its public addresses and those it is reached at as a load balancer's
// target (the nodes, and the interface endpoints of the endpoint services the load balancer
// backs).
[[nodiscard]] std::vector<IpAddress> interface_addresses(const model::Network& n, model::Index eni,
                                                         bool as_source);

// A yes-or-no answer needs one reachable packet: whether the first packet of `space` (from
// `addresses` when given, `space` being then over protocol and ports) reaches, by one walk
// without a path condition. Reachable: the packets of `space` with its protocol and ports (and
// its addresses, when `space` holds them); otherwise bddfalse, and the classes must follow.
// The rule lists the walk read go to `read`.
[[nodiscard]] bdd first_reachable(
    Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination, const bdd& space,
    std::size_t& walks, RulesRead* read = nullptr,
    std::optional<std::pair<IpAddress, IpAddress>> addresses = std::nullopt);

// The classes of one pair of endpoints within `space`, appended to `out`.
void explore(Compiled& c, const vpc::Endpoint& source, const vpc::Endpoint& destination,
             const bdd& space, ReachResult& out, std::size_t max_walks);

}  // namespace cloudtwin::verify
