#include "support/event_hub_harness.hpp"

#include "api/event_stream_body.hpp"
#include "api/sse.hpp"
#include "app/api_keys.hpp"
#include "app/event_queries.hpp"

namespace nedlia::testing {

EventHubHarness::EventHubHarness()
    : pool_({.url = database_.Url(), .max_size = 2}),
      store_(pool_, {.environment = "test", .platform_version = "test"}),
      sql_(database_.Connect()) {}

EventHubHarness::~EventHubHarness() {
  hub_.reset();  // before the cache and the pool it uses
}

void EventHubHarness::Start(streams::EventHubOptions options, std::chrono::milliseconds key_ttl) {
  hub_.reset();
  keys_ = std::make_unique<app::ApiKeyCache>(store_, app::ApiKeyCacheOptions{.ttl = key_ttl},
                                             registry_);
  options.database_url = database_.Url();
  hub_ = std::make_unique<streams::EventHub>(options, *keys_, api::SseMessage, registry_);
}

void EventHubHarness::StopHub() {
  hub_.reset();
}

TestKey EventHubHarness::NewKey(const std::optional<std::string>& advertiser) {
  TestKey key;
  store_.Write(app::CallContext{}, [&](app::Transaction& tx) {
    const app::IssuedKey issued = app::CreateApiKey(
        tx, advertiser ? app::Role::kAdvertiser : app::Role::kAdmin,
        advertiser ? domain::Uuid::Parse(*advertiser) : std::nullopt, "stream test");
    key = {.secret = issued.secret,
           .hash = app::HashSecret(issued.secret),
           .principal = app::PrincipalOf(issued.record)};
  });
  return key;
}

std::string EventHubHarness::NewAdvertiser(const std::string& name) {
  return sql_
      .Execute("INSERT INTO advertisers (name, contact_email) VALUES ($1, $2) RETURNING id",
               pg::Params(name, "ads@" + name + ".example"))
      .Single()[0]
      .As<std::string>();
}

std::unique_ptr<app::EventSubscription> EventHubHarness::Subscribe(const TestKey& key,
                                                                   const StreamFilter& filter) {
  // The key is looked up as a request would, so that the cache knows it.
  keys_->Lookup(key.hash);
  return app::OpenEventStream(
      *hub_, app::CallContext{.principal = key.principal, .traceparent = "", .key_hash = key.hash},
      app::FeedQuery{.after = filter.after, .types = filter.types});
}

std::unique_ptr<BodyDriver> EventHubHarness::Open(const TestKey& key, const StreamFilter& filter) {
  return std::make_unique<BodyDriver>(
      std::make_shared<api::EventStreamBody>(Subscribe(key, filter)));
}

void EventHubHarness::Append(int count, const std::optional<std::string>& advertiser,
                             const std::string& type, int padding) {
  sql_.Execute(R"sql(
      INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata,
                             advertiser_id)
      SELECT $1, 'test', gen_random_uuid(), jsonb_build_object('n', n, 'pad', repeat('x', $2)),
             '{"source": "/tests"}', $3::uuid
      FROM generate_series(1, $4) AS n)sql",
               pg::Params(type, padding, advertiser, count));
  sql_.ExecuteScript("NOTIFY nedlia_events_numbered");
}

std::vector<std::string> EventHubHarness::FinalLog(std::size_t at_least, const TestKey& key,
                                                   const StreamFilter& filter) {
  const app::LogPosition after = filter.after.value_or(app::LogPosition{});
  std::optional<std::vector<std::string>> types;
  if (!filter.types.empty())
    types = filter.types;
  std::vector<std::string> log;
  WaitFor([&] {
    log.clear();
    // Numbered as the hub's tail numbers (where readers number), then in commit order.
    sql_.Execute("SELECT nedlia_sequence_final()");
    const pg::Result rows = sql_.Execute(
        R"sql(SELECT e.transaction_id::text || '-' || e.position
              FROM event_commits c JOIN event_log e ON e.transaction_id = c.transaction_id
              WHERE (c.seq, e.position) > (CASE WHEN $5::int8 > 0 THEN $5::int8
                                                ELSE nedlia_commit_seq($1::xid8) END, $2::int8)
                AND ($3::text[] IS NULL OR e.event_type = ANY ($3::text[]))
                AND ($4::uuid IS NULL OR e.advertiser_id = $4)
              ORDER BY c.seq, e.position)sql",
        pg::Params(std::to_string(after.transaction_id), after.position, types,
                   key.principal.advertiser_id, after.sequence));
    for (const pg::Row& row : rows)
      log.push_back(row[0].As<std::string>());
    return log.size() >= at_least;
  });
  return log;
}

app::LogPosition EventHubHarness::LastFinal(std::size_t at_least) {
  const TestKey none{.secret = "", .hash = "", .principal = {}};
  const std::vector<std::string> log = FinalLog(at_least, none);
  return log.empty() ? app::LogPosition{} : *app::LogPosition::Parse(log.back());
}

std::uint64_t EventHubHarness::Counter(const std::string& name, const std::string& labels) {
  return registry_.GetCounter(name, "", labels).Value();
}

std::vector<std::string> SseIds(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t line = 0;
  while (line < text.size()) {
    const std::size_t end = text.find('\n', line);
    const std::string_view current(text.data() + line,
                                   (end == std::string::npos ? text.size() : end) - line);
    if (current.starts_with("id: "))
      ids.emplace_back(current.substr(4));
    if (end == std::string::npos)
      break;
    line = end + 1;
  }
  return ids;
}

}  // namespace nedlia::testing
