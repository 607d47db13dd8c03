// libcurl's outcomes as the tenant sees them: a few classes. DNS failures cannot be caused on
// loopback without asking a resolver elsewhere, so the mapping is tested here on its own.
#include "notifier/transport_error.hpp"

#include <gtest/gtest.h>

namespace nedlia::notifier {
namespace {

using domain::DeliveryError;

std::string_view ClassOf(CURLcode code, bool every_address_refused = false) {
  return domain::DeliveryErrorName(DeliveryErrorOf(code, every_address_refused));
}

TEST(TransportErrorTest, EachFailureHasItsClass) {
  EXPECT_EQ(ClassOf(CURLE_COULDNT_RESOLVE_HOST), "dns");
  EXPECT_EQ(ClassOf(CURLE_OPERATION_TIMEDOUT), "timeout");
  EXPECT_EQ(ClassOf(CURLE_COULDNT_CONNECT), "connection_failed");
  EXPECT_EQ(ClassOf(CURLE_COULDNT_CONNECT, true), "address_refused");
  EXPECT_EQ(ClassOf(CURLE_OPERATION_TIMEDOUT, true), "timeout")
      << "another address was tried and hung";
  for (const CURLcode code : {CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
                              CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
                              CURLE_SSL_ISSUER_ERROR, CURLE_SSL_INVALIDCERTSTATUS})
    EXPECT_EQ(ClassOf(code), "tls") << code;
  for (const CURLcode code :
       {CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY,
        CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM})
    EXPECT_EQ(ClassOf(code), "connection_failed") << code;
  for (const CURLcode code : {CURLE_OUT_OF_MEMORY, CURLE_FAILED_INIT, CURLE_URL_MALFORMAT,
                              CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT})
    EXPECT_EQ(ClassOf(code), "internal") << code;
}

TEST(TransportErrorTest, LogTextIsEscapedToOneLine) {
  EXPECT_EQ(EscapedForLog("plain text: 10.0.0.1 refused"), "plain text: 10.0.0.1 refused");
  EXPECT_EQ(EscapedForLog("a\nforged line\r\x1b[31m"), "a\\x0aforged line\\x0d\\x1b[31m");
  EXPECT_EQ(EscapedForLog("back\\slash \xff"), "back\\\\slash \\xff");
}

}  // namespace
}  // namespace nedlia::notifier
