#include "support/api_fixture.hpp"

#include <gtest/gtest.h>

#include "api/api.hpp"
#include "api/openapi.hpp"
#include "api/sse.hpp"
#include "app/api_key_cache.hpp"
#include "app/api_keys.hpp"
#include "events/json_schema.hpp"
#include "http/curl_client.hpp"
#include "http/server.hpp"
#include "notifier/notifier.hpp"
#include "pg/pool.hpp"
#include "pg/shared_reader.hpp"
#include "repositories/pg_api_log.hpp"
#include "repositories/pg_database.hpp"
#include "streams/event_hub.hpp"
#include "support/exchange_log.hpp"

namespace nedlia::testing {

app::WebhookPolicy DevelopmentWebhooks() {
  return {.url = {.allow_loopback_http = true, .egress = domain::EgressPolicy::Development()},
          .subscribable_types = notifier::SubscribableTypes(events::Catalog::Embedded())};
}

struct ApiFixture::Parts {
  Parts(const std::string& url, std::chrono::milliseconds request_timeout,
        app::ObjectStore* placement_files, app::WebhookPolicy webhooks)
      : event_schemas(events::PublishedSchemas(events::Catalog::Embedded(),
                                               events::EnvelopeSettings{}.schema_base_url)),
        pool({.url = url, .max_size = 8}),
        key_reader({.url = url}),
        api_log(pool),
        database(pool, {.environment = "test", .platform_version = "test"}, request_timeout),
        // No TTL: every request sees a revoked key at once.
        keys(database, {.ttl = std::chrono::milliseconds(0)}, metrics::Registry::Process()),
        event_streams({.database_url = url}, keys, api::SseMessage, metrics::Registry::Process()),
        api(database, [] { return std::nullopt; }, keys, event_streams,
            {.webhooks = std::move(webhooks),
             .placement_files = placement_files,
             .api_log = &api_log,
             .event_schemas = event_schemas}),
        server(ServerOptionsFor(api), api.Handler()) {
    database.ShareKeyReadsThrough(&key_reader);
  }

  // As `nedlia serve` runs them: reads by key on a shared connection, GETs by id on the loop.
  static http::ServerOptions ServerOptionsFor(const api::Api& api) {
    http::ServerOptions options{.host = "127.0.0.1", .port = 0};
    options.runs_on_loop = [&api](const http::Request& request) {
      return api.Routes().RunsOnLoop(request);
    };
    return options;
  }

  api::EventSchemas event_schemas;
  pg::Pool pool;
  pg::SharedReader key_reader;
  repositories::PgApiLog api_log;
  repositories::PgDatabase database;
  app::ApiKeyCache keys;
  streams::EventHub event_streams;
  api::Api api;
  http::Server server;
};

std::optional<std::string> ApiReply::Header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (field.size() == name.size() &&
        std::equal(field.begin(), field.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return std::nullopt;
}

std::string ApiReply::ErrorPointers() const {
  std::string pointers;
  if (!body.is_object() || !body.contains("errors"))
    return pointers;
  for (const auto& error : body["errors"]) {
    pointers += (pointers.empty() ? "" : " ") + error.value("pointer", std::string("?"));
  }
  return pointers;
}

std::string ApiFixture::QueryText(const std::string& sql, const pg::Params& params) const {
  return Sql().Execute(sql, params).Single()[0].As<std::string>();
}

std::string ApiFixture::NewAdvertiser(const std::string& name) const {
  return QueryText("INSERT INTO advertisers (name, contact_email) VALUES ($1, $2) RETURNING id",
                   pg::Params(name, "ads@" + name + ".example"));
}

std::int64_t ApiFixture::Count(const std::string& sql) const {
  return Sql().Execute(sql).Single()[0].As<std::int64_t>();
}

std::string IfMatch(int version) {
  return "If-Match: \"" + std::to_string(version) + "\"";
}

ApiReply ApiFixture::Patch(const std::string& path, const nlohmann::json& body, int version,
                           const std::optional<std::string>& key) {
  return Call("PATCH", path, body, {IfMatch(version)}, key);
}

ApiReply ApiFixture::Delete(const std::string& path, int version,
                            const std::optional<std::string>& key) {
  return Call("DELETE", path, std::nullopt, {IfMatch(version)}, key);
}

std::int64_t ApiFixture::EventCount(const std::string& type) const {
  return Sql()
      .Execute("SELECT count(*) FROM event_log WHERE event_type = $1", pg::Params(type))
      .Single()[0]
      .As<std::int64_t>();
}

nlohmann::json ApiFixture::EventData(const std::string& type) const {
  return nlohmann::json::parse(
      Sql()
          .Execute("SELECT data::text FROM event_log WHERE event_type = $1", pg::Params(type))
          .Single()[0]
          .As<std::string>());
}

ApiFixture::ApiFixture(std::chrono::milliseconds request_timeout, app::ObjectStore* placement_files,
                       std::optional<app::WebhookPolicy> webhooks)
    : parts_(std::make_unique<Parts>(database_.Url(), request_timeout, placement_files,
                                     webhooks.value_or(DevelopmentWebhooks()))) {
  parts_->database.Write(app::CallContext{}, [&](app::Transaction& tx) {
    const app::IssuedKey admin =
        app::CreateApiKey(tx, app::Role::kAdmin, std::nullopt, "test admin");
    admin_key_ = admin.secret;
    admin_key_id_ = admin.record.id.ToString();
  });
  ExchangeLog::Published("openapi.json", api::OpenApiDocument());
  ExchangeLog::Published("event-schemas.json", parts_->event_schemas);
  parts_->server.Start();
  server_thread_ = std::thread([this] { parts_->server.Run(); });
}

ApiFixture::~ApiFixture() {
  parts_->server.Stop();
  server_thread_.join();
}

std::uint16_t ApiFixture::Port() const {
  return parts_->server.Port();
}

std::string ApiFixture::AdvertiserKey(const std::string& advertiser_id) {
  std::string secret;
  parts_->database.Write(app::CallContext{}, [&](app::Transaction& tx) {
    secret = app::CreateApiKey(tx, app::Role::kAdvertiser, domain::Uuid::Parse(advertiser_id),
                               "test advertiser")
                 .secret;
  });
  return secret;
}

ApiReply ApiFixture::Call(const std::string& method, const std::string& path,
                          const std::optional<nlohmann::json>& body,
                          const std::vector<std::string>& header_lines,
                          const std::optional<std::string>& key) {
  return CallRaw(method, path, body ? body->dump() : "", header_lines, key);
}

ApiReply ApiFixture::CallRaw(const std::string& method, const std::string& path,
                             const std::string& body, const std::vector<std::string>& header_lines,
                             const std::optional<std::string>& key) {
  std::vector<std::string> lines = header_lines;
  const std::string& token = key.value_or(admin_key_);
  if (!token.empty())
    lines.push_back("Authorization: Bearer " + token);
  if (!body.empty())
    lines.push_back("Content-Type: application/json");
  http::testing::CurlClient client;
  const auto result =
      client.Send(method, "http://127.0.0.1:" + std::to_string(Port()) + path, body, lines);
  ApiReply reply{.status = result.status, .body = nullptr, .raw = result.body, .headers = {}};
  for (const auto& field : result.headers)
    reply.headers.emplace_back(field.name, field.value);
  reply.body = nlohmann::json::parse(result.body, nullptr, false);
  if (reply.body.is_discarded())
    reply.body = nullptr;
  ExchangeLog::Response(method, path, reply.status, reply.headers, reply.raw);
  return reply;
}

void ApiFixture::FlushApiLog() {
  ASSERT_TRUE(parts_->api_log.Flush()) << "the API log could not be written";
}

}  // namespace nedlia::testing
