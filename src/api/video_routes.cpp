#include "api/video_routes.hpp"

#include "api/idempotent_post.hpp"
#include "api/list_queries.hpp"
#include "api/responses.hpp"
#include "api/video_json.hpp"
#include "app/errors.hpp"
#include "app/video_commands.hpp"

namespace nedlia::api {
namespace {

http::Response One(int status, const domain::Video& video) {
  http::Response response = Envelope(status, VideoJson(video));
  response.SetHeader("ETag", ETagOf(video.audit.version));
  return response;
}

}  // namespace

void AddVideoRoutes(http::Router& router, Authenticator& authenticator, app::Database& database) {
  using http::Method;
  // Writes check the role before reading the body: an advertiser key learns it may not write
  // the catalog, whatever it sent.
  router.Add(
      Method::kPost, "/v1/videos",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        app::RequireCatalogAdmin(context.principal);
        const app::NewVideo input = ReadNewVideo(request.body);
        return IdempotentPost(database, context, request, [&](app::Transaction& tx) {
          const domain::Video created = app::RegisterVideo(tx, context, input);
          http::Response response = One(201, created);
          response.SetHeader("Location", "/v1/videos/" + created.id.ToString());
          return response;
        });
      }));
  router.Add(Method::kGet, "/v1/videos/{id}",
             Secured(authenticator,
                     [&database](http::Request& request, const app::CallContext&) {
                       const domain::Uuid id = PathId(request, "id", "video");
                       return One(200, database.ReadByKey([&](app::Transaction& tx) {
                         return app::GetVideo(tx, id);
                       }));
                     }),
             http::Router::Runs::kOnLoop);
  router.Add(Method::kGet, "/v1/videos",
             Secured(authenticator, [&database](http::Request& request, const app::CallContext&) {
               const app::VideoFilter filter = VideoFilterOf(request);
               const app::PageRequest page = PageOf(request);
               const app::Page<domain::Video> result = database.Read(
                   [&](app::Transaction& tx) { return app::ListVideos(tx, filter, page); });
               return ListReply(
                   result, page, [](const domain::Video& video) { return VideoJson(video); },
                   [](const domain::Video& video) { return video.id; });
             }));
  router.Add(
      Method::kPatch, "/v1/videos/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        app::RequireCatalogAdmin(context.principal);
        const domain::Uuid id = PathId(request, "id", "video");
        const std::int32_t version = RequiredIfMatch(request);
        const app::VideoPatch patch = ReadVideoPatch(request.body);
        return One(200, database.Write(context, [&](app::Transaction& tx) {
          return app::UpdateVideo(tx, context, id, version, patch);
        }));
      }));
  router.Add(
      Method::kDelete, "/v1/videos/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        app::RequireCatalogAdmin(context.principal);
        const domain::Uuid id = PathId(request, "id", "video");
        const std::int32_t version = RequiredIfMatch(request);
        database.Write(context,
                       [&](app::Transaction& tx) { app::DeleteVideo(tx, context, id, version); });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
}

}  // namespace nedlia::api
