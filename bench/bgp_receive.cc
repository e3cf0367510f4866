// The receiving side of bgp_bench.sh (issue 14): one hybrid::Speaker with one passive peer takes
// a full table, and the program prints how long it took and what it cost. Until `serve bgp`
// exists this is cloudtwin's BGP receiver under test; BIRD 2 is the sender and the reference.
//
//   bgp_receive [--listen ADDR] [--port P] [--peer ADDR] [--local-as N] [--peer-as N]
//               [--md5 KEY] [--prefixes N] [--wait-down SECONDS] [--timeout SECONDS]
//
// Prints `key=value` lines: `listening port=P` once bound; at End-of-RIB (or once N IPv4
// prefixes are in the Adj-RIB-In when --prefixes is given) the times from Established and from
// the start of main(), the prefix count, the process's CPU time, VmHWM and VmRSS; with --wait-down,
// when the session left Established and when the Adj-RIB-In was empty (wall-clock epoch seconds, to
// compare with the moment the sender was told to withdraw). Exit status 0 only when every wait
// succeeded.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "cloudtwin/hybrid/speaker.h"

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid;
using SteadyClock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

struct Options {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 0;
  std::string peer = "127.0.0.1";
  std::uint32_t local_asn = 64512;
  std::uint32_t peer_asn = 65000;
  std::string md5_key;
  std::size_t prefixes = 0;  // 0: wait for End-of-RIB
  double wait_down = 0;      // 0: exit after the table is in
  double timeout = 300;
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bgp_receive: %s needs a value\n", flag.c_str());
      return false;
    }
    const char* v = argv[++i];
    if (flag == "--listen") {
      o.listen = v;
    } else if (flag == "--port") {
      o.port = static_cast<std::uint16_t>(std::strtoul(v, nullptr, 10));
    } else if (flag == "--peer") {
      o.peer = v;
    } else if (flag == "--local-as") {
      o.local_asn = static_cast<std::uint32_t>(std::strtoul(v, nullptr, 10));
    } else if (flag == "--peer-as") {
      o.peer_asn = static_cast<std::uint32_t>(std::strtoul(v, nullptr, 10));
    } else if (flag == "--md5") {
      o.md5_key = v;
    } else if (flag == "--prefixes") {
      o.prefixes = std::strtoul(v, nullptr, 10);
    } else if (flag == "--wait-down") {
      o.wait_down = std::strtod(v, nullptr);
    } else if (flag == "--timeout") {
      o.timeout = std::strtod(v, nullptr);
    } else {
      std::fprintf(stderr, "bgp_receive: unknown option %s\n", flag.c_str());
      return false;
    }
  }
  return true;
}

// A /proc/self/status field in kB (VmHWM: peak resident set, VmRSS: current).
long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  std::size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') {
      return std::strtol(line.c_str() + n + 1, nullptr, 10);
    }
  }
  return -1;
}

// User plus system CPU time of the whole process so far: when it is well below the elapsed
// time, the receiver was waiting for the sender.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

double epoch(WallClock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// What the event callback saw; times are taken on the speaker's thread as the events arrive.
struct Progress {
  std::mutex mu;
  bool established = false;
  bool table_in = false;
  bool down = false;
  SteadyClock::time_point t_established;
  WallClock::time_point wall_established;
  SteadyClock::time_point t_table_in;
  WallClock::time_point wall_table_in;
  WallClock::time_point wall_down;
  std::size_t prefixes_at_table_in = 0;
};

bool wait_until(Progress& p, bool Progress::*flag, double timeout_s) {
  auto deadline = SteadyClock::now() + std::chrono::duration<double>(timeout_s);
  while (SteadyClock::now() < deadline) {
    {
      std::lock_guard lock(p.mu);
      if (p.*flag) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const SteadyClock::time_point t_start = SteadyClock::now();
  Options o;
  if (!parse_options(argc, argv, o)) return 2;
  auto listen_address = IpAddress::parse(o.listen);
  auto peer_address = IpAddress::parse(o.peer);
  if (!listen_address || !peer_address) {
    std::fprintf(stderr, "bgp_receive: bad address\n");
    return 2;
  }

  Progress progress;
  Speaker* speaker_ptr = nullptr;
  PeerId id = 0;
  SpeakerOptions speaker_options;
  speaker_options.on_event = [&](const Event& e) {
    std::lock_guard lock(progress.mu);
    if (e.peer != id) return;
    if (e.kind == EventKind::kStateChanged) {
      if (e.to == SessionState::kEstablished && !progress.established) {
        progress.established = true;
        progress.t_established = SteadyClock::now();
        progress.wall_established = WallClock::now();
      } else if (e.from == SessionState::kEstablished && progress.table_in && !progress.down) {
        progress.down = true;
        progress.wall_down = WallClock::now();
      }
      return;
    }
    if (progress.table_in) return;
    bool done = false;
    if (o.prefixes == 0) {
      done = e.kind == EventKind::kEndOfRib && e.family == bgp::kIpv4Unicast;
      if (done) progress.prefixes_at_table_in = speaker_ptr->session(id)->prefixes_ipv4;
    } else if (e.kind == EventKind::kRoutesChanged || e.kind == EventKind::kEndOfRib) {
      std::size_t n = speaker_ptr->session(id)->prefixes_ipv4;
      done = n >= o.prefixes;
      if (done) progress.prefixes_at_table_in = n;
    }
    if (done) {
      progress.table_in = true;
      progress.t_table_in = SteadyClock::now();
      progress.wall_table_in = WallClock::now();
    }
  };

  Speaker speaker(std::move(speaker_options));
  speaker_ptr = &speaker;
  auto l = speaker.listen(*listen_address, o.port);
  if (!l.ok()) {
    std::fprintf(stderr, "bgp_receive: listen: %s\n", l.error.c_str());
    return 1;
  }
  std::printf("listening port=%u\n", l.port);
  std::fflush(stdout);

  PeerConfig c;
  c.name = "sender";
  c.local_asn = o.local_asn;
  c.peer_asn = o.peer_asn;
  c.local_address = *listen_address;
  c.peer_address = *peer_address;
  c.md5_key = o.md5_key;
  c.passive = true;
  c.ttl_one = false;  // the sender is a loopback multihop peer
  auto added = speaker.add_peer(c);
  if (!added.ok()) {
    for (const auto& error : added.errors) std::fprintf(stderr, "bgp_receive: %s\n", error.c_str());
    return 2;
  }
  {
    std::lock_guard lock(progress.mu);
    id = added.id;
  }
  if (!speaker.start()) {
    std::fprintf(stderr, "bgp_receive: the speaker did not start\n");
    return 1;
  }

  int status = 0;
  if (!wait_until(progress, &Progress::table_in, o.timeout)) {
    auto s = speaker.session(id);
    std::fprintf(stderr, "bgp_receive: timed out; %zu prefixes, last reason: %s\n",
                 s ? s->prefixes_ipv4 : 0, s ? s->last_reason.c_str() : "");
    status = 1;
  } else {
    long hwm = status_kb("VmHWM");
    long rss = status_kb("VmRSS");
    double cpu = cpu_seconds();
    std::lock_guard lock(progress.mu);
    std::printf(
        "table_in prefixes=%zu established_to_table_s=%.4f start_to_table_s=%.4f "
        "start_to_established_s=%.4f cpu_s=%.3f vmhwm_kb=%ld vmrss_kb=%ld established_epoch=%.6f "
        "table_epoch=%.6f\n",
        progress.prefixes_at_table_in, seconds(progress.t_table_in - progress.t_established),
        seconds(progress.t_table_in - t_start), seconds(progress.t_established - t_start), cpu, hwm,
        rss, epoch(progress.wall_established), epoch(progress.wall_table_in));
    std::fflush(stdout);
  }

  if (status == 0 && o.wait_down > 0) {
    if (!wait_until(progress, &Progress::down, o.wait_down)) {
      std::fprintf(stderr, "bgp_receive: the session did not go down\n");
      status = 1;
    } else {
      // The flush happens with the state change; poll at 1 ms to see it from outside.
      auto deadline = SteadyClock::now() + std::chrono::seconds(10);
      std::size_t left = 0;
      while ((left = speaker.session(id)->prefixes_ipv4) != 0 && SteadyClock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      WallClock::time_point wall_empty = WallClock::now();
      std::lock_guard lock(progress.mu);
      std::printf("down down_epoch=%.6f empty_epoch=%.6f prefixes_left=%zu\n",
                  epoch(progress.wall_down), epoch(wall_empty), left);
      std::fflush(stdout);
      if (left != 0) status = 1;
    }
  }

  speaker.stop();
  std::printf("exit vmhwm_kb=%ld vmrss_kb=%ld\n", status_kb("VmHWM"), status_kb("VmRSS"));
  return status;
}
