#include "support/retention_data.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "archive/archive_manifest.hpp"
#include "archive/archive_reader.hpp"
#include "object_stores/filesystem_object_store.hpp"

namespace nedlia::testing {

namespace {

constexpr const char* kVideo = "c0000000-0000-0000-0000-00000000000f";

/// A placement file of kVideo in the store and recorded, superseded `superseded` ago (SQL
/// interval) or current (empty).
void PlacementFile(pg::Connection& sql, app::ObjectStore& store, char hash,
                   const std::string& superseded) {
  const std::string key =
      std::string("placements/") + kVideo + "/" + std::string(64, hash) + ".vtt";
  store.Put(key, "WEBVTT\n", {.content_type = "text/vtt", .storage_class = ""});
  sql.Execute(
      "INSERT INTO placement_file_objects (key, video_id, superseded_at) VALUES ($1, $2, "
      "now() - NULLIF($3, '')::interval)",
      pg::Params(key, kVideo, superseded));
}

}  // namespace

void SeedPurgeData(pg::Connection& sql, app::ObjectStore& store) {
  sql.ExecuteScript(R"sql(
    INSERT INTO api_logs (created_at, method, path, status, duration_us)
      VALUES (now() - interval '31 days', 'GET', '/v1/videos', 200, 10),
             (now() - interval '29 days', 'GET', '/v1/videos', 200, 10);
    INSERT INTO idempotency_keys (principal_id, key, request_hash, status, body, created_at)
      VALUES ('d0000000-0000-0000-0000-000000000001', 'old', repeat('0', 64), 201, '{}',
              now() - interval '25 hours'),
             ('d0000000-0000-0000-0000-000000000001', 'young', repeat('0', 64), 201, '{}',
              now() - interval '23 hours');
    INSERT INTO advertisers (id, name, contact_email)
      VALUES ('a0000000-0000-0000-0000-00000000000f', 'Hooked', 'ads@hooked.test');
    INSERT INTO advertisers (name, contact_email, billing_info, deleted_at)
      VALUES ('Long gone', 'jane@long-gone.test', '{"iban": "DE89"}', now() - interval '31 days'),
             ('Just gone', 'joe@just-gone.test', NULL, now() - interval '29 days');
    INSERT INTO webhooks (id, advertiser_id, url, event_types, secret, deleted_at)
      VALUES ('e0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-00000000000f',
              'https://hooks.test/live', '{com.nedlia.campaign.created.v1}', 'whsec_eA==', NULL),
             ('e0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-00000000000f',
              'https://hooks.test/gone', '{com.nedlia.campaign.created.v1}', 'whsec_eA==',
              now() - interval '40 days');
    INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status,
                                    created_at, updated_at)
      SELECT gen_random_uuid(), w, gen_random_uuid(), 'com.nedlia.campaign.created.v1', '{}', s,
             now() - age, now() - age
      FROM (VALUES ('e0000000-0000-0000-0000-000000000002'::uuid, 'abandoned', interval '31 days'),
                   ('e0000000-0000-0000-0000-000000000001'::uuid, 'succeeded', interval '29 days'),
                   ('e0000000-0000-0000-0000-000000000001'::uuid, 'pending', interval '400 days'))
           AS d(w, s, age);
    INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data)
      VALUES ('f0000000-0000-0000-0000-000000000001', 'com.nedlia.video.deleted.v1', 'video',
              gen_random_uuid(), '{}');
    INSERT INTO event_dead_letters (consumer, event_id, event_type, attempts, last_error,
                                    failed_at)
      VALUES ('validator', 'f0000000-0000-0000-0000-000000000001', 'com.nedlia.video.deleted.v1',
              5, 'unresolved, its event in the log', now() - interval '3000 days'),
             ('notifier', gen_random_uuid(), 'com.nedlia.video.deleted.v1', 5,
              'its event archived', now() - interval '731 days');
    INSERT INTO processed_events (consumer, event_id, processed_at)
      VALUES ('validator', gen_random_uuid(), now() - interval '731 days'),
             ('validator', gen_random_uuid(), now() - interval '729 days');
  )sql");
  PlacementFile(sql, store, 'a', "25 hours");
  PlacementFile(sql, store, 'b', "23 hours");
  PlacementFile(sql, store, 'c', "");
}

std::string PurgeableTableCounts(pg::Connection& sql) {
  return sql
      .Execute(
          "SELECT concat_ws(' ', 'api_logs:' || (SELECT count(*) FROM api_logs), "
          "'idempotency_keys:' || (SELECT count(*) FROM idempotency_keys), "
          "'webhooks:' || (SELECT count(*) FROM webhooks), "
          "'webhook_deliveries:' || (SELECT count(*) FROM webhook_deliveries), "
          "'event_dead_letters:' || (SELECT count(*) FROM event_dead_letters), "
          "'processed_events:' || (SELECT count(*) FROM processed_events), "
          "'placement_file_objects:' || (SELECT count(*) FROM placement_file_objects), "
          "'erased_advertisers:' || (SELECT count(*) FROM advertisers WHERE erased_at IS NOT NULL "
          "AND contact_email = 'erased@erased.invalid' AND billing_info IS NULL))")
      .Single()[0]
      .As<std::string>();
}

void SeedRetentionData(pg::Connection& sql) {
  sql.ExecuteScript(R"sql(
    INSERT INTO advertisers (id, name, contact_email)
      VALUES ('a0000000-0000-0000-0000-000000000001', 'Acme', 'ads@acme.test');
    INSERT INTO products (id, advertiser_id, name)
      VALUES ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000001', 'Fizz');
    INSERT INTO videos (id, title, duration)
      VALUES ('c0000000-0000-0000-0000-000000000001', 'Clip', 600);
    INSERT INTO placements (video_id, product_id, start_time, end_time, status, description,
                            position, deleted_at)
      SELECT 'c0000000-0000-0000-0000-000000000001', 'b0000000-0000-0000-0000-000000000001',
             g, g + 0.5, 'active', E'no. ' || g || E' "quoted" \\ back\nslash, café',
             jsonb_build_object('x', g / 100.0), now() - interval '100 days' - g * interval '1 min'
      FROM generate_series(1, 30) g;
    INSERT INTO placements (video_id, product_id, start_time, end_time, status, deleted_at)
      SELECT 'c0000000-0000-0000-0000-000000000001', 'b0000000-0000-0000-0000-000000000001',
             100 + g, 100.5 + g, 'active', now() - interval '10 days'
      FROM generate_series(1, 5) g;
    INSERT INTO placements (video_id, product_id, start_time, end_time, status)
      SELECT 'c0000000-0000-0000-0000-000000000001', 'b0000000-0000-0000-0000-000000000001',
             200 + g, 200.5 + g, 'active'
      FROM generate_series(1, 5) g;
    INSERT INTO validation_runs (video_id, status, started_at, completed_at, issues, summary,
                                 created_at)
      SELECT 'c0000000-0000-0000-0000-000000000001', 'completed',
             now() - interval '400 days', now() - interval '400 days',
             json_build_array(json_build_object('message', E'overlap\t' || g)),
             jsonb_build_object('issues', 1), now() - interval '400 days' + g * interval '1 s'
      FROM generate_series(1, 20) g;
    INSERT INTO validation_runs (video_id, status, created_at)
      SELECT 'c0000000-0000-0000-0000-000000000001', 'pending', now() - interval '10 days'
      FROM generate_series(1, 5) g;
    SELECT nedlia_ensure_event_log_partitions_for(
      (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '26 months')::date, 1);
    INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata, created_at)
      SELECT 'com.nedlia.video.deleted.v1', 'video', gen_random_uuid(),
             jsonb_build_object('n', g), '{}',
             (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '26 months'
              + interval '14 days' + g * interval '1 min') AT TIME ZONE 'UTC'
      FROM generate_series(1, 50) g;
    INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
      SELECT 'com.nedlia.video.deleted.v1', 'video', gen_random_uuid(), '{}', '{}'
      FROM generate_series(1, 5) g;
  )sql");
}

std::map<std::string, std::string> RowsById(pg::Connection& sql, const std::string& table) {
  sql.Execute("SET TimeZone = 'UTC'");
  std::map<std::string, std::string> rows;
  for (const pg::Row& row :
       sql.Execute("SELECT t.id::text, row_to_json(t)::text FROM " + table + " t"))
    rows.emplace(row[0].As<std::string>(), row[1].As<std::string>());
  return rows;
}

std::map<std::string, std::string> ArchivedRowsById(const std::filesystem::path& root,
                                                    const std::string& table) {
  object_stores::FilesystemObjectStore store(root);
  std::map<std::string, std::string> rows;
  for (const app::ObjectInfo& object : store.List("archive/" + table + "/")) {
    if (!object.key.ends_with("/manifest.json"))
      continue;
    const std::string prefix = object.key.substr(0, object.key.rfind('/') + 1);
    const archive::ArchiveManifest manifest = archive::FetchManifest(store, prefix);
    archive::ReadParts(store, manifest, [&](std::vector<std::string>&& lines) {
      for (std::string& line : lines) {
        const std::string id = nlohmann::json::parse(line).at("id").get<std::string>();
        EXPECT_TRUE(rows.emplace(id, std::move(line)).second) << id << " is in two archives";
      }
    });
  }
  return rows;
}

void ExpectNothingLostOrDoubled(const std::map<std::string, std::string>& original,
                                const std::map<std::string, std::string>& in_database,
                                const std::map<std::string, std::string>& archived) {
  for (const auto& [id, row] : archived)
    EXPECT_FALSE(in_database.contains(id)) << id << " is both archived and in the database";
  std::map<std::string, std::string> both = in_database;
  both.insert(archived.begin(), archived.end());
  EXPECT_EQ(both, original);
}

void ExpectNothingLost(const std::map<std::string, std::string>& original,
                       const std::map<std::string, std::string>& in_database,
                       const std::map<std::string, std::string>& archived) {
  for (const auto& [id, row] : archived) {
    const auto kept = in_database.find(id);
    if (kept != in_database.end()) {
      EXPECT_EQ(kept->second, row) << id << ": its archived copy differs";
    }
  }
  std::map<std::string, std::string> both = in_database;
  both.insert(archived.begin(), archived.end());
  EXPECT_EQ(both, original);
}

}  // namespace nedlia::testing
