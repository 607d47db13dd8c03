#pragma once

#include <chrono>
#include <stop_token>

namespace nedlia::process {

/// Sleeps for `duration`, or until `stop` is requested, whichever comes first: the wait of a
/// background loop between passes or retries, so that shutdown never waits for it.
void PauseFor(const std::stop_token& stop, std::chrono::milliseconds duration);

}  // namespace nedlia::process
