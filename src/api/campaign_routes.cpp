#include "api/campaign_routes.hpp"

#include "api/campaign_json.hpp"
#include "api/idempotent_post.hpp"
#include "api/list_queries.hpp"
#include "api/responses.hpp"
#include "app/campaign_commands.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

using http::Method;

http::Response One(int status, const domain::Campaign& campaign) {
  http::Response response = Envelope(status, CampaignJson(campaign));
  response.SetHeader("ETag", ETagOf(campaign.audit.version));
  return response;
}

/// The product a link names. Linking reads it like a reference in a body (422 when unknown);
/// a malformed id is as unknown as any other.
domain::Uuid LinkedProductId(const http::Request& request) {
  const auto id = domain::Uuid::Parse(request.PathParam("product_id"));
  if (!id)
    app::ThrowIfInvalid({{"/path/product_id", "must be a UUID"}});
  return *id;
}

void AddCampaignCrud(http::Router& router, Authenticator& authenticator, app::Database& database) {
  router.Add(
      Method::kPost, "/v1/campaigns",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::NewCampaign input = ReadNewCampaign(request.body);
        return IdempotentPost(database, context, request, [&](app::Transaction& tx) {
          const domain::Campaign created = app::CreateCampaign(tx, context, input);
          http::Response response = One(201, created);
          response.SetHeader("Location", "/v1/campaigns/" + created.id.ToString());
          return response;
        });
      }));
  router.Add(Method::kGet, "/v1/campaigns/{id}",
             Secured(authenticator,
                     [&database](http::Request& request, const app::CallContext& context) {
                       const domain::Uuid id = PathId(request, "id", "campaign");
                       return One(200, database.ReadByKey([&](app::Transaction& tx) {
                         return app::GetCampaign(tx, context.principal, id);
                       }));
                     }),
             http::Router::Runs::kOnLoop);
  router.Add(
      Method::kGet, "/v1/campaigns",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::CampaignFilter filter = CampaignFilterOf(request);
        const app::PageRequest page = PageOf(request);
        const app::Page<domain::Campaign> result = database.Read([&](app::Transaction& tx) {
          return app::ListCampaigns(tx, context.principal, filter, page);
        });
        return ListReply(
            result, page, [](const domain::Campaign& campaign) { return CampaignJson(campaign); },
            [](const domain::Campaign& campaign) { return campaign.id; });
      }));
  router.Add(
      Method::kPatch, "/v1/campaigns/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "campaign");
        const std::int32_t version = RequiredIfMatch(request);
        const app::CampaignPatch patch = ReadCampaignPatch(request.body);
        return One(200, database.Write(context, [&](app::Transaction& tx) {
          return app::UpdateCampaign(tx, context, id, version, patch);
        }));
      }));
  router.Add(
      Method::kDelete, "/v1/campaigns/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "campaign");
        const std::int32_t version = RequiredIfMatch(request);
        database.Write(
            context, [&](app::Transaction& tx) { app::DeleteCampaign(tx, context, id, version); });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
}

void AddSpendRoute(http::Router& router, Authenticator& authenticator, app::Database& database) {
  // No If-Match: a spend is one atomic increment checked against the budget, so it cannot
  // lose an update; the Idempotency-Key is what keeps a retried spend from counting twice.
  router.Add(
      Method::kPost, "/v1/campaigns/{id}/spend",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "campaign");
        const std::int64_t amount = ReadSpendAmount(request.body);
        return IdempotentPost(database, context, request, [&](app::Transaction& tx) {
          return One(200, app::SpendOnCampaign(tx, context, id, amount));
        });
      }));
}

void AddProductLinkRoutes(http::Router& router, Authenticator& authenticator,
                          app::Database& database) {
  router.Add(
      Method::kGet, "/v1/campaigns/{id}/products",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "campaign");
        const app::PageRequest page = PageOf(request);
        const app::Page<app::CampaignProduct> result = database.Read([&](app::Transaction& tx) {
          return app::ListCampaignProducts(tx, context.principal, id, page);
        });
        return ListReply(
            result, page,
            [](const app::CampaignProduct& link) { return CampaignProductJson(link); },
            [](const app::CampaignProduct& link) { return link.product_id; });
      }));
  router.Add(
      Method::kPut, "/v1/campaigns/{id}/products/{product_id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "campaign");
        const domain::Uuid product_id = LinkedProductId(request);
        const app::CampaignProductLink result = database.Write(context, [&](app::Transaction& tx) {
          return app::AddCampaignProduct(tx, context, id, product_id);
        });
        return Envelope(result.created ? 201 : 200, CampaignProductJson(result.link));
      }));
  router.Add(
      Method::kDelete, "/v1/campaigns/{id}/products/{product_id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "campaign");
        const domain::Uuid product_id = PathId(request, "product_id", "campaign product");
        database.Write(context, [&](app::Transaction& tx) {
          app::RemoveCampaignProduct(tx, context, id, product_id);
        });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
}

}  // namespace

void AddCampaignRoutes(http::Router& router, Authenticator& authenticator,
                       app::Database& database) {
  AddCampaignCrud(router, authenticator, database);
  AddSpendRoute(router, authenticator, database);
  AddProductLinkRoutes(router, authenticator, database);
}

}  // namespace nedlia::api
