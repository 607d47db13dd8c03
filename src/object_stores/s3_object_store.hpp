#pragma once

#include <string>

#include "app/ports/object_store.hpp"
#include "object_stores/s3_http.hpp"

namespace nedlia::object_stores {

/// Where the S3 store keeps its objects.
struct S3Settings {
  S3Endpoint endpoint;
  std::string bucket;
  /// What PublicUrl puts before the key; empty: "<endpoint>/<bucket>/" (path style).
  std::string public_base;
};

/// Objects in an S3-compatible bucket, over path-style URLs signed with AWS Signature V4.
/// Only a 2xx is a success, and a 404 is "absent" for GET and HEAD only. An unreachable
/// endpoint, a timeout, 5xx, 429 and 503 SlowDown are ObjectStoreUnavailable; a redirect
/// (3xx, never followed) or another refusal (403, 400, a 404 NoSuchBucket, ...) is an
/// ObjectStoreError with the status and S3's code and message. A listing that names a key
/// outside the prefix asked for, or a malformed one, is an ObjectStoreError too.
class S3ObjectStore : public app::ObjectStore {
 public:
  explicit S3ObjectStore(S3Settings settings);

  void Put(const std::string& key, const std::string& bytes,
           const app::PutOptions& options) override;
  app::StoredObject Get(const std::string& key) override;
  std::optional<app::ObjectInfo> Head(const std::string& key) override;
  void Delete(const std::string& key) override;
  std::vector<app::ObjectInfo> List(const std::string& prefix) override;
  std::string PublicUrl(const std::string& key) const override;

 private:
  /// Whether a 404 answer means "no such object" (GET, HEAD) or is a failure like any other.
  enum class NotFound { kIsAFailure, kMeansAbsent };

  /// Sends `request`; returns a 2xx answer (or a 404 when `not_found` allows it), throws for
  /// any other.
  S3Response Send(const std::string& what, SigV4Request request, const std::string& body = "",
                  NotFound not_found = NotFound::kIsAFailure);

  S3Settings settings_;
};

}  // namespace nedlia::object_stores
