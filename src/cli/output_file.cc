#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "commands.h"

namespace cloudtwin::cli {

namespace {

constexpr std::size_t kBufferSize = 1 << 16;

// Writes all of [data, data + size) to `fd`, retrying short writes and EINTR. 0 or the errno.
int write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

bool write_failed(const std::string& path, int error) {
  usage_error("writing " + path + ": " + std::strerror(error));
  return false;
}

// The input `path` would overwrite, or empty: the same file, or a file inside an input folder
// (an AWS CLI snapshot folder reads every file in it).
std::string overwritten_input(const std::string& path, const std::vector<std::string>& inputs) {
  struct stat out {};
  if (::stat(path.c_str(), &out) != 0) return {};
  std::error_code ec;
  const auto real = std::filesystem::canonical(path, ec);
  for (const auto& input : inputs) {
    struct stat in {};
    if (::stat(input.c_str(), &in) != 0) continue;
    if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) return input;
    if (S_ISDIR(in.st_mode) && !ec) {
      const auto folder = std::filesystem::canonical(input, ec);
      if (ec) continue;
      auto rel = real.lexically_relative(folder);
      if (!rel.empty() && *rel.begin() != "..") return input;
    }
  }
  return {};
}

}  // namespace

StdoutBuffer::StdoutBuffer() : buffer_(kBufferSize) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

bool StdoutBuffer::flush_buffer() {
  const auto size = static_cast<std::size_t>(pptr() - pbase());
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  if (error_ != 0 || size == 0) return error_ == 0;
  error_ = write_all(STDOUT_FILENO, buffer_.data(), size);
  return error_ == 0;
}

StdoutBuffer::int_type StdoutBuffer::overflow(int_type ch) {
  if (!flush_buffer()) return traits_type::eof();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

std::streamsize StdoutBuffer::xsputn(const char* s, std::streamsize n) {
  if (error_ != 0) return 0;
  const auto room = epptr() - pptr();
  if (n <= room) {
    std::memcpy(pptr(), s, static_cast<std::size_t>(n));
    pbump(static_cast<int>(n));
    return n;
  }
  // Large pieces (a whole report) go straight out after what is buffered.
  if (!flush_buffer()) return 0;
  error_ = write_all(STDOUT_FILENO, s, static_cast<std::size_t>(n));
  return error_ == 0 ? n : 0;
}

int StdoutBuffer::sync() { return flush_buffer() ? 0 : -1; }

int finish_stdout(StdoutBuffer& out, int status) {
  out.pubsync();
  if (out.error() == 0) return status;
  usage_error(std::string("writing standard output: ") + std::strerror(out.error()));
  return kExitBadInput;
}

bool write_output_file(const std::string& path, std::string_view text,
                       const std::vector<std::string>& inputs) {
  if (path.empty()) return write_failed("``", ENOENT);
  if (auto input = overwritten_input(path, inputs); !input.empty()) {
    usage_error("-o " + path + " would overwrite the input `" + input + "`",
                "write the report to another file");
    return false;
  }
  // Through a symbolic link, the file it names is replaced, not the link.
  std::string target = path;
  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists) {
    std::error_code ec;
    auto real = std::filesystem::canonical(path, ec);
    if (!ec) target = real.string();
  }
  if (exists && S_ISDIR(st.st_mode)) return write_failed(path, EISDIR);
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or FIFO (/dev/stdout, /dev/null) cannot be replaced; it is written as it is.
    int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return write_failed(path, errno);
    int error = write_all(fd, text.data(), text.size());
    if (::close(fd) != 0 && error == 0) error = errno;
    return error == 0 || write_failed(path, error);
  }
  auto folder = std::filesystem::path(target).parent_path();
  auto name = std::filesystem::path(target).filename().string();
  std::string temporary =
      (folder.empty() ? std::string(".") : folder.string()) + "/." + name + ".cloudtwin-XXXXXX";
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) return write_failed(path, errno);
  mode_t mode = st.st_mode & 07777;
  if (!exists) {
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  int error = write_all(fd, text.data(), text.size());
  if (error == 0 && ::fchmod(fd, mode) != 0) error = errno;
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(temporary.c_str(), target.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    return write_failed(path, error);
  }
  return true;
}

}  // namespace cloudtwin::cli
