// HTTP/2 toward viewers end to end on loopback (h2_session.h): cleartext HTTP/2 with prior
// knowledge and by `Upgrade: h2c` on the --listen ports that serve HTTP/1.1, driven by nghttp2's
// client session, and hostile frames written by hand. Rules cited as RFC 9113 §N (RFC 7540 for
// the h2c upgrade, which RFC 9113 retired) and shared/reference/cloudfront.md §N.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "edge_harness.h"

namespace cloudtwin::cdn {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::header;
using testing::loopback;
using testing::network_with;
using testing::options_for;
using testing::RunningEdge;
using testing::ScriptedOrigin;

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

Response ok(std::string body, Headers h = {}) {
  Response r;
  r.body = std::move(body);
  r.headers = std::move(h);
  r.headers.push_back({"Content-Type", "text/plain"});
  return r;
}

int connect_to(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  socklen_t len = 0;
  auto a = loopback(port, len);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), len) != 0) std::abort();
  return fd;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// An origin answer held until release() (or the end of the test, so a failing test never leaves
// the origin's threads waiting).
struct Gate {
  std::promise<void> promise;
  std::shared_future<void> future = promise.get_future().share();
  bool released = false;
  void release() {
    if (!std::exchange(released, true)) promise.set_value();
  }
  ~Gate() { release(); }
};

// A blocking HTTP/2 client on nghttp2's client session: submit() queues requests, run()
// exchanges frames until every one is answered or reset.
class H2Client {
 public:
  struct Answer {
    Response response;
    bool closed = false;
    std::uint32_t error = 0;  // RST_STREAM's code, 0 when the stream ended normally
  };

  // Prior knowledge (RFC 9113 §3.3), or the HTTP/1.1 upgrade (RFC 7540 §3.2) with `upgrade_get`
  // as the request that becomes stream 1.
  explicit H2Client(std::uint16_t port, std::string upgrade_get = "") {
    fd_ = connect_to(port);
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
    nghttp2_session_client_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}};
    if (!upgrade_get.empty()) {
      std::uint8_t payload[64];
      const auto n = nghttp2_pack_settings_payload(payload, sizeof payload, settings, 1);
      const std::string request = "GET " + upgrade_get +
                                  " HTTP/1.1\r\nHost: www.example.com\r\n"
                                  "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                                  "HTTP2-Settings: " +
                                  base64url(payload, static_cast<std::size_t>(n)) + "\r\n\r\n";
      send_all(fd_, request);
      std::string head;
      char ch;
      while (!head.ends_with("\r\n\r\n") && recv(fd_, &ch, 1, 0) == 1) head += ch;
      upgrade_status_ = head.substr(0, head.find("\r\n"));
      nghttp2_session_upgrade2(session_, payload, static_cast<std::size_t>(n), 0, nullptr);
      answers_[1];
    }
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 1);
  }
  ~H2Client() {
    nghttp2_session_del(session_);
    close(fd_);
  }
  H2Client(const H2Client&) = delete;
  H2Client& operator=(const H2Client&) = delete;

  std::int32_t submit(const std::string& method, const std::string& path, Headers extra = {},
                      std::string body = "") {
    std::vector<std::pair<std::string, std::string>> fields = {{":method", method},
                                                               {":scheme", "http"},
                                                               {":authority", "www.example.com"},
                                                               {":path", path}};
    for (auto& h : extra) fields.emplace_back(h.name, h.value);
    std::vector<nghttp2_nv> nv;
    for (auto& [n, v] : fields)
      nv.push_back({reinterpret_cast<std::uint8_t*>(n.data()),
                    reinterpret_cast<std::uint8_t*>(v.data()), n.size(), v.size(),
                    NGHTTP2_NV_FLAG_NONE});
    auto source = std::make_shared<std::pair<std::string, std::size_t>>(std::move(body), 0);
    nghttp2_data_provider provider{};
    provider.source.ptr = source.get();
    provider.read_callback = [](nghttp2_session*, std::int32_t, std::uint8_t* buf,
                                std::size_t length, std::uint32_t* flags, nghttp2_data_source* src,
                                void*) -> ssize_t {
      auto& [data, sent] = *static_cast<std::pair<std::string, std::size_t>*>(src->ptr);
      const std::size_t n = std::min(length, data.size() - sent);
      std::memcpy(buf, data.data() + sent, n);
      sent += n;
      if (sent == data.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    };
    const std::int32_t id =
        nghttp2_submit_request(session_, nullptr, nv.data(), nv.size(),
                               source->first.empty() ? nullptr : &provider, nullptr);
    bodies_.push_back(source);
    answers_[id];
    return id;
  }
  void reset(std::int32_t id) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
  }

  // Until every stream submitted is closed; false on a timeout or the connection closing first.
  bool run(std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      for (;;) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n <= 0) break;
        if (!send_all(fd_, {reinterpret_cast<const char*>(data), static_cast<std::size_t>(n)}))
          return false;
      }
      if (all_closed()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      pollfd pf{fd_, POLLIN, 0};
      if (poll(&pf, 1, 100) <= 0) continue;
      char buf[65536];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return all_closed();
      if (nghttp2_session_mem_recv(session_, reinterpret_cast<std::uint8_t*>(buf),
                                   static_cast<std::size_t>(n)) < 0)
        return false;
    }
  }
  const Answer& answer(std::int32_t id) { return answers_[id]; }
  // Sends one request and runs until it is answered.
  Answer get(const std::string& path, Headers extra = {}, const std::string& method = "GET") {
    const auto id = submit(method, path, std::move(extra));
    EXPECT_TRUE(run());
    return answers_[id];
  }
  [[nodiscard]] bool goaway() const { return goaway_; }
  [[nodiscard]] const std::string& upgrade_status() const { return upgrade_status_; }

 private:
  static H2Client& of(void* p) { return *static_cast<H2Client*>(p); }
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* n,
                       std::size_t nl, const std::uint8_t* v, std::size_t vl, std::uint8_t,
                       void* user) {
    auto& r = of(user).answers_[frame->hd.stream_id].response;
    const std::string name(reinterpret_cast<const char*>(n), nl),
        value(reinterpret_cast<const char*>(v), vl);
    if (name == ":status") {
      r.status = std::stoi(value);
    } else {
      r.headers.push_back({name, value});
    }
    return 0;
  }
  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                     std::size_t n, void* user) {
    of(user).answers_[id].response.body.append(reinterpret_cast<const char*>(data), n);
    return 0;
  }
  static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t error, void* user) {
    auto& a = of(user).answers_[id];
    a.closed = true;
    a.error = error;
    return 0;
  }
  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    if (frame->hd.type == NGHTTP2_GOAWAY) of(user).goaway_ = true;
    return 0;
  }
  bool all_closed() const {
    for (const auto& [id, a] : answers_)
      if (!a.closed) return false;
    return true;
  }
  static std::string base64url(const std::uint8_t* p, std::size_t n) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
      acc = (acc << 8) | p[i];
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += k[(acc >> bits) & 63];
      }
    }
    if (bits > 0) out += k[(acc << (6 - bits)) & 63];
    return out;
  }

  int fd_ = -1;
  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, Answer> answers_;
  std::vector<std::shared_ptr<std::pair<std::string, std::size_t>>> bodies_;
  bool goaway_ = false;
  std::string upgrade_status_;
};

// ---- frames by hand ----------------------------------------------------------------------------

constexpr std::uint8_t kData = 0x0, kHeaders = 0x1, kRstStream = 0x3, kSettings = 0x4,
                       kGoaway = 0x7, kContinuation = 0x9;
constexpr std::uint8_t kEndStream = 0x1, kEndHeaders = 0x4;

std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                  std::string_view payload) {
  std::string f;
  const auto n = payload.size();
  f += static_cast<char>((n >> 16) & 0xff);
  f += static_cast<char>((n >> 8) & 0xff);
  f += static_cast<char>(n & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift : {24, 16, 8, 0}) f += static_cast<char>((stream >> shift) & 0xff);
  f += payload;
  return f;
}

// A header block (HPACK, RFC 7541) of literal fields that are never indexed, so blocks encoded
// separately never disagree about the dynamic table.
std::string hpack(const std::vector<std::pair<std::string, std::string>>& fields) {
  nghttp2_hd_deflater* deflater = nullptr;
  nghttp2_hd_deflate_new(&deflater, 4096);
  std::vector<nghttp2_nv> nv;
  for (const auto& [n, v] : fields)
    nv.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                  reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                  NGHTTP2_NV_FLAG_NO_INDEX});
  std::string out(nghttp2_hd_deflate_bound(deflater, nv.data(), nv.size()), '\0');
  const ssize_t n = nghttp2_hd_deflate_hd(deflater, reinterpret_cast<std::uint8_t*>(out.data()),
                                          out.size(), nv.data(), nv.size());
  nghttp2_hd_deflate_del(deflater);
  out.resize(static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
  return out;
}

std::string get_block(const std::string& path) {
  return hpack({{":method", "GET"},
                {":scheme", "http"},
                {":authority", "www.example.com"},
                {":path", path}});
}

struct Frame {
  std::uint8_t type = 0, flags = 0;
  std::uint32_t stream = 0;
  std::string payload;
  [[nodiscard]] std::uint32_t code() const {  // RST_STREAM's error code, or GOAWAY's
    const std::size_t at = type == kGoaway ? 4 : 0;
    if (payload.size() < at + 4) return 0xffffffff;
    std::uint32_t c = 0;
    for (std::size_t i = 0; i < 4; ++i) c = (c << 8) | static_cast<std::uint8_t>(payload[at + i]);
    return c;
  }
};

// The frames the server sends until `until` says stop, the connection closes (`closed`), or
// `limit` passes.
std::vector<Frame> read_frames(int fd, bool& closed,
                               const std::function<bool(const std::vector<Frame>&)>& until,
                               std::chrono::milliseconds limit = 5s) {
  std::vector<Frame> frames;
  std::string in;
  closed = false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline && !until(frames)) {
    pollfd pf{fd, POLLIN, 0};
    if (poll(&pf, 1, 50) <= 0) continue;
    char buf[65536];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      closed = true;
      break;
    }
    in.append(buf, static_cast<std::size_t>(n));
    while (in.size() >= 9) {
      const std::size_t length = (static_cast<std::uint8_t>(in[0]) << 16) |
                                 (static_cast<std::uint8_t>(in[1]) << 8) |
                                 static_cast<std::uint8_t>(in[2]);
      if (in.size() < 9 + length) break;
      Frame f;
      f.type = static_cast<std::uint8_t>(in[3]);
      f.flags = static_cast<std::uint8_t>(in[4]);
      for (int i = 5; i < 9; ++i) f.stream = (f.stream << 8) | static_cast<std::uint8_t>(in[i]);
      f.stream &= 0x7fffffff;
      f.payload = in.substr(9, length);
      frames.push_back(std::move(f));
      in.erase(0, 9 + length);
    }
  }
  return frames;
}

const Frame* find_frame(const std::vector<Frame>& frames, std::uint8_t type, std::uint32_t stream) {
  for (const auto& f : frames)
    if (f.type == type && f.stream == stream) return &f;
  return nullptr;
}

// An Edge and a Server whose options the test sets (limits, timeouts), on 127.0.0.1:0.
struct TunedEdge {
  std::unique_ptr<Edge> edge;
  std::unique_ptr<Server> server;
  std::uint16_t port = 0;
  TunedEdge(std::shared_ptr<const model::Network> network, EdgeOptions options,
            const std::function<void(ServerOptions&)>& tune) {
    edge = std::make_unique<Edge>(std::move(network), options);
    ServerOptions so;
    Listen l;
    l.address = loopback(0, l.length);
    l.text = "127.0.0.1:0";
    so.listen.push_back(l);
    tune(so);
    server = std::make_unique<Server>(so, *edge, [](const std::string&) {});
    std::string error;
    if (!server->start(error)) std::abort();
    const auto b = server->bound().at(0);
    port = static_cast<std::uint16_t>(std::stoi(b.substr(b.rfind(':') + 1)));
  }
  ~TunedEdge() {
    server->stop();
    server.reset();
    edge.reset();
  }
};

bool has_field(const Response& r, std::string_view name) {
  return find_header(r.headers, name) != nullptr;
}

// ---- tests -------------------------------------------------------------------------------------

// cloudfront.md §6 over HTTP/2: a miss, then a hit from the cache on the same connection, one
// origin request; the reply carries no connection-specific field (RFC 9113 §8.2.2) and its field
// names are lowercase (§8.2.1; nghttp2's client would reset the stream otherwise).
TEST(H2, MissThenHitOnOneConnection) {
  ScriptedOrigin origin([](const Request&, int n) {
    return ok("hello " + std::to_string(n),
              {{"Cache-Control", "max-age=60"}, {"Connection", "keep-alive"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  H2Client c(edge.port());
  auto first = c.get("/index.html");
  EXPECT_EQ(first.error, 0u);
  EXPECT_EQ(first.response.status, 200);
  EXPECT_EQ(first.response.body, "hello 1");
  EXPECT_EQ(header(first.response, "x-cache"), "Miss from cloudfront");
  EXPECT_EQ(header(first.response, "content-length"), "7");
  EXPECT_FALSE(has_field(first.response, "connection"));
  EXPECT_FALSE(has_field(first.response, "keep-alive"));
  auto second = c.get("/index.html");
  EXPECT_EQ(second.response.body, "hello 1");
  EXPECT_EQ(header(second.response, "x-cache"), "Hit from cloudfront");
  EXPECT_EQ(header(second.response, "age"), "0");
  EXPECT_EQ(origin.requests(), 1);
  // :authority is the Host the Edge routes by and forwards (RFC 9113 §8.3.1).
  ASSERT_EQ(origin.seen().size(), 1u);
  EXPECT_EQ(origin.seen()[0].path, "/index.html");
}

// RFC 9113 §5.1.2 and §5.3: many streams at once on one connection; replies come back in
// whatever order the origin and the cache produce them, each on its own stream.
TEST(H2, ManyConcurrentStreamsOnOneConnection) {
  ScriptedOrigin origin([](const Request& q, int) {
    return ok("object " + q.path, {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  H2Client c(edge.port());
  constexpr int kStreams = 150;  // more than SETTINGS_MAX_CONCURRENT_STREAMS: the client queues
  for (int round = 0; round < 2; ++round) {
    std::vector<std::int32_t> ids;
    for (int i = 0; i < kStreams; ++i) ids.push_back(c.submit("GET", "/obj/" + std::to_string(i)));
    ASSERT_TRUE(c.run());
    for (int i = 0; i < kStreams; ++i) {
      const auto& a = c.answer(ids[static_cast<std::size_t>(i)]);
      EXPECT_EQ(a.response.status, 200);
      EXPECT_EQ(a.response.body, "object /obj/" + std::to_string(i));
      EXPECT_EQ(header(a.response, "x-cache"),
                round == 0 ? "Miss from cloudfront" : "Hit from cloudfront");
    }
  }
  EXPECT_EQ(origin.requests(), kStreams);
}

// RFC 9113 §5.1.2: a stream beyond SETTINGS_MAX_CONCURRENT_STREAMS is refused (RST_STREAM
// REFUSED_STREAM); the streams already open are answered. (Here the client has not acknowledged
// the SETTINGS yet, RFC 9113 §6.5.3; once it has, nghttp2 makes the excess a connection error,
// which §5.4.1 allows.)
TEST(H2, StreamsBeyondTheConcurrencyLimitAreRefused) {
  Gate gate;
  ScriptedOrigin origin([&gate](const Request&, int) {
    gate.future.wait();
    return ok("slow", {{"Cache-Control", "max-age=60"}});
  });
  TunedEdge edge(network_with(0, 86400, 31536000), options_for(origin),
                 [](ServerOptions& so) { so.h2_max_concurrent_streams = 4; });
  const int fd = connect_to(edge.port);
  std::string out(kPreface);
  out += frame(kSettings, 0, 0, "");
  ASSERT_TRUE(send_all(fd, out));
  bool closed = false;
  // The server's SETTINGS first (RFC 9113 §3.4).
  read_frames(fd, closed, [](const auto& f) { return !f.empty(); });
  out.clear();
  for (std::uint32_t id = 1; id <= 9; id += 2)
    out += frame(kHeaders, kEndStream | kEndHeaders, id, get_block("/slow"));
  ASSERT_TRUE(send_all(fd, out));
  auto frames = read_frames(fd, closed,
                            [](const auto& f) { return find_frame(f, kRstStream, 9) != nullptr; });
  const Frame* refused = find_frame(frames, kRstStream, 9);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->code(), static_cast<std::uint32_t>(NGHTTP2_REFUSED_STREAM));
  gate.release();
  frames = read_frames(fd, closed, [](const auto& f) {
    int ended = 0;
    for (const auto& x : f) ended += x.type == kData && (x.flags & kEndStream);
    return ended == 4;
  });
  for (std::uint32_t id = 1; id <= 7; id += 2)
    EXPECT_NE(find_frame(frames, kHeaders, id), nullptr) << id;
  close(fd);
}

// RFC 9110 §9.3.2 over HTTP/2: HEAD of a cached object has the GET's content-length and no
// DATA (nghttp2's client checks that a HEAD response carries none, RFC 9113 §8.1.1).
TEST(H2, HeadHasTheLengthAndNoBody) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("twelve bytes", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  H2Client c(edge.port());
  EXPECT_EQ(c.get("/h").response.body, "twelve bytes");
  auto head = c.get("/h", {}, "HEAD");
  EXPECT_EQ(head.error, 0u);
  EXPECT_EQ(head.response.status, 200);
  EXPECT_EQ(header(head.response, "x-cache"), "Hit from cloudfront");
  EXPECT_EQ(header(head.response, "content-length"), "12");
  EXPECT_EQ(head.response.body, "");
}

// cloudfront.md §12 over HTTP/2: a 206 cut from the cached object, and a 100 KB object whose body
// is sent from the cache by reference across DATA frames and flow-control windows (RFC 9113
// §5.2: the client's initial window is 65,535 bytes).
TEST(H2, RangesAndLargeBodiesFromTheCache) {
  std::string big(100 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  ScriptedOrigin origin([&big](const Request& q, int) {
    return ok(q.path == "/big" ? big : "0123456789", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  H2Client c(edge.port());
  EXPECT_EQ(c.get("/small").response.body, "0123456789");
  auto part = c.get("/small", {{"range", "bytes=2-5"}});
  EXPECT_EQ(part.response.status, 206);
  EXPECT_EQ(part.response.body, "2345");
  EXPECT_EQ(header(part.response, "content-range"), "bytes 2-5/10");
  EXPECT_EQ(header(part.response, "content-length"), "4");
  auto whole = c.get("/big");
  EXPECT_EQ(whole.response.body, big);
  auto hit = c.get("/big");
  EXPECT_EQ(header(hit.response, "x-cache"), "Hit from cloudfront");
  EXPECT_EQ(hit.response.body, big);
  auto slice = c.get("/big", {{"range", "bytes=10000-59999"}});
  EXPECT_EQ(slice.response.status, 206);
  EXPECT_EQ(slice.response.body, big.substr(10000, 50000));
  EXPECT_EQ(origin.requests(), 2);
}

// One port, both protocols: a connection is HTTP/2 only if it opens with the preface
// (RFC 9113 §3.3); HTTP/1.1 keep-alive connections beside it are unaffected.
TEST(H2, Http11StillServedOnTheSamePort) {
  ScriptedOrigin origin([](const Request&, int n) {
    return ok(std::to_string(n), {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client h1(edge.port());
  H2Client h2(edge.port());
  EXPECT_EQ(h1.get("/a")->body, "1");
  EXPECT_EQ(h2.get("/a").response.body, "1");
  EXPECT_EQ(header(*h1.get("/a"), "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(h2.get("/b").response.body, "2");
}

// RFC 7540 §3.2: `Upgrade: h2c` switches the connection after a 101; the request is answered as
// stream 1, and the connection goes on as HTTP/2.
TEST(H2, UpgradeFromHttp11) {
  ScriptedOrigin origin([](const Request& q, int) {
    return ok("at " + q.path, {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  H2Client c(edge.port(), "/up");
  EXPECT_EQ(c.upgrade_status(), "HTTP/1.1 101 Switching Protocols");
  ASSERT_TRUE(c.run());
  EXPECT_EQ(c.answer(1).response.status, 200);
  EXPECT_EQ(c.answer(1).response.body, "at /up");
  EXPECT_EQ(c.get("/next").response.body, "at /next");
  ASSERT_EQ(origin.seen().size(), 2u);
  EXPECT_FALSE(find_header(origin.seen()[0].headers, "HTTP2-Settings"));
}

// RFC 7540 §3.2: after the 101 the client sends its preface; stream 1's answer waits for it (curl
// 7.88 fails when more than 32 KB of HTTP/2 data arrives with the 101).
TEST(H2, UpgradeAnswerWaitsForThePreface) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok(std::string(100000, 'u'), {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  EXPECT_EQ(H2Client(edge.port()).get("/cached").response.body.size(), 100000u);
  const int fd = connect_to(edge.port());
  ASSERT_TRUE(send_all(
      fd,
      "GET /cached HTTP/1.1\r\nHost: www.example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n"));
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pf{fd, POLLIN, 0};
    if (poll(&pf, 1, 20) <= 0) continue;
    char buf[65536];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ASSERT_TRUE(got.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  // The 101 and the server's SETTINGS frame, nothing for stream 1 yet.
  const std::string frames = got.substr(got.find("\r\n\r\n") + 4);
  ASSERT_GE(frames.size(), 9u);
  EXPECT_EQ(frames[3], static_cast<char>(kSettings));
  EXPECT_EQ(frames.size(), 9u + ((static_cast<std::uint8_t>(frames[1]) << 8) |
                                 static_cast<std::uint8_t>(frames[2])));
  ASSERT_TRUE(send_all(fd, std::string(kPreface) + frame(kSettings, 0, 0, "")));
  bool closed = false;
  auto after =
      read_frames(fd, closed, [](const auto& f) { return find_frame(f, kData, 1) != nullptr; });
  EXPECT_NE(find_frame(after, kHeaders, 1), nullptr);
  EXPECT_NE(find_frame(after, kData, 1), nullptr);
  close(fd);
}

// RFC 9113 §3.4: the preface must be followed by a SETTINGS frame; anything else is a
// connection error (§5.4.1: GOAWAY, then close). Other viewers do not notice.
TEST(H2, GarbageAfterThePrefaceGetsGoaway) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("fine", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client h1(edge.port());
  EXPECT_EQ(h1.get("/x")->body, "fine");
  const int fd = connect_to(edge.port());
  ASSERT_TRUE(
      send_all(fd, std::string(kPreface) + "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"));
  bool closed = false;
  auto frames = read_frames(fd, closed, [](const auto&) { return false; });
  EXPECT_TRUE(closed);
  const Frame* goaway = find_frame(frames, kGoaway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_NE(goaway->code(), static_cast<std::uint32_t>(NGHTTP2_NO_ERROR));
  close(fd);
  EXPECT_EQ(h1.get("/x")->body, "fine");
  EXPECT_EQ(H2Client(edge.port()).get("/x").response.body, "fine");
}

// RFC 9113 §8.3.1: a request without :path is malformed, a stream error (§8.1.1: RST_STREAM
// PROTOCOL_ERROR); the connection and its other streams go on.
TEST(H2, HeadersWithoutPathResetOnlyThatStream) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("fine", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client h1(edge.port());
  const int fd = connect_to(edge.port());
  std::string out(kPreface);
  out += frame(kSettings, 0, 0, "");
  out += frame(kHeaders, kEndStream | kEndHeaders, 1,
               hpack({{":method", "GET"}, {":scheme", "http"}, {":authority", "www.example.com"}}));
  out += frame(kHeaders, kEndStream | kEndHeaders, 3, get_block("/ok"));
  ASSERT_TRUE(send_all(fd, out));
  bool closed = false;
  auto frames = read_frames(fd, closed, [](const auto& f) {
    for (const auto& x : f)
      if (x.stream == 3 && (x.flags & kEndStream)) return true;
    return false;
  });
  const Frame* reset = find_frame(frames, kRstStream, 1);
  ASSERT_NE(reset, nullptr);
  EXPECT_EQ(reset->code(), static_cast<std::uint32_t>(NGHTTP2_PROTOCOL_ERROR));
  EXPECT_NE(find_frame(frames, kHeaders, 3), nullptr);
  EXPECT_EQ(find_frame(frames, kGoaway, 0), nullptr);
  EXPECT_FALSE(closed);
  EXPECT_EQ(h1.get("/ok")->body, "fine");
  close(fd);
}

// cloudfront.md §2 over HTTP/2, as for HTTP/1.1: a URL over 8,192 bytes is a 414, a header
// section over 20,480 bytes a 494 (SETTINGS_MAX_HEADER_LIST_SIZE is advisory, RFC 9113 §6.5.2);
// the stream gets the error, the connection goes on.
TEST(H2, OversizeRequestsAnsweredLikeHttp11) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("fine", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client h1(edge.port());
  H2Client c(edge.port());
  auto long_url = c.get("/" + std::string(9000, 'u'));
  EXPECT_EQ(long_url.response.status, 414);
  EXPECT_EQ(header(long_url.response, "x-cache"), "Error from cloudfront");
  auto big_header = c.get("/x", {{"x-big", std::string(30000, 'h')}});
  EXPECT_EQ(big_header.response.status, 494);
  Headers many;
  for (int i = 0; i < 40; ++i)
    many.push_back({"x-field-" + std::to_string(i), std::string(1000, 'v')});
  EXPECT_EQ(c.get("/x", many).response.status, 494);
  EXPECT_EQ(c.get("/x").response.body, "fine");
  EXPECT_EQ(h1.get("/x")->body, "fine");
  EXPECT_EQ(origin.requests(), 1);
}

// A header section split over HEADERS and CONTINUATION frames (RFC 9113 §6.10) and larger than
// 20,480 bytes is a 494 on its stream, like one in a single frame.
TEST(H2, OversizeHeaderBlockOverContinuationsIs494) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("fine", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  const int fd = connect_to(edge.port());
  std::string out(kPreface);
  out += frame(kSettings, 0, 0, "");
  const std::string block = hpack({{":method", "GET"},
                                   {":scheme", "http"},
                                   {":authority", "www.example.com"},
                                   {":path", "/x"},
                                   {"x-huge", std::string(60000, 'z')}});
  // Frames of at most 16,384 bytes (SETTINGS_MAX_FRAME_SIZE's initial value, RFC 9113 §6.5.2).
  for (std::size_t at = 0; at < block.size(); at += 16384) {
    const bool first = at == 0, last = at + 16384 >= block.size();
    out += frame(first ? kHeaders : kContinuation,
                 static_cast<std::uint8_t>((first ? kEndStream : 0) | (last ? kEndHeaders : 0)), 1,
                 std::string_view(block).substr(at, 16384));
  }
  ASSERT_TRUE(send_all(fd, out));
  bool closed = false;
  auto frames = read_frames(fd, closed, [](const auto& f) {
    for (const auto& x : f)
      if (x.stream == 1 && (x.flags & kEndStream)) return true;
    return false;
  });
  const Frame* body = find_frame(frames, kData, 1);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->payload, "the request headers are larger than 20,480 bytes\n");
  EXPECT_FALSE(closed);
  close(fd);
  EXPECT_EQ(origin.requests(), 0);
}

// A header block that never ends (CONTINUATION after CONTINUATION, CVE-2024-28182) ends that
// connection, and only that one: nghttp2's limit on CONTINUATION frames stays on.
TEST(H2, ContinuationFloodEndsOnlyThatConnection) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("fine", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  Client h1(edge.port());
  H2Client other(edge.port());
  EXPECT_EQ(other.get("/x").response.body, "fine");
  const int fd = connect_to(edge.port());
  std::string out(kPreface);
  out += frame(kSettings, 0, 0, "");
  out += frame(kHeaders, kEndStream, 1, get_block("/x"));
  const std::string field = hpack({{"x-more", std::string(50, 'c')}});
  for (int i = 0; i < 200; ++i) out += frame(kContinuation, 0, 1, field);
  send_all(fd, out);
  bool closed = false;
  auto frames = read_frames(fd, closed, [](const auto&) { return false; });
  EXPECT_TRUE(closed);
  EXPECT_EQ(find_frame(frames, kHeaders, 1), nullptr);
  close(fd);
  EXPECT_EQ(h1.get("/x")->body, "fine");
  EXPECT_EQ(other.get("/x").response.body, "fine");
}

// cloudfront.md §2: a body over the limit is a 413, whether declared by content-length or found
// while it arrives; RFC 9113 §8.1: after the complete answer, RST_STREAM NO_ERROR asks the client
// to stop sending.
TEST(H2, BodyOverTheLimitIs413) {
  ScriptedOrigin origin([](const Request&, int) { return ok("fine"); });
  TunedEdge edge(network_with(0, 86400, 31536000), options_for(origin),
                 [](ServerOptions& so) { so.limits.max_body = 1024; });
  H2Client c(edge.port);
  const auto declared =
      c.submit("POST", "/upload", {{"content-length", "4096"}}, std::string(4096, 'b'));
  const auto undeclared = c.submit("POST", "/upload", {}, std::string(4096, 'b'));
  const auto small = c.submit("GET", "/fine");
  ASSERT_TRUE(c.run());
  EXPECT_EQ(c.answer(declared).response.status, 413);
  EXPECT_EQ(c.answer(undeclared).response.status, 413);
  EXPECT_EQ(c.answer(small).response.body, "fine");
  EXPECT_EQ(origin.requests(), 1);
}

// A reply that arrives after its stream was reset (RST_STREAM CANCEL, RFC 9113 §6.4) or after the
// connection closed is dropped; the connection and the server go on.
TEST(H2, RepliesAfterResetOrCloseAreDropped) {
  Gate gate;
  ScriptedOrigin origin([&gate](const Request& q, int) {
    if (q.path != "/fast") gate.future.wait();
    return ok("late", {{"Cache-Control", "no-store"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  H2Client c(edge.port());
  const auto slow = c.submit("GET", "/slow");
  {
    H2Client gone(edge.port());
    gone.submit("GET", "/slow-too");
    gone.run(300ms);
  }  // closed with its stream open
  c.run(300ms);
  c.reset(slow);
  ASSERT_TRUE(c.run());
  EXPECT_EQ(c.answer(slow).error, static_cast<std::uint32_t>(NGHTTP2_CANCEL));
  gate.release();
  // The origin has answered both; their replies found nobody.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (origin.requests() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(c.get("/fast").response.body, "late");
}

// Idle HTTP/2 connections are closed after the idle timeout as HTTP/1.1's are, with GOAWAY
// NO_ERROR first (RFC 9113 §6.8, §9.1).
TEST(H2, IdleConnectionGetsGoawayAndIsClosed) {
  ScriptedOrigin origin([](const Request&, int) { return ok("x"); });
  TunedEdge edge(network_with(0, 86400, 31536000), options_for(origin),
                 [](ServerOptions& so) { so.idle_timeout = 200ms; });
  const int fd = connect_to(edge.port);
  ASSERT_TRUE(send_all(fd, std::string(kPreface) + frame(kSettings, 0, 0, "")));
  bool closed = false;
  auto frames = read_frames(
      fd, closed, [](const auto&) { return false; }, 5s);
  EXPECT_TRUE(closed);
  const Frame* goaway = find_frame(frames, kGoaway, 0);
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->code(), static_cast<std::uint32_t>(NGHTTP2_NO_ERROR));
  close(fd);
}

// cloudfront.md §6 (AccessLogs.html): cs-protocol-version is HTTP/2.0 for requests over HTTP/2.
TEST(H2, AccessLogSaysHttp20) {
  ScriptedOrigin origin([](const Request&, int) {
    return ok("x", {{"Cache-Control", "max-age=60"}});
  });
  const std::string log =
      ::testing::TempDir() + "h2_access_log_" + std::to_string(getpid()) + ".log";
  std::remove(log.c_str());
  auto options = options_for(origin);
  options.access_log = log;
  {
    RunningEdge edge(network_with(0, 86400, 31536000), options);
    H2Client(edge.port()).get("/logged");
    Client(edge.port()).get("/logged");
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(log.c_str());
  EXPECT_NE(text.str().find("\tHTTP/2.0\t"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("\tHTTP/1.1\t"), std::string::npos) << text.str();
}

// An independent client: curl with --http2-prior-knowledge (skipped when curl is absent).
TEST(H2, CurlWithPriorKnowledge) {
  if (std::system("curl --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no curl";
  ScriptedOrigin origin([](const Request&, int) {
    return ok("from curl", {{"Cache-Control", "max-age=60"}});
  });
  RunningEdge edge(network_with(0, 86400, 31536000), options_for(origin));
  const std::string command =
      "curl -sS --max-time 10 --http2-prior-knowledge -H 'Host: www.example.com' "
      "-w ' %{http_version} %{http_code}' http://127.0.0.1:" +
      std::to_string(edge.port()) + "/c 2>&1";
  std::FILE* p = popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) output += buf;
  pclose(p);
  EXPECT_EQ(output, "from curl 2 200");
}

}  // namespace
}  // namespace cloudtwin::cdn
