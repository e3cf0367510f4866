// Where the verbs' reports go, so that no output is lost silently: standard output through a
// buffer that remembers the first failed write (a full disk, /dev/full, a closed pipe), and
// `-o FILE` through a temporary file in FILE's folder renamed over FILE once every byte is written
// and synced, so a failed write leaves the previous report whole. An `-o FILE` that names one of
// the run's inputs is refused.
#pragma once

#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace cloudtwin::cli {

// Standard output (file descriptor 1) as a std::streambuf that checks every write. After the first
// failure it drops what follows and keeps the error number for the closing message.
class StdoutBuffer : public std::streambuf {
 public:
  StdoutBuffer();
  StdoutBuffer(const StdoutBuffer&) = delete;
  StdoutBuffer& operator=(const StdoutBuffer&) = delete;
  // The errno of the first failed write, 0 if none (yet).
  [[nodiscard]] int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool flush_buffer();
  std::vector<char> buffer_;
  int error_ = 0;
};

// Flushes standard output and returns `status`, or prints "error: writing standard output:
// REASON" and returns kExitBadInput when any of it was lost.
[[nodiscard]] int finish_stdout(StdoutBuffer& out, int status);

// Writes `text` to `path` as one whole: through a temporary file in the same folder, flushed,
// synced and renamed over `path` (which keeps its permissions). A path that is not a regular
// file (/dev/stdout, a FIFO) is written in place. Refuses a path that is one of `inputs` (same
// device and inode) or a file inside an input folder. False after printing
// "error: writing PATH: REASON".
[[nodiscard]] bool write_output_file(const std::string& path, std::string_view text,
                                     const std::vector<std::string>& inputs);

}  // namespace cloudtwin::cli
