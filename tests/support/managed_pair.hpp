#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "pg/connection.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {

/// A managed primary and its streaming replica of a test's own (not the run's shared server),
/// driven through the real `nedlia` binary, in a directory under /tmp (the postgres OS user must
/// reach it when the tests run as root). Both are stopped and the directory deleted on
/// destruction.
class ManagedPair {
 public:
  /// `name` tells the directory apart (the test's name).
  explicit ManagedPair(std::string_view name);
  ManagedPair(const ManagedPair&) = delete;
  ManagedPair& operator=(const ManagedPair&) = delete;
  ManagedPair(ManagedPair&&) = delete;
  ManagedPair& operator=(ManagedPair&&) = delete;
  ~ManagedPair();

  /// `nedlia ARGUMENTS` (stdout and stderr) with this pair's environment: NEDLIA_PG_DIR
  /// DIR/pg, no NEDLIA_DATABASE_URL. `environment` (VAR=value words) comes after it and wins.
  CommandResult Nedlia(const std::string& arguments, const std::string& environment = "") const;
  /// The environment Nedlia runs with, as VAR=value words ending in a space.
  std::string Environment() const;

  /// `db start`, `migrate upgrade head`, `db replica create --port` (the replica "replica");
  /// fails the test (gtest ASSERT) when one fails.
  void StartPrimaryAndReplica();

  /// Connections over each one's Unix socket (whatever it is now: standby or primary).
  pg::Connection Primary();
  pg::Connection Replica();
  /// postgresql://postgres@127.0.0.1:PRIMARY,127.0.0.1:REPLICA/nedlia?target_session_attrs=...
  std::string MultiHostUri() const;
  /// The same in the key=value form: host=127.0.0.1,127.0.0.1 port=PRIMARY,REPLICA ...
  std::string MultiHostKeywords() const;

  const std::filesystem::path& Dir() const { return dir_; }
  std::filesystem::path PrimaryHome() const { return dir_ / "pg"; }
  std::filesystem::path ReplicaHome() const { return dir_ / "pg-replica"; }
  int PrimaryPort() const { return primary_port_; }
  int ReplicaPort() const { return replica_port_; }

 private:
  std::filesystem::path dir_;
  int primary_port_;
  int replica_port_;
  std::string primary_url_;
  std::string replica_url_;
};

}  // namespace nedlia::testing
