#include "pg/batches.hpp"

#include "pg/result.hpp"

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

BatchedPurge::BatchedPurge(std::string_view name, std::string_view table, std::string_view key,
                           std::string_view condition)
    : purge_name_(std::string(name) + "_purge"),
      purge_sql_("DELETE FROM " + std::string(table) + " WHERE (" + std::string(key) +
                 ") IN (SELECT " + std::string(key) + " FROM " + std::string(table) + " WHERE " +
                 std::string(condition) + " LIMIT $2) AND " + std::string(condition)),
      count_name_(std::string(name) + "_count"),
      count_sql_("SELECT count(*) FROM " + std::string(table) + " WHERE " + std::string(condition)),
      purge_{purge_name_, purge_sql_},
      count_{count_name_, count_sql_} {}

std::int64_t BatchedPurge::Run(Connection& connection, int age, int batch) const {
  return ExecuteInBatches(connection, purge_, Params(age), batch);
}

std::int64_t BatchedPurge::Count(Connection& connection, int age) const {
  return connection.Execute(count_, Params(age)).Single()[0].As<std::int64_t>();
}

}  // namespace nedlia::pg
