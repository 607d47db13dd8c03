#pragma once

#include <string>
#include <string_view>

#include "pg/connection.hpp"

namespace nedlia::testing {

/// The URL of a database on the run's throwaway server (started by the CTest fixture "pg").
std::string ServerUrl(std::string_view database);

/// The nedlia binary under test, and the source tree (for migrations/).
std::string NedliaBinary();
std::string SourceDir();

enum class Template {
  kMigrated,  ///< a copy of nedlia_template: the schema at head
  kEmpty,     ///< an empty database (template0)
};

/// A fresh database for one test, dropped (with any sessions still on it) when destroyed.
class TestDatabase {
 public:
  explicit TestDatabase(Template from = Template::kMigrated);
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  TestDatabase(TestDatabase&&) = delete;
  TestDatabase& operator=(TestDatabase&&) = delete;
  ~TestDatabase();

  const std::string& Name() const { return name_; }
  const std::string& Url() const { return url_; }
  pg::Connection Connect() const { return pg::Connection::Open(url_); }

 private:
  std::string name_;
  std::string url_;
};

/// Ends the server process `pid` (pg_terminate_backend, through `admin`) and returns once it
/// has exited: its socket is closed then, so its client finds the connection gone.
void TerminateBackend(pg::Connection& admin, int pid);

/// Runs a command line through /bin/sh, returning its exit status and what it printed
/// (stdout and stderr together).
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult RunCommand(const std::string& command_line);

/// A TCP port on 127.0.0.1 that was free a moment ago (for servers a test starts).
int FreeLoopbackPort();

/// Quotes a string for /bin/sh.
std::string ShellQuote(std::string_view text);

}  // namespace nedlia::testing
