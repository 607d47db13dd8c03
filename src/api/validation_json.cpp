#include "api/validation_json.hpp"

#include "api/json_reader.hpp"
#include "api/json_writer.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

nlohmann::json OptionalTime(const std::optional<domain::TimestampMs>& ms) {
  return ms ? nlohmann::json(Rfc3339(*ms)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ValidationRunJson(const app::OwnedValidationRun& owned) {
  const domain::ValidationRun& run = owned.run;
  return {{"id", run.id.ToString()},
          {"video_id", run.video_id.ToString()},
          {"status", domain::ToString(run.status)},
          {"started_at", OptionalTime(run.started_at)},
          {"completed_at", OptionalTime(run.completed_at)},
          {"issues", Document(run.issues)},
          {"summary", run.summary ? Document(*run.summary) : nlohmann::json(nullptr)},
          {"requested_by", OrNull(run.requested_by)},
          {"created_at", Rfc3339(run.created_at)},
          {"updated_at", Rfc3339(run.updated_at)}};
}

void ReadValidationRequest(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return;
  const nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  ObjectReader body(json, "", errors);
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
}

}  // namespace nedlia::api
