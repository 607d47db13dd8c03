#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/router.hpp"

namespace nedlia::http {

/// Says why the service cannot take traffic now (for example "database unreachable: ..."),
/// or nullopt when it can. Called on every GET /readyz; it may block briefly.
using ReadinessProbe = std::function<std::optional<std::string>()>;

/// GET /healthz: 200 {"status":"ok"} while the process serves HTTP at all (liveness).
/// GET /readyz: 200 {"status":"ready"}, or 503 problem+json with the probe's reason and
/// Retry-After: 5 (readiness: load balancers stop sending traffic, nothing restarts).
void AddHealthRoutes(Router& router, ReadinessProbe readiness_probe);

}  // namespace nedlia::http
