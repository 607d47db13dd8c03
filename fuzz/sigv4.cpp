// AWS Signature Version 4 as the S3 object store signs requests whose keys, prefixes and
// continuation tokens come from elsewhere (an object store listing among them). The input's
// lines are a method, a path, then "?name=value" query parameters and "name: value" header
// fields. The canonical request is compared with a reference written from AWS's
// specification, and the encodings must decode back to what was encoded.
#include "object_stores/sigv4.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "encoding/percent.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

object_stores::SigV4Request RequestOf(std::string_view text) {
  object_stores::SigV4Request request{
      .method = "GET", .path = "/", .payload_sha256 = "UNSIGNED-PAYLOAD"};
  for (int line = 0; !text.empty(); ++line) {
    const std::string_view current = text.substr(0, text.find('\n'));
    text.remove_prefix(std::min(text.size(), current.size() + 1));
    if (line == 0) {
      request.method = current;
    } else if (line == 1) {
      request.path = "/" + std::string(current);
    } else if (current.starts_with('?')) {
      const std::size_t equals = current.find('=');
      request.query.emplace_back(current.substr(1, equals - 1), equals == std::string_view::npos
                                                                    ? ""
                                                                    : current.substr(equals + 1));
    } else if (const std::size_t colon = current.find(':'); colon != std::string_view::npos) {
      request.headers.emplace_back(current.substr(0, colon), current.substr(colon + 1));
    }
  }
  return request;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void CheckUriEncode(const std::string& text, bool keep_slash) {
  const std::string encoded = object_stores::UriEncode(text, keep_slash);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '%') {
      Check(i + 2 < encoded.size(), "an escape has two digits");
      for (const char digit : encoded.substr(i + 1, 2))
        Check((digit >= '0' && digit <= '9') || (digit >= 'A' && digit <= 'F'),
              "escapes are uppercase hex");
      i += 2;
    } else {
      Check(IsUnreserved(c) || (keep_slash && c == '/'), "only unreserved characters stay");
    }
  }
  Check(encoding::PercentDecode(encoded) == text, "an encoding decodes back to its text");
}

// AWS: lowercase names; values trimmed with sequential spaces made one; the values of a name
// that comes more than once joined by commas, in order; names sorted.
std::pair<std::string, std::string> ReferenceHeaders(const Pairs& headers) {
  std::map<std::string, std::string> joined;
  for (const auto& [raw_name, raw_value] : headers) {
    std::string name = raw_name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value;
    for (const char c : raw_value) {
      if ((c == ' ' || c == '\t') && (value.empty() || value.back() == ' '))
        continue;
      value += c == '\t' ? ' ' : c;
    }
    while (!value.empty() && value.back() == ' ')
      value.pop_back();
    auto [it, inserted] = joined.emplace(name, value);
    if (!inserted)
      it->second += "," + value;
  }
  std::string canonical;
  std::string signed_names;
  for (const auto& [name, value] : joined) {
    canonical += name + ":" + value + "\n";
    signed_names += (signed_names.empty() ? "" : ";") + name;
  }
  return {canonical, signed_names};
}

std::string ReferenceCanonicalRequest(const object_stores::SigV4Request& request) {
  Pairs query;
  for (const auto& [name, value] : request.query)
    query.emplace_back(object_stores::UriEncode(name, false),
                       object_stores::UriEncode(value, false));
  std::sort(query.begin(), query.end());
  std::string query_text;
  for (const auto& [name, value] : query)
    query_text += (query_text.empty() ? "" : "&") + name + "=" + value;
  const auto [headers, signed_names] = ReferenceHeaders(request.headers);
  return request.method + "\n" + object_stores::UriEncode(request.path, true) + "\n" + query_text +
         "\n" + headers + "\n" + signed_names + "\n" + request.payload_sha256;
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const std::string text(AsText(data, size));
  CheckUriEncode(text, true);
  CheckUriEncode(text, false);
  const nedlia::object_stores::SigV4Request request = RequestOf(text);
  Check(nedlia::object_stores::CanonicalRequest(request) == ReferenceCanonicalRequest(request),
        "the canonical request is AWS's");
  const nedlia::object_stores::SigV4Credentials credentials{
      .access_key_id = "AKIDEXAMPLE", .secret_access_key = "secret", .region = "us-east-1"};
  const std::string authorization =
      nedlia::object_stores::Authorization(request, credentials, "20130524T000000Z");
  const std::string signature = authorization.substr(authorization.rfind('=') + 1);
  Check(signature.size() == 64 &&
            signature.find_first_not_of("0123456789abcdef") == std::string::npos,
        "a signature is 64 lowercase hex digits");
  return 0;
}
