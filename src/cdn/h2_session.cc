// HTTP/2 toward viewers on nghttp2 (h2_session.h).
#include "h2_session.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>

namespace cloudtwin::cdn {

namespace {

// The output queue stops taking frames at this many unwritten bytes (the socket must drain
// first); nghttp2 keeps the rest and hands it over on the next produce().
constexpr std::size_t kQueueLimit = 256u << 10;
// DATA up to this size is copied next to its frame header; longer stretches are queued by
// reference to the reply's body.
constexpr std::size_t kCopyBelow = 4096;
constexpr std::size_t kSegmentBytes = 64u << 10;
// SETTINGS_MAX_HEADER_LIST_SIZE counts 32 octets per field besides name and value (RFC 9113
// §6.5.2); the limit enforced is HTTP/1.1's (names and values), so the advertised one leaves
// room for the overhead of 100 fields.
constexpr std::uint32_t kFieldOverhead = 32 * 100;

// Connection-specific fields HTTP/2 forbids (RFC 9113 §8.2.2); "te" is only ever "trailers" in a
// request and has no place in a response.
bool connection_specific(std::string_view name) {
  for (std::string_view n :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te"})
    if (iequals(name, n)) return true;
  return false;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

// Whether the comma-separated list `list` has `token` (case-insensitive).
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// base64url without padding (RFC 4648 §5), as HTTP2-Settings carries it (RFC 7540 §3.2.1).
bool base64url_decode(std::string_view in, std::string& out) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return bits < 6;  // a lone sixth of a byte is not base64
}

}  // namespace

struct H2Session::Stream {
  std::int32_t id = 0;
  Clock::time_point started = Clock::now();
  Request request;
  std::string authority;
  std::string cookie;
  bool has_cookie = false;
  std::size_t header_bytes = 0;
  int error_status = 0;  // a limit it broke: answered here, never handed out
  std::string why;
  bool complete = false;    // the request arrived whole (END_STREAM)
  bool handed_out = false;  // in take_requests()
  bool replied = false;
  std::shared_ptr<const Reply> reply;  // kept until the stream closes
  std::string_view body;               // what DATA frames carry: in *reply
  std::size_t body_read = 0, body_sent = 0;
};

struct H2Session::Hooks {
  static H2Session& of(void* user) { return *static_cast<H2Session*>(user); }
  static Stream* stream(nghttp2_session* session, std::int32_t id) {
    return static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, id));
  }
  static bool request_headers(const nghttp2_frame* frame) {
    return frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST;
  }
  static int mark(Stream& s, int status, const char* why) {
    s.error_status = status;
    s.why = why;
    return 0;
  }

  static ssize_t send(nghttp2_session*, const std::uint8_t* data, std::size_t length, int,
                      void* user) {
    auto& self = of(user);
    if (self.queued_ >= kQueueLimit) return NGHTTP2_ERR_WOULDBLOCK;
    self.append(data, length);
    return static_cast<ssize_t>(length);
  }

  // NGHTTP2_DATA_FLAG_NO_COPY: the frame header is queued, then the body by reference.
  static int send_data(nghttp2_session*, nghttp2_frame* frame, const std::uint8_t* framehd,
                       std::size_t length, nghttp2_data_source* source, void* user) {
    auto& self = of(user);
    if (self.queued_ >= kQueueLimit) return NGHTTP2_ERR_WOULDBLOCK;
    auto& s = *static_cast<Stream*>(source->ptr);
    self.append(framehd, 9);
    const std::size_t pad = frame->data.padlen;
    if (pad > 0) {
      const auto pad_length = static_cast<std::uint8_t>(pad - 1);
      self.append(&pad_length, 1);
    }
    const std::string_view part = s.body.substr(s.body_sent, length);
    s.body_sent += part.size();
    if (part.size() <= kCopyBelow) {
      self.append(part.data(), part.size());
    } else {
      self.append_view(part, s.reply);
    }
    if (pad > 1) self.append(std::string(pad - 1, '\0').data(), pad - 1);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t*, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& s = *static_cast<Stream*>(source->ptr);
    const std::size_t n = std::min(length, s.body.size() - s.body_read);
    s.body_read += n;
    *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
    if (s.body_read == s.body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static int begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    if (!request_headers(frame)) return 0;
    auto s = std::make_unique<Stream>();
    s->id = frame->hd.stream_id;
    s->request.version_major = 2;
    s->request.version_minor = 0;
    nghttp2_session_set_stream_user_data(session, s->id, s.get());
    of(user).streams_[s->id] = std::move(s);
    return 0;
  }

  static int header(nghttp2_session* session, const nghttp2_frame* frame, const std::uint8_t* n,
                    std::size_t nlen, const std::uint8_t* v, std::size_t vlen, std::uint8_t,
                    void* user) {
    if (!request_headers(frame)) return 0;  // trailers are not passed on
    Stream* s = stream(session, frame->hd.stream_id);
    if (!s || s->error_status) return 0;
    const auto& limits = of(user).options_.limits;
    const std::string_view name(reinterpret_cast<const char*>(n), nlen);
    const std::string_view value(reinterpret_cast<const char*>(v), vlen);
    // The limits of HTTP/1.1 (cloudfront.md §2): the URL, then the whole header section.
    if (name == ":path" && value.size() > limits.max_url)
      return mark(*s, 414, "the URL is longer than 8,192 bytes");
    s->header_bytes += name.size() + value.size();
    if (s->header_bytes > limits.max_header_bytes)
      return mark(*s, 494, "the request headers are larger than 20,480 bytes");
    auto& q = s->request;
    if (name == ":method") {
      q.method = value;
    } else if (name == ":path") {
      q.target = value;
    } else if (name == ":authority") {
      s->authority = value;
    } else if (name.starts_with(':')) {
      // :scheme; nghttp2 has checked the set of pseudo-header fields (RFC 9113 §8.3.1).
    } else if (name == "cookie") {
      // RFC 9113 §8.2.3: split cookie fields are joined with "; " before HTTP/1.1 semantics.
      if (s->has_cookie) s->cookie += "; ";
      s->cookie += value;
      s->has_cookie = true;
    } else {
      q.headers.push_back({std::string(name), std::string(value)});
    }
    return 0;
  }

  static int frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    if (frame->hd.type == NGHTTP2_SETTINGS && !(frame->hd.flags & NGHTTP2_FLAG_ACK)) {
      auto& self = of(user);
      if (!std::exchange(self.peer_settings_, true))
        for (auto& [id, reply] : std::exchange(self.early_, {})) self.reply(id, std::move(reply));
      return 0;
    }
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    Stream* s = stream(session, frame->hd.stream_id);
    if (!s) return 0;
    auto& self = of(user);
    if (request_headers(frame)) self.headers_done(*s);
    if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) self.complete(*s);
    return 0;
  }

  static int data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t id,
                        const std::uint8_t* data, std::size_t size, void* user) {
    Stream* s = stream(session, id);
    if (!s || s->replied) return 0;
    auto& self = of(user);
    if (s->request.body.size() + size > self.options_.limits.max_body) {
      mark(*s, 413, "the request body is too large");
      self.reject(*s);
      return 0;
    }
    s->request.body.append(reinterpret_cast<const char*>(data), size);
    return 0;
  }

  // RFC 9113 §8.1: a response complete before its request may be followed by RST_STREAM with
  // NO_ERROR, asking the client to stop sending the rest (a body over the limit).
  static int frame_send(nghttp2_session* session, const nghttp2_frame* frame, void*) {
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) &&
        nghttp2_session_get_stream_remote_close(session, frame->hd.stream_id) == 0)
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
    return 0;
  }

  static int stream_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user) {
    auto& self = of(user);
    auto it = self.streams_.find(id);
    if (it == self.streams_.end()) return 0;
    if (it->second->handed_out && !it->second->replied) --self.awaiting_;
    self.streams_.erase(it);
    return 0;
  }
};

H2Session::H2Session(H2Options options) : options_(options) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_option* option = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0 || nghttp2_option_new(&option) != 0) {
    nghttp2_session_callbacks_del(callbacks);
    fatal_ = true;
    return;
  }
  nghttp2_session_callbacks_set_send_callback(callbacks, Hooks::send);
  nghttp2_session_callbacks_set_send_data_callback(callbacks, Hooks::send_data);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, Hooks::begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, Hooks::header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, Hooks::frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, Hooks::data_chunk);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, Hooks::frame_send);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, Hooks::stream_close);
  // nghttp2's defaults stay: HTTP messaging checks (RFC 9113 §8), the limits on queued
  // SETTINGS/PING acknowledgements and on RST_STREAM rate, CONTINUATION count.
  if (nghttp2_session_server_new2(&session_, callbacks, this, option) != 0) {
    session_ = nullptr;
    fatal_ = true;
  }
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  if (fatal_) return;
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<std::uint32_t>(options_.limits.max_header_bytes) + kFieldOverhead},
  };
  if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings)) != 0)
    fatal_ = true;
}

H2Session::~H2Session() {
  if (session_) nghttp2_session_del(session_);
}

std::optional<std::string> H2Session::upgrade_settings(const Request& q) {
  if (q.version_major != 1 || q.version_minor != 1) return std::nullopt;
  const auto upgrade = joined_header(q.headers, "Upgrade");
  const auto connection = joined_header(q.headers, "Connection");
  if (!upgrade || !has_token(*upgrade, "h2c") || !connection ||
      !has_token(*connection, "Upgrade") || !has_token(*connection, "HTTP2-Settings"))
    return std::nullopt;
  const Header* settings = nullptr;
  for (const auto& h : q.headers) {
    if (!iequals(h.name, "HTTP2-Settings")) continue;
    if (settings) return std::nullopt;  // RFC 7540 §3.2.1: exactly one
    settings = &h;
  }
  if (!settings) return std::nullopt;
  return settings->value;
}

bool H2Session::upgrade(Request request, std::string_view settings) {
  std::string payload;
  if (fatal_ || !base64url_decode(settings, payload)) return false;
  auto s = std::make_unique<Stream>();
  s->id = 1;
  if (nghttp2_session_upgrade2(session_, reinterpret_cast<const std::uint8_t*>(payload.data()),
                               payload.size(), request.method == "HEAD" ? 1 : 0, s.get()) != 0)
    return false;
  // nghttp2 took HTTP2-Settings as the client's SETTINGS; its preface is still to come.
  peer_settings_ = false;
  constexpr std::string_view kSwitching =
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
  append(kSwitching.data(), kSwitching.size());
  for (const char* name : {"Connection", "Upgrade", "HTTP2-Settings"})
    remove_header(request.headers, name);
  s->complete = s->handed_out = true;
  ++awaiting_;
  ready_.push_back({1, std::move(request)});
  streams_[1] = std::move(s);
  return true;
}

bool H2Session::receive(const char* data, std::size_t size) {
  if (fatal_) return false;
  if (nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(data), size) < 0) {
    fatal_ = true;  // a flood, a bad preface, or out of memory
    return false;
  }
  return true;
}

std::vector<H2Session::Incoming> H2Session::take_requests() { return std::exchange(ready_, {}); }

void H2Session::reply(std::int32_t stream, Reply reply) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second->replied) return;  // reset meanwhile: nobody to tell
  if (!peer_settings_) {
    // After an upgrade, stream 1's answer waits for the client's preface: some clients (curl)
    // cannot hold much HTTP/2 data arriving with the 101.
    early_.emplace_back(stream, std::move(reply));
    return;
  }
  if (it->second->handed_out) --awaiting_;
  submit(*it->second, std::move(reply));
}

void H2Session::shutdown() {
  if (session_) nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
}

bool H2Session::produce() {
  if (fatal_) return false;
  if (nghttp2_session_send(session_) != 0) {
    fatal_ = true;
    return false;
  }
  return true;
}

int H2Session::gather(iovec* iov, int max) const {
  int n = 0;
  std::size_t skip = queue_offset_;
  for (const auto& segment : queue_) {
    if (n == max) break;
    const std::string_view d = segment.data();
    iov[n++] = {const_cast<char*>(d.data() + skip), d.size() - skip};
    skip = 0;
  }
  return n;
}

void H2Session::consumed(std::size_t n) {
  queued_ -= std::min(n, queued_);
  while (n > 0 && !queue_.empty()) {
    const std::size_t left = queue_.front().data().size() - queue_offset_;
    if (n < left) {
      queue_offset_ += n;
      return;
    }
    n -= left;
    queue_.pop_front();
    queue_offset_ = 0;
  }
}

bool H2Session::finished() const {
  if (!queue_.empty()) return false;
  return fatal_ || (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_));
}

std::optional<H2Session::Clock::time_point> H2Session::oldest_request() const {
  std::optional<Clock::time_point> oldest;
  for (const auto& [id, s] : streams_)
    if (!s->complete && !s->replied && (!oldest || s->started < *oldest)) oldest = s->started;
  return oldest;
}

void H2Session::append(const void* data, std::size_t size) {
  if (size == 0) return;
  if (queue_.empty() || queue_.back().keep || queue_.back().bytes.size() >= kSegmentBytes)
    queue_.emplace_back();
  queue_.back().bytes.append(static_cast<const char*>(data), size);
  queued_ += size;
}

void H2Session::append_view(std::string_view view, std::shared_ptr<const Reply> keep) {
  if (view.empty()) return;
  queue_.push_back({{}, view, std::move(keep)});
  queued_ += view.size();
}

void H2Session::headers_done(Stream& s) {
  auto& q = s.request;
  if (!s.error_status) {
    // RFC 9113 §8.3.1: :authority stands for Host, which the Edge routes by.
    if (!s.authority.empty()) {
      remove_header(q.headers, "host");
      q.headers.insert(q.headers.begin(), {"host", s.authority});
    }
    if (s.has_cookie) q.headers.push_back({"cookie", std::move(s.cookie)});
    if (q.target.empty() || (q.target.front() != '/' && q.target != "*")) {
      mark_error(s, 400, "the request target must be an absolute path");
    } else {
      const auto question = q.target.find('?');
      q.path = q.target.substr(0, question);
      if (question != std::string::npos) {
        q.has_query = true;
        q.query = q.target.substr(question + 1);
      }
      // A declared length over the limit is refused before the body comes.
      if (const Header* length = find_header(q.headers, "content-length")) {
        std::size_t declared = 0;
        bool digits = !length->value.empty() && length->value.size() <= 19;
        for (char c : length->value) {
          if (c < '0' || c > '9')
            digits = false;
          else
            declared = declared * 10 + static_cast<std::size_t>(c - '0');
        }
        if (digits && declared > options_.limits.max_body)
          mark_error(s, 413, "the request body is too large");
      }
    }
  }
  if (s.error_status) reject(s);
}

void H2Session::mark_error(Stream& s, int status, std::string why) {
  s.error_status = status;
  s.why = std::move(why);
}

void H2Session::reject(Stream& s) {
  if (s.replied) return;
  Reply r;
  r.status = s.error_status;
  r.headers.push_back({"Server", "CloudFront"});
  r.headers.push_back({"Content-Type", "text/plain"});
  r.headers.push_back({"X-Cache", "Error from cloudfront"});
  r.body = s.why + "\n";
  s.request = Request{};
  ++rejected_;
  submit(s, std::move(r));
}

void H2Session::complete(Stream& s) {
  if (s.complete) return;
  s.complete = true;
  if (s.error_status || s.replied) return;
  s.handed_out = true;
  ++awaiting_;
  ready_.push_back({s.id, std::move(s.request)});
}

void H2Session::submit(Stream& s, Reply reply) {
  s.replied = true;
  const bool bodiless = reply.status == 304 || reply.status == 204 || reply.status < 200;
  auto keep = std::make_shared<const Reply>(std::move(reply));
  const std::string_view body = keep->body_view();
  const std::string status = std::to_string(keep->status);
  const std::string length = std::to_string(keep->length.value_or(body.size()));
  std::vector<std::string> names;
  names.reserve(keep->headers.size());  // no reallocation: nv points into these
  std::vector<nghttp2_nv> nv;
  nv.reserve(keep->headers.size() + 2);
  const auto add = [&nv](std::string_view name, std::string_view value) {
    nv.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                  reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
                  value.size(), NGHTTP2_NV_FLAG_NONE});
  };
  add(":status", status);
  for (const auto& h : keep->headers) {
    if (h.name.empty() || h.name.front() == ':' || connection_specific(h.name) ||
        iequals(h.name, "Content-Length"))
      continue;
    names.push_back(lowercase(h.name));  // RFC 9113 §8.2.1: field names in lowercase
    add(names.back(), h.value);
  }
  // HEAD: the length the GET would have (RFC 9110 §8.6), as HTTP/1.1 says it.
  if (!bodiless) add("content-length", length);
  const bool send_body = !bodiless && !keep->head && !body.empty();
  s.reply = keep;
  s.body = send_body ? body : std::string_view();
  s.body_read = s.body_sent = 0;
  nghttp2_data_provider provider{};
  provider.source.ptr = &s;
  provider.read_callback = Hooks::read_body;
  // Fails only when the stream is already closed; then there is no one to answer.
  [[maybe_unused]] const int rv = nghttp2_submit_response(session_, s.id, nv.data(), nv.size(),
                                                          send_body ? &provider : nullptr);
}

}  // namespace cloudtwin::cdn
