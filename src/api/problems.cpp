#include "api/problems.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "process/fiber.hpp"

namespace nedlia::api {
namespace {

struct ProblemKind {
  int status;
  const char* title;
  const char* type;
};

ProblemKind KindOf(app::ErrorKind kind) {
  using enum app::ErrorKind;
  switch (kind) {
    case kInvalidInput:
      return {422, "Invalid request", "urn:nedlia:problem:invalid-request"};
    case kNotFound:
      return {404, "Not found", "urn:nedlia:problem:not-found"};
    case kConflict:
      return {409, "Conflict", "urn:nedlia:problem:conflict"};
    case kPreconditionRequired:
      return {428, "Precondition required", "urn:nedlia:problem:precondition-required"};
    case kPreconditionFailed:
      return {412, "Precondition failed", "urn:nedlia:problem:precondition-failed"};
    case kUnauthenticated:
      return {401, "Unauthenticated", "urn:nedlia:problem:unauthenticated"};
    case kForbidden:
      return {403, "Forbidden", "urn:nedlia:problem:forbidden"};
    case kUnavailable:
      return {503, "Service unavailable", "urn:nedlia:problem:unavailable"};
    case kTooManyRequests:
      return {429, "Too many requests", "urn:nedlia:problem:too-many-requests"};
    case kTooLarge:
      return {413, "Content too large", "urn:nedlia:problem:too-large"};
  }
  return {500, "Internal error", "about:blank"};
}

}  // namespace

http::Response ProblemFor(const app::Error& error) {
  const ProblemKind kind = KindOf(error.Kind());
  nlohmann::json extra = nlohmann::json::object();
  if (!error.Fields().empty()) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& field : error.Fields()) {
      fields.push_back({{"pointer", field.pointer}, {"detail", field.message}});
    }
    extra["errors"] = std::move(fields);
  }
  http::Response response =
      http::Response::Problem(kind.status, kind.title, error.what(), kind.type, extra);
  if (error.Kind() == app::ErrorKind::kUnavailable)
    response.SetHeader("Retry-After", "1");
  if (error.Kind() == app::ErrorKind::kUnauthenticated) {
    response.SetHeader("WWW-Authenticate", "Bearer realm=\"nedlia\"");
  }
  return response;
}

http::Handler MappingErrors(http::Handler next) {
  return [next = std::move(next)](http::Request& request) {
    try {
      return next(request);
    } catch (const app::Error& error) {
      return ProblemFor(error);
    } catch (const process::NoBlockingThread& error) {
      // A request on an event loop that had to wait on a thread, and found none free.
      return ProblemFor(app::Error(app::ErrorKind::kUnavailable, error.what()));
    } catch (const std::exception& error) {
      spdlog::error("{} {}: {}", http::MethodName(request.method), request.path, error.what());
      return http::Response::Problem(500, "Internal error",
                                     "the server failed to answer; the error has been logged");
    }
  };
}

}  // namespace nedlia::api
