#include "domain/uuid.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace nedlia::domain {
namespace {

TEST(UuidTest, CanonicalTextRoundTrips) {
  const auto uuid = Uuid::Parse("550E8400-e29b-41d4-a716-446655440000");
  ASSERT_TRUE(uuid.has_value());
  EXPECT_EQ(uuid->ToString(), "550e8400-e29b-41d4-a716-446655440000");
}

TEST(UuidTest, MalformedTextIsRejected) {
  EXPECT_FALSE(Uuid::Parse(""));
  EXPECT_FALSE(Uuid::Parse("550e8400e29b41d4a716446655440000"));
  EXPECT_FALSE(Uuid::Parse("550e8400-e29b-41d4-a716-44665544000g"));
  EXPECT_FALSE(Uuid::Parse("550e8400-e29b-41d4-a716_446655440000"));
  EXPECT_FALSE(Uuid::Parse("{550e8400-e29b-41d4-a716-446655440000}"));
}

TEST(UuidTest, NewV7HasVersionAndVariantBits) {
  const auto text = Uuid::NewV7().ToString();
  EXPECT_EQ(text[14], '7');
  EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos);
}

TEST(UuidTest, NewV7IsUniqueAndTimeOrderedAcrossMilliseconds) {
  std::set<Uuid> seen;
  for (int i = 0; i < 10000; ++i)
    seen.insert(Uuid::NewV7());
  EXPECT_EQ(seen.size(), 10000u);
  const Uuid earlier = Uuid::NewV7();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));  // not synchronisation: a new ms
  EXPECT_LT(earlier, Uuid::NewV7());
}

}  // namespace
}  // namespace nedlia::domain
