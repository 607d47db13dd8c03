// The body of POST /v1/videos/{id}/validations: nothing, or an empty JSON object (the request
// has no options yet). Anything else must be refused as invalid input naming what is wrong.
#include "api/validation_json.hpp"

#include <cstddef>
#include <cstdint>

#include "api_json_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const std::string_view text = AsText(data, size);
  const bool accepted = ReadBody([&] {
                          nedlia::api::ReadValidationRequest(text);
                          return true;
                        }).has_value();
  const bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  const bool empty_object = !json.is_discarded() && json.is_object() && json.empty();
  Check(accepted == (blank || empty_object), "only nothing or {} is accepted");
  return 0;
}
