#include "placement_files/file_generator.hpp"

#include <spdlog/spdlog.h>

#include "crypto/digest.hpp"
#include "events/catalog.hpp"
#include "events/outbox_rows.hpp"
#include "pg/transaction.hpp"
#include "placement_files/file_object_rows.hpp"
#include "placement_files/placement_file_content.hpp"

namespace nedlia::placement_files {
namespace {

// A rename that changes nothing visible costs one regeneration, which yields the same bytes,
// hence the same keys and file_url.
void Mark(const events::StoredEvent& event, pg::Connection& connection,
          std::chrono::milliseconds coalesce) {
  PlacementFileRows rows(connection, coalesce);
  if (event.type.starts_with("com.nedlia.placement.")) {
    rows.MarkVideoOfPlacement(event.aggregate_id);
  } else if (event.type.starts_with("com.nedlia.product.")) {
    rows.MarkVideosOfProduct(event.aggregate_id);
  } else if (event.type.starts_with("com.nedlia.advertiser.")) {
    rows.MarkVideosOfAdvertiser(event.aggregate_id);
  }
}

}  // namespace

const std::vector<std::string>& FileGeneratorHandledTypes() {
  static const std::vector<std::string> kTypes = {
      "com.nedlia.advertiser.updated.v2", "com.nedlia.placement.created.v2",
      "com.nedlia.placement.deleted.v1",  "com.nedlia.placement.updated.v1",
      "com.nedlia.product.deleted.v1",    "com.nedlia.product.updated.v1"};
  return kTypes;
}

std::string ContentKey(const domain::Uuid& video_id, const std::string& bytes,
                       const std::string& extension) {
  return "placements/" + video_id.ToString() + "/" + crypto::Sha256Hex(bytes) + "." + extension;
}

Regenerator::Files Regenerator::Render(const VideoPlacements& video) const {
  Files files;
  files.track = RenderVtt(video);
  files.track_key = ContentKey(video.video_id, files.track, "vtt");
  files.manifest = RenderManifest(video, store_.PublicUrl(files.track_key));
  files.manifest_key = ContentKey(video.video_id, files.manifest, "json");
  return files;
}

void Regenerator::Write(const Files& files) {
  store_.Put(files.track_key, files.track, {.content_type = "text/vtt", .storage_class = ""});
  // The manifest names the track, so it is written second: whoever can read it can read both.
  store_.Put(files.manifest_key, files.manifest,
             {.content_type = "application/json", .storage_class = ""});
}

bool Regenerator::Regenerate(const Job& job) {
  const Files files = Render(pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    return PlacementFileRows(tx.Conn()).Load(job.video_id);
  }));
  // Committed before the objects exist: retention never deletes what is being written, and no
  // object is ever in the store without a row saying whether it is in use.
  pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    FileObjectRows(tx.Conn()).RecordCurrent(job.video_id, files.manifest_key, files.track_key);
  });
  Write(files);
  const std::string file_url = store_.PublicUrl(files.manifest_key);
  return pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    const auto repointed = PlacementFileRows(tx.Conn()).Complete(job, file_url);
    if (!repointed)
      return false;
    FileObjectRows(tx.Conn()).SupersedeAllBut(job.video_id, {files.manifest_key, files.track_key});
    Announce(tx.Conn(), job.video_id, file_url, *repointed);
    return true;
  });
}

void Regenerator::Announce(pg::Connection& connection, const domain::Uuid& video_id,
                           const std::string& file_url,
                           const std::vector<RepointedPlacements>& repointed) {
  // The generator itself publishes: no API key is behind this change.
  const app::CallContext system{};
  events::OutboxRows outbox(connection, system, envelope_);
  for (const RepointedPlacements& share : repointed) {
    outbox.Append({.type = "com.nedlia.video.placement_file_published.v1",
                   .aggregate_type = "video",
                   .aggregate_id = video_id,
                   .advertiser_id = share.advertiser_id,
                   .data = {{"video_id", video_id.ToString()},
                            {"advertiser_id", share.advertiser_id.ToString()},
                            {"file_url", file_url},
                            {"placements", share.placements}}});
  }
}

int Regenerator::RunOnce(int limit) {
  std::vector<Job> due;
  {
    pg::PooledConnection connection = pool_.Acquire();
    due = PlacementFileRows(*connection).Due(limit);
  }
  int done = 0;
  for (const Job& job : due) {
    try {
      if (Regenerate(job)) {
        ++done;
        completed_.fetch_add(1);
      }
    } catch (const std::exception& error) {
      spdlog::warn("file-generator: video {}: {}; retrying later", job.video_id.ToString(),
                   error.what());
      pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
        PlacementFileRows(tx.Conn()).Fail(job, error.what());
      });
      if (dynamic_cast<const app::ObjectStoreUnavailable*>(&error))
        break;  // the others would wait on the same outage
    }
  }
  return done;
}

consumers::Consumer MakeFileGenerator(pg::Pool& pool, Regenerator& regenerator,
                                      std::chrono::milliseconds coalesce) {
  consumers::ConsumerOptions options{
      .name = kFileGeneratorName,
      .types = events::Catalog::Embedded().CurrentTypesFor(kFileGeneratorName),
      .upcast = true};
  // A mark is idempotent (an event handled twice marks its videos twice, and the files come
  // out the same): no processed-event rows, and large batches, since marking is cheap.
  options.mark_processed = false;
  options.batch_size = 1000;
  options.after_pass = [&regenerator] { return regenerator.RunOnce(); };
  return consumers::Consumer(
      pool, std::move(options),
      [coalesce](const events::StoredEvent& event, pg::Connection& connection) {
        Mark(event, connection, coalesce);
      });
}

}  // namespace nedlia::placement_files
