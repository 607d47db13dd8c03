#include "readmodel/projector.hpp"

#include <chrono>
#include <optional>
#include <vector>

#include "readmodel/detail_rows.hpp"

namespace nedlia::readmodel {
namespace {

// The events that change what placement_details says (current versions: the consumer upcasts
// older ones). Creations of videos, products and advertisers have no placements yet; status
// changes of videos and advertisers are not among its columns.
const std::vector<std::string> kTypes = {
    "com.nedlia.placement.created.v2", "com.nedlia.placement.updated.v1",
    "com.nedlia.placement.deleted.v1", "com.nedlia.video.updated.v1",
    "com.nedlia.video.deleted.v1",     "com.nedlia.product.updated.v1",
    "com.nedlia.product.deleted.v1",   "com.nedlia.advertiser.updated.v1",
    "com.nedlia.advertiser.deleted.v1"};

std::optional<Scope> ScopeOf(const std::string& aggregate_type) {
  if (aggregate_type == "placement")
    return Scope::kPlacement;
  if (aggregate_type == "video")
    return Scope::kVideo;
  if (aggregate_type == "product")
    return Scope::kProduct;
  if (aggregate_type == "advertiser")
    return Scope::kAdvertiser;
  return std::nullopt;
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

delivery::Consumer MakeProjector(pg::Pool& pool, FreshnessObserver observe) {
  delivery::ConsumerOptions options{
      .name = kProjectorName, .types = kTypes, .upcast = true, .partitions = 1, .batch_size = 500};
  auto handler = [observe = std::move(observe)](const events::StoredEvent& event,
                                                pg::Connection& connection) {
    const std::optional<Scope> scope = ScopeOf(event.aggregate_type);
    if (!scope)
      return;
    DetailRows(connection).Refresh(*scope, event.aggregate_id);
    if (observe)
      observe(NowMs() - event.created_at_ms);
  };
  return delivery::Consumer(pool, std::move(options), std::move(handler));
}

}  // namespace nedlia::readmodel
