#include "api/validation_routes.hpp"

#include <string_view>

#include "api/idempotent_post.hpp"
#include "api/list_queries.hpp"
#include "api/responses.hpp"
#include "api/validation_json.hpp"
#include "app/errors.hpp"
#include "app/validation_commands.hpp"

namespace nedlia::api {
namespace {

http::Response RunReply(app::Database& database, const app::CallContext& context,
                        const domain::Uuid& id) {
  return Envelope(200, ValidationRunJson(database.Read([&](app::Transaction& tx) {
                    return app::GetValidationRun(tx, context.principal, id);
                  })));
}

/// A list of runs: each without its issues (a run can hold a hundred thousand, so a page of
/// runs could weigh gigabytes), with where to page them instead.
http::Response PageReply(const app::Page<app::OwnedValidationRun>& result,
                         const app::PageRequest& page) {
  return ListReply(
      result, page,
      [](const app::OwnedValidationRun& owned) {
        nlohmann::json item = ValidationRunJson(owned);
        item.erase("issues");
        item["issues_url"] = "/v1/validations/" + owned.run.id.ToString() + "/issues";
        return item;
      },
      [](const app::OwnedValidationRun& owned) { return owned.run.id; });
}

/// GET /v1/validations/{id}/issues: a run's issues in pages of up to 1,000.
http::Response IssuesReply(app::Database& database, const app::CallContext& context,
                           const http::Request& request) {
  const domain::Uuid id = PathId(request, "id", "validation");
  const IssuePageRequest wanted = IssuePageOf(request);
  const app::IssuePage page = database.Read([&](app::Transaction& tx) {
    return app::ValidationRunIssues(tx, context.principal, id, wanted.after, wanted.limit);
  });
  std::string body = "{\"data\":[";
  for (std::size_t i = 0; i < page.issues.size(); ++i)
    body += (i == 0 ? "" : ",") + page.issues[i];
  body += "],\"meta\":{\"next_cursor\":";
  body += page.next_after ? "\"" + EncodeIssueCursor(*page.next_after) + "\"" : std::string("null");
  body += "}}";
  http::Response response{.status = 200, .headers = {}, .body = std::move(body)};
  response.SetHeader("Content-Type", "application/json");
  return response;
}

/// GET /v1/validations/{id} and GET /v1/videos/{id}/validations: the issue's names for the
/// runs, read exactly as /v1/validation-runs reads them (same tenancy, same shape).
void AddValidationReads(http::Router& router, Authenticator& authenticator,
                        app::Database& database) {
  router.Add(
      http::Method::kGet, "/v1/validations/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        return RunReply(database, context, PathId(request, "id", "validation"));
      }));
  router.Add(
      http::Method::kGet, "/v1/validations/{id}/issues",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        return IssuesReply(database, context, request);
      }));
  router.Add(
      http::Method::kGet, "/v1/videos/{id}/validations",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid video_id = PathId(request, "id", "video");
        const app::ValidationRunFilter filter{.video_id = video_id,
                                              .status = ValidationRunStatusOf(request)};
        const app::PageRequest page = PageOf(request);
        const app::Page<app::OwnedValidationRun> result = database.Read([&](app::Transaction& tx) {
          return app::ListVideoValidationRuns(tx, context.principal, filter, page);
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
        const app::ValidationRunFilter filter = ValidationRunFilterOf(request);
        const app::PageRequest page = PageOf(request);
        const app::Page<app::OwnedValidationRun> result = database.Read([&](app::Transaction& tx) {
          return app::ListValidationRuns(tx, context.principal, filter, page);
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
