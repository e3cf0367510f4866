// What every Route 53 reader shares: record set ids, Route 53's zone ids as the API writes them
// ("/hostedzone/Z1D633PJN98FT9"), and Terraform's quoting of TXT values.
#pragma once

#include <string>
#include <string_view>

namespace cloudtwin::load::route53 {

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return out;
}

// "<zone>/<name>/<type>[/<set identifier>]": a record set's id when its source gives none
// (model/route53.h).
inline std::string record_set_id(std::string_view zone, std::string_view name,
                                 std::string_view type, std::string_view set_identifier) {
  std::string id = std::string(zone) + "/" + std::string(name) + "/" + std::string(type);
  if (!set_identifier.empty()) id += "/" + std::string(set_identifier);
  return id;
}

// "Z1D633PJN98FT9" of "/hostedzone/Z1D633PJN98FT9" (the API's Id) or of the bare id.
inline std::string_view zone_id(std::string_view id) {
  for (std::string_view prefix : {"/hostedzone/", "hostedzone/"}) {
    if (id.starts_with(prefix)) return id.substr(prefix.size());
  }
  return id;
}

// "N1PA6795SAMPLE" of "/delegationset/N1PA6795SAMPLE".
inline std::string_view delegation_set_id(std::string_view id) {
  for (std::string_view prefix : {"/delegationset/", "delegationset/"}) {
    if (id.starts_with(prefix)) return id.substr(prefix.size());
  }
  return id;
}

// Route 53 writes a character of a name outside a-z, 0-9, '-' and '_' as `\ooo`, three OCTAL
// digits (DomainNameFormat.html: `*.example.com` comes back as `\052.example.com.`), where RFC
// 1035's presentation form, which finalize() reads with Knot, writes `\DDD` in DECIMAL. A name
// from a Route 53 input is turned into RFC 1035's form: the character itself where it needs no
// escape (`\052` is the wildcard `*`), else its decimal escape. Other escapes are kept.
inline std::string from_route53_escapes(std::string_view name) {
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 3 < name.size() && octal(name[i + 1]) && octal(name[i + 2]) &&
        octal(name[i + 3])) {
      const int c = (name[i + 1] - '0') * 64 + (name[i + 2] - '0') * 8 + (name[i + 3] - '0');
      const bool plain = c > 32 && c < 127 && c != '.' && c != '\\' && c != '"' && c != '(' &&
                         c != ')' && c != ';' && c != '@' && c != '$';
      if (plain) {
        out += static_cast<char>(c);
      } else {
        out += '\\';
        out += static_cast<char>('0' + c / 100);
        out += static_cast<char>('0' + c / 10 % 10);
        out += static_cast<char>('0' + c % 10);
      }
      i += 3;
      continue;
    }
    if (name[i] == '\\' && i + 1 < name.size()) {  // another escape: kept whole
      out += name[i++];
    }
    out += name[i];
  }
  return out;
}

// The inverse for `export`: RFC 1035's decimal `\DDD` as Route 53's octal `\ooo`.
inline std::string to_route53_escapes(std::string_view name) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 3 < name.size() && digit(name[i + 1]) && digit(name[i + 2]) &&
        digit(name[i + 3])) {
      const int c = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
      out += '\\';
      out += static_cast<char>('0' + c / 64 % 8);
      out += static_cast<char>('0' + c / 8 % 8);
      out += static_cast<char>('0' + c % 8);
      i += 3;
      continue;
    }
    if (name[i] == '\\' && i + 1 < name.size()) out += name[i++];
    out += name[i];
  }
  return out;
}

// A TXT or SPF value as the Terraform AWS provider sends it to Route 53: wrapped in quotes
// (flattenTxtEntry in terraform-provider-aws), not split. A value longer than 255 characters is
// split by writing `""` inside it, as the provider's documentation says; Route 53 reads that as
// the end of one string and the start of the next, written here as RFC 1035 does (`"a" "b"`).
inline std::string terraform_txt(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {  // an escape: kept whole
      out += value[i++];
      out += value[i];
    } else if (value[i] == '"' && i + 1 < value.size() && value[i + 1] == '"') {
      out += "\" \"";
      ++i;
    } else {
      out += value[i];
    }
  }
  return out + "\"";
}

}  // namespace cloudtwin::load::route53
