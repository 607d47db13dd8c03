#pragma once

#include "app/ports/validation_run_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// ValidationRunStore over PostgreSQL, inside the connection's open transaction.
class ValidationRunRows : public app::ValidationRunStore {
 public:
  explicit ValidationRunRows(pg::Connection& connection) : connection_(connection) {}

  std::optional<app::OwnedValidationRun> Find(const domain::Uuid& id, app::RowLock lock) override;
  app::Page<app::OwnedValidationRun> List(const app::ValidationRunFilter& filter,
                                          const app::PageRequest& page) override;
  domain::ValidationRun Insert(const domain::ValidationRun& run) override;
  std::optional<domain::Uuid> SoftDelete(const domain::Uuid& id) override;
  void MarkRunning(const domain::Uuid& id) override;
  std::optional<app::OwnedValidationRun> FindWithoutIssues(const domain::Uuid& id) override;
  std::vector<std::string> Issues(const domain::Uuid& id, std::int64_t after, int limit) override;
  domain::ValidationSubject LoadSubject(const domain::Uuid& video_id, std::int64_t duration_ms,
                                        const std::optional<domain::Uuid>& advertiser) override;
  void Complete(const domain::Uuid& id, const domain::ValidationReport& report) override;
  void Fail(const domain::Uuid& id, const std::string& error) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
