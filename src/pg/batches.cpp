#include "pg/batches.hpp"

namespace nedlia::pg {

std::int64_t ExecuteInBatches(Connection& connection, const Statement& statement, Params params,
                              int batch) {
  params.Add(batch);
  std::int64_t total = 0;
  for (;;) {
    const std::int64_t affected = connection.Execute(statement, params).AffectedRows();
    total += affected;
    if (affected < batch)
      return total;
  }
}

}  // namespace nedlia::pg
