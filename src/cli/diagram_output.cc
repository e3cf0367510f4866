#include "diagram_output.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace cloudtwin::cli {

using model::Index;
using model::kNone;
using model::Network;

std::optional<DiagramFormat> parse_diagram_format(std::string_view text) {
  if (text == "mermaid") return DiagramFormat::kMermaid;
  if (text == "dot") return DiagramFormat::kDot;
  if (text == "svg") return DiagramFormat::kSvg;
  return std::nullopt;
}

namespace {

std::string join_prefixes(const std::vector<Prefix>& prefixes) {
  std::string out;
  for (const auto& p : prefixes) out += (out.empty() ? "" : ", ") + p.str();
  return out;
}

std::string key(std::string_view type, std::string_view id) {
  return std::string(type) + "\n" + std::string(id);
}

class Builder {
 public:
  Builder(const Network& n, std::string title) : n_(n) { d_.title = std::move(title); }

  Diagram build(const vpc::Trace* highlight) {
    add_regions();
    add_outside();
    add_edges();
    if (highlight != nullptr) add_highlight(*highlight);
    return std::move(d_);
  }

 private:
  // ---- nodes -----------------------------------------------------------------------------
  std::string add_node(std::string id, std::string label, std::string shape,
                       std::vector<std::string>& where) {
    pos_[id] = d_.nodes.size();
    d_.nodes.push_back({id, std::move(label), std::move(shape), NodeStyle::kPlain});
    where.push_back(id);
    return id;
  }
  void known_as(std::string_view type, const std::string& aws_id, const std::string& node) {
    by_component_[key(type, aws_id)] = node;
  }

  void add_regions() {
    // Groups ordered by (account, Region) so the output does not depend on input order.
    std::map<std::pair<std::string, std::string>, std::pair<std::vector<Index>, std::vector<Index>>>
        regions;
    auto where = [&](const std::string& account, const std::string& region) {
      return std::make_pair(account.empty() ? n_.default_account : account,
                            region.empty() ? n_.default_region : region);
    };
    for (Index v = 0; v < n_.vpcs.size(); ++v)
      regions[where(n_.vpcs[v].account, n_.vpcs[v].region)].first.push_back(v);
    for (Index t = 0; t < n_.transit_gateways.size(); ++t) {
      const auto& tgw = n_.transit_gateways[t];
      regions[where(tgw.account, tgw.region)].second.push_back(t);
    }
    int r = 0;
    for (const auto& [place, members] : regions) {
      DiagramGroup g{
          "g_region" + std::to_string(r++), "account " + place.first + ", " + place.second, {}, {}};
      for (Index v : members.first) g.groups.push_back(vpc_group(v));
      for (Index t : members.second) {
        const auto& tgw = n_.transit_gateways[t];
        auto id = add_node(
            "tgw" + std::to_string(t),
            "TransitGateway\n" + tgw.label() + "\nASN " + std::to_string(tgw.amazon_side_asn),
            "hex", g.nodes);
        known_as("TransitGateway", tgw.id, id);
      }
      d_.groups.push_back(std::move(g));
    }
  }

  DiagramGroup vpc_group(Index v) {
    const auto& vpc = n_.vpcs[v];
    std::string cidrs = join_prefixes(vpc.cidr_blocks);
    if (!vpc.ipv6_cidr_blocks.empty()) cidrs += ", " + join_prefixes(vpc.ipv6_cidr_blocks);
    DiagramGroup g{"g_vpc" + std::to_string(v), "VPC " + vpc.label() + "\n" + cidrs, {}, {}};
    for (Index s = 0; s < n_.subnets.size(); ++s) {
      if (n_.subnets[s].vpc.index == v) g.groups.push_back(subnet_group(s));
    }
    for (Index i = 0; i < n_.internet_gateways.size(); ++i) {
      const auto& igw = n_.internet_gateways[i];
      if (igw.vpc.index != v) continue;
      known_as("InternetGateway", igw.id,
               add_node("igw" + std::to_string(i), "InternetGateway\n" + igw.label(), "stadium",
                        g.nodes));
    }
    for (Index i = 0; i < n_.egress_only_internet_gateways.size(); ++i) {
      const auto& eigw = n_.egress_only_internet_gateways[i];
      if (eigw.vpc.index != v) continue;
      known_as("EgressOnlyInternetGateway", eigw.id,
               add_node("eigw" + std::to_string(i), "EgressOnlyInternetGateway\n" + eigw.label(),
                        "stadium", g.nodes));
    }
    for (Index i = 0; i < n_.vpn_gateways.size(); ++i) {
      const auto& vgw = n_.vpn_gateways[i];
      if (vgw.vpc.index != v) continue;
      known_as(
          "VPNGateway", vgw.id,
          add_node("vgw" + std::to_string(i), "VPNGateway\n" + vgw.label(), "stadium", g.nodes));
    }
    for (Index i = 0; i < n_.vpc_endpoints.size(); ++i) {
      const auto& ep = n_.vpc_endpoints[i];
      if (ep.vpc.index != v) continue;
      std::string text = "VPCEndpoint\n" + ep.label();
      text += ep.type == model::VpcEndpointType::kFirewall ? "\nfirewall endpoint"
              : ep.service_name.empty()                   ? ""
                                                          : "\n" + ep.service_name;
      known_as("VPCEndpoint", ep.id, add_node("vpce" + std::to_string(i), text, "stadium", g.nodes));
    }
    for (Index i = 0; i < n_.load_balancers.size(); ++i) {
      const auto& lb = n_.load_balancers[i];
      if (lb.vpc != v) continue;
      known_as("LoadBalancer", lb.id,
               add_node("lb" + std::to_string(i),
                        "LoadBalancer\n" + lb.label() + "\n" +
                            model::load_balancer_type_name(lb.type) +
                            (lb.internet_facing ? ", internet-facing" : ", internal"),
                        "hex", g.nodes));
    }
    for (Index i = 0; i < n_.firewalls.size(); ++i) {
      const auto& fw = n_.firewalls[i];
      if (fw.vpc.index != v) continue;
      std::string text = "NetworkFirewall\n" + fw.label();
      if (fw.policy.resolved()) text += "\npolicy " + n_.firewall_policies[fw.policy.index].label();
      known_as("NetworkFirewall", fw.id, add_node("nfw" + std::to_string(i), text, "hex", g.nodes));
    }
    return g;
  }

  DiagramGroup subnet_group(Index s) {
    const auto& subnet = n_.subnets[s];
    DiagramGroup g{"g_subnet" + std::to_string(s), "subnet " + subnet.label(), {}, {}};
    std::string label = subnet.cidr_block ? subnet.cidr_block->str() : "";
    if (subnet.ipv6_cidr_block)
      label += (label.empty() ? "" : "\n") + subnet.ipv6_cidr_block->str();
    if (!subnet.availability_zone.empty()) label += "\n" + subnet.availability_zone;
    std::string anchor = add_node("subnet" + std::to_string(s), label, "box", g.nodes);
    known_as("Subnet", subnet.id, anchor);
    for (Index i = 0; i < n_.network_interfaces.size(); ++i) {
      const auto& eni = n_.network_interfaces[i];
      if (eni.subnet.index != s) continue;
      std::string text = eni.instance.resolved()
                             ? "Instance " + n_.instances[eni.instance.index].label()
                             : "NetworkInterface " + eni.label();
      if (eni.interface_type != "interface") text += "\n" + eni.interface_type.str();
      std::string ips;
      for (const auto& a : eni.private_ips) ips += (ips.empty() ? "" : ", ") + a.str();
      for (const auto& a : eni.ipv6_addresses) ips += (ips.empty() ? "" : ", ") + a.str();
      if (eni.public_ip) ips += " (public " + eni.public_ip->str() + ")";
      if (!ips.empty()) text += "\n" + ips;
      auto id = add_node("eni" + std::to_string(i), text, "round", g.nodes);
      known_as("NetworkInterface", eni.id, id);
      subnet_of_[id] = anchor;
    }
    for (Index i = 0; i < n_.nat_gateways.size(); ++i) {
      const auto& nat = n_.nat_gateways[i];
      if (nat.subnet.index != s) continue;
      std::string text = "NatGateway\n" + nat.label();
      if (nat.private_connectivity) text += "\nprivate";
      auto id = add_node("nat" + std::to_string(i), text, "stadium", g.nodes);
      known_as("NatGateway", nat.id, id);
      subnet_of_[id] = anchor;
    }
    return g;
  }

  std::string internet() {
    if (pos_.count("internet") == 0) add_node("internet", "Internet", "circle", d_.outside);
    return "internet";
  }

  void add_outside() {
    if (!n_.internet_gateways.empty() || !n_.egress_only_internet_gateways.empty()) internet();
    for (Index i = 0; i < n_.vpc_peering_connections.size(); ++i) {
      const auto& pcx = n_.vpc_peering_connections[i];
      known_as("VPCPeeringConnection", pcx.id,
               add_node("pcx" + std::to_string(i),
                        "VPCPeeringConnection\n" + pcx.label() +
                            (pcx.status == "active" ? "" : "\n" + pcx.status),
                        "hex", d_.outside));
    }
    for (Index i = 0; i < n_.direct_connect_gateways.size(); ++i) {
      const auto& dx = n_.direct_connect_gateways[i];
      known_as("DirectConnectGateway", dx.id,
               add_node("dxgw" + std::to_string(i), "DirectConnectGateway\n" + dx.label(), "hex",
                        d_.outside));
    }
    for (Index i = 0; i < n_.vpn_connections.size(); ++i) {
      const auto& vpn = n_.vpn_connections[i];
      known_as(
          "VPNConnection", vpn.id,
          add_node("vpn" + std::to_string(i), "VPNConnection\n" + vpn.label(), "hex", d_.outside));
    }
    for (Index i = 0; i < n_.customer_gateways.size(); ++i) {
      const auto& cgw = n_.customer_gateways[i];
      std::string text = "CustomerGateway\n" + cgw.label();
      if (cgw.ip_address) text += "\n" + cgw.ip_address->str();
      known_as("CustomerGateway", cgw.id,
               add_node("cgw" + std::to_string(i), text, "stadium", d_.outside));
    }
    for (Index i = 0; i < n_.on_premises_networks.size(); ++i) {
      const auto& net = n_.on_premises_networks[i];
      known_as("OnPremisesNetwork", net.id,
               add_node("onprem" + std::to_string(i),
                        "OnPremisesNetwork\n" + net.label() + "\n" + join_prefixes(net.cidrs),
                        "circle", d_.outside));
    }
  }

  // ---- edges -----------------------------------------------------------------------------
  void link(std::string from, std::string to, std::string label = {}) {
    if (from.empty() || to.empty()) return;
    d_.edges.push_back({std::move(from), std::move(to), std::move(label), false, false});
  }
  static std::string id_of(const char* prefix, Index i) {
    return i == kNone ? std::string() : prefix + std::to_string(i);
  }

  std::string route_target(const model::Route& r) const {
    Index t = r.target.index;
    switch (r.target_kind) {
      case model::TargetKind::kInternetGateway:
        return id_of("igw", t);
      case model::TargetKind::kEgressOnlyInternetGateway:
        return id_of("eigw", t);
      case model::TargetKind::kNatGateway:
        return id_of("nat", t);
      case model::TargetKind::kTransitGateway:
        return id_of("tgw", t);
      case model::TargetKind::kVpcPeeringConnection:
        return id_of("pcx", t);
      case model::TargetKind::kNetworkInterface:
        return id_of("eni", t);
      case model::TargetKind::kVpcEndpoint:
        return id_of("vpce", t);
      case model::TargetKind::kVpnGateway:
        return id_of("vgw", t);
      case model::TargetKind::kInstance:
        if (t == kNone || n_.instances[t].network_interfaces.empty()) return {};
        return id_of("eni", n_.instances[t].network_interfaces.front());
      case model::TargetKind::kLocal:
      case model::TargetKind::kUnsupported:
        return {};
    }
    return {};
  }

  void add_edges() {
    // Where each subnet's route table sends traffic: one edge per (subnet, target), labelled
    // with the destinations.
    for (Index s = 0; s < n_.subnets.size(); ++s) {
      Index rt = n_.subnets[s].effective_route_table;
      if (rt == kNone) continue;
      std::vector<std::pair<std::string, std::string>> targets;  // in route order
      for (const auto& r : n_.route_tables[rt].effective) {
        if (r.blackhole || !r.target.resolved()) continue;
        std::string to = route_target(r);
        if (to.empty() || pos_.count(to) == 0) continue;
        std::string dest = r.destination ? r.destination->str() : r.destination_prefix_list.text;
        auto it = std::find_if(targets.begin(), targets.end(),
                               [&](const auto& p) { return p.first == to; });
        if (it == targets.end())
          targets.emplace_back(to, dest);
        else
          it->second += ", " + dest;
      }
      for (auto& [to, dest] : targets) link("subnet" + std::to_string(s), to, dest);
    }
    for (Index i = 0; i < n_.internet_gateways.size(); ++i) {
      if (n_.internet_gateways[i].vpc.resolved()) link(id_of("igw", i), internet());
    }
    for (Index i = 0; i < n_.egress_only_internet_gateways.size(); ++i) {
      if (n_.egress_only_internet_gateways[i].vpc.resolved()) link(id_of("eigw", i), internet());
    }
    for (Index i = 0; i < n_.transit_gateway_attachments.size(); ++i) {
      const auto& a = n_.transit_gateway_attachments[i];
      std::string tgw = id_of("tgw", a.transit_gateway.index);
      std::string label = "attachment " + a.label();
      switch (a.type) {
        case model::AttachmentType::kVpc:
          for (const auto& s : a.subnets) link(tgw, id_of("subnet", s.index), label);
          break;
        case model::AttachmentType::kVpn:
          link(tgw, id_of("vpn", a.vpn_connection.index), label);
          break;
        case model::AttachmentType::kDirectConnectGateway:
          link(tgw, id_of("dxgw", a.direct_connect_gateway.index), label);
          break;
        case model::AttachmentType::kPeering:
          if (a.peer_attachment.resolved() && i < a.peer_attachment.index) {
            const auto& peer = n_.transit_gateway_attachments[a.peer_attachment.index];
            link(tgw, id_of("tgw", peer.transit_gateway.index), label);
          }
          break;
        case model::AttachmentType::kConnect:
          break;
      }
    }
    add_load_balancer_edges();
    for (Index i = 0; i < n_.vpc_endpoints.size(); ++i) {
      const auto& ep = n_.vpc_endpoints[i];
      // An interface or GWLB endpoint's network interfaces; a firewall endpoint's firewall; a
      // PrivateLink or GWLB endpoint's service, drawn as its load balancers.
      if (ep.type == model::VpcEndpointType::kInterface) {
        for (Index e : ep.enis) link(id_of("vpce", i), id_of("eni", e), "interface");
      }
      if (ep.firewall != kNone) link(id_of("vpce", i), id_of("nfw", ep.firewall));
      if (ep.endpoint_service != kNone) {
        const auto& svc = n_.vpc_endpoint_services[ep.endpoint_service];
        for (const auto* list : {&svc.network_load_balancers, &svc.gateway_load_balancers}) {
          for (const auto& lb : *list) {
            if (lb.resolved()) link(id_of("vpce", i), id_of("lb", lb.index), "PrivateLink");
          }
        }
      }
    }
    for (Index i = 0; i < n_.vpn_connections.size(); ++i) {
      const auto& vpn = n_.vpn_connections[i];
      link(id_of("vgw", vpn.vpn_gateway.index), id_of("vpn", i));
      link(id_of("vpn", i), id_of("cgw", vpn.customer_gateway.index));
    }
    for (Index i = 0; i < n_.direct_connect_gateways.size(); ++i) {
      for (Index vgw : n_.direct_connect_gateways[i].associated_vpn_gateways())
        link(id_of("vgw", vgw), id_of("dxgw", i));
    }
    for (Index i = 0; i < n_.on_premises_networks.size(); ++i) {
      const auto& net = n_.on_premises_networks[i];
      for (const auto& dx : net.direct_connect_gateways)
        link(id_of("dxgw", dx.index), id_of("onprem", i));
      for (const auto& v : net.vpn_connections) {
        if (!v.resolved()) continue;
        Index cgw = n_.vpn_connections[v.index].customer_gateway.index;
        link(cgw == kNone ? id_of("vpn", v.index) : id_of("cgw", cgw), id_of("onprem", i));
      }
    }
  }

  // A load balancer to its nodes (their network interfaces, in their subnets) and to the
  // targets its listeners forward to, labelled with the listeners' ports.
  void add_load_balancer_edges() {
    for (Index i = 0; i < n_.load_balancers.size(); ++i) {
      const auto& lb = n_.load_balancers[i];
      const std::string from = id_of("lb", i);
      for (const auto& node : lb.nodes) link(from, id_of("eni", node.eni), "node");
      std::vector<std::pair<Index, std::string>> targets;  // target ENI, listener ports
      auto add = [&](Index eni, const std::string& port) {
        if (eni == kNone) return;
        auto it = std::find_if(targets.begin(), targets.end(),
                               [&](const auto& t) { return t.first == eni; });
        if (it == targets.end()) {
          targets.emplace_back(eni, port);
        } else if (("," + it->second + ",").find("," + port + ",") == std::string::npos) {
          it->second += "," + port;
        }
      };
      for (Index l : lb.listeners) {
        const auto& listener = n_.listeners[l];
        const std::string port = std::to_string(listener.port);
        if (lb.type == model::LoadBalancerType::kClassic) {
          for (const auto& inst : lb.instances) {
            if (inst.resolved() && !n_.instances[inst.index].network_interfaces.empty())
              add(n_.instances[inst.index].network_interfaces.front(), port);
          }
          continue;
        }
        auto forward = [&](const model::ListenerRule& rule) {
          for (const auto& w : rule.target_groups) {
            if (!w.target_group.resolved()) continue;
            for (const auto& t : n_.target_groups[w.target_group.index].targets) add(t.eni, port);
          }
        };
        forward(listener.default_rule);
        for (Index r : listener.rules) forward(n_.listener_rules[r]);
      }
      for (const auto& [eni, ports] : targets) link(from, id_of("eni", eni), "listener " + ports);
    }
  }

  // ---- highlight -------------------------------------------------------------------------
  std::string node_for(const std::string& type, const std::string& id) {
    if (type == "Internet") return internet();
    if (type == "AWSService") {
      std::string node = "service" + std::to_string(services_.size());
      auto [it, fresh] = services_.emplace(id, node);
      if (fresh) add_node(node, "AWS service\n" + id, "circle", d_.outside);
      return it->second;
    }
    // A transit gateway attachment is drawn as an edge; its traffic passes the gateway.
    if (type == "TransitGatewayAttachment" || type == "TransitGatewayRouteTable") {
      for (const auto& a : n_.transit_gateway_attachments)
        if (a.id == id) return id_of("tgw", a.transit_gateway.index);
      for (const auto& t : n_.transit_gateway_route_tables)
        if (t.id == id) return id_of("tgw", t.transit_gateway.index);
      return {};
    }
    auto it = by_component_.find(key(type, id));
    return it == by_component_.end() ? std::string() : it->second;
  }

  void style(const std::string& node, NodeStyle s) {
    auto& n = d_.nodes[pos_.at(node)];
    if (n.style != NodeStyle::kDrop) n.style = s;
    auto sub = subnet_of_.find(node);
    if (sub != subnet_of_.end() && d_.nodes[pos_.at(sub->second)].style == NodeStyle::kPlain)
      d_.nodes[pos_.at(sub->second)].style = NodeStyle::kPath;
  }

  void add_highlight(const vpc::Trace& t) {
    std::vector<std::string> path;
    for (const auto& hop : t.forward) {
      std::string node = node_for(hop.component_type, hop.component_id);
      if (node.empty() || (!path.empty() && path.back() == node)) continue;
      path.push_back(node);
    }
    for (const auto& node : path) style(node, NodeStyle::kPath);
    for (std::size_t i = 1; i < path.size(); ++i)
      d_.edges.push_back({path[i - 1], path[i], std::to_string(i), true, false});
    int k = 0;
    for (const auto& e : t.explanations) {
      std::string at = node_for(e.component_type, e.component_id);
      if (at.empty() && !path.empty()) at = path.back();
      std::string text = "dropped on the " + (e.path.empty() ? std::string("forward") : e.path) +
                         " path\n" + e.code + "\nat " + e.component_type +
                         (e.component_id.empty() ? "" : " " + e.component_id) +
                         (e.direction.empty() ? "" : " (" + e.direction + ")");
      std::string note = add_node("drop" + std::to_string(k++), text, "note", d_.outside);
      d_.nodes[pos_.at(note)].style = NodeStyle::kNote;
      if (at.empty()) continue;
      // The packet got as far as the component that dropped it: extend the drawn path there.
      if (e.path != "return" && !path.empty() && path.back() != at) {
        d_.edges.push_back({path.back(), at, std::to_string(path.size()), true, false});
        path.push_back(at);
      }
      style(at, NodeStyle::kPath);
      d_.nodes[pos_.at(at)].style = NodeStyle::kDrop;
      d_.edges.push_back({at, note, e.code, false, true});
    }
  }

  const Network& n_;
  Diagram d_;
  std::map<std::string, std::size_t> pos_;
  std::map<std::string, std::string> by_component_;  // "Type\nid" -> node id
  std::map<std::string, std::string> subnet_of_;     // ENI/NAT node -> subnet anchor node
  std::map<std::string, std::string> services_;
};

const DiagramNode& find_node(const Diagram& d, const std::string& id) {
  for (const auto& n : d.nodes)
    if (n.id == id) return n;
  static const DiagramNode kMissing;
  return kMissing;
}

// ---- Mermaid -----------------------------------------------------------------------------
std::string mermaid_node(const DiagramNode& n) {
  std::string l = "\"" + escape_mermaid(n.label) + "\"";
  if (n.shape == "round") return n.id + "(" + l + ")";
  if (n.shape == "circle") return n.id + "((" + l + "))";
  if (n.shape == "stadium") return n.id + "([" + l + "])";
  if (n.shape == "hex") return n.id + "{{" + l + "}}";
  if (n.shape == "note") return n.id + ">" + l + "]";
  return n.id + "[" + l + "]";
}

void mermaid_group(std::ostream& out, const Diagram& d, const DiagramGroup& g, int depth) {
  std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  out << pad << "subgraph " << g.id << "[\"" << escape_mermaid(g.label) << "\"]\n";
  for (const auto& id : g.nodes) out << pad << "  " << mermaid_node(find_node(d, id)) << "\n";
  for (const auto& sub : g.groups) mermaid_group(out, d, sub, depth + 1);
  out << pad << "end\n";
}

// ---- DOT ---------------------------------------------------------------------------------
std::string dot_node(const DiagramNode& n) {
  std::string shape = "box";
  std::string style;
  if (n.shape == "round" || n.shape == "stadium") style = "rounded";
  if (n.shape == "circle") shape = "ellipse";
  if (n.shape == "hex") shape = "hexagon";
  if (n.shape == "note") shape = "note";
  std::string colours;
  switch (n.style) {
    case NodeStyle::kPath:
      colours = ", fillcolor=\"#ffe08a\", color=\"#d9480f\", penwidth=3";
      break;
    case NodeStyle::kDrop:
      colours = ", fillcolor=\"#ffc9c9\", color=\"#c92a2a\", penwidth=3";
      break;
    case NodeStyle::kNote:
      colours = ", fillcolor=\"#fff5f5\", color=\"#c92a2a\"";
      break;
    case NodeStyle::kPlain:
      break;
  }
  if (n.style != NodeStyle::kPlain) style += style.empty() ? "filled" : ",filled";
  return n.id + " [label=\"" + escape_dot(n.label) + "\", shape=" + shape +
         (style.empty() ? "" : ", style=\"" + style + "\"") + colours + "];";
}

void dot_group(std::ostream& out, const Diagram& d, const DiagramGroup& g, int depth) {
  std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  out << pad << "subgraph cluster_" << g.id << " {\n";
  out << pad << "  label=\"" << escape_dot(g.label) << "\";\n";
  for (const auto& id : g.nodes) out << pad << "  " << dot_node(find_node(d, id)) << "\n";
  for (const auto& sub : g.groups) dot_group(out, d, sub, depth + 1);
  out << pad << "}\n";
}

}  // namespace

Diagram build_diagram(const model::Network& network, const vpc::Trace* highlight,
                      std::string title) {
  return Builder(network, std::move(title)).build(highlight);
}

std::string escape_mermaid(std::string_view text) {
  // Mermaid labels are quoted strings with HTML-like entity codes written `#name;`.
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '#':
        out += "#35;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '&':
        out += "#amp;";
        break;
      case '|':
        out += "#124;";
        break;
      case '\n':
        out += "<br/>";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_dot(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_mermaid(const Diagram& d) {
  std::ostringstream out;
  if (!d.title.empty()) out << "---\ntitle: \"" << escape_mermaid(d.title) << "\"\n---\n";
  out << "flowchart LR\n";
  for (const auto& g : d.groups) mermaid_group(out, d, g, 1);
  for (const auto& id : d.outside) out << "  " << mermaid_node(find_node(d, id)) << "\n";
  std::vector<std::size_t> path_links;
  std::vector<std::size_t> drop_links;
  for (std::size_t i = 0; i < d.edges.size(); ++i) {
    const auto& e = d.edges[i];
    std::string arrow = e.path ? "==>" : e.dropped ? "-.->" : "-->";
    out << "  " << e.from << " " << arrow;
    if (!e.label.empty()) out << "|\"" << escape_mermaid(e.label) << "\"|";
    out << " " << e.to << "\n";
    if (e.path) path_links.push_back(i);
    if (e.dropped) drop_links.push_back(i);
  }
  std::map<NodeStyle, std::vector<std::string>> styled;
  for (const auto& n : d.nodes)
    if (n.style != NodeStyle::kPlain) styled[n.style].push_back(n.id);
  if (styled.empty()) return out.str();
  out << "  classDef path fill:#ffe08a,stroke:#d9480f,stroke-width:3px\n";
  out << "  classDef drop fill:#ffc9c9,stroke:#c92a2a,stroke-width:3px\n";
  out << "  classDef note fill:#fff5f5,stroke:#c92a2a\n";
  const std::map<NodeStyle, const char*> names{
      {NodeStyle::kPath, "path"}, {NodeStyle::kDrop, "drop"}, {NodeStyle::kNote, "note"}};
  for (const auto& [s, ids] : styled) {
    out << "  class ";
    for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? "," : "") << ids[i];
    out << " " << names.at(s) << "\n";
  }
  auto link_style = [&](const std::vector<std::size_t>& links, const char* css) {
    if (links.empty()) return;
    out << "  linkStyle ";
    for (std::size_t i = 0; i < links.size(); ++i) out << (i ? "," : "") << links[i];
    out << " " << css << "\n";
  };
  link_style(path_links, "stroke:#d9480f,stroke-width:3px");
  link_style(drop_links, "stroke:#c92a2a");
  return out.str();
}

std::string render_dot(const Diagram& d) {
  std::ostringstream out;
  out << "digraph cloudtwin {\n";
  out << "  graph [rankdir=LR, fontname=\"Helvetica\", compound=true";
  if (!d.title.empty()) out << ", label=\"" << escape_dot(d.title) << "\", labelloc=t";
  out << "];\n";
  out << "  node [fontname=\"Helvetica\", fontsize=10];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const auto& g : d.groups) dot_group(out, d, g, 1);
  for (const auto& id : d.outside) out << "  " << dot_node(find_node(d, id)) << "\n";
  for (const auto& e : d.edges) {
    out << "  " << e.from << " -> " << e.to;
    std::string attrs;
    if (!e.label.empty()) attrs = "label=\"" + escape_dot(e.label) + "\"";
    if (e.path) attrs += std::string(attrs.empty() ? "" : ", ") + "color=\"#d9480f\", penwidth=3";
    if (e.dropped)
      attrs += std::string(attrs.empty() ? "" : ", ") + "color=\"#c92a2a\", style=dashed";
    out << (attrs.empty() ? "" : " [" + attrs + "]") << ";\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace cloudtwin::cli
