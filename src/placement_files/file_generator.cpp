#include "placement_files/file_generator.hpp"

#include <spdlog/spdlog.h>

#include "events/catalog.hpp"
#include "pg/transaction.hpp"
#include "placement_files/placement_file_content.hpp"
#include "storage/sigv4.hpp"

namespace nedlia::placement_files {
namespace {

// The events whose change can show in the files (the catalog lists file-generator as a
// consumer of each). A rename that changes nothing visible costs one regeneration, which
// yields the same bytes, hence the same keys and file_url.
const std::vector<std::string> kTypes = {
    "com.nedlia.placement.created.v2", "com.nedlia.placement.updated.v1",
    "com.nedlia.placement.deleted.v1", "com.nedlia.product.updated.v1",
    "com.nedlia.product.deleted.v1",   "com.nedlia.advertiser.updated.v2"};

void Mark(const events::StoredEvent& event, pg::Connection& connection) {
  PlacementFileRows rows(connection);
  if (event.type.starts_with("com.nedlia.placement."))
    rows.MarkVideoOfPlacement(event.aggregate_id);
  else if (event.type.starts_with("com.nedlia.product."))
    rows.MarkVideosOfProduct(event.aggregate_id);
  else if (event.type.starts_with("com.nedlia.advertiser."))
    rows.MarkVideosOfAdvertiser(event.aggregate_id);
}

}  // namespace

std::string ContentKey(const domain::Uuid& video_id, const std::string& bytes,
                       const std::string& extension) {
  return "placements/" + video_id.ToString() + "/" + storage::HexSha256(bytes) + "." + extension;
}

std::string Regenerator::WriteFiles(const VideoPlacements& video) {
  const std::string vtt = RenderVtt(video);
  const std::string vtt_key = ContentKey(video.video_id, vtt, "vtt");
  store_.Put(vtt_key, vtt, {.content_type = "text/vtt", .storage_class = ""});
  // The manifest names the track, so it is written second: whoever can read it can read both.
  const std::string manifest = RenderManifest(video, store_.PublicUrl(vtt_key));
  const std::string manifest_key = ContentKey(video.video_id, manifest, "json");
  store_.Put(manifest_key, manifest, {.content_type = "application/json", .storage_class = ""});
  return store_.PublicUrl(manifest_key);
}

bool Regenerator::Regenerate(const Job& job) {
  bool completed = false;
  pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    PlacementFileRows rows(tx.Conn());
    const std::string manifest_url = WriteFiles(rows.Load(job.video_id));
    completed = rows.Complete(job, manifest_url);
  });
  return completed;
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

delivery::Consumer MakeFileGenerator(pg::Pool& pool, Regenerator& regenerator) {
  delivery::ConsumerOptions options{.name = kFileGeneratorName, .types = kTypes, .upcast = true};
  options.after_pass = [&regenerator] { return regenerator.RunOnce(); };
  return delivery::Consumer(pool, std::move(options), Mark);
}

}  // namespace nedlia::placement_files
