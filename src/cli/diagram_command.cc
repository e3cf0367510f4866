// `cloudtwin diagram NETWORK [--format mermaid|dot|svg] [--from SRC --to DST ...]`: the
// topology as a picture, optionally with one traced packet's path highlighted.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cloudtwin/vpc/trace.h"
#include "commands.h"
#include "diagram_output.h"
#include "output_file.h"

namespace cloudtwin::cli {

namespace {
struct DiagramOptions {
  NetworkOptions network;
  std::string format = "mermaid";
  PacketOptions packet;
  std::string highlight;  // a `trace --json` document
  std::string output;
};

// The trace of a `cloudtwin trace --json` document: its hops and explanations, which is what
// the diagram draws. nullopt with `error` set when the file is not such a document.
std::optional<vpc::Trace> read_trace_json(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read `" + path + "`";
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("forward") || !j["forward"].is_array() ||
      !j.contains("reachable") || !j["reachable"].is_boolean()) {
    error = "`" + path + "` is not the JSON of `cloudtwin trace --json`";
    return std::nullopt;
  }
  auto text = [](const nlohmann::json& o, const char* key) {
    return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
  };
  vpc::Trace t;
  t.reachable = j["reachable"].get<bool>();
  for (const char* list : {"forward", "return"}) {
    if (!j.contains(list) || !j[list].is_array()) continue;
    for (const auto& h : j[list]) {
      if (!h.is_object()) continue;
      vpc::Hop hop;
      if (h.contains("component") && h["component"].is_object()) {
        hop.component_type = text(h["component"], "type");
        hop.component_id = text(h["component"], "id");
        hop.component_name = text(h["component"], "name");
      }
      hop.direction = text(h, "direction");
      (std::string(list) == "forward" ? t.forward : t.reverse).push_back(std::move(hop));
    }
  }
  if (j.contains("explanations") && j["explanations"].is_array()) {
    for (const auto& e : j["explanations"]) {
      if (!e.is_object()) continue;
      const nlohmann::json none = nlohmann::json::object();
      const auto& c = e.contains("component") && e["component"].is_object() ? e["component"] : none;
      t.explanations.push_back({text(e, "code"), text(c, "type"), text(c, "id"),
                                text(e, "direction"), text(e, "path"), text(e, "message"),
                                text(e, "hint")});
    }
  }
  return t;
}

// Graphviz's `dot` on PATH, or empty.
std::string find_dot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/dot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// Runs `dot -Tsvg` on the DOT text (through a temporary file, so a large graph cannot
// deadlock a pipe in both directions). False with a message on failure.
bool run_graphviz(const std::string& dot, const std::string& text, std::string& svg,
                  std::string& error) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "cloudtwin-diagram-XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    error = "cannot create a temporary file";
    return false;
  }
  ::close(fd);
  {
    std::ofstream f(tmpl, std::ios::binary);
    f << text;
    f.close();
    if (!f) {
      std::filesystem::remove(tmpl);
      error = "cannot write the temporary file " + tmpl;
      return false;
    }
  }
  std::string command = "'" + dot + "' -Tsvg '" + tmpl + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::filesystem::remove(tmpl);
    error = "cannot run " + dot;
    return false;
  }
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) svg.append(buffer.data(), n);
  int status = ::pclose(pipe);
  std::filesystem::remove(tmpl);
  if (status != 0) {
    error = dot + " -Tsvg failed (status " + std::to_string(WEXITSTATUS(status)) + ")";
    return false;
  }
  return true;
}
}  // namespace

Runner add_diagram_command(CLI::App& app) {
  auto o = std::make_shared<DiagramOptions>();
  auto* cmd = app.add_subcommand(
      "diagram", "Draw the topology (Mermaid, DOT or SVG), optionally highlighting a traced path");
  add_network_options(*cmd, o->network);
  cmd->add_option("--format", o->format, "mermaid (default), dot, or svg (needs Graphviz)");
  cmd->add_option("--from", o->packet.from,
                  "Highlight the path of a trace from SRC (as `trace --from`)");
  cmd->add_option("--to", o->packet.to, "Highlight the path of a trace to DST (as `trace --to`)");
  add_packet_options(*cmd, o->packet, "Highlighted trace: ");
  cmd->add_option("--highlight", o->highlight,
                  "Highlight the path of a saved trace (the output of `cloudtwin trace --json`)")
      ->type_name("FILE");
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of standard output");
  return [o]() {
    auto format = parse_diagram_format(o->format);
    if (!format) return usage_error("bad --format `" + o->format + "`", "mermaid, dot or svg");
    if (o->packet.from.empty() != o->packet.to.empty())
      return usage_error("--from and --to go together", "give both to highlight a path");
    if (!o->highlight.empty() && !o->packet.from.empty())
      return usage_error("--highlight and --from/--to both name a path", "give one of them");
    std::string dot;
    if (*format == DiagramFormat::kSvg) {
      dot = find_dot();
      if (dot.empty())
        return usage_error("--format svg needs Graphviz's `dot` on PATH",
                           "install the Debian package `graphviz`");
    }
    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(o->network, network, diagnostics, false)) return kExitBadInput;
    std::optional<vpc::Trace> trace;
    std::string title;
    if (!o->packet.from.empty()) {
      auto q = make_query(network, o->packet);
      if (!q) return kExitBadInput;
      trace = vpc::trace(network, *q);
      title = o->packet.from + " -> " + o->packet.to + " " + q->protocol.str() + "/" +
              std::to_string(q->destination_port) + ": " +
              (trace->reachable ? "reachable" : "not reachable");
    }
    if (!o->highlight.empty()) {
      std::string error;
      trace = read_trace_json(o->highlight, error);
      if (!trace) return usage_error("--highlight: " + error, "save one with `cloudtwin trace ... --json > FILE`");
      title = o->highlight + ": " + (trace->reachable ? "reachable" : "not reachable");
    }
    Diagram diagram = build_diagram(network, trace ? &*trace : nullptr, title);
    std::string text;
    if (*format == DiagramFormat::kMermaid) {
      text = render_mermaid(diagram);
    } else if (*format == DiagramFormat::kDot) {
      text = render_dot(diagram);
    } else {
      std::string error;
      if (!run_graphviz(dot, render_dot(diagram), text, error)) return usage_error(error);
    }
    if (o->output.empty()) {
      std::cout << text;
    } else {
      auto inputs = o->network.paths;
      if (!o->highlight.empty()) inputs.push_back(o->highlight);
      if (!write_output_file(o->output, text, inputs)) return kExitBadInput;
    }
    return !trace || trace->reachable ? kExitOk : kExitNegative;
  };
}

}  // namespace cloudtwin::cli
