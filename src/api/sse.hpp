#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "app/ports/event_feed.hpp"

namespace nedlia::api {

/// The CloudEvent in structured mode: the envelope kept in metadata, plus id, type, time and
/// data from their columns, and the event's position in the log (nedliaposition).
nlohmann::json StructuredEvent(const app::FeedEvent& event);

/// One Server-Sent Event: the position as its id (so a reconnecting client resumes with
/// Last-Event-ID), the type as its event name, the CloudEvent as its data (one line of JSON).
std::string SseMessage(const app::FeedEvent& event);

/// A Server-Sent Events comment line (clients ignore it; people and proxies see it).
std::string SseComment(const std::string& text);

}  // namespace nedlia::api
