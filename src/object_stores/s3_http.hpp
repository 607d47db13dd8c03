#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "object_stores/sigv4.hpp"

namespace nedlia::object_stores {

/// One answer of an S3 endpoint.
struct S3Response {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lowercased
  std::string body;

  /// The header's value, or "" when absent.
  std::string Header(const std::string& name) const;
};

/// Where and as whom requests go: a path-style endpoint ("http://127.0.0.1:9000" or
/// "https://s3.eu-west-1.amazonaws.com").
struct S3Endpoint {
  std::string url;  ///< scheme://host[:port], no trailing slash
  SigV4Credentials credentials;
  std::chrono::milliseconds timeout{30'000};
};

/// Signs `request` (SigV4, computed here: host, x-amz-date and x-amz-content-sha256 added)
/// and sends it with `body`. Throws app::ObjectStoreUnavailable when the endpoint cannot be
/// reached or times out; any HTTP status is returned, a redirect too (it is never followed).
S3Response SendSigned(const S3Endpoint& endpoint, SigV4Request request, const std::string& body);

/// "20130524T000000Z" for now.
std::string AmzDateNow();

}  // namespace nedlia::object_stores
