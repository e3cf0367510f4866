// AWS's published address ranges, ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json,
// described at https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html): the prefixes
// of each Region and service, IPv4 and IPv6, and the file's `syncToken` and `createDate`. The
// AWS-managed prefix lists of gateway endpoints are filled from it (aws_managed_prefix_lists.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/ip.h"

namespace cloudtwin::load {

class AwsIpRanges {
 public:
  // The prefixes of `service` in `region`, as the file writes them ("S3", "us-east-1"; the
  // CloudFront lists are in "GLOBAL"), of one family: sorted, without repeats (the file lists a
  // prefix once per network border group). Empty when the file lists none.
  [[nodiscard]] std::span<const Prefix> prefixes(std::string_view region, std::string_view service,
                                                 Family family) const;
  // The prefixes of `service` in every Region, sorted, without repeats.
  [[nodiscard]] std::vector<Prefix> prefixes_anywhere(std::string_view service,
                                                      Family family) const;
  [[nodiscard]] bool has_region(std::string_view region) const;
  // The Regions the file names, sorted ("GLOBAL" among them).
  [[nodiscard]] std::vector<std::string_view> regions() const;

  std::string sync_token;      // seconds since the epoch of the publication, as text
  std::string create_date;     // "YYYY-MM-DD-hh-mm-ss", UTC
  std::size_t ipv4_count = 0;  // items of `prefixes`
  std::size_t ipv6_count = 0;  // items of `ipv6_prefixes`

  // Used by the reader: adds `p` to (region, service).
  void add(std::string_view region, std::string_view service, const Prefix& p);
  // Used by the reader once every item is added: sorts each list and drops repeats.
  void seal();

 private:
  struct Lists {
    std::vector<Prefix> v4, v6;
  };
  // region -> service -> prefixes
  std::map<std::string, std::map<std::string, Lists, std::less<>>, std::less<>> by_region_;
};

// Reads `text`, the contents of ip-ranges.json at `path`. Every problem is a located error
// (path:line:column) in `diagnostics`, `file` being the path's index in the network's file
// table; nullopt if there was any. Never throws on any input.
std::optional<AwsIpRanges> read_aws_ip_ranges(std::string_view text, const std::string& path,
                                              std::uint32_t file, Diagnostics& diagnostics);
// The same for the file at `path` (mapped, not copied); a file that cannot be read is an error.
std::optional<AwsIpRanges> read_aws_ip_ranges_file(const std::string& path, std::uint32_t file,
                                                   Diagnostics& diagnostics);

}  // namespace cloudtwin::load
