// CloudFront's rules (src/cdn/rules.h) against the Developer Guide, cited per test as
// shared/reference/cloudfront.md §N.
#include "cloudtwin/cdn/rules.h"

#include <gtest/gtest.h>

namespace cloudtwin::cdn {
namespace {

// §1 (distribution-web-values-specify.html, "Path pattern"): `*` matches `/` too, `?` exactly
// one character, case-sensitive, leading slash optional.
TEST(PathPattern, WildcardsAsTheGuideDescribes) {
  EXPECT_TRUE(path_matches("images/*.jpg", "/images/a/b/c.jpg"));
  EXPECT_TRUE(path_matches("/images/*.jpg", "images/x.jpg"));
  EXPECT_FALSE(path_matches("*.jpg", "/LOGO.JPG"));
  EXPECT_TRUE(path_matches("*.doc?", "/x.docx"));
  EXPECT_FALSE(path_matches("*.doc?", "/x.doc"));
  EXPECT_TRUE(path_matches("*", "/"));
  EXPECT_TRUE(path_matches("*", "/anything/at/all"));
  EXPECT_FALSE(path_matches("a*b*c", "/axbxd"));
  EXPECT_TRUE(path_matches("a*b*c", "/axbxbxc"));
}

// §1: behaviours are tested in order and the first match wins; the guide's own example.
TEST(PathPattern, FirstMatchingBehaviourWins) {
  model::Distribution d;
  for (const char* p : {"images/*.jpg", "images/*", "*.gif"}) {
    model::CacheBehavior b;
    b.path_pattern = p;
    d.behaviors.push_back(b);
  }
  EXPECT_EQ(select_behavior(d, "/images/sample.gif"), 1u);
  EXPECT_EQ(select_behavior(d, "/images/sample.jpg"), 0u);
  EXPECT_EQ(select_behavior(d, "/x.gif"), 2u);
  EXPECT_EQ(select_behavior(d, "/x.png"), 3u);  // the default behaviour
}

// §10 (Invalidation.html "Invalidation paths"): a leading /, * only last, at most 4,000
// characters.
TEST(Invalidation, PathErrors) {
  EXPECT_EQ(invalidation_path_error("/images/image.jpg"), std::nullopt);
  EXPECT_EQ(invalidation_path_error("/*"), std::nullopt);
  EXPECT_EQ(invalidation_path_error("/images/image.jpg*"), std::nullopt);
  EXPECT_NE(invalidation_path_error("images/image.jpg"), std::nullopt);
  EXPECT_NE(invalidation_path_error(""), std::nullopt);
  EXPECT_NE(invalidation_path_error("/images/*.jpg"), std::nullopt);
  EXPECT_NE(invalidation_path_error("/**"), std::nullopt);
  EXPECT_EQ(invalidation_path_error("/" + std::string(3999, 'a')), std::nullopt);
  EXPECT_NE(invalidation_path_error("/" + std::string(4000, 'a')), std::nullopt);
}

struct InvalidationRow {
  const char* name;
  const char* path;
  const char* object;
  bool query_in_key;
  bool want;
};

// §10: case-sensitive, byte-exact; a trailing * is a prefix over path and query; without *, the
// exact path[?query] of the cache key.
TEST(Invalidation, Matching) {
  const InvalidationRow rows[] = {
      {"exact path", "/images/image2.jpg", "/images/image2.jpg", true, true},
      {"case-sensitive", "/images/image.jpg", "/images/Image.jpg", true, false},
      {"directory /*", "/images/*", "/images/a/b.png", true, true},
      {"directory prefix without slash", "/images*", "/images-old/x", true, true},
      {"all", "/*", "/anything?at=all", true, true},
      {"same name, other extensions", "/images/logo.*", "/images/logo.png", true, true},
      {"all query variants", "/images/image.jpg*", "/images/image.jpg?size=large", true, true},
      {"exact path misses a query variant in the key", "/images/image.jpg",
       "/images/image.jpg?size=large", true, false},
      {"exact path with the query in the key", "/images/image.jpg?size=large",
       "/images/image.jpg?size=large", true, true},
      {"exact path, query not in the key", "/images/image.jpg", "/images/image.jpg?size=large",
       false, true},
      {"path with query, query not in the key", "/images/image.jpg?size=large",
       "/images/image.jpg?size=large", false, false},
      {"directory with and without slash are two paths", "/images", "/images/", true, false},
      {"no percent-decoding", "/a%20b", "/a b", true, false},
      {"* matches the empty rest", "/images/image.jpg*", "/images/image.jpg", true, true},
  };
  for (const auto& r : rows)
    EXPECT_EQ(invalidation_matches(r.path, r.object, r.query_in_key), r.want) << r.name;
}

struct EncodingRow {
  const char* name;
  const char* header;
  bool gzip, brotli;
  const char* want;
};

// §5 (controlling-the-cache-key.html "Cache compressed objects"): br,gzip | gzip | br | nothing;
// other codings dropped.
TEST(AcceptEncoding, Normalisation) {
  const EncodingRow rows[] = {
      {"both, both enabled", "gzip, deflate, br", true, true, "br,gzip"},
      {"order irrelevant", "br;q=0.5, gzip;q=1.0", true, true, "br,gzip"},
      {"gzip only", "gzip, deflate", true, true, "gzip"},
      {"br only", "br", true, true, "br"},
      {"neither", "deflate, identity", true, true, ""},
      {"only gzip enabled", "gzip, br", true, false, "gzip"},
      {"only br enabled", "gzip, br", false, true, "br"},
      {"only br enabled, viewer gzip", "gzip", false, true, ""},
      {"none enabled", "gzip, br", false, false, ""},
      {"case-insensitive", "GZIP, Br", true, true, "br,gzip"},
      {"q=0 refuses", "gzip;q=0, br", true, true, "br"},
      {"q=0.000 refuses", "br;q=0.000, gzip", true, true, "gzip"},
      {"q=0.001 accepts", "br;q=0.001", true, true, "br"},
      {"spaces around q", "gzip ; q=0.5", true, true, "gzip"},
      {"invalid q refuses", "gzip;q=2", true, true, ""},
      {"first occurrence wins", "gzip;q=0, gzip", true, true, ""},
      {"star is not gzip or br", "*", true, true, ""},
      {"x-gzip is not gzip", "x-gzip", true, true, ""},
      {"empty", "", true, true, ""},
      {"empty members", ",,gzip,,", true, true, "gzip"},
  };
  for (const auto& r : rows)
    EXPECT_EQ(normalize_accept_encoding(r.header, r.gzip, r.brotli), r.want) << r.name;
}

// §12 (ServingCompressedFiles.html "Conditions for compression", "File types that CloudFront
// compresses").
TEST(Compression, Eligibility) {
  EXPECT_TRUE(compressible("text/html", 5000, false));
  EXPECT_TRUE(compressible("Text/HTML; charset=utf-8", 5000, false));
  EXPECT_TRUE(compressible("application/json", 1000, false));
  EXPECT_TRUE(compressible("image/svg+xml", 10000000, false));
  EXPECT_TRUE(compressible("vnd.apple.mpegurl", 2000, false));
  EXPECT_FALSE(compressible("text/html", 999, false));
  EXPECT_FALSE(compressible("text/html", 10000001, false));
  EXPECT_FALSE(compressible("text/html", std::nullopt, false));  // no Content-Length
  EXPECT_FALSE(compressible("text/html", 5000, true));           // already has Content-Encoding
  EXPECT_FALSE(compressible("image/png", 5000, false));
  EXPECT_FALSE(compressible("application/wasm", 5000, false));
  EXPECT_FALSE(compressible("", 5000, false));
  EXPECT_FALSE(compressible("text/htmlx", 5000, false));
  EXPECT_EQ(compressible_content_types().size(), 46u);
}

}  // namespace
}  // namespace cloudtwin::cdn
