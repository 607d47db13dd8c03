#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pg/pool.hpp"
#include "pg/shared_reader.hpp"

namespace nedlia::pg {

/// `pool`'s state as nedlia_db_pool_size, _in_use, _waiting (gauges) and _wait_seconds
/// (histogram), each labelled pool=`name`, in the text exposition format. For a collector.
std::string PoolMetricsText(const Pool& pool, const std::string& name);

/// The same for several pools, each family once (the text format wants a family's lines
/// together).
std::string PoolMetricsText(const std::vector<std::pair<const Pool*, std::string>>& pools);

/// `reader`'s totals as nedlia_db_key_reads_total and nedlia_db_key_read_batches_total
/// (counters): statements answered, and the round trips that carried them.
std::string SharedReaderMetricsText(const SharedReader& reader);

}  // namespace nedlia::pg
