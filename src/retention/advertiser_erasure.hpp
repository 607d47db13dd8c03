#pragma once

#include <cstdint>

#include "events/envelope.hpp"
#include "pg/connection.hpp"

namespace nedlia::retention {

/// Erases the personal data of every advertiser deleted more than `days` ago and not erased
/// yet (app::EraseAdvertiser, as the system: its event names no key), a few per transaction;
/// returns how many it erased.
std::int64_t EraseLongDeletedAdvertisers(pg::Connection& connection, int days,
                                         const events::EnvelopeSettings& envelope);
/// How many EraseLongDeletedAdvertisers would erase now.
std::int64_t CountLongDeletedAdvertisers(pg::Connection& connection, int days);

}  // namespace nedlia::retention
