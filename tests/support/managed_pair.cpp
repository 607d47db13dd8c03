#include "support/managed_pair.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

}  // namespace

ManagedPair::ManagedPair(std::string_view name)
    : dir_(fs::temp_directory_path() /
           ("nedlia-pair-" + std::to_string(::getpid()) + "-" + std::string(name))),
      primary_port_(FreeLoopbackPort()),
      replica_port_(FreeLoopbackPort()) {
  while (replica_port_ == primary_port_)
    replica_port_ = FreeLoopbackPort();
  fs::create_directories(dir_);
  fs::permissions(dir_, fs::perms::all);
}

ManagedPair::~ManagedPair() {
  Nedlia("db replica stop");
  Nedlia("db stop");
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string ManagedPair::Environment() const {
  return "NEDLIA_PG_DIR=" + ShellQuote(PrimaryHome().string()) +
         " NEDLIA_PG_PORT=" + std::to_string(primary_port_) +
         " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(SourceDir() + "/migrations") +
         " NEDLIA_LOG_LEVEL=warn NEDLIA_DATABASE_URL= NEDLIA_READ_DATABASE_URL= ";
}

CommandResult ManagedPair::Nedlia(const std::string& arguments,
                                  const std::string& environment) const {
  return RunCommand(Environment() + environment + " " + ShellQuote(NedliaBinary()) + " " +
                    arguments + " 2>&1");
}

void ManagedPair::StartPrimaryAndReplica() {
  const auto started = Nedlia("db start");
  ASSERT_EQ(started.exit_code, 0) << started.output;
  const auto migrated = Nedlia("migrate upgrade head");
  ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
  const auto created = Nedlia("db replica create --port " + std::to_string(replica_port_));
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("replica created and streaming: "), std::string::npos)
      << created.output;
}

// The URLs are asked once: each nedlia run costs a moment under the sanitizers.
pg::Connection ManagedPair::Primary() {
  if (primary_url_.empty())
    primary_url_ = Trimmed(Nedlia("db url").output);
  return pg::Connection::Open(primary_url_);
}

pg::Connection ManagedPair::Replica() {
  if (replica_url_.empty())
    replica_url_ = Trimmed(Nedlia("db replica url").output);
  return pg::Connection::Open(replica_url_);
}

std::string ManagedPair::MultiHostUri() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(primary_port_) +
         ",127.0.0.1:" + std::to_string(replica_port_) + "/nedlia?target_session_attrs=read-write";
}

std::string ManagedPair::MultiHostKeywords() const {
  return "host=127.0.0.1,127.0.0.1 port=" + std::to_string(primary_port_) + "," +
         std::to_string(replica_port_) +
         " user=postgres dbname=nedlia target_session_attrs=read-write";
}

}  // namespace nedlia::testing
