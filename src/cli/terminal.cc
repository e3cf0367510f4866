#include "terminal.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <streambuf>

namespace cloudtwin::cli {

namespace {

ColorMode g_color_mode = ColorMode::kAuto;
std::optional<bool> g_color;  // the decision, once made

// TERM=dumb: a terminal that understands no escape sequences (Emacs' shell, some CI logs).
bool capable_terminal(int fd) {
  const char* term = std::getenv("TERM");
  return ::isatty(fd) == 1 && !(term != nullptr && std::string_view(term) == "dumb");
}

const char* sgr(Tone tone) {
  switch (tone) {
    case Tone::kGood: return "1;32";
    case Tone::kBad: return "1;31";
    case Tone::kUnsure: return "1;33";
    case Tone::kCritical: return "1;31";
    case Tone::kHigh: return "31";
    case Tone::kMedium: return "33";
    case Tone::kLow: return "36";
  }
  return "0";
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;  // a progress line is not worth an error
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// CLOUDTWIN_PROGRESS_AFTER=SECONDS changes the two seconds (0: at once, as the tests do).
std::chrono::milliseconds progress_delay() {
  constexpr std::chrono::milliseconds kDefault(2000);
  const char* text = std::getenv("CLOUDTWIN_PROGRESS_AFTER");
  if (text == nullptr || *text == '\0') return kDefault;
  char* end = nullptr;
  double seconds = std::strtod(text, &end);
  if (*end != '\0' || !(seconds >= 0) || seconds > 86400) return kDefault;
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

constexpr auto kProgressTick = std::chrono::seconds(1);
constexpr std::string_view kClearLine = "\r\033[K";

}  // namespace

void add_global_options(CLI::App& app) {
  // Options of the program are taken after the verb too: `cloudtwin trace … --color never`.
  app.fallthrough();
  app.add_option_function<std::string>(
         "--color",
         [](const std::string& when) {
           set_color_mode(when == "always"  ? ColorMode::kAlways
                          : when == "never" ? ColorMode::kNever
                                            : ColorMode::kAuto);
         },
         "When to color text reports: auto (when standard output is a terminal and NO_COLOR is "
         "unset or empty), always, or never; default auto")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void set_color_mode(ColorMode mode) {
  g_color_mode = mode;
  g_color.reset();
}

void no_color_for_output_files(const CLI::App& app) {
  for (const CLI::App* verb : app.get_subcommands()) {
    const CLI::Option* output = verb->get_option_no_throw("--output");
    if (output != nullptr && output->count() > 0) set_color_mode(ColorMode::kNever);
    no_color_for_output_files(*verb);
  }
}

bool color_enabled() {
  if (!g_color) {
    switch (g_color_mode) {
      case ColorMode::kAlways: g_color = true; break;
      case ColorMode::kNever: g_color = false; break;
      case ColorMode::kAuto: {
        // https://no-color.org: NO_COLOR set to anything but the empty string turns color off.
        const char* no_color = std::getenv("NO_COLOR");
        g_color = (no_color == nullptr || *no_color == '\0') && capable_terminal(STDOUT_FILENO);
        break;
      }
    }
  }
  return *g_color;
}

std::string paint(std::string_view text, Tone tone) {
  if (!color_enabled()) return std::string(text);
  return "\033[" + std::string(sgr(tone)) + "m" + std::string(text) + "\033[0m";
}

std::string paint_risk(std::string_view risk) {
  auto is = [&](std::string_view word) {
    if (risk.size() != word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(risk[i])) != word[i]) return false;
    }
    return true;
  };
  Tone tone = is("critical") ? Tone::kCritical
              : is("high")   ? Tone::kHigh
              : is("medium") ? Tone::kMedium
                             : Tone::kLow;
  return paint(risk, tone);
}

// Stands in for the buffer of std::cout or std::cerr while the progress line may be on screen.
class Progress::Guard : public std::streambuf {
 public:
  // `ends`: the first write ends the progress (std::cout); else each write clears the line first.
  Guard(Progress& progress, std::ostream& stream, bool ends)
      : progress_(progress), stream_(stream), target_(stream.rdbuf()), ends_(ends) {
    stream_.rdbuf(this);
  }
  ~Guard() override { stream_.rdbuf(target_); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 protected:
  int_type overflow(int_type ch) override {
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    char c = traits_type::to_char_type(ch);
    return xsputn(&c, 1) == 1 ? ch : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (ends_) {
      progress_.stop();
      return target_->sputn(s, n);
    }
    std::lock_guard lock(progress_.mutex_);
    progress_.clear_locked();
    return target_->sputn(s, n);
  }
  int sync() override { return target_->pubsync(); }

 private:
  Progress& progress_;
  std::ostream& stream_;
  std::streambuf* target_;
  bool ends_;
};

Progress::Progress(std::string verb) : verb_(std::move(verb)), start_(std::chrono::steady_clock::now()) {
  if (!capable_terminal(STDERR_FILENO)) return;
  out_ = std::make_unique<Guard>(*this, std::cout, true);
  err_ = std::make_unique<Guard>(*this, std::cerr, false);
  thread_ = std::thread([this] { run(); });
}

Progress::~Progress() {
  stop();
  out_.reset();
  err_.reset();
}

void Progress::run() {
  std::unique_lock lock(mutex_);
  if (wake_.wait_for(lock, progress_delay(), [this] { return stopping_; })) return;
  while (!stopping_) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now() - start_)
                       .count();
    write_all(STDERR_FILENO, std::string(kClearLine) + "cloudtwin " + verb_ + ": working... " +
                                 std::to_string(seconds) + " s");
    drawn_ = true;
    wake_.wait_for(lock, kProgressTick, [this] { return stopping_; });
  }
}

int with_progress(const std::string& verb, const std::function<int()>& work) {
  Progress progress(verb);
  return work();
}

void Progress::clear_locked() {
  if (!drawn_) return;
  write_all(STDERR_FILENO, kClearLine);
  drawn_ = false;
}

void Progress::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    clear_locked();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace cloudtwin::cli
