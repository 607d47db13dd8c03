#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/ports/object_store.hpp"
#include "app/webhook_commands.hpp"
#include "domain/uuid.hpp"
#include "pg/connection.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {

/// One answer of the API under test.
struct ApiReply {
  long status = 0;
  nlohmann::json body;  ///< parsed; null when the body is empty or not JSON
  std::string raw;
  std::vector<std::pair<std::string, std::string>> headers;

  std::optional<std::string> Header(std::string_view name) const;
  /// body["data"]["id"] as a string.
  std::string Id() const { return body.at("data").at("id").get<std::string>(); }
  /// The pointers of a problem's "errors", space separated, for compact assertions.
  std::string ErrorPointers() const;
};

/// Webhooks as in development: plain http to a loopback receiver, loopback addresses allowed.
app::WebhookPolicy DevelopmentWebhooks();

/// The If-Match header line for `version` (the API's ETags are the version, quoted).
std::string IfMatch(int version);

/// The whole API, served on a loopback port over a fresh migrated database: the real server,
/// the real middleware, the real PostgreSQL. Starts with one admin key.
class ApiFixture {
 public:
  /// `request_timeout`: the database time each request may take (repositories::PgDatabase);
  /// `placement_files`: the object store /files/... serves (none: those routes answer 404);
  /// `webhooks`: what webhooks may be (default: as in development, see DevelopmentWebhooks).
  explicit ApiFixture(std::chrono::milliseconds request_timeout = std::chrono::seconds(15),
                      app::ObjectStore* placement_files = nullptr,
                      std::optional<app::WebhookPolicy> webhooks = std::nullopt);
  ~ApiFixture();
  ApiFixture(const ApiFixture&) = delete;
  ApiFixture& operator=(const ApiFixture&) = delete;

  /// Writes the API log's queued entries (the server records each request in api_logs).
  void FlushApiLog();

  /// Sends a request with `key` as the bearer token (the admin key by default).
  ApiReply Call(const std::string& method, const std::string& path,
                const std::optional<nlohmann::json>& body = std::nullopt,
                const std::vector<std::string>& header_lines = {},
                const std::optional<std::string>& key = std::nullopt);
  /// The same with a raw body (malformed JSON, huge payloads).
  ApiReply CallRaw(const std::string& method, const std::string& path, const std::string& body,
                   const std::vector<std::string>& header_lines = {},
                   const std::optional<std::string>& key = std::nullopt);
  /// PATCH `path` with If-Match naming `version`.
  ApiReply Patch(const std::string& path, const nlohmann::json& body, int version,
                 const std::optional<std::string>& key = std::nullopt);
  /// DELETE `path` with If-Match naming `version`.
  ApiReply Delete(const std::string& path, int version,
                  const std::optional<std::string>& key = std::nullopt);

  const std::string& AdminKey() const { return admin_key_; }
  /// The admin key's id: the principal recorded as created_by, deleted_by, ...
  const std::string& AdminKeyId() const { return admin_key_id_; }
  /// A new key of the advertiser role bound to `advertiser_id`.
  std::string AdvertiserKey(const std::string& advertiser_id);
  std::uint16_t Port() const;
  /// A direct connection to the database, for assertions on rows and events.
  pg::Connection Sql() const { return database_.Connect(); }
  /// The first column of the only row `sql` returns, as text (an INSERT ... RETURNING id).
  std::string QueryText(const std::string& sql, const pg::Params& params = pg::Params()) const;
  /// Inserts an active advertiser named `name` (contact ads@NAME.example); returns its id.
  std::string NewAdvertiser(const std::string& name) const;
  /// The count(*) that `sql` returns.
  std::int64_t Count(const std::string& sql) const;
  /// How many events of `type` the event log holds.
  std::int64_t EventCount(const std::string& type) const;
  /// The data of the only event of `type`.
  nlohmann::json EventData(const std::string& type) const;
  const TestDatabase& Database() const { return database_; }

 private:
  struct Parts;

  TestDatabase database_;
  std::unique_ptr<Parts> parts_;
  std::string admin_key_;
  std::string admin_key_id_;
  std::thread server_thread_;
};

}  // namespace nedlia::testing
