// `nedlia backup wal-push` against an S3 endpoint that accepts a segment and then does not hold
// it as sent (lost, damaged, cut short): archive_command must not report success, or
// PostgreSQL recycles a segment that recovery would need. Needs no database: the endpoint is a
// scripted loopback server standing in for S3.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "support/scripted_http_server.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSegment = "000000010000000000000007";

/// What the endpoint keeps of a PUT body: all of it, a changed copy, or nothing.
using Keep = std::function<std::optional<std::string>(const std::string& body)>;

/// A bucket that answers HEAD, GET and PUT like S3 but stores what `keep` makes of a PUT.
class UnreliableBucket {
 public:
  explicit UnreliableBucket(Keep keep)
      : keep_(std::move(keep)),
        server_([this](const http::Request& request) { return Answer(request); }) {}

  std::string Url() const { return server_.Url(); }
  /// From the next request on, keeps what `keep` makes of a PUT body.
  void SetKeep(Keep keep) {
    std::lock_guard lock(mutex_);
    keep_ = std::move(keep);
  }

 private:
  http::Response Answer(const http::Request& request) {
    std::lock_guard lock(mutex_);
    if (request.method == http::Method::kPut) {
      if (auto kept = keep_(request.body))
        objects_[request.path] = std::move(*kept);
      return {.status = 200};
    }
    const auto found = objects_.find(request.path);
    if (found == objects_.end())
      return {.status = 404, .body = "<Error><Code>NoSuchKey</Code></Error>"};
    return {.status = 200, .body = found->second};
  }

  std::mutex mutex_;
  Keep keep_;
  std::map<std::string, std::string> objects_;
  ScriptedHttpServer server_;
};

class WalPushTest : public ::testing::Test {
 protected:
  WalPushTest() {
    fs::create_directories(dir_);
    std::ofstream(dir_ / kSegment) << std::string(64 * 1024, 'w') << "the end of the segment";
  }
  ~WalPushTest() override { fs::remove_all(dir_); }

  CommandResult PushTo(const UnreliableBucket& bucket) {
    return RunCommand("NEDLIA_S3_ENDPOINT=" + ShellQuote(bucket.Url()) +
                      " NEDLIA_S3_BUCKET=wal-test NEDLIA_S3_ACCESS_KEY_ID=k"
                      " NEDLIA_S3_SECRET_ACCESS_KEY=s " +
                      ShellQuote(NedliaBinary()) + " backup wal-push " +
                      ShellQuote((dir_ / kSegment).string()) + " " + kSegment + " 2>&1");
  }

  /// Fails unless the push failed the way PostgreSQL retries: status 1 (above 125 would stop
  /// the archiver), one line naming the segment's key.
  void ExpectRetried(const CommandResult& push) {
    EXPECT_EQ(push.exit_code, 1) << push.output;
    EXPECT_EQ(push.output.rfind("nedlia: ", 0), 0U) << push.output;
    EXPECT_NE(push.output.find(std::string("wal/") + kSegment + ".zst"), std::string::npos)
        << push.output;
    EXPECT_EQ(std::count(push.output.begin(), push.output.end(), '\n'), 1) << push.output;
  }

  fs::path dir_ = fs::temp_directory_path() / ("nedlia-wal-push-" + std::to_string(::getpid()));
};

TEST_F(WalPushTest, ASegmentStoredAsSentIsArchived) {
  const UnreliableBucket honest([](const std::string& body) { return body; });
  const CommandResult push = PushTo(honest);
  EXPECT_EQ(push.exit_code, 0) << push.output;
}

TEST_F(WalPushTest, ASegmentTheStoreLostIsNotReportedArchived) {
  const UnreliableBucket losing([](const std::string&) { return std::nullopt; });
  ExpectRetried(PushTo(losing));
}

TEST_F(WalPushTest, ASegmentTheStoreChangedIsNotReportedArchived) {
  const UnreliableBucket flipping([](std::string body) {
    body[body.size() / 2] ^= 0x01;
    return body;
  });
  ExpectRetried(PushTo(flipping));
}

TEST_F(WalPushTest, ASegmentTheStoreCutShortIsNotReportedArchived) {
  const UnreliableBucket truncating(
      [](const std::string& body) { return body.substr(0, body.size() - 1); });
  ExpectRetried(PushTo(truncating));
}

// The damaged copy a failed push left behind must not block the retry for ever (as "archived
// with different content" would): a copy that does not decompress is of no use to anyone.
TEST_F(WalPushTest, TheRetryReplacesTheDamagedCopyAFailedPushLeft) {
  UnreliableBucket bucket([](std::string body) {
    body[body.size() / 2] ^= 0x01;
    return body;
  });
  ExpectRetried(PushTo(bucket));
  bucket.SetKeep([](const std::string& body) { return body; });
  const CommandResult retry = PushTo(bucket);
  ASSERT_EQ(retry.exit_code, 0) << retry.output;

  const fs::path fetched = dir_ / "fetched";
  const CommandResult fetch = RunCommand("NEDLIA_S3_ENDPOINT=" + ShellQuote(bucket.Url()) +
                                         " NEDLIA_S3_BUCKET=wal-test NEDLIA_S3_ACCESS_KEY_ID=k"
                                         " NEDLIA_S3_SECRET_ACCESS_KEY=s " +
                                         ShellQuote(NedliaBinary()) + " backup wal-fetch " +
                                         kSegment + " " + ShellQuote(fetched.string()) + " 2>&1");
  ASSERT_EQ(fetch.exit_code, 0) << fetch.output;
  std::ifstream original(dir_ / kSegment), restored(fetched);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(restored), {}),
            std::string(std::istreambuf_iterator<char>(original), {}));
}

}  // namespace
}  // namespace nedlia::testing
