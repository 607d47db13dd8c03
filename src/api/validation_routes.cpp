#include "api/validation_routes.hpp"

#include "api/idempotent_post.hpp"
#include "api/responses.hpp"
#include "api/validation_json.hpp"
#include "app/errors.hpp"
#include "app/validation_commands.hpp"

namespace nedlia::api {
namespace {

/// ?status=, the one filter both lists share.
std::optional<domain::ValidationRunStatus> StatusFilterOf(const http::Request& request) {
  std::optional<domain::ValidationRunStatus> parsed;
  if (const auto status = request.Query("status")) {
    parsed = domain::ParseStatus<domain::ValidationRunStatus>(*status);
    if (!parsed) {
      app::ThrowIfInvalid(
          {{"/query/status",
            "must be one of: " +
                std::string(domain::AllowedValues<domain::ValidationRunStatus>())}});
    }
  }
  return parsed;
}

app::ValidationRunFilter FilterOf(const http::Request& request) {
  return {.video_id = QueryId(request, "video_id"), .status = StatusFilterOf(request)};
}

http::Response RunReply(app::Database& database, const app::CallContext& context,
                        const domain::Uuid& id) {
  http::Response response;
  database.Read([&](app::Transaction& tx) {
    response = Envelope(200, ValidationRunJson(app::GetValidationRun(tx, context.principal, id)));
  });
  return response;
}

http::Response PageReply(const app::Page<app::OwnedValidationRun>& result,
                         const app::PageRequest& page) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& owned : result.items)
    items.push_back(ValidationRunJson(owned));
  return Envelope(200, std::move(items), PageMeta(page, result.next_after));
}

/// GET /v1/validations/{id} and GET /v1/videos/{id}/validations: the names for the
/// runs, read exactly as /v1/validation-runs reads them (same tenancy, same shape).
void AddValidationReads(http::Router& router, Authenticator& authenticator,
                        app::Database& database) {
  router.Add(
      http::Method::kGet, "/v1/validations/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        return RunReply(database, context, PathId(request, "id", "validation"));
      }));
  router.Add(
      http::Method::kGet, "/v1/videos/{id}/validations",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid video_id = PathId(request, "id", "video");
        const app::ValidationRunFilter filter{.video_id = video_id,
                                              .status = StatusFilterOf(request)};
        const app::PageRequest page = PageOf(request);
        app::Page<app::OwnedValidationRun> result;
        database.Read([&](app::Transaction& tx) {
          result = app::ListVideoValidationRuns(tx, context.principal, filter, page);
        });
        return PageReply(result, page);
      }));
}

}  // namespace

void AddValidationRoutes(http::Router& router, Authenticator& authenticator,
                         app::Database& database) {
  using http::Method;
  router.Add(
      Method::kPost, "/v1/videos/{id}/validations",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid video_id = PathId(request, "id", "video");
        ReadValidationRequest(request.body);
        return IdempotentPost(database, context, request, [&](app::Transaction& tx) {
          const auto requested = app::RequestValidation(tx, context, video_id);
          // 202: the run is recorded, its work has not started.
          http::Response response = Envelope(202, ValidationRunJson(requested));
          response.SetHeader("Location", "/v1/validation-runs/" + requested.run.id.ToString());
          return response;
        });
      }));
  router.Add(
      Method::kGet, "/v1/validation-runs/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        return RunReply(database, context, PathId(request, "id", "validation run"));
      }));
  router.Add(
      Method::kGet, "/v1/validation-runs",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::ValidationRunFilter filter = FilterOf(request);
        const app::PageRequest page = PageOf(request);
        app::Page<app::OwnedValidationRun> result;
        database.Read([&](app::Transaction& tx) {
          result = app::ListValidationRuns(tx, context.principal, filter, page);
        });
        return PageReply(result, page);
      }));
  router.Add(
      Method::kDelete, "/v1/validation-runs/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "validation run");
        database.Write(context,
                       [&](app::Transaction& tx) { app::DeleteValidationRun(tx, context, id); });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
  AddValidationReads(router, authenticator, database);
}

}  // namespace nedlia::api
