// Compiles a network's hosted zones into a ZoneStore: record sets become RRsets at nodes, and
// every answer a query can get is written once, here, by the one response writer with name
// compression (TemplateWriter). The runtime (answer.cc) only picks a template and copies it.
// Authoritative semantics (RFC 1034 §4.3.2) are decided here: delegations and glue, CNAME
// chains inside the zone, wildcards (RFC 4592), empty non-terminals, negative answers with the
// SOA (RFC 2308 §3), additional-section addresses for NS, MX and SRV targets.
extern "C" {  // some libknot headers lack C++ linkage guards
#include <libknot/libknot.h>
}

#include <unistd.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>

#include "cloudtwin/dns/wire.h"
#include "cloudtwin/dns/zone_store.h"
#include "cloudtwin/model/record_data.h"

namespace cloudtwin::dns {

std::size_t ZoneStore::memory_bytes() const {
  std::size_t n = bytes.capacity() + fixups.capacity() * sizeof(std::uint16_t) +
                  cuts.capacity() * sizeof(Cut) + templates.capacity() * sizeof(Template) +
                  types.capacity() * sizeof(TypeTemplate) + nodes.capacity() * sizeof(Node);
  n += names.capacity() + name_offsets.capacity() * sizeof(std::uint32_t) + name_sizes.capacity();
  n += groups.capacity() * sizeof(PolicyGroup) + members.capacity() * sizeof(Member) +
       (member_templates.capacity() + member_checks.capacity() + member_evaluates.capacity() +
        member_record_sets.capacity()) *
           sizeof(std::uint32_t) +
       cidr_blocks.capacity() * sizeof(CidrBlock);
  for (const auto& t : texts) n += sizeof(std::string) + t.capacity();
  for (const auto& z : zones) n += z.nodes.memory_bytes();
  return n;
}

void NodeIndex::build(const std::vector<std::uint32_t>& offsets, const std::vector<std::uint8_t>& sizes,
                      const std::vector<std::uint8_t>& names, std::uint32_t first, std::uint32_t count) {
  std::size_t size = 8;
  while (size < 2 * static_cast<std::size_t>(count)) size *= 2;  // at most half full
  slots_.assign(size, kMissing);
  const std::size_t mask = size - 1;
  for (std::uint32_t n = first; n < first + count; ++n) {
    std::string_view name(reinterpret_cast<const char*>(names.data() + offsets[n]), sizes[n]);
    std::size_t i = NameHash{}(name) & mask;
    while (slots_[i] != kMissing) i = (i + 1) & mask;
    slots_[i] = n;
  }
}

namespace {

using Wire = std::string;  // a domain name in wire form

struct RRset {
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  std::vector<std::string> rdatas;
};

// The record sets of one Name+Type under a routing policy, each with its own RRset.
struct GroupData {
  Policy policy = Policy::kWeighted;
  std::vector<std::pair<const model::RecordSet*, RRset>> members;
};

struct NodeData {
  Wire name;  // lower case
  std::vector<RRset> rrsets;  // a policy group's values merged: what ANY and chains see
  std::map<std::uint16_t, GroupData> groups;
  std::uint8_t flags = 0;

  [[nodiscard]] const RRset* find(std::uint16_t type) const {
    for (const auto& s : rrsets) {
      if (s.type == type) return &s;
    }
    return nullptr;
  }
};

Wire lower(Wire w) {
  for (auto& c : w) c = static_cast<char>(ascii_lower(static_cast<std::uint8_t>(c)));
  return w;
}

// The name's suffixes: offsets of each label start.
std::vector<std::size_t> label_starts(const Wire& w) {
  std::vector<std::size_t> out;
  std::size_t pos = 0;
  while (pos < w.size() && w[pos] != 0) {
    out.push_back(pos);
    pos += 1 + static_cast<std::uint8_t>(w[pos]);
  }
  return out;
}

Wire parent(const Wire& w) {
  if (w.empty() || w[0] == 0) return w;
  return w.substr(1 + static_cast<std::uint8_t>(w[0]));
}

bool is_below_or_equal(const Wire& name, const Wire& apex) {
  if (name.size() < apex.size() || name.compare(name.size() - apex.size(), apex.size(), apex) != 0)
    return false;
  if (name.size() == apex.size()) return true;
  for (std::size_t s : label_starts(name)) {
    if (name.size() - s == apex.size()) return true;
  }
  return false;
}

std::size_t name_size_at(const std::string& rdata, std::size_t pos) {
  std::size_t p = pos;
  while (p < rdata.size()) {
    std::uint8_t len = static_cast<std::uint8_t>(rdata[p]);
    if (len == 0) return p + 1 - pos;
    p += 1 + len;
  }
  return 0;
}

// The names an RR's data points at that deserve addresses in the additional section
// (RFC 1035 §3.3.9, §3.3.11; RFC 2782).
std::vector<Wire> additional_targets(std::uint16_t type, const std::string& rdata) {
  std::size_t at = 0;
  if (type == kTypeNs)
    at = 0;
  else if (type == kTypeMx)
    at = 2;
  else if (type == kTypeSrv)
    at = 6;
  else
    return {};
  if (at >= rdata.size()) return {};
  std::size_t n = name_size_at(rdata, at);
  if (n == 0) return {};
  return {lower(rdata.substr(at, n))};
}

// Writes a response after a question for base name B, with compression; what it writes
// becomes a Template.
class TemplateWriter {
 public:
  explicit TemplateWriter(const Wire& base) : base_size_(static_cast<std::uint8_t>(base.size())) {
    buf_.assign(kHeaderSize, 0);
    const Wire lb = lower(base);
    for (std::size_t s : label_starts(lb))
      dict_.push_back({static_cast<std::uint16_t>(kHeaderSize + s), lb.substr(s)});
    buf_.insert(buf_.end(), base.begin(), base.end());
    buf_.resize(buf_.size() + 4);
    start_ = buf_.size();
  }

  enum Section { kAnswer, kAuthority, kAdditional };

  // An RRset; `owner` empty: the question name itself.
  void rrset(const RRset& s, const Wire& owner, Section section) {
    for (const auto& rd : s.rdatas) {
      if (owner.empty()) {
        qname_fixups_.push_back(buf_.size());
        buf_.push_back(0xC0);
        buf_.push_back(kHeaderSize);
      } else {
        name(owner, true);
      }
      std::size_t p = buf_.size();
      buf_.resize(p + 10);
      put16(&buf_[p], s.type);
      put16(&buf_[p + 2], kClassIn);
      put32(&buf_[p + 4], s.ttl);
      std::size_t rd_start = buf_.size();
      rdata(s.type, rd);
      put16(&buf_[p + 8], static_cast<std::uint16_t>(buf_.size() - rd_start));
      ++count_[section];
    }
    cuts_.push_back(
        {static_cast<std::uint16_t>(std::min<std::size_t>(buf_.size() - start_, 0xffff)), count_[0],
         count_[1], count_[2]});
  }

  void require_all() { required_ = {count_[0], count_[1], count_[2]}; }
  void require_answer_and_authority() { required_ = {count_[0], count_[1], 0}; }

  [[nodiscard]] std::size_t size() const { return buf_.size() - start_; }

  // Identical answers (an A record's own answer and its ANY answer, every NODATA of a zone) are
  // stored once: `cache` maps a template's content to its index.
  std::uint32_t finish(ZoneStore& store, std::unordered_map<std::string, std::uint32_t>& cache,
                       std::uint8_t rcode, bool authoritative) {
    std::string content(buf_.begin() + static_cast<std::ptrdiff_t>(start_), buf_.end());
    auto add_numbers = [&](const auto& values) {
      content += '|';
      for (auto v : values) content.append(reinterpret_cast<const char*>(&v), sizeof v);
    };
    add_numbers(fixups_);
    add_numbers(qname_fixups_);
    for (const auto& c : cuts_) content.append(reinterpret_cast<const char*>(&c), sizeof c);
    content += static_cast<char>(rcode);
    content += static_cast<char>(authoritative);
    content += static_cast<char>(base_size_);
    content.append(reinterpret_cast<const char*>(required_.data()), sizeof required_);
    if (auto it = cache.find(content); it != cache.end()) return it->second;
    const std::uint32_t index = finish_new(store, rcode, authoritative);
    cache.emplace(std::move(content), index);
    return index;
  }

 private:
  std::uint32_t finish_new(ZoneStore& store, std::uint8_t rcode, bool authoritative) {
    Template t;
    t.offset = static_cast<std::uint32_t>(store.bytes.size());
    t.size = static_cast<std::uint32_t>(buf_.size() - start_);
    store.bytes.insert(store.bytes.end(), buf_.begin() + static_cast<std::ptrdiff_t>(start_),
                       buf_.end());
    t.fixups_begin = static_cast<std::uint32_t>(store.fixups.size());
    for (std::size_t f : fixups_) store.fixups.push_back(static_cast<std::uint16_t>(f - start_));
    t.fixups_count = static_cast<std::uint32_t>(fixups_.size());
    t.qname_fixups_begin = static_cast<std::uint32_t>(store.fixups.size());
    for (std::size_t f : qname_fixups_)
      store.fixups.push_back(static_cast<std::uint16_t>(f - start_));
    t.qname_fixups_count = static_cast<std::uint32_t>(qname_fixups_.size());
    t.cuts_begin = static_cast<std::uint32_t>(store.cuts.size());
    store.cuts.insert(store.cuts.end(), cuts_.begin(), cuts_.end());
    t.cuts_count = static_cast<std::uint32_t>(cuts_.size());
    t.an = count_[0];
    t.ns = count_[1];
    t.ar = count_[2];
    t.required_an = required_[0];
    t.required_ns = required_[1];
    t.required_ar = required_[2];
    t.base_size = base_size_;
    t.rcode = rcode;
    t.authoritative = authoritative;
    store.templates.push_back(t);
    return static_cast<std::uint32_t>(store.templates.size() - 1);
  }

  struct Entry {
    std::uint16_t offset;
    Wire suffix;  // lower case
  };

  void name(const Wire& n, bool compress) {
    const Wire ln = lower(n);
    auto starts = label_starts(n);
    for (std::size_t i = 0; i <= starts.size(); ++i) {
      const std::size_t s = i < starts.size() ? starts[i] : n.size() - 1;
      if (compress && i < starts.size()) {
        const Wire suffix = ln.substr(s);
        auto hit = std::find_if(dict_.begin(), dict_.end(),
                                [&](const Entry& e) { return e.suffix == suffix; });
        if (hit != dict_.end()) {
          fixups_.push_back(buf_.size());
          buf_.push_back(static_cast<std::uint8_t>(0xC0 | (hit->offset >> 8)));
          buf_.push_back(static_cast<std::uint8_t>(hit->offset));
          return;
        }
      }
      if (i == starts.size()) break;
      // Only offsets that stay below 0x3FFF once moved by a question name up to 255 octets.
      if (compress && buf_.size() < 0x3E00)
        dict_.push_back({static_cast<std::uint16_t>(buf_.size()), ln.substr(s)});
      const std::uint8_t len = static_cast<std::uint8_t>(n[s]);
      buf_.insert(buf_.end(), n.begin() + static_cast<std::ptrdiff_t>(s),
                  n.begin() + static_cast<std::ptrdiff_t>(s + 1 + len));
    }
    buf_.push_back(0);
  }

  // RDATA per Knot's descriptor of the type: names in the types RFC 1035 defines may be
  // compressed; others (SRV, NAPTR, unknown types: RFC 3597 §4) are copied as they are.
  void rdata(std::uint16_t type, const std::string& rd) {
    const knot_rdata_descriptor_t* d = knot_get_rdata_descriptor(type);
    std::size_t pos = 0;
    auto copy = [&](std::size_t n) {
      n = std::min(n, rd.size() - pos);
      buf_.insert(buf_.end(), rd.begin() + static_cast<std::ptrdiff_t>(pos),
                  rd.begin() + static_cast<std::ptrdiff_t>(pos + n));
      pos += n;
    };
    for (int i = 0; d != nullptr && i < KNOT_MAX_RDATA_BLOCKS &&
                    d->block_types[i] != KNOT_RDATA_WF_END && pos < rd.size();
         ++i) {
      const int block = d->block_types[i];
      if (block > 0) {
        copy(static_cast<std::size_t>(block));
      } else if (block == KNOT_RDATA_WF_COMPRESSIBLE_DNAME) {
        std::size_t n = name_size_at(rd, pos);
        if (n == 0) return copy(rd.size());
        name(rd.substr(pos, n), true);
        pos += n;
      } else if (block == KNOT_RDATA_WF_DECOMPRESSIBLE_DNAME ||
                 block == KNOT_RDATA_WF_FIXED_DNAME) {
        std::size_t n = name_size_at(rd, pos);
        copy(n == 0 ? rd.size() : n);
      } else if (block == KNOT_RDATA_WF_NAPTR_HEADER) {
        std::size_t n = 4;
        for (int k = 0; k < 3 && pos + n < rd.size(); ++k)
          n += 1 + static_cast<std::uint8_t>(rd[pos + n]);
        copy(n);
      } else {
        copy(rd.size());
      }
    }
    if (pos < rd.size()) copy(rd.size());
  }

  std::vector<std::uint8_t> buf_;
  std::size_t start_ = 0;
  std::uint8_t base_size_ = 0;
  std::vector<Entry> dict_;
  std::vector<std::size_t> fixups_;
  std::vector<std::size_t> qname_fixups_;
  std::vector<Cut> cuts_;
  std::uint16_t count_[3] = {0, 0, 0};
  std::array<std::uint16_t, 3> required_{0, 0, 0};
};

class ZoneCompiler {
 public:
  ZoneCompiler(const model::Network& n, Diagnostics& d, const CompileOptions& o)
      : n_(n), d_(d), o_(o) {}

  std::shared_ptr<const ZoneStore> run() {
    auto store = std::make_shared<ZoneStore>();
    s_ = store.get();
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) store->identity = host;
    store->version = "cloudtwin 0.1.0";
    for (const auto& h : n_.health_checks) store->health_check_ids.push_back(h.id);
    store->health.assign(n_.health_checks.size(), 1);
    for (const auto& [id, healthy] : o_.health) {
      auto index = n_.find(id, model::Kind::kHealthCheck);
      if (!index) {
        d_.error("", {}, id, "no health check `" + id + "` in the network",
                 "name one by its id or name: " + check_list());
        continue;
      }
      store->health[*index] = healthy ? 1 : 0;
    }
    for (model::Index zi = 0; zi < n_.hosted_zones.size(); ++zi) place(zi);
    // Every VPC has a view, private zones or not: its queries are located at its Region.
    for (const auto& vpc : n_.vpcs) (void)view(&vpc, vpc.id, {});
    // The store is immutable from here: no spare capacity.
    store->bytes.shrink_to_fit();
    store->fixups.shrink_to_fit();
    store->cuts.shrink_to_fit();
    store->templates.shrink_to_fit();
    store->types.shrink_to_fit();
    store->groups.shrink_to_fit();
    store->members.shrink_to_fit();
    store->member_templates.shrink_to_fit();
    store->member_checks.shrink_to_fit();
    store->member_evaluates.shrink_to_fit();
    store->member_record_sets.shrink_to_fit();
    store->member_names.shrink_to_fit();
    store->cidr_blocks.shrink_to_fit();
    store->nodes.shrink_to_fit();
    store->names.shrink_to_fit();
    store->name_offsets.shrink_to_fit();
    store->name_sizes.shrink_to_fit();
    return store;
  }

 private:
  std::string check_list() const {
    std::string out;
    for (const auto& h : n_.health_checks) out += (out.empty() ? "" : ", ") + h.id;
    return out.empty() ? "the network has none" : out;
  }

  void warn(const model::Resource& r, std::string message, std::string hint = {}) {
    d_.warning(n_.file_of(r.at), r.at, r.id, std::move(message), std::move(hint));
  }

  // ---- record sets to RRsets ------------------------------------------------------------------

  // A record set's values (an alias's: its target's) and TTL; false when it has none.
  bool rrset_of(const model::RecordSet& r, std::uint16_t type, RRset& set) {
    set.type = type;
    set.ttl = r.ttl ? static_cast<std::uint32_t>(std::clamp<std::int64_t>(*r.ttl, 0, 2147483647)) : 300;
    if (r.alias) {
      if (!alias_values(r, type, set, 0)) return false;
    } else {
      for (const auto& v : r.values) add_value(r, type, v, set);
    }
    return !set.rdatas.empty();
  }

  // The policy group an alias points at: the record sets of its target's name and type in the
  // zone, when they are under a routing policy. False for a simple target, a resource, none.
  bool target_group(const model::RecordSet& r, std::uint16_t type, GroupData& out) {
    if (r.alias_record_set == model::kNone) return false;
    const auto& target = n_.record_sets[r.alias_record_set];
    if (target.policy == model::RoutingPolicy::kSimple) return false;
    out.policy = policy_of(target.policy);
    out.members.clear();
    for (model::Index ri : n_.hosted_zones[target.hosted_zone.index].record_sets) {
      const auto& t = n_.record_sets[ri];
      if (t.fqdn != target.fqdn || t.type != target.type || t.policy == model::RoutingPolicy::kSimple) continue;
      RRset set;
      if (&t != &r && rrset_of(t, type, set)) out.members.emplace_back(&t, std::move(set));
    }
    return !out.members.empty();
  }

  // The values and TTL an alias answers with (route53.md §3): the target record set's in the
  // zone (all sets of that name and type, followed through further aliases), or a load
  // balancer's node addresses (TTL 60, as ELB's own records).
  bool alias_values(const model::RecordSet& r, std::uint16_t type, RRset& out, int depth) {
    const auto& a = *r.alias;
    if (r.alias_record_set != model::kNone && depth < 8) {
      const auto& target = n_.record_sets[r.alias_record_set];
      bool any = false;
      for (model::Index ri : n_.hosted_zones[target.hosted_zone.index].record_sets) {
        const auto& t = n_.record_sets[ri];
        if (t.fqdn != target.fqdn || t.type != r.type) continue;
        if (t.alias) {
          any = alias_values(t, type, out, depth + 1) || any;
        } else {
          if (!any && out.rdatas.empty() && t.ttl) out.ttl = static_cast<std::uint32_t>(*t.ttl);
          for (const auto& v : t.values) add_value(t, type, v, out);
          any = true;
        }
      }
      return any;
    }
    if (a.load_balancer != model::kNone) {
      const auto& lb = n_.load_balancers[a.load_balancer];
      out.ttl = 60;
      for (const auto& node : lb.nodes) {
        for (const auto& addr : node_addresses(lb, node)) {
          if ((type == kTypeA) != addr.is_v4()) continue;
          std::string rd(addr.is_v4() ? 4 : 16, '\0');
          const auto bits = addr.bits();
          for (std::size_t i = 0; i < rd.size(); ++i) {
            rd[rd.size() - 1 - i] = static_cast<char>(static_cast<std::uint8_t>(bits >> (8 * i)));
          }
          if (std::find(out.rdatas.begin(), out.rdatas.end(), rd) == out.rdatas.end())
            out.rdatas.push_back(rd);
        }
      }
      return true;
    }
    return false;
  }

  // The addresses ELB's DNS name answers with: each node's public address (internet-facing) or
  // private one (internal), and its IPv6 address (dual-stack).
  std::vector<IpAddress> node_addresses(const model::LoadBalancer& lb,
                                        const model::LoadBalancerNode& node) {
    std::vector<IpAddress> out;
    const model::NetworkInterface* eni =
        node.eni == model::kNone ? nullptr : &n_.network_interfaces[node.eni];
    std::optional<IpAddress> v4 = lb.internet_facing ? node.public_ip : node.private_ip;
    if (!v4 && eni != nullptr) {
      if (lb.internet_facing)
        v4 = eni->public_ip;
      else if (!eni->private_ips.empty())
        v4 = eni->private_ips.front();
    }
    if (v4) out.push_back(*v4);
    if (node.ipv6_address)
      out.push_back(*node.ipv6_address);
    else if (eni != nullptr && !eni->ipv6_addresses.empty())
      out.push_back(eni->ipv6_addresses.front());
    return out;
  }

  void add_value(const model::RecordSet& r, std::uint16_t type, const std::string& value,
                 RRset& out) {
    std::vector<std::uint8_t> wire;
    if (!parser_.parse(type, value, origin_text_, wire)) {
      warn(r, "value `" + value + "` left out: " + parser_.error());
      return;
    }
    std::string rd(wire.begin(), wire.end());
    if (std::find(out.rdatas.begin(), out.rdatas.end(), rd) == out.rdatas.end())
      out.rdatas.push_back(std::move(rd));
  }

  // Where a zone is served: public ones to everyone; a private one in the view of each VPC it
  // is associated with (and to everyone with --private-zones).
  void place(model::Index zi) {
    const auto& hz = n_.hosted_zones[zi];
    auto apex_text = model::route53_canonical_name(hz.domain);
    if (!apex_text) return;
    auto apex = model::dname_from_text(*apex_text, "");
    if (!apex) return;
    const Wire apex_wire(apex->begin(), apex->end());
    const bool everyone = !hz.private_zone || o_.private_zones;
    if (everyone && s_->zone_by_apex.count(apex_wire)) {
      warn(hz,
           "another served hosted zone is also named " + *apex_text + ": this one is not served",
           "Route 53 delegates only one of them; remove or rename the other");
      if (!hz.private_zone) return;
    }
    std::vector<std::size_t> views;
    if (hz.private_zone) {
      for (const auto& assoc : hz.vpcs) {
        const std::size_t vi = view(assoc);
        View& v = s_->views[vi];
        if (v.private_by_apex.count(apex_wire)) {
          warn(hz, "VPC " + v.vpc + " is already associated with a private zone named " + *apex_text +
                       ": this one is not served there",
               "Route 53 refuses the association (ConflictingDomainExists)");
          continue;
        }
        views.push_back(vi);
      }
      if (views.empty() && !everyone) return;
    }
    apex_ = apex_wire;
    origin_text_ = *apex_text;
    const auto index = static_cast<std::uint32_t>(s_->zones.size());
    zone(zi);
    s_->zones.back().private_zone = hz.private_zone;
    const auto labels = static_cast<std::uint8_t>(label_starts(apex_).size());
    if (everyone && !s_->zone_by_apex.count(apex_wire)) {
      s_->zone_by_apex.emplace(apex_wire, index);
      s_->max_labels = std::max(s_->max_labels, labels);
    }
    for (std::size_t vi : views) {
      s_->views[vi].private_by_apex.emplace(apex_wire, index);
      s_->views[vi].max_labels = std::max(s_->views[vi].max_labels, labels);
    }
  }

  // The view of the VPC an association names (made on first use), by index.
  std::size_t view(const model::HostedZoneVpc& assoc) {
    const model::Vpc* vpc = assoc.vpc.resolved() ? &n_.vpcs[assoc.vpc.index] : nullptr;
    return view(vpc, vpc != nullptr ? vpc->id : assoc.vpc.text, assoc.region);
  }
  std::size_t view(const model::Vpc* vpc, const std::string& id, const std::string& region) {
    for (std::size_t i = 0; i < s_->views.size(); ++i) {
      if (s_->views[i].vpc == id) return i;
    }
    View& v = s_->views.emplace_back();
    v.vpc = id;
    if (vpc != nullptr && vpc->name != vpc->id) v.name = vpc->name;
    v.region = !region.empty() ? region : vpc != nullptr ? vpc->region : std::string();
    if (const Region* r = find_region(v.region)) {
      v.location.continent = r->continent;
      v.location.country = r->country;
      v.location.subdivision = r->subdivision;
      v.location.point = r->point;
    }
    return s_->views.size() - 1;
  }

  void zone(model::Index zi) {
    const auto& hz = n_.hosted_zones[zi];
    nodes_.clear();

    for (model::Index ri : hz.record_sets) {
      const auto& r = n_.record_sets[ri];
      if (r.fqdn.empty()) continue;
      auto owner = model::dname_from_text(r.fqdn, "");
      std::uint16_t type = model::rr_type_code(r.type);
      if (!owner || type == 0) continue;
      RRset set;
      if (!rrset_of(r, type, set)) continue;
      NodeData& node = nodes_[lower(Wire(owner->begin(), owner->end()))];
      if (r.policy != model::RoutingPolicy::kSimple) {
        GroupData& g = node.groups[type];
        g.policy = policy_of(r.policy);
        g.members.emplace_back(&r, set);
      } else if (GroupData target; r.alias && target_group(r, type, target)) {
        // A simple alias to a Name+Type under a policy answers as that policy chooses (route53.md
        // §3: the alias answers with its target's records), not with all of the group's values.
        node.groups[type] = std::move(target);
      }
      // Record sets of one name and type under a routing policy answer together until the
      // policy engine chooses among them: the first one's TTL (route53.md §2.2: one TTL).
      auto existing = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                                   [&](const RRset& s) { return s.type == type; });
      if (existing == node.rrsets.end()) {
        node.rrsets.push_back(std::move(set));
      } else {
        for (auto& rd : set.rdatas) {
          if (std::find(existing->rdatas.begin(), existing->rdatas.end(), rd) ==
              existing->rdatas.end()) {
            existing->rdatas.push_back(std::move(rd));
          }
        }
      }
    }
    if (!nodes_.count(apex_)) nodes_[apex_];
    // Empty non-terminals: every name between a node and the apex exists (RFC 8020).
    std::vector<Wire> names;
    for (const auto& [name, _] : nodes_) names.push_back(name);
    for (const auto& name : names) {
      for (Wire p = parent(name); p.size() > apex_.size(); p = parent(p)) nodes_[p];
    }
    for (auto& [name, node] : nodes_) {
      node.name = name;
      std::sort(node.rrsets.begin(), node.rrsets.end(),
                [](const RRset& a, const RRset& b) { return a.type < b.type; });
      if (node.rrsets.empty()) node.flags |= Node::kEmpty;
      if (name != apex_ && node.find(kTypeNs)) node.flags |= Node::kCut;
      if (node.find(kTypeDname)) node.flags |= Node::kDname;
      if (name.size() >= 2 && name[0] == 1 && name[1] == '*') node.flags |= Node::kWildcard;
    }
    for (auto& [name, node] : nodes_) {
      for (Wire p = parent(name); p.size() >= apex_.size(); p = parent(p)) {
        auto it = nodes_.find(p);
        if (it != nodes_.end() && (it->second.flags & (Node::kCut | Node::kDname)))
          node.flags |= Node::kOccluded;
        if (p.size() == apex_.size()) break;
      }
    }
    emit_zone(hz);
  }

  static Policy policy_of(model::RoutingPolicy p) {
    switch (p) {
      case model::RoutingPolicy::kWeighted: return Policy::kWeighted;
      case model::RoutingPolicy::kLatency: return Policy::kLatency;
      case model::RoutingPolicy::kGeolocation: return Policy::kGeolocation;
      case model::RoutingPolicy::kGeoproximity: return Policy::kGeoproximity;
      case model::RoutingPolicy::kFailover: return Policy::kFailover;
      case model::RoutingPolicy::kMultivalue: return Policy::kMultivalue;
      case model::RoutingPolicy::kIpBased: return Policy::kIpBased;
      case model::RoutingPolicy::kSimple: break;
    }
    return Policy::kWeighted;
  }

  // ---- routing-policy groups ----------------------------------------------------------------

  std::string_view text(std::string_view s) {
    if (s.empty()) return {};
    return s_->texts.emplace_back(s);
  }

  // What choose() needs of a record set (route53.md §2).
  Member member_of(const model::RecordSet& r, const model::CidrCollection* collection) {
    Member m;
    if (r.weight) m.weight = static_cast<std::uint32_t>(std::clamp<std::int64_t>(*r.weight, 0, 255));
    if (const Region* region = find_region(r.region)) {
      m.region = region->code;
      if (!r.geo_proximity) {
        m.point = region->point;  // what the latency model measures to, found once here
        m.has_point = true;
      }
    }
    else m.region = text(r.region);
    if (r.geo_location) {
      const auto& g = *r.geo_location;
      if (!g.continent_code.empty()) {
        m.geo_level = GeoLevel::kContinent;
        m.continent = text(g.continent_code);
      } else if (g.country_code == "*") {
        m.geo_level = GeoLevel::kDefault;
      } else if (!g.subdivision_code.empty()) {
        m.geo_level = GeoLevel::kSubdivision;
        m.country = text(g.country_code);
        m.subdivision = text(g.subdivision_code);
      } else {
        m.geo_level = GeoLevel::kCountry;
        m.country = text(g.country_code);
      }
    }
    if (r.geo_proximity) {
      const auto& g = *r.geo_proximity;
      m.bias = g.bias;
      if (g.latitude && g.longitude) {
        m.point = {*g.latitude, *g.longitude};
      } else {
        // A Region, or a Local Zone group named after its parent Region ("us-west-2-lax-1").
        std::string code = g.aws_region.empty() ? g.local_zone_group : g.aws_region;
        const Region* region = nullptr;
        while (!code.empty() && (region = find_region(code)) == nullptr) {
          auto dash = code.rfind('-');
          code = dash == std::string::npos ? "" : code.substr(0, dash);
        }
        if (region != nullptr) m.point = region->point;
      }
    }
    m.primary = r.failover == "PRIMARY";
    if (r.cidr_routing) {
      m.cidr_location = kDefaultLocation;
      if (collection != nullptr && r.cidr_routing->location_name != "*") {
        m.cidr_location = 0xfffe;  // a location the collection does not have: never matched
        for (std::size_t i = 0; i < collection->locations.size(); ++i) {
          if (collection->locations[i].name == r.cidr_routing->location_name)
            m.cidr_location = static_cast<std::uint16_t>(i);
        }
      }
    }
    return m;
  }

  // The blocks of an IP-based group's collection, as choose() matches them.
  void cidr_blocks(const model::CidrCollection& c, PolicyGroup& g) {
    g.blocks_begin = static_cast<std::uint32_t>(s_->cidr_blocks.size());
    for (std::size_t l = 0; l < c.locations.size(); ++l) {
      for (const auto& text : c.locations[l].cidrs) {
        auto p = Prefix::parse(text);
        if (!p) continue;
        CidrBlock b = cidr_block(*p);
        b.location = static_cast<std::uint16_t>(l);
        s_->cidr_blocks.push_back(b);
      }
    }
    g.blocks_count = static_cast<std::uint32_t>(s_->cidr_blocks.size()) - g.blocks_begin;
  }

  // Compiles `group` of `node` for question type `qtype`: each member's answer with the node's
  // merged RRset of the group's type replaced by the member's own. Returns the group's index
  // with kGroupBit.
  std::uint32_t policy_group(const NodeData& node, const Wire& base, std::uint16_t group_type,
                             const GroupData& group, std::uint16_t qtype, std::uint32_t nodata, int depth = 0) {
    auto members = group.members;
    std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
      return a.first->set_identifier < b.first->set_identifier;
    });
    PolicyGroup g;
    g.policy = group.policy;
    g.none = nodata;
    g.members_begin = static_cast<std::uint32_t>(s_->members.size());
    g.members_count = static_cast<std::uint32_t>(members.size());
    const model::CidrCollection* collection = nullptr;
    for (const auto& [r, set] : members) {
      if (r->cidr_collection != model::kNone) collection = &n_.cidr_collections[r->cidr_collection];
    }
    // The members' own entries first (contiguous), then their nested groups, which append theirs.
    for (const auto& [r, set] : members) {
      s_->members.push_back(member_of(*r, collection));
      s_->member_templates.push_back(kNoTemplate);
      s_->member_checks.push_back(r->health_check == model::kNone ? kNoCheck : r->health_check);
      s_->member_evaluates.push_back(kNoTemplate);
      s_->member_record_sets.push_back(static_cast<std::uint32_t>(r - n_.record_sets.data()));
      s_->member_names.push_back(r->set_identifier);
    }
    if (depth == 0) nested_members_ = 0;
    nesting_.push_back(members.front().first);  // this group's Name+Type, for may_nest()
    for (std::size_t i = 0; i < members.size(); ++i) {
      const auto& [r, set] = members[i];
      const std::size_t at = g.members_begin + i;
      GroupData target;
      if (r->alias && target_group(*r, group_type, target) && may_nest(*r, target, depth)) {
        // An alias into another group of the zone: that group, answered under this name, chooses
        // again (route53.md §3); with EvaluateTargetHealth, this member is healthy only while one
        // of the target's is (§2.9 rule 5).
        nested_members_ += target.members.size();
        const std::uint32_t nested = policy_group(node, base, group_type, target, qtype, nodata, depth + 1);
        s_->member_templates[at] = nested;
        if (r->alias->evaluate_target_health) s_->member_evaluates[at] = nested;
        continue;
      }
      NodeData variant = node;
      for (auto& s : variant.rrsets) {
        if (s.type == group_type) s = set;
      }
      // Multivalue answers are several members' answers appended: answer records only.
      const bool additional = group.policy != Policy::kMultivalue;
      s_->member_templates[at] = answer(variant, base, qtype, additional);
    }
    nesting_.pop_back();
    if (group.policy == Policy::kIpBased && collection != nullptr) cidr_blocks(*collection, g);
    g.record_set = s_->member_record_sets[g.members_begin];
    s_->groups.push_back(g);
    return kGroupBit | static_cast<std::uint32_t>(s_->groups.size() - 1);
  }

  // Whether alias member `r` may nest its target group: not into a group already on the way (a
  // cycle), not deeper than 8, not past 4,096 nested members under one group (a tree of aliases
  // that multiply). Otherwise it answers with its target's values merged, with a warning.
  bool may_nest(const model::RecordSet& r, const GroupData& target, int depth) {
    const auto& t = n_.record_sets[r.alias_record_set];
    std::string why;
    for (const model::RecordSet* on : nesting_) {
      if (on->fqdn == t.fqdn && on->type == t.type) why = "its target " + t.fqdn + " " + t.type + " leads back to itself";
    }
    if (why.empty() && depth >= 8) why = "alias groups nest deeper than 8";
    if (why.empty() && nested_members_ + target.members.size() > 4096)
      why = "alias groups nest more than 4,096 record sets under one name";
    if (why.empty()) return true;
    warn(r, why + ": this alias answers with all of its target's values instead of its target's choice",
         "point the alias at a record set that is not an alias back");
    return false;
  }

  // ---- templates --------------------------------------------------------------------------------

  const RRset* soa() const {
    auto it = nodes_.find(apex_);
    return it == nodes_.end() ? nullptr : it->second.find(kTypeSoa);
  }

  void negative(TemplateWriter& w) {
    const RRset* s = soa();
    if (s == nullptr || s->rdatas.empty()) return;
    const std::string& rd = s->rdatas.front();
    std::uint32_t minimum =
        rd.size() >= 4 ? get32(reinterpret_cast<const std::uint8_t*>(rd.data() + rd.size() - 4))
                       : 0;
    // RFC 2308 §3: the SOA's TTL in a negative answer is min(SOA TTL, SOA MINIMUM).
    RRset one{kTypeSoa, std::min(s->ttl, minimum), {rd}};
    w.rrset(one, apex_, TemplateWriter::kAuthority);
  }

  enum class Found { kOutside, kBelowCut, kBelowDname, kNode, kEmpty, kWildcard, kNone };
  struct Lookup {
    Found found = Found::kNone;
    const NodeData* node = nullptr;
  };

  Lookup lookup(const Wire& name) const {
    if (!is_below_or_equal(name, apex_)) return {Found::kOutside, nullptr};
    if (name != apex_) {
      auto apex = nodes_.find(apex_);
      if (apex != nodes_.end() && (apex->second.flags & Node::kDname))
        return {Found::kBelowDname, &apex->second};
    }
    // Top down: the highest cut or DNAME above the name decides.
    auto starts = label_starts(name);
    for (std::size_t i = starts.size(); i-- > 0;) {
      Wire suffix = name.substr(starts[i]);
      if (suffix.size() <= apex_.size() || suffix == name) continue;
      auto it = nodes_.find(suffix);
      if (it == nodes_.end()) break;
      if (it->second.flags & Node::kCut) return {Found::kBelowCut, &it->second};
      if (it->second.flags & Node::kDname) return {Found::kBelowDname, &it->second};
    }
    auto it = nodes_.find(name);
    if (it != nodes_.end()) {
      return {it->second.flags & Node::kEmpty ? Found::kEmpty : Found::kNode, &it->second};
    }
    // RFC 4592 §3.3.1: the closest encloser's "*" child, if any.
    for (Wire p = parent(name); p.size() >= apex_.size(); p = parent(p)) {
      if (nodes_.count(p)) {
        auto star = nodes_.find(Wire("\x01*", 2) + p);
        if (star != nodes_.end()) return {Found::kWildcard, &star->second};
        break;
      }
      if (p.size() == apex_.size()) break;
    }
    return {Found::kNone, nullptr};
  }

  void additional(TemplateWriter& w, const RRset& s) {
    std::set<Wire> done;
    for (const auto& rd : s.rdatas) {
      for (const Wire& t : additional_targets(s.type, rd)) {
        if (!done.insert(t).second) continue;
        auto it = nodes_.find(t);
        if (it == nodes_.end()) continue;
        bool occluded = it->second.flags & Node::kOccluded;
        if (occluded && s.type != kTypeNs) continue;
        for (std::uint16_t type : {kTypeA, kTypeAaaa}) {
          if (const RRset* a = it->second.find(type)) w.rrset(*a, t, TemplateWriter::kAdditional);
        }
      }
    }
  }

  // The answer for qtype `type` at `node` (exact or a wildcard), question base `base`, owner
  // the question name; a CNAME is followed inside the zone (RFC 1034 §4.3.2 step 3a), through
  // DNAMEs too (RFC 6672 §3.1 step 3c: the synthesised CNAME, then "go back to step 1").
  std::uint32_t answer(const NodeData& node, const Wire& base, std::uint16_t type,
                       bool with_additional = true) {
    TemplateWriter w(base);
    std::uint8_t rcode = 0;
    const NodeData* at = &node;
    Wire owner;  // empty: the question name
    std::set<Wire> seen;
    bool done = false;
    for (int hop = 0; hop < 16 && !done; ++hop) {
      const RRset* cname = at->find(kTypeCname);
      if (cname == nullptr || type == kTypeCname) {
        if (const RRset* s = at->find(type)) {
          w.rrset(*s, owner, TemplateWriter::kAnswer);
          w.require_answer_and_authority();
          if (with_additional) additional(w, *s);
        } else {
          negative(w);
        }
        break;
      }
      w.rrset(*cname, owner, TemplateWriter::kAnswer);
      const std::string& rd = cname->rdatas.front();
      Wire target = lower(rd.substr(0, name_size_at(rd, 0)));
      done = true;
      for (int rewrite = 0; rewrite < 8; ++rewrite) {
        if (!seen.insert(target).second) break;
        Lookup l = lookup(target);
        if (l.found == Found::kBelowDname) {
          const RRset* dname = l.node->find(kTypeDname);
          const std::string& drd = dname->rdatas.front();
          Wire rewritten = target.substr(0, target.size() - l.node->name.size()) +
                           lower(drd.substr(0, name_size_at(drd, 0)));
          w.rrset(*dname, l.node->name, TemplateWriter::kAnswer);
          if (rewritten.size() > kMaxNameLength) {
            rcode = 6;  // YXDOMAIN (RFC 6672 §2.2)
            break;
          }
          w.rrset(RRset{kTypeCname, dname->ttl, {rewritten}}, target, TemplateWriter::kAnswer);
          target = rewritten;
          continue;
        }
        if (l.found == Found::kNode || l.found == Found::kWildcard) {
          // A chain into a routing-policy group stops at the CNAME: the group's answer is chosen
          // per query, so the resolver asks for the target itself.
          if (l.node->groups.count(type) || l.node->groups.count(kTypeCname)) break;
          at = l.node;
          owner = target;
          done = false;
        } else if (l.found == Found::kEmpty) {
          negative(w);
        } else if (l.found == Found::kNone) {
          rcode =
              static_cast<std::uint8_t>(Rcode::kNxDomain);  // RFC 6604 §3: the last name's rcode
          negative(w);
        }
        break;
      }
    }
    w.require_answer_and_authority();
    return w.finish(*s_, cache_, rcode, true);
  }

  // Where a CNAME chain from `node` ends, through DNAMEs as answer() follows it; nullptr when
  // it leaves the zone, loops or ends at no data.
  const NodeData* chain_end(const NodeData& node) const {
    const NodeData* at = &node;
    std::set<Wire> seen;
    for (int hop = 0; hop < 24; ++hop) {
      const RRset* c = at->find(kTypeCname);
      if (c == nullptr) return at;
      Wire target = lower(c->rdatas.front().substr(0, name_size_at(c->rdatas.front(), 0)));
      Lookup l = lookup(target);
      for (int rewrite = 0; rewrite < 8 && l.found == Found::kBelowDname; ++rewrite) {
        const std::string& drd = l.node->find(kTypeDname)->rdatas.front();
        target = target.substr(0, target.size() - l.node->name.size()) +
                 lower(drd.substr(0, name_size_at(drd, 0)));
        if (target.size() > kMaxNameLength) return nullptr;
        l = lookup(target);
      }
      if (!seen.insert(target).second || (l.found != Found::kNode && l.found != Found::kWildcard))
        return nullptr;
      at = l.node;
    }
    return nullptr;
  }

  std::uint32_t any(const NodeData& node, const Wire& base, bool all) {
    TemplateWriter w(base);
    if (const RRset* cname = node.find(kTypeCname)) {
      w.rrset(*cname, {}, TemplateWriter::kAnswer);
    } else {
      for (const auto& s : node.rrsets) {
        w.rrset(s, {}, TemplateWriter::kAnswer);
        if (!all) break;
      }
    }
    w.require_answer_and_authority();
    return w.finish(*s_, cache_, 0, true);
  }

  std::uint32_t referral(const NodeData& cut) {
    TemplateWriter w(cut.name);
    const RRset* ns = cut.find(kTypeNs);
    w.rrset(*ns, cut.name, TemplateWriter::kAuthority);
    additional(w, *ns);
    // RFC 9471: glue for names inside the delegation is required; TC when it cannot fit.
    w.require_all();
    return w.finish(*s_, cache_, 0, false);
  }

  void emit_zone(const model::HostedZone& hz) {
    Zone z;
    z.apex = apex_;
    z.id = hz.id;
    z.first_node = static_cast<std::uint32_t>(s_->nodes.size());
    {
      TemplateWriter w(apex_);
      negative(w);
      w.require_answer_and_authority();
      z.nodata = w.finish(*s_, cache_, 0, true);
    }
    {
      TemplateWriter w(apex_);
      negative(w);
      w.require_answer_and_authority();
      z.nxdomain = w.finish(*s_, cache_, static_cast<std::uint8_t>(Rcode::kNxDomain), true);
    }
    for (const auto& [name, node] : nodes_) {
      Node out;
      out.flags = node.flags;
      out.name_size = static_cast<std::uint8_t>(name.size());
      out.other = z.nodata;
      // A wildcard answers for names below its parent: its templates' base is the parent.
      const Wire base = (node.flags & Node::kWildcard) ? parent(name) : name;
      std::vector<TypeTemplate> types;
      if (node.flags & Node::kCut) {
        out.referral = referral(node);
        if (const RRset* ds = node.find(kTypeDs)) {
          types.push_back({kTypeDs, answer(node, base, kTypeDs)});
          (void)ds;
        } else {
          types.push_back({kTypeDs, z.nodata});
        }
      } else if (!(node.flags & (Node::kEmpty | Node::kOccluded))) {
        for (const auto& s : node.rrsets) types.push_back({s.type, answer(node, base, s.type)});
        if (const RRset* cname = node.find(kTypeCname)) {
          // Every type at the chain's end gets its own answer; any other the chain's negative end.
          const NodeData* end = chain_end(node);
          if (end != nullptr && end != &node) {
            for (const auto& s : end->rrsets) {
              if (s.type != kTypeCname) types.push_back({s.type, answer(node, base, s.type)});
            }
          }
          out.other = answer(node, base, 0);  // type 0: never present, so the chain's negative end
          (void)cname;
        }
        // RFC 8482 §4: one RRset, over TCP too, as NSD and Knot answer.
        out.any_udp = any(node, base, false);
        out.any_tcp = out.any_udp;
        if (const RRset* dname = node.find(kTypeDname)) {
          const std::string& rd = dname->rdatas.front();
          out.dname_ttl = dname->ttl;
          Wire target = rd.substr(0, name_size_at(rd, 0));
          out.dname_target = static_cast<std::uint32_t>(s_->bytes.size());
          out.dname_target_size = static_cast<std::uint8_t>(target.size());
          s_->bytes.insert(s_->bytes.end(), target.begin(), target.end());
        }
      }
      if (!node.groups.empty() && !(node.flags & (Node::kCut | Node::kEmpty | Node::kOccluded))) {
        if (auto cname = node.groups.find(kTypeCname); cname != node.groups.end()) {
          // A CNAME group decides every type: each member's chain, per question type.
          std::set<std::uint16_t> qtypes = {kTypeCname};
          for (const auto& [r, set] : cname->second.members) {
            NodeData variant = node;
            for (auto& s : variant.rrsets) {
              if (s.type == kTypeCname) s = set;
            }
            if (const NodeData* end = chain_end(variant); end != nullptr && end != &variant) {
              for (const auto& s : end->rrsets) qtypes.insert(s.type);
            }
          }
          types.clear();
          for (std::uint16_t t : qtypes) {
            types.push_back({t, policy_group(node, base, kTypeCname, cname->second, t, z.nodata)});
          }
          out.other = policy_group(node, base, kTypeCname, cname->second, 0, z.nodata);
        } else {
          for (auto& t : types) {
            if (auto g = node.groups.find(t.type); g != node.groups.end())
              t.tmpl = policy_group(node, base, t.type, g->second, t.type, z.nodata);
          }
        }
      }
      std::sort(types.begin(), types.end(),
                [](const TypeTemplate& a, const TypeTemplate& b) { return a.type < b.type; });
      types.erase(std::unique(types.begin(), types.end(),
                              [](const TypeTemplate& a, const TypeTemplate& b) {
                                return a.type == b.type;
                              }),
                  types.end());
      out.types_begin = static_cast<std::uint32_t>(s_->types.size());
      out.types_count = static_cast<std::uint32_t>(types.size());
      s_->types.insert(s_->types.end(), types.begin(), types.end());
      std::uint32_t index = static_cast<std::uint32_t>(s_->nodes.size());
      s_->nodes.push_back(out);
      s_->name_offsets.push_back(static_cast<std::uint32_t>(s_->names.size()));
      s_->name_sizes.push_back(static_cast<std::uint8_t>(name.size()));
      s_->names.insert(s_->names.end(), name.begin(), name.end());
      if (name == apex_) z.apex_node = index;
      for (const auto& s : node.rrsets) z.records += s.rdatas.size();
    }
    s_->records += z.records;
    z.nodes.build(s_->name_offsets, s_->name_sizes, s_->names, z.first_node,
                  static_cast<std::uint32_t>(s_->nodes.size()) - z.first_node);
    s_->zones.push_back(std::move(z));
  }

  const model::Network& n_;
  Diagnostics& d_;
  const CompileOptions& o_;
  ZoneStore* s_ = nullptr;
  model::RecordDataParser parser_;
  std::string origin_text_;
  Wire apex_;
  std::map<Wire, NodeData> nodes_;
  std::unordered_map<std::string, std::uint32_t> cache_;  // template content -> index
  std::vector<const model::RecordSet*> nesting_;  // alias targets being nested (policy_group)
  std::size_t nested_members_ = 0;                // under the current top-level group
};

}  // namespace

std::shared_ptr<const ZoneStore> compile_zones(const model::Network& network,
                                               Diagnostics& diagnostics,
                                               const CompileOptions& options) {
  return ZoneCompiler(network, diagnostics, options).run();
}

}  // namespace cloudtwin::dns
