// A request's database time is bounded: whatever it waits for, its statement is cancelled at
// the deadline and the client gets 503 rather than a hung connection.
#include <gtest/gtest.h>

#include <chrono>

#include "pg/transaction.hpp"
#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

class RequestDeadlineTest : public ::testing::Test {
 protected:
  ApiFixture api_{std::chrono::milliseconds(500)};
};

TEST_F(RequestDeadlineTest, RequestBlockedOnALockAnswers503AtItsDeadlineAndNothingIsWritten) {
  const auto created =
      api_.Call("POST", "/v1/advertisers", json{{"name", "Acme"}, {"contact_email", "a@acme.io"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::string id = created.Id();
  const std::string patch_path = "/v1/advertisers/" + id;

  pg::Connection blocker = api_.Sql();
  blocker.ExecuteScript("BEGIN");
  blocker.Execute("SELECT 1 FROM advertisers WHERE id = $1 FOR UPDATE", pg::Params(id));

  const auto started = Clock::now();
  const auto reply = api_.Call("PATCH", patch_path, json{{"name", "Blocked"}}, {"If-Match: \"1\""});
  const auto waited = Clock::now() - started;
  EXPECT_EQ(reply.status, 503) << reply.raw;
  EXPECT_NE(reply.raw.find("did not finish within 500 ms"), std::string::npos) << reply.raw;
  EXPECT_GE(waited, std::chrono::milliseconds(450));
  EXPECT_LT(waited, std::chrono::seconds(3));

  blocker.ExecuteScript("ROLLBACK");
  // The pool dropped the cancelled connection; the next request runs normally.
  const auto retried =
      api_.Call("PATCH", patch_path, json{{"name", "Acme Two"}}, {"If-Match: \"1\""});
  EXPECT_EQ(retried.status, 200) << retried.raw;
  EXPECT_EQ(api_.Sql()
                .Execute("SELECT count(*) FROM event_log WHERE event_type = "
                         "'com.nedlia.advertiser.updated.v2'")
                .Single()[0]
                .As<std::int64_t>(),
            1);
}

}  // namespace
}  // namespace nedlia::testing
