// HTTP/1.1 messages for the edge: requests from viewers and responses from origins, parsed with
// nodejs/http-parser (libhttp-parser, the parser Node.js used for a decade, fuzzed by OSS-Fuzz;
// not written by hand), and serialised back. The parsers are incremental: bytes go in as they
// arrive, whole messages come out, pipelined requests one at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloudtwin::cdn {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

bool iequals(std::string_view a, std::string_view b);
// The first header named `name` (case-insensitive), or nullptr.
const Header* find_header(const Headers& h, std::string_view name);
// Every value of `name` joined with ", " (RFC 9110 §5.3); nullopt when absent.
std::optional<std::string> joined_header(const Headers& h, std::string_view name);
void remove_header(Headers& h, std::string_view name);
void set_header(Headers& h, std::string_view name, std::string value);

struct Request {
  std::string method;
  std::string target;  // as sent: "/path?query"
  std::string path;    // the target up to '?'
  std::string query;   // after '?', without it; empty when none
  bool has_query = false;
  int version_major = 1;  // 2: HTTP/2 (h2_session.h), whose requests say 2.0
  int version_minor = 1;  // HTTP/1.x
  Headers headers;
  std::string body;
  bool keep_alive = true;
};

struct Response {
  int status = 200;
  std::string reason;  // empty: the standard phrase
  Headers headers;
  std::string body;
  bool chunked = false;         // the origin sent Transfer-Encoding: chunked
  bool has_length = false;      // the origin sent Content-Length
  bool complete = true;         // the whole body arrived (a close-delimited body always does)
};

const char* reason_phrase(int status);

// Limits a viewer request is held to (cloudfront.md §2): the URL at most 8,192 bytes, the request
// line and headers at most 20,480; a body at most `max_body`.
struct RequestLimits {
  std::size_t max_url = 8192;
  std::size_t max_header_bytes = 20480;
  std::size_t max_body = 64u << 20;
};

// Incremental viewer-request parser. feed() consumes what it can; next() hands out complete
// requests in order. After an error the connection must answer error_status() and close.
class RequestParser {
 public:
  explicit RequestParser(RequestLimits limits = {});
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses bytes from `data`; returns how many were consumed. Stops after each complete request
  // (so that pipelined requests are answered in order): call again with the rest once next()
  // has been taken.
  std::size_t feed(const char* data, std::size_t size);
  [[nodiscard]] bool ready() const { return ready_; }
  Request next();
  [[nodiscard]] bool failed() const { return error_status_ != 0; }
  [[nodiscard]] int error_status() const { return error_status_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  // Whether a request has begun and not completed (for idle timeouts: slowloris).
  [[nodiscard]] bool in_message() const { return in_message_; }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  bool ready_ = false;
  bool in_message_ = false;
  int error_status_ = 0;
  std::string error_;
  friend struct Impl;
};

// Incremental origin-response parser (for a response to `method`: HEAD has no body).
class ResponseParser {
 public:
  ResponseParser();
  ~ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  void reset(bool head_request);
  // Returns false on a malformed response.
  bool feed(const char* data, std::size_t size);
  // The connection closed: completes a close-delimited body; false if the message is cut short.
  bool finish();
  [[nodiscard]] bool done() const { return done_; }
  [[nodiscard]] bool keep_alive() const { return keep_alive_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  Response& response() { return response_; }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  Response response_;
  bool done_ = false;
  bool keep_alive_ = false;
  std::string error_;
  friend struct Impl;
};

// "HTTP/1.1 200 OK\r\n" + headers + "\r\n" (the caller adds the body). Content-Length is the
// caller's to set.
void write_status_and_headers(std::string& out, int status, std::string_view reason,
                              const Headers& headers);
// "GET /x HTTP/1.1\r\n" + headers + "\r\n" + body.
std::string write_request(std::string_view method, std::string_view target, const Headers& headers,
                          std::string_view body);

}  // namespace cloudtwin::cdn
