// Rendering a trace for people (aligned hop lists and explanations) and as the stable JSON
// document scripts read.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::cli {

std::string render_trace_text(const vpc::Trace& trace, const std::string& from, const std::string& to);
nlohmann::json render_trace_json(const vpc::Trace& trace);

}  // namespace cloudtwin::cli
