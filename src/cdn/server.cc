// The edge's HTTP/1.1 and HTTP/2 server (server.h).
#include "cloudtwin/cdn/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "h2_session.h"

namespace cloudtwin::cdn {

namespace {

using Clock = std::chrono::steady_clock;

std::string address_text(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (a.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
  } else if (a.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
  }
  return buf;
}

std::uint16_t port_of(const sockaddr_storage& a) {
  return ntohs(a.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(a).sin_port
                                      : reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
}

int listen_socket(const sockaddr_storage& a, socklen_t len, std::string& error) {
  int fd = socket(a.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (a.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&a), len) < 0 || listen(fd, 1024) < 0) {
    error = std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

struct Conn {
  int fd = -1;
  std::uint64_t id = 0;
  std::size_t pop = 0;
  bool admin = false;
  std::string peer;
  RequestParser parser;
  std::string in;
  std::string out_head;
  std::shared_ptr<const CachedObject> out_object;
  std::string out_body;
  std::string_view out_view;  // what is sent after the head: in out_object or out_body
  std::size_t out_sent = 0;
  bool sending_body = false;
  bool waiting = false;
  bool close_after = false;
  bool want_write = false;
  bool sniffed = false;           // the first bytes were looked at for the HTTP/2 preface
  std::unique_ptr<H2Session> h2;  // set once the connection speaks HTTP/2
  Clock::time_point last_activity = Clock::now();
  Clock::time_point request_started = Clock::now();
  explicit Conn(RequestLimits limits) : parser(limits) {}
  [[nodiscard]] bool has_output() const { return h2 ? h2->has_output() : !out_head.empty(); }
};

// A reply from a fetcher thread: for connection `conn` (HTTP/2: its stream `stream`).
struct Mail {
  std::uint64_t conn = 0;
  std::int32_t stream = 0;  // 0: HTTP/1.1
  Reply reply;
};

// Where fetcher threads leave replies for a worker. Shared with every pending callback, so a
// reply that comes after stop() finds it (closed: the reply is dropped) rather than a freed
// Worker.
struct Mailbox {
  std::mutex mutex;
  std::vector<Mail> mail;
  bool closed = false;
  int wake = -1;  // eventfd: there is mail, or stop
  Mailbox() : wake(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Mailbox() {
    if (wake >= 0) close(wake);
  }
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;
  void post(Mail m) {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      mail.push_back(std::move(m));
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = write(wake, &one, sizeof one);
  }
};

struct Server::Worker {
  unsigned index = 0;
  int epoll = -1;
  int wake = -1;  // mailbox->wake
  std::vector<int> listeners;
  std::vector<std::size_t> listener_of;  // index into options.listen
  std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns;
  std::uint64_t next_id = 1;
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();
  std::thread thread;
  std::thread::id thread_id;
};

Server::Server(ServerOptions options, Edge& edge, Log log)
    : options_(std::move(options)), edge_(edge), log_(std::move(log)) {}

Server::~Server() { stop(); }

bool Server::start(std::string& error) {
  const unsigned n = std::max(1u, options_.threads);
  std::vector<sockaddr_storage> actual;
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    w->epoll = epoll_create1(EPOLL_CLOEXEC);
    w->wake = w->mailbox->wake;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = 0;  // 0: the wake eventfd
    epoll_ctl(w->epoll, EPOLL_CTL_ADD, w->wake, &ev);
    for (std::size_t l = 0; l < options_.listen.size(); ++l) {
      const auto& spec = options_.listen[l];
      sockaddr_storage a = i == 0 ? spec.address : actual[l];
      std::string why;
      int fd = listen_socket(a, spec.length, why);
      if (fd < 0) {
        error = "cannot listen on " + spec.text + ": " + why;
        workers_.push_back(std::move(w));
        stop();
        return false;
      }
      if (i == 0) {
        sockaddr_storage got{};
        socklen_t len = sizeof got;
        getsockname(fd, reinterpret_cast<sockaddr*>(&got), &len);
        actual.push_back(got);
        const std::string host = address_text(got);
        bound_.push_back((got.ss_family == AF_INET6 ? "[" + host + "]" : host) + ":" +
                         std::to_string(port_of(got)));
      }
      ev.events = EPOLLIN;
      ev.data.u64 = 1 + l;  // 1..listen.size(): listeners
      epoll_ctl(w->epoll, EPOLL_CTL_ADD, fd, &ev);
      w->listeners.push_back(fd);
      w->listener_of.push_back(l);
    }
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) {
    Worker* wp = w.get();
    w->thread = std::thread([this, wp] { run(*wp); });
  }
  return true;
}

void Server::stop() {
  stopping_ = true;
  for (auto& w : workers_) {
    if (w->wake >= 0) {
      std::uint64_t one = 1;
      [[maybe_unused]] auto n = write(w->wake, &one, sizeof one);
    }
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
    for (int fd : w->listeners) close(fd);
    for (auto& [id, c] : w->conns) close(c->fd);
    w->conns.clear();
    if (w->epoll >= 0) close(w->epoll);
    {
      std::lock_guard lock(w->mailbox->mutex);
      w->mailbox->closed = true;
      w->mailbox->mail.clear();
    }
    w->epoll = w->wake = -1;
    w->listeners.clear();
  }
  workers_.clear();
}

std::vector<std::string> Server::bound() const { return bound_; }

namespace {

constexpr std::uint64_t kConnBase = 1ull << 32;  // epoll tags at or above this are connections

void serialise(Conn& c, Reply&& r, bool keep_alive) {
  c.out_head.clear();
  c.out_sent = 0;
  c.sending_body = false;
  const bool bodiless = r.status == 304 || r.status == 204 || (r.status >= 100 && r.status < 200);
  const std::string_view body = r.body_view();
  Headers& h = r.headers;
  if (!bodiless) h.push_back({"Content-Length", std::to_string(r.length.value_or(body.size()))});
  if (!keep_alive || r.close) {
    h.push_back({"Connection", "close"});
    c.close_after = true;
  }
  write_status_and_headers(c.out_head, r.status, r.reason, h);
  if (bodiless || r.head || body.empty()) {
    c.out_object.reset();
    c.out_body.clear();
    c.out_view = {};
  } else if (r.object) {
    c.out_object = std::move(r.object);
    c.out_body.clear();
    c.out_view = std::string_view(c.out_object->body).substr(r.slice_offset, r.slice_length);
  } else {
    c.out_object.reset();
    c.out_body = std::move(r.body);
    c.out_view = c.out_body;
  }
}

std::string_view out_body(const Conn& c) { return c.out_view; }

// Writes what it can; true when everything was sent.
bool flush(Conn& c, bool& dead) {
  while (c.has_output()) {
    const std::string_view body = out_body(c);
    iovec iov[2];
    int count = 0;
    std::size_t head_left = 0;
    if (c.out_sent < c.out_head.size()) {
      head_left = c.out_head.size() - c.out_sent;
      iov[count++] = {const_cast<char*>(c.out_head.data() + c.out_sent), head_left};
      if (!body.empty()) iov[count++] = {const_cast<char*>(body.data()), body.size()};
    } else {
      const std::size_t off = c.out_sent - c.out_head.size();
      iov[count++] = {const_cast<char*>(body.data() + off), body.size() - off};
    }
    ssize_t n = writev(c.fd, iov, count);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
      if (errno == EINTR) continue;
      dead = true;
      return false;
    }
    c.out_sent += static_cast<std::size_t>(n);
    if (c.out_sent >= c.out_head.size() + body.size()) {
      c.out_head.clear();
      c.out_object.reset();
      c.out_body.clear();
      c.out_view = {};
      c.out_sent = 0;
    }
  }
  return true;
}

Reply admin_reply(Edge& edge, const Request& q) {
  Reply r;
  r.headers.push_back({"Content-Type", "application/json"});
  if (q.path == "/stats" && q.method == "GET") {
    r.body = edge.stats_json() + "\n";
  } else if (q.path == "/metrics" && q.method == "GET") {
    r.headers[0].value = "text/plain; version=0.0.4";
    r.body = edge.metrics_text();
  } else if (q.path == "/invalidate" && q.method == "POST") {
    // Body: the distribution on the first line, then one path per line.
    std::vector<std::string> lines;
    std::istringstream in(q.body);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) lines.push_back(line);
    }
    std::string error;
    long removed = -1;
    if (lines.size() < 2) {
      error = "the body must name the distribution, then one path per line";
    } else {
      removed = edge.invalidate(lines[0], {lines.begin() + 1, lines.end()}, error);
    }
    if (removed < 0) {
      r.status = 400;
      std::string escaped;
      for (char ch : error) {
        if (ch == '"' || ch == '\\') escaped += '\\';
        escaped += ch;
      }
      r.body = "{\"error\":\"" + escaped + "\"}\n";
    } else {
      r.body = "{\"status\":\"Completed\",\"removed\":" + std::to_string(removed) + "}\n";
    }
  } else {
    r.status = 404;
    r.body = "{\"error\":\"GET /stats, GET /metrics or POST /invalidate\"}\n";
  }
  return r;
}

}  // namespace

void Server::run(Worker& w) {
  w.thread_id = std::this_thread::get_id();
  const H2Options h2_options{options_.limits, options_.h2_max_concurrent_streams};
  epoll_event events[256];
  auto last_sweep = Clock::now();

  const auto close_conn = [&](std::uint64_t id) {
    auto it = w.conns.find(id);
    if (it == w.conns.end()) return;
    close(it->second->fd);
    w.conns.erase(it);
  };

  const auto want = [&](Conn& c, bool write) {
    if (c.want_write == write) return;
    c.want_write = write;
    epoll_event ev{};
    ev.events = EPOLLIN | (write ? EPOLLOUT : 0u);
    ev.data.u64 = kConnBase + c.id;
    epoll_ctl(w.epoll, EPOLL_CTL_MOD, c.fd, &ev);
  };

  // Hands `q` to the Edge. A reply during handle() is returned at once; a later one (from a
  // fetcher thread) comes through the mailbox, for this connection and `stream`.
  const auto dispatch = [&](Conn& c, Request q, std::int32_t stream,
                            bool keep_alive) -> std::optional<Reply> {
    if (c.admin) return admin_reply(edge_, q);
    const std::uint64_t id = c.id;
    const auto worker_thread = w.thread_id;
    std::shared_ptr<Mailbox> mailbox = w.mailbox;
    Viewer viewer{c.peer, false};
    struct Sync {
      std::atomic<bool> open{true};
      bool answered = false;
      Reply reply;
    };
    auto sync = std::make_shared<Sync>();
    edge_.handle(c.pop, std::move(q), viewer,
                 [sync, mailbox, worker_thread, id, stream, keep_alive](Reply r) mutable {
                   if (sync->open.load() && std::this_thread::get_id() == worker_thread) {
                     sync->reply = std::move(r);
                     sync->answered = true;
                     return;
                   }
                   if (!keep_alive) r.close = true;
                   mailbox->post({id, stream, std::move(r)});
                 });
    sync->open = false;
    if (sync->answered) return std::move(sync->reply);
    return std::nullopt;
  };

  // Writes what the HTTP/2 session has ready, and closes the connection once the session is over
  // (GOAWAY sent after an error, or a fatal error). false: the connection is gone.
  const auto flush_h2 = [&](Conn& c) -> bool {
    for (;;) {
      const bool alive = c.h2->produce();
      if (!c.h2->has_output()) {
        if (!alive) break;
        want(c, false);
        if (!c.h2->finished()) return true;
        break;
      }
      iovec iov[64];
      const int count = c.h2->gather(iov, 64);
      const ssize_t n = writev(c.fd, iov, count);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && alive && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        want(c, true);
        return true;
      }
      if (n < 0) break;
      c.h2->consumed(static_cast<std::size_t>(n));
    }
    close_conn(c.id);
    return false;
  };

  // Feeds what arrived to the HTTP/2 session, hands the requests it completed to the Edge (the
  // replies may come back in any order: each names its stream), and writes what is ready.
  const auto pump_h2 = [&](Conn& c) {
    if (!c.in.empty()) {
      const bool ok = c.h2->receive(c.in.data(), c.in.size());
      c.in.clear();
      if (!ok) {
        flush_h2(c);  // what nghttp2 queued (a GOAWAY), then the connection closes
        return;
      }
    }
    rejected_ += c.h2->take_rejected();
    for (auto& incoming : c.h2->take_requests()) {
      if (auto reply = dispatch(c, std::move(incoming.request), incoming.stream, true))
        c.h2->reply(incoming.stream, std::move(*reply));
    }
    flush_h2(c);
  };

  // Parses and dispatches buffered requests until one waits, output backs up, or input ends.
  std::function<void(Conn&)> pump;
  const auto deliver = [&](Conn& c, Reply&& r, bool keep_alive) {
    serialise(c, std::move(r), keep_alive);
    c.waiting = false;
    bool dead = false;
    const bool done = flush(c, dead);
    if (dead) {
      close_conn(c.id);
      return;
    }
    if (!done) {
      want(c, true);
      return;
    }
    want(c, false);
    if (c.close_after) {
      close_conn(c.id);
      return;
    }
    pump(c);
  };

  pump = [&](Conn& c) {
    if (c.h2) {
      pump_h2(c);
      return;
    }
    if (!c.sniffed) {
      // RFC 9113 §3.3: a client that knows the server speaks HTTP/2 starts with the preface.
      if (c.in.size() < kH2Preface.size() && kH2Preface.starts_with(c.in)) return;
      c.sniffed = true;
      if (c.in.starts_with(kH2Preface)) {
        c.h2 = std::make_unique<H2Session>(h2_options);
        pump_h2(c);
        return;
      }
    }
    while (!c.waiting && !c.has_output() && !c.close_after) {
      if (!c.parser.ready()) {
        if (c.in.empty()) return;
        const std::size_t used = c.parser.feed(c.in.data(), c.in.size());
        c.in.erase(0, used);
      }
      if (c.parser.failed()) {
        Reply r;
        r.status = c.parser.error_status();
        r.headers.push_back({"Server", "CloudFront"});
        r.headers.push_back({"Content-Type", "text/plain"});
        r.headers.push_back({"X-Cache", "Error from cloudfront"});
        r.body = c.parser.error() + "\n";
        ++rejected_;
        deliver(c, std::move(r), false);
        return;
      }
      if (!c.parser.ready()) {
        if (!c.parser.in_message()) c.request_started = Clock::now();
        return;
      }
      Request q = c.parser.next();
      c.request_started = Clock::now();
      // RFC 7540 §3.2 (h2c upgrade): the request is answered as stream 1 of an HTTP/2 session.
      // Nothing else is outstanding here: requests are taken one at a time.
      if (auto settings = H2Session::upgrade_settings(q)) {
        auto h2 = std::make_unique<H2Session>(h2_options);
        if (h2->upgrade(q, *settings)) {
          c.h2 = std::move(h2);
          c.sniffed = true;
          pump_h2(c);
          return;
        }
      }
      const bool keep_alive = q.keep_alive;
      c.waiting = true;
      if (auto reply = dispatch(c, std::move(q), 0, keep_alive)) {
        deliver(c, std::move(*reply), keep_alive);
        return;  // deliver() pumps again
      }
      return;  // waiting for the mailbox
    }
  };

  while (!stopping_) {
    const int n = epoll_wait(w.epoll, events, 256, 1000);
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == 0) {
        std::uint64_t v;
        [[maybe_unused]] auto r = read(w.wake, &v, sizeof v);
        std::vector<Mail> replies;
        {
          std::lock_guard lock(w.mailbox->mutex);
          replies.swap(w.mailbox->mail);
        }
        std::vector<std::uint64_t> h2_touched;  // written once, after every reply is in
        for (auto& m : replies) {
          auto it = w.conns.find(m.conn);
          if (it == w.conns.end()) continue;  // the viewer left
          Conn& c = *it->second;
          if (c.h2) {
            // A stream reset meanwhile is not there any more: H2Session drops its reply.
            c.h2->reply(m.stream, std::move(m.reply));
            if (h2_touched.empty() || h2_touched.back() != m.conn) h2_touched.push_back(m.conn);
            continue;
          }
          if (m.stream != 0) continue;
          const bool keep_alive = !m.reply.close;
          deliver(c, std::move(m.reply), keep_alive);
        }
        for (auto id : h2_touched)
          if (auto it = w.conns.find(id); it != w.conns.end()) flush_h2(*it->second);
        continue;
      }
      if (tag < kConnBase) {
        const std::size_t l = w.listener_of[tag - 1];
        const int lfd = w.listeners[tag - 1];
        for (;;) {
          sockaddr_storage peer{};
          socklen_t len = sizeof peer;
          int fd =
              accept4(lfd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (fd < 0) break;
          if (w.conns.size() >= options_.max_connections) {
            close(fd);
            ++rejected_;
            continue;
          }
          int one = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto c = std::make_unique<Conn>(options_.limits);
          c->fd = fd;
          c->id = w.next_id++;
          c->pop = options_.listen[l].pop;
          c->admin = options_.listen[l].admin;
          c->peer = address_text(peer);
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u64 = kConnBase + c->id;
          epoll_ctl(w.epoll, EPOLL_CTL_ADD, fd, &ev);
          w.conns.emplace(c->id, std::move(c));
        }
        continue;
      }
      const std::uint64_t id = tag - kConnBase;
      auto it = w.conns.find(id);
      if (it == w.conns.end()) continue;
      Conn& c = *it->second;
      c.last_activity = Clock::now();
      if ((events[i].events & EPOLLOUT) && c.h2) {
        if (!flush_h2(c)) continue;
      } else if (events[i].events & EPOLLOUT) {
        bool dead = false;
        if (flush(c, dead)) {
          want(c, false);
          if (c.close_after) {
            close_conn(id);
            continue;
          }
          pump(c);
          if (!w.conns.contains(id)) continue;
        } else if (dead) {
          close_conn(id);
          continue;
        }
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        char buf[16384];
        bool closed = false;
        for (;;) {
          ssize_t got = read(c.fd, buf, sizeof buf);
          if (got > 0) {
            c.in.append(buf, static_cast<std::size_t>(got));
            if (c.in.size() > options_.limits.max_header_bytes + options_.limits.max_body + 65536)
              break;
            if (got < static_cast<ssize_t>(sizeof buf)) break;
            continue;
          }
          if (got < 0 && (errno == EAGAIN || errno == EINTR)) break;
          closed = true;
          break;
        }
        if (closed && c.h2) {
          // An HTTP/2 client closes when it is done (RFC 9113 has no half-closed connection).
          close_conn(id);
          continue;
        }
        if (closed && !c.waiting && !c.has_output() && c.in.empty()) {
          close_conn(id);
          continue;
        }
        if (closed && !c.waiting) {
          // Answer what is complete, then go.
          c.close_after = false;
          pump(c);
          if (w.conns.contains(id) && !w.conns[id]->waiting && !w.conns[id]->has_output())
            close_conn(id);
          continue;
        }
        pump(c);
      }
    }
    // Timeouts: idle keep-alive connections, and requests that do not complete (slowloris).
    const auto now = Clock::now();
    if (now - last_sweep >= std::chrono::milliseconds(500)) {
      last_sweep = now;
      std::vector<std::uint64_t> expired, expired_h2;
      for (auto& [id, c] : w.conns) {
        if (c->h2) {
          if (c->h2->awaiting() || c->h2->has_output()) continue;
          const auto oldest = c->h2->oldest_request();
          if (oldest ? now - *oldest > options_.request_timeout
                     : now - c->last_activity > options_.idle_timeout)
            expired_h2.push_back(id);
          continue;
        }
        if (c->waiting || c->has_output()) continue;
        const bool mid_request = c->parser.in_message() || !c->in.empty();
        if (mid_request ? now - c->request_started > options_.request_timeout
                        : now - c->last_activity > options_.idle_timeout)
          expired.push_back(id);
      }
      for (auto id : expired) close_conn(id);
      // HTTP/2: GOAWAY first (RFC 9113 §9.1), as much as the socket takes now.
      for (auto id : expired_h2) {
        Conn& c = *w.conns.at(id);
        c.h2->shutdown();
        if (flush_h2(c)) close_conn(id);
      }
    }
  }
}

}  // namespace cloudtwin::cdn
