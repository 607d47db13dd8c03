#pragma once

#include <filesystem>
#include <string>

#include "migrate/script_directory.hpp"
#include "pg/connection.hpp"

namespace nedlia::migrate {

/// A database created on the server of `server_url` for one comparison, dropped (forcibly) when
/// destroyed, and named "<the database of server_url>_scratch_<random>". Needs the CREATEDB
/// privilege.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& server_url);
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  ~ScratchDatabase();

  pg::Connection Connect() const;

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

/// The connection string `url` names, with its database replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database);

/// Builds the declared schema into the database `connection` is on: the *.sql files of `dir`
/// in name order, each checked with PostgreSQL's grammar before any runs. Throws ScriptError
/// naming the file and line of a syntax or execution error.
void BuildDeclaredSchema(pg::Connection& connection, const std::filesystem::path& dir);

}  // namespace nedlia::migrate
