// Advertisers under concurrency: optimistic locking, and the row locks that keep a delete and
// a new product of the same advertiser from both succeeding.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class AdvertiserLockingTest : public ::testing::Test {
 protected:
  std::string Create() {
    const auto reply = api_.Call("POST", "/v1/advertisers",
                                 json{{"name", "Acme"}, {"contact_email", "ads@acme.example"}});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.Id();
  }

  ApiReply Patch(const std::string& id, const json& body, int version) {
    return api_.Call("PATCH", "/v1/advertisers/" + id, body, {IfMatch(version)});
  }

  ApiReply Delete(const std::string& id, int version) {
    return api_.Call("DELETE", "/v1/advertisers/" + id, std::nullopt, {IfMatch(version)});
  }

  ApiFixture api_;
};

TEST_F(AdvertiserLockingTest, ConcurrentPatchesWithOneIfMatchLetExactlyOneThrough) {
  const std::string id = Create();
  std::atomic<int> ok = 0, stale = 0, other = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      const auto reply = Patch(id, {{"name", "take " + std::to_string(i)}}, 1);
      (reply.status == 200 ? ok : reply.status == 412 ? stale : other)++;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(stale, 19);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.updated.v2"), 1);
}

TEST_F(AdvertiserLockingTest, DeleteWaitsForAProductBeingCreatedAndThenRefuses) {
  const std::string id = Create();
  pg::Connection writer = api_.Sql();
  writer.Execute("BEGIN");
  writer.Execute("INSERT INTO products (advertiser_id, name) VALUES ($1, 'Cola')", pg::Params(id));
  auto deletion = std::async(std::launch::async, [&] { return Delete(id, 1); });
  // The delete must wait for the uncommitted product, not miss it.
  EXPECT_EQ(deletion.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  writer.Execute("COMMIT");
  EXPECT_EQ(deletion.get().status, 409);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers WHERE deleted_at IS NULL"), 1);
}

TEST_F(AdvertiserLockingTest, ProductCreateWaitsForADeleteAndThenFindsNoAdvertiser) {
  const std::string id = Create();
  pg::Connection deleter = api_.Sql();
  deleter.Execute("BEGIN");
  deleter.Execute("SELECT FROM advertisers WHERE id = $1 FOR UPDATE", pg::Params(id));
  deleter.Execute("UPDATE advertisers SET deleted_at = now() WHERE id = $1", pg::Params(id));
  auto creation = std::async(std::launch::async, [&] {
    return api_.Call("POST", "/v1/products", json{{"advertiser_id", id}, {"name", "Cola"}});
  });
  EXPECT_EQ(creation.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  deleter.Execute("COMMIT");
  const auto reply = creation.get();
  EXPECT_EQ(reply.status, 422) << reply.raw;
  EXPECT_EQ(reply.ErrorPointers(), "/advertiser_id");
  EXPECT_EQ(api_.Count("SELECT count(*) FROM products"), 0);
}

}  // namespace
}  // namespace nedlia::testing
