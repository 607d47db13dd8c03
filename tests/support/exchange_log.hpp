#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nedlia::testing {

/// What the tests exchanged with the platform, kept for the run's conformance check: after the
/// whole suite, tools/conformance/check-exchanges.mjs reads it back and checks each exchange
/// with the standards' reference libraries (every API answer against the served OpenAPI
/// document with a JSON Schema 2020-12 validator, every webhook delivery with the CloudEvents
/// SDK and the Standard Webhooks library, every feed and stream event with the CloudEvents SDK).
///
/// Records go to NEDLIA_TEST_EXCHANGES_DIR (CTest sets it), one JSON object per line in a file
/// per process, each with the test that caused it; unset, nothing is recorded.
class ExchangeLog {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  /// One answer of the API: the request's method and target, the answer's status, headers
  /// and body as received.
  static void Response(const std::string& method, const std::string& target, long status,
                       const Headers& headers, const std::string& body);
  /// One webhook request as a receiver got it, with the secret the receiver verifies with.
  static void WebhookDelivery(const std::string& secret, const Headers& headers,
                              const std::string& body);
  /// Everything one client read from GET /v1/events/stream, raw (head and chunked body).
  static void EventStream(const std::string& received);
  /// What the server under test publishes for clients to check against, by file name:
  /// "openapi.json" (its OpenAPI document), "event-schemas.json" (the events' JSON Schemas by
  /// versioned type). Written once per run: every server of the run publishes the same.
  static void Published(const std::string& name, const nlohmann::json& document);

 private:
  static void Append(nlohmann::json record);
};

}  // namespace nedlia::testing
