#include "http/connection_tracker.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nedlia::http {
namespace {

class ConnectionTrackerTest : public ::testing::Test {
 protected:
  std::uint64_t Add() {
    return tracker_.Add([this](std::uint64_t id) { asked_to_close_.push_back(id); });
  }

  int drained_ = 0;
  std::vector<std::uint64_t> asked_to_close_;
  ConnectionTracker tracker_{[this] { ++drained_; }};
};

TEST_F(ConnectionTrackerTest, NewConnectionsAreBusy) {
  const auto id = Add();
  EXPECT_FALSE(tracker_.IsIdle(id));
  EXPECT_TRUE(tracker_.MarkIdle(id));
  EXPECT_TRUE(tracker_.IsIdle(id));
  tracker_.MarkBusy(id);
  EXPECT_FALSE(tracker_.IsIdle(id));
}

TEST_F(ConnectionTrackerTest, StoppingAsksOnlyIdleConnectionsToClose) {
  const auto idle = Add();
  const auto busy = Add();
  tracker_.MarkIdle(idle);
  EXPECT_EQ(tracker_.BeginStop(), 2u);
  EXPECT_EQ(asked_to_close_, std::vector<std::uint64_t>{idle});
  EXPECT_TRUE(tracker_.Stopping());
  EXPECT_FALSE(tracker_.MarkIdle(busy)) << "a busy connection closes after its response";
}

TEST_F(ConnectionTrackerTest, DrainedIsReportedOnceWhenTheLastConnectionGoesAfterStopping) {
  const auto first = Add();
  const auto second = Add();
  tracker_.Remove(first);
  EXPECT_EQ(drained_, 0) << "not stopping yet";
  tracker_.BeginStop();
  tracker_.Remove(second);
  EXPECT_EQ(drained_, 1);
  tracker_.Remove(second);
  EXPECT_EQ(drained_, 1);
  EXPECT_EQ(tracker_.Count(), 0u);
}

TEST_F(ConnectionTrackerTest, RemovedConnectionIsNotIdle) {
  const auto id = Add();
  tracker_.MarkIdle(id);
  tracker_.Remove(id);
  EXPECT_FALSE(tracker_.IsIdle(id));
}

}  // namespace
}  // namespace nedlia::http
