// The two ends of a trace, as the user names them on the command line: an instance or ENI (id
// or name), an address inside the network, `internet[:ADDRESS]`, or an on-premises network or
// address.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::vpc {

enum class EndpointKind : std::uint8_t {
  kNetworkInterface,  // an ENI (an instance's primary ENI when named by instance)
  kInternet,
  kOnPremises,
  kService,  // an AWS service reached through a gateway endpoint (an address in its prefix list)
  kAddress,  // an address inside a VPC that no ENI holds
};

// A load balancer is named by its first node's network interface: a walk that reaches any
// listener of the load balancer at that node ends there (src/vpc/load_balancer.cc).
struct Endpoint {
  EndpointKind kind = EndpointKind::kInternet;
  model::Index index = model::kNone;  // ENI, on-premises network, or prefix list
  std::optional<IpAddress> address;   // unset: chosen by the trace (e.g. the ENI's primary IP)
  std::string label;                  // as the user wrote it
  std::optional<std::uint16_t> port;  // a listener named as `LOAD-BALANCER:PORT`
};

struct EndpointParse {
  std::optional<Endpoint> endpoint;
  std::string error;  // set when endpoint is not
  std::string hint;
};

// Parses SRC/DST. Names and ids are matched against instances, ENIs, load balancers (`NAME` or
// `NAME:PORT` for one listener) and on-premises networks.
[[nodiscard]] EndpointParse parse_endpoint(const model::Network& network, std::string_view text);

// When `text` names several resources of `kinds` (a Name tag shared by two instances), the error
// listing them with their ids; nullopt when it names at most one.
[[nodiscard]] std::optional<EndpointParse> ambiguous_name(const model::Network& network,
                                                          std::string_view text,
                                                          std::span<const model::Kind> kinds);

// Why `a` cannot be an address on the internet (loopback, unspecified, link-local, multicast or
// reserved), or empty. Private addresses are allowed: they show internet gateways dropping them.
[[nodiscard]] std::string not_internet_reason(IpAddress a);

}  // namespace cloudtwin::vpc
