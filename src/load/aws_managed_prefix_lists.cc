#include "cloudtwin/load/aws_managed_prefix_lists.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "cloudtwin/load/aws_ip_ranges.h"

#ifndef CLOUDTWIN_DEFAULT_IP_RANGES
#define CLOUDTWIN_DEFAULT_IP_RANGES ""
#endif

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;
using model::Index;
using model::kNone;

constexpr const char* kDownload = "https://ip-ranges.amazonaws.com/ip-ranges.json";

// An AWS-managed prefix list's name taken apart: com.amazonaws.us-east-1.s3 is the Region
// us-east-1 and the service S3 of ip-ranges.json.
struct ManagedName {
  std::string_view region;        // "us-east-1", or "global"
  std::string_view service;       // "s3"
  std::string_view file_service;  // "S3"; empty when the service has no such list
};

std::optional<ManagedName> parse_managed_name(std::string_view name) {
  constexpr std::string_view kPrefix = "com.amazonaws.";
  if (!name.starts_with(kPrefix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  const auto dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return std::nullopt;
  ManagedName m{name.substr(0, dot), name.substr(dot + 1), {}};
  // gateway-endpoints.html: S3 and DynamoDB are the services with gateway endpoints; CloudFront's
  // origin-facing list is the one global AWS-managed list of ip-ranges.json's services.
  if (m.region == "global") {
    if (m.service == "cloudfront.origin-facing") m.file_service = "CLOUDFRONT_ORIGIN_FACING";
  } else if (m.service == "s3") {
    m.file_service = "S3";
  } else if (m.service == "dynamodb") {
    m.file_service = "DYNAMODB";
  }
  return m;
}

// What one list needs: made (list == kNone) or filled, and where to report about it.
struct Need {
  std::string name;  // an AWS-managed name: parse_managed_name() takes it apart
  Index list = kNone;
  Location at;
  std::string resource;
};

// "pl-" and 8 hex digits of the name's FNV-1a hash: the same id for the same service in every
// load and every format (the CloudFormation reader made these ids before this file did).
std::string managed_list_id(std::string_view name) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char digits[12];
  std::snprintf(digits, sizeof digits, "%08llx", static_cast<unsigned long long>(h & 0xffffffffu));
  return "pl-" + std::string(digits);
}

class Filler {
 public:
  Filler(model::Network& n, Diagnostics& d, const LoadOptions& o, const IpRangesFile* file)
      : n_(n), d_(d), options_(o), chosen_(file) {}

  bool run() {
    const std::size_t errors_before = d_.error_count();
    collect();
    if (needs_.empty() || d_.error_count() != errors_before) {
      return d_.error_count() == errors_before;
    }
    const IpRangesFile file = chosen_ ? *chosen_ : find_ip_ranges_file(options_);
    if (file.origin == IpRangesFile::Origin::kNone) {
      use_placeholders();
      return true;
    }
    if (!readable(file)) return false;
    auto ranges = read_aws_ip_ranges_file(file.path, n_.add_file(file.path), d_);
    if (!ranges) return false;
    for (auto& need : needs_) fill(need, *ranges, file.path);
    return d_.error_count() == errors_before;
  }

 private:
  void error(const Need& need, std::string message, std::string hint) {
    d_.error(n_.file_of(need.at), need.at, need.resource, std::move(message), std::move(hint));
  }

  void collect() {
    // Lists by the names a gateway endpoint or a reference finds them by.
    std::set<std::string_view> by_list_name, by_id_or_name;
    for (Index i = 0; i < n_.prefix_lists.size(); ++i) {
      const auto& p = n_.prefix_lists[i];
      by_list_name.insert(p.prefix_list_name);
      by_id_or_name.insert(p.id);
      by_id_or_name.insert(p.name);
      by_id_or_name.insert(p.prefix_list_name);
      if (!p.entries.empty() || (p.address_family && *p.address_family != Family::kV4)) continue;
      auto m = parse_managed_name(p.prefix_list_name);
      if (m && !m->file_service.empty()) {
        needs_.push_back({p.prefix_list_name, i, p.at, p.id});
      }
    }
    std::set<std::string> made;
    for (const auto& e : n_.vpc_endpoints) {
      if (e.type != model::VpcEndpointType::kGateway || e.service_name.empty() ||
          !e.prefix_list.empty() || by_list_name.contains(e.service_name) ||
          made.contains(e.service_name)) {
        continue;
      }
      auto m = parse_managed_name(e.service_name);
      if (!m || m->file_service.empty() || m->region == "global") {
        // gateway-endpoints.html: only S3 and DynamoDB have gateway endpoints.
        d_.error(n_.file_of(e.at), e.at, e.id,
                 "no prefix list for service `" + e.service_name +
                     "`: AWS-managed lists of gateway endpoints are those of S3 and DynamoDB "
                     "(com.amazonaws.REGION.s3, com.amazonaws.REGION.dynamodb)",
                 "other services are reached through an Interface endpoint; or declare the list "
                 "with prefix_list_name: " +
                     e.service_name);
        continue;
      }
      made.insert(e.service_name);
      needs_.push_back({e.service_name, kNone, e.at, e.id});
    }
    // A security group rule or route naming an AWS-managed list that no input declares.
    auto referenced = [&](const model::Ref& r, const model::Resource& owner) {
      if (r.empty() || by_id_or_name.contains(r.text) || made.contains(r.text)) return;
      auto m = parse_managed_name(r.text);
      if (!m || m->file_service.empty()) return;
      made.insert(r.text);
      needs_.push_back({r.text, kNone, r.at, owner.id});
    };
    for (const auto& sg : n_.security_groups) {
      for (const auto* rules : {&sg.ingress, &sg.egress}) {
        for (const auto& rule : *rules) referenced(rule.prefix_list, sg);
      }
    }
    for (const auto& rt : n_.route_tables) {
      for (const auto& route : rt.routes) referenced(route.destination_prefix_list, rt);
    }
  }

  // A file named by --ip-ranges or $CLOUDTWIN_IP_RANGES must be there; the compiled-in default
  // was checked by find_ip_ranges_file().
  bool readable(const IpRangesFile& file) {
    const char* given = file.origin == IpRangesFile::Origin::kOption        ? "--ip-ranges"
                        : file.origin == IpRangesFile::Origin::kEnvironment ? "$CLOUDTWIN_IP_RANGES"
                                                                            : "the default";
    std::error_code ec;
    if (!fs::exists(file.path, ec)) {
      d_.error(file.path, {n_.add_file(file.path), 0, 0}, "",
               std::string("no such file (named by ") + given + ")",
               std::string("download AWS's ranges from ") + kDownload);
      return false;
    }
    if (auto problem = input_file_problem(file.path, options_.max_input_size)) {
      d_.error(file.path, {n_.add_file(file.path), 0, 0}, "", std::move(problem->message),
               std::move(problem->hint));
      return false;
    }
    return true;
  }

  void fill(const Need& need, const AwsIpRanges& ranges, const std::string& path) {
    const ManagedName m = *parse_managed_name(need.name);
    std::vector<Prefix> entries;
    const std::string dated =
        ranges.create_date.empty() ? path : path + " (createDate " + ranges.create_date + ")";
    const std::string newer =
        std::string("give AWS's current ranges with --ip-ranges FILE (") + kDownload + ")";
    if (m.region == "global") {
      entries = ranges.prefixes_anywhere(m.file_service, Family::kV4);
    } else if (!ranges.has_region(m.region)) {
      const auto regions = ranges.regions();
      const std::string close = closest_match(m.region, regions);
      error(need,
            "no ranges for `" + need.name + "`: " + dated + " has no Region `" +
                std::string(m.region) + "`",
            (close.empty() ? "" : "did you mean `" + close + "`? ") +
                "For a Region newer than the file, " + newer);
      return;
    } else {
      auto list = ranges.prefixes(m.region, m.file_service, Family::kV4);
      entries.assign(list.begin(), list.end());
    }
    if (entries.empty()) {
      error(need,
            "no ranges for `" + need.name + "`: " + dated + " lists no IPv4 prefix of service " +
                std::string(m.file_service) + " in " + std::string(m.region),
            "if AWS has added them since, " + newer);
      return;
    }
    set_entries(need, std::move(entries));
  }

  void set_entries(const Need& need, std::vector<Prefix> entries) {
    if (need.list != kNone) {
      auto& p = n_.prefix_lists[need.list];
      p.entries = std::move(entries);
      p.address_family = Family::kV4;
      return;
    }
    model::PrefixList p;
    p.id = managed_list_id(need.name);
    p.name = need.name;
    p.prefix_list_name = need.name;
    p.address_family = Family::kV4;
    p.entries = std::move(entries);
    p.at = need.at;
    n_.prefix_lists.push_back(std::move(p));
  }

  void use_placeholders() {
    std::string names;
    for (std::size_t i = 0; i < needs_.size(); ++i) {
      names += (i == 0 ? "" : i + 1 == needs_.size() ? " and " : ", ") + needs_[i].name;
      const auto s = parse_managed_name(needs_[i].name)->file_service;
      if (s == "S3" || s == "DYNAMODB") {
        set_entries(needs_[i], {*Prefix::parse(s == "S3" ? kS3Placeholder : kDynamoDbPlaceholder)});
      } else if (needs_[i].list == kNone) {
        set_entries(needs_[i], {});  // CloudFront's: no placeholder, an empty list
      }
    }
    const Need& first = needs_.front();
    d_.gap(Gap::kUnknownValue, "prefix list", n_.file_of(first.at), first.at, first.resource,
           "AWS's address ranges are not known: " + names + " hold placeholders (" +
               kS3Placeholder + " for S3, " + kDynamoDbPlaceholder +
               " for DynamoDB, none for CloudFront), not the Region's real ranges",
           std::string("give AWS's published ip-ranges.json with --ip-ranges FILE or "
                       "$CLOUDTWIN_IP_RANGES (download it from ") +
               kDownload + ")");
  }

  model::Network& n_;
  Diagnostics& d_;
  const LoadOptions& options_;
  const IpRangesFile* chosen_;  // null: find_ip_ranges_file(), once a list needs it
  std::vector<Need> needs_;
};

}  // namespace

std::string_view default_ip_ranges_file() { return CLOUDTWIN_DEFAULT_IP_RANGES; }

IpRangesFile find_ip_ranges_file(const LoadOptions& options) {
  if (!options.ip_ranges.empty()) return {options.ip_ranges, IpRangesFile::Origin::kOption};
  if (const char* env = std::getenv("CLOUDTWIN_IP_RANGES"); env != nullptr && *env != '\0') {
    return {env, IpRangesFile::Origin::kEnvironment};
  }
  const std::string fallback(default_ip_ranges_file());
  std::error_code ec;
  if (!fallback.empty() && fs::is_regular_file(fallback, ec)) {
    return {fallback, IpRangesFile::Origin::kDefault};
  }
  return {};
}

bool add_aws_managed_prefix_lists(model::Network& network, Diagnostics& diagnostics,
                                  const LoadOptions& options) {
  return Filler(network, diagnostics, options, nullptr).run();
}

bool add_aws_managed_prefix_lists(model::Network& network, Diagnostics& diagnostics,
                                  const LoadOptions& options, const IpRangesFile& file) {
  return Filler(network, diagnostics, options, &file).run();
}

}  // namespace cloudtwin::load
