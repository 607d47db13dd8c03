#include "domain/utf8.hpp"

#include <gtest/gtest.h>

namespace nedlia::domain {
namespace {

TEST(Utf8Test, WellFormedTextHasNoInvalidByte) {
  EXPECT_EQ(InvalidUtf8At(""), std::nullopt);
  EXPECT_EQ(InvalidUtf8At("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xac"), std::nullopt);
}

TEST(Utf8Test, TheFirstIllFormedSequenceIsFoundWhereItStarts) {
  EXPECT_EQ(InvalidUtf8At("caf\xe9"), 3U);               // Latin-1
  EXPECT_EQ(InvalidUtf8At("ab\xc3"), 2U);                // cut short
  EXPECT_EQ(InvalidUtf8At("\xc0\xaf"), 0U);              // overlong '/'
  EXPECT_EQ(InvalidUtf8At("x\xe0\x80\xaf"), 1U);         // overlong '/'
  EXPECT_EQ(InvalidUtf8At("\xc3\xa9\xed\xa0\x80"), 2U);  // a surrogate after an é
  EXPECT_EQ(InvalidUtf8At("\xf4\x90\x80\x80"), 0U);      // past U+10FFFF
}

TEST(Utf8Test, LinesCountFromOne) {
  EXPECT_EQ(LineAt("abc", 1), 1);
  EXPECT_EQ(LineAt("a\nb\nc", 4), 3);
  EXPECT_EQ(LineAt("a\n", 99), 2);
}

}  // namespace
}  // namespace nedlia::domain
