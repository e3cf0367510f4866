// Record values between Route 53's presentation form ("10 mail.example.com.") and DNS wire
// format, and domain names in both, with Knot's libzscanner and libknot rather than a
// hand-written master-file parser: every record type's syntax (SVCB, NAPTR, CAA, ...) as Knot
// reads it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloudtwin::model {

// The type's code ("MX" -> 15, "TYPE65280" -> 65280); 0 if it is no type.
[[nodiscard]] std::uint16_t rr_type_code(std::string_view name);
// "MX", or "TYPE65280" for a type without a mnemonic.
[[nodiscard]] std::string rr_type_name(std::uint16_t code);

// A domain name in wire form (at most 255 octets), from presentation text with RFC 1035
// escapes (`\052`, `\.`); relative names are completed with `origin` (absolute, may be empty
// for "."). nullopt when it is no valid name.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> dname_from_text(std::string_view text,
                                                                       std::string_view origin);
// Presentation form with the trailing dot; characters outside letters, digits, '-', '_' and
// '*' escaped as `\ddd`.
[[nodiscard]] std::string dname_to_text(const std::uint8_t* wire);
// Lower case, escapes decoded then re-encoded, trailing dot: the form finalize() compares.
[[nodiscard]] std::optional<std::string> canonical_name(std::string_view text,
                                                        std::string_view origin = {});

// Route 53's names: `\ooo` escapes are OCTAL (route53.md §6: `\052` is `*`), unlike RFC 1035's
// decimal `\DDD`; a name without the trailing dot is absolute. The canonical form as above (for
// comparisons and for dname_from_text()); nullopt when it is no valid name.
[[nodiscard]] std::optional<std::string> route53_canonical_name(std::string_view text);
// A wire name as Route 53 writes it: letters, digits, '-', '_' and '*' as they are, any other
// octet `\ooo` (octal), with the trailing dot.
[[nodiscard]] std::string route53_name_text(const std::uint8_t* wire);

// Reads one value of one type. Reusable: one scanner per parser, not per value.
class RecordDataParser {
 public:
  RecordDataParser();
  ~RecordDataParser();
  RecordDataParser(const RecordDataParser&) = delete;
  RecordDataParser& operator=(const RecordDataParser&) = delete;

  // The wire rdata of `value` as rdata of `type`, names relative to `origin`; false with
  // error() set when the value is not one of that type.
  [[nodiscard]] bool parse(std::uint16_t type, std::string_view value, std::string_view origin,
                           std::vector<std::uint8_t>& out);
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  struct Scanner;
  std::unique_ptr<Scanner> scanner_;
  std::string line_;
  std::string error_;
};

// Presentation form of wire rdata of `type` as Knot writes it; empty if it cannot be read.
[[nodiscard]] std::string rdata_to_text(std::uint16_t type, const std::uint8_t* rdata,
                                        std::size_t length);

}  // namespace cloudtwin::model
