#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "domain/webhook.hpp"

namespace nedlia::notifier {

/// The class the tenant sees for a transfer libcurl ended with `code`. `every_address_refused`:
/// the connect-time check refused every address the host resolved to, which libcurl reports as
/// an ordinary failure to connect.
domain::DeliveryError DeliveryErrorOf(CURLcode code, bool every_address_refused);

/// `text` on one line for the log: control characters, bytes outside ASCII and backslashes
/// escaped (\xNN, \\), so that a receiver's words can neither forge log lines nor carry
/// terminal escapes.
std::string EscapedForLog(std::string_view text);

}  // namespace nedlia::notifier
