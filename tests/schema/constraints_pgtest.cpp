// Every CHECK, foreign key and exclusion constraint of the schema at head rejects a bad row,
// and the triggers keep updated_at and version.
#include <gtest/gtest.h>

#include "pg/errors.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

constexpr const char* kAdvertiser = "00000000-0000-7000-8000-000000000001";
constexpr const char* kProduct = "00000000-0000-7000-8000-000000000002";
constexpr const char* kVideo = "00000000-0000-7000-8000-000000000003";
constexpr const char* kCampaign = "00000000-0000-7000-8000-000000000004";

class ConstraintsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_.Execute(
        "INSERT INTO advertisers (id, name, contact_email) VALUES ($1, 'Acme', 'ads@acme.test')",
        pg::Params(kAdvertiser));
    connection_.Execute("INSERT INTO products (id, advertiser_id, name) VALUES ($1, $2, 'Cola')",
                        pg::Params(kProduct, kAdvertiser));
    connection_.Execute("INSERT INTO videos (id, title, duration) VALUES ($1, 'Clip', 120)",
                        pg::Params(kVideo));
    connection_.Execute(
        "INSERT INTO campaigns (id, advertiser_id, name, budget, start_date, end_date) "
        "VALUES ($1, $2, 'Spring', 1000, '2026-03-01', '2026-06-01')",
        pg::Params(kCampaign, kAdvertiser));
  }

  /// Runs sql (which must fail) and returns the name of the constraint it broke.
  template <class Violation>
  std::string Violated(const std::string& sql) {
    try {
      connection_.Execute(sql);
    } catch (const Violation& error) {
      return error.Constraint();
    }
    ADD_FAILURE() << "accepted: " << sql;
    return "";
  }

  std::string Checked(const std::string& sql) { return Violated<pg::CheckViolation>(sql); }

  std::string Placement(const std::string& start, const std::string& end,
                        const std::string& status = "active") {
    return "INSERT INTO placements (video_id, product_id, start_time, end_time, status) VALUES ('" +
           std::string(kVideo) + "', '" + kProduct + "', " + start + ", " + end + ", '" + status +
           "')";
  }

  TestDatabase database_;
  pg::Connection connection_ = database_.Connect();
};

TEST_F(ConstraintsTest, AdvertiserChecksRejectBadRows) {
  EXPECT_EQ(Checked("UPDATE advertisers SET status = 'gone'"), "chk_status");
  EXPECT_EQ(Checked("UPDATE advertisers SET contact_email = 'not-an-email'"), "chk_contact_email");
}

TEST_F(ConstraintsTest, CampaignChecksRejectBadRows) {
  EXPECT_EQ(Checked("UPDATE campaigns SET spent = 1000.01"), "chk_budget");
  EXPECT_EQ(Checked("UPDATE campaigns SET end_date = start_date"), "chk_dates");
  EXPECT_EQ(Checked("UPDATE campaigns SET status = 'running'"), "chk_status");
  EXPECT_EQ(Checked("UPDATE campaigns SET budget = -1, spent = -2"), "chk_amounts");
  EXPECT_EQ(Checked("UPDATE campaigns SET currency = 'usd'"), "chk_currency");
}

TEST_F(ConstraintsTest, VideoChecksRejectBadRows) {
  EXPECT_EQ(Checked("UPDATE videos SET duration = 0"), "chk_duration");
  EXPECT_EQ(Checked("UPDATE videos SET status = 'deleted'"), "chk_status");
}

TEST_F(ConstraintsTest, PlacementChecksRejectBadRows) {
  EXPECT_EQ(Checked(Placement("10", "10")), "chk_time_range");
  EXPECT_EQ(Checked(Placement("-1", "5")), "chk_time_range");
  EXPECT_EQ(Checked(Placement("1", "5", "live")), "chk_status");
  connection_.Execute(Placement("1", "5"));
  EXPECT_EQ(Checked("UPDATE placements SET position = '[1,2]'"), "chk_position");
}

TEST_F(ConstraintsTest, ValidationRunChecksRejectBadRows) {
  const std::string insert =
      "INSERT INTO validation_runs (video_id, status, started_at, completed_at) VALUES ('" +
      std::string(kVideo) + "', ";
  EXPECT_EQ(Checked(insert + "'done', NULL, NULL)"), "chk_status");
  EXPECT_EQ(Checked(insert + "'completed', now(), now() - interval '1 minute')"),
            "chk_completed_after_started");
}

TEST_F(ConstraintsTest, ForeignKeysRejectDanglingReferences) {
  const std::string unknown = "00000000-0000-7000-8000-0000000000ff";
  EXPECT_NO_THROW(Violated<pg::ForeignKeyViolation>(
      "INSERT INTO products (advertiser_id, name) VALUES ('" + unknown + "', 'x')"));
  EXPECT_NO_THROW(Violated<pg::ForeignKeyViolation>(
      "INSERT INTO placements (video_id, product_id, start_time, end_time) VALUES ('" + unknown +
      "', '" + kProduct + "', 1, 2)"));
  EXPECT_NO_THROW(Violated<pg::ForeignKeyViolation>(
      "INSERT INTO campaign_products (campaign_id, product_id) VALUES ('" + std::string(kCampaign) +
      "', '" + unknown + "')"));
}

TEST_F(ConstraintsTest, OverlappingActivePlacementsOfOneProductInOneVideoAreRejected) {
  connection_.Execute(Placement("10", "20"));
  EXPECT_EQ(Violated<pg::ExclusionViolation>(Placement("15", "25")),
            "excl_placements_active_overlap");
  EXPECT_NO_THROW(connection_.Execute(Placement("20", "30"))) << "touching ranges do not overlap";
  EXPECT_NO_THROW(connection_.Execute(Placement("12", "18", "draft"))) << "drafts may overlap";
  connection_.Execute("UPDATE placements SET deleted_at = now() WHERE start_time = 10");
  EXPECT_NO_THROW(connection_.Execute(Placement("10", "15"))) << "deleted ones no longer count";
}

TEST_F(ConstraintsTest, RealUpdateBumpsVersionAndUpdatedAtButANoOpDoesNot) {
  auto read = [&] {
    return connection_.Execute("SELECT version, updated_at::text FROM videos")
        .Single()
        .As<int, std::string>();
  };
  const auto [version, updated_at] = read();
  EXPECT_EQ(version, 1);
  connection_.Execute("UPDATE videos SET title = title");
  EXPECT_EQ(read(), std::make_tuple(1, updated_at));
  connection_.Execute("UPDATE videos SET title = 'Renamed'");
  const auto [new_version, new_updated_at] = read();
  EXPECT_EQ(new_version, 2);
  EXPECT_GT(new_updated_at, updated_at);
}

}  // namespace
}  // namespace nedlia::testing
