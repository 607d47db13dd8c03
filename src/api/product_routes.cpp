#include "api/product_routes.hpp"

#include "api/idempotent_post.hpp"
#include "api/list_queries.hpp"
#include "api/product_json.hpp"
#include "api/responses.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

http::Response One(int status, const domain::Product& product) {
  http::Response response = Envelope(status, ProductJson(product));
  response.SetHeader("ETag", ETagOf(product.audit.version));
  return response;
}

}  // namespace

void AddProductRoutes(http::Router& router, Authenticator& authenticator, app::Database& database) {
  using http::Method;
  router.Add(
      Method::kPost, "/v1/products",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::NewProduct input = ReadNewProduct(request.body, context.principal.IsAdmin());
        return IdempotentPost(database, context, request, [&](app::Transaction& tx) {
          const auto created = app::CreateProduct(tx, context, input);
          http::Response response = One(201, created);
          response.SetHeader("Location", "/v1/products/" + created.id.ToString());
          return response;
        });
      }));
  router.Add(Method::kGet, "/v1/products/{id}",
             Secured(authenticator,
                     [&database](http::Request& request, const app::CallContext& context) {
                       const domain::Uuid id = PathId(request, "id", "product");
                       return One(200, database.ReadByKey([&](app::Transaction& tx) {
                         return app::GetProduct(tx, context.principal, id);
                       }));
                     }),
             http::Router::Runs::kOnLoop);
  router.Add(
      Method::kGet, "/v1/products",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::ProductFilter filter = ProductFilterOf(request);
        const app::PageRequest page = PageOf(request);
        const app::Page<domain::Product> result = database.Read([&](app::Transaction& tx) {
          return app::ListProducts(tx, context.principal, filter, page);
        });
        return ListReply(
            result, page, [](const domain::Product& product) { return ProductJson(product); },
            [](const domain::Product& product) { return product.id; });
      }));
  router.Add(
      Method::kPatch, "/v1/products/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "product");
        const std::int32_t version = RequiredIfMatch(request);
        const app::ProductPatch patch = ReadProductPatch(request.body);
        return One(200, database.Write(context, [&](app::Transaction& tx) {
          return app::UpdateProduct(tx, context, id, version, patch);
        }));
      }));
  router.Add(
      Method::kDelete, "/v1/products/{id}",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const domain::Uuid id = PathId(request, "id", "product");
        const std::int32_t version = RequiredIfMatch(request);
        database.Write(context,
                       [&](app::Transaction& tx) { app::DeleteProduct(tx, context, id, version); });
        return http::Response{.status = 204, .headers = {}, .body = {}};
      }));
}

}  // namespace nedlia::api
