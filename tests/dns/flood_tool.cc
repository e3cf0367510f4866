// A bounded UDP load generator for flood_test.py: sends DNS packets to ADDR:PORT on loopback for
// SECONDS at RATE packets/s (0: as fast as one core can), reads every answer that comes back, and
// prints one JSON line with what it sent and what was answered, per 100 ms window.
//
//   dns_flood_tool 127.0.0.1 PORT SECONDS RATE valid|mixed
//
// "valid" sends only well-formed queries (a hit, a name that does not exist, a wildcard match);
// "mixed" alternates them with malformed packets of every kind the decoder must survive: too short,
// QDCOUNT 2, a compression loop, an overlong label, a truncated question, a response (QR set),
// random bytes, and a broken OPT record. A C++ sender rather than dnsperf or Python: the flood
// must be paced and cheap per packet (sendmmsg, 64 per call) so it can outrun the server tenfold.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Packet = std::vector<std::uint8_t>;

double now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Packet header(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t ar = 0) {
  return {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), static_cast<std::uint8_t>(flags >> 8),
          static_cast<std::uint8_t>(flags), static_cast<std::uint8_t>(qd >> 8), static_cast<std::uint8_t>(qd),
          0, 0, 0, 0, static_cast<std::uint8_t>(ar >> 8), static_cast<std::uint8_t>(ar)};
}

void name(Packet& p, const std::string& dotted) {
  std::size_t start = 0;
  while (start < dotted.size()) {
    std::size_t dot = dotted.find('.', start);
    if (dot == std::string::npos) dot = dotted.size();
    p.push_back(static_cast<std::uint8_t>(dot - start));
    p.insert(p.end(), dotted.begin() + static_cast<long>(start), dotted.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  p.push_back(0);
}

Packet query(const std::string& qname, std::uint16_t type) {
  Packet p = header(0x1234, 0x0100, 1);
  name(p, qname);
  p.insert(p.end(), {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type), 0, 1});
  return p;
}

std::vector<Packet> valid_packets() {
  return {query("www.example.com", 1), query("nx.example.com", 28), query("a.wild.example.com", 1)};
}

std::vector<Packet> malformed_packets() {
  std::vector<Packet> out;
  out.push_back({0xff, 0xff, 0x01});  // shorter than a header
  Packet two = query("www.example.com", 1);
  two[5] = 2;  // QDCOUNT 2 with one question
  out.push_back(two);
  Packet loop = header(7, 0x0100, 1);
  loop.insert(loop.end(), {0xc0, 12, 0, 1, 0, 1});  // a name that points at itself
  out.push_back(loop);
  Packet overlong = header(8, 0x0100, 1);
  overlong.push_back(64);  // a label longer than 63
  overlong.insert(overlong.end(), 64, 'a');
  overlong.insert(overlong.end(), {0, 0, 1, 0, 1});
  out.push_back(overlong);
  Packet cut = query("www.example.com", 1);
  cut.resize(cut.size() - 3);  // the question's type and class cut short
  out.push_back(cut);
  Packet response = query("www.example.com", 1);
  response[2] |= 0x80;  // QR set: a response, never answered
  out.push_back(response);
  std::mt19937 random(11);
  Packet noise(512);
  for (auto& b : noise) b = static_cast<std::uint8_t>(random());
  out.push_back(noise);
  Packet opt = query("www.example.com", 1);
  opt[11] = 1;  // ARCOUNT 1: an OPT record whose RDLENGTH runs past the end
  opt.insert(opt.end(), {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0xff});
  out.push_back(opt);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s ADDR PORT SECONDS RATE valid|mixed\n", argv[0]);
    return 2;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    std::fprintf(stderr, "%s: not an IPv4 address\n", argv[1]);
    return 2;
  }
  const double seconds = std::atof(argv[3]);
  const double rate = std::atof(argv[4]);
  const bool mixed = std::string(argv[5]) == "mixed";

  std::vector<Packet> packets = valid_packets();
  if (mixed) {
    std::vector<Packet> bad = malformed_packets();
    std::vector<Packet> both;
    for (std::size_t i = 0; i < std::max(packets.size(), bad.size()); ++i) {
      both.push_back(packets[i % packets.size()]);
      both.push_back(bad[i % bad.size()]);
    }
    packets = both;
  }

  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int size = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    std::perror("socket");
    return 2;
  }

  constexpr unsigned kBatch = 64;
  std::array<mmsghdr, kBatch> out{}, in{};
  std::array<iovec, kBatch> out_iov{}, in_iov{};
  std::vector<std::uint8_t> buffers(kBatch * 4096);
  for (unsigned i = 0; i < kBatch; ++i) {
    in_iov[i] = {buffers.data() + i * 4096, 4096};
    in[i].msg_hdr.msg_iov = &in_iov[i];
    in[i].msg_hdr.msg_iovlen = 1;
  }
  const std::size_t windows = static_cast<std::size_t>(seconds * 10) + 1;
  std::vector<unsigned long> answered_in(windows, 0);
  unsigned long sent = 0, answers = 0, valid = 0, formerr = 0, refused_send = 0;
  std::size_t next = 0;
  const double start = now();
  double t = start;
  while ((t = now()) - start < seconds) {
    unsigned long due = rate > 0 ? static_cast<unsigned long>((t - start) * rate) - sent : kBatch;
    if (due > kBatch) due = kBatch;
    if (due > 0) {
      for (unsigned i = 0; i < due; ++i) {
        Packet& p = packets[next++ % packets.size()];
        out_iov[i] = {p.data(), p.size()};
        out[i].msg_hdr = {};
        out[i].msg_hdr.msg_iov = &out_iov[i];
        out[i].msg_hdr.msg_iovlen = 1;
      }
      int n = sendmmsg(fd, out.data(), static_cast<unsigned>(due), 0);
      if (n > 0) sent += static_cast<unsigned long>(n);
      else ++refused_send;  // the socket's send queue is full: counted, tried again
    }
    int got = recvmmsg(fd, in.data(), kBatch, MSG_DONTWAIT, nullptr);
    const std::size_t window = std::min(windows - 1, static_cast<std::size_t>((t - start) * 10));
    for (int i = 0; i < got; ++i) {
      const std::uint8_t* r = buffers.data() + static_cast<std::size_t>(i) * 4096;
      if (in[i].msg_len < 12) continue;
      ++answers;
      const unsigned rcode = r[3] & 0x0f;
      if (rcode == 0 || rcode == 3) {
        ++valid;
        ++answered_in[window];
      } else if (rcode == 1) {
        ++formerr;
      }
    }
    if (due == 0 && got <= 0) {
      timespec pause{0, 50000};
      nanosleep(&pause, nullptr);
    }
  }
  const double elapsed = now() - start;
  // Answers still in flight when the clock ran out.
  timespec settle{0, 200000000};
  nanosleep(&settle, nullptr);
  for (int got; (got = recvmmsg(fd, in.data(), kBatch, MSG_DONTWAIT, nullptr)) > 0;) {
    for (int i = 0; i < got; ++i) {
      const std::uint8_t* r = buffers.data() + static_cast<std::size_t>(i) * 4096;
      if (in[i].msg_len < 12) continue;
      ++answers;
      const unsigned rcode = r[3] & 0x0f;
      if (rcode == 0 || rcode == 3) ++valid;
      else if (rcode == 1) ++formerr;
    }
  }
  std::printf("{\"seconds\": %.3f, \"sent\": %lu, \"answers\": %lu, \"valid_answers\": %lu, "
              "\"formerr\": %lu, \"send_retries\": %lu, \"valid_per_window\": [",
              elapsed, sent, answers, valid, formerr, refused_send);
  for (std::size_t i = 0; i + 1 < windows; ++i) std::printf("%s%lu", i ? ", " : "", answered_in[i]);
  std::printf("]}\n");
  close(fd);
  return 0;
}
