// AWS CLI snapshot: every *.json below aws_configs/ or accounts/ is one `aws ... describe-*`
// answer, recognised by its top-level key. Region and account come from the folders
// (<account>/<region>/). Each array item becomes a located tree and then model resources;
// what spans files (ENIs listed by both describe-instances and describe-network-interfaces,
// TGW attachments listed twice, propagations and static routes per TGW table) is merged by id
// once every file is read.
#include "cloudtwin/load/aws_cli.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "aws_cli_elb.h"
#include "aws_cli_firewall.h"
#include "cloudtwin/model/id_table.h"
#include "json_source.h"
#include "cloudfront_json.h"
#include "route53_json.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;
namespace od = simdjson::ondemand;
using json::Value;
using model::Index;
using model::Kind;
using model::Ref;

bool is_region_name(std::string_view r) {
  // <area>-<word>...-<number>: us-east-1, us-gov-west-1, ap-southeast-3.
  int dashes = 0;
  for (char c : r) {
    if (c == '-')
      ++dashes;
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return false;
  }
  return dashes >= 2 && !r.empty() && r.back() >= '0' && r.back() <= '9';
}

// The Region of an Availability Zone name: us-east-1a, us-gov-west-1b and the Local Zone
// us-west-2-lax-1a are in us-east-1, us-gov-west-1 and us-west-2 (the name up to the first
// number). Empty if `az` does not look like a zone name.
std::string region_of_zone(std::string_view az) {
  std::size_t start = 0;
  while (start < az.size()) {
    const auto dash = az.find('-', start);
    const std::string_view part =
        az.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
    if (!part.empty() && part.front() >= '0' && part.front() <= '9') {
      std::size_t digits = 0;
      while (digits < part.size() && part[digits] >= '0' && part[digits] <= '9') ++digits;
      std::string region(az.substr(0, start + digits));
      return is_region_name(region) ? region : std::string();
    }
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  return {};
}

bool is_account_id(std::string_view a) {
  return a.size() == 12 && a.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

// Keys Batfish reads that cloudtwin does not model, and keys with nothing to model.
constexpr std::string_view kUnmodelled[] = {"DBInstances", "DomainStatusList",
                                            "ElasticsearchDomains", "NetworkFirewalls",
                                            "FirewallPolicies"};
constexpr std::string_view kNothingToModel[] = {"AvailabilityZones", "DhcpOptions",
                                                "Regions",           "InstanceStatuses",
                                                "PlacementGroups",   "ServiceNames",
                                                "ServiceDetails",    "Tags",
                                                "NextToken",         "AdditionalRoutesAvailable",
                                                "ResponseMetadata",  "NextMarker"};

// ENIs AWS creates for its own services; the model represents them by the service itself.
bool is_service_interface(std::string_view type) {
  return type == "nat_gateway" || type == "transit_gateway" || type == "gateway_load_balancer";
}

class Snapshot {
 public:
  Snapshot(model::Network& n, Diagnostics& d)
      : net_(n),
        d_(d),
        elb_(n, d),
        route53_(n, d),
        cloudfront_(n, d),
        first_vpc_(n.vpcs.size()),
        first_subnet_(n.subnets.size()),
        first_tgw_(n.transit_gateways.size()) {}

  void read_file(const fs::path& path, const std::string& account, const std::string& region) {
    const std::string p = path.string();
    std::string error;
    auto source = json::Source::load(p, net_.add_file(p), error);
    if (!source) {
      d_.error(p, {net_.add_file(p), 0, 0}, "", error);
      return;
    }
    json::Reader rd(*source, p, d_);
    rd_ = &rd;
    const Sizes at_start = sizes();
    account_ = account;
    region_ = region;
    od::document doc;
    auto fail = [&](simdjson::error_code e, std::size_t offset) {
      rd.parse_error(e, offset, "write one describe-* answer per file");
    };
    auto location = [&]() -> std::size_t {
      const char* at = nullptr;
      if (doc.current_location().get(at)) return source->text().size();
      return source->offset(at);
    };
    if (!rd.no_nul()) return;
    if (auto e = parser_.iterate(source->text()).get(doc)) return fail(e, 0);
    od::json_type type;
    if (auto e = doc.type().get(type)) return fail(e, location());
    if (type != od::json_type::object) {
      rd.error(0, "", "a describe-* answer is a JSON object with one key, like {\"Vpcs\": [...]}");
      return;
    }
    od::object root;
    if (auto e = doc.get_object().get(root)) return fail(e, location());
    json::Tree tree;
    elb_.begin_file(rd, account, region);
    // Reads the answer under top-level key `k`; false if the file cannot be read further.
    auto read_answer = [&](od::value& value, const std::string& k, std::size_t key_offset) {
      const auto handler = handlers().find(k);
      const auto elb = aws_cli::LoadBalancing::handler(k);
      od::json_type value_type;
      if (aws_cli::LoadBalancing::takes_object(k) &&
          value.type().get(value_type) == simdjson::SUCCESS &&
          value_type == od::json_type::object) {
        if (auto e = tree.build(value, source->text().data())) {
          fail(e, tree.error_offset());
          return false;
        }
        rd.set_resource("");
        if (rd.no_duplicates(tree)) elb_.read_object(k, tree.root());
        return true;
      }
      od::array list;
      if (value.get_array().get(list) != simdjson::SUCCESS) {
        rd.error(key_offset, "", "`" + k + "` must be an array");
        return true;
      }
      for (auto element : list) {
        od::value v;
        if (auto e = std::move(element).get(v)) {
          fail(e, location());
          return false;
        }
        if (auto e = tree.build(v, source->text().data())) {
          fail(e, tree.error_offset());
          return false;
        }
        const Value item = tree.root();
        rd.set_resource("");
        if (!rd.no_duplicates(tree)) continue;
        if (!item.is_object()) {
          rd.error(item.offset(), "",
                   "an item of `" + k + "` must be an object, not " + json::type_name(item.type()));
          continue;
        }
        make_room(at_start, item.offset(), source->text().size());
        if (handler != handlers().end())
          (this->*handler->second)(item);
        else
          (elb_.*elb)(item);
        // Items are read once, in order: the text before this one is not read again.
        source->release_before(item.offset());
      }
      return true;
    };
    std::map<std::string, std::size_t> seen;  // top-level key -> offset
    // Answers that want the name of what they describe (a wrapper's LoadBalancerArn, ...),
    // which the file gives after them: read once the whole file is.
    std::vector<std::string> deferred;
    bool network_firewall = false;
    bool route53_answer = false;
    bool cloudfront_answer = false;
    for (auto member : root) {
      od::field field;
      std::string_view key;
      if (auto e = std::move(member).get(field)) return fail(e, location());
      if (auto e = field.unescaped_key().get(key)) return fail(e, location());
      const std::string k(key);
      const std::size_t key_offset = source->offset(field.value().raw_json_token().data());
      if (auto [it, fresh] = seen.try_emplace(k, key_offset); !fresh) {
        const Location first = source->at(it->second);
        rd.error(key_offset, "",
                 "duplicate key `" + k + "` (first at line " + std::to_string(first.line) +
                     ", column " + std::to_string(first.column) + ")",
                 "JSON readers disagree on which of the two wins; keep one");
        continue;
      }
      if (aws_cli::LoadBalancing::is_context_key(k)) {
        std::string_view text;
        if (field.value().get_string().get(text) != simdjson::SUCCESS)
          rd.error(key_offset, "", "`" + k + "` must be a string");
        else
          elb_.set_context(k, text, key_offset);
        continue;
      }
      // network-firewall describe-*: the whole object is one answer, read below.
      if (aws_cli::is_network_firewall_key(k)) {
        network_firewall = true;
        continue;
      }
      // route53 list-hosted-zones, get-hosted-zone, list-resource-record-sets, ...: likewise.
      if (route53::is_answer_key(k)) {
        route53_answer = true;
        continue;
      }
      if (route53::is_companion_key(k)) continue;
      // cloudfront get-distribution-config, list-distributions, list-cache-policies, ...
      if (cloudfront::is_answer_key(k)) {
        cloudfront_answer = true;
        continue;
      }
      if (cloudfront::is_companion_key(k)) continue;
      if (!handlers().contains(k) && !aws_cli::LoadBalancing::handler(k)) {
        if (std::find(std::begin(kNothingToModel), std::end(kNothingToModel), key) !=
            std::end(kNothingToModel)) {
          continue;
        }
        const bool batfish =
            std::find(std::begin(kUnmodelled), std::end(kUnmodelled), key) != std::end(kUnmodelled);
        if (batfish) rd.diagnostics().gap(Gap::kIgnoredType, k, rd.path(), rd.at(key_offset), "", "ignored: " + k + " (not modelled)"); else rd.warning(
            key_offset, "",
            batfish ? "ignored: " + k + " (not modelled)" : "ignored: unknown key `" + k + "`",
            batfish ? "" : "cloudtwin reads the answers of the describe calls in docs/format.md");
        continue;
      }
      if (aws_cli::LoadBalancing::wants_context(k) && !elb_.has_context()) {
        deferred.push_back(k);
        continue;
      }
      if (!read_answer(field.value(), k, key_offset)) return;
    }
    // One answer per file: `{...}{...}` or a second answer appended is not read silently.
    if (auto next = json::trailing_content(doc, *source)) {
      rd.error(*next, "", "more than one JSON document in the file (the next starts here)",
               "write one describe-* answer per file");
    }
    if (network_firewall) {
      doc.rewind();
      od::value whole;
      if (auto e = doc.get_value().get(whole)) return fail(e, location());
      if (auto e = tree.build(whole, source->text().data())) return fail(e, tree.error_offset());
      rd.set_resource("");
      if (rd.no_duplicates(tree)) aws_cli::read_network_firewall_answer(rd, tree.root(), net_);
    }
    if (route53_answer) {
      doc.rewind();
      od::value whole;
      if (auto e = doc.get_value().get(whole)) return fail(e, location());
      if (auto e = tree.build(whole, source->text().data())) return fail(e, tree.error_offset());
      rd.set_resource("");
      if (rd.no_duplicates(tree)) route53_.read_answer(rd, tree.root(), p);
    }
    if (cloudfront_answer) {
      doc.rewind();
      od::value whole;
      if (auto e = doc.get_value().get(whole)) return fail(e, location());
      if (auto e = tree.build(whole, source->text().data())) return fail(e, tree.error_offset());
      rd.set_resource("");
      if (rd.no_duplicates(tree)) cloudfront_.read_answer(rd, tree.root(), p);
    }
    if (!deferred.empty()) {
      doc.rewind();
      if (auto e = doc.get_object().get(root)) return fail(e, location());
      for (auto member : root) {
        od::field field;
        std::string_view key;
        if (auto e = std::move(member).get(field)) return fail(e, location());
        if (auto e = field.unescaped_key().get(key)) return fail(e, location());
        auto it = std::find(deferred.begin(), deferred.end(), key);
        if (it == deferred.end()) continue;
        const std::string k(key);
        deferred.erase(it);  // a repeat was reported above
        const std::size_t key_offset = source->offset(field.value().raw_json_token().data());
        if (!read_answer(field.value(), k, key_offset)) return;
      }
    }
    elb_.end_file();
    rd_ = nullptr;
  }

  // The sizes of the lists that large answers fill.
  struct Sizes {
    std::size_t network_interfaces, instances, subnets, network_acls, security_groups;
  };
  Sizes sizes() const {
    return {net_.network_interfaces.size(), net_.instances.size(), net_.subnets.size(),
            net_.network_acls.size(), net_.security_groups.size()};
  }

  // Before an item is read: a full list grows to what the whole file will add to it, estimated
  // from how far into the file this item starts (items of one answer are alike), rather than
  // doubling. 100,000 interfaces are then moved about once instead of through 17 doublings and
  // finalize()'s trim, which touches far fewer fresh pages. Early in a file, while the estimate
  // means little, it grows by doubling as before.
  void make_room(const Sizes& start, std::size_t offset, std::size_t file_size) {
    auto grow = [&](auto& list, std::size_t first) {
      if (list.size() < list.capacity() || list.size() == first || offset == 0) return;
      const double share = static_cast<double>(offset) / static_cast<double>(file_size);
      const double items = static_cast<double>(list.size() - first) / share;
      // 2% and 16 over the estimate, so that items somewhat larger near the end fit too.
      const auto estimate = first + static_cast<std::size_t>(items * 1.02) + 16;
      const std::size_t most = list.size() * (share >= 1.0 / 16 ? 16 : 2);
      list.reserve(std::clamp(estimate, list.size() + 1, most));
    };
    grow(net_.network_interfaces, start.network_interfaces);
    grow(net_.instances, start.instances);
    grow(net_.subnets, start.subnets);
    grow(net_.network_acls, start.network_acls);
    grow(net_.security_groups, start.security_groups);
  }

  // Sizes the parser for the largest file once: its buffers are then allocated, and their pages
  // touched, once for the whole snapshot rather than again for each larger file.
  void reserve(std::size_t largest_file) {
    // On failure each file sizes the parser itself (and reports what fails).
    if (largest_file > parser_.capacity() && parser_.allocate(largest_file) != simdjson::SUCCESS) {
      return;
    }
  }

  void finish(const std::string& region_option) {
    rank_propagated_routes();
    for (auto& p : pending_) p();
    pending_.clear();
    lag_members();
    // Gateway Load Balancer interfaces are kept for the load balancers' nodes that use them.
    const auto linked =
        elb_.finish([this](const std::string& i) { return gone_instances_.contains(i); });
    std::unordered_set<std::string> kept;
    for (auto& e : held_enis_) {
      if (linked.contains(e.id) && kept.insert(e.id).second)
        net_.network_interfaces.push_back(std::move(e));
    }
    held_enis_.clear();
    unknown_peer_groups();
    route53_.finish();
    cloudfront_.finish();
    regions(region_option);
  }

 private:
  using Handler = void (Snapshot::*)(const Value&);
  static const std::unordered_map<std::string, Handler>& handlers() {
    static const std::unordered_map<std::string, Handler> kHandlers{
        {"Vpcs", &Snapshot::vpc},
        {"Subnets", &Snapshot::subnet},
        {"RouteTables", &Snapshot::route_table},
        {"InternetGateways", &Snapshot::internet_gateway},
        {"EgressOnlyInternetGateways", &Snapshot::egress_only_internet_gateway},
        {"NatGateways", &Snapshot::nat_gateway},
        {"Addresses", &Snapshot::address},
        {"NetworkInterfaces", &Snapshot::network_interface},
        {"Reservations", &Snapshot::reservation},
        {"Instances", &Snapshot::instance},
        {"SecurityGroups", &Snapshot::security_group},
        {"SecurityGroupRules", &Snapshot::security_group_rule},
        {"NetworkAcls", &Snapshot::network_acl},
        {"PrefixLists", &Snapshot::prefix_list},
        {"ManagedPrefixListEntries", &Snapshot::prefix_list_entries},
        {"VpcPeeringConnections", &Snapshot::peering},
        {"TransitGateways", &Snapshot::transit_gateway},
        {"TransitGatewayAttachments", &Snapshot::tgw_attachment},
        {"TransitGatewayVpcAttachments", &Snapshot::tgw_attachment},
        {"TransitGatewayRouteTables", &Snapshot::tgw_route_table},
        {"TransitGatewayPropagations", &Snapshot::tgw_propagations},
        {"TransitGatewayStaticRoutes", &Snapshot::tgw_static_routes},
        {"VpcEndpoints", &Snapshot::vpc_endpoint},
        {"VpnGateways", &Snapshot::vpn_gateway},
        {"CustomerGateways", &Snapshot::customer_gateway},
        {"VpnConnections", &Snapshot::vpn_connection},
        {"directConnectGateways", &Snapshot::dx_gateway},
        {"directConnectGatewayAssociations", &Snapshot::dx_association},
        {"connections", &Snapshot::dx_connection},
        {"lags", &Snapshot::dx_lag},
        {"virtualInterfaces", &Snapshot::dx_virtual_interface},
    };
    return kHandlers;
  }

  json::Reader& rd() { return *rd_; }
  Location at(const Value& v) { return rd().at(v); }

  std::optional<std::string> id(const Value& item, std::string_view key) {
    auto s = rd().str(item.get(key), key);
    if (!s) {
      rd().error(item.offset(), "", "an item needs `" + std::string(key) + "`");
      return std::nullopt;
    }
    rd().set_resource(*s);
    return std::string(*s);
  }

  Ref ref(const Value& v, std::string_view field) {
    if (auto s = rd().str(v, field)) return {std::string(*s), at(v)};
    return {};
  }

  // The Name tag; describe-network-interfaces calls the list TagSet, the others Tags.
  static std::string name_tag(const Value& item) {
    for (const char* list : {"Tags", "TagSet"}) {
      for (const auto& t : item.get(list).items()) {
        if (t.get("Key").text() == "Name" && !t.get("Value").text().empty()) {
          return std::string(t.get("Value").text());
        }
      }
    }
    return {};
  }

  // A `cloudtwin:ignore` tag (model::IgnoreTag), in the same lists as the Name tag.
  void ignore_tag(const Value& item, Kind kind, const std::string& id) {
    for (const char* list : {"Tags", "TagSet"}) {
      for (const auto& t : item.get(list).items()) {
        if (t.get("Key").text() == "cloudtwin:ignore" && t.get("Value").is_string()) {
          net_.ignore_tags.push_back({kind, id, std::string(t.get("Value").text()), at(t.get("Value"))});
        }
      }
    }
  }

  template <class R>
  std::optional<Index> add(const Value& item, std::string_view key, std::vector<R>& list) {
    auto i = id(item, key);
    if (!i) return std::nullopt;
    R& r = list.emplace_back();
    r.id = std::move(*i);
    r.name = name_tag(item);
    r.at = at(item);
    return static_cast<Index>(list.size() - 1);
  }

  std::string account_of(const Value& item) {
    if (!account_.empty()) return account_;
    if (auto o = item.get("OwnerId"); o.is_string()) return std::string(o.text());
    return {};
  }

  // ---- VPCs, subnets, gateways --------------------------------------------------------------
  void vpc(const Value& item) {
    auto i = add(item, "VpcId", net_.vpcs);
    if (!i) return;
    auto& v = net_.vpcs[*i];
    v.account = account_of(item);
    v.region = region_;
    auto primary = rd().prefix(item.get("CidrBlock"), "CidrBlock", Family::kV4);
    if (primary) v.cidr_blocks.push_back(*primary);
    for (const auto& a : item.get("CidrBlockAssociationSet").items()) {
      auto state = a.get("CidrBlockState").get("State").text();
      if (!state.empty() && state != "associated") continue;
      auto p = rd().prefix(a.get("CidrBlock"), "CidrBlock", Family::kV4);
      if (p && std::find(v.cidr_blocks.begin(), v.cidr_blocks.end(), *p) == v.cidr_blocks.end()) {
        v.cidr_blocks.push_back(*p);
      }
    }
    for (const auto& a : item.get("Ipv6CidrBlockAssociationSet").items()) {
      auto state = a.get("Ipv6CidrBlockState").get("State").text();
      if (!state.empty() && state != "associated") continue;
      if (auto p = rd().prefix(a.get("Ipv6CidrBlock"), "Ipv6CidrBlock", Family::kV6)) {
        v.ipv6_cidr_blocks.push_back(*p);
      }
    }
  }

  void subnet(const Value& item) {
    auto i = add(item, "SubnetId", net_.subnets);
    if (!i) return;
    auto& s = net_.subnets[*i];
    s.vpc = ref(item.get("VpcId"), "VpcId");
    if (auto az = rd().str(item.get("AvailabilityZone"), "AvailabilityZone"))
      s.availability_zone = *az;
    s.cidr_block = rd().prefix(item.get("CidrBlock"), "CidrBlock", Family::kV4);
    for (const auto& a : item.get("Ipv6CidrBlockAssociationSet").items()) {
      auto state = a.get("Ipv6CidrBlockState").get("State").text();
      if (!state.empty() && state != "associated") continue;
      s.ipv6_cidr_block = rd().prefix(a.get("Ipv6CidrBlock"), "Ipv6CidrBlock", Family::kV6);
    }
  }

  void internet_gateway(const Value& item) {
    auto i = add(item, "InternetGatewayId", net_.internet_gateways);
    if (!i) return;
    for (const auto& a : item.get("Attachments").items()) {
      auto state = a.get("State").text();
      if (state == "available" || state == "attached" || state.empty()) {
        net_.internet_gateways[*i].vpc = ref(a.get("VpcId"), "VpcId");
      }
    }
  }

  void egress_only_internet_gateway(const Value& item) {
    auto i = add(item, "EgressOnlyInternetGatewayId", net_.egress_only_internet_gateways);
    if (!i) return;
    for (const auto& a : item.get("Attachments").items()) {
      net_.egress_only_internet_gateways[*i].vpc = ref(a.get("VpcId"), "VpcId");
    }
  }

  void nat_gateway(const Value& item) {
    auto state = item.get("State").text();
    // A deleted NAT gateway is gone; routes to it show as blackhole routes.
    if (state == "deleted" || state == "failed") return;
    auto i = add(item, "NatGatewayId", net_.nat_gateways);
    if (!i) return;
    auto& g = net_.nat_gateways[*i];
    g.subnet = ref(item.get("SubnetId"), "SubnetId");
    if (!state.empty()) g.state = std::string(state);
    g.private_connectivity = item.get("ConnectivityType").text() == "private";
    for (const auto& a : item.get("NatGatewayAddresses").items()) {
      auto primary = a.get("IsPrimary");
      if (primary.type() == json::Type::kBool && !primary.boolean()) continue;
      g.private_ip = rd().address(a.get("PrivateIp"), "PrivateIp", Family::kV4);
      g.public_ip = rd().address(a.get("PublicIp"), "PublicIp", Family::kV4);
      if (auto eni = a.get("NetworkInterfaceId"); eni.is_string())
        service_enis_.emplace(eni.text());
      break;
    }
  }

  void address(const Value& item) {
    const char* key = item.get("AllocationId").is_string() ? "AllocationId" : "PublicIp";
    auto i = add(item, key, net_.elastic_ips);
    if (!i) return;
    auto& e = net_.elastic_ips[*i];
    if (auto p = rd().address(item.get("PublicIp"), "PublicIp", Family::kV4))
      e.public_ip = *p;
    else
      rd().error(item.offset(), e.id, "an address needs `PublicIp`");
    e.network_interface = ref(item.get("NetworkInterfaceId"), "NetworkInterfaceId");
    if (e.network_interface.empty()) e.instance = ref(item.get("InstanceId"), "InstanceId");
    e.private_ip = rd().address(item.get("PrivateIpAddress"), "PrivateIpAddress", Family::kV4);
    // The EIP of a NAT gateway sits on the gateway's own interface, which the model represents
    // by the gateway (its public_ip).
    const Index self = *i;
    pending_.push_back([this, self] {
      auto& x = net_.elastic_ips[self];
      if (!x.network_interface.empty() && service_enis_.contains(x.network_interface.text)) {
        x.network_interface = {};
        x.private_ip.reset();
      }
    });
  }

  // ---- interfaces and instances -----------------------------------------------------------
  // One ENI (describe-network-interfaces, or an instance's NetworkInterfaces[]); merged by id.
  void interface_item(const Value& item, const std::string& instance, const std::string& name) {
    auto type = item.get("InterfaceType").text();
    auto eni_id = rd().str(item.get("NetworkInterfaceId"), "NetworkInterfaceId");
    if (!eni_id) {
      rd().error(item.offset(), "", "a network interface needs `NetworkInterfaceId`");
      return;
    }
    // ELB's requester-managed interfaces: "ELB app/<name>/<id>", "ELB net/...", "ELB gwy/...",
    // "ELB <name>" for Classic (aws-vpc-services.md §0). A load balancer node uses its own.
    std::string_view elb_owner = item.get("Description").text();
    elb_owner = elb_owner.starts_with("ELB ") ? elb_owner.substr(4) : std::string_view{};
    const bool held = type == "gateway_load_balancer" && !elb_owner.empty();
    ignore_tag(item, Kind::kNetworkInterface, std::string(*eni_id));
    if (is_service_interface(type)) {
      service_enis_.emplace(*eni_id);
      if (!held) return;
    }
    if (const auto* known = eni_index_.first(*eni_id)) {
      // Listed by both describe-instances and describe-network-interfaces.
      auto& e = net_.network_interfaces[known->index];
      if (e.instance.empty() && !instance.empty()) e.instance = {instance, at(item)};
      if (e.name.empty()) e.name = name.empty() ? name_tag(item) : name;
      // describe-instances carries the auto-assigned public IP in its own shape.
      if (!e.public_ip) {
        for (const auto& p : item.get("PrivateIpAddresses").items()) {
          auto pub = p.get("Association");
          if (p.get("Primary").boolean() && pub.get("IpOwnerId").text() == "amazon") {
            e.public_ip = rd().address(pub.get("PublicIp"), "PublicIp", Family::kV4);
          }
        }
        if (!e.public_ip && item.get("Association").get("IpOwnerId").text() == "amazon") {
          e.public_ip =
              rd().address(item.get("Association").get("PublicIp"), "PublicIp", Family::kV4);
        }
      }
      return;
    }
    rd().set_resource(*eni_id);
    model::NetworkInterface e;
    e.id = *eni_id;
    e.name = name_tag(item);
    if (e.name.empty()) e.name = name;
    e.at = at(item);
    e.subnet = ref(item.get("SubnetId"), "SubnetId");
    if (!type.empty()) e.interface_type = std::string(type);
    if (auto s = item.get("Status").text(); !s.empty()) e.status = std::string(s);
    if (auto b = rd().boolean(item.get("SourceDestCheck"), "SourceDestCheck"))
      e.source_dest_check = *b;
    for (const auto& g : item.get("Groups").items()) {
      if (auto r = ref(g.get("GroupId"), "GroupId"); !r.empty()) e.security_groups.push_back(r);
    }
    auto primary = rd().address(item.get("PrivateIpAddress"), "PrivateIpAddress", Family::kV4);
    if (primary) e.private_ips.push_back(*primary);
    for (const auto& p : item.get("PrivateIpAddresses").items()) {
      auto a = rd().address(p.get("PrivateIpAddress"), "PrivateIpAddress", Family::kV4);
      if (!a) continue;
      const bool is_primary = p.get("Primary").boolean();
      if (std::find(e.private_ips.begin(), e.private_ips.end(), *a) == e.private_ips.end()) {
        if (is_primary)
          e.private_ips.insert(e.private_ips.begin(), *a);
        else
          e.private_ips.push_back(*a);
      }
      // An auto-assigned public IPv4 of the primary address; EIPs come from Addresses.
      auto pub = p.get("Association");
      if (is_primary && pub.get("IpOwnerId").text() == "amazon") {
        e.public_ip = rd().address(pub.get("PublicIp"), "PublicIp", Family::kV4);
      }
    }
    if (!e.public_ip && item.get("Association").get("IpOwnerId").text() == "amazon") {
      e.public_ip = rd().address(item.get("Association").get("PublicIp"), "PublicIp", Family::kV4);
    }
    for (const auto& p : item.get("Ipv6Addresses").items()) {
      if (auto a = rd().address(p.get("Ipv6Address"), "Ipv6Address", Family::kV6))
        e.ipv6_addresses.push_back(*a);
    }
    auto attached = item.get("Attachment").get("InstanceId");
    if (!instance.empty())
      e.instance = {instance, at(item)};
    else if (attached.is_string())
      e.instance = {std::string(attached.text()), at(attached)};
    if (!elb_owner.empty()) elb_.note_interface(elb_owner, e);
    if (held) {
      held_enis_.push_back(std::move(e));
      return;
    }
    eni_index_.add(e.id, {Kind::kNetworkInterface, static_cast<Index>(net_.network_interfaces.size())});
    net_.network_interfaces.push_back(std::move(e));
  }

  void network_interface(const Value& item) { interface_item(item, "", ""); }

  void reservation(const Value& item) {
    for (const auto& i : item.get("Instances").items()) instance(i);
  }

  void instance(const Value& item) {
    auto state = item.get("State").get("Name").text();
    // A terminated instance has no interfaces left and nothing to trace.
    if (state == "terminated" || state == "shutting-down") {
      if (auto i = item.get("InstanceId"); i.is_string()) gone_instances_.emplace(i.text());
      return;
    }
    auto i = add(item, "InstanceId", net_.instances);
    if (!i) return;
    auto& inst = net_.instances[*i];
    ignore_tag(item, Kind::kInstance, inst.id);
    if (!state.empty()) inst.state = std::string(state);
    const std::string id = inst.id, name = inst.name;
    // The primary interface (device index 0) first: the model takes the first as primary.
    const auto listed = item.get("NetworkInterfaces").items();
    std::vector<Value> enis(listed.begin(), listed.end());
    std::stable_sort(enis.begin(), enis.end(), [](const Value& a, const Value& b) {
      return a.get("Attachment").get("DeviceIndex").text() <
             b.get("Attachment").get("DeviceIndex").text();
    });
    for (const auto& e : enis) interface_item(e, id, name);
    if (enis.empty() && item.get("SubnetId").is_string()) {
      // Older answers without NetworkInterfaces: the instance's own fields describe it.
      model::NetworkInterface e;
      e.id = id.starts_with("i-") ? "eni-" + id.substr(2) : id + "-eni";
      e.name = name;
      e.at = at(item);
      e.subnet = ref(item.get("SubnetId"), "SubnetId");
      if (auto a = rd().address(item.get("PrivateIpAddress"), "PrivateIpAddress", Family::kV4))
        e.private_ips.push_back(*a);
      e.public_ip = rd().address(item.get("PublicIpAddress"), "PublicIpAddress", Family::kV4);
      for (const auto& g : item.get("SecurityGroups").items()) {
        if (auto r = ref(g.get("GroupId"), "GroupId"); !r.empty()) e.security_groups.push_back(r);
      }
      if (auto b = rd().boolean(item.get("SourceDestCheck"), "SourceDestCheck"))
        e.source_dest_check = *b;
      e.instance = {id, e.at};
      eni_index_.add(e.id, {Kind::kNetworkInterface, static_cast<Index>(net_.network_interfaces.size())});
      net_.network_interfaces.push_back(std::move(e));
    }
  }

  // ---- security groups and network ACLs ----------------------------------------------------
  bool rule_ports(const Value& item, Protocol p, PortRange& ports, int& type, int& code) {
    auto from = rd().integer(item.get("FromPort"), "FromPort", -1, 65535);
    auto to = rd().integer(item.get("ToPort"), "ToPort", -1, 65535);
    if (p.is_icmp()) {
      type = from ? static_cast<int>(*from) : -1;
      code = to ? static_cast<int>(*to) : -1;
      return true;
    }
    if (!p.has_ports() || !from || !to || *from < 0 || *to < 0) return true;
    if (*from > *to) {
      rd().error(item.offset(), rd().resource(),
                 "port range " + std::to_string(*from) + "-" + std::to_string(*to) + " is empty");
      return false;
    }
    ports = {static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)};
    return true;
  }

  std::optional<Protocol> protocol(const Value& v, std::string_view field) {
    auto s = rd().str(v, field);
    if (!s) {
      if (v.absent())
        rd().error(v.offset(), rd().resource(), "`" + std::string(field) + "` is missing");
      return std::nullopt;
    }
    auto p = Protocol::parse(lower(*s));
    if (!p)
      rd().error(v.offset(), rd().resource(),
                 "`" + std::string(field) + "`: unknown protocol `" + std::string(*s) + "`");
    return p;
  }

  std::vector<model::SecurityGroupRule> permission(const Value& item) {
    std::vector<model::SecurityGroupRule> out;
    model::SecurityGroupRule base;
    base.at = at(item);
    auto p = protocol(item.get("IpProtocol"), "IpProtocol");
    if (!p) return out;
    base.protocol = *p;
    if (!rule_ports(item, *p, base.ports, base.icmp_type, base.icmp_code)) return out;
    auto with = [&](auto set) {
      auto r = base;
      set(r);
      out.push_back(std::move(r));
    };
    for (const auto& r : item.get("IpRanges").items()) {
      if (auto c = rd().prefix(r.get("CidrIp"), "CidrIp", Family::kV4))
        with([&](auto& x) {
          x.cidr = c;
          x.at = at(r);
        });
    }
    for (const auto& r : item.get("Ipv6Ranges").items()) {
      if (auto c = rd().prefix(r.get("CidrIpv6"), "CidrIpv6", Family::kV6))
        with([&](auto& x) {
          x.cidr = c;
          x.at = at(r);
        });
    }
    for (const auto& r : item.get("PrefixListIds").items()) {
      if (auto pl = ref(r.get("PrefixListId"), "PrefixListId"); !pl.empty())
        with([&](auto& x) { x.prefix_list = pl; });
    }
    for (const auto& r : item.get("UserIdGroupPairs").items()) {
      if (auto g = ref(r.get("GroupId"), "GroupId"); !g.empty()) {
        with([&](auto& x) {
          x.security_group = g;
          x.at = at(r);
        });
        group_pairs_.try_emplace(g.text, group_pair_detail(r));
      }
    }
    return out;
  }

  // What a group pair says about where its group lives: another account, a peering connection
  // and its status (a stale reference keeps "PeeringStatus": "deleted").
  static std::string group_pair_detail(const Value& pair) {
    std::string out;
    auto add = [&](std::string s) { out += (out.empty() ? "" : ", ") + s; };
    if (auto u = pair.get("UserId"); u.is_string() && !u.text().empty())
      add("account " + std::string(u.text()));
    if (auto p = pair.get("VpcPeeringConnectionId"); p.is_string() && !p.text().empty())
      add("through " + std::string(p.text()));
    if (auto s = pair.get("PeeringStatus"); s.is_string() && !s.text().empty())
      add("peering " + std::string(s.text()));
    return out;
  }

  // security-group-rules.html: a rule may reference a group of a peered VPC in another account
  // or Region, and describe-stale-security-groups lists rules whose peer group was deleted;
  // neither group is in this snapshot. The rule is kept with its peer unknown, so answers that
  // depend on it are inconclusive, rather than failing the load.
  void unknown_peer_groups() {
    std::unordered_set<std::string> known;
    for (const auto& g : net_.security_groups) {
      known.insert(g.id);
      if (!g.name.empty()) known.insert(g.name);
    }
    for (auto& g : net_.security_groups) {
      for (auto* rules : {&g.ingress, &g.egress}) {
        for (auto& r : *rules) {
          if (r.security_group.empty() || known.contains(r.security_group.text)) continue;
          const std::string peer = r.security_group.text;
          auto detail = group_pairs_.find(peer);
          const std::string where =
              detail == group_pairs_.end() || detail->second.empty() ? "" : " (" + detail->second + ")";
          d_.gap(Gap::kLeftOut, "SecurityGroup", net_.file_of(r.at), r.at, g.id,
                 "a rule of " + g.id + " references security group " + peer + where +
                     ", which is not in the snapshot: its members are unknown, so answers that "
                     "depend on this rule are inconclusive",
                 "add the describe-security-groups answer of that account and Region, or "
                 "remove the stale rule (aws ec2 describe-stale-security-groups)");
          r.unknown = "security group " + peer + " is not in the snapshot";
          r.security_group = {};
        }
      }
    }
  }

  void security_group(const Value& item) {
    auto i = add(item, "GroupId", net_.security_groups);
    if (!i) return;
    auto& g = net_.security_groups[*i];
    ignore_tag(item, Kind::kSecurityGroup, g.id);
    g.vpc = ref(item.get("VpcId"), "VpcId");
    if (auto n = rd().str(item.get("GroupName"), "GroupName")) g.group_name = *n;
    g.is_default = g.group_name == "default";
    if (g.name.empty()) g.name = g.group_name == "default" ? "" : g.group_name;
    std::vector<model::SecurityGroupRule> in, out;
    for (const auto& p : item.get("IpPermissions").items()) {
      for (auto& r : permission(p)) in.push_back(std::move(r));
    }
    for (const auto& p : item.get("IpPermissionsEgress").items()) {
      for (auto& r : permission(p)) out.push_back(std::move(r));
    }
    net_.security_groups[*i].ingress = std::move(in);
    net_.security_groups[*i].egress = std::move(out);
    sg_index_.emplace(net_.security_groups[*i].id, *i);
  }

  void security_group_rule(const Value& item) {
    auto group = ref(item.get("GroupId"), "GroupId");
    auto p = protocol(item.get("IpProtocol"), "IpProtocol");
    if (group.empty() || !p) return;
    model::SecurityGroupRule r;
    r.at = at(item);
    r.protocol = *p;
    if (!rule_ports(item, *p, r.ports, r.icmp_type, r.icmp_code)) return;
    if (auto c = rd().prefix(item.get("CidrIpv4"), "CidrIpv4", Family::kV4))
      r.cidr = c;
    else if (auto c6 = rd().prefix(item.get("CidrIpv6"), "CidrIpv6", Family::kV6))
      r.cidr = c6;
    else if (auto pl = ref(item.get("PrefixListId"), "PrefixListId"); !pl.empty())
      r.prefix_list = pl;
    else if (auto g = ref(item.get("ReferencedGroupInfo").get("GroupId"), "GroupId");
             !g.empty()) {
      r.security_group = g;
      group_pairs_.try_emplace(g.text, group_pair_detail(item.get("ReferencedGroupInfo")));
    }
    const bool egress = item.get("IsEgress").boolean();
    pending_.push_back([this, group, r, egress] {
      auto it = sg_index_.find(group.text);
      if (it == sg_index_.end()) {
        d_.error(net_.file_of(group.at), group.at, group.text,
                 "no SecurityGroup `" + group.text + "` in the snapshot",
                 "add the describe-security-groups answer");
        return;
      }
      auto& list = egress ? net_.security_groups[it->second].egress
                          : net_.security_groups[it->second].ingress;
      bool dup = std::any_of(list.begin(), list.end(), [&](const auto& x) {
        return x.protocol == r.protocol && x.ports == r.ports && x.icmp_type == r.icmp_type &&
               x.icmp_code == r.icmp_code && x.cidr == r.cidr &&
               x.prefix_list.text == r.prefix_list.text &&
               x.security_group.text == r.security_group.text;
      });
      if (!dup) list.push_back(r);
    });
  }

  void network_acl(const Value& item) {
    auto i = add(item, "NetworkAclId", net_.network_acls);
    if (!i) return;
    auto& a = net_.network_acls[*i];
    a.vpc = ref(item.get("VpcId"), "VpcId");
    a.is_default = item.get("IsDefault").boolean();
    for (const auto& s : item.get("Associations").items()) {
      if (auto r = ref(s.get("SubnetId"), "SubnetId"); !r.empty()) a.subnets.push_back(r);
    }
    std::vector<model::NetworkAclEntry> in, out;
    for (const auto& e : item.get("Entries").items()) {
      auto n = rd().integer(e.get("RuleNumber"), "RuleNumber", 1, 32768);
      if (!n) continue;
      // The "*" rules: AWS lists the IPv4 catch-all deny as 32767 and the IPv6 one (in a VPC
      // with IPv6) as 32768; finalize() adds both.
      if (*n == 32767 || *n == 32768) continue;
      model::NetworkAclEntry x;
      x.at = at(e);
      x.rule_number = static_cast<int>(*n);
      auto p = protocol(e.get("Protocol"), "Protocol");
      if (!p) continue;
      x.protocol = *p;
      auto action = lower(e.get("RuleAction").text());
      if (action != "allow" && action != "deny") {
        rd().error(e.offset(), rd().resource(), "`RuleAction` must be allow or deny");
        continue;
      }
      x.allow = action == "allow";
      auto v4 = rd().prefix(e.get("CidrBlock"), "CidrBlock", Family::kV4);
      auto v6 = rd().prefix(e.get("Ipv6CidrBlock"), "Ipv6CidrBlock", Family::kV6);
      if (!v4 && !v6) {
        rd().error(e.offset(), rd().resource(), "an entry needs `CidrBlock` or `Ipv6CidrBlock`");
        continue;
      }
      x.cidr = v4 ? *v4 : *v6;
      if (x.protocol.is_icmp()) {
        if (auto t = rd().integer(e.get("IcmpTypeCode").get("Type"), "Type", -1, 255))
          x.icmp_type = static_cast<int>(*t);
        if (auto c = rd().integer(e.get("IcmpTypeCode").get("Code"), "Code", -1, 255))
          x.icmp_code = static_cast<int>(*c);
      } else if (x.protocol.has_ports()) {
        auto from = rd().integer(e.get("PortRange").get("From"), "From", 0, 65535);
        auto to = rd().integer(e.get("PortRange").get("To"), "To", 0, 65535);
        if (from && to && *from <= *to)
          x.ports = {static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)};
      }
      (e.get("Egress").boolean() ? out : in).push_back(x);
    }
    net_.network_acls[*i].ingress = std::move(in);
    net_.network_acls[*i].egress = std::move(out);
  }

  // ---- routing -------------------------------------------------------------------------------
  void route_table(const Value& item) {
    auto i = add(item, "RouteTableId", net_.route_tables);
    if (!i) return;
    auto& t = net_.route_tables[*i];
    t.vpc = ref(item.get("VpcId"), "VpcId");
    for (const auto& a : item.get("Associations").items()) {
      auto state = a.get("AssociationState").get("State").text();
      if (!state.empty() && state != "associated") continue;
      if (a.get("Main").boolean()) t.main = true;
      if (auto s = ref(a.get("SubnetId"), "SubnetId"); !s.empty()) t.subnets.push_back(s);
      if (auto g = ref(a.get("GatewayId"), "GatewayId"); !g.empty()) t.gateways.push_back(g);
    }
    // Propagated routes are read as the routes AWS installed (Origin
    // EnableVgwRoutePropagation), not re-derived from PropagatingVgws: a snapshot knows the
    // BGP routes a VGW learned, the model would not. So PropagatingVgws is not copied.
    std::vector<model::Route> statics, propagated;
    for (const auto& r : item.get("Routes").items()) {
      auto route = read_route(r);
      if (!route) continue;
      (route->origin >= model::RouteOrigin::kPropagatedDirectConnect ? propagated : statics)
          .push_back(*route);
    }
    for (auto& p : propagated) {
      // A static route to the same prefix wins and hides the propagated one.
      bool hidden = std::any_of(statics.begin(), statics.end(),
                                [&](const auto& s) { return s.destination == p.destination; });
      if (!hidden) statics.push_back(std::move(p));
    }
    net_.route_tables[*i].routes = std::move(statics);
  }

  std::optional<model::Route> read_route(const Value& r) {
    using model::TargetKind;
    model::Route route;
    route.at = at(r);
    if (auto gw = r.get("GatewayId"); gw.text() == "local")
      return std::nullopt;  // finalize() adds it
    if (auto p = rd().prefix(r.get("DestinationCidrBlock"), "DestinationCidrBlock", Family::kV4))
      route.destination = p;
    else if (auto p6 = rd().prefix(r.get("DestinationIpv6CidrBlock"), "DestinationIpv6CidrBlock",
                                   Family::kV6))
      route.destination = p6;
    else if (auto pl = ref(r.get("DestinationPrefixListId"), "DestinationPrefixListId");
             !pl.empty()) {
      route.destination_prefix_list = pl;
      route.origin = model::RouteOrigin::kPrefixList;
    } else {
      rd().error(r.offset(), rd().resource(),
                 "a route needs DestinationCidrBlock, DestinationIpv6CidrBlock or "
                 "DestinationPrefixListId");
      return std::nullopt;
    }
    struct Target {
      std::string_view key;
      TargetKind kind;
    };
    // NetworkInterfaceId before InstanceId: a route to an instance names both.
    static constexpr Target kTargets[] = {
        {"NetworkInterfaceId", TargetKind::kNetworkInterface},
        {"GatewayId", TargetKind::kInternetGateway},
        {"NatGatewayId", TargetKind::kNatGateway},
        {"TransitGatewayId", TargetKind::kTransitGateway},
        {"VpcPeeringConnectionId", TargetKind::kVpcPeeringConnection},
        {"EgressOnlyInternetGatewayId", TargetKind::kEgressOnlyInternetGateway},
        {"InstanceId", TargetKind::kInstance},
        {"LocalGatewayId", TargetKind::kUnsupported},
        {"CarrierGatewayId", TargetKind::kUnsupported},
        {"CoreNetworkArn", TargetKind::kUnsupported},
    };
    for (const auto& t : kTargets) {
      if (auto x = ref(r.get(t.key), t.key); !x.empty()) {
        route.target = x;
        route.target_kind = t.kind;
        if (t.key == "GatewayId") {
          if (x.text.starts_with("vgw-")) route.target_kind = TargetKind::kVpnGateway;
          if (x.text.starts_with("vpce-")) route.target_kind = TargetKind::kVpcEndpoint;
        }
        break;
      }
    }
    route.blackhole = r.get("State").text() == "blackhole";
    if (route.target.empty()) {
      if (route.blackhole) return std::nullopt;  // a blackhole to something deleted
      rd().error(r.offset(), rd().resource(),
                 "a route needs a target (GatewayId, NatGatewayId, ...)");
      return std::nullopt;
    }
    if (r.get("Origin").text() == "EnableVgwRoutePropagation") {
      // Ranked VPN static or BGP by rank_propagated_routes() once every file is read.
      route.origin = model::RouteOrigin::kPropagatedVpnBgp;
    }
    return route;
  }

  // ---- transit gateways --------------------------------------------------------------------
  void transit_gateway(const Value& item) {
    auto state = item.get("State").text();
    if (state == "deleted") return;
    auto i = add(item, "TransitGatewayId", net_.transit_gateways);
    if (!i) return;
    auto& t = net_.transit_gateways[*i];
    t.account = account_of(item);
    t.region = region_;
    const Value o = item.get("Options");
    if (auto asn = rd().integer(o.get("AmazonSideAsn"), "AmazonSideAsn", 1, 4294967294))
      t.amazon_side_asn = static_cast<std::uint32_t>(*asn);
    t.default_route_table_association = o.get("DefaultRouteTableAssociation").text() != "disable";
    t.default_route_table_propagation = o.get("DefaultRouteTablePropagation").text() != "disable";
    t.association_default_route_table =
        ref(o.get("AssociationDefaultRouteTableId"), "AssociationDefaultRouteTableId");
    t.propagation_default_route_table =
        ref(o.get("PropagationDefaultRouteTableId"), "PropagationDefaultRouteTableId");
  }

  void tgw_route_table(const Value& item) {
    auto state = item.get("State").text();
    if (state == "deleted") return;
    auto i = add(item, "TransitGatewayRouteTableId", net_.transit_gateway_route_tables);
    if (!i) return;
    net_.transit_gateway_route_tables[*i].transit_gateway =
        ref(item.get("TransitGatewayId"), "TransitGatewayId");
  }

  void tgw_attachment(const Value& item) {
    auto state = item.get("State").text();
    if (state == "deleted" || state == "failed" || state == "rejected") return;
    auto id = rd().str(item.get("TransitGatewayAttachmentId"), "TransitGatewayAttachmentId");
    if (!id) {
      rd().error(item.offset(), "", "an attachment needs `TransitGatewayAttachmentId`");
      return;
    }
    rd().set_resource(*id);
    const std::string tgw(item.get("TransitGatewayId").text());
    Index i;
    // describe-transit-gateway-attachments and -vpc-attachments list the same attachment. A
    // peering attachment has one id and a side on each transit gateway: the model holds one
    // attachment per side, the second named `<id>@<tgw>`, each the other's peer.
    if (auto it = attachment_side_.find({std::string(*id), tgw}); it != attachment_side_.end()) {
      i = it->second;
    } else {
      i = static_cast<Index>(net_.transit_gateway_attachments.size());
      auto& a = net_.transit_gateway_attachments.emplace_back();
      a.id = *id;
      a.at = at(item);
      if (auto first = attachment_index_.find(a.id); first != attachment_index_.end()) {
        a.id += "@" + tgw;
        auto& other = net_.transit_gateway_attachments[first->second];
        other.peer_attachment = {a.id, a.at};
        a.peer_attachment = {other.id, other.at};
      } else {
        attachment_index_.emplace(a.id, i);
      }
      attachment_side_.emplace(std::make_pair(std::string(*id), tgw), i);
    }
    auto& a = net_.transit_gateway_attachments[i];
    if (a.name.empty()) a.name = name_tag(item);
    if (a.transit_gateway.empty())
      a.transit_gateway = ref(item.get("TransitGatewayId"), "TransitGatewayId");
    if (!state.empty()) a.state = std::string(state);
    auto type = item.get("ResourceType").text();
    auto resource = item.get("ResourceId");
    if (item.get("VpcId").is_string()) {
      type = "vpc";
      resource = item.get("VpcId");
    }
    using model::AttachmentType;
    if (type == "vpc") {
      a.type = AttachmentType::kVpc;
      if (a.vpc.empty()) a.vpc = ref(resource, "ResourceId");
    } else if (type == "vpn") {
      a.type = AttachmentType::kVpn;
      a.vpn_connection = ref(resource, "ResourceId");
    } else if (type == "direct-connect-gateway") {
      a.type = AttachmentType::kDirectConnectGateway;
      a.direct_connect_gateway = ref(resource, "ResourceId");
    } else if (type == "peering") {
      a.type = AttachmentType::kPeering;
    } else if (type == "connect") {
      a.type = AttachmentType::kConnect;
    }
    if (a.subnets.empty()) {
      for (const auto& s : item.get("SubnetIds").items()) {
        if (auto r = ref(s, "SubnetIds"); !r.empty()) a.subnets.push_back(r);
      }
    }
    if (item.get("Options").get("ApplianceModeSupport").text() == "enable")
      a.appliance_mode_support = true;
    const Value assoc = item.get("Association");
    if (assoc.is_object() && assoc.get("State").text() != "disassociated") {
      a.association = ref(assoc.get("TransitGatewayRouteTableId"), "TransitGatewayRouteTableId");
    }
  }

  // The model id of attachment `id` on the side of the transit gateway owning `table`.
  std::optional<Index> attachment_for_table(const std::string& id, const std::string& table) {
    std::string tgw;
    for (const auto& t : net_.transit_gateway_route_tables) {
      if (t.id == table) tgw = t.transit_gateway.text;
    }
    if (auto it = attachment_side_.find({id, tgw}); it != attachment_side_.end()) return it->second;
    if (auto it = attachment_index_.find(id); it != attachment_index_.end()) return it->second;
    return std::nullopt;
  }

  void tgw_propagations(const Value& item) {
    Ref table = ref(item.get("TransitGatewayRouteTableId"), "TransitGatewayRouteTableId");
    if (table.empty()) {
      rd().error(item.offset(), "",
                 "an item of TransitGatewayPropagations needs `TransitGatewayRouteTableId`");
      return;
    }
    for (const auto& p : item.get("TransitGatewayRouteTablePropagations").items()) {
      if (p.get("State").text() == "disabled") continue;
      Ref att = ref(p.get("TransitGatewayAttachmentId"), "TransitGatewayAttachmentId");
      if (att.empty()) continue;
      pending_.push_back([this, table, att] {
        auto i = attachment_for_table(att.text, table.text);
        if (!i) {
          d_.error(net_.file_of(att.at), att.at, table.text,
                   "no TransitGatewayAttachment `" + att.text + "` in the snapshot");
          return;
        }
        auto& list = net_.transit_gateway_attachments[*i].propagations;
        if (std::none_of(list.begin(), list.end(),
                         [&](const Ref& r) { return r.text == table.text; }))
          list.push_back(table);
      });
    }
  }

  void tgw_static_routes(const Value& item) {
    Ref table = ref(item.get("TransitGatewayRouteTableId"), "TransitGatewayRouteTableId");
    if (table.empty()) {
      rd().error(item.offset(), "",
                 "an item of TransitGatewayStaticRoutes needs `TransitGatewayRouteTableId`");
      return;
    }
    rd().set_resource(table.text);
    std::vector<model::TransitGatewayRoute> routes;
    for (const auto& r : item.get("Routes").items()) {
      if (!r.get("Type").text().empty() && r.get("Type").text() != "static") continue;
      model::TransitGatewayRoute route;
      route.at = at(r);
      auto p = rd().prefix(r.get("DestinationCidrBlock"), "DestinationCidrBlock");
      if (!p) continue;  // prefix-list routes are not modelled
      route.destination = *p;
      route.blackhole = r.get("State").text() == "blackhole";
      for (const auto& a : r.get("TransitGatewayAttachments").items()) {
        route.attachment = ref(a.get("TransitGatewayAttachmentId"), "TransitGatewayAttachmentId");
        break;
      }
      if (route.blackhole) route.attachment = {};
      routes.push_back(route);
    }
    pending_.push_back([this, table, routes] {
      auto it = std::find_if(net_.transit_gateway_route_tables.begin(),
                             net_.transit_gateway_route_tables.end(),
                             [&](const auto& t) { return t.id == table.text; });
      if (it == net_.transit_gateway_route_tables.end()) {
        d_.error(net_.file_of(table.at), table.at, table.text,
                 "no TransitGatewayRouteTable `" + table.text + "` in the snapshot");
        return;
      }
      for (auto r : routes) {
        if (!r.attachment.empty()) {
          if (auto i = attachment_for_table(r.attachment.text, table.text)) {
            r.attachment.text = net_.transit_gateway_attachments[*i].id;
          }
        }
        if (std::none_of(it->routes.begin(), it->routes.end(),
                         [&](const auto& x) { return x.destination == r.destination; })) {
          it->routes.push_back(r);
        }
      }
    });
  }

  // ---- endpoints, prefix lists, peering ------------------------------------------------------
  void vpc_endpoint(const Value& item) {
    auto state = item.get("State").text();
    if (state == "deleted" || state == "failed" || state == "rejected") return;
    const auto type = item.get("VpcEndpointType").text();
    const auto kind = model::parse_vpc_endpoint_type(type.empty() ? "Gateway" : type);
    if (!kind || *kind == model::VpcEndpointType::kFirewall) {
      rd().diagnostics().gap(Gap::kIgnoredType, std::string(type) + " VPC endpoint", rd().path(),
                             rd().at(item.offset()), std::string(item.get("VpcEndpointId").text()),
                             "ignored: cloudtwin models Gateway, Interface and "
                             "GatewayLoadBalancer endpoints");
      return;
    }
    auto i = add(item, "VpcEndpointId", net_.vpc_endpoints);
    if (!i) return;
    auto& e = net_.vpc_endpoints[*i];
    e.vpc = ref(item.get("VpcId"), "VpcId");
    e.type = *kind;
    if (auto s = rd().str(item.get("ServiceName"), "ServiceName")) e.service_name = *s;
    if (!state.empty()) e.state = std::string(state);
    for (const auto& r : item.get("RouteTableIds").items())
      e.route_tables.push_back(ref(r, "RouteTableIds"));
    for (const auto& r : item.get("SubnetIds").items()) e.subnets.push_back(ref(r, "SubnetIds"));
    for (const auto& r : item.get("NetworkInterfaceIds").items())
      e.network_interfaces.push_back(ref(r, "NetworkInterfaceIds"));
    for (const auto& g : item.get("Groups").items())
      e.security_groups.push_back(ref(g.get("GroupId"), "GroupId"));
    std::erase_if(e.route_tables, [](const Ref& r) { return r.empty(); });
    std::erase_if(e.subnets, [](const Ref& r) { return r.empty(); });
    std::erase_if(e.network_interfaces, [](const Ref& r) { return r.empty(); });
    std::erase_if(e.security_groups, [](const Ref& r) { return r.empty(); });
  }

  model::PrefixList& prefix_list_by_id(const std::string& id, Location where) {
    if (auto it = pl_index_.find(id); it != pl_index_.end()) return net_.prefix_lists[it->second];
    auto& p = net_.prefix_lists.emplace_back();
    p.id = id;
    p.at = where;
    pl_index_.emplace(id, static_cast<Index>(net_.prefix_lists.size() - 1));
    return p;
  }

  // describe-prefix-lists (AWS-managed, with Cidrs) or describe-managed-prefix-lists.
  void prefix_list(const Value& item) {
    auto pid = id(item, "PrefixListId");
    if (!pid) return;
    auto& p = prefix_list_by_id(*pid, at(item));
    if (auto n = item.get("PrefixListName"); n.is_string())
      p.prefix_list_name = std::string(n.text());
    if (p.name.empty()) p.name = name_tag(item);
    if (auto f = item.get("AddressFamily").text(); !f.empty())
      p.address_family = f == "IPv6" ? Family::kV6 : Family::kV4;
    for (const auto& c : item.get("Cidrs").items()) {
      auto x = rd().prefix(c, "Cidrs");
      if (x && std::find(p.entries.begin(), p.entries.end(), *x) == p.entries.end())
        p.entries.push_back(*x);
    }
  }

  // cloudtwin's file of get-managed-prefix-list-entries answers: [{PrefixListId, Entries}].
  void prefix_list_entries(const Value& item) {
    auto pid = id(item, "PrefixListId");
    if (!pid) return;
    auto& p = prefix_list_by_id(*pid, at(item));
    for (const auto& e : item.get("Entries").items()) {
      auto x = rd().prefix(e.get("Cidr"), "Cidr");
      if (x && std::find(p.entries.begin(), p.entries.end(), *x) == p.entries.end())
        p.entries.push_back(*x);
    }
  }

  std::optional<std::string> id_of_item(const Value& item, std::string_view key) {
    return id(item, key);
  }

  void peering(const Value& item) {
    auto status = item.get("Status").get("Code").text();
    if (status == "deleted" || status == "rejected" || status == "failed" || status == "expired")
      return;
    auto i = add(item, "VpcPeeringConnectionId", net_.vpc_peering_connections);
    if (!i) return;
    auto& p = net_.vpc_peering_connections[*i];
    p.requester_vpc = ref(item.get("RequesterVpcInfo").get("VpcId"), "VpcId");
    p.accepter_vpc = ref(item.get("AccepterVpcInfo").get("VpcId"), "VpcId");
    if (!status.empty()) p.status = std::string(status);
    // The same connection appears in the answers of both accounts of a cross-account pair.
    if (std::count_if(net_.vpc_peering_connections.begin(), net_.vpc_peering_connections.end(),
                      [&](const auto& x) { return x.id == p.id; }) > 1) {
      net_.vpc_peering_connections.pop_back();
    }
  }

  // ---- VPN and Direct Connect ----------------------------------------------------------------
  void vpn_gateway(const Value& item) {
    auto state = item.get("State").text();
    if (state == "deleted") return;
    auto i = add(item, "VpnGatewayId", net_.vpn_gateways);
    if (!i) return;
    auto& g = net_.vpn_gateways[*i];
    if (auto asn = rd().integer(item.get("AmazonSideAsn"), "AmazonSideAsn", 1, 4294967294))
      g.amazon_side_asn = static_cast<std::uint32_t>(*asn);
    for (const auto& a : item.get("VpcAttachments").items()) {
      if (a.get("State").text() == "attached") g.vpc = ref(a.get("VpcId"), "VpcId");
    }
  }

  void customer_gateway(const Value& item) {
    if (item.get("State").text() == "deleted") return;
    auto i = add(item, "CustomerGatewayId", net_.customer_gateways);
    if (!i) return;
    auto& g = net_.customer_gateways[*i];
    g.ip_address = rd().address(item.get("IpAddress"), "IpAddress", Family::kV4);
    if (auto asn = rd().integer(item.get("BgpAsn"), "BgpAsn", 1, 4294967294))
      g.bgp_asn = static_cast<std::uint32_t>(*asn);
  }

  void vpn_connection(const Value& item) {
    auto state = item.get("State").text();
    if (state == "deleted") return;
    auto i = add(item, "VpnConnectionId", net_.vpn_connections);
    if (!i) return;
    auto& c = net_.vpn_connections[*i];
    c.vpn_gateway = ref(item.get("VpnGatewayId"), "VpnGatewayId");
    c.transit_gateway = ref(item.get("TransitGatewayId"), "TransitGatewayId");
    c.customer_gateway = ref(item.get("CustomerGatewayId"), "CustomerGatewayId");
    if (!state.empty()) c.state = std::string(state);
    c.static_routes_only = item.get("Options").get("StaticRoutesOnly").boolean();
    for (const auto& r : item.get("Routes").items()) {
      if (r.get("State").text() == "deleted") continue;
      if (auto p = rd().prefix(r.get("DestinationCidrBlock"), "DestinationCidrBlock"))
        c.static_routes.push_back(*p);
    }
    // The tunnels' inside CIDRs, pre-shared keys and AWS's outside addresses.
    for (const auto& t : item.get("Options").get("TunnelOptions").items()) {
      model::VpnTunnel tunnel;
      tunnel.at = at(t);
      if (auto v4 = t.get("TunnelInsideCidr"); !v4.absent()) {
        tunnel.inside_cidr = rd().prefix(v4, "TunnelInsideCidr", Family::kV4);
      } else if (auto v6 = t.get("TunnelInsideIpv6Cidr"); !v6.absent()) {
        tunnel.inside_cidr = rd().prefix(v6, "TunnelInsideIpv6Cidr", Family::kV6);
      }
      if (auto k = rd().str(t.get("PreSharedKey"), "PreSharedKey")) tunnel.pre_shared_key = *k;
      tunnel.outside_address =
          rd().address(t.get("OutsideIpAddress"), "OutsideIpAddress", Family::kV4);
      c.tunnels.push_back(std::move(tunnel));
    }
  }

  void dx_gateway(const Value& item) {
    auto i = add(item, "directConnectGatewayId", net_.direct_connect_gateways);
    if (!i) return;
    net_.direct_connect_gateways[*i].name =
        std::string(item.get("directConnectGatewayName").text());
    if (auto asn = rd().integer(item.get("amazonSideAsn"), "amazonSideAsn", 1, 4294967294)) {
      net_.direct_connect_gateways[*i].amazon_side_asn = static_cast<std::uint32_t>(*asn);
    }
  }

  void dx_association(const Value& item) {
    Ref dx = ref(item.get("directConnectGatewayId"), "directConnectGatewayId");
    Ref gw = ref(item.get("associatedGateway").get("id"), "id");
    if (item.get("associationState").text() == "disassociated" || dx.empty() || gw.empty()) return;
    std::vector<Prefix> allowed;
    for (const auto& p : item.get("allowedPrefixesToDirectConnectGateway").items()) {
      if (auto x = rd().prefix(p.get("cidr"), "cidr")) allowed.push_back(*x);
    }
    // A transit gateway's: the association with its allowed prefixes (§2.6); the attachment of
    // type direct-connect-gateway that routes use is in describe-transit-gateway-attachments.
    // A virtual private gateway's: listed in vpn_gateways, which routes and traces read.
    const bool tgw = item.get("associatedGateway").get("type").text() == "transitGateway";
    const Location where = at(item);
    pending_.push_back([this, dx, gw, allowed, tgw, where] {
      for (auto& g : net_.direct_connect_gateways) {
        if (g.id != dx.text) continue;
        if (tgw) {
          g.associations.push_back({gw, allowed, where});
          return;
        }
        g.vpn_gateways.push_back(gw);
        g.allowed_prefixes.insert(g.allowed_prefixes.end(), allowed.begin(), allowed.end());
        return;
      }
      d_.error(net_.file_of(dx.at), dx.at, dx.text,
               "no DirectConnectGateway `" + dx.text + "` in the snapshot");
    });
  }

  // ---- Direct Connect connections, LAGs and virtual interfaces (direct-connect.md) ------------
  // describe-connections, or a member listed by describe-lags. A hosted connection is one a
  // partner made on its interconnect: it carries the partner's VLAN (a dedicated one has none).
  std::optional<model::DirectConnectConnection> read_connection(const Value& item) {
    auto state = item.get("connectionState").text();
    if (state == "deleted" || state == "rejected") return std::nullopt;
    auto cid = id(item, "connectionId");
    if (!cid) return std::nullopt;
    model::DirectConnectConnection x;
    x.id = *cid;
    x.at = at(item);
    if (auto n = rd().str(item.get("connectionName"), "connectionName")) x.name = *n;
    if (auto l = rd().str(item.get("location"), "location")) x.location = *l;
    if (auto b = item.get("bandwidth"); !b.absent()) {
      x.bandwidth_at = at(b);
      if (auto s = rd().str(b, "bandwidth")) x.bandwidth = *s;
    }
    if (auto v = rd().integer(item.get("vlan"), "vlan", 0, 4095); v && *v > 0) {
      x.hosted = true;
      x.vlan = static_cast<std::uint32_t>(*v);
    }
    x.lag = ref(item.get("lagId"), "lagId");
    if (!state.empty()) x.state = std::string(state);
    read_macsec(item, x);
    return x;
  }

  // MACsec (§6): the API lists each key's CKN and the Secrets Manager secret holding the pair;
  // never the CAK.
  template <class R>
  void read_macsec(const Value& item, R& r) {
    if (auto b = rd().boolean(item.get("macSecCapable"), "macSecCapable")) r.macsec_capable = *b;
    if (auto m = item.get("encryptionMode"); !m.absent()) {
      r.encryption_at = at(m);
      if (auto s = rd().str(m, "encryptionMode")) r.encryption_mode = *s;
    }
    for (const auto& k : item.get("macSecKeys").items()) {
      model::MacsecKey key;
      key.at = at(k);
      if (auto s = rd().str(k.get("ckn"), "ckn")) key.ckn = *s;
      if (auto s = rd().str(k.get("secretARN"), "secretARN")) key.secret_arn = *s;
      if (auto s = rd().str(k.get("state"), "state"); s && !s->empty()) key.state = *s;
      r.macsec_keys.push_back(std::move(key));
    }
  }

  void dx_connection(const Value& item) {
    if (auto x = read_connection(item)) net_.direct_connect_connections.push_back(std::move(*x));
  }

  void dx_lag(const Value& item) {
    auto state = item.get("lagState").text();
    if (state == "deleted") return;
    auto i = add(item, "lagId", net_.direct_connect_lags);
    if (!i) return;
    auto& lag = net_.direct_connect_lags[*i];
    if (auto n = rd().str(item.get("lagName"), "lagName")) lag.name = *n;
    if (auto l = rd().str(item.get("location"), "location")) lag.location = *l;
    if (auto b = item.get("connectionsBandwidth"); !b.absent()) {
      lag.bandwidth_at = at(b);
      if (auto s = rd().str(b, "connectionsBandwidth")) lag.bandwidth = *s;
    }
    if (auto m = rd().integer(item.get("minimumLinks"), "minimumLinks", 0, 4))
      lag.minimum_links = static_cast<std::uint32_t>(*m);
    if (!state.empty()) lag.state = std::string(state);
    read_macsec(item, lag);
    // Members name their LAG (lagId); one describe-connections does not list is read from here.
    const std::string lag_id = lag.id;
    for (const auto& c : item.get("connections").items()) {
      if (auto x = read_connection(c)) {
        if (x->lag.empty()) x->lag = {lag_id, x->at};
        lag_members_.push_back(std::move(*x));
      }
    }
    rd().set_resource(lag_id);
  }

  // Members describe-lags listed that describe-connections did not.
  void lag_members() {
    std::unordered_set<std::string> have;
    for (const auto& x : net_.direct_connect_connections) have.insert(x.id);
    for (auto& x : lag_members_) {
      if (have.insert(x.id).second) net_.direct_connect_connections.push_back(std::move(x));
    }
    lag_members_.clear();
  }

  // "169.254.255.1/30": the BGP peer's address and the length of the link's prefix.
  std::optional<std::pair<IpAddress, int>> interface_address(const Value& v,
                                                             std::string_view field) {
    auto text = rd().str(v, field);
    if (!text || text->empty()) return std::nullopt;
    const auto parsed = parse_interface_address(*text);
    if (!parsed) {
      rd().error(v.offset(), rd().resource(),
                 "`" + std::string(field) + "`: `" + std::string(*text) +
                     "` is not an address with its prefix length",
                 "like 169.254.255.1/30 or 2001:db8::1/125");
      return std::nullopt;
    }
    return std::pair{parsed->address, parsed->length};
  }

  void dx_virtual_interface(const Value& item) {
    using model::VirtualInterfaceType;
    auto state = item.get("virtualInterfaceState").text();
    if (state == "deleted" || state == "rejected") return;
    auto i = add(item, "virtualInterfaceId", net_.virtual_interfaces);
    if (!i) return;
    auto& v = net_.virtual_interfaces[*i];
    if (auto n = rd().str(item.get("virtualInterfaceName"), "virtualInterfaceName")) v.name = *n;
    const Value type = item.get("virtualInterfaceType");
    const auto t = rd().str(type, "virtualInterfaceType");
    if (t && *t == "private") {
      v.type = VirtualInterfaceType::kPrivate;
    } else if (t && *t == "transit") {
      v.type = VirtualInterfaceType::kTransit;
    } else if (t && *t == "public") {
      v.type = VirtualInterfaceType::kPublic;
    } else if (t) {
      rd().error(type.offset(), v.id, "unknown virtual interface type `" + std::string(*t) + "`",
                 "private, transit or public");
    } else {
      rd().error(item.offset(), v.id, "a virtual interface needs `virtualInterfaceType`");
    }
    v.connection = ref(item.get("connectionId"), "connectionId");
    if (auto x = item.get("vlan"); !x.absent()) {
      v.vlan_at = at(x);
      if (auto n = rd().integer(x, "vlan", 1, 4094)) v.vlan = static_cast<std::uint32_t>(*n);
    }
    // `asn` is 0 for an ASN above 2,147,483,647, which `asnLong` holds.
    const Value asn_long = item.get("asnLong");
    const Value asn = !asn_long.absent() && asn_long.text() != "0" ? asn_long : item.get("asn");
    if (!asn.absent()) {
      v.asn_at = at(asn);
      if (auto n = rd().integer(asn, asn.key(), 1, 4294967294))
        v.customer_asn = static_cast<std::uint32_t>(*n);
    }
    if (auto f = item.get("addressFamily"); !f.absent()) {
      auto s = rd().str(f, "addressFamily");
      if (s && (*s == "ipv4" || *s == "ipv6")) {
        v.address_family = *s;
      } else if (s) {
        rd().error(f.offset(), v.id,
                   "`addressFamily`: `" + std::string(*s) + "` is not ipv4 or ipv6");
      }
    }
    if (auto a = item.get("amazonAddress"); !a.absent()) v.address_at = at(a);
    if (auto a = interface_address(item.get("amazonAddress"), "amazonAddress")) {
      v.amazon_address = a->first;
      v.peer_prefix_length = a->second;
    }
    if (auto c = interface_address(item.get("customerAddress"), "customerAddress")) {
      v.customer_address = c->first;
      if (v.amazon_address && c->second != v.peer_prefix_length) {
        rd().error(item.get("customerAddress").offset(), v.id,
                   "the peer addresses have different prefix lengths (/" +
                       std::to_string(v.peer_prefix_length) + " and /" + std::to_string(c->second) +
                       ")");
      }
      v.peer_prefix_length = c->second;
    }
    if (auto k = rd().str(item.get("authKey"), "authKey")) v.auth_key = *k;
    if (auto m = item.get("mtu"); !m.absent()) {
      v.mtu_at = at(m);
      if (auto n = rd().integer(m, "mtu", 68, 9216)) v.mtu = static_cast<std::uint32_t>(*n);
    }
    v.vpn_gateway = ref(item.get("virtualGatewayId"), "virtualGatewayId");
    v.direct_connect_gateway = ref(item.get("directConnectGatewayId"), "directConnectGatewayId");
    for (const auto& p : item.get("routeFilterPrefixes").items()) {
      if (auto x = rd().prefix(p.get("cidr"), "cidr")) v.route_filter_prefixes.push_back(*x);
    }
    if (!state.empty()) v.state = std::string(state);
  }

  // ---- finish --------------------------------------------------------------------------------
  // A VPC's Region: its folder (<region>/), else the Region of its subnets' Availability Zones
  // (using-regions-availability-zones.html: a zone name is its Region's name and a letter).
  // Disagreements between the folder, the zones and --region are warnings; the folder wins,
  // then the zones, as they describe where the resources are.
  void regions(const std::string& region_option) {
    std::unordered_map<std::string, std::vector<Index>> subnets_of;
    for (Index i = static_cast<Index>(first_subnet_); i < net_.subnets.size(); ++i) {
      subnets_of[net_.subnets[i].vpc.text].push_back(i);
    }
    std::map<std::string, Location> seen;  // Region -> where first said
    for (std::size_t v = first_vpc_; v < net_.vpcs.size(); ++v) {
      auto& vpc = net_.vpcs[v];
      std::string zone_region;
      Location zone_at;
      for (Index i : subnets_of[vpc.id]) {
        const auto& s = net_.subnets[i];
        const std::string r = region_of_zone(s.availability_zone);
        if (r.empty()) continue;
        if (zone_region.empty()) {
          zone_region = r;
          zone_at = s.at;
        } else if (r != zone_region) {
          d_.warning(net_.file_of(s.at), s.at, s.id,
                     "subnet " + s.id + " is in " + s.availability_zone + " (" + r +
                         "), but another subnet of " + vpc.id + " is in " + zone_region,
                     "a VPC and its subnets are in one Region; is the snapshot mixed up?");
        }
      }
      if (vpc.region.empty()) {
        vpc.region = zone_region;
      } else if (!zone_region.empty() && zone_region != vpc.region) {
        d_.warning(net_.file_of(zone_at), zone_at, vpc.id,
                   "the subnets of " + vpc.id + " are in " + zone_region + " (their Availability "
                   "Zones), but its folder says " + vpc.region + "; using " + vpc.region,
                   "put each Region's answers in a folder named after it");
      }
      if (!vpc.region.empty()) seen.try_emplace(vpc.region, vpc.at);
    }
    // Transit gateways outside a Region folder are in the snapshot's only Region, if one.
    if (seen.size() == 1) {
      for (std::size_t t = first_tgw_; t < net_.transit_gateways.size(); ++t) {
        if (net_.transit_gateways[t].region.empty())
          net_.transit_gateways[t].region = seen.begin()->first;
      }
    }
    if (region_option.empty()) return;
    for (const auto& [region, where] : seen) {
      if (region == region_option) continue;
      d_.warning(net_.file_of(where), where, "",
                 "--region " + region_option + " differs from the snapshot's Region " + region +
                     " (its folder or Availability Zones); the snapshot's Region is used",
                 "--region is the default for inputs that do not say; drop it or fix the folder");
    }
  }

  void rank_propagated_routes() {
    // A propagated route whose prefix is a static route of one of the VGW's VPN connections
    // ranks as VPN static (vpn-route-priority.html); the rest as VPN BGP.
    std::set<std::pair<std::string, Prefix>> vpn_static;
    for (const auto& c : net_.vpn_connections) {
      for (const auto& p : c.static_routes) vpn_static.emplace(c.vpn_gateway.text, p);
    }
    if (!vpn_static.empty()) {
      for (auto& t : net_.route_tables) {
        for (auto& r : t.routes) {
          if (r.origin == model::RouteOrigin::kPropagatedVpnBgp && r.destination &&
              vpn_static.contains({r.target.text, *r.destination})) {
            r.origin = model::RouteOrigin::kPropagatedVpnStatic;
          }
        }
      }
    }
  }

  model::Network& net_;
  Diagnostics& d_;
  json::Reader* rd_ = nullptr;
  // One parser for every file: its buffers are allocated (and their pages touched) once.
  od::parser parser_;
  std::string account_, region_;
  std::vector<std::function<void()>> pending_;
  model::IdTable eni_index_;  // 100,000s of interfaces, most listed twice
  std::unordered_map<std::string, Index> sg_index_, attachment_index_, pl_index_;
  std::unordered_set<std::string> service_enis_;
  std::unordered_set<std::string> gone_instances_;  // terminated: left out
  aws_cli::LoadBalancing elb_;
  route53::Reader route53_;
  cloudfront::JsonReader cloudfront_;
  // Gateway Load Balancer interfaces, kept if a load balancer node is linked to one.
  std::vector<model::NetworkInterface> held_enis_;
  std::vector<model::DirectConnectConnection> lag_members_;   // listed by describe-lags
  std::unordered_map<std::string, std::string> group_pairs_;  // referenced group -> detail
  std::map<std::pair<std::string, std::string>, Index> attachment_side_;  // (id, TGW) -> index
  std::size_t first_vpc_, first_subnet_, first_tgw_;  // this snapshot's resources start here
};

}  // namespace

bool is_aws_cli_snapshot(const std::string& folder) {
  std::error_code ec;
  return fs::is_directory(fs::path(folder) / "aws_configs", ec) ||
         fs::is_directory(fs::path(folder) / "accounts", ec);
}

namespace {

// Lists the snapshot's .json files. Folders reached through a symbolic link (a Region folder
// linked from elsewhere) are read like the others; a link that loops back, a broken link and a
// .json that is not a regular file are warnings, so nothing is skipped silently.
class Walk {
 public:
  Walk(model::Network& n, Diagnostics& d) : n_(n), d_(d) {}

  bool run(const fs::path& dir, std::vector<fs::path>& files, int depth = 0) {
    std::error_code ec;
    auto canonical = fs::canonical(dir, ec);
    if (!ec && !visited_.insert(canonical.string()).second) {
      warn(dir, "not read: the folder is a link to a folder already read (" +
                    canonical.string() + ")");
      return true;
    }
    if (depth > kMaxDepth) {
      warn(dir, "not read: folders nest deeper than " + std::to_string(kMaxDepth));
      return true;
    }
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      entries.push_back(*it);
    }
    if (ec) {
      error_ = dir.string() + ": " + ec.message();
      return false;
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) {
      const auto& p = entry.path();
      const std::string name = p.filename().string();
      if (name.starts_with(".")) continue;
      std::error_code e;
      const auto status = fs::status(p, e);  // follows links
      if (e || status.type() == fs::file_type::not_found) {
        if (entry.is_symlink(e)) warn(p, "not read: a broken symbolic link");
        continue;
      }
      if (fs::is_directory(status)) {
        if (!run(p, files, depth + 1)) return false;
      } else if (p.extension() == ".json") {
        if (fs::is_regular_file(status)) {
          files.push_back(p);
        } else {
          warn(p, "not read: not a regular file");
        }
      }
    }
    return true;
  }

  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  static constexpr int kMaxDepth = 8;
  void warn(const fs::path& p, std::string message) {
    const std::string s = p.string();
    d_.warning(s, {n_.add_file(s), 0, 0}, "", std::move(message));
  }

  model::Network& n_;
  Diagnostics& d_;
  std::set<std::string> visited_;
  std::string error_;
};

}  // namespace

bool read_aws_cli_snapshot(const std::string& folder, model::Network& network, Diagnostics& d,
                           const std::string& region_option) {
  const std::size_t errors_before = d.error_count();
  std::error_code ec;
  // accounts/ first, as Batfish does.
  fs::path root = fs::path(folder) / "accounts";
  if (!fs::is_directory(root, ec)) root = fs::path(folder) / "aws_configs";
  std::vector<fs::path> files;
  Walk walk(network, d);
  if (!walk.run(root, files)) {
    d.error(folder, {network.add_file(folder), 0, 0}, "",
            "cannot list the snapshot: " + walk.error());
    return false;
  }
  if (files.empty()) {
    d.error(folder, {network.add_file(folder), 0, 0}, "", "the snapshot has no .json files",
            "expected aws_configs/<region>/*.json (see docs/format.md, AWS CLI snapshots)");
    return false;
  }
  std::sort(files.begin(), files.end());
  Snapshot snapshot(network, d);
  try {
    std::size_t largest = 0;
    for (const auto& f : files) {
      const auto size = fs::file_size(f, ec);
      if (!ec) largest = std::max<std::size_t>(largest, size);
    }
    snapshot.reserve(largest);
    for (const auto& f : files) {
      // Region = the parent folder, account = the nearest 12-digit folder above it.
      std::string region, account;
      // Lexically: a Region folder that is a link keeps its own name.
      auto rel = f.parent_path().lexically_relative(root);
      std::vector<std::string> parts;
      for (const auto& part : rel) parts.push_back(part.string());
      if (!parts.empty() && is_region_name(parts.back())) region = parts.back();
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (is_account_id(*it)) {
          account = *it;
          break;
        }
      }
      snapshot.read_file(f, account, region);
    }
    snapshot.finish(region_option);
  } catch (const std::bad_alloc&) {
    d.error(folder, {network.add_file(folder), 0, 0}, "",
            "cannot read the snapshot: out of memory");
  }
  return d.error_count() == errors_before;
}

}  // namespace cloudtwin::load
