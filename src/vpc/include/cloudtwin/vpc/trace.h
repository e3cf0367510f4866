// The packet's journey: one concrete packet in, the hops it takes (forward and return), the
// verdict and the Reachability Analyzer explanation codes out. Pure function of the network.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/network.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/observer.h"

namespace cloudtwin::vpc {

// The rule that decided at a hop: a route, a network ACL entry or a security group rule.
struct Rule {
  std::string kind;  // "route", "network-acl-entry", "security-group-rule", "transit-gateway-route"
  std::string text;  // human-readable
  int rule_number = 0;         // network ACL entries
  std::string destination;     // routes
  std::string target;          // routes
  std::string origin;          // routes
  std::string action;          // allow / deny / forward
  std::string security_group;  // security group rules
  bool implicit = false;       // materialised by AWS (local route, default rule, "*" deny)
};

struct Hop {
  std::string component_type;  // AWS type name: "NetworkInterface", "NetworkAcl", ...
  std::string component_id;
  std::string component_name;
  std::string direction;  // "egress" / "ingress" where it matters
  std::optional<Rule> rule;
  std::optional<Header> inbound_header;  // set where the component changes the header
  std::optional<Header> outbound_header;
  std::string note;
};

struct Explanation {
  std::string code;  // Reachability Analyzer's ExplanationCode, e.g. ENI_SG_RULES_MISMATCH
  std::string component_type;
  std::string component_id;
  std::string direction;  // "egress" / "ingress" / ""
  std::string path;       // "forward" / "return"
  std::string message;    // what happened, in words
  std::string hint;       // a one-line fix
};

struct Query {
  Endpoint source;
  Endpoint destination;
  Protocol protocol{Protocol::kTcp};
  std::uint16_t destination_port = 443;      // ICMP: the type
  std::optional<std::uint16_t> source_port;  // default: from the source's ephemeral range
  // A load balancer (one of its nodes, as parse_endpoint() names it) the packet is addressed to,
  // for a destination behind it. From the internet, a destination without a public address of
  // its own is reached through an internet-facing load balancer that sends to it, unset or not.
  std::optional<Endpoint> through;
};

// What a walk concludes. kInconclusive: the answer depends on something cloudtwin cannot know
// (a route to a component it does not model, a rule whose peer is unknown offline, a value
// known only after apply, a stand-in for a parameter); `unknowns` names each.
enum class Verdict : std::uint8_t { kBlocked, kReachable, kInconclusive };
const char* verdict_name(Verdict v);  // "blocked", "reachable", "inconclusive"

struct Trace {
  bool reachable = false;  // verdict == kReachable: reachable for certain
  Verdict verdict = Verdict::kBlocked;
  Header header;  // the packet as the source sends it
  std::vector<Hop> forward;
  std::vector<Hop> reverse;
  // Why not reachable (empty when reachable). When inconclusive: where the path cloudtwin can
  // see ends, if it ends in a drop.
  std::vector<Explanation> explanations;
  std::vector<Explanation> notes;  // informational (NAT, hairpin...)
  // What the verdict depends on that cloudtwin cannot know (empty unless inconclusive).
  std::vector<Explanation> unknowns;
};

[[nodiscard]] Trace trace(const model::Network& network, const Query& query);

// How much of a walk trace_packet() keeps: everything, or the verdict and the explanations
// without the hops (a walk then costs a fraction: the all-pairs matrix reads only verdicts).
enum class Detail : std::uint8_t { kFull, kVerdict };

// One walk of the concrete packet `header` from `source` to `destination` (whose addresses it
// carries), telling `observer`, when given, of every test the walk makes on the packet's
// fields. trace() is this with the header chosen from the query.
[[nodiscard]] Trace trace_packet(const model::Network& network, const Endpoint& source,
                                 const Endpoint& destination, const Header& header,
                                 PathObserver* observer, Detail detail = Detail::kFull);

}  // namespace cloudtwin::vpc
