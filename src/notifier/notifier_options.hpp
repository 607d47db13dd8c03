#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "domain/egress_policy.hpp"

namespace nedlia::notifier {

/// The worker's name: its durable subscription and the consumer the catalog lists.
inline constexpr const char* kNotifierName = "notifier";

/// How the notifier's senders deliver to webhooks.
struct SenderOptions {
  /// Deliveries in flight at once (one thread each); a hanging receiver holds
  /// `in_flight_per_webhook` of them for `timeout` at most.
  int senders = 4;
  /// Deliveries of one advertiser in flight at once, across all processes: tarpits (receivers
  /// that accept and never answer) of one tenant hold this many senders at most, and the rest
  /// serve the others. Keep it below `senders`.
  int senders_per_advertiser = 2;
  /// Deliveries of one webhook in flight at once, across all processes (within the
  /// advertiser's share). 1 keeps a receiver's requests one at a time, in about the order of
  /// the events; more lets a busy webhook receive faster than one round trip at a time.
  int in_flight_per_webhook = 1;
  /// How long an idle sender waits before it looks for due deliveries again.
  std::chrono::milliseconds poll{500};
  std::chrono::milliseconds connect_timeout{5'000};
  /// The whole request, response included: past it the attempt failed.
  std::chrono::milliseconds timeout{15'000};
  /// Response bytes read at most; the rest is not read (the status decides).
  std::size_t max_response_bytes = std::size_t{64} * 1024;
  /// The addresses a sender may connect to, checked on every address at connect time (after
  /// resolution, so that DNS rebinding cannot pass): public ones, and the allowed networks.
  domain::EgressPolicy egress;
  /// Waits before the 2nd, 3rd, ... attempt (Standard Webhooks' schedule by default); a
  /// delivery still failing after the last is failed, and its webhook disabled.
  std::vector<std::chrono::milliseconds> retry_schedule = {
      std::chrono::seconds(5), std::chrono::minutes(5), std::chrono::minutes(30),
      std::chrono::hours(2),   std::chrono::hours(5),   std::chrono::hours(10),
      std::chrono::hours(10)};
  /// A webhook is also disabled once this many attempts in a row failed over at least
  /// `disable_after_period` (a busy endpoint that is down fails many deliveries at once).
  int disable_after_failures = 100;
  std::chrono::milliseconds disable_after_period = std::chrono::hours(24);
  /// Stamped on the com.nedlia.webhook.disabled.v1 events the notifier writes.
  std::string environment = "development";
  std::string platform_version;

  /// Added to the longest an attempt can take to make a claim's lease (tests shorten it).
  std::chrono::milliseconds lease_margin{5'000};

  /// How long a claim holds a delivery: longer than any attempt can take, so that only a
  /// crashed sender's claim ever expires.
  std::chrono::milliseconds Lease() const { return connect_timeout + timeout + lease_margin; }
};

/// Parses a schedule such as "5s,5m,30m,2h,5h,10h,10h" (units ms, s, m, h); throws
/// std::invalid_argument for anything else.
std::vector<std::chrono::milliseconds> ParseRetrySchedule(const std::string& text);

}  // namespace nedlia::notifier
