// Hex, base64 (RFC 4648 vectors) and percent-encoding (RFC 3986).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "encoding/base64.hpp"
#include "encoding/hex.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/percent.hpp"

namespace nedlia::encoding {
namespace {

TEST(EncodingTest, HexIsLowercaseTwoDigitsAByte) {
  EXPECT_EQ(Hex(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(Hex(""), "");
  std::string upper;
  AppendHex(upper, 0xab, true);
  EXPECT_EQ(upper, "AB");
}

TEST(EncodingTest, Base64MatchesRfc4648AndRoundTrips) {
  const std::pair<std::string, std::string> vectors[] = {
      {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(Base64(bytes), text);
    EXPECT_EQ(FromBase64(text), bytes) << text;
  }
  EXPECT_EQ(Base64(""), "");
}

TEST(EncodingTest, FromBase64RefusesWhatIsNotPaddedBase64) {
  EXPECT_EQ(FromBase64(""), std::nullopt);
  EXPECT_EQ(FromBase64("Zm9"), std::nullopt);   // not a multiple of 4
  EXPECT_EQ(FromBase64("Zm9*"), std::nullopt);  // not the alphabet
}

TEST(EncodingTest, Base64UrlHasNoPaddingAndTheUrlAlphabet) {
  EXPECT_EQ(Base64Url("foob"), "Zm9vYg");
  EXPECT_EQ(Base64Url(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(Base64Url(""), "");
}

TEST(EncodingTest, PercentEncodingKeepsTheUnreservedCharacters) {
  EXPECT_EQ(PercentEncodeUnreserved("a b/c~d$e", true), "a%20b/c~d%24e");
  EXPECT_EQ(PercentEncodeUnreserved("placements/x", false), "placements%2Fx");
  EXPECT_EQ(PercentEncodeUnreserved("\xc3\xa9", false), "%C3%A9");
  const std::string all_bytes = [] {
    std::string bytes;
    for (int c = 0; c < 256; ++c)
      bytes += static_cast<char>(c);
    return bytes;
  }();
  EXPECT_EQ(PercentDecode(PercentEncodeUnreserved(all_bytes, false)), all_bytes);
}

TEST(EncodingTest, JsonPointerTokensEscapeTildeAndSlash) {
  EXPECT_EQ(JsonPointerToken("a/b~c"), "a~1b~0c");
  EXPECT_EQ(JsonPointerToken("~1"), "~01");  // escaped in the right order: no double decoding
  EXPECT_EQ(JsonPointerToken(""), "");
}

}  // namespace
}  // namespace nedlia::encoding
