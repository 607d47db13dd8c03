// Time ranges, positions, money, dates and text fields: each rule, and the JSON pointer it
// reports.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "domain/date.hpp"
#include "domain/money.hpp"
#include "domain/position.hpp"
#include "domain/text_fields.hpp"
#include "domain/time_range.hpp"

namespace nedlia::domain {
namespace {

std::string Pointers(const FieldErrors& errors) {
  std::string text;
  for (const auto& error : errors)
    text += (text.empty() ? "" : " ") + error.pointer;
  return text;
}

TEST(TimeRangeTest, ValidRangeHasNoErrors) {
  EXPECT_TRUE(Validate(TimeRange{0, 1}, "/time_range").empty());
  EXPECT_TRUE(Validate(TimeRange{12500, 20000}, "/time_range").empty());
}

TEST(TimeRangeTest, NegativeStartAndEmptyRangeAreRejected) {
  EXPECT_EQ(Pointers(Validate(TimeRange{-1, 5}, "/time_range")), "/time_range/start_time");
  EXPECT_EQ(Pointers(Validate(TimeRange{5, 5}, "/time_range")), "/time_range/end_time");
  EXPECT_EQ(Pointers(Validate(TimeRange{6, 5}, "/time_range")), "/time_range/end_time");
  EXPECT_EQ(Pointers(Validate(TimeRange{0, kMaxMilliseconds + 1}, "/t")), "/t/end_time");
}

TEST(TimeRangeTest, HalfOpenRangesThatTouchDoNotOverlap) {
  EXPECT_FALSE((TimeRange{0, 10}).Overlaps(TimeRange{10, 20}));
  EXPECT_TRUE((TimeRange{0, 11}).Overlaps(TimeRange{10, 20}));
  EXPECT_TRUE((TimeRange{12, 13}).Overlaps(TimeRange{10, 20}));
  EXPECT_TRUE((TimeRange{0, 30}).Overlaps(TimeRange{10, 20}));
}

TEST(TimeRangeTest, DurationMustBePositive) {
  EXPECT_TRUE(ValidateDuration(1, "/duration").empty());
  EXPECT_EQ(Pointers(ValidateDuration(0, "/duration")), "/duration");
  EXPECT_EQ(Pointers(ValidateDuration(-5, "/duration")), "/duration");
}

TEST(PositionTest, BoxInsideTheFrameIsValid) {
  EXPECT_TRUE(Validate(Position{0.1, 0.2, 0.3, 0.4}, "/position").empty());
  EXPECT_TRUE(Validate(Position{0.7, 0, 0.3, 1}, "/position").empty());
}

TEST(PositionTest, FractionsOutsideZeroToOneAreRejected) {
  EXPECT_EQ(Pointers(Validate(Position{-0.1, 0, 0.5, 0.5}, "/position")), "/position/x");
  EXPECT_EQ(Pointers(Validate(Position{0, 1.5, 0.5, 0.5}, "/position")), "/position/y");
  EXPECT_EQ(Pointers(Validate(Position{0, 0, std::nan(""), 0.5}, "/position")), "/position/width");
}

TEST(PositionTest, BoxMustBeNonEmptyAndStayInTheFrame) {
  EXPECT_EQ(Pointers(Validate(Position{0, 0, 0, 0.5}, "/position")), "/position/width");
  EXPECT_EQ(Pointers(Validate(Position{0.8, 0, 0.3, 0.5}, "/position")), "/position/width");
  EXPECT_EQ(Pointers(Validate(Position{0, 0.6, 0.3, 0.5}, "/position")), "/position/height");
}

TEST(MoneyTest, OnlyIsoCurrencyCodesAreAccepted) {
  EXPECT_TRUE(ValidateCurrency("USD", "/currency").empty());
  EXPECT_TRUE(ValidateCurrency("JPY", "/currency").empty());
  EXPECT_FALSE(ValidateCurrency("usd", "/currency").empty());
  EXPECT_FALSE(ValidateCurrency("XYZ", "/currency").empty());
  EXPECT_FALSE(ValidateCurrency("", "/currency").empty());
  EXPECT_FALSE(ValidateCurrency("USDX", "/currency").empty());
}

TEST(MoneyTest, AmountsAreNonNegativeStorableAndRespectTheCurrency) {
  EXPECT_TRUE(ValidateAmount(0, "USD", "/budget").empty());
  EXPECT_TRUE(ValidateAmount(kMaxHundredths, "USD", "/budget").empty());
  EXPECT_TRUE(ValidateAmount(150, "EUR", "/budget").empty());
  EXPECT_TRUE(ValidateAmount(10000, "JPY", "/budget").empty());
  EXPECT_EQ(Pointers(ValidateAmount(-1, "USD", "/budget")), "/budget");
  EXPECT_EQ(Pointers(ValidateAmount(kMaxHundredths + 1, "USD", "/budget")), "/budget");
  EXPECT_EQ(Pointers(ValidateAmount(10050, "JPY", "/budget")), "/budget");
}

TEST(DateTest, RealIsoDatesRoundTrip) {
  ASSERT_TRUE(Date::Parse("2026-02-28"));
  EXPECT_EQ(Date::Parse("2024-02-29")->ToString(), "2024-02-29");
  EXPECT_LT(*Date::Parse("2026-01-31"), *Date::Parse("2026-02-01"));
}

TEST(DateTest, ImpossibleOrMalformedDatesAreRejected) {
  EXPECT_FALSE(Date::Parse("2026-02-29"));
  EXPECT_FALSE(Date::Parse("2026-13-01"));
  EXPECT_FALSE(Date::Parse("2026-1-01"));
  EXPECT_FALSE(Date::Parse("2026-01-01T00:00:00Z"));
  EXPECT_FALSE(Date::Parse("0000-01-01"));
}

TEST(TextFieldsTest, TextLimitsCountCharactersNotBytes) {
  EXPECT_TRUE(ValidateText("Zoë", 3, "/name").empty());
  EXPECT_FALSE(ValidateText("Zoë!", 3, "/name").empty());
  EXPECT_FALSE(ValidateText("   ", 10, "/name").empty());
  EXPECT_TRUE(ValidateFreeText("", 10, "/description").empty());
}

TEST(TextFieldsTest, MalformedUtf8AndControlCharactersAreRejected) {
  EXPECT_FALSE(ValidateText("bad\xff", 10, "/name").empty());
  EXPECT_FALSE(ValidateText(std::string("nul\0x", 5), 10, "/name").empty());
  EXPECT_TRUE(ValidateFreeText("two\nlines", 20, "/description").empty());
}

TEST(TextFieldsTest, EmailsMustLookDeliverable) {
  EXPECT_TRUE(ValidateEmail("ads@example.com", "/contact_email").empty());
  EXPECT_TRUE(ValidateEmail("first.last+tag@mail.example.co.uk", "/contact_email").empty());
  for (const char* bad : {"", "ads", "@example.com", "ads@", "ads@example", "a b@example.com",
                          "ads@@example.com", "ads@example..com", "ads@.example.com"}) {
    EXPECT_EQ(Pointers(ValidateEmail(bad, "/contact_email")), "/contact_email") << bad;
  }
}

TEST(TextFieldsTest, UrlsMustBeAbsoluteWithAKnownScheme) {
  EXPECT_TRUE(ValidateUrl("https://cdn.example.com/v/1.mp4", "/source_url").empty());
  EXPECT_TRUE(ValidateUrl("s3://bucket/key.mp4", "/source_url").empty());
  for (const char* bad : {"", "example.com/v.mp4", "ftp://example.com/v", "https://",
                          "https:///path", "https://exa mple.com/"}) {
    EXPECT_EQ(Pointers(ValidateUrl(bad, "/source_url")), "/source_url") << bad;
  }
}

}  // namespace
}  // namespace nedlia::domain
