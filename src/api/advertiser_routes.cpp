#include "api/advertiser_routes.hpp"

#include "api/advertiser_json.hpp"
#include "api/idempotent_post.hpp"
#include "api/list_queries.hpp"
#include "api/responses.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

http::Response One(int status, const domain::Advertiser& advertiser) {
  http::Response response = Envelope(status, AdvertiserJson(advertiser));
  response.SetHeader("ETag", ETagOf(advertiser.audit.version));
  return response;
}

}  // namespace

void AddAdvertiserRoutes(http::Router& router, Authenticator& authenticator,
                         app::Database& database) {
  using http::Method;
  router.Add(
      Method::kPost, "/v1/advertisers",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        // The role decides before the body is looked at: an advertiser key learns nothing
        // from validation it may not use.
        app::CheckMayCreateAdvertisers(context.principal);
        const app::NewAdvertiser input = ReadNewAdvertiser(request.body);
        return IdempotentPost(database, context, request, [&](app::Transaction& tx) {
          const auto created = app::CreateAdvertiser(tx, context, input);
          http::Response response = One(201, created);
          response.SetHeader("Location", "/v1/advertisers/" + created.id.ToString());
          return response;
        });
      }));
  router.Add(Method::kGet, "/v1/advertisers/{id}",
             Secured(authenticator,
                     [&database](http::Request& request, const app::CallContext& context) {
                       const domain::Uuid id = PathId(request, "id", "advertiser");
                       return One(200, database.ReadByKey([&](app::Transaction& tx) {
                         return app::GetAdvertiser(tx, context.principal, id);
                       }));
                     }),
             http::Router::Runs::kOnLoop);
  router.Add(
      Method::kGet, "/v1/advertisers",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::AdvertiserFilter filter = AdvertiserFilterOf(request);
        const app::PageRequest page = PageOf(request);
        const app::Page<domain::Advertiser> result = database.Read([&](app::Transaction& tx) {
          return app::ListAdvertisers(tx, context.principal, filter, page);
        });
        return ListReply(
            result, page,
            [](const domain::Advertiser& advertiser) { return AdvertiserJson(advertiser); },
            [](const domain::Advertiser& advertiser) { return advertiser.id; });
      }));
  router.Add(
      Method::kPatch, "/v1/advertisers/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "advertiser");
        const std::int32_t version = RequiredIfMatch(request);
        const app::AdvertiserPatch patch = ReadAdvertiserPatch(request.body);
        return One(200, database.Write(context, [&](app::Transaction& tx) {
          return app::UpdateAdvertiser(tx, context, id, version, patch);
        }));
      }));
  router.Add(
      Method::kDelete, "/v1/advertisers/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "advertiser");
        const std::int32_t version = RequiredIfMatch(request);
        database.Write(context, [&](app::Transaction& tx) {
          app::DeleteAdvertiser(tx, context, id, version);
        });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
  // Idempotent: erasing an erased advertiser answers the same and changes nothing.
  router.Add(
      Method::kPost, "/v1/advertisers/{id}/erasure",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "advertiser");
        database.Write(context,
                       [&](app::Transaction& tx) { app::EraseAdvertiser(tx, context, id); });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
}

}  // namespace nedlia::api
