// `cloudtwin routes --admin ADDR:PORT [--json]`: the sessions a running `serve bgp` plays AWS's
// side of and the routes it learned on each from the customer's routers, as a table or as the
// JSON `trace --routes FILE` reads back (bgp_admin.h).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "admin_client.h"
#include "bgp_admin.h"
#include "commands.h"

namespace cloudtwin::cli {

namespace {

struct RoutesOptions {
  std::string admin;
  bool json = false;
};

std::string text_of(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string render_text(const nlohmann::json& j) {
  std::ostringstream out;
  const auto& sessions = j.at("sessions");
  out << sessions.size() << " BGP session(s):\n";
  for (const auto& s : sessions) {
    out << "  " << std::left << std::setw(28) << text_of(s.at("name")) << " " << std::setw(12)
        << text_of(s.at("state")) << " AS" << text_of(s.at("local_asn")) << " " << text_of(s.at("local_address"))
        << " <-> AS" << text_of(s.at("peer_asn")) << " " << text_of(s.at("peer_address"));
    if (s.contains("prefixes_received"))
      out << ", " << text_of(s.at("prefixes_received")) << " prefix(es) received";
    out << ", " << s.at("advertised").size() << " advertised\n";
    if (s.contains("not_running")) out << "      not running: " << text_of(s.at("not_running")) << "\n";
    const std::string reason = s.value("last_reason", "");
    if (!reason.empty() && s.value("state", "") != "Established") out << "      last change: " << reason << "\n";
  }
  if (j.contains("tables") && j.at("tables").is_array()) {
    for (const auto& t : j.at("tables")) {
      out << "virtual private gateway " << text_of(t.at("gateway"));
      if (!text_of(t.at("name")).empty() && t.at("name") != t.at("gateway")) out << " (" << text_of(t.at("name")) << ")";
      out << ": " << t.at("prefixes").size() << " prefix(es) towards on-premises\n";
      for (const auto& p : t.at("prefixes")) {
        bool first = true;
        for (const auto& c : p.at("candidates")) {
          out << "  " << std::left << std::setw(20) << (first ? text_of(p.at("prefix")) : "") << (first ? " -> " : "    ")
              << text_of(c.at("via")) << " (" << text_of(c.at("source"));
          if (c.contains("local_preference")) out << ", local preference " << text_of(c.at("local_preference"));
          if (c.contains("as_path_length")) out << ", AS_PATH " << text_of(c.at("as_path_length"));
          if (c.contains("med")) out << ", MED " << text_of(c.at("med"));
          out << ")";
          if (first && !text_of(p.at("why")).empty() && p.at("candidates").size() > 1) out << ": " << text_of(p.at("why"));
          out << "\n";
          first = false;
        }
      }
    }
  }
  auto propagated = [&](const char* key, const char* what, const char* via) {
    if (!j.contains(key)) return;
    for (const auto& t : j.at(key)) {
      out << what << " " << text_of(t.at("route_table"));
      if (!text_of(t.at("name")).empty() && t.at("name") != t.at("route_table")) out << " (" << text_of(t.at("name")) << ")";
      out << ": " << t.at("propagated").size() << " propagated route(s)\n";
      for (const auto& r : t.at("propagated"))
        out << "  " << std::left << std::setw(20) << text_of(r.at("destination")) << " -> " << text_of(r.at(via)) << " ("
            << text_of(r.contains("origin") ? r.at("origin") : r.at("type")) << ")\n";
    }
  };
  propagated("route_tables", "route table", "target");
  propagated("transit_gateway_route_tables", "transit gateway route table", "attachment");
  if (j.contains("learned")) {
    const auto& learned = j.at("learned");
    out << learned.size() << " learned route(s):\n";
    for (const auto& r : learned) {
      std::string path, communities;
      for (const auto& a : r.at("as_path")) path += (path.empty() ? "" : " ") + text_of(a);
      for (const auto& c : r.at("communities")) communities += (communities.empty() ? "" : " ") + text_of(c);
      out << "  " << std::left << std::setw(20) << text_of(r.at("prefix")) << " via " << std::setw(28)
          << text_of(r.at("session")) << " AS_PATH " << (path.empty() ? "(empty)" : path);
      if (!r.at("med").is_null()) out << ", MED " << text_of(r.at("med"));
      if (!communities.empty()) out << ", communities " << communities;
      out << "\n";
    }
  }
  return out.str();
}

int run(const RoutesOptions& o) {
  std::string error;
  auto r = admin_call(o.admin, "GET", "/routes", "", error);
  if (!r || r->status != 200) {
    std::cerr << "error: " << (r ? "the speaker answered " + std::to_string(r->status) : error) << "\n";
    return kExitBadInput;
  }
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("sessions")) {
    std::cerr << "error: the admin endpoint at " << o.admin << " did not answer `serve bgp` JSON\n";
    return kExitBadInput;
  }
  if (o.json) {
    std::cout << r->body;
  } else {
    std::cout << render_text(j);
  }
  return kExitOk;
}

}  // namespace

Runner add_routes_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "routes", "Show the BGP sessions of a running `serve bgp` and the routes learned on each");
  auto o = std::make_shared<RoutesOptions>();
  cmd->add_option("--admin", o->admin, "The speaker's --admin ADDR:PORT")->required();
  cmd->add_flag("--json", o->json, "Print JSON (what `trace --routes FILE` reads)");
  return [o] { return run(*o); };
}

}  // namespace cloudtwin::cli
