#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "app/ports/event_streams.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// The event feed: GET /v1/events?after=POSITION&type=T1,T2&limit=N, committed events as
/// CloudEvents (structured JSON) in log order, each with its position (extension attribute
/// nedliaposition) and the page's last one in meta.next_after. An advertiser key reads only its
/// own advertiser's events. GET /v1/events/stream is the same as a Server-Sent Events tail from
/// `streams` (resumed after Last-Event-ID).
void AddEventRoutes(http::Router& router, Authenticator& authenticator, app::Database& database,
                    app::EventStreams& streams);

}  // namespace nedlia::api
