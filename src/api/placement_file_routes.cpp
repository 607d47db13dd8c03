#include "api/placement_file_routes.hpp"

#include <spdlog/spdlog.h>

#include <regex>

#include "domain/uuid.hpp"

namespace nedlia::api {
namespace {

const std::regex kFileName("([0-9a-f]{64})\\.(json|vtt)");

http::Response NotFound() {
  return http::Response::Problem(404, "Not Found", "no such placement file");
}

// The key holds the content's hash, so the ETag never changes for a name and the file can be
// cached forever.
http::Response Serve(app::ObjectStore& store, const std::string& key, const std::string& hash,
                     const std::string& extension, const http::Request& request) {
  const std::string etag = "\"" + hash + "\"";
  http::Response response;
  const auto if_none_match = request.Header("If-None-Match");
  if (if_none_match && (*if_none_match == etag || *if_none_match == "*")) {
    if (!store.Head(key))
      return NotFound();
    response.status = 304;
  } else {
    response.body = store.Get(key).bytes;
    response.SetHeader("Content-Type", extension == "vtt" ? "text/vtt" : "application/json");
  }
  response.SetHeader("ETag", etag);
  response.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
  response.SetHeader("Access-Control-Allow-Origin", "*");  // players on other origins
  return response;
}

}  // namespace

void AddPlacementFileRoutes(http::Router& router, app::ObjectStore* store) {
  router.Add(
      http::Method::kGet, "/files/placements/{video_id}/{file}", [store](http::Request& request) {
        const std::string& video_id = request.PathParam("video_id");
        const std::string& file = request.PathParam("file");
        std::smatch match;
        if (!store || !domain::Uuid::Parse(video_id) || !std::regex_match(file, match, kFileName))
          return NotFound();
        try {
          return Serve(*store, "placements/" + video_id + "/" + file, match[1], match[2], request);
        } catch (const app::ObjectNotFound&) {
          return NotFound();
        } catch (const app::ObjectStoreUnavailable& error) {
          spdlog::warn("placement file {}: {}", file, error.what());
          http::Response response = http::Response::Problem(
              503, "Service Unavailable", "the object store is unavailable; retry later");
          response.SetHeader("Retry-After", "5");
          return response;
        }
      });
}

}  // namespace nedlia::api
