// The Terraform reader's mapping of aws_* resources onto model resources. terraform_resources.cc
// holds what every type shares (ids, names, references through a plan's configuration, the
// dispatch, finish()); each terraform_resources_<service>.cc holds one function per type and ends
// with the table of the types it reads, registered once at the end of this header.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cloudtwin/model/network.h"
#include "json_source.h"
#include "terraform_resources.h"

namespace cloudtwin::load::terraform {

struct Mapper {
  using Value = json::Value;
  using Index = model::Index;
  using Kind = model::Kind;
  using Ref = model::Ref;

  Mapper(json::Reader& r, model::Network& n, const Plan& p) : rd(r), net(n), plan(p) {
    for (std::size_t k = 0; k < kKinds; ++k) start[k] = net.count(static_cast<Kind>(k));
  }

  // ---- one resource ----------------------------------------------------------------------
  struct Res {
    Value r, v;
    std::string address, type;
    Address addr;
    bool data = false;
    std::size_t offset = 0;
    Location at;
    std::vector<std::string> unknown;  // attributes unknown until apply that were needed
  };

  json::Reader& rd;
  model::Network& net;
  const Plan& plan;
  std::vector<std::function<void()>> pending;
  std::vector<model::Alias> aliases;
  // Defaults a VPC names (default SG, NACL, main table) to create if no resource declares them.
  struct VpcDefaults {
    std::string vpc, security_group, network_acl, main_route_table;
    Location at;
    bool ipv6 = false;
  };
  std::vector<VpcDefaults> vpc_defaults;
  std::set<std::string> main_associated_vpcs;  // VPC refs with aws_main_route_table_association
  std::vector<std::string> instance_enis;      // ENIs synthesised for instances
  std::uint32_t placeholders = 0;
  std::unordered_set<std::string> hosted_vifs;           // ids of hosted VIFs: their owner's side
  std::unordered_map<std::string, bool> map_public_ip;   // subnet id -> map_public_ip_on_launch
  std::unordered_map<std::string, std::size_t> ignored;  // unmodelled type -> count
  // finish(): kind -> id, name or address -> index
  std::map<Kind, std::unordered_map<std::string, Index>> index;
  // Resources of each kind before this file: only this file's are checked by leave_out_*().
  static constexpr std::size_t kKinds = static_cast<std::size_t>(Kind::kVirtualInterface) + 1;
  std::array<std::size_t, kKinds> start{};
  // Ids, names and aliases of every resource of the network, by kind; and of those left out.
  std::array<std::unordered_set<std::string>, kKinds> known, gone;
  std::array<std::unordered_map<std::string, std::string>, kKinds> address_of;  // id -> address

  // ---- shared by every type (terraform_resources.cc) -----------------------------------------
  Location at(const Value& v) const { return v.missing() ? Location{} : rd.at(v); }
  Location at_or(const Value& v, const Res& res) const { return v.missing() ? res.at : rd.at(v); }

  std::optional<std::string_view> str(Res& res, std::string_view attr) {
    return rd.str(res.v.get(attr), attr);
  }

  bool unknown(const Res& res, std::string_view attr) const;
  std::string id_of(Res& res);
  std::string name_of(Res& res);
  // Records a `cloudtwin:ignore` tag (`tags`, else `tags_all`) in the network (model::IgnoreTag).
  void ignore_tag(Res& res, Kind kind, const std::string& id);

  template <class R>
  R& add(Res& res, std::vector<R>& list, Kind kind) {
    R& r = list.emplace_back();
    r.id = id_of(res);
    r.name = name_of(res);
    r.at = res.at;
    ignore_tag(res, kind, r.id);
    rd.set_resource(r.id);
    if (r.id != res.address) aliases.push_back({res.address, kind, r.id, res.at});
    return r;
  }

  static bool type_in(std::string_view type, const std::vector<std::string_view>& types) {
    return std::find(types.begin(), types.end(), type) != types.end();
  }

  std::vector<std::string> from_configuration(const Res& res, std::string_view attr,
                                              const std::vector<std::string_view>& types,
                                              bool list);
  bool configured(const Res& res, std::string_view attr) const;
  std::vector<Ref> refs(Res& res, std::string_view attr, const std::vector<std::string_view>& types,
                        bool list);
  Ref ref(Res& res, std::string_view attr, const std::vector<std::string_view>& types);
  std::optional<IpAddress> placeholder_ip(Res& res, std::string_view attr,
                                          const std::string& why = {});
  std::optional<IpAddress> placeholder_ip(std::size_t offset, const std::string& address,
                                          std::string_view attr, const std::string& why);
  static std::vector<std::string_view> segments_of(std::string_view s, char sep);

  // ---- dispatch ----------------------------------------------------------------------------
  void read(const Value& r);
  bool dispatch(Res& res);

  // ---- resource types: VPCs and what lives directly in them (terraform_resources_vpc.cc) -----
  std::optional<model::Route> route(Res& res, const Value& item, bool split);
  void vpc(Res& res);
  void vpc_cidr_association(Res& res, bool v6);
  void subnet(Res& res);
  void route_table(Res& res, bool is_default);
  void route_split(Res& res);
  void route_table_association(Res& res);
  void main_route_table_association(Res& res);
  void internet_gateway(Res& res);
  void gateway_attachment(Res& res, Kind kind, std::string_view attr,
                          const std::vector<std::string_view>& types);
  void egress_only_internet_gateway(Res& res);
  void nat_gateway(Res& res);
  void eip(Res& res);
  void eip_association(Res& res);
  void prefix_list(Res& res);
  void prefix_list_entry(Res& res);
  void peering(Res& res, bool accepter);
  void vpc_endpoint(Res& res);
  void endpoint_association(Res& res, Kind what);

  // ---- resource types: filters, interfaces, instances (terraform_resources_filters.cc) -------
  std::optional<Protocol> protocol(const Value& v, std::string_view field);
  bool ports(Protocol p, const Value& from_v, const Value& to_v, PortRange& ports, int& type,
             int& code);
  std::vector<model::SecurityGroupRule> sg_rules(const Value& item, const std::string& self);
  std::optional<model::NetworkAclEntry> acl_entry(const Value& item, std::string_view number_key,
                                                  std::string_view action_key);
  void security_group(Res& res, bool is_default);
  void add_sg_rules(Res& res, Ref group, bool egress, std::vector<model::SecurityGroupRule> rules);
  void security_group_rule(Res& res);
  void vpc_security_group_rule(Res& res, bool egress);
  void network_acl(Res& res, bool is_default);
  void network_acl_rule(Res& res);
  void network_acl_association(Res& res);
  void network_interface(Res& res);
  void eni_attachment(Res& res);
  void eni_sg_attachment(Res& res);
  void instance(Res& res);

  // ---- resource types: transit gateways, VPN, Direct Connect (terraform_resources_transit.cc)
  void transit_gateway(Res& res);
  void tgw_route_table(Res& res);
  void tgw_attachment(Res& res, model::AttachmentType type);
  void tgw_association(Res& res, bool propagation);
  void tgw_route(Res& res);
  void vpn_gateway(Res& res);
  void vgw_route_propagation(Res& res);
  void customer_gateway(Res& res);
  void vpn_connection(Res& res);
  void vpn_connection_route(Res& res);
  void dx_gateway(Res& res);
  void dx_gateway_association(Res& res);
  void vpn_tunnels(Res& res, model::VpnConnection& vpn);

  // ---- resource types: Direct Connect (terraform_resources_direct_connect.cc) ---------------
  void dx_connection(Res& res, bool hosted);
  void dx_lag(Res& res);
  void dx_connection_association(Res& res);
  void dx_macsec_key_association(Res& res);
  void dx_virtual_interface(Res& res, model::VirtualInterfaceType type, bool gateway);
  void dx_hosted_vif_accepter(Res& res, model::VirtualInterfaceType type);
  std::optional<std::pair<IpAddress, int>> interface_address(Res& res, std::string_view attr);

  // ---- finish (terraform_resources.cc) -------------------------------------------------------
  template <class R>
  void index_kind(Kind kind, const std::vector<R>& list);
  void build_index();
  std::optional<Index> find(Kind kind, const Ref& ref, const std::string& owner);
  void finish();

  // ---- references outside the input (terraform_resources.cc) --------------------------------
  static const char* word(Kind k);
  const char* source_word() const { return plan.is_plan ? "plan" : "state"; }
  void build_known();
  bool is_known(const Ref& ref, std::initializer_list<Kind> kinds) const;
  std::string why(const Ref& ref, Kind kind) const;
  std::string label(Kind kind, const model::Resource& r) const;
  template <class R, class F>
  std::size_t leave_out(Kind kind, std::vector<R>& list, F reason);
  void drop_refs(const std::string& owner, Kind owner_kind, std::vector<Ref>& refs, Kind kind,
                 std::initializer_list<Kind> kinds);
  void drop_ref(const std::string& owner, Kind owner_kind, Ref& ref, Kind kind,
                std::initializer_list<Kind> kinds);
  using Reason = std::pair<std::string, Location>;
  std::size_t leave_out_required();
  void leave_out_optional();
  bool target_known(const model::Route& r) const;
  void leave_out_missing();
  void materialise_defaults();
  // Routes of a plan that name a firewall, aimed at its endpoint (terraform_resources_firewall.cc).
  void resolve_firewall_routes();
  // Record sets whose hosted zone is outside the inputs (terraform_resources_route53.cc).
  void leave_out_zoneless_records();
};

// A block list attribute (`default_action`, `rule_group`, ...): its objects, an error if it is
// not a list of objects.
inline std::vector<json::Value> blocks(Mapper& m, const json::Value& v, std::string_view field) {
  std::vector<json::Value> out;
  if (v.absent()) return out;
  if (!m.rd.expect(v, json::Type::kArray, field)) return out;
  for (const auto& item : v.items()) {
    if (m.rd.expect(item, json::Type::kObject, field)) out.push_back(item);
  }
  return out;
}

// One aws_* type a terraform_resources_<service>.cc reads, and its function there.
struct Handler {
  std::string_view type;
  void (*read)(Mapper&, Mapper::Res&);
  bool data = false;  // a data source (`"mode": "data"`), not a managed resource
};

// The table at the end of each terraform_resources_<service>.cc. A new file registers its types
// here, in one place: its table's declaration and its entry in kTypeTables.
std::span<const Handler> vpc_types();      // terraform_resources_vpc.cc
std::span<const Handler> filter_types();   // terraform_resources_filters.cc
std::span<const Handler> transit_types();  // terraform_resources_transit.cc
std::span<const Handler> elb_types();       // terraform_resources_elb.cc
std::span<const Handler> firewall_types();  // terraform_resources_firewall.cc
std::span<const Handler> route53_types();   // terraform_resources_route53.cc
std::span<const Handler> cloudfront_types();  // terraform_resources_cloudfront.cc
std::span<const Handler> direct_connect_types();  // terraform_resources_direct_connect.cc
inline constexpr std::span<const Handler> (*kTypeTables[])() = {
    vpc_types,      filter_types,  transit_types,    elb_types,
    firewall_types, route53_types, cloudfront_types, direct_connect_types};

}  // namespace cloudtwin::load::terraform
