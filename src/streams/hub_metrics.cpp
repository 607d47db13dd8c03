#include "streams/hub_metrics.hpp"

namespace nedlia::streams {
namespace {

constexpr const char* kEnded = "nedlia_event_streams_ended_total";
constexpr const char* kEndedHelp =
    "Event streams the server ended, by reason (clients leaving are not counted).";
constexpr const char* kRefused = "nedlia_event_streams_refused_total";
constexpr const char* kRefusedHelp = "Event stream requests refused, by the cap they hit.";

}  // namespace

HubMetrics::HubMetrics(metrics::Registry& registry)
    : open_streams(
          registry.GetGauge("nedlia_event_streams_open", "Server-Sent Events streams open now.")),
      tail_queries(registry.GetCounter(
          "nedlia_event_stream_tail_queries_total",
          "Queries of the process's one reader of new events, whatever the number of streams.")),
      catch_up_queries(registry.GetCounter(
          "nedlia_event_stream_catch_up_queries_total",
          "Pages read from the database for streams catching up with the log.")),
      events_broadcast(
          registry.GetCounter("nedlia_event_stream_events_broadcast_total",
                              "New events the tail read and offered to the live streams.")),
      deliveries(registry.GetCounter("nedlia_event_stream_deliveries_total",
                                     "Events queued for a live stream, one per stream.")),
      dropped_too_slow(registry.GetCounter(kEnded, kEndedHelp, "reason=\"too_slow\"")),
      dropped_key_revoked(registry.GetCounter(kEnded, kEndedHelp, "reason=\"key_revoked\"")),
      ended_lifetime(registry.GetCounter(kEnded, kEndedHelp, "reason=\"lifetime\"")),
      refused_key_cap(registry.GetCounter(kRefused, kRefusedHelp, "cap=\"per_key\"")),
      refused_full(registry.GetCounter(kRefused, kRefusedHelp, "cap=\"process\"")) {}

}  // namespace nedlia::streams
