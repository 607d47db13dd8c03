// What events and logs may say of a webhook URL: its scheme and host, nothing that could hold
// a token.
#include "domain/url_origin.hpp"

#include <gtest/gtest.h>

namespace nedlia::domain {
namespace {

TEST(UrlOriginTest, KeepsTheSchemeAndHostOnly) {
  EXPECT_EQ(UrlOrigin("https://hooks.example.com/nedlia?token=abc#x"), "https://hooks.example.com");
  EXPECT_EQ(UrlOrigin("https://hooks.example.com"), "https://hooks.example.com");
  EXPECT_EQ(UrlOrigin("HTTPS://Hooks.Example.COM:8443/t"), "https://hooks.example.com");
  EXPECT_EQ(UrlOrigin("https://user:secret@hooks.example.com/t"), "https://hooks.example.com");
  EXPECT_EQ(UrlOrigin("https://a@b@hooks.example.com/t"), "https://hooks.example.com");
  EXPECT_EQ(UrlOrigin("https://[2001:db8::1]:8443/t"), "https://[2001:db8::1]");
  EXPECT_EQ(UrlOrigin("https://hooks.example.com?token=abc"), "https://hooks.example.com");
}

TEST(UrlOriginTest, NothingWithoutASchemeAndAHost) {
  EXPECT_EQ(UrlOrigin(""), "");
  EXPECT_EQ(UrlOrigin("hooks.example.com/t"), "");
  EXPECT_EQ(UrlOrigin("://hooks.example.com"), "");
  EXPECT_EQ(UrlOrigin("https:///path"), "");
  EXPECT_EQ(UrlOrigin("https://user@/path"), "");
  EXPECT_EQ(UrlOrigin("https://[2001:db8::1/t"), "");
}

}  // namespace
}  // namespace nedlia::domain
