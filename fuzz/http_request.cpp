// HTTP requests as the server reads them: the bytes of one or more pipelined requests go
// through the server's own parser and limits (ReadRequest), the text checks, the router holding
// every route the API serves (with handlers that only record the match: nothing touches a
// database), and the header readers the API applies to every request (traceparent, If-Match,
// If-None-Match, the Authorization token's shape).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api.hpp"
#include "api/conditional_get.hpp"
#include "api/idempotent_post.hpp"
#include "api/request_context.hpp"
#include "api/responses.hpp"
#include "app/api_key_cache.hpp"
#include "app/api_keys.hpp"
#include "app/errors.hpp"
#include "fuzz_support.hpp"
#include "http/request_reader.hpp"
#include "http/request_text.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace nedlia::fuzz {
namespace {

using http::Method;
using Outcome = http::RequestReading::Outcome;

/// The API is only asked for its routes: none of these is ever called.
class UnusedDatabase : public app::Database {
 public:
  void RunWrite(const app::CallContext&, const TransactionWork&) override {
    Fail("a route handler reached the database");
  }
  void RunRead(const TransactionWork&) override { Fail("a route handler reached the database"); }
};

class UnusedStreams : public app::EventStreams {
 public:
  std::unique_ptr<app::EventSubscription> Subscribe(app::StreamRequest) override {
    Fail("a route handler opened an event stream");
  }
};

std::vector<std::string> ParamNames(std::string_view path_template) {
  std::vector<std::string> names;
  for (std::size_t open = path_template.find('{'); open != std::string_view::npos;
       open = path_template.find('{', open + 1)) {
    const std::size_t close = path_template.find('}', open);
    names.emplace_back(path_template.substr(open + 1, close - open - 1));
  }
  return names;
}

/// Every (method, template) the API serves, each answering 200 with its template after checking
/// that the router bound each of its parameters.
http::Router ServedRoutes() {
  UnusedDatabase database;
  metrics::Registry registry;
  app::ApiKeyCache keys(database, {}, registry);
  UnusedStreams streams;
  const api::Api api(
      database, [] { return std::nullopt; }, keys, streams);
  http::Router router;
  for (const http::Router::Route& route : api.Routes().Routes()) {
    router.Add(route.method, route.path_template, [route](http::Request& request) {
      for (const std::string& name : ParamNames(route.path_template))
        Check(!request.PathParam(name).empty(), "a matched parameter is never empty");
      Check(request.method == route.method ||
                (request.method == Method::kHead && route.method == Method::kGet),
            "a route answers its own method (HEAD: GET's)");
      return http::Response::Text(200, route.path_template);
    });
  }
  return router;
}

void CheckRouting(const http::Router& router, http::Request request) {
  const http::Response response = router.Handle(request);
  switch (response.status) {
    case 200:
    case 400:
    case 404:
      return;
    case 405:
      Check(response.Header("Allow").value_or("") != "", "a 405 says what is allowed");
      return;
    default:
      Fail("the router answers 200, 400, 404 or 405, not " + std::to_string(response.status));
  }
}

bool IsLowerHex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void CheckHeaders(const http::Request& request) {
  const std::string traceparent = api::TraceparentOf(request);
  Check(traceparent.size() == 55 && traceparent.starts_with("00-") &&
            IsLowerHex(traceparent.substr(3, 32)) && traceparent[35] == '-' &&
            IsLowerHex(traceparent.substr(36, 16)) && traceparent[52] == '-',
        "the trace context passed on is well-formed");
  ParseOr<app::Error>([&] { return api::RequiredIfMatch(request); },
                      [](const app::Error& error) {
                        Check(error.Kind() == app::ErrorKind::kPreconditionRequired ||
                                  error.Kind() == app::ErrorKind::kPreconditionFailed,
                              "a bad If-Match is a 428 or a 412");
                      });
  const http::Response answer =
      api::ConditionalGet(request, http::Response::Json(200, {{"data", 1}}));
  Check(answer.status == 200 || (answer.status == 304 && answer.body.empty()),
        "a conditional GET answers 200 or an empty 304");
  if (const auto authorization = request.Header("Authorization"))
    (void)app::LooksLikeApiKey(*authorization);
  const auto key = ParseOr<app::Error>([&] { return api::IdempotencyKeyOf(request); },
                                       [](const app::Error& error) {
                                         Check(error.Kind() == app::ErrorKind::kInvalidInput,
                                               "a bad Idempotency-Key is invalid input");
                                       });
  if (key && *key)
    Check(!(*key)->empty() && (*key)->size() <= 255, "an idempotency key is 1 to 255 characters");
}

void CheckReading(const http::RequestReading& reading, const http::ServerOptions& options,
                  std::size_t size) {
  Check(reading.consumed <= size, "a request takes at most the bytes there are");
  if (reading.outcome == Outcome::kRefused) {
    const int status = reading.refusal->status;
    Check(status == 400 || status == 413 || status == 431 || status == 501,
          "a request is refused with 400, 413, 431 or 501");
    Check(nlohmann::json::accept(reading.refusal->body), "a refusal is JSON");
  }
  if (reading.outcome != Outcome::kRequest)
    return;
  Check(reading.consumed > 0, "a request takes bytes");
  Check(reading.request.body.size() <= options.max_body_bytes, "the body is within its limit");
  Check(!http::CheckRequestText(reading.request), "a request for a handler is text");
}

/// The requests of `bytes` under `options`, as one keep-alive connection reads them.
void ReadConnection(std::string_view bytes, const http::ServerOptions& options,
                    const http::Router& router) {
  for (int request = 0; request < 4 && !bytes.empty(); ++request) {
    const http::RequestReading reading = http::ReadRequest(bytes, options);
    CheckReading(reading, options, bytes.size());
    if (reading.outcome != Outcome::kRequest)
      return;
    CheckHeaders(reading.request);
    CheckRouting(router, reading.request);
    bytes.remove_prefix(reading.consumed);
  }
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  static const nedlia::http::Router router = ServedRoutes();
  const std::string_view bytes = AsText(data, size);
  // The limits `nedlia serve` runs with, and tight ones that small inputs can reach.
  ReadConnection(bytes, nedlia::http::ServerOptions{}, router);
  ReadConnection(bytes, {.max_header_bytes = 256, .max_body_bytes = 64}, router);
  return 0;
}
