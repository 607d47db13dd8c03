#pragma once

#include <cstdint>

#include "pg/connection.hpp"

namespace nedlia::notifier {

/// Deletes the deliveries that finished (succeeded, failed or abandoned) more than `days` ago,
/// `batch` rows per transaction; returns how many. A pending delivery is never deleted, however
/// old: it waits for its webhook to be enabled again.
std::int64_t PurgeFinishedDeliveries(pg::Connection& connection, int days, int batch = 5000);
/// How many deliveries PurgeFinishedDeliveries would delete now.
std::int64_t CountFinishedDeliveries(pg::Connection& connection, int days);

/// Deletes the webhooks deleted more than `days` ago that have no delivery left (their
/// delivery log went first), secret included; returns how many.
std::int64_t PurgeDeletedWebhooks(pg::Connection& connection, int days, int batch = 1000);
/// How many webhooks PurgeDeletedWebhooks would delete now.
std::int64_t CountDeletedWebhooks(pg::Connection& connection, int days);

}  // namespace nedlia::notifier
