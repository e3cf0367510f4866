// What finalize()'s steps in other files may use of the finalizer: reference resolution against
// the ids read so far, registering a resource finalize() adds, free subnet addresses, and located
// diagnostics. Internal to src/model.
#pragma once

#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "cloudtwin/model/network.h"

namespace cloudtwin::model {

class FinalizeContext {
 public:
  virtual ~FinalizeContext() = default;
  [[nodiscard]] virtual Network& network() = 0;
  // Resolves `ref` to one resource of one of `kinds` (an error if it names none or several).
  virtual std::optional<Kind> resolve(const Resource& owner, Ref& ref,
                                      std::initializer_list<Kind> kinds) = 0;
  // Whether `text` names a resource of one of `kinds` (no diagnostic either way).
  [[nodiscard]] virtual bool names_any(std::string_view text, std::initializer_list<Kind> kinds) = 0;
  // Makes a resource finalize() added findable by its id and name.
  virtual void add_key(Kind kind, Index index) = 0;
  // The lowest address of `subnet` no interface holds, now taken.
  virtual IpAddress first_free_address(Index subnet) = 0;
  // A public IPv4 address for a resource whose input gives none (an internet-facing load
  // balancer node): RFC 5737's 192.0.2.0/24, never a real customer's, unused elsewhere.
  virtual IpAddress stand_in_public_address() = 0;
  virtual void error(const Resource& r, Location at, std::string message, std::string hint = {}) = 0;
  virtual void warning(const Resource& r, Location at, std::string message,
                       std::string hint = {}) = 0;
  // A warning that the model leaves something out or cannot know it (Gap).
  virtual void gap(Gap g, std::string key, const Resource& r, Location at, std::string message,
                   std::string hint = {}) = 0;

  void resolve_all(const Resource& owner, std::vector<Ref>& refs,
                   std::initializer_list<Kind> kinds) {
    for (auto& r : refs) resolve(owner, r, kinds);
  }
};

// The part of an id that names what finalize() makes from it: an ARN's last part
// ("app/web/50dc6c495c0c9188" -> "50dc6c495c0c9188"), an id's suffix ("subnet-0a1b" -> "0a1b").
inline std::string made_id_part(std::string_view id) {
  if (auto slash = id.rfind('/'); slash != std::string_view::npos) id.remove_prefix(slash + 1);
  if (auto dash = id.find('-'); dash != std::string_view::npos && dash < 8) id.remove_prefix(dash + 1);
  std::string out;
  for (char ch : id) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-';
  return out;
}

// Elastic Load Balancing and Auto Scaling (finalize_load_balancers.cc), in finalize()'s order:
// references; nodes' interfaces and the Auto Scaling groups' representative instances (before
// interfaces get addresses and groups); listeners, rules and targets (once every interface has
// its addresses).
void resolve_load_balancing(FinalizeContext& c);
void materialise_load_balancing(FinalizeContext& c);
void link_load_balancing(FinalizeContext& c);

// Interface and Gateway Load Balancer endpoints (finalize_vpc_endpoints.cc): their network
// interfaces (before interfaces get addresses and groups), then the endpoint services they
// connect to (PrivateLink), checked as the EC2 API checks them.
void materialise_vpc_endpoints(FinalizeContext& c);
void link_vpc_endpoints(FinalizeContext& c);

// AWS Network Firewall (finalize_firewalls.cc): each firewall's endpoints become VPC endpoints
// (right after indexing, so that routes resolve to them), then policies and rule groups are
// resolved, and stateful rules' addresses and ports resolved against the rule variables.
void materialise_firewall_endpoints(FinalizeContext& c);
void resolve_firewalls(FinalizeContext& c);
void link_firewalls(FinalizeContext& c);

// Route 53 (finalize_route53.cc), after load balancers are linked (aliases may name them): zones'
// names, VPC associations and delegation sets; record sets' names, zones, routing policies,
// values and alias targets, checked as Route 53 checks a change batch; Route 53's own SOA and
// NS record sets at the apex of a zone that has none.
void finalize_route53(FinalizeContext& c);

// CloudFront (finalize_cloudfront.cc), after load balancers (origins may be theirs): key groups'
// keys, distributions' origins, origin groups, behaviours and their policies (a managed policy
// named by id joins the network), custom error responses and aliases, checked as CloudFront's
// API checks them.
void finalize_cloudfront(FinalizeContext& c);

// Direct Connect and the hybrid gateways (finalize_direct_connect.cc): connections, LAGs and
// virtual interfaces resolved; Direct Connect gateways' associations; VPN tunnels; the Amazon
// side's ASNs; checked as the Direct Connect and EC2 APIs check them (direct-connect.md §2, §6).
void finalize_direct_connect(FinalizeContext& c);

}  // namespace cloudtwin::model
