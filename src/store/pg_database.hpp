#pragma once

#include "app/ports/database.hpp"
#include "events/envelope.hpp"
#include "pg/pool.hpp"

namespace nedlia::store {

/// The application's Database port over a PostgreSQL connection pool.
class PgDatabase : public app::Database {
 public:
  PgDatabase(pg::Pool& pool, events::EnvelopeSettings envelope)
      : pool_(pool), envelope_(std::move(envelope)) {}

  void Write(const app::CallContext& context,
             const std::function<void(app::Transaction&)>& work) override;
  void Read(const std::function<void(app::Transaction&)>& work) override;

 private:
  pg::Pool& pool_;
  events::EnvelopeSettings envelope_;
};

}  // namespace nedlia::store
