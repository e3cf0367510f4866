// Signed URLs and signed cookies (signed_url.h).
#include "cloudtwin/cdn/signed_url.h"

#include "cloudtwin/cdn/rules.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace cloudtwin::cdn {

// ---- encoding ----------------------------------------------------------------------------------

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '~' || c == '/') return 63;
  return -1;
}

bool is_pad(char c) { return c == '_' || c == '='; }

}  // namespace

std::string cloudfront_base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 3 <= in.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (in.size() - i == 1) {
    unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "__";
  } else if (in.size() - i == 2) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '_';
  }
  return out;
}

std::optional<std::string> cloudfront_base64_decode(std::string_view in) {
  while (!in.empty() && is_pad(in.back())) in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3 + 2);
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = decode_char(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

// ---- keys --------------------------------------------------------------------------------------

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

Bio memory_bio(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT32_MAX)) return nullptr;
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

bool supported_type(EVP_PKEY* k) {
  int id = EVP_PKEY_get_base_id(k);
  return id == EVP_PKEY_RSA || id == EVP_PKEY_EC;
}

const EVP_MD* digest(SigningHash h) {
  return h == SigningHash::kSha256 ? EVP_sha256() : EVP_sha1();
}

}  // namespace

struct KeySet::Entry {
  std::string id;
  Pkey key;
};

KeySet::KeySet() = default;
KeySet::~KeySet() = default;
KeySet::KeySet(KeySet&&) noexcept = default;
KeySet& KeySet::operator=(KeySet&&) noexcept = default;

std::optional<std::string> KeySet::add(std::string_view id, std::string_view pem) {
  Bio bio = memory_bio(pem);
  if (!bio) return std::string("cannot read the key");
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return std::string("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  if (!supported_type(key.get())) return std::string("not an RSA or ECDSA public key");
  for (auto& e : keys_) {
    if (e->id == id) {
      e->key = std::move(key);
      return std::nullopt;
    }
  }
  auto e = std::make_unique<Entry>();
  e->id = std::string(id);
  e->key = std::move(key);
  keys_.push_back(std::move(e));
  return std::nullopt;
}

const KeySet::Entry* KeySet::find(std::string_view id) const {
  for (const auto& e : keys_)
    if (e->id == id) return e.get();
  return nullptr;
}

bool KeySet::contains(std::string_view id) const { return find(id) != nullptr; }
std::size_t KeySet::size() const { return keys_.size(); }

KeySet key_set(const std::vector<model::PublicKey>& keys, std::vector<std::string>* errors) {
  KeySet set;
  for (const auto& k : keys) {
    if (auto e = set.add(k.id, k.encoded_key); e && errors) errors->push_back(k.id + ": " + *e);
  }
  return set;
}

std::vector<std::string> trusted_key_ids(const model::CacheBehavior& behavior,
                                         const std::vector<model::KeyGroup>& key_groups,
                                         const std::vector<model::PublicKey>& public_keys) {
  std::vector<std::string> ids;
  for (const auto& g : behavior.trusted_key_groups) {
    if (!g.resolved() || g.index >= key_groups.size()) continue;
    for (const auto& k : key_groups[g.index].keys) {
      if (!k.resolved() || k.index >= public_keys.size()) continue;
      const std::string& id = public_keys[k.index].id;
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  return ids;
}

struct SigningKey::Impl {
  Pkey key;
};

SigningKey::SigningKey() = default;
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

std::optional<SigningKey> SigningKey::from_pem(std::string_view pem, std::string* error) {
  Bio bio = memory_bio(pem);
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    if (error) *error = "not a PEM private key";
    return std::nullopt;
  }
  if (!supported_type(key.get())) {
    if (error) *error = "not an RSA or ECDSA private key";
    return std::nullopt;
  }
  SigningKey k;
  k.impl_ = std::make_unique<Impl>();
  k.impl_->key = std::move(key);
  return k;
}

std::optional<std::string> SigningKey::sign(std::string_view message, SigningHash hash) const {
  if (!impl_ || !impl_->key) return std::nullopt;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest(hash), nullptr, impl_->key.get()) != 1)
    return std::nullopt;
  std::size_t len = 0;
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1) return std::nullopt;
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg,
                     message.size()) != 1)
    return std::nullopt;
  sig.resize(len);
  return sig;
}

std::string SigningKey::public_key_pem() const {
  if (!impl_ || !impl_->key) return {};
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->key.get()) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

namespace {

bool verify_signature(EVP_PKEY* key, std::string_view message, std::string_view signature,
                      SigningHash hash) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, digest(hash), nullptr, key) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace

// ---- policies ----------------------------------------------------------------------------------

namespace {

// JSON string content as JSON.stringify writes it (", \ and control characters escaped).
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      switch (c) {
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
      }
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string canned_policy(std::string_view resource_url, std::int64_t expires) {
  std::string out = "{\"Statement\":[{\"Resource\":";
  append_json_string(out, resource_url);
  out += ",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":";
  out += std::to_string(expires);
  out += "}}}]}";
  return out;
}

std::string custom_policy_json(const CustomPolicy& p) {
  std::string out = "{\"Statement\":[{";
  if (p.resource) {
    out += "\"Resource\":";
    append_json_string(out, *p.resource);
    out += ',';
  }
  out += "\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + std::to_string(p.date_less_than) +
         "}";
  if (p.date_greater_than)
    out += ",\"DateGreaterThan\":{\"AWS:EpochTime\":" + std::to_string(*p.date_greater_than) + "}";
  if (p.source_ip) {
    out += ",\"IpAddress\":{\"AWS:SourceIp\":";
    append_json_string(out, *p.source_ip);
    out += '}';
  }
  out += "}}]}";
  return out;
}

// ---- signing -----------------------------------------------------------------------------------

namespace {

std::string_view hash_name(SigningHash h) { return h == SigningHash::kSha256 ? "SHA256" : "SHA1"; }

std::string with_params(std::string_view url, std::string_view params) {
  std::string out(url);
  out += url.find('?') == std::string_view::npos ? '?' : '&';
  out += params;
  return out;
}

}  // namespace

std::optional<std::string> sign_canned_url(std::string_view url, std::int64_t expires,
                                           std::string_view key_pair_id, const SigningKey& key,
                                           SigningHash hash) {
  auto sig = key.sign(canned_policy(url, expires), hash);
  if (!sig) return std::nullopt;
  std::string params = "Expires=" + std::to_string(expires) +
                       "&Signature=" + cloudfront_base64(*sig) +
                       "&Key-Pair-Id=" + std::string(key_pair_id);
  if (hash == SigningHash::kSha256) params += "&Hash-Algorithm=SHA256";
  return with_params(url, params);
}

std::optional<std::string> sign_custom_url(std::string_view url, std::string_view policy_json,
                                           std::string_view key_pair_id, const SigningKey& key,
                                           SigningHash hash) {
  auto sig = key.sign(policy_json, hash);
  if (!sig) return std::nullopt;
  std::string params = "Policy=" + cloudfront_base64(policy_json) +
                       "&Signature=" + cloudfront_base64(*sig) +
                       "&Key-Pair-Id=" + std::string(key_pair_id);
  if (hash == SigningHash::kSha256) params += "&Hash-Algorithm=SHA256";
  return with_params(url, params);
}

std::optional<Cookies> sign_canned_cookies(std::string_view resource_url, std::int64_t expires,
                                           std::string_view key_pair_id, const SigningKey& key,
                                           SigningHash hash) {
  auto sig = key.sign(canned_policy(resource_url, expires), hash);
  if (!sig) return std::nullopt;
  Cookies c = {{"CloudFront-Expires", std::to_string(expires)},
               {"CloudFront-Signature", cloudfront_base64(*sig)},
               {"CloudFront-Key-Pair-Id", std::string(key_pair_id)}};
  if (hash == SigningHash::kSha256) c.emplace_back("CloudFront-Hash-Algorithm", "SHA256");
  return c;
}

std::optional<Cookies> sign_custom_cookies(std::string_view policy_json,
                                           std::string_view key_pair_id, const SigningKey& key,
                                           SigningHash hash) {
  auto sig = key.sign(policy_json, hash);
  if (!sig) return std::nullopt;
  Cookies c = {{"CloudFront-Policy", cloudfront_base64(policy_json)},
               {"CloudFront-Signature", cloudfront_base64(*sig)},
               {"CloudFront-Key-Pair-Id", std::string(key_pair_id)}};
  if (hash == SigningHash::kSha256)
    c.emplace_back("CloudFront-Hash-Algorithm", std::string(hash_name(hash)));
  return c;
}

// ---- a small JSON reader for policies --------------------------------------------------------

namespace {

struct Json {
  enum class Type : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  bool integer = false;  // a number without fraction or exponent that fits int64
  std::int64_t number = 0;
  std::string text;               // kString
  std::vector<Json> items;        // kArray
  std::vector<std::string> keys;  // kObject, with values in `values`
  std::vector<Json> values;

  const Json* get(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &values[i];
    return nullptr;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}

  bool document(Json& out) {
    if (!value(out, 0)) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 16;

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool hex4(std::uint32_t& out) {
    if (s_.size() - i_ < 4) return false;
    out = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      out <<= 4;
      if (c >= '0' && c <= '9')
        out |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        out |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        out |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }

  bool string(std::string& out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00) {
            std::uint32_t lo = 0;
            if (!literal("\\u") || !hex4(lo) || lo < 0xdc00 || lo > 0xdfff) return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return false;
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool number(Json& out) {
    bool negative = false;
    if (i_ < s_.size() && s_[i_] == '-') {
      negative = true;
      ++i_;
    }
    std::size_t digits_start = i_;
    std::int64_t v = 0;
    bool overflow = false;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      int d = s_[i_++] - '0';
      if (v > (INT64_MAX - d) / 10)
        overflow = true;
      else
        v = v * 10 + d;
    }
    std::size_t ndigits = i_ - digits_start;
    if (ndigits == 0 || (ndigits > 1 && s_[digits_start] == '0')) return false;
    bool fraction = false;
    if (i_ < s_.size() && s_[i_] == '.') {
      fraction = true;
      ++i_;
      std::size_t f = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == f) return false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      fraction = true;
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      std::size_t f = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == f) return false;
    }
    out.type = Json::Type::kNumber;
    out.integer = !fraction && !overflow;
    out.number = negative ? -v : v;
    return true;
  }

  bool value(Json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ws();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') {
      ++i_;
      out.type = Json::Type::kObject;
      ws();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return true;
      }
      while (true) {
        ws();
        std::string key;
        if (!string(key)) return false;
        ws();
        if (i_ >= s_.size() || s_[i_] != ':') return false;
        ++i_;
        Json v;
        if (!value(v, depth + 1)) return false;
        if (out.get(key)) return false;  // a duplicate key makes the policy ambiguous
        out.keys.push_back(std::move(key));
        out.values.push_back(std::move(v));
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') {
          ++i_;
          return true;
        }
        return false;
      }
    }
    if (c == '[') {
      ++i_;
      out.type = Json::Type::kArray;
      ws();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      while (true) {
        Json v;
        if (!value(v, depth + 1)) return false;
        out.items.push_back(std::move(v));
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') {
          ++i_;
          return true;
        }
        return false;
      }
    }
    if (c == '"') {
      out.type = Json::Type::kString;
      return string(out.text);
    }
    if (c == 't' || c == 'f') {
      out.type = Json::Type::kBool;
      out.boolean = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      out.type = Json::Type::kNull;
      return literal("null");
    }
    return number(out);
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// A policy statement as CloudFront reads it.
struct Statement {
  std::optional<std::string> resource;
  std::int64_t date_less_than = 0;
  std::optional<std::int64_t> date_greater_than;
  std::optional<std::string> source_ip;
};

// {"AWS:EpochTime": <integer>}
bool epoch_time(const Json& j, std::int64_t& out) {
  if (j.type != Json::Type::kObject || j.keys.size() != 1) return false;
  const Json* t = j.get("AWS:EpochTime");
  if (!t || t->type != Json::Type::kNumber || !t->integer) return false;
  out = t->number;
  return true;
}

// The statement of a custom policy, or a reason it is malformed.
std::optional<Statement> parse_policy(std::string_view json, std::string& why) {
  Json doc;
  if (!JsonReader(json).document(doc) || doc.type != Json::Type::kObject) {
    why = "the policy is not a JSON object";
    return std::nullopt;
  }
  if (doc.keys.size() != 1 || !doc.get("Statement")) {
    why = "the policy must hold only Statement";
    return std::nullopt;
  }
  const Json* st = doc.get("Statement");
  // Statement: [ {...} ] (the guide's canned form) or { ... } (its custom examples); one only.
  if (st->type == Json::Type::kArray) {
    if (st->items.size() != 1) {
      why = "a policy holds exactly one statement";
      return std::nullopt;
    }
    st = &st->items[0];
  }
  if (st->type != Json::Type::kObject) {
    why = "the statement is not an object";
    return std::nullopt;
  }
  Statement out;
  const Json* condition = nullptr;
  for (std::size_t m = 0; m < st->keys.size(); ++m) {
    const std::string& k = st->keys[m];
    const Json& v = st->values[m];
    if (k == "Resource") {
      if (v.type != Json::Type::kString) {
        why = "Resource is not a string";
        return std::nullopt;
      }
      out.resource = v.text;
    } else if (k == "Condition") {
      condition = &v;
    } else {
      why = "unknown statement field " + k;
      return std::nullopt;
    }
  }
  if (!condition || condition->type != Json::Type::kObject) {
    why = "the statement has no Condition";
    return std::nullopt;
  }
  bool have_less = false;
  for (std::size_t m = 0; m < condition->keys.size(); ++m) {
    const std::string& k = condition->keys[m];
    const Json& v = condition->values[m];
    if (k == "DateLessThan") {
      if (!epoch_time(v, out.date_less_than)) {
        why = "DateLessThan is not {\"AWS:EpochTime\": <integer>}";
        return std::nullopt;
      }
      have_less = true;
    } else if (k == "DateGreaterThan") {
      std::int64_t t = 0;
      if (!epoch_time(v, t)) {
        why = "DateGreaterThan is not {\"AWS:EpochTime\": <integer>}";
        return std::nullopt;
      }
      out.date_greater_than = t;
    } else if (k == "IpAddress") {
      const Json* ip =
          v.type == Json::Type::kObject && v.keys.size() == 1 ? v.get("AWS:SourceIp") : nullptr;
      if (!ip || ip->type != Json::Type::kString) {
        why = "IpAddress is not {\"AWS:SourceIp\": \"<cidr>\"}";
        return std::nullopt;
      }
      out.source_ip = ip->text;
    } else {
      why = "unknown condition " + k;
      return std::nullopt;
    }
  }
  if (!have_less) {
    why = "DateLessThan is required";
    return std::nullopt;
  }
  return out;
}

}  // namespace

// ---- matching ----------------------------------------------------------------------------------

namespace {

bool glob(std::string_view pattern, std::string_view text) { return wildcard_match(pattern, text); }

struct Url {
  std::string_view scheme, host, path, query;
  bool has_query = false;
};

// Parses the strict numeric forms of an address into 16 bytes (IPv4 as IPv4-mapped IPv6).
bool parse_ip(std::string_view text, std::array<unsigned char, 16>& out, bool& v4) {
  if (text.empty() || text.size() > 45) return false;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char v4b[4];
  if (inet_pton(AF_INET, buf, v4b) == 1) {
    out.fill(0);
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, v4b, 4);
    v4 = true;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out.data()) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    v4 = std::memcmp(out.data(), kMapped, 12) == 0;
    return true;
  }
  return false;
}

}  // namespace

std::optional<bool> ip_in_cidr(std::string_view ip, std::string_view cidr) {
  std::size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view addr = cidr.substr(0, slash), len_text = cidr.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3) return std::nullopt;
  unsigned len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + static_cast<unsigned>(c - '0');
  }
  std::array<unsigned char, 16> net{}, host{};
  bool net_v4 = false, host_v4 = false;
  if (!parse_ip(addr, net, net_v4)) return std::nullopt;
  // An IPv6 CIDR written as an IPv4-mapped address is still an IPv6 CIDR.
  bool cidr_v4 = addr.find(':') == std::string_view::npos;
  if (len > (cidr_v4 ? 32u : 128u)) return std::nullopt;
  if (!parse_ip(ip, host, host_v4)) return false;
  if (cidr_v4 && !host_v4) return false;
  unsigned bits = cidr_v4 ? 96 + len : len;
  for (unsigned i = 0; i < bits / 8; ++i)
    if (net[i] != host[i]) return false;
  if (bits % 8) {
    unsigned char mask = static_cast<unsigned char>(0xff << (8 - bits % 8));
    if ((net[bits / 8] & mask) != (host[bits / 8] & mask)) return false;
  }
  return true;
}

bool policy_resource_matches(std::string_view resource, std::string_view scheme,
                             std::string_view host, std::string_view path, std::string_view query) {
  if (resource == "*") return true;
  std::string_view proto_pat, rest;
  std::size_t sep = resource.find("://");
  if (sep != std::string_view::npos) {
    proto_pat = resource.substr(0, sep);
    rest = resource.substr(sep + 3);
  } else if (!resource.empty() && resource.front() == '*') {
    // "*example.com" = "*://*example.com/"
    proto_pat = "*";
    rest = resource;
  } else {
    return false;
  }
  // Sections: domain up to the first "/" (or "\?"), path up to "\?", then the query.
  std::size_t qsep = rest.find("\\?");
  std::string_view before_query = rest.substr(0, qsep);
  std::optional<std::string_view> query_pat;
  if (qsep != std::string_view::npos) query_pat = rest.substr(qsep + 2);
  std::size_t slash = before_query.find('/');
  std::string_view domain_pat = before_query.substr(0, slash);
  std::optional<std::string_view> path_pat;
  if (slash != std::string_view::npos) path_pat = before_query.substr(slash);

  if (!path_pat && !query_pat && !domain_pat.empty() && domain_pat.back() == '*') {
    // A trailing * in the domain implies /*\?*.
    path_pat = "/*";
    query_pat = "*";
  }
  // No path section: the root ("*example.com" is "*://*example.com/").
  if (!path_pat) path_pat = "/";
  // A trailing * in the path implies \?*.
  if (!query_pat && !path_pat->empty() && path_pat->back() == '*') query_pat = "*";
  if (!glob(proto_pat, scheme) || !glob(domain_pat, host) || !glob(*path_pat, path)) return false;
  if (!query_pat) return query.empty();
  return glob(*query_pat, query);
}

// ---- verifying ---------------------------------------------------------------------------------

namespace {

constexpr std::string_view kMissingKey = "MissingKey";
constexpr std::string_view kMissingKeyMessage =
    "Missing Key-Pair-Id query parameter or cookie value";
constexpr std::string_view kInvalidKey = "InvalidKey";
constexpr std::string_view kInvalidKeyMessage = "Unknown Key";
constexpr std::string_view kMalformedSignature = "MalformedSignature";
constexpr std::string_view kMalformedSignatureMessage = "Could not unencode Signature";
constexpr std::string_view kMalformedPolicy = "MalformedPolicy";
constexpr std::string_view kMalformedPolicyMessage = "Malformed Policy";
constexpr std::string_view kAccessDenied = "AccessDenied";
constexpr std::string_view kAccessDeniedMessage = "Access denied";

bool is_signing_param(std::string_view name) {
  return name == "Expires" || name == "Policy" || name == "Signature" || name == "Key-Pair-Id" ||
         name == "Hash-Algorithm";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of a signing parameter's value (a client may encode ~ as %7E); invalid
// escapes stay as they are.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int h = hex_value(s[i + 1]), l = hex_value(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out += static_cast<char>(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// The signing values of a request, from its query or its cookies. Only the first occurrence of
// each name counts.
struct Signing {
  std::optional<std::string> expires, policy, signature, key_pair_id, hash_algorithm;
};

void set_first(std::optional<std::string>& slot, std::string_view value) {
  if (!slot) slot = percent_decode(value);
}

bool from_query(std::string_view query, Signing& s) {
  bool any = false;
  while (true) {
    std::size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    std::size_t eq = param.find('=');
    std::string_view name = param.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    std::optional<std::string>* slot = name == "Expires"       ? &s.expires
                                       : name == "Policy"      ? &s.policy
                                       : name == "Signature"   ? &s.signature
                                       : name == "Key-Pair-Id" ? &s.key_pair_id
                                                               : nullptr;
    if (slot) {
      set_first(*slot, value);
      any = true;  // these four make a signed URL; Hash-Algorithm alone does not
    } else if (name == "Hash-Algorithm") {
      set_first(s.hash_algorithm, value);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return any;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void from_cookies(std::string_view header, Signing& s) {
  while (!header.empty()) {
    std::size_t semi = header.find(';');
    std::string_view pair = trim_ows(header.substr(0, semi));
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos) {
      std::string_view name = trim_ows(pair.substr(0, eq));
      std::string_view value = trim_ows(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      if (name == "CloudFront-Expires")
        set_first(s.expires, value);
      else if (name == "CloudFront-Policy")
        set_first(s.policy, value);
      else if (name == "CloudFront-Signature")
        set_first(s.signature, value);
      else if (name == "CloudFront-Key-Pair-Id")
        set_first(s.key_pair_id, value);
      else if (name == "CloudFront-Hash-Algorithm")
        set_first(s.hash_algorithm, value);
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
}

SignedVerdict deny(std::string_view code, std::string_view message, std::string detail) {
  SignedVerdict v;
  v.ok = false;
  v.status = 403;
  v.code = code;
  v.message = message;
  v.detail = std::move(detail);
  return v;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string strip_signing_params(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  while (true) {
    std::size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    std::string_view name = param.substr(0, param.find('='));
    if (!param.empty() && !is_signing_param(name)) {
      if (!out.empty()) out += '&';
      out += param;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

SignedVerdict verify_signed_request(const KeySet& keys,
                                    std::span<const std::string> trusted_key_ids,
                                    const SignedRequest& req) {
  Signing s;
  bool from_url = from_query(req.query, s);
  if (!from_url) {
    s = Signing{};
    from_cookies(req.cookie_header, s);
  }
  auto finish = [&](SignedVerdict v) {
    v.from_cookies = !from_url;
    if (s.key_pair_id) v.key_pair_id = *s.key_pair_id;
    return v;
  };
  const std::string_view where = from_url ? "query" : "cookie";

  if (!s.key_pair_id || s.key_pair_id->empty())
    return finish(deny(kMissingKey, kMissingKeyMessage,
                       from_url ? "the signed URL has no Key-Pair-Id"
                                : "no CloudFront-Key-Pair-Id cookie and no signed URL"));
  const std::string& id = *s.key_pair_id;
  const bool trusted =
      std::find(trusted_key_ids.begin(), trusted_key_ids.end(), id) != trusted_key_ids.end();
  const KeySet::Entry* entry = trusted ? keys.find(id) : nullptr;
  if (!entry)
    return finish(deny(kInvalidKey, kInvalidKeyMessage,
                       "key " + id + " is not in the behaviour's trusted key groups"));
  std::optional<std::string> signature;
  if (s.signature) signature = cloudfront_base64_decode(*s.signature);
  if (!signature || signature->empty())
    return finish(deny(kMalformedSignature, kMalformedSignatureMessage,
                       s.signature ? "the " + std::string(where) + " Signature is not base64"
                                   : "no Signature in the " + std::string(where)));
  SigningHash hash = SigningHash::kSha1;
  if (s.hash_algorithm) {
    if (*s.hash_algorithm == "SHA256")
      hash = SigningHash::kSha256;
    else if (*s.hash_algorithm != "SHA1")
      return finish(deny(kAccessDenied, kAccessDeniedMessage,
                         "Hash-Algorithm " + *s.hash_algorithm + " is not SHA1 or SHA256"));
  }

  // The request URL without the signing parameters: a canned policy's Resource and what a
  // custom policy's Resource is matched against.
  const std::string query = strip_signing_params(req.query);
  std::string url;
  url.reserve(req.scheme.size() + req.host.size() + req.path.size() + query.size() + 4);
  url.append(req.scheme).append("://").append(req.host).append(req.path);
  if (!query.empty()) url.append("?").append(query);

  std::string policy;
  Statement st;
  if (s.policy) {
    auto decoded = cloudfront_base64_decode(*s.policy);
    if (!decoded)
      return finish(deny(kMalformedPolicy, kMalformedPolicyMessage, "the Policy is not base64"));
    policy = std::move(*decoded);
    if (!verify_signature(entry->key.get(), policy, *signature, hash))
      return finish(deny(kAccessDenied, kAccessDeniedMessage,
                         "the signature does not verify with key " + id));
    std::string why;
    auto parsed = parse_policy(policy, why);
    if (!parsed) return finish(deny(kMalformedPolicy, kMalformedPolicyMessage, why));
    st = std::move(*parsed);
  } else if (s.expires) {
    if (!all_digits(*s.expires))
      return finish(deny(kMalformedPolicy, kMalformedPolicyMessage,
                         "Expires " + *s.expires + " is not a Unix time"));
    // The canned policy is rebuilt with Expires as sent.
    policy = "{\"Statement\":[{\"Resource\":";
    append_json_string(policy, url);
    policy += ",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + *s.expires + "}}}]}";
    if (!verify_signature(entry->key.get(), policy, *signature, hash))
      return finish(
          deny(kAccessDenied, kAccessDeniedMessage,
               "the signature does not match the canned policy for " + url + " with key " + id));
    st.resource = url;
    st.date_less_than = std::stoll(*s.expires);
  } else {
    return finish(deny(kMalformedPolicy, kMalformedPolicyMessage,
                       "neither Policy nor Expires in the " + std::string(where)));
  }

  if (!(req.now < st.date_less_than))
    return finish(deny(kAccessDenied, kAccessDeniedMessage,
                       "expired at " + std::to_string(st.date_less_than) + " (now " +
                           std::to_string(req.now) + ")"));
  if (st.date_greater_than && !(req.now > *st.date_greater_than))
    return finish(deny(kAccessDenied, kAccessDeniedMessage,
                       "not valid before " + std::to_string(*st.date_greater_than) + " (now " +
                           std::to_string(req.now) + ")"));
  if (st.source_ip) {
    auto inside = ip_in_cidr(req.viewer_ip, *st.source_ip);
    if (!inside)
      return finish(deny(kMalformedPolicy, kMalformedPolicyMessage,
                         "AWS:SourceIp " + *st.source_ip + " is not a CIDR"));
    if (!*inside)
      return finish(deny(kAccessDenied, kAccessDeniedMessage,
                         "viewer " + std::string(req.viewer_ip) + " is outside " + *st.source_ip));
  }
  if (s.policy && st.resource &&
      !policy_resource_matches(*st.resource, req.scheme, req.host, req.path, query))
    return finish(deny(kAccessDenied, kAccessDeniedMessage,
                       "the policy Resource " + *st.resource + " does not match " + url));

  SignedVerdict ok;
  ok.ok = true;
  ok.status = 200;
  ok.detail = std::string(s.policy ? "custom" : "canned") + " policy signed by " + id +
              (from_url ? " (URL)" : " (cookies)");
  return finish(std::move(ok));
}

std::string signed_error_body(const SignedVerdict& v) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>";
  out.append(v.code).append("</Code><Message>").append(v.message).append("</Message></Error>");
  return out;
}

}  // namespace cloudtwin::cdn
