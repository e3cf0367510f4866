#include "trace_output.h"

#include <sstream>

#include "terminal.h"

namespace cloudtwin::cli {

namespace {

nlohmann::json header_json(const Header& h) {
  nlohmann::json j{{"source", h.src.str()}, {"destination", h.dst.str()}, {"protocol", h.protocol.str()}};
  if (h.protocol.has_ports()) {
    j["source_port"] = h.src_port;
    j["destination_port"] = h.dst_port;
  } else if (h.protocol.is_icmp()) {
    j["icmp_type"] = h.dst_port;
    j["icmp_code"] = h.src_port;
  }
  return j;
}

nlohmann::json hop_json(const vpc::Hop& h, int seq) {
  nlohmann::json j{{"sequence", seq},
                   {"component", {{"type", h.component_type}, {"id", h.component_id}, {"name", h.component_name}}}};
  if (!h.direction.empty()) j["direction"] = h.direction;
  if (h.rule) {
    const auto& r = *h.rule;
    nlohmann::json rule{{"kind", r.kind}, {"text", r.text}, {"action", r.action}, {"implicit", r.implicit}};
    if (r.kind == "network-acl-entry") rule["rule_number"] = r.rule_number;
    if (!r.destination.empty()) rule["destination"] = r.destination;
    if (!r.target.empty()) rule["target"] = r.target;
    if (!r.origin.empty()) rule["origin"] = r.origin;
    if (!r.security_group.empty()) rule["security_group"] = r.security_group;
    j["rule"] = rule;
  }
  if (h.inbound_header) j["inbound_header"] = header_json(*h.inbound_header);
  if (h.outbound_header) j["outbound_header"] = header_json(*h.outbound_header);
  if (!h.note.empty()) j["note"] = h.note;
  return j;
}

nlohmann::json explanation_json(const vpc::Explanation& e) {
  nlohmann::json j{{"code", e.code}, {"path", e.path}, {"message", e.message}};
  j["component"] = {{"type", e.component_type}, {"id", e.component_id}};
  j["direction"] = e.direction;
  if (!e.hint.empty()) j["hint"] = e.hint;
  return j;
}

std::string hop_line(const vpc::Hop& h, int seq) {
  std::ostringstream o;
  std::string who = h.component_id;
  if (!h.component_name.empty() && h.component_name != h.component_id) who += " (" + h.component_name + ")";
  char buf[512];
  std::snprintf(buf, sizeof buf, "  %2d  %-26s %-40s %-7s", seq, h.component_type.c_str(), who.c_str(),
                h.direction.c_str());
  o << buf;
  if (h.rule) {
    o << " " << h.rule->text;
  } else if (!h.note.empty()) {
    o << " " << h.note;
  }
  std::string line = o.str();
  while (!line.empty() && line.back() == ' ') line.pop_back();
  if (h.inbound_header && h.outbound_header) {
    line += "\n        " + h.inbound_header->str() + "  =>  " + h.outbound_header->str();
  }
  return line;
}

}  // namespace

std::string render_trace_text(const vpc::Trace& t, const std::string& from, const std::string& to) {
  std::ostringstream o;
  o << "Trace " << from << " -> " << to << ": " << t.header.str() << "\n\n";
  if (!t.forward.empty()) {
    o << "Forward path\n";
    int i = 1;
    for (const auto& h : t.forward) o << hop_line(h, i++) << "\n";
  }
  if (!t.reverse.empty()) {
    o << "\nReturn path\n";
    int i = 1;
    for (const auto& h : t.reverse) o << hop_line(h, i++) << "\n";
  }
  for (const auto& n : t.notes) o << "\nnote: " << n.code << ": " << n.message << "\n";
  o << "\n";
  auto explain = [&](const vpc::Explanation& e, const char* hint_word) {
    o << "  " << e.code << " (" << e.path << (e.direction.empty() ? "" : ", " + e.direction) << ")";
    if (!e.component_id.empty()) o << " at " << e.component_type << " " << e.component_id;
    o << "\n    " << e.message << "\n";
    if (!e.hint.empty()) o << "    " << hint_word << ": " << e.hint << "\n";
  };
  switch (t.verdict) {
    case vpc::Verdict::kReachable:
      o << paint("REACHABLE", Tone::kGood) << ": " << t.header.str() << " is delivered and its reply returns.\n";
      break;
    case vpc::Verdict::kBlocked:
      o << paint("NOT REACHABLE", Tone::kBad) << "\n";
      for (const auto& e : t.explanations) explain(e, "fix");
      break;
    case vpc::Verdict::kInconclusive:
      o << paint("INCONCLUSIVE", Tone::kUnsure) << ": whether " << t.header.str()
        << " is delivered depends on what cloudtwin cannot know\n";
      for (const auto& e : t.unknowns) explain(e, "note");
      if (!t.explanations.empty()) {
        o << "On the path cloudtwin can follow, it is dropped:\n";
        for (const auto& e : t.explanations) explain(e, "fix");
      }
      break;
  }
  return o.str();
}

nlohmann::json render_trace_json(const vpc::Trace& t) {
  nlohmann::json j;
  j["reachable"] = t.reachable;  // for certain
  j["verdict"] = vpc::verdict_name(t.verdict);
  j["header"] = header_json(t.header);
  j["forward"] = nlohmann::json::array();
  j["return"] = nlohmann::json::array();
  int i = 1;
  for (const auto& h : t.forward) j["forward"].push_back(hop_json(h, i++));
  i = 1;
  for (const auto& h : t.reverse) j["return"].push_back(hop_json(h, i++));
  j["explanations"] = nlohmann::json::array();
  for (const auto& e : t.explanations) j["explanations"].push_back(explanation_json(e));
  j["notes"] = nlohmann::json::array();
  for (const auto& e : t.notes) j["notes"].push_back(explanation_json(e));
  j["unknowns"] = nlohmann::json::array();
  if (t.verdict == vpc::Verdict::kInconclusive) {
    for (const auto& e : t.unknowns) j["unknowns"].push_back(explanation_json(e));
  }
  return j;
}

}  // namespace cloudtwin::cli
