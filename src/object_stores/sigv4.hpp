#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nedlia::object_stores {

/// What AWS Signature Version 4 signs of one request. Header names are lowercase; the query
/// is given as decoded (name, value) pairs and canonicalised (encoded, sorted) by the signer.
struct SigV4Request {
  std::string method;
  std::string path;  ///< decoded, starting with '/', e.g. "/bucket/placements/a.json"
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  ///< host and x-amz-* included
  std::string payload_sha256;  ///< hex; also sent as x-amz-content-sha256
};

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service = "s3";
};

/// AWS's URI encoding: everything but A-Z a-z 0-9 - . _ ~ as %XX (uppercase), and '/' too
/// unless `keep_slash` (paths keep theirs, query values do not).
std::string UriEncode(const std::string& text, bool keep_slash);
/// The query string as signed and sent: each name and value encoded, sorted by name.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);
/// The canonical request of the SigV4 specification (S3 flavour: the path is encoded once).
/// Header names are lowercased, values trimmed with inner runs of spaces made one, and the
/// values of a name given more than once joined with commas.
std::string CanonicalRequest(const SigV4Request& request);
/// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of the canonical request>".
std::string StringToSign(const SigV4Request& request, const SigV4Credentials& credentials,
                         const std::string& amz_date);
/// The hex signature of the request at `amz_date` (YYYYMMDD'T'HHMMSS'Z').
std::string Signature(const SigV4Request& request, const SigV4Credentials& credentials,
                      const std::string& amz_date);
/// The Authorization header's value.
std::string Authorization(const SigV4Request& request, const SigV4Credentials& credentials,
                          const std::string& amz_date);

}  // namespace nedlia::object_stores
