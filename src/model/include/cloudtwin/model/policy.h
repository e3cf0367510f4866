// A policy file of `cloudtwin check` (docs/policies.md) as plain data: rules that name their
// parties as the user wrote them (resolved later against a network) with the packets they
// concern and what they expect. Every item keeps where it was written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/packet.h"

namespace cloudtwin::model {

enum class Expectation : std::uint8_t {
  kIsolated,   // nothing (within the rule's packets) reaches
  kReachable,  // every packet of the rule's packets reaches
  kOnly,       // what reaches lies within `allow`
  kThrough,    // every path of what reaches passes one of `through`
};
const char* expectation_name(Expectation e);  // "isolated", "reachable", "only", "through"

// A name as written: a party (`internet`, `subnet/db`, a CIDR...) or a waypoint.
struct PolicyName {
  std::string text;
  Location at;
};

// One item of `allow:`: a protocol with, optionally, its ports (ICMP: types).
struct AllowedTraffic {
  Protocol protocol;               // all: any protocol
  std::optional<PortRange> ports;  // unset: every port of the protocol
  std::string text;                // as written, e.g. "tcp/5432"
  Location at;
};

struct PolicyRule {
  std::string name;
  std::string description;
  Location at;  // the rule's mapping
  std::vector<PolicyName> from;
  std::vector<PolicyName> to;
  Expectation expect = Expectation::kIsolated;
  Location expect_at;
  // The packets the rule is about; unset: every protocol, every port.
  std::optional<Protocol> protocol;
  std::vector<PortRange> ports;           // destination ports (ICMP: types); empty: any
  std::optional<PortRange> source_ports;  // unset: the source's ephemeral ports
  bool any_source_port = false;           // `source_ports: any`
  std::vector<AllowedTraffic> allow;      // kOnly
  std::vector<PolicyName> through;        // kThrough: any one of these
};

struct Policy {
  std::string path;  // Location::file of every item is 1: this file
  std::string description;
  std::vector<PolicyRule> rules;
};

inline const char* expectation_name(Expectation e) {
  switch (e) {
    case Expectation::kIsolated:
      return "isolated";
    case Expectation::kReachable:
      return "reachable";
    case Expectation::kOnly:
      return "only";
    case Expectation::kThrough:
      return "through";
  }
  return "";
}

}  // namespace cloudtwin::model
