// Problems found in user input, each with where it is (file:line:column), which resource it
// concerns and a hint. Readers collect all of them instead of stopping at the first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(std::string file, Location at, std::string resource, std::string message,
             std::string hint = {});
  void warning(std::string file, Location at, std::string resource, std::string message,
               std::string hint = {});

  // A warning that the model leaves something out or cannot know it (see Gap).
  void gap(Gap g, std::string key, std::string file, Location at, std::string resource,
           std::string message, std::string hint = {});

  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] std::size_t error_count() const;
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  void append(const Diagnostics& other);
  // Stable order: file, line, column, then insertion.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace cloudtwin
