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

#include "cloudtwin/vpc/trace.h"
#include "commands.h"
#include "diagram_output.h"

namespace cloudtwin::cli {

namespace {
struct DiagramOptions {
  NetworkOptions network;
  std::string format = "mermaid";
  PacketOptions packet;
};

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
  cmd->add_option("--protocol", o->packet.protocol,
                  "Highlighted trace: tcp, udp, icmp, icmpv6 or a number");
  cmd->add_option("--port", o->packet.port,
                  "Highlighted trace: destination port (ICMP: type); default 443");
  return [o]() {
    auto format = parse_diagram_format(o->format);
    if (!format) return usage_error("bad --format `" + o->format + "`", "mermaid, dot or svg");
    if (o->packet.from.empty() != o->packet.to.empty())
      return usage_error("--from and --to go together", "give both to highlight a path");
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
    Diagram diagram = build_diagram(network, trace ? &*trace : nullptr, title);
    if (*format == DiagramFormat::kMermaid) {
      std::cout << render_mermaid(diagram);
    } else if (*format == DiagramFormat::kDot) {
      std::cout << render_dot(diagram);
    } else {
      std::string svg;
      std::string error;
      if (!run_graphviz(dot, render_dot(diagram), svg, error)) return usage_error(error);
      std::cout << svg;
    }
    return !trace || trace->reachable ? kExitOk : kExitNegative;
  };
}

}  // namespace cloudtwin::cli
