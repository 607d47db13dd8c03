#include "api/validation_routes.hpp"

#include <charconv>
#include <limits>
#include <string_view>

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

constexpr int kDefaultIssues = 100;
constexpr int kMaxIssues = 1000;
constexpr std::string_view kIssueCursorPrefix = "i1.";

/// One integer query parameter within [low, high], or `fallback` when absent.
std::int64_t IntegerQuery(const http::Request& request, std::string_view name,
                          std::string_view prefix, std::int64_t fallback, std::int64_t low,
                          std::int64_t high, const std::string& rule, domain::FieldErrors& errors) {
  const auto text = request.Query(name);
  if (!text)
    return fallback;
  std::int64_t value = 0;
  const std::string_view digits =
      text->starts_with(prefix) ? std::string_view(*text).substr(prefix.size()) : "";
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      value < low || value > high) {
    errors.push_back({"/query/" + std::string(name), rule});
  }
  return value;
}

/// GET /v1/validations/{id}/issues: a run's issues in pages of up to 1,000.
http::Response IssuesReply(app::Database& database, const app::CallContext& context,
                           const http::Request& request) {
  const domain::Uuid id = PathId(request, "id", "validation");
  domain::FieldErrors errors;
  const auto limit =
      static_cast<int>(IntegerQuery(request, "limit", "", kDefaultIssues, 1, kMaxIssues,
                                    "must be an integer from 1 to 1000", errors));
  const std::int64_t after = IntegerQuery(request, "cursor", kIssueCursorPrefix, 0, 0,
                                          std::numeric_limits<std::int64_t>::max(),
                                          "is not a cursor this API issued", errors);
  app::ThrowIfInvalid(std::move(errors));
  app::IssuePage page;
  database.Read([&](app::Transaction& tx) {
    page = app::ValidationRunIssues(tx, context.principal, id, after, limit);
  });
  std::string body = "{\"data\":[";
  for (std::size_t i = 0; i < page.issues.size(); ++i)
    body += (i == 0 ? "" : ",") + page.issues[i];
  body += "],\"meta\":{\"next_cursor\":";
  body += page.next_after
              ? "\"" + std::string(kIssueCursorPrefix) + std::to_string(*page.next_after) + "\""
              : std::string("null");
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
