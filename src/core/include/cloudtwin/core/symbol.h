// A short, often-repeated word (a state such as "running", an interface type, a description)
// stored once per process and referred to by pointer: 8 bytes instead of a 32-byte string in
// every resource. Reads like a const std::string.
#pragma once

#include <compare>
#include <ostream>
#include <string>
#include <string_view>

namespace cloudtwin {

class Symbol {
 public:
  Symbol();
  Symbol(std::string_view text);  // NOLINT(google-explicit-constructor): a string-like value
  Symbol(const std::string& text) : Symbol(std::string_view(text)) {}  // NOLINT
  Symbol(const char* text) : Symbol(std::string_view(text)) {}         // NOLINT

  [[nodiscard]] const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT
  operator std::string_view() const { return *text_; }    // NOLINT
  [[nodiscard]] bool empty() const { return text_->empty(); }
  [[nodiscard]] std::size_t size() const { return text_->size(); }
  [[nodiscard]] const char* c_str() const { return text_->c_str(); }

  friend bool operator==(const Symbol& a, const Symbol& b) { return a.text_ == b.text_; }
  friend bool operator==(const Symbol& a, const char* b) { return *a.text_ == b; }
  friend bool operator==(const Symbol& a, std::string_view b) { return *a.text_ == b; }
  friend bool operator==(const Symbol& a, const std::string& b) { return *a.text_ == b; }
  friend auto operator<=>(const Symbol& a, const Symbol& b) { return *a.text_ <=> *b.text_; }

  friend std::string operator+(const std::string& a, const Symbol& b) { return a + *b.text_; }
  friend std::string operator+(std::string&& a, const Symbol& b) { return std::move(a) + *b.text_; }
  friend std::string operator+(const char* a, const Symbol& b) { return a + *b.text_; }
  friend std::string operator+(const Symbol& a, const std::string& b) { return *a.text_ + b; }
  friend std::string operator+(const Symbol& a, const char* b) { return *a.text_ + b; }
  friend std::ostream& operator<<(std::ostream& os, const Symbol& s) { return os << *s.text_; }

 private:
  const std::string* text_;
};

}  // namespace cloudtwin
