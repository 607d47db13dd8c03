#include "support/backup_cluster.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <stdexcept>

#include "pg/connection.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;

}  // namespace

BackupCluster::BackupCluster() : port_(FreeLoopbackPort()) {
  std::string pattern = "/tmp/nedlia-backup-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  root_ = pattern;
  // As root, the server runs as postgres, which must get in (and read the object store).
  fs::permissions(root_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec |
                             fs::perms::group_read | fs::perms::others_read);
}

BackupCluster::~BackupCluster() {
  for (const auto& home : started_) {
    Nedlia("db stop --dir " + ShellQuote(home.string()));
  }
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

CommandResult BackupCluster::Nedlia(const std::string& args) const {
  return RunCommand("env -u NEDLIA_DATABASE_URL -u NEDLIA_S3_ENDPOINT NEDLIA_OBJECTS_DIR=" +
                    ShellQuote(Objects().string()) + " NEDLIA_PG_DIR=" +
                    ShellQuote(Home().string()) + " NEDLIA_PG_PORT=" + std::to_string(port_) + " " +
                    ShellQuote(NedliaBinary()) + " " + args + " 2>&1");
}

void BackupCluster::Start(const fs::path& home, int port) {
  const auto started =
      Nedlia("db start --dir " + ShellQuote(home.string()) + " --port " + std::to_string(port));
  ASSERT_EQ(started.exit_code, 0) << started.output;
  started_.push_back(home);
}

std::string BackupCluster::Query(int port, const std::string& sql) const {
  auto connection =
      pg::Connection::Open("postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/nedlia");
  const auto result = connection.Execute(sql);
  return result.Empty() || result[0][0].IsNull() ? "" : std::string(result[0][0].View());
}

void BackupCluster::SwitchAndArchiveWal(int port) const {
  // The segment holding the switch record's last byte: the one the switch completed.
  const std::string segment = Query(port, "SELECT pg_walfile_name(pg_switch_wal() - 1)");
  const auto archived = [&] {
    return Query(port, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") >= segment;
  };
  ASSERT_TRUE(WaitFor(archived, std::chrono::seconds(60)))
      << "WAL segment " << segment << " was not archived within 60 s";
}

}  // namespace nedlia::testing
