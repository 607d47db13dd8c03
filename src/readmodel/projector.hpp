#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "consumers/consumer.hpp"
#include "pg/pool.hpp"

namespace nedlia::readmodel {

inline constexpr const char* kProjectorName = "projector";

/// The events that change what placement_details says, at their current versions (older ones
/// are upcast). Creations of videos, products and advertisers have no placements yet; status
/// changes of videos and advertisers are not among its columns. The projector subscribes to
/// what the catalog routes to it, which must be exactly these (a test holds them together).
const std::vector<std::string>& ProjectorHandledTypes();

/// Observes each projected event's freshness, in milliseconds: from its writing transaction's
/// time (created_at) to its projection, just before the projection commits.
using FreshnessObserver = std::function<void(std::int64_t lag_ms)>;

/// The consumer that keeps placement_details in line with the write tables: a placement event
/// refreshes that placement's row, a video, product or advertiser event the rows of its
/// placements (renames and deletions reach every affected row). A batch's events are gathered
/// and refreshed together, set-based, just before the batch commits. One partition, so that
/// projections never race each other; each is a refresh from the current state, so a
/// redelivery or a late event changes nothing.
consumers::Consumer MakeProjector(pg::Pool& pool, FreshnessObserver observe = {});

}  // namespace nedlia::readmodel
