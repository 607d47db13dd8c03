#include "domain/decimal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace nedlia::domain {
namespace {

TEST(DecimalTest, ClientNumbersScaleExactly) {
  EXPECT_EQ(ScaleExactly(12.345, 3, 7), 12345);
  EXPECT_EQ(ScaleExactly(12.5, 3, 7), 12500);
  EXPECT_EQ(ScaleExactly(0.1, 3, 7), 100);
  EXPECT_EQ(ScaleExactly(9999999.999, 3, 7), 9999999999);
  EXPECT_EQ(ScaleExactly(-1.25, 2, 10), -125);
  EXPECT_EQ(ScaleExactly(9999999999.99, 2, 10), 999999999999);
}

TEST(DecimalTest, DigitsBeyondTheScaleAreRejectedNotRounded) {
  EXPECT_FALSE(ScaleExactly(12.3456, 3, 7));
  EXPECT_FALSE(ScaleExactly(0.0001, 3, 7));
  EXPECT_FALSE(ScaleExactly(10.005, 2, 10));
}

TEST(DecimalTest, NonFiniteAndTooLargeNumbersAreRejected) {
  EXPECT_FALSE(ScaleExactly(std::nan(""), 3, 7));
  EXPECT_FALSE(ScaleExactly(std::numeric_limits<double>::infinity(), 3, 7));
  EXPECT_FALSE(ScaleExactly(10000000.0, 3, 7));
  EXPECT_FALSE(ScaleExactly(1e300, 2, 10));
}

TEST(DecimalTest, DatabaseTextParsesExactly) {
  EXPECT_EQ(ParseDecimal("12.500", 3), 12500);
  EXPECT_EQ(ParseDecimal("7", 2), 700);
  EXPECT_EQ(ParseDecimal("-0.05", 2), -5);
  EXPECT_EQ(ParseDecimal("1.500", 2), 150);
  EXPECT_FALSE(ParseDecimal("1.505", 2));
  EXPECT_FALSE(ParseDecimal("", 2));
  EXPECT_FALSE(ParseDecimal("1.", 2));
  EXPECT_FALSE(ParseDecimal(".5", 2));
  EXPECT_FALSE(ParseDecimal("1e3", 2));
  EXPECT_FALSE(ParseDecimal("12a", 2));
}

TEST(DecimalTest, FormattingKeepsEveryFractionDigit) {
  EXPECT_EQ(FormatDecimal(12500, 3), "12.500");
  EXPECT_EQ(FormatDecimal(5, 2), "0.05");
  EXPECT_EQ(FormatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(FormatDecimal(42, 0), "42");
  EXPECT_EQ(FormatDecimal(999999999999, 2), "9999999999.99");
}

TEST(DecimalTest, DoublesAreTheNearestToTheDecimal) {
  EXPECT_EQ(ToDouble(12345, 3), 12.345);
  EXPECT_EQ(ToDouble(10, 2), 0.1);
}

}  // namespace
}  // namespace nedlia::domain
