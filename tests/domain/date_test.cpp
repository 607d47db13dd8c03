#include "domain/date.hpp"

#include <gtest/gtest.h>

namespace nedlia::domain {
namespace {

TEST(Rfc3339Test, UtcTimesParseToTheMillisecondAndFormatBack) {
  EXPECT_EQ(ParseRfc3339Utc("2026-12-01T00:00:00Z"), 1796083200000);
  EXPECT_EQ(ParseRfc3339Utc("2026-12-01T00:00:00.5Z"), 1796083200500);
  EXPECT_EQ(ParseRfc3339Utc("2026-12-01T00:00:00.123987654321Z"), 1796083200123);
  EXPECT_EQ(ParseRfc3339Utc("1970-01-01T00:00:00Z"), 0);
  for (const std::int64_t ms : {0LL, 1796083200123LL, 951782400999LL})  // 2000-02-29
    EXPECT_EQ(ParseRfc3339Utc(FormatRfc3339(ms)), ms);
}

TEST(Rfc3339Test, AnythingElseIsRefused) {
  for (const char* text : {"", "2026-12-01", "2026-12-01T00:00:00", "2026-12-01T00:00:00+01:00",
                           "2026-12-01 00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-01T24:00:00Z",
                           "2026-12-01T00:60:00Z", "2026-12-01T00:00:00.Z",
                           "2026-12-01T00:00:00.1xZ", "2026-12-01T0a:00:00Z"})
    EXPECT_EQ(ParseRfc3339Utc(text), std::nullopt) << text;
}

}  // namespace
}  // namespace nedlia::domain
