// Rendering a trace for people (aligned hop lists and explanations) and as the stable JSON
// document scripts read.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::cli {

std::string render_trace_text(const vpc::Trace& trace, const std::string& from, const std::string& to);
nlohmann::json render_trace_json(const vpc::Trace& trace);

// The exit status of a verdict: 0 reachable, 1 blocked, 3 inconclusive (commands.h).
inline int verdict_exit(vpc::Verdict v) {
  switch (v) {
    case vpc::Verdict::kReachable: return 0;
    case vpc::Verdict::kBlocked: return 1;
    case vpc::Verdict::kInconclusive: return 3;
  }
  return 3;
}

}  // namespace cloudtwin::cli
