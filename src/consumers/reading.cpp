#include "consumers/reading.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "events/upcaster.hpp"

namespace nedlia::consumers {

Reading PrepareReading(const ConsumerOptions& options, EventHandler handler) {
  if (!options.upcast) {
    std::vector<std::string> types = options.types;
    std::sort(types.begin(), types.end());
    return {.types = std::move(types), .handle = std::move(handler)};
  }
  auto upcaster =
      std::make_shared<const events::Upcaster>(events::Catalog::Embedded(), options.types);
  std::vector<std::string> types = upcaster->TypesToRead();
  auto handle = [upcaster, handler = std::move(handler)](const events::StoredEvent& event,
                                                         pg::Connection& connection) {
    if (const std::optional<events::StoredEvent> current = upcaster->ToCurrent(event))
      handler(*current, connection);
  };
  return {.types = std::move(types), .handle = std::move(handle)};
}

}  // namespace nedlia::consumers
