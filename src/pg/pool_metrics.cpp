#include "pg/pool_metrics.hpp"

#include <fmt/format.h>

namespace nedlia::pg {
namespace {

template <typename Value>
std::string GaugeFamily(const char* name, const char* help,
                        const std::vector<std::pair<const Pool*, std::string>>& pools,
                        Value value) {
  std::string out = fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n", name, help);
  for (const auto& [pool, label] : pools)
    out += fmt::format("{}{{{}}} {}\n", name, metrics::Label("pool", label), value(pool->Stats()));
  return out;
}

}  // namespace

std::string PoolMetricsText(const Pool& pool, const std::string& name) {
  return PoolMetricsText({{&pool, name}});
}

std::string PoolMetricsText(const std::vector<std::pair<const Pool*, std::string>>& pools) {
  std::string out = GaugeFamily("nedlia_db_pool_size", "Connections the pool may open.", pools,
                                [](const PoolStats& stats) { return stats.max_size; }) +
                    GaugeFamily("nedlia_db_pool_in_use", "Connections lent out now.", pools,
                                [](const PoolStats& stats) { return stats.in_use; }) +
                    GaugeFamily("nedlia_db_pool_waiting", "Callers waiting for a connection now.",
                                pools, [](const PoolStats& stats) { return stats.waiting; });
  out +=
      "# HELP nedlia_db_pool_wait_seconds Time to get a connection from the pool.\n"
      "# TYPE nedlia_db_pool_wait_seconds histogram\n";
  for (const auto& [pool, label] : pools)
    out += pool->WaitSeconds().Render("nedlia_db_pool_wait_seconds", metrics::Label("pool", label));
  return out;
}

std::string SharedReaderMetricsText(const SharedReader& reader) {
  const SharedReader::Stats totals = reader.Totals();
  return fmt::format(
      "# HELP nedlia_db_key_reads_total Reads by key answered on the shared connections.\n"
      "# TYPE nedlia_db_key_reads_total counter\n"
      "nedlia_db_key_reads_total {}\n"
      "# HELP nedlia_db_key_read_batches_total Round trips that carried them (reads sent in "
      "one write).\n"
      "# TYPE nedlia_db_key_read_batches_total counter\n"
      "nedlia_db_key_read_batches_total {}\n",
      totals.statements, totals.batches);
}

}  // namespace nedlia::pg
