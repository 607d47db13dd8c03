#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nedlia::events {

/// Converts an event type's data from one version to another, through each version between
/// them; nullopt when a step has no converter. The change that introduces a version N+1 of a
/// type registers both steps in versions.cpp: N+1 -> N makes the copies published for
/// version N's readers during its migration window, N -> N+1 upcasts version N's events for
/// consumers that work on N+1.
bool CanConvert(std::string_view type, int from, int to);
std::optional<nlohmann::json> ConvertData(std::string_view type, int from, int to,
                                          const nlohmann::json& data);

}  // namespace nedlia::events
