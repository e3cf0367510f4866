// HTTP/2 toward viewers (RFC 9113) on nghttp2: one server session per connection, fed the bytes
// the socket delivers and drained into an output queue the server writes. Requests come out whole
// (pseudo-header fields mapped to a cdn::Request, held to the same RequestLimits as HTTP/1.1);
// replies go in by stream id, in any order, and a body is sent from the Reply itself (a slice of a
// cached object is queued by reference, never copied). No sockets here: server.cc drives it from
// its epoll loop.
#pragma once

#include <sys/uio.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cloudtwin/cdn/edge.h"
#include "cloudtwin/cdn/http.h"

struct nghttp2_session;

namespace cloudtwin::cdn {

// The client connection preface (RFC 9113 §3.4): a connection that begins with it speaks HTTP/2
// with prior knowledge.
inline constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct H2Options {
  RequestLimits limits;
  std::uint32_t max_concurrent_streams = 100;  // SETTINGS_MAX_CONCURRENT_STREAMS
};

class H2Session {
 public:
  using Clock = std::chrono::steady_clock;
  struct Incoming {
    std::int32_t stream = 0;
    Request request;
  };

  explicit H2Session(H2Options options);
  ~H2Session();
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;

  // Whether `request` (HTTP/1.1) asks to upgrade to h2c (RFC 7540 §3.2: Upgrade: h2c, one
  // HTTP2-Settings, both named by Connection); the header's value when it does.
  static std::optional<std::string> upgrade_settings(const Request& request);
  // Takes over after such a request: queues the 101 response, applies the client's settings and
  // makes `request` stream 1 (handed out by take_requests()). false: HTTP2-Settings is malformed
  // and nothing was queued.
  [[nodiscard]] bool upgrade(Request request, std::string_view settings);

  // Viewer bytes. false: the session cannot go on; close the connection.
  [[nodiscard]] bool receive(const char* data, std::size_t size);
  // The requests completed since the last call, in the order they completed.
  std::vector<Incoming> take_requests();
  // The reply to `stream`; dropped when the stream is gone (the viewer reset it).
  void reply(std::int32_t stream, Reply reply);
  // GOAWAY with NO_ERROR (RFC 9113 §6.8): the session ends once what is queued is sent.
  void shutdown();

  // Moves the frames nghttp2 has ready into the output queue, up to a bound. false: a fatal error.
  [[nodiscard]] bool produce();
  // The queued output as at most `max` iovecs; consumed() drops what was written.
  int gather(iovec* iov, int max) const;
  void consumed(std::size_t n);
  [[nodiscard]] bool has_output() const { return !queue_.empty(); }

  // Nothing left to do: neither side will send more (GOAWAY both ways, or a connection error).
  [[nodiscard]] bool finished() const;
  // Streams handed out whose reply has not come.
  [[nodiscard]] std::size_t awaiting() const { return awaiting_; }
  // When the oldest request still arriving began (for the request timeout), if one is.
  [[nodiscard]] std::optional<Clock::time_point> oldest_request() const;
  // Requests answered here with an error (414, 494, 413, 400) since the last call.
  std::uint64_t take_rejected() { return std::exchange(rejected_, 0); }

  struct Stream;
  struct Hooks;  // nghttp2's callbacks

 private:
  void append(const void* data, std::size_t size);
  void append_view(std::string_view view, std::shared_ptr<const Reply> keep);
  void headers_done(Stream& s);
  void mark_error(Stream& s, int status, std::string why);
  void reject(Stream& s);  // answers its error_status here
  void complete(Stream& s);
  void submit(Stream& s, Reply reply);

  struct Segment {
    std::string bytes;      // owned: frame headers, HEADERS, control frames
    std::string_view view;  // or a stretch of a reply's body, kept alive by `keep`
    std::shared_ptr<const Reply> keep;
    [[nodiscard]] std::string_view data() const { return keep ? view : std::string_view(bytes); }
  };

  H2Options options_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<std::int32_t, std::unique_ptr<Stream>> streams_;
  std::vector<Incoming> ready_;
  std::deque<Segment> queue_;
  std::size_t queue_offset_ = 0;  // of the front segment, already written
  std::size_t queued_ = 0;        // bytes in the queue, not yet written
  std::size_t awaiting_ = 0;
  std::uint64_t rejected_ = 0;
  bool fatal_ = false;
  bool peer_settings_ = false;  // the client's SETTINGS (its preface) has arrived
  std::vector<std::pair<std::int32_t, Reply>> early_;  // replies that came before it
};

}  // namespace cloudtwin::cdn
