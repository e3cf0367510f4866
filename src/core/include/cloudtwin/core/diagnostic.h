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

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string resource;  // resource id or name, if any
  std::string message;
  std::string hint;

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
