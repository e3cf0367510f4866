// Names and spellings of the load balancer and firewall enums.
#include "cloudtwin/model/load_balancer.h"

#include <algorithm>
#include <cctype>

#include "cloudtwin/model/firewall.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::model {

namespace {

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const char* load_balancer_type_name(LoadBalancerType t) {
  switch (t) {
    case LoadBalancerType::kApplication:
      return "application";
    case LoadBalancerType::kNetwork:
      return "network";
    case LoadBalancerType::kGateway:
      return "gateway";
    case LoadBalancerType::kClassic:
      return "classic";
  }
  return "?";
}

const char* describe_load_balancer_type(LoadBalancerType t) {
  switch (t) {
    case LoadBalancerType::kApplication:
      return "an Application Load Balancer";
    case LoadBalancerType::kNetwork:
      return "a Network Load Balancer";
    case LoadBalancerType::kGateway:
      return "a Gateway Load Balancer";
    case LoadBalancerType::kClassic:
      return "a Classic Load Balancer";
  }
  return "a load balancer";
}

const char* lb_protocol_name(LbProtocol p) {
  switch (p) {
    case LbProtocol::kHttp:
      return "HTTP";
    case LbProtocol::kHttps:
      return "HTTPS";
    case LbProtocol::kTcp:
      return "TCP";
    case LbProtocol::kTls:
      return "TLS";
    case LbProtocol::kUdp:
      return "UDP";
    case LbProtocol::kTcpUdp:
      return "TCP_UDP";
    case LbProtocol::kGeneve:
      return "GENEVE";
    case LbProtocol::kSsl:
      return "SSL";
  }
  return "?";
}

std::optional<LbProtocol> parse_lb_protocol(std::string_view text) {
  for (auto p : {LbProtocol::kHttp, LbProtocol::kHttps, LbProtocol::kTcp, LbProtocol::kTls,
                 LbProtocol::kUdp, LbProtocol::kTcpUdp, LbProtocol::kGeneve, LbProtocol::kSsl}) {
    if (same_ignoring_case(text, lb_protocol_name(p))) return p;
  }
  return std::nullopt;
}

bool lb_protocol_carries(LbProtocol lb, Protocol p) {
  switch (lb) {
    case LbProtocol::kUdp:
      return p.number() == Protocol::kUdp;
    case LbProtocol::kTcpUdp:
      return p.number() == Protocol::kTcp || p.number() == Protocol::kUdp;
    case LbProtocol::kGeneve:
      return true;  // a Gateway Load Balancer takes every IP packet
    default:
      return p.number() == Protocol::kTcp;
  }
}

const char* listener_action_name(ListenerAction a) {
  switch (a) {
    case ListenerAction::kForward:
      return "forward";
    case ListenerAction::kRedirect:
      return "redirect";
    case ListenerAction::kFixedResponse:
      return "fixed-response";
  }
  return "?";
}

const char* target_type_name(TargetType t) {
  switch (t) {
    case TargetType::kInstance:
      return "instance";
    case TargetType::kIp:
      return "ip";
    case TargetType::kLambda:
      return "lambda";
    case TargetType::kAlb:
      return "alb";
  }
  return "?";
}

const char* firewall_action_name(FirewallAction a) {
  switch (a) {
    case FirewallAction::kPass:
      return "pass";
    case FirewallAction::kDrop:
      return "drop";
    case FirewallAction::kForward:
      return "forward_to_sfe";
    case FirewallAction::kAlert:
      return "alert";
    case FirewallAction::kReject:
      return "reject";
  }
  return "?";
}

std::optional<FirewallAction> parse_firewall_action(std::string_view text) {
  if (text.starts_with("aws:")) text.remove_prefix(4);
  for (auto a : {FirewallAction::kPass, FirewallAction::kDrop, FirewallAction::kForward,
                 FirewallAction::kAlert, FirewallAction::kReject}) {
    if (same_ignoring_case(text, firewall_action_name(a))) return a;
  }
  return std::nullopt;
}

std::vector<FrontDoor> front_doors(const Network& n, Index eni) {
  std::vector<FrontDoor> out;
  auto holds = [&](const ListenerRule& rule) {
    for (const auto& w : rule.target_groups) {
      if (w.weight <= 0 || !w.target_group.resolved()) continue;
      for (const auto& t : n.target_groups[w.target_group.index].targets) {
        if (t.eni == eni) return true;
      }
    }
    return false;
  };
  for (Index l = 0; l < n.load_balancers.size(); ++l) {
    const auto& lb = n.load_balancers[l];
    FrontDoor door{l, {}};
    bool registered = false;
    if (lb.type == LoadBalancerType::kClassic) {
      for (const auto& i : lb.instances) {
        const auto& enis =
            i.resolved() ? n.instances[i.index].network_interfaces : std::vector<Index>{};
        registered = registered || (!enis.empty() && enis.front() == eni);
      }
    }
    for (Index x : lb.listeners) {
      const auto& listener = n.listeners[x];
      bool forwards = registered || holds(listener.default_rule);
      for (Index r : listener.rules) forwards = forwards || holds(n.listener_rules[r]);
      if (forwards) door.ports.push_back(listener.port);
    }
    if (!door.ports.empty()) out.push_back(std::move(door));
  }
  return out;
}

}  // namespace cloudtwin::model
