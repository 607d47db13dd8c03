// Unauthenticated traffic through the real server: garbage tokens get the unknown-key answer
// without a query, and a flood of made-up keys is shed with 503 rather than queued on the pool.
#include <gtest/gtest.h>

#include <thread>

#include "app/api_keys.hpp"
#include "metrics/registry.hpp"
#include "support/api_fixture.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

std::uint64_t ProcessCounter(const std::string& name) {
  return metrics::Registry::Process().GetCounter(name, "").Value();
}

/// A key of the right shape that was never issued.
std::string MadeUpKey(char fill) {
  return "nedlia_" + std::string(43, fill);
}

class AuthenticationTest : public ::testing::Test {
 protected:
  ApiFixture api_;
};

TEST_F(AuthenticationTest, AMalformedTokenGetsTheUnknownKeyAnswerWithoutAQuery) {
  const std::uint64_t lookups = ProcessCounter("nedlia_api_key_lookups_total");
  const ApiReply malformed =
      api_.Call("GET", "/v1/advertisers", std::nullopt, {}, std::string("drop table api_keys"));
  EXPECT_EQ(ProcessCounter("nedlia_api_key_lookups_total"), lookups);
  const ApiReply unknown = api_.Call("GET", "/v1/advertisers", std::nullopt, {}, MadeUpKey('Q'));
  EXPECT_EQ(ProcessCounter("nedlia_api_key_lookups_total"), lookups + 1);
  EXPECT_EQ(malformed.status, 401);
  EXPECT_EQ(malformed.raw, unknown.raw) << "the shape tells a prober nothing";
  EXPECT_EQ(malformed.Header("WWW-Authenticate"), unknown.Header("WWW-Authenticate"));
}

TEST_F(AuthenticationTest, AFloodOfMadeUpKeysIsShedWith503InsteadOfWaitingForThePool) {
  pg::Connection locker = api_.Sql();
  locker.ExecuteScript("BEGIN; LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
  const std::uint64_t shed = ProcessCounter("nedlia_api_key_lookups_shed_total");
  std::vector<ApiReply> replies(5);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    clients.emplace_back([&, i] {
      replies[i] = api_.Call("GET", "/v1/advertisers", std::nullopt, {},
                             MadeUpKey(static_cast<char>('a' + i)));
    });
  }
  // Two lookups wait for the lock; the other three are answered at once.
  EXPECT_TRUE(
      WaitFor([&] { return ProcessCounter("nedlia_api_key_lookups_shed_total") >= shed + 3; }));
  locker.ExecuteScript("COMMIT");
  for (std::thread& client : clients)
    client.join();
  int unavailable = 0;
  for (const ApiReply& reply : replies) {
    if (reply.status == 503) {
      ++unavailable;
      EXPECT_EQ(reply.Header("Retry-After"), "1");
      EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
    } else {
      EXPECT_EQ(reply.status, 401) << reply.raw;
    }
  }
  EXPECT_EQ(unavailable, 3);
}

}  // namespace
}  // namespace nedlia::testing
