// The behaviour of the migrated schema that its catalog cannot show: version and updated_at
// kept by triggers, the overlap exclusion, and placement_details shaped like the spec's view.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "pg/errors.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

constexpr const char* kAdvertiser = "00000000-0000-7000-8000-0000000000a1";
constexpr const char* kProduct = "00000000-0000-7000-8000-0000000000b1";
constexpr const char* kOtherProduct = "00000000-0000-7000-8000-0000000000b2";
constexpr const char* kVideo = "00000000-0000-7000-8000-0000000000c1";
constexpr const char* kCampaign = "00000000-0000-7000-8000-0000000000d1";
constexpr const char* kPlacement = "00000000-0000-7000-8000-0000000000e1";

class SchemaBehaviourTest : public ::testing::Test {
 protected:
  TestDatabase database_;
  pg::Connection connection_ = database_.Connect();

  void SetUp() override {
    connection_.Execute(
        "INSERT INTO advertisers (id, name, contact_email) VALUES ($1, 'Acme', 'ads@acme.test')",
        pg::Params(kAdvertiser));
    connection_.Execute(
        "INSERT INTO products (id, advertiser_id, name, category) VALUES "
        "($1, $3, 'Cola', 'drinks'), ($2, $3, 'Chips', 'snacks')",
        pg::Params(kProduct, kOtherProduct, kAdvertiser));
    connection_.Execute("INSERT INTO videos (id, title, duration) VALUES ($1, 'Clip', 120)",
                        pg::Params(kVideo));
    connection_.Execute(
        "INSERT INTO campaigns (id, advertiser_id, name, budget, start_date, end_date) "
        "VALUES ($1, $2, 'Spring', 1000, '2026-03-01', '2026-06-01')",
        pg::Params(kCampaign, kAdvertiser));
    connection_.Execute(
        "INSERT INTO placements (id, video_id, product_id, start_time, end_time, description) "
        "VALUES ($1, $2, $3, 100, 110, 'intro')",
        pg::Params(kPlacement, kVideo, kProduct));
  }

  /// Inserts an active (unless told) placement of `product` in the video over [start, end).
  void Place(const char* product, int start, int end, const std::string& status = "active") {
    connection_.Execute(
        "INSERT INTO placements (video_id, product_id, start_time, end_time, status) "
        "VALUES ($1, $2, $3, $4, $5)",
        pg::Params(kVideo, product, start, end, status));
  }

  /// The name of the constraint an ExclusionViolation reports, or "" when nothing was thrown.
  std::string ExclusionViolated(const std::function<void()>& statement) {
    try {
      statement();
    } catch (const pg::ExclusionViolation& error) {
      return error.Constraint();
    }
    return "";
  }
};

struct VersionedTable {
  const char* table;
  const char* text_column;  ///< a column a real change can write 'changed' into
};

constexpr VersionedTable kVersionedTables[] = {
    {"advertisers", "name"}, {"campaigns", "name"},         {"products", "name"},
    {"videos", "title"},     {"placements", "description"},
};

TEST_F(SchemaBehaviourTest, VersionBumpsByOneOnARealChangeAndNotOnANoOpUpdate) {
  for (const auto& [table, column] : kVersionedTables) {
    const std::string t(table);
    const std::string c(column);
    const std::string read = "SELECT version, updated_at::text FROM " + t + " ORDER BY id LIMIT 1";
    const auto [version, updated_at] = connection_.Execute(read).Single().As<int, std::string>();
    EXPECT_EQ(version, 1) << t;

    const auto no_op = connection_.Execute("UPDATE " + t + " SET " + c + " = " + c);
    EXPECT_GT(no_op.AffectedRows(), 0) << t << ": a no-op still matches its rows";
    const auto after_no_op = connection_.Execute(read).Single().As<int, std::string>();
    EXPECT_EQ(after_no_op, std::make_tuple(1, updated_at))
        << t << ": a no-op UPDATE changed version or updated_at";

    connection_.Execute("UPDATE " + t + " SET " + c + " = 'changed'");
    const auto [new_version, new_updated_at] =
        connection_.Execute(read).Single().As<int, std::string>();
    EXPECT_EQ(new_version, 2) << t;
    EXPECT_NE(new_updated_at, updated_at) << t;
  }
}

TEST_F(SchemaBehaviourTest, TheDatabaseOwnsVersionWhateverTheStatementWrites) {
  connection_.Execute("UPDATE placements SET version = version + 1, description = 'outro'");
  EXPECT_EQ(connection_.Execute("SELECT version FROM placements").Single()[0].As<int>(), 2);
  connection_.Execute("UPDATE placements SET version = 42");
  EXPECT_EQ(connection_.Execute("SELECT version FROM placements").Single()[0].As<int>(), 2)
      << "writing only version is a no-op";
}

TEST_F(SchemaBehaviourTest, UpdatedAtChangesOnTablesWithoutVersion) {
  connection_.Execute("INSERT INTO validation_runs (video_id) VALUES ($1)", pg::Params(kVideo));
  const std::string read = "SELECT updated_at::text FROM validation_runs";
  const std::string before = connection_.Execute(read).Single()[0].As<std::string>();
  connection_.Execute("UPDATE validation_runs SET status = status");
  EXPECT_EQ(connection_.Execute(read).Single()[0].As<std::string>(), before);
  connection_.Execute("UPDATE validation_runs SET status = 'running', started_at = now()");
  const std::string running = connection_.Execute(read).Single()[0].As<std::string>();
  EXPECT_NE(running, before);
}

TEST_F(SchemaBehaviourTest, EveryColumnOfAValidationRunCountsAsAChange) {
  // Its trigger lists the columns (issues is json, which has no equality operator): a change
  // to each one sets updated_at, a rewrite of the same value does not. A column missing here
  // fails the first check.
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"id", "gen_random_uuid()"},
      {"video_id", "(SELECT id FROM videos WHERE title = 'Other')"},
      {"status", "'failed'"},
      {"started_at", "now() - interval '1 hour'"},
      {"completed_at", "now()"},
      {"issues", "'[{\"issue_type\": \"x\"}]'"},
      {"summary", "'{\"is_valid\": false}'"},
      {"created_at", "now() - interval '2 hours'"},
      {"requested_by", "gen_random_uuid()"},
      {"deleted_at", "now()"},
      {"created_by", "gen_random_uuid()"}};
  std::string listed;
  for (const auto& [column, value] : changes)
    listed += (listed.empty() ? "" : ",") + column;
  EXPECT_EQ(connection_
                .Execute("SELECT string_agg(column_name::text, ',' ORDER BY ordinal_position) FROM "
                         "information_schema.columns WHERE table_name = 'validation_runs' AND "
                         "column_name <> 'updated_at'")
                .Single()[0]
                .As<std::string>(),
            listed);

  connection_.Execute("INSERT INTO videos (title, duration) VALUES ('Other', 60)");
  connection_.Execute("INSERT INTO validation_runs (video_id) VALUES ($1)", pg::Params(kVideo));
  const std::string read = "SELECT updated_at::text FROM validation_runs";
  for (const auto& [column, value] : changes) {
    const std::string before = connection_.Execute(read).Single()[0].As<std::string>();
    connection_.Execute("UPDATE validation_runs SET " + column + " = " + column);
    EXPECT_EQ(connection_.Execute(read).Single()[0].As<std::string>(), before)
        << column << ": rewriting the same value is no change";
    connection_.Execute("UPDATE validation_runs SET " + column + " = " + value);
    EXPECT_NE(connection_.Execute(read).Single()[0].As<std::string>(), before) << column;
  }
}

TEST_F(SchemaBehaviourTest, OverlappingActivePlacementsOfOneProductInOneVideoAreRejected) {
  Place(kProduct, 0, 10);
  EXPECT_EQ(ExclusionViolated([&] { Place(kProduct, 5, 15); }), "excl_placements_active_overlap");
  EXPECT_EQ(ExclusionViolated([&] { Place(kProduct, 2, 3); }), "excl_placements_active_overlap")
      << "a range inside another overlaps it";
}

TEST_F(SchemaBehaviourTest, TouchingRangesOtherProductsDraftsAndDeletedRowsDoNotConflict) {
  Place(kProduct, 0, 10);
  EXPECT_NO_THROW(Place(kProduct, 10, 20)) << "[0,10) and [10,20) only touch";
  EXPECT_NO_THROW(Place(kOtherProduct, 0, 10)) << "another product";
  EXPECT_NO_THROW(Place(kProduct, 5, 15, "draft")) << "a draft";
  EXPECT_NO_THROW(Place(kProduct, 5, 15, "archived")) << "an archived placement";
  connection_.Execute("UPDATE placements SET deleted_at = now() WHERE start_time = 0");
  EXPECT_NO_THROW(Place(kProduct, 0, 5)) << "a deleted placement no longer counts";
}

TEST_F(SchemaBehaviourTest, ActivatingAnOverlappingDraftIsRejected) {
  Place(kProduct, 0, 10);
  Place(kProduct, 5, 15, "draft");
  EXPECT_EQ(ExclusionViolated([&] {
              connection_.Execute("UPDATE placements SET status = 'active' WHERE status = 'draft'");
            }),
            "excl_placements_active_overlap");
}

TEST_F(SchemaBehaviourTest, PlacementDetailsHasTheSpecificationsViewColumnsInOrder) {
  // The specification's view query, verbatim, as a temporary view: the table must start with
  // exactly its columns (names and types, in order), then advertiser_id and updated_at.
  connection_.Execute(R"sql(
      CREATE TEMPORARY VIEW spec_placement_details AS
      SELECT
          p.id,
          p.video_id,
          v.title AS video_title,
          p.product_id,
          pr.name AS product_name,
          pr.category AS product_category,
          a.name AS advertiser_name,
          p.start_time,
          p.end_time,
          p.description,
          p.status,
          p.file_url,
          p.created_at
      FROM placements p
      JOIN videos v ON p.video_id = v.id
      JOIN products pr ON p.product_id = pr.id
      JOIN advertisers a ON pr.advertiser_id = a.id
      WHERE p.deleted_at IS NULL)sql");
  const std::string columns_of =
      "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' "
      "ORDER BY attnum) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
      "AND NOT attisdropped";
  const std::string view = connection_.Execute(columns_of, pg::Params("spec_placement_details"))
                               .Single()[0]
                               .As<std::string>();
  const std::string table = connection_.Execute(columns_of, pg::Params("placement_details"))
                                .Single()[0]
                                .As<std::string>();
  EXPECT_EQ(table, view + ", advertiser_id uuid, updated_at timestamp with time zone");

  // A projection of the view's rows fits the table as is.
  connection_.Execute(
      "INSERT INTO placement_details SELECT s.*, pr.advertiser_id FROM spec_placement_details s "
      "JOIN products pr ON pr.id = s.product_id");
  const auto row = connection_.Execute(
      "SELECT video_title, product_name, advertiser_name, start_time::text FROM placement_details "
      "WHERE id = $1",
      pg::Params(kPlacement));
  const auto projected = row.Single().As<std::string, std::string, std::string, std::string>();
  EXPECT_EQ(projected, std::make_tuple("Clip", "Cola", "Acme", "100.000"));
}

TEST_F(SchemaBehaviourTest, CampaignProductsLinkAndGoWithTheirCampaign) {
  connection_.Execute("INSERT INTO campaign_products (campaign_id, product_id) VALUES ($1, $2)",
                      pg::Params(kCampaign, kProduct));
  EXPECT_THROW(
      connection_.Execute("INSERT INTO campaign_products (campaign_id, product_id) VALUES ($1, $2)",
                          pg::Params(kCampaign, kProduct)),
      pg::UniqueViolation);
  connection_.Execute("DELETE FROM campaigns WHERE id = $1", pg::Params(kCampaign));
  EXPECT_EQ(
      connection_.Execute("SELECT count(*) FROM campaign_products").Single()[0].As<std::int64_t>(),
      0);
}

}  // namespace
}  // namespace nedlia::testing
