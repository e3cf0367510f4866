// Helpers for reader tests that end in a trace: one packet between two named endpoints.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cloudtwin/load/load.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::load::testing {

inline std::string dump_diagnostics(const Diagnostics& d) {
  std::string s;
  for (const auto& item : d.items()) s += "  " + item.str() + "\n";
  return s.empty() ? "  (no diagnostics)\n" : s;
}

inline std::size_t count_errors(const Diagnostics& d) { return d.error_count(); }

inline std::size_t count_warnings_containing(const Diagnostics& d, const std::string& text) {
  std::size_t n = 0;
  for (const auto& item : d.items()) {
    if (item.severity == Severity::kWarning && item.message.find(text) != std::string::npos) ++n;
  }
  return n;
}

struct TraceResult {
  bool ok = false;  // both endpoints parsed
  std::string error;
  vpc::Trace trace;
  std::vector<std::string> codes;
};

inline TraceResult trace_between(const model::Network& n, const std::string& from,
                                 const std::string& to, std::uint16_t port = 443,
                                 const std::string& protocol = "tcp",
                                 const std::string& through = "") {
  TraceResult r;
  auto src = vpc::parse_endpoint(n, from);
  auto dst = vpc::parse_endpoint(n, to);
  if (!src.endpoint || !dst.endpoint) {
    r.error = src.endpoint ? dst.error : src.error;
    return r;
  }
  vpc::Query q;
  q.source = *src.endpoint;
  q.destination = *dst.endpoint;
  if (!through.empty()) {
    // A load balancer (or one of its nodes' interfaces) the packet is addressed to.
    auto via = vpc::parse_endpoint(n, through);
    if (!via.endpoint) {
      r.error = via.error;
      return r;
    }
    q.through = *via.endpoint;
  }
  q.protocol = *Protocol::parse(protocol);
  q.destination_port = port;
  r.trace = vpc::trace(n, q);
  for (const auto& e : r.trace.explanations) r.codes.push_back(e.code);
  r.ok = true;
  return r;
}

}  // namespace cloudtwin::load::testing
