// Readers for transit gateways, their route tables and their attachments.
#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {
namespace {

void read_transit_gateway_route(Value& item, model::TransitGatewayRouteTable& rt) {
  Fields f = item.fields({"destination", "attachment", "blackhole"});
  f.check();
  if (!f.is_mapping()) return;
  model::TransitGatewayRoute& route = rt.routes.emplace_back();
  route.at = f.at();
  if (auto p = f.require("destination").prefix()) route.destination = *p;
  route.attachment = f.get("attachment").ref();
  if (auto b = f.get("blackhole").boolean()) route.blackhole = *b;
  if (route.blackhole && f.has("attachment")) {
    f.error_at("attachment", "a blackhole route has no attachment",
               "remove `attachment` or `blackhole: true`");
  } else if (!f.has("attachment") && !route.blackhole) {
    f.error("a transit gateway route needs an `attachment` or `blackhole: true`");
  }
}

}  // namespace

void read_transit_gateway(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "account", "region", "amazon_side_asn",
                          "default_route_table_association", "default_route_table_propagation",
                          "association_default_route_table", "propagation_default_route_table"});
  auto& tgw = add_resource(f, cx.network.transit_gateways, "tgw-");
  if (!f.is_mapping()) return;
  tgw.account = f.has("account") ? read_account(f.get("account")) : cx.account;
  tgw.region = f.has("region") ? read_region(f.get("region")) : cx.region;
  if (auto asn = read_asn(f.get("amazon_side_asn"))) tgw.amazon_side_asn = *asn;
  if (auto b = f.get("default_route_table_association").enable_flag()) {
    tgw.default_route_table_association = *b;
  }
  if (auto b = f.get("default_route_table_propagation").enable_flag()) {
    tgw.default_route_table_propagation = *b;
  }
  tgw.association_default_route_table = f.get("association_default_route_table").ref();
  tgw.propagation_default_route_table = f.get("propagation_default_route_table").ref();
}

void read_transit_gateway_route_table(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "transit_gateway", "routes"});
  auto& rt = add_resource(f, cx.network.transit_gateway_route_tables, "tgw-rtb-");
  if (!f.is_mapping()) return;
  rt.transit_gateway = f.require("transit_gateway").ref();
  for (auto& route : f.get("routes").items()) read_transit_gateway_route(route, rt);
}

void read_transit_gateway_attachment(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "transit_gateway", "resource_type", "vpc", "subnets",
                          "vpn_connection", "direct_connect_gateway", "peer_attachment",
                          "appliance_mode_support", "association", "propagations", "state"});
  auto& a = add_resource(f, cx.network.transit_gateway_attachments, "tgw-attach-");
  if (!f.is_mapping()) return;
  a.transit_gateway = f.require("transit_gateway").ref();
  using model::AttachmentType;
  if (auto t = f.get("resource_type")
                   .choice({"vpc", "vpn", "direct-connect-gateway", "peering", "connect"})) {
    a.type = *t == "vpc"                      ? AttachmentType::kVpc
             : *t == "vpn"                    ? AttachmentType::kVpn
             : *t == "direct-connect-gateway" ? AttachmentType::kDirectConnectGateway
             : *t == "peering"                ? AttachmentType::kPeering
                                              : AttachmentType::kConnect;
  }
  // Each attachment type names what it attaches; the other types' fields do not apply.
  struct TypeField {
    std::string_view key;
    AttachmentType type;
    bool required;
  };
  constexpr TypeField kTypeFields[] = {
      {"vpc", AttachmentType::kVpc, true},
      {"subnets", AttachmentType::kVpc, false},
      {"appliance_mode_support", AttachmentType::kVpc, false},
      {"vpn_connection", AttachmentType::kVpn, true},
      {"direct_connect_gateway", AttachmentType::kDirectConnectGateway, true},
      {"peer_attachment", AttachmentType::kPeering, false},
  };
  for (const auto& tf : kTypeFields) {
    if (tf.type == a.type) {
      if (tf.required) f.require(tf.key);
    } else if (f.has(tf.key)) {
      f.error_at(
          tf.key,
          "`" + std::string(tf.key) + "` applies only to resource_type " +
              model::attachment_type_name(tf.type) + " attachments",
          "this attachment's resource_type is " + std::string(model::attachment_type_name(a.type)));
    }
  }
  a.vpc = f.get("vpc").ref();
  a.subnets = f.refs("subnets");
  a.vpn_connection = f.get("vpn_connection").ref();
  a.direct_connect_gateway = f.get("direct_connect_gateway").ref();
  a.peer_attachment = f.get("peer_attachment").ref();
  if (auto b = f.get("appliance_mode_support").enable_flag()) a.appliance_mode_support = *b;
  a.association = f.get("association").ref();
  a.propagations = f.refs("propagations");
  if (auto s =
          f.get("state").choice({"initiating", "initiatingRequest", "pendingAcceptance",
                                 "rollingBack", "pending", "available", "modifying", "deleting",
                                 "deleted", "failed", "rejected", "rejecting", "failing"})) {
    a.state = *s;
  }
}

}  // namespace cloudtwin::load::yaml
