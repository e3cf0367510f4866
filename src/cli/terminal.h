// What cloudtwin does differently on a terminal: color in the text reports (the global `--color
// auto|always|never` and NO_COLOR, https://no-color.org) and a progress line on stderr for work that
// takes longer than two seconds. Off a terminal, output is byte for byte what it is without these.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace cloudtwin::cli {

enum class ColorMode { kAuto, kAlways, kNever };

// Registers `--color WHEN` on the program and lets it be given after the verb too (CLI11's
// fallthrough, which the verbs then inherit: call this before adding them).
void add_global_options(CLI::App& app);

void set_color_mode(ColorMode mode);
// After parsing: a verb given `-o/--output FILE` writes its report there, and a file is never
// colored (the report is rendered before it is known where it goes), so color is off for the run.
void no_color_for_output_files(const CLI::App& app);
// Whether the reports written to standard output are colored: --color always; never with --color
// never; with auto, when standard output is a terminal (not TERM=dumb) and NO_COLOR is unset or
// empty. Decided once, on first use.
[[nodiscard]] bool color_enabled();

// What a word says, which picks its color.
enum class Tone {
  kGood,      // REACHABLE, PASS
  kBad,       // NOT REACHABLE, FAIL
  kUnsure,    // INCONCLUSIVE, MAYBE
  kCritical,  // risk levels, most to least severe
  kHigh,
  kMedium,
  kLow,
};
// `text` in the tone's color (an ANSI SGR sequence and a reset) when color_enabled(), else `text`.
[[nodiscard]] std::string paint(std::string_view text, Tone tone);
// A risk level (critical, high, medium, low; any case) in its color.
[[nodiscard]] std::string paint_risk(std::string_view risk);

// While alive, and only when standard error is a terminal: after two seconds (or
// $CLOUDTWIN_PROGRESS_AFTER), a line on stderr
// "cloudtwin VERB: working… 12 s" redrawn each second. Whatever else is written to std::cerr
// meanwhile first clears that line (it comes back on the next tick); the first write to
// std::cout ends it (the answer is coming). Cleared when destroyed. Nothing at all off a terminal.
class Progress {
 public:
  explicit Progress(std::string verb);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  class Guard;  // the std::cout and std::cerr buffers that make way for the line
  void run();
  void clear_locked();  // erases the line if drawn; holds mutex_
  void stop();

  std::string verb_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool drawn_ = false;
  std::unique_ptr<Guard> out_, err_;
  std::thread thread_;
};

// Runs `work` (a verb) with a Progress named `verb`; returns what it returns.
int with_progress(const std::string& verb, const std::function<int()>& work);

}  // namespace cloudtwin::cli
