#include "http/request_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nedlia::http {
namespace {

using Outcome = RequestReading::Outcome;

TEST(RequestReaderTest, ReadsARequestWithItsBody) {
  const RequestReading reading = ReadRequest(
      "POST /v1/things?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}", ServerOptions{});
  ASSERT_EQ(reading.outcome, Outcome::kRequest);
  EXPECT_EQ(reading.request.method, Method::kPost);
  EXPECT_EQ(reading.request.path, "/v1/things");
  EXPECT_EQ(reading.request.Query("x"), "1");
  EXPECT_EQ(reading.request.Header("host"), "h");
  EXPECT_EQ(reading.request.body, "{}");
}

TEST(RequestReaderTest, PipelinedRequestsAreReadOneAtATime) {
  const std::string first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const RequestReading reading = ReadRequest(first + "GET /b HTTP/1.1\r\n\r\n", ServerOptions{});
  ASSERT_EQ(reading.outcome, Outcome::kRequest);
  EXPECT_EQ(reading.request.path, "/a");
  EXPECT_EQ(reading.consumed, first.size());
}

TEST(RequestReaderTest, AChunkedBodyIsJoined) {
  const RequestReading reading = ReadRequest(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1;x=y\r\nc\r\n0\r\n\r\n",
      ServerOptions{});
  ASSERT_EQ(reading.outcome, Outcome::kRequest);
  EXPECT_EQ(reading.request.body, "abc");
}

TEST(RequestReaderTest, AHeadPastTheLimitIsRefusedWith431) {
  const RequestReading reading = ReadRequest(
      "GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", {.max_header_bytes = 256});
  ASSERT_EQ(reading.outcome, Outcome::kRefused);
  EXPECT_EQ(reading.refusal->status, 431);
}

TEST(RequestReaderTest, ABodyPastTheLimitIsRefusedWith413) {
  const RequestReading reading =
      ReadRequest("POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n" + std::string(65, 'a'),
                  {.max_body_bytes = 64});
  ASSERT_EQ(reading.outcome, Outcome::kRefused);
  EXPECT_EQ(reading.refusal->status, 413);
}

TEST(RequestReaderTest, ALongChunkExtensionIsRefusedWith400) {
  const RequestReading reading =
      ReadRequest("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                      std::string(300, 'e') + "\r\na\r\n0\r\n\r\n",
                  ServerOptions{});
  ASSERT_EQ(reading.outcome, Outcome::kRefused);
  EXPECT_EQ(reading.refusal->status, 400);
}

TEST(RequestReaderTest, AnUnknownMethodIsAnswered501) {
  const RequestReading reading = ReadRequest("BREW /pot HTTP/1.1\r\n\r\n", ServerOptions{});
  ASSERT_EQ(reading.outcome, Outcome::kRefused);
  EXPECT_EQ(reading.refusal->status, 501);
}

TEST(RequestReaderTest, ATargetThatIsNotTextIsRefusedWith400) {
  const RequestReading reading = ReadRequest("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", ServerOptions{});
  ASSERT_EQ(reading.outcome, Outcome::kRefused);
  EXPECT_EQ(reading.refusal->status, 400);
}

TEST(RequestReaderTest, ARequestCutShortGetsNoAnswer) {
  EXPECT_EQ(ReadRequest("GET / HTTP/1.1\r\nHost:", ServerOptions{}).outcome, Outcome::kClosed);
  EXPECT_EQ(ReadRequest("", ServerOptions{}).outcome, Outcome::kClosed);
}

}  // namespace
}  // namespace nedlia::http
