#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "app/video_commands.hpp"

namespace nedlia::api {

/// A video as the API shows it: the specification's columns, duration in seconds, metadata as
/// the JSON object it is.
nlohmann::json VideoJson(const domain::Video& video);

/// The body of POST /v1/videos; throws app::Error kInvalidInput naming every bad field.
app::NewVideo ReadNewVideo(std::string_view body);
/// The body of PATCH /v1/videos/{id}.
app::VideoPatch ReadVideoPatch(std::string_view body);

}  // namespace nedlia::api
