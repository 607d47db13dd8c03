#pragma once

#include "metrics/registry.hpp"

namespace nedlia::streams {

/// The event streams' metrics (Prometheus names, base units).
struct HubMetrics {
  explicit HubMetrics(metrics::Registry& registry);

  metrics::Gauge& open_streams;
  metrics::Counter& tail_queries;
  metrics::Counter& catch_up_queries;
  metrics::Counter& events_broadcast;
  metrics::Counter& deliveries;
  metrics::Counter& dropped_too_slow;
  metrics::Counter& dropped_key_revoked;
  metrics::Counter& ended_lifetime;
  metrics::Counter& refused_key_cap;
  metrics::Counter& refused_full;
};

}  // namespace nedlia::streams
