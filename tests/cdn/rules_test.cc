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

}  // namespace
}  // namespace cloudtwin::cdn
