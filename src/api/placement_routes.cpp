#include "api/placement_routes.hpp"

#include "api/idempotent_post.hpp"
#include "api/list_queries.hpp"
#include "api/placement_json.hpp"
#include "api/responses.hpp"
#include "app/errors.hpp"
#include "app/placement_commands.hpp"

namespace nedlia::api {
namespace {

http::Response One(int status, const app::OwnedPlacement& owned) {
  http::Response response = Envelope(status, PlacementJson(owned));
  response.SetHeader("ETag",
                     ETagOf(owned.placement.audit.version, owned.placement.file_url.value_or("")));
  return response;
}

}  // namespace

void AddPlacementRoutes(http::Router& router, Authenticator& authenticator,
                        app::Database& database) {
  using http::Method;
  router.Add(
      Method::kPost, "/v1/placements",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::NewPlacement input = ReadNewPlacement(request.body);
        return IdempotentPost(database, context, request, [&](app::Transaction& tx) {
          const auto created = app::CreatePlacement(tx, context, input);
          http::Response response = One(201, created);
          response.SetHeader("Location", "/v1/placements/" + created.placement.id.ToString());
          return response;
        });
      }));
  router.Add(Method::kGet, "/v1/placements/{id}",
             Secured(authenticator,
                     [&database](http::Request& request, const app::CallContext& context) {
                       const domain::Uuid id = PathId(request, "id", "placement");
                       return One(200, database.ReadByKey([&](app::Transaction& tx) {
                         return app::GetPlacement(tx, context.principal, id);
                       }));
                     }),
             http::Router::Runs::kOnLoop);
  router.Add(
      Method::kGet, "/v1/placements",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::PlacementFilter filter = PlacementFilterOf(request);
        const app::PageRequest page = PageOf(request);
        const app::Page<app::OwnedPlacement> result = database.Read([&](app::Transaction& tx) {
          return app::ListPlacements(tx, context.principal, filter, page);
        });
        return ListReply(
            result, page, [](const app::OwnedPlacement& owned) { return PlacementJson(owned); },
            [](const app::OwnedPlacement& owned) { return owned.placement.id; });
      }));
  router.Add(
      Method::kPatch, "/v1/placements/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "placement");
        const std::int32_t version = RequiredIfMatch(request);
        const app::PlacementPatch patch = ReadPlacementPatch(request.body);
        return One(200, database.Write(context, [&](app::Transaction& tx) {
          return app::UpdatePlacement(tx, context, id, version, patch);
        }));
      }));
  router.Add(
      Method::kDelete, "/v1/placements/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "placement");
        const std::int32_t version = RequiredIfMatch(request);
        database.Write(
            context, [&](app::Transaction& tx) { app::DeletePlacement(tx, context, id, version); });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
}

}  // namespace nedlia::api
