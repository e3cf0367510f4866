#include "cloudtwin/model/record_data.h"

// Knot's headers declare C functions without extern "C" guards.
extern "C" {
#include <libknot/libknot.h>
// libzscanner's error.h lacks C++ linkage guards.
extern "C" {
#include <libzscanner/error.h>
#include <libzscanner/scanner.h>
}
}

#include <cctype>
#include <cstring>

namespace cloudtwin::model {

std::uint16_t rr_type_code(std::string_view name) {
  if (name.empty() || name.size() > 32) return 0;
  char buf[40];
  std::memcpy(buf, name.data(), name.size());
  buf[name.size()] = '\0';
  std::uint16_t code = 0;
  return knot_rrtype_from_string(buf, &code) == 0 ? code : 0;
}

std::string rr_type_name(std::uint16_t code) {
  char buf[40];
  if (knot_rrtype_to_string(code, buf, sizeof buf) < 0) return "TYPE" + std::to_string(code);
  return buf;
}

namespace {

// Whether `text` ends with a dot that is not escaped.
bool ends_absolute(std::string_view text) {
  if (text.empty() || text.back() != '.') return false;
  std::size_t backslashes = 0;
  for (std::size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

}  // namespace

std::optional<std::vector<std::uint8_t>> dname_from_text(std::string_view text,
                                                         std::string_view origin) {
  std::string full(text);
  if (full.empty()) return std::nullopt;
  if (full != "." && !ends_absolute(full)) {
    if (!origin.empty() && origin != ".") {
      full += '.';
      full += origin;
    }
    if (!ends_absolute(full)) full += '.';
  }
  std::uint8_t wire[KNOT_DNAME_MAXLEN];
  if (knot_dname_from_str(wire, full.c_str(), sizeof wire) == nullptr) return std::nullopt;
  return std::vector<std::uint8_t>(wire, wire + knot_dname_size(wire));
}

std::string dname_to_text(const std::uint8_t* wire) {
  char buf[KNOT_DNAME_TXT_MAXLEN + 1];
  if (knot_dname_to_str(buf, wire, sizeof buf) == nullptr) return {};
  return buf;
}

std::optional<std::string> canonical_name(std::string_view text, std::string_view origin) {
  auto wire = dname_from_text(text, origin);
  if (!wire) return std::nullopt;
  knot_dname_to_lower(wire->data());
  return dname_to_text(wire->data());
}

std::optional<std::string> route53_canonical_name(std::string_view text) {
  std::uint8_t wire[KNOT_DNAME_MAXLEN];
  std::size_t size = 0;
  std::size_t label = 0;  // where the current label's length goes
  auto start_label = [&] {
    if (size + 1 > KNOT_DNAME_MAXLEN) return false;
    label = size;
    wire[size++] = 0;
    return true;
  };
  if (text.empty()) return std::nullopt;
  if (text == ".") return ".";
  if (!start_label()) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::uint8_t c = static_cast<std::uint8_t>(text[i]);
    if (c == '.') {
      if (wire[label] == 0) return std::nullopt;  // an empty label
      if (i + 1 == text.size()) break;
      if (!start_label()) return std::nullopt;
      continue;
    }
    if (c == '\\') {
      auto octal = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '7'; };
      if (octal(i + 1) && octal(i + 2) && octal(i + 3)) {
        c = static_cast<std::uint8_t>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0'));
        i += 3;
      } else if (i + 1 < text.size()) {
        c = static_cast<std::uint8_t>(text[++i]);
      } else {
        return std::nullopt;
      }
    }
    if (wire[label] == 63 || size + 1 > KNOT_DNAME_MAXLEN - 1) return std::nullopt;
    wire[size++] = c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c + 32) : c;
    ++wire[label];
  }
  if (wire[label] == 0) return std::nullopt;
  wire[size++] = 0;
  return dname_to_text(wire);
}

std::string route53_name_text(const std::uint8_t* wire) {
  std::string out;
  const std::uint8_t* p = wire;
  if (*p == 0) return ".";
  while (*p != 0) {
    const std::uint8_t len = *p++;
    for (std::uint8_t i = 0; i < len; ++i, ++p) {
      const std::uint8_t c = *p;
      if (std::isalnum(c) || c == '-' || c == '_' || c == '*') {
        out += static_cast<char>(c);
      } else {
        out += '\\';
        out += static_cast<char>('0' + (c >> 6));
        out += static_cast<char>('0' + ((c >> 3) & 7));
        out += static_cast<char>('0' + (c & 7));
      }
    }
    out += '.';
  }
  return out;
}

struct RecordDataParser::Scanner {
  zs_scanner_t s;
};

RecordDataParser::RecordDataParser() : scanner_(new Scanner) {}  // not zeroed: zs_init() sets it up
RecordDataParser::~RecordDataParser() = default;

bool RecordDataParser::parse(std::uint16_t type, std::string_view value, std::string_view origin,
                             std::vector<std::uint8_t>& out) {
  error_.clear();
  if (value.find_first_of("\n\r") != std::string_view::npos) {
    error_ = "a value holds a line break";
    return false;
  }
  std::string o(origin.empty() ? "." : origin);
  if (o.back() != '.') o += '.';
  line_ = "@ 0 IN " + rr_type_name(type) + " ";
  line_.append(value);
  line_ += '\n';
  zs_scanner_t* s = &scanner_->s;
  if (zs_init(s, o.c_str(), KNOT_CLASS_IN, 0) != 0) {
    error_ = "the zone name `" + o + "` is no domain name";
    zs_deinit(s);
    return false;
  }
  bool ok = zs_set_input_string(s, line_.data(), line_.size()) == 0 && zs_parse_record(s) == 0 &&
            s->state == ZS_STATE_DATA;
  if (!ok) {
    error_ = s->error.code != 0 ? zs_strerror(s->error.code) : "not a value of this type";
  } else {
    out.assign(s->r_data, s->r_data + s->r_data_length);
    // A second record on the line ("1.2.3.4 ; ..." is fine, "1.2.3.4 5.6.7.8" is not).
    if (zs_parse_record(s) == 0 && s->state == ZS_STATE_DATA) {
      ok = false;
      error_ = "more than one value";
    }
  }
  zs_deinit(s);
  return ok;
}

std::string rdata_to_text(std::uint16_t type, const std::uint8_t* rdata, std::size_t length) {
  static const std::uint8_t kRoot[1] = {0};
  knot_rrset_t rrset;
  knot_rrset_init(&rrset, const_cast<std::uint8_t*>(kRoot), type, KNOT_CLASS_IN, 0);
  if (knot_rrset_add_rdata(&rrset, rdata, static_cast<std::uint16_t>(length), nullptr) != 0) return {};
  std::string out(length * 4 + 256, '\0');
  int n = knot_rrset_txt_dump_data(&rrset, 0, out.data(), out.size(), &KNOT_DUMP_STYLE_DEFAULT);
  knot_rdataset_clear(&rrset.rrs, nullptr);
  if (n < 0) return {};
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace cloudtwin::model
