// Erasing an advertiser's personal data: POST /v1/advertisers/{id}/erasure and
// `nedlia advertisers erase`. The contact email, billing details, webhook URLs and secrets leave
// every table; ids, history and events stay; a second erasure changes nothing.
#include <gtest/gtest.h>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

constexpr const char* kEmail = "jane.doe@acme-contact.example";
constexpr const char* kIban = "DE89370400440532013000";
constexpr const char* kHookPath = "t0ken-in-the-path";

class ErasureTest : public ::testing::Test {
 protected:
  ErasureTest() {
    const auto created = api_.Call(
        "POST", "/v1/advertisers",
        json{{"name", "Acme"}, {"contact_email", kEmail}, {"billing_info", {{"iban", kIban}}}},
        {"Idempotency-Key: create-acme"});
    EXPECT_EQ(created.status, 201) << created.raw;
    advertiser_ = created.Id();
    const auto hook =
        api_.Call("POST", "/v1/webhooks",
                  json{{"advertiser_id", advertiser_},
                       {"url", std::string("https://hooks.acme.example/") + kHookPath},
                       {"event_types", {"com.nedlia.placement.created.v2"}}},
                  {"Idempotency-Key: hook-acme"});
    EXPECT_EQ(hook.status, 201) << hook.raw;
    webhook_ = hook.Id();
    // A delivery that failed, its error naming the receiver.
    api_.Sql().Execute(
        "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status, "
        "error) VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'x', '{}', 'failed', "
        "'Could not resolve host: hooks.acme.example/" +
            std::string(kHookPath) + "')",
        pg::Params(webhook_));
  }

  /// Rows of any table, partitions included, whose text holds `needle`.
  std::int64_t RowsHolding(const std::string& needle) {
    std::int64_t found = 0;
    pg::Connection sql = api_.Sql();
    for (const pg::Row table :
         sql.Execute("SELECT format('%I', table_name) FROM information_schema.tables "
                     "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
      const std::string name = table[0].As<std::string>();
      found += sql.Execute("SELECT count(*) FROM " + name + " t WHERE strpos(t::text, $1) > 0",
                           pg::Params(needle))
                   .Single()[0]
                   .As<std::int64_t>();
    }
    return found;
  }

  ApiReply Erase(const std::string& id, const std::optional<std::string>& key = std::nullopt) {
    return api_.Call("POST", "/v1/advertisers/" + id + "/erasure", std::nullopt, {}, key);
  }

  ApiFixture api_;
  std::string advertiser_;
  std::string webhook_;
};

TEST_F(ErasureTest, PersonalDataLeavesEveryTableWhileIdsHistoryAndEventsStay) {
  ASSERT_GT(RowsHolding(kEmail), 0);  // the probe finds what is there
  const std::int64_t events_before = api_.Count("SELECT count(*) FROM event_log");

  const auto erased = Erase(advertiser_);
  ASSERT_EQ(erased.status, 204) << erased.raw;

  for (const char* secret : {kEmail, kIban, kHookPath})
    EXPECT_EQ(RowsHolding(secret), 0) << secret << " is still stored";
  EXPECT_EQ(api_.Count("SELECT count(*) FROM webhooks WHERE secret <> 'whsec_erased'"), 0);
  const auto advertiser = api_.Call("GET", "/v1/advertisers/" + advertiser_);
  ASSERT_EQ(advertiser.status, 200);
  EXPECT_EQ(advertiser.body["data"]["contact_email"], "erased@erased.invalid");
  EXPECT_TRUE(advertiser.body["data"]["billing_info"].is_null());
  EXPECT_TRUE(advertiser.body["data"]["erased_at"].is_string());
  EXPECT_EQ(advertiser.body["data"]["name"], "Acme");
  EXPECT_EQ(api_.Call("GET", "/v1/webhooks/" + webhook_).status, 404);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM webhook_deliveries"), 1);  // history stays
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), events_before + 1);
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.erased.v1"),
            json({{"advertiser_id", advertiser_}, {"erased_by", api_.AdminKeyId()}}));

  // Again: the same answer, nothing changed.
  const std::string version = advertiser.body["data"]["version"].dump();
  EXPECT_EQ(Erase(advertiser_).status, 204);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.erased.v1"), 1);
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers/" + advertiser_).body["data"]["version"].dump(),
            version);
}

TEST_F(ErasureTest, OnlyAdminsEraseAnyAdvertiserLiveOrDeleted) {
  const std::string key = api_.AdvertiserKey(advertiser_);
  EXPECT_EQ(Erase(advertiser_, key).status, 403);
  EXPECT_EQ(Erase("0190a6f2-0000-7000-8000-0000000000ff").status, 404);
  EXPECT_EQ(Erase("not-a-uuid").status, 404);
  EXPECT_GT(RowsHolding(kEmail), 0);

  ASSERT_EQ(api_.Delete("/v1/advertisers/" + advertiser_, 1).status, 204);
  EXPECT_EQ(Erase(advertiser_).status, 204);
  EXPECT_EQ(RowsHolding(kEmail), 0);
}

TEST_F(ErasureTest, TheCommandLineErasesOnceAndSaysSo) {
  const std::string command = "NEDLIA_DATABASE_URL=" + ShellQuote(api_.Database().Url()) + " " +
                              ShellQuote(NedliaBinary()) + " advertisers erase ";
  const CommandResult first = RunCommand(command + advertiser_);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("erased the personal data of advertiser " + advertiser_),
            std::string::npos)
      << first.output;
  EXPECT_EQ(RowsHolding(kEmail), 0);
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.erased.v1")["erased_by"], nullptr);
  const CommandResult again = RunCommand(command + advertiser_);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("already erased"), std::string::npos) << again.output;
  const CommandResult bad = RunCommand(command + "nope");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("must be a UUID"), std::string::npos) << bad.output;
  EXPECT_EQ(RunCommand(command + "0190a6f2-0000-7000-8000-0000000000ff").exit_code, 1);
}

}  // namespace
}  // namespace nedlia::testing
