#include "events/cloud_event.hpp"

#include <gtest/gtest.h>

namespace nedlia::events {
namespace {

using nlohmann::json;

CloudEvent Sample() {
  CloudEvent event;
  event.id = "0190f6d2-7a3e-7c4b-8d5e-0123456789ab";
  event.source = "/placements";
  event.type = "com.nedlia.placement.created.v1";
  event.time = "2026-11-25T17:00:00.123Z";
  event.subject = "0190f6d2-7a3e-7c4b-8d5e-0123456789ab";
  event.dataschema = "http://127.0.0.1:8080/v1/schemas/events/com.nedlia.placement.created.v1";
  event.extensions = {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                      {"nedliaversion", "0.1.0"}};
  event.data = {{"placement_id", event.id}, {"title", "café \"quoted\" 100%"}};
  return event;
}

TEST(CloudEventTest, StructuredModeRoundTrips) {
  const CloudEvent event = Sample();
  const json structured = ToStructured(event);
  EXPECT_EQ(structured["specversion"], "1.0");
  EXPECT_EQ(structured["datacontenttype"], "application/json");
  EXPECT_EQ(structured["traceparent"], event.extensions.at("traceparent"));  // top level
  EXPECT_EQ(FromStructured(structured), event);
}

TEST(CloudEventTest, HttpBinaryModeRoundTripsWithPercentEncodedValues) {
  CloudEvent event = Sample();
  event.extensions["nedliaenvironment"] = "dév env";
  const BinaryMessage message = ToHttpBinary(event);
  auto header = [&](const std::string& name) {
    for (const auto& [key, value] : message.headers)
      if (key == name)
        return value;
    return std::string("(absent)");
  };
  EXPECT_EQ(header("ce-specversion"), "1.0");
  EXPECT_EQ(header("ce-type"), "com.nedlia.placement.created.v1");
  EXPECT_EQ(header("ce-nedliaenvironment"), "d%C3%A9v%20env");
  EXPECT_EQ(header("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(message.body), event.data);
  // Header names arrive in any case.
  auto headers = message.headers;
  headers[0].first = "CE-SpecVersion";
  EXPECT_EQ(FromHttpBinary(headers, message.body), event);
}

TEST(CloudEventTest, MalformedEnvelopesNameTheAttribute) {
  auto error = [](json structured) {
    try {
      FromStructured(structured);
    } catch (const InvalidCloudEvent& failure) {
      return std::string(failure.what());
    }
    return std::string("(accepted)");
  };
  const json good = ToStructured(Sample());
  json bad = good;
  bad["specversion"] = "0.3";
  EXPECT_EQ(error(bad), "specversion must be \"1.0\"");
  bad = good;
  bad.erase("id");
  EXPECT_EQ(error(bad), "id is required and must be a non-empty string");
  bad = good;
  bad["time"] = "yesterday";
  EXPECT_EQ(error(bad), "time must be an RFC 3339 timestamp");
  bad = good;
  bad["dataschema"] = "/relative";
  EXPECT_EQ(error(bad), "dataschema must be an absolute URI");
  bad = good;
  bad["nedlia"] = {{"version", "1.0"}};  // the seed's nested object: not valid CloudEvents
  EXPECT_EQ(error(bad), "extension attribute nedlia must be a string, an integer or a boolean");
  bad = good;
  bad["trace_id"] = "x";
  EXPECT_EQ(error(bad),
            "extension attribute \"trace_id\" must be 1-20 lowercase letters or digits");
  EXPECT_THROW(FromHttpBinary({{"ce-id", "1"}}, ""), InvalidCloudEvent);  // no specversion
}

}  // namespace
}  // namespace nedlia::events
