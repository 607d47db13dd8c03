#pragma once

#include <chrono>
#include <memory>

#include "api/event_schema_routes.hpp"
#include "app/api_key_cache.hpp"
#include "app/ports/api_log.hpp"
#include "app/ports/database.hpp"
#include "app/ports/event_streams.hpp"
#include "app/ports/object_store.hpp"
#include "app/webhook_commands.hpp"
#include "http/handler.hpp"
#include "http/health.hpp"
#include "http/router.hpp"

namespace nedlia::api {

class Authenticator;

/// What the API serves beyond the database, and where it reports.
struct ApiOptions {
  /// What webhook URLs and event types are accepted.
  app::WebhookPolicy webhooks;
  /// The object store whose placement files /files/... serves (none: 404).
  app::ObjectStore* placement_files = nullptr;
  /// Where each answered request is recorded (none: the debug log only).
  app::ApiLog* api_log = nullptr;
  /// The events' JSON Schemas by versioned type, each with its public URL as $id (where the
  /// events' dataschema points): GET /v1/schemas/events/{type} serves them.
  EventSchemas event_schemas;
};

/// The whole HTTP interface: /healthz, /readyz and the /v1 resources, behind the middleware
/// chain. Owns the router and the authenticator; what it is given must outlive it.
class Api {
 public:
  /// `keys`: the API key cache (its TTL is how long a revoked key keeps working).
  /// `streams`: the live event feed behind GET /v1/events/stream.
  Api(app::Database& database, http::ReadinessProbe readiness, app::ApiKeyCache& keys,
      app::EventStreams& streams, ApiOptions options = {});
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  /// The handler to serve: safe to call from many threads at once.
  http::Handler Handler();
  const http::Router& Routes() const { return router_; }
  /// Counts every request by its route in `metrics` (see http::Router::Instrument).
  void Instrument(http::RequestMetrics& metrics) { router_.Instrument(metrics); }

 private:
  ApiOptions options_;
  std::unique_ptr<Authenticator> authenticator_;
  http::Router router_;
};

}  // namespace nedlia::api
