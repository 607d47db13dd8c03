#pragma once

// A managed cluster of a backup test's own (not the run's shared server): its home, a
// filesystem object store and a free port under a fresh directory in /tmp, all removed after.
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_database.hpp"

namespace nedlia::testing {

class BackupCluster {
 public:
  BackupCluster();
  BackupCluster(const BackupCluster&) = delete;
  BackupCluster& operator=(const BackupCluster&) = delete;
  BackupCluster(BackupCluster&&) = delete;
  BackupCluster& operator=(BackupCluster&&) = delete;
  ~BackupCluster();

  /// `nedlia ARGS` with this test's object store and cluster settings.
  CommandResult Nedlia(const std::string& args) const;
  /// `nedlia db start` of the cluster in `home` on `port`; fails the test if it does not start.
  void Start(const std::filesystem::path& home, int port);
  /// The first value of the first row of `sql` on the cluster listening on `port`.
  std::string Query(int port, const std::string& sql) const;
  /// Forces a WAL segment switch and waits until that segment is archived.
  void SwitchAndArchiveWal(int port) const;

  const std::filesystem::path& Root() const { return root_; }
  std::filesystem::path Home() const { return root_ / "pg"; }
  std::filesystem::path Objects() const { return root_ / "objects"; }
  int Port() const { return port_; }

 private:
  std::filesystem::path root_;
  int port_;
  std::vector<std::filesystem::path> started_;
};

}  // namespace nedlia::testing
