// The CloudFront API JSON reader shared by the AWS CLI snapshot reader and standalone files
// (cloudtwin/load/cloudfront_json.h): each answer's configuration rewritten into
// CloudFormation's shape (cloudfront_config.h, normalise_api) and read by the shared reader;
// unknown keys are ignored, as the API adds fields over time.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/model/network.h"
#include "json_source.h"

namespace cloudtwin::load::cloudfront {

// Top-level keys that make a JSON object a CloudFront answer, and those that come with them.
[[nodiscard]] bool is_answer_key(std::string_view key);
[[nodiscard]] bool is_companion_key(std::string_view key);

class JsonReader {
 public:
  JsonReader(model::Network& n, Diagnostics& d) : n_(n), d_(d) {}

  // An answer (the whole object). `file` is the file's path, whose name may give a
  // get-distribution-config answer its id.
  void read_answer(json::Reader& rd, const json::Value& root, const std::string& file);
  // A standalone file: an answer or a {"status_code", "data"} recording of one.
  void read_file(json::Reader& rd, const json::Value& root, const std::string& file);
  // Once every input of the kind is read: behaviours' policies outside the inputs get stand-ins
  // or are left out (stand_in_outside_policies).
  void finish();

 private:
  void distribution(json::Reader& rd, const json::Value& config, std::string id, std::string domain,
                    const json::Value& at, bool full);
  template <class R, class F>
  void policy(json::Reader& rd, const json::Value& item, std::string_view config_key,
              std::vector<R>& list, F read);
  void public_key_summary(json::Reader& rd, const json::Value& item);

  model::Network& n_;
  Diagnostics& d_;
  // Distributions read, by id: index and whether from a whole configuration (not a summary).
  std::map<std::string, std::pair<model::Index, bool>, std::less<>> distributions_;
  std::vector<model::Index> read_;
};

}  // namespace cloudtwin::load::cloudfront
