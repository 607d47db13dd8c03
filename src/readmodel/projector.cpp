#include "readmodel/projector.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "events/catalog.hpp"
#include "readmodel/detail_rows.hpp"

namespace nedlia::readmodel {
namespace {

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

/// What the events of one batch touched, refreshed together before the batch commits: two
/// statements per scope a batch touched, instead of two per event.
class PendingRefresh {
 public:
  void Add(Scope scope, const domain::Uuid& id, std::int64_t created_at_ms) {
    ids_[static_cast<std::size_t>(scope)].push_back(id);
    created_at_ms_.push_back(created_at_ms);
  }

  void Flush(pg::Connection& connection, const FreshnessObserver& observe) {
    // Emptied first, however the flush ends: a batch that fails rolls back and is read again
    // in full. (Ids left by a batch that failed before its flush are refreshed with the next
    // one, which is harmless: a refresh writes the current state.)
    Batch batch;
    std::swap(batch, ids_);
    std::vector<std::int64_t> created_at_ms;
    std::swap(created_at_ms, created_at_ms_);
    DetailRows rows(connection);
    for (std::size_t scope = 0; scope < batch.size(); ++scope) {
      std::vector<domain::Uuid>& ids = batch[scope];
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      rows.Refresh(static_cast<Scope>(scope), ids);
    }
    if (!observe)
      return;
    const std::int64_t now = NowMs();
    for (const std::int64_t at : created_at_ms)
      observe(now - at);
  }

 private:
  using Batch = std::array<std::vector<domain::Uuid>, 4>;  // indexed by Scope
  Batch ids_;
  std::vector<std::int64_t> created_at_ms_;
};

}  // namespace

const std::vector<std::string>& ProjectorHandledTypes() {
  static const std::vector<std::string> kTypes = {
      "com.nedlia.advertiser.deleted.v1", "com.nedlia.advertiser.updated.v2",
      "com.nedlia.placement.created.v2",  "com.nedlia.placement.deleted.v1",
      "com.nedlia.placement.updated.v1",  "com.nedlia.product.deleted.v1",
      "com.nedlia.product.updated.v1",    "com.nedlia.video.deleted.v1",
      "com.nedlia.video.updated.v1"};
  return kTypes;
}

consumers::Consumer MakeProjector(pg::Pool& pool, FreshnessObserver observe) {
  auto pending = std::make_shared<PendingRefresh>();
  consumers::ConsumerOptions options{
      .name = kProjectorName,
      .types = events::Catalog::Embedded().CurrentTypesFor(kProjectorName),
      .upcast = true,
      // A refresh writes the current state: one applied twice
      // changes nothing, so no processed marks are needed.
      .mark_processed = false,
      .partitions = 1,
      .batch_size = 500};
  options.before_commit = [pending, observe = std::move(observe)](pg::Connection& connection) {
    pending->Flush(connection, observe);
  };
  auto handler = [pending](const events::StoredEvent& event, pg::Connection&) {
    if (const std::optional<Scope> scope = ScopeOf(event.aggregate_type))
      pending->Add(*scope, event.aggregate_id, event.created_at_ms);
  };
  return consumers::Consumer(pool, std::move(options), std::move(handler));
}

}  // namespace nedlia::readmodel
