// Problems found in user input, each with where it is (file:line:column), which resource it
// concerns and a hint. Readers collect all of them instead of stopping at the first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cloudtwin {

// A position in an input file. `file` indexes the owning network's file table; 0 is "unknown".
struct Location {
  std::uint32_t file = 0;
  std::uint32_t line = 0;    // 1-based; 0 when unknown
  std::uint32_t column = 0;  // 1-based
};

enum class Severity : std::uint8_t { kError, kWarning };

// What a warning says the model leaves out or cannot know. Analysis verbs count these in their
// closing summary line, `--strict` makes them errors, and answers that meet such a part of the
// network are inconclusive rather than a guess.
enum class Gap : std::uint8_t {
  kNone,
  kIgnoredType,       // a resource type cloudtwin does not model (grouped by its type)
  kLeftOut,           // a resource or part of one left out (e.g. it names something absent)
  kUnmodelledTarget,  // a route or attachment kept with a target cloudtwin does not model
  kUnknownValue,      // a value not known offline (known after apply, GetAtt of the unmodelled)
  kStandIn,           // a parameter without a value, given a stand-in
};
const char* gap_name(Gap g);  // "ignored-type", "left-out", ...

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string resource;  // resource id or name, if any
  std::string message;
  std::string hint;
  Gap gap = Gap::kNone;
  std::string gap_key;  // what groups warnings of one gap: the resource type for kIgnoredType

  // "file:line:col: error: [resource] message (hint)"
  [[nodiscard]] std::string str() const;
};

// Every problem found, in the order found. A file with a repeated mistake (a merge key that
// brings 640 unknown keys into 1,000 resources) would print hundreds of thousands of lines, so at
// most kMaxPerKind diagnostics of one kind are kept: same severity, same file, same message once
// the names in backticks or quotes and the numbers are left out. The rest are counted in one
// "… and N more" diagnostic of that kind, at the first one left out. Gap warnings are all kept
// (the verbs count them).
class Diagnostics {
 public:
  static constexpr std::size_t kMaxPerKind = 100;

  void add(Diagnostic d);
  void error(std::string file, Location at, std::string resource, std::string message,
             std::string hint = {});
  void warning(std::string file, Location at, std::string resource, std::string message,
               std::string hint = {});

  // A warning that the model leaves something out or cannot know it (see Gap).
  void gap(Gap g, std::string key, std::string file, Location at, std::string resource,
           std::string message, std::string hint = {});

  [[nodiscard]] bool has_errors() const { return errors_ > 0; }
  // Every error reported, those left out of items() included, so that a reader comparing counts
  // before and after reading a resource sees each one.
  [[nodiscard]] std::size_t error_count() const { return errors_; }
  // Kept diagnostics and the "… and N more" ones.
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  // Whether a diagnostic like this would be listed in items() rather than only counted: a
  // reader may skip working out the hint of one that would not.
  [[nodiscard]] bool would_list(Severity severity, std::string_view file,
                                std::string_view message) const;
  // Diagnostics left out of items() (counted in its "… and N more" ones).
  [[nodiscard]] std::size_t left_out() const { return left_out_; }
  void append(const Diagnostics& other);
  // Stable order: file, line, column, then insertion.
  void sort();

 private:
  static constexpr std::size_t kNoSummary = static_cast<std::size_t>(-1);
  struct Kind {
    std::size_t kept = 0;
    std::size_t more = 0;                // left out
    std::size_t summary = kNoSummary;    // the "… and N more" item in items_
    std::string example;                 // the first message left out
  };
  void leave_out(Kind& kind, const Diagnostic& first, std::string_view example, std::size_t n);

  std::vector<Diagnostic> items_;
  std::unordered_map<std::string, Kind> kinds_;  // by kind_key()
  std::size_t errors_ = 0;
  std::size_t left_out_ = 0;
};

// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace cloudtwin
