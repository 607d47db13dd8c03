#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "domain/uuid.hpp"

namespace nedlia::testing {

/// A temporary migrations/ directory for one test, removed when destroyed.
class MigrationFiles {
 public:
  MigrationFiles() {
    dir_ = std::filesystem::temp_directory_path() /
           ("nedlia-migrations-" + domain::Uuid::NewV7().ToString());
    std::filesystem::create_directories(dir_);
  }
  MigrationFiles(const MigrationFiles&) = delete;
  MigrationFiles& operator=(const MigrationFiles&) = delete;
  ~MigrationFiles() { std::filesystem::remove_all(dir_); }

  const std::filesystem::path& Dir() const { return dir_; }

  /// Writes a migration; parents is "none" or a comma-separated list of revisions; `header`
  /// adds header lines (each ending in a newline).
  std::filesystem::path Add(const std::string& revision, const std::string& parents,
                            const std::string& up, const std::string& down,
                            const std::string& message = "test step",
                            const std::string& header = "") {
    const auto path = dir_ / (revision + "_step.sql");
    std::ofstream(path) << "-- nedlia migration\n-- revision: " << revision
                        << "\n-- down_revision: " << parents << "\n-- message: " << message
                        << "\n-- created: 2026-01-01T00:00:00Z\n"
                        << header << "\n-- +up\n"
                        << up << "\n\n-- +down\n"
                        << down << "\n";
    return path;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace nedlia::testing
