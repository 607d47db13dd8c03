#include "notifier/transport_error.hpp"

#include <array>

namespace nedlia::notifier {
namespace {

bool IsTlsFailure(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

/// Failures of the notifier's own making: the request was never properly made.
bool IsInternalFailure(CURLcode code) {
  switch (code) {
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
      return true;
    default:
      return false;
  }
}

}  // namespace

domain::DeliveryError DeliveryErrorOf(CURLcode code, bool every_address_refused) {
  using domain::DeliveryError;
  if (code == CURLE_COULDNT_CONNECT) {
    return every_address_refused ? DeliveryError::kAddressRefused
                                 : DeliveryError::kConnectionFailed;
  }
  if (code == CURLE_COULDNT_RESOLVE_HOST)
    return DeliveryError::kDns;
  if (code == CURLE_OPERATION_TIMEDOUT)
    return DeliveryError::kTimeout;
  if (IsTlsFailure(code))
    return DeliveryError::kTls;
  if (IsInternalFailure(code))
    return DeliveryError::kInternal;
  // Sending or receiving failed, nothing or garbage came back: the connection did not carry an
  // answer.
  return DeliveryError::kConnectionFailed;
}

std::string EscapedForLog(std::string_view text) {
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      escaped += "\\\\";
    } else if (byte < 0x20 || byte >= 0x7F) {
      escaped += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace nedlia::notifier
