// The Route 53 JSON reader shared by the AWS CLI snapshot reader and standalone files
// (cloudtwin/load/route53_json.h): the API's HostedZone, DelegationSet and ResourceRecordSet
// shapes into model resources, change batches applied in order, and the zones of
// list-resource-record-sets answers found once every input of the kind is read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/model/network.h"
#include "json_source.h"

namespace cloudtwin::load::route53 {

// Top-level keys that make a JSON object a Route 53 answer, and the keys that come with them
// (paging, VPCs of get-hosted-zone, a recording's metadata), which are not answers of their own.
[[nodiscard]] bool is_answer_key(std::string_view key);
[[nodiscard]] bool is_companion_key(std::string_view key);

class Reader {
 public:
  Reader(model::Network& n, Diagnostics& d) : n_(n), d_(d) {}

  // An answer of list-hosted-zones, get-hosted-zone, list-reusable-delegation-sets,
  // get-reusable-delegation-set, list-resource-record-sets, list-health-checks or
  // get-health-check (the whole object). `file` is the
  // file's path, whose name may hold the zone's id.
  void read_answer(json::Reader& rd, const json::Value& root, const std::string& file);
  // A standalone file: an answer, a change batch, a {"status_code", "data"} recording or
  // botocore's examples file.
  void read_file(json::Reader& rd, const json::Value& root, const std::string& file);
  // Gives the record sets of list-resource-record-sets answers their zone (the file's name, the
  // apex SOA matched to the zones read, else a zone made from the SOA's owner).
  void finish();

 private:
  void hosted_zone(json::Reader& rd, const json::Value& v, const json::Value& answer);
  std::string delegation_set(json::Reader& rd, const json::Value& v);
  // A HealthCheck of list-health-checks / get-health-check: Id and HealthCheckConfig.
  void health_check(json::Reader& rd, const json::Value& v);
  // Reads a ResourceRecordSet; false if it cannot be used. `strict`: unknown keys are errors
  // (a request), else warnings (an answer, which AWS extends over time).
  bool record_set(json::Reader& rd, const json::Value& v, model::RecordSet& out, bool strict);
  void record_sets(json::Reader& rd, const json::Value& list, const json::Value& answer,
                   const std::string& file);
  // A change batch: `batch` holds Changes; `zone` is the HostedZoneId (or missing).
  void change_batch(json::Reader& rd, const json::Value& batch, const json::Value& zone,
                    const std::string& file, const std::string& made_zone_suffix,
                    const std::string& made_zone_name);
  void examples(json::Reader& rd, const json::Value& examples, const std::string& file);

  // The zone whose id appears in the file's name (a token of letters and digits), or kNone.
  [[nodiscard]] model::Index zone_in_file_name(const std::string& file) const;
  [[nodiscard]] model::Index zone_by_id(std::string_view id) const;

  struct PendingAnswer {
    std::size_t first = 0, count = 0;  // in n_.record_sets
    std::string file;
    std::string zone_id;  // named by the file or the answer, "" if not
    Location at;
    std::string soa_owner;  // canonical; "" if no SOA
    std::string soa_name;   // as written
    Location soa_at;
  };

  model::Network& n_;
  Diagnostics& d_;
  std::vector<PendingAnswer> pending_;
};

}  // namespace cloudtwin::load::route53
