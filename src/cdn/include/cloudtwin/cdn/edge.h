// The edge's request handling, independent of sockets: a viewer request at an edge location (POP)
// becomes a reply from a cache tier or from the origin, with CloudFront's rules
// (shared/reference/cloudfront.md): the distribution by Host, the first matching behaviour, its
// methods, the cache key from its policies, the tiers POP -> regional edge cache -> Origin Shield
// -> origin, request collapsing, TTLs, error caching, stale serving, origin-group failover, and
// CloudFront's response headers. Origin fetches run on fetcher threads; handle() never blocks on
// an origin, and its callback may run on another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cloudtwin/cdn/http.h"
#include "cloudtwin/cdn/origin.h"
#include "cloudtwin/cdn/store.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::cdn {

// An edge location ("IAD89-C1"): its own cache, and the regional edge cache of its Region.
struct PopSpec {
  std::string name;
  std::string region;  // empty: from the POP's airport code (pop_region())
};
// "IAD89-C1" -> "us-east-1" (the first three letters, an airport, to the Region of the nearest
// regional edge cache); "us-east-1" for a code it does not know.
std::string pop_region(std::string_view pop);

struct EdgeOptions {
  std::vector<PopSpec> pops = {{"IAD89-C1", ""}};
  // --origin NAME=HOST:PORT: by origin id, or by the origin's domain name.
  std::map<std::string, OriginAddress> origins;
  std::size_t pop_bytes = 256u << 20;
  std::size_t rec_bytes = 1024u << 20;
  std::size_t shield_bytes = 1024u << 20;
  unsigned fetchers = 32;
  bool explain = false;  // every reply carries X-Cloudtwin-Explain (else only when asked)
  // A scale for origin timeouts (tests): 1 = CloudFront's.
  double timeout_scale = 1.0;
  // --access-log FILE: one line per viewer request in CloudFront's standard log format.
  std::string access_log;
};

struct Viewer {
  std::string address;  // the client's IP address
  bool https = false;
};

// What goes back to the viewer: status and headers, and the body, from a cached object (shared,
// not copied) or owned.
struct Reply {
  int status = 200;
  std::string reason;
  Headers headers;
  std::shared_ptr<const CachedObject> object;  // the body is object->body when set
  std::string body;
  bool head = false;   // HEAD: headers only (Content-Length of the full body)
  // The Content-Length to send when it is not the body's: a HEAD answered from the stored
  // answer to a HEAD, which has the origin's length and no body.
  std::optional<std::size_t> length;
  bool close = false;  // close the connection after this reply
  // A range of the object's body (a 206 for one range): offset and length into it.
  std::size_t slice_offset = 0;
  std::size_t slice_length = std::string::npos;
  [[nodiscard]] std::string_view body_view() const {
    return object ? std::string_view(object->body).substr(slice_offset, slice_length)
                  : std::string_view(body);
  }
};

// Per tier and behaviour counters for `cdn stats` and the metrics.
struct DistConfig;

struct TierStats {
  std::atomic<std::uint64_t> hits{0}, misses{0}, refresh_hits{0}, errors{0};
};

class Edge {
 public:
  using Done = std::function<void(Reply)>;

  Edge(std::shared_ptr<const model::Network> network, EdgeOptions options);
  ~Edge();
  Edge(const Edge&) = delete;
  Edge& operator=(const Edge&) = delete;

  // Answers `request` arriving at POP `pop`; calls `done` exactly once (maybe on a fetcher thread).
  void handle(std::size_t pop, Request request, const Viewer& viewer, Done done);

  // Removes, from every tier, the objects of `distribution` (id, alias or domain name) whose
  // path matches one of `paths` (cloudfront.md §10). Returns the number removed, or -1 with
  // `error` set (unknown distribution, a bad path).
  long invalidate(std::string_view distribution, const std::vector<std::string>& paths,
                  std::string& error);
  // Swaps the network later requests see. Caches whose distribution's key rules are unchanged
  // are kept; the others are emptied.
  void reload(std::shared_ptr<const model::Network> network);

  [[nodiscard]] std::string stats_json() const;
  [[nodiscard]] std::string metrics_text() const;
  [[nodiscard]] std::uint64_t origin_requests() const { return origin_requests_; }
  [[nodiscard]] const std::vector<PopSpec>& pops() const { return options_.pops; }

  struct Config;
  struct Flight;
  // What a standard log line needs of a request (cloudfront.md §6, AccessLogs.html).
  struct LogFacts {
    std::chrono::system_clock::time_point start;
    std::chrono::steady_clock::time_point started;
    std::string pop, client, method, host, path, query, referer, user_agent, cookie, version;
    std::size_t request_bytes = 0;
  };

  // Whether the edge could open its --access-log file.
  [[nodiscard]] bool access_log_ok() const { return !options_.access_log.empty() == (access_log_ != nullptr); }

 private:
  const DistConfig* route(const Config& config, const Request& request) const;
  void serve(std::size_t pop, Request request, const Viewer& viewer, Done done,
             const std::shared_ptr<const Config>& config, const DistConfig* dist);
  LogFacts log_facts(std::size_t pop, const Request& request, const Viewer& viewer) const;
  void write_access_log(const LogFacts& facts, const Reply& reply);

  struct Tier {
    std::string name;  // "IAD89-C1", "REC us-east-1", "Origin Shield us-east-1"
    std::string layer;  // Server-Timing cdn-hit-layer: EDGE, REC, Origin Shield
    std::unique_ptr<Store> store;
    TierStats stats;
  };
  struct Job;

  void fetch(std::shared_ptr<Job> job);
  void finish(const std::shared_ptr<Job>& job, Reply reply);
  void run_fetcher();
  void submit(std::function<void()> work);
  Tier& rec_for(const std::string& region);
  Tier& shield_for(const std::string& region);

  EdgeOptions options_;
  std::atomic<std::shared_ptr<const Config>> config_;
  std::vector<std::unique_ptr<Tier>> pop_tiers_;
  std::mutex tiers_mutex_;
  std::map<std::string, std::unique_ptr<Tier>> recs_, shields_;
  OriginPool pool_;

  std::mutex flights_mutex_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;  // request collapsing

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> fetchers_;

  std::atomic<std::uint64_t> origin_requests_{0}, collapsed_{0}, requests_{0};
  std::mutex log_mutex_;
  std::FILE* access_log_ = nullptr;
};

}  // namespace cloudtwin::cdn
