#include "validator/validator.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "app/validation_runner.hpp"
#include "events/catalog.hpp"
#include "repositories/pg_transaction.hpp"

namespace nedlia::validator {
namespace {

domain::Uuid UuidField(const events::StoredEvent& event, const char* name) {
  const auto text = event.data.value(name, std::string());
  const auto id = domain::Uuid::Parse(text);
  if (!id) {
    throw std::invalid_argument(std::string("event ") + event.id.ToString() + " has no valid " +
                                name);
  }
  return *id;
}

/// The validator acts for the requester: its events name the requesting key and carry the
/// request's trace.
app::CallContext RequesterContext(const events::StoredEvent& event) {
  app::CallContext context;
  if (const auto requester = domain::Uuid::Parse(event.data.value("requested_by", "")))
    context.principal.id = *requester;
  context.principal.name = kValidatorName;
  if (event.metadata.is_object()) {
    const auto trace = event.metadata.find("traceparent");
    if (trace != event.metadata.end() && trace->is_string())
      context.traceparent = trace->get<std::string>();
  }
  return context;
}

std::string_view Describe(app::ValidationOutcome outcome) {
  switch (outcome) {
    case app::ValidationOutcome::kCompleted:
      return "completed";
    case app::ValidationOutcome::kFailed:
      return "failed";
    case app::ValidationOutcome::kSkipped:
      return "skipped (already ended or deleted)";
  }
  return "?";
}

}  // namespace

domain::Date TodayUtc() {
  return domain::Date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

consumers::Consumer MakeValidator(pg::Pool& pool, ValidatorSettings settings) {
  if (!settings.today)
    settings.today = TodayUtc;
  auto shared = std::make_shared<const ValidatorSettings>(std::move(settings));
  auto handle = [shared](const events::StoredEvent& event, pg::Connection& connection) {
    const domain::Uuid run_id = UuidField(event, "validation_run_id");
    const app::CallContext context = RequesterContext(event);
    repositories::PgTransaction tx(connection, context, shared->envelope);
    const auto started = std::chrono::steady_clock::now();
    const app::ValidationOutcome outcome =
        app::RunValidation(tx, run_id, shared->today(), shared->limits);
    spdlog::info("validation run {}: {} in {} ms", run_id.ToString(), Describe(outcome),
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
  };
  consumers::ConsumerOptions options{
      .name = kValidatorName,
      .types = events::Catalog::Embedded().CurrentTypesFor(kValidatorName),
      .upcast = true};
  options.max_attempts = shared->max_attempts;
  options.on_dead_letter = [shared](const events::StoredEvent& event, const std::string& error,
                                    pg::Connection& connection) {
    const auto run_id = domain::Uuid::Parse(event.data.value("validation_run_id", ""));
    if (!run_id)
      return;  // nothing to fail: the request itself was malformed
    // PgTransaction keeps a reference to the context: it must outlive the transaction.
    const app::CallContext context = RequesterContext(event);
    repositories::PgTransaction tx(connection, context, shared->envelope);
    app::FailValidation(tx, *run_id, "the validation could not be run: " + error);
  };
  return consumers::Consumer(pool, std::move(options), std::move(handle));
}

}  // namespace nedlia::validator
