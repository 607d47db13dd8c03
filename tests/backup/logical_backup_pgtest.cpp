// `backup create --logical` / `restore --logical` on the run's server: pg_dump into the object
// store and pg_restore out of it, refusing a damaged dump.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "support/backup_cluster.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;

class LogicalBackupTest : public ::testing::Test {
 protected:
  CommandResult Nedlia(const std::string& database_url, const std::string& args) {
    return RunCommand("env -u NEDLIA_S3_ENDPOINT NEDLIA_DATABASE_URL=" + ShellQuote(database_url) +
                      " NEDLIA_OBJECTS_DIR=" + ShellQuote(cluster_.Objects().string()) + " " +
                      ShellQuote(NedliaBinary()) + " " + args + " 2>&1");
  }

  std::string Backup() {
    auto connection = source_.Connect();
    connection.ExecuteScript(
        "CREATE TABLE letters (letter text PRIMARY KEY); "
        "INSERT INTO letters VALUES ('A'), ('B')");
    const auto created = Nedlia(source_.Url(), "backup create --logical");
    EXPECT_EQ(created.exit_code, 0) << created.output;
    std::smatch match;
    EXPECT_TRUE(std::regex_search(created.output, match, std::regex("backup (\\S+) created")))
        << created.output;
    return match.size() > 1 ? std::string(match[1]) : "";
  }

  static std::string Letters(const TestDatabase& database) {
    auto connection = database.Connect();
    const auto result = connection.Execute(
        "SELECT coalesce(string_agg(letter, ',' ORDER BY letter), '') FROM letters");
    return std::string(result[0][0].View());
  }

  BackupCluster cluster_;  // only its object store
  TestDatabase source_{Template::kEmpty};
  TestDatabase target_{Template::kEmpty};
};

TEST_F(LogicalBackupTest, RoundTripsADatabase) {
  const std::string id = Backup();
  const auto verify = Nedlia(source_.Url(), "backup verify " + id);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  const auto restored = Nedlia(source_.Url(), "backup restore --logical " + id +
                                                  " --database-url " + ShellQuote(target_.Url()));
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_EQ(Letters(target_), "A,B");
}

TEST_F(LogicalBackupTest, ACorruptDumpIsRefusedAndNothingIsRestored) {
  const std::string id = Backup();
  const fs::path dump = cluster_.Objects() / "backups" / id / "dump.pgdump";
  {
    std::fstream file(dump, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-10, std::ios::end);
    const char byte = static_cast<char>(file.get());
    file.seekp(-10, std::ios::end);
    file.put(static_cast<char>(byte ^ 0x5A));
  }
  const auto restored = Nedlia(source_.Url(), "backup restore --logical " + id +
                                                  " --database-url " + ShellQuote(target_.Url()));
  EXPECT_NE(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("is corrupt"), std::string::npos) << restored.output;
  auto connection = target_.Connect();
  EXPECT_EQ(connection.Execute("SELECT to_regclass('letters') IS NULL").Single()[0].As<bool>(),
            true);
}

TEST_F(LogicalBackupTest, ABaseBackupOfAnExternalDatabaseIsRefused) {
  const auto created = Nedlia(source_.Url(), "backup create");
  EXPECT_NE(created.exit_code, 0) << created.output;
  EXPECT_EQ(created.output.rfind("nedlia: NEDLIA_DATABASE_URL is set", 0), 0U) << created.output;
  EXPECT_FALSE(fs::exists(cluster_.Objects() / "backups"));
}

}  // namespace
}  // namespace nedlia::testing
