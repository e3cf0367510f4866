// HTTP/1.1 messages on nodejs/http-parser (http.h).
#include "cloudtwin/cdn/http.h"

#include <http_parser.h>

#include <algorithm>
#include <cstring>

namespace cloudtwin::cdn {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

const Header* find_header(const Headers& h, std::string_view name) {
  for (const auto& x : h)
    if (iequals(x.name, name)) return &x;
  return nullptr;
}

std::optional<std::string> joined_header(const Headers& h, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& x : h) {
    if (!iequals(x.name, name)) continue;
    if (out) {
      *out += ", ";
      *out += x.value;
    } else {
      out = x.value;
    }
  }
  return out;
}

void remove_header(Headers& h, std::string_view name) {
  std::erase_if(h, [&](const Header& x) { return iequals(x.name, name); });
}

void set_header(Headers& h, std::string_view name, std::string value) {
  remove_header(h, name);
  h.push_back({std::string(name), std::move(value)});
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 494: return "Request Header Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

// ---- requests ----------------------------------------------------------------------------------

struct RequestParser::Impl {
  RequestParser* owner;
  RequestLimits limits;
  http_parser parser{};
  http_parser_settings settings{};
  Request current;
  bool in_value = false;
  std::size_t header_bytes = 0;

  static Impl& of(http_parser* p) { return *static_cast<Impl*>(p->data); }

  int fail(int status, std::string why) {
    owner->error_status_ = status;
    owner->error_ = std::move(why);
    return 1;
  }

  explicit Impl(RequestParser* o, RequestLimits l) : owner(o), limits(l) {
    http_parser_init(&parser, HTTP_REQUEST);
    parser.data = this;
    settings.on_message_begin = [](http_parser* p) {
      auto& s = of(p);
      s.current = Request{};
      s.in_value = false;
      s.header_bytes = 0;
      s.owner->in_message_ = true;
      return 0;
    };
    settings.on_url = [](http_parser* p, const char* at, std::size_t n) {
      auto& s = of(p);
      s.current.target.append(at, n);
      s.header_bytes += n;
      if (s.current.target.size() > s.limits.max_url)
        return s.fail(414, "the URL is longer than 8,192 bytes");
      return 0;
    };
    settings.on_header_field = [](http_parser* p, const char* at, std::size_t n) {
      auto& s = of(p);
      if (s.in_value || s.current.headers.empty()) s.current.headers.push_back({});
      s.in_value = false;
      s.current.headers.back().name.append(at, n);
      s.header_bytes += n;
      if (s.header_bytes > s.limits.max_header_bytes)
        return s.fail(494, "the request headers are larger than 20,480 bytes");
      return 0;
    };
    settings.on_header_value = [](http_parser* p, const char* at, std::size_t n) {
      auto& s = of(p);
      s.in_value = true;
      if (s.current.headers.empty()) s.current.headers.push_back({});
      s.current.headers.back().value.append(at, n);
      s.header_bytes += n;
      if (s.header_bytes > s.limits.max_header_bytes)
        return s.fail(494, "the request headers are larger than 20,480 bytes");
      return 0;
    };
    settings.on_headers_complete = [](http_parser* p) {
      auto& s = of(p);
      auto& r = s.current;
      r.method = http_method_str(static_cast<http_method>(p->method));
      r.version_minor = p->http_minor;
      if (p->http_major != 1) return s.fail(505, "only HTTP/1.x is served on this port");
      if (r.target.empty() || (r.target.front() != '/' && r.target != "*"))
        return s.fail(400, "the request target must be an absolute path");
      auto q = r.target.find('?');
      r.path = r.target.substr(0, q);
      if (q != std::string::npos) {
        r.has_query = true;
        r.query = r.target.substr(q + 1);
      }
      if ((p->flags & F_CONTENTLENGTH) && p->content_length > s.limits.max_body)
        return s.fail(413, "the request body is too large");
      return 0;
    };
    settings.on_body = [](http_parser* p, const char* at, std::size_t n) {
      auto& s = of(p);
      if (s.current.body.size() + n > s.limits.max_body)
        return s.fail(413, "the request body is too large");
      s.current.body.append(at, n);
      return 0;
    };
    settings.on_message_complete = [](http_parser* p) {
      auto& s = of(p);
      s.current.keep_alive = http_should_keep_alive(p) != 0;
      s.owner->ready_ = true;
      s.owner->in_message_ = false;
      http_parser_pause(p, 1);  // one request at a time, in order
      return 0;
    };
  }
};

RequestParser::RequestParser(RequestLimits limits) : impl_(std::make_unique<Impl>(this, limits)) {}
RequestParser::~RequestParser() = default;

std::size_t RequestParser::feed(const char* data, std::size_t size) {
  if (failed() || ready_ || size == 0) return 0;
  const std::size_t n = http_parser_execute(&impl_->parser, &impl_->settings, data, size);
  const auto err = HTTP_PARSER_ERRNO(&impl_->parser);
  if (err == HPE_PAUSED) {
    http_parser_pause(&impl_->parser, 0);
    return n;
  }
  if (err != HPE_OK && !failed()) {
    error_status_ = 400;
    error_ = std::string("malformed request: ") + http_errno_description(err);
    if (err == HPE_HEADER_OVERFLOW) {
      error_status_ = 494;
      error_ = "the request headers are too large";
    }
  }
  return n;
}

Request RequestParser::next() {
  ready_ = false;
  return std::move(impl_->current);
}

// ---- responses ---------------------------------------------------------------------------------

struct ResponseParser::Impl {
  ResponseParser* owner;
  http_parser parser{};
  http_parser_settings settings{};
  bool in_value = false;
  bool head = false;

  static Impl& of(http_parser* p) { return *static_cast<Impl*>(p->data); }

  explicit Impl(ResponseParser* o) : owner(o) {
    settings.on_status = [](http_parser* p, const char* at, std::size_t n) {
      of(p).owner->response_.reason.append(at, n);
      return 0;
    };
    settings.on_header_field = [](http_parser* p, const char* at, std::size_t n) {
      auto& s = of(p);
      auto& h = s.owner->response_.headers;
      if (s.in_value || h.empty()) h.push_back({});
      s.in_value = false;
      h.back().name.append(at, n);
      return 0;
    };
    settings.on_header_value = [](http_parser* p, const char* at, std::size_t n) {
      auto& s = of(p);
      auto& h = s.owner->response_.headers;
      s.in_value = true;
      if (h.empty()) h.push_back({});
      h.back().value.append(at, n);
      return 0;
    };
    settings.on_headers_complete = [](http_parser* p) {
      auto& s = of(p);
      auto& r = s.owner->response_;
      r.status = p->status_code;
      r.chunked = (p->flags & F_CHUNKED) != 0;
      r.has_length = (p->flags & F_CONTENTLENGTH) != 0;
      if (r.has_length && p->content_length < (1ull << 31)) r.body.reserve(p->content_length);
      return s.head ? 1 : 0;  // 1: no body follows (HEAD)
    };
    settings.on_body = [](http_parser* p, const char* at, std::size_t n) {
      of(p).owner->response_.body.append(at, n);
      return 0;
    };
    settings.on_message_complete = [](http_parser* p) {
      auto& s = of(p);
      s.owner->done_ = true;
      s.owner->keep_alive_ = http_should_keep_alive(p) != 0;
      http_parser_pause(p, 1);
      return 0;
    };
  }
};

ResponseParser::ResponseParser() : impl_(std::make_unique<Impl>(this)) { reset(false); }
ResponseParser::~ResponseParser() = default;

void ResponseParser::reset(bool head_request) {
  http_parser_init(&impl_->parser, HTTP_RESPONSE);
  impl_->parser.data = impl_.get();
  impl_->in_value = false;
  impl_->head = head_request;
  response_ = Response{};
  done_ = false;
  keep_alive_ = false;
  error_.clear();
}

bool ResponseParser::feed(const char* data, std::size_t size) {
  if (done_) return true;
  http_parser_execute(&impl_->parser, &impl_->settings, data, size);
  const auto err = HTTP_PARSER_ERRNO(&impl_->parser);
  if (err == HPE_OK || err == HPE_PAUSED) return true;
  error_ = std::string("malformed response from the origin: ") + http_errno_description(err);
  return false;
}

bool ResponseParser::finish() {
  if (done_) return true;
  // End of input: completes a close-delimited body (no Content-Length, not chunked).
  http_parser_execute(&impl_->parser, &impl_->settings, nullptr, 0);
  const auto err = HTTP_PARSER_ERRNO(&impl_->parser);
  if (done_) {
    keep_alive_ = false;
    return true;
  }
  response_.complete = false;
  error_ = err == HPE_OK ? "the origin closed the connection before the response was complete"
                         : std::string("malformed response from the origin: ") +
                               http_errno_description(err);
  return false;
}

// ---- writing -----------------------------------------------------------------------------------

void write_status_and_headers(std::string& out, int status, std::string_view reason,
                              const Headers& headers) {
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason.empty() ? std::string_view(reason_phrase(status)) : reason;
  out += "\r\n";
  for (const auto& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
}

std::string write_request(std::string_view method, std::string_view target, const Headers& headers,
                          std::string_view body) {
  std::string out;
  out.reserve(256 + body.size());
  out += method;
  out += ' ';
  out += target;
  out += " HTTP/1.1\r\n";
  for (const auto& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

}  // namespace cloudtwin::cdn
