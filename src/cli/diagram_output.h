// The topology of a network as a picture: VPCs, subnets, gateways, peering, transit gateways and
// on-premises networks grouped by account/Region and VPC, with an optional traced path
// highlighted. Pure functions of the network and the trace; the same Diagram is rendered as a
// Mermaid flowchart (for Markdown) or a Graphviz DOT graph (and from there SVG).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::cli {

enum class DiagramFormat : std::uint8_t { kMermaid, kDot, kSvg };
[[nodiscard]] std::optional<DiagramFormat> parse_diagram_format(std::string_view text);

enum class NodeStyle : std::uint8_t { kPlain, kPath, kDrop, kNote };

struct DiagramNode {
  std::string id;     // deterministic: kind prefix + model index ("subnet3", "igw0")
  std::string label;  // lines separated by '\n'; escaped by the renderers
  std::string shape;  // "box", "round", "cloud", "note"
  NodeStyle style = NodeStyle::kPlain;
};

// A subgraph (Mermaid) or cluster (DOT): an account/Region, a VPC or a subnet.
struct DiagramGroup {
  std::string id;
  std::string label;
  std::vector<std::string> nodes;  // node ids directly inside
  std::vector<DiagramGroup> groups;
};

struct DiagramEdge {
  std::string from;
  std::string to;
  std::string label;
  bool path = false;     // a step of the highlighted trace
  bool dropped = false;  // from the node where the trace was dropped to its explanation
};

struct Diagram {
  std::vector<DiagramNode> nodes;    // in declaration order
  std::vector<DiagramGroup> groups;  // top level
  std::vector<std::string> outside;  // node ids outside every group
  std::vector<DiagramEdge> edges;
  std::string title;
};

// Builds the topology; when `highlight` is set, marks the forward path's components, numbers
// the steps and attaches each explanation (code and component) where the packet was dropped.
[[nodiscard]] Diagram build_diagram(const model::Network& network, const vpc::Trace* highlight,
                                    std::string title = {});

[[nodiscard]] std::string render_mermaid(const Diagram& diagram);
[[nodiscard]] std::string render_dot(const Diagram& diagram);

// Label escaping, exposed for tests.
[[nodiscard]] std::string escape_mermaid(std::string_view text);
[[nodiscard]] std::string escape_dot(std::string_view text);

}  // namespace cloudtwin::cli
