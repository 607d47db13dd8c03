// The specification's rename example (placements.start_time -> time_start) as the three
// migrations of examples/expand-contract/ (expand, migrate the data in batches, contract), run on
// top of the real chain: between the phases both the previous and the new version of the
// application's placement queries work; after the contract only the new version's do.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "domain/uuid.hpp"
#include "migrate/expand_contract_release.hpp"
#include "migrate/lint.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "migrate/schema_dump.hpp"
#include "migrate/script_directory.hpp"
#include "pg/errors.hpp"
#include "support/test_database.hpp"

namespace nedlia::migrate {
namespace {

using testing::MigrationFiles;
using testing::ShellQuote;
using testing::Template;
using testing::TestDatabase;

constexpr const char* kAdvertiser = "00000000-0000-4000-8000-00000000000a";
constexpr const char* kProduct = "00000000-0000-4000-8000-00000000000b";
constexpr const char* kVideo = "00000000-0000-4000-8000-00000000000c";

constexpr const char* kUndefinedColumn = "42703";
constexpr const char* kOverlap = "excl_placements_active_overlap";

/// The placement statements of one version of the application (those of
/// store/placement_rows.cpp), written with the start column that version knows.
struct AppVersion {
  explicit AppVersion(const std::string& start)
      : insert("INSERT INTO placements (id, video_id, product_id, " + start +
               ", end_time, description, position, status, file_url, created_by) "
               "VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6, $7::jsonb, $8, $9, $10)"),
        update("UPDATE placements AS p SET " + start +
               " = $2::numeric, end_time = $3::numeric, description = $4, position = $5::jsonb, "
               "status = $6, file_url = $7 WHERE id = $1 AND deleted_at IS NULL"),
        find("SELECT p." + start +
             "::text, p.end_time::text, p.version FROM placements p "
             "JOIN products pr ON pr.id = p.product_id WHERE p.id = $1 AND p.deleted_at IS NULL") {}

  std::string insert;
  std::string update;
  std::string find;
};

const AppVersion kOld("start_time");
const AppVersion kNew("time_start");

/// What a version's find returns.
struct Seen {
  std::string start;
  std::string end;
  std::int32_t version;
};

/// The dump without the line of placements.start_time: added back by a downgrade, the column
/// comes last (PostgreSQL cannot put a column back in its place), so its line moves.
std::string WithoutStartTimeColumn(std::string dump) {
  const std::string table = "CREATE TABLE public.placements (\n";
  const std::string column = "    start_time numeric(10,3) NOT NULL,\n";
  const auto begin = dump.find(table);
  const auto end = dump.find("\n);\n", begin);
  const auto at = dump.find(column, begin);
  if (begin == std::string::npos || at == std::string::npos || at > end) {
    ADD_FAILURE() << "no start_time column in placements:\n" << dump;
    return dump;
  }
  return dump.erase(at, column.size());
}

/// The SQLSTATE a statement fails with; empty when it succeeds.
template <class Statement>
std::string SqlStateOf(Statement run) {
  try {
    run();
  } catch (const pg::Error& error) {
    return error.SqlState();
  }
  return "";
}

/// The constraint a statement violates; empty when it succeeds.
template <class Statement>
std::string ViolatedConstraint(Statement run) {
  try {
    run();
  } catch (const pg::IntegrityViolation& error) {
    return error.Constraint();
  }
  return "";
}

std::string NewId() {
  return domain::Uuid::NewV7().ToString();
}

class ExpandContractTest : public ::testing::Test {
 protected:
  void UpgradeTo(const std::string& target) { Migrator(connection_, scripts_).Upgrade(target); }
  void DowngradeTo(const std::string& target) { Migrator(connection_, scripts_).Downgrade(target); }

  /// The real chain's head, with an advertiser, a product and a video to place.
  void StartAtTheRealHead() {
    UpgradeTo(real_head_);
    connection_.Execute(
        "INSERT INTO advertisers (id, name, contact_email) VALUES ($1, 'Acme', 'ads@acme.test')",
        pg::Params(kAdvertiser));
    connection_.Execute("INSERT INTO products (id, advertiser_id, name) VALUES ($1, $2, 'Soda')",
                        pg::Params(kProduct, kAdvertiser));
    connection_.Execute("INSERT INTO videos (id, title, duration) VALUES ($1, 'Trailer', 100000)",
                        pg::Params(kVideo));
  }

  /// `count` placements written by the old version at [n, n + 0.5) seconds, in one statement.
  void AddOldRows(int count) {
    connection_.Execute(
        "INSERT INTO placements (video_id, product_id, start_time, end_time) "
        "SELECT $1, $2, n, n + 0.5 FROM generate_series(0, $3 - 1) AS n",
        pg::Params(kVideo, kProduct, std::int32_t{count}));
  }

  void Insert(const AppVersion& app, const std::string& id, const std::string& start,
              const std::string& end) {
    connection_.Execute(app.insert, pg::Params(id, kVideo, kProduct, start, end, "a placement",
                                               std::nullopt, "active", std::nullopt, std::nullopt));
  }

  void Update(const AppVersion& app, const std::string& id, const std::string& start,
              const std::string& end) {
    connection_.Execute(app.update,
                        pg::Params(id, start, end, "moved", std::nullopt, "active", std::nullopt));
  }

  Seen Find(const AppVersion& app, const std::string& id) {
    const auto [start, end, version] = connection_.Execute(app.find, pg::Params(id))
                                           .Single()
                                           .As<std::string, std::string, std::int32_t>();
    return {start, end, version};
  }

  std::int64_t Count(const std::string& where) {
    return connection_.Execute("SELECT count(*) FROM placements WHERE " + where)
        .Single()[0]
        .As<std::int64_t>();
  }

  /// Every placement's id and the transaction that last wrote it (a row rewritten gets a new
  /// xmin, even with the same values).
  std::string RowWrites() {
    return connection_
        .Execute("SELECT string_agg(id || ' ' || xmin, ',' ORDER BY id) FROM placements")
        .Single()[0]
        .As<std::string>();
  }

  /// Every placement's times and bookkeeping, for comparing before and after.
  std::string RowContents() {
    return connection_
        .Execute(
            "SELECT string_agg(concat_ws(' ', id, start_time, end_time, version, updated_at), "
            "E'\\n' ORDER BY id) FROM placements")
        .Single()[0]
        .As<std::string>();
  }

  MigrationFiles files_;
  std::string real_head_ = RealHead();
  ScriptDirectory scripts_ = CopyAndLoad(files_.Dir(), real_head_);
  TestDatabase database_{Template::kEmpty};
  pg::Connection connection_ = database_.Connect();
};

TEST_F(ExpandContractTest, TheExampleChainsOntoTheRealHeadAndPassesTheLint) {
  EXPECT_EQ(scripts_.Heads(), (RevisionSet{kContract}));
  EXPECT_EQ(scripts_.Resolve(kExpand).down_revisions, std::vector<std::string>{real_head_});
  EXPECT_FALSE(scripts_.Resolve(kBackfill).transactional);
  // The lint part of `nedlia migrate check` (its drift part compares with schema/, which
  // keeps start_time: the example stays out of the real chain).
  std::string findings;
  for (const migrate::LintFinding& finding : migrate::LintMigrations(scripts_))
    findings += finding.location + ": [" + finding.rule + "] " + finding.message + "\n";
  EXPECT_EQ(findings, "");
}

TEST_F(ExpandContractTest, BeforeTheExpandOnlyTheOldVersionsQueriesWork) {
  StartAtTheRealHead();
  const std::string id = NewId();
  Insert(kOld, id, "10", "20");
  Update(kOld, id, "11", "20");
  const Seen seen = Find(kOld, id);
  EXPECT_EQ(seen.start, "11.000");
  EXPECT_EQ(seen.version, 2);
  EXPECT_EQ(SqlStateOf([&] { Insert(kNew, NewId(), "30", "40"); }), kUndefinedColumn);
  EXPECT_EQ(SqlStateOf([&] { Find(kNew, id); }), kUndefinedColumn);
}

TEST_F(ExpandContractTest, AfterTheExpandEachVersionReadsWhatTheOtherWrote) {
  StartAtTheRealHead();
  UpgradeTo(kExpand);

  const std::string old_row = NewId();
  Insert(kOld, old_row, "10", "20");
  EXPECT_EQ(Find(kNew, old_row).start, "10.000");
  Update(kOld, old_row, "12.5", "20");
  const Seen old_write = Find(kNew, old_row);
  EXPECT_EQ(old_write.start, "12.500");
  EXPECT_EQ(old_write.version, 2) << "one change, one version, the copy included";

  const std::string new_row = NewId();
  Insert(kNew, new_row, "30", "40");
  EXPECT_EQ(Find(kOld, new_row).start, "30.000");
  Update(kNew, new_row, "31.25", "40");
  const Seen new_write = Find(kOld, new_row);
  EXPECT_EQ(new_write.start, "31.250");
  EXPECT_EQ(new_write.version, 2);

  // The rules on start_time hold for the new version's writes, whose start_time the trigger
  // fills before they are checked.
  EXPECT_EQ(ViolatedConstraint([&] { Insert(kNew, NewId(), "15", "25"); }), kOverlap);
  EXPECT_EQ(ViolatedConstraint([&] { Update(kNew, new_row, "15", "40"); }), kOverlap);
  EXPECT_EQ(ViolatedConstraint([&] { Insert(kOld, NewId(), "35", "45"); }), kOverlap);
  EXPECT_EQ(ViolatedConstraint([&] { Insert(kNew, NewId(), "50", "49"); }), "chk_time_range");
  EXPECT_EQ(Count("true"), 2);
}

TEST_F(ExpandContractTest, TheBackfillFillsEveryRowInBatchesAndRunAgainChangesNothing) {
  StartAtTheRealHead();
  AddOldRows(2500);
  UpgradeTo(kExpand);
  EXPECT_EQ(Count("time_start IS NULL"), 2500) << "the rows from before wait for the backfill";
  const std::string new_row = NewId();
  Insert(kNew, new_row, "5000", "5001");

  UpgradeTo(kBackfill);
  EXPECT_EQ(Count("true"), 2501);
  EXPECT_EQ(Count("time_start IS DISTINCT FROM start_time"), 0);
  EXPECT_EQ(connection_
                .Execute("SELECT count(DISTINCT xmin::text) FROM placements WHERE id <> $1",
                         pg::Params(new_row))
                .Single()[0]
                .As<std::int64_t>(),
            3)
      << "2500 rows in batches of 1000, each committed on its own";
  EXPECT_EQ(Count("version <> 1 OR updated_at <> created_at"), 0)
      << "a derived write: no placement changed, so no version moved";
  EXPECT_TRUE(connection_
                  .Execute("SELECT attnotnull FROM pg_attribute "
                           "WHERE attrelid = 'placements'::regclass AND attname = 'time_start'")
                  .Single()[0]
                  .As<bool>());

  const std::string writes = RowWrites();
  DowngradeTo(kExpand);
  UpgradeTo(kBackfill);
  EXPECT_EQ(RowWrites(), writes) << "run again, the backfill rewrote no row";

  // time_start is NOT NULL now, and the old version, which leaves it out, still inserts.
  const std::string old_row = NewId();
  Insert(kOld, old_row, "6000", "6001");
  EXPECT_EQ(Find(kNew, old_row).start, "6000.000");
  Update(kNew, new_row, "5000.5", "5001");
  EXPECT_EQ(Find(kOld, new_row).start, "5000.500");
}

TEST_F(ExpandContractTest, AfterTheContractOnlyTheNewVersionsQueriesWork) {
  StartAtTheRealHead();
  const std::string old_row = NewId();
  Insert(kOld, old_row, "10", "20");
  UpgradeTo(kContract);

  EXPECT_EQ(Find(kNew, old_row).start, "10.000");
  const std::string id = NewId();
  Insert(kNew, id, "30", "40");
  Update(kNew, id, "31", "40");
  const Seen seen = Find(kNew, id);
  EXPECT_EQ(seen.start, "31.000");
  EXPECT_EQ(seen.version, 2);

  EXPECT_EQ(SqlStateOf([&] { Insert(kOld, NewId(), "50", "60"); }), kUndefinedColumn);
  EXPECT_EQ(SqlStateOf([&] { Update(kOld, id, "32", "40"); }), kUndefinedColumn);
  EXPECT_EQ(SqlStateOf([&] { Find(kOld, id); }), kUndefinedColumn);

  // The rules now stand on time_start, under their old names.
  EXPECT_EQ(ViolatedConstraint([&] { Insert(kNew, NewId(), "15", "25"); }), kOverlap);
  EXPECT_EQ(ViolatedConstraint([&] { Insert(kNew, NewId(), "50", "49"); }), "chk_time_range");
  // The read model's definition keeps the column name its projector copies.
  EXPECT_EQ(connection_
                .Execute("SELECT start_time::text FROM placement_details_definition WHERE id = $1",
                         pg::Params(id))
                .Single()[0]
                .As<std::string>(),
            "31.000");
}

TEST_F(ExpandContractTest, DowngradeFromTheContractRestoresTheSchemaAndKeepsTheData) {
  StartAtTheRealHead();
  AddOldRows(1500);
  const std::string id = NewId();
  Insert(kOld, id, "5000.125", "5001");
  const std::string schema = testing::SchemaDumpOf(database_.Url());
  const std::string rows = RowContents();

  UpgradeTo(kContract);
  DowngradeTo(real_head_);
  EXPECT_EQ(WithoutStartTimeColumn(testing::SchemaDumpOf(database_.Url())),
            WithoutStartTimeColumn(schema));
  EXPECT_EQ(RowContents(), rows) << "the same start_time values, no version moved";

  Update(kOld, id, "5000.5", "5001");
  EXPECT_EQ(Find(kOld, id).start, "5000.500");
  EXPECT_EQ(SqlStateOf([&] { Find(kNew, id); }), kUndefinedColumn);
}

}  // namespace
}  // namespace nedlia::migrate
