#include "api/webhook_routes.hpp"

#include "api/idempotent_post.hpp"
#include "api/list_queries.hpp"
#include "api/responses.hpp"
#include "api/webhook_json.hpp"

namespace nedlia::api {
namespace {

http::Response One(int status, nlohmann::json json, std::int32_t version) {
  http::Response response = Envelope(status, std::move(json));
  response.SetHeader("ETag", ETagOf(version));
  return response;
}

/// The answer to a create is the only one that shows the signing secret; kept for replays
/// without it, and completed from the webhook's row when replayed.
SecretInAnswer SigningSecretIn(const app::CallContext& context) {
  return {.forget =
              [](const std::string& body) {
                nlohmann::json answer = nlohmann::json::parse(body);
                answer["data"]["secret"] = nullptr;
                return answer.dump();
              },
          .recall =
              [&context](app::Transaction& tx, const std::string& stored) {
                nlohmann::json answer = nlohmann::json::parse(stored);
                const auto id = domain::Uuid::Parse(answer["data"].value("id", ""));
                const auto secret =
                    id ? app::WebhookSigningSecret(tx, context.principal, *id) : std::nullopt;
                answer["data"]["secret"] = secret ? nlohmann::json(*secret) : nullptr;
                return answer.dump();
              }};
}

void AddCreate(http::Router& router, Authenticator& authenticator, app::Database& database,
               const app::WebhookPolicy& policy) {
  router.Add(
      http::Method::kPost, "/v1/webhooks",
      Secured(authenticator, [&database, &policy](http::Request& request,
                                                  const app::CallContext& context) {
        const app::NewWebhook input = ReadNewWebhook(request.body, context.principal.IsAdmin());
        return IdempotentPost(
            database, context, request,
            [&](app::Transaction& tx) {
              const auto created = app::CreateWebhook(tx, context, policy, input);
              http::Response response =
                  One(201, CreatedWebhookJson(created), created.webhook.audit.version);
              response.SetHeader("Location", "/v1/webhooks/" + created.webhook.id.ToString());
              return response;
            },
            SigningSecretIn(context));
      }));
}

void AddReads(http::Router& router, Authenticator& authenticator, app::Database& database) {
  router.Add(
      http::Method::kGet, "/v1/webhooks/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "webhook");
        const domain::Webhook webhook = database.Read(
            [&](app::Transaction& tx) { return app::GetWebhook(tx, context.principal, id); });
        return One(200, WebhookJson(webhook), webhook.audit.version);
      }));
  router.Add(
      http::Method::kGet, "/v1/webhooks",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::WebhookFilter filter = WebhookFilterOf(request);
        const app::PageRequest page = PageOf(request);
        const app::Page<domain::Webhook> result = database.Read([&](app::Transaction& tx) {
          return app::ListWebhooks(tx, context.principal, filter, page);
        });
        return ListReply(
            result, page, [](const domain::Webhook& webhook) { return WebhookJson(webhook); },
            [](const domain::Webhook& webhook) { return webhook.id; });
      }));
  router.Add(
      http::Method::kGet, "/v1/webhooks/{id}/deliveries",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "webhook");
        const app::PageRequest page = PageOf(request);
        const app::Page<domain::WebhookDelivery> result = database.Read([&](app::Transaction& tx) {
          return app::ListWebhookDeliveries(tx, context.principal, id, page);
        });
        return ListReply(
            result, page,
            [](const domain::WebhookDelivery& delivery) { return WebhookDeliveryJson(delivery); },
            [](const domain::WebhookDelivery& delivery) { return delivery.id; });
      }));
}

void AddChanges(http::Router& router, Authenticator& authenticator, app::Database& database,
                const app::WebhookPolicy& policy) {
  router.Add(http::Method::kPatch, "/v1/webhooks/{id}",
             Secured(authenticator, [&database, &policy](http::Request& request,
                                                         const app::CallContext& context) {
               const domain::Uuid id = PathId(request, "id", "webhook");
               const std::int32_t version = RequiredIfMatch(request);
               const app::WebhookPatch patch = ReadWebhookPatch(request.body);
               const domain::Webhook webhook = database.Write(context, [&](app::Transaction& tx) {
                 return app::UpdateWebhook(tx, context, policy, id, version, patch);
               });
               return One(200, WebhookJson(webhook), webhook.audit.version);
             }));
  router.Add(
      http::Method::kDelete, "/v1/webhooks/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "webhook");
        const std::int32_t version = RequiredIfMatch(request);
        database.Write(context,
                       [&](app::Transaction& tx) { app::DeleteWebhook(tx, context, id, version); });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
}

}  // namespace

void AddWebhookRoutes(http::Router& router, Authenticator& authenticator, app::Database& database,
                      const app::WebhookPolicy& policy) {
  AddCreate(router, authenticator, database, policy);
  AddReads(router, authenticator, database);
  AddChanges(router, authenticator, database, policy);
}

}  // namespace nedlia::api
