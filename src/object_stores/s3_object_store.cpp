#include "object_stores/s3_object_store.hpp"

#include "object_stores/s3_listing.hpp"

namespace nedlia::object_stores {

namespace {

/// The exception for an answer that is not a success. Everything outside 2xx is one: a 3xx
/// too, since the request was not carried out where we sent it (S3 answers 301 for a bucket
/// of another region; a proxy or a hostile endpoint may redirect anywhere).
[[noreturn]] void ThrowFailure(const std::string& what, const S3Response& response) {
  const std::string status = std::to_string(response.status);
  if (response.status >= 500 || response.status == 429) {
    throw app::ObjectStoreUnavailable("S3 " + what + " answered " + status + " " +
                                      S3ErrorText(response.body));
  }
  if (response.status >= 300 && response.status < 400) {
    const std::string location = response.Header("location").substr(0, 200);
    throw app::ObjectStoreError(
        "S3 " + what + " answered " + status + ", a redirect" +
        (location.empty() ? "" : " to " + location) +
        ", which nedlia never follows: set NEDLIA_S3_ENDPOINT to the bucket's own endpoint");
  }
  throw app::ObjectStoreError("S3 " + what + " refused (" + status +
                              "): " + S3ErrorText(response.body));
}

// Callers act on what a listing names (they delete an archive's or an expired backup's
// objects): a key outside the prefix asked for, or one no key of ours can be, is not believed.
void CheckListedKey(const std::string& prefix, const std::string& key) {
  try {
    app::CheckObjectKey(key);
  } catch (const app::ObjectStoreError& error) {
    throw app::ObjectStoreError("S3 LIST " + prefix + " named a malformed key: " + error.what());
  }
  if (!key.starts_with(prefix))
    throw app::ObjectStoreError("S3 LIST " + prefix + " named '" + key + "', outside the prefix");
}

}  // namespace

S3ObjectStore::S3ObjectStore(S3Settings settings) : settings_(std::move(settings)) {
  if (settings_.public_base.empty())
    settings_.public_base = settings_.endpoint.url + "/" + settings_.bucket + "/";
}

S3Response S3ObjectStore::Send(const std::string& what, SigV4Request request,
                               const std::string& body, NotFound not_found) {
  S3Response response = SendSigned(settings_.endpoint, std::move(request), body);
  const bool success = response.status >= 200 && response.status < 300;
  if (!success && !(response.status == 404 && not_found == NotFound::kMeansAbsent))
    ThrowFailure(what, response);
  return response;
}

void S3ObjectStore::Put(const std::string& key, const std::string& bytes,
                        const app::PutOptions& options) {
  app::CheckObjectKey(key);
  SigV4Request request{.method = "PUT", .path = "/" + settings_.bucket + "/" + key};
  request.headers.emplace_back("content-type", options.content_type);
  if (!options.storage_class.empty())
    request.headers.emplace_back("x-amz-storage-class", options.storage_class);
  Send("PUT " + key, std::move(request), bytes);
}

app::StoredObject S3ObjectStore::Get(const std::string& key) {
  app::CheckObjectKey(key);
  S3Response response =
      Send("GET " + key, {.method = "GET", .path = "/" + settings_.bucket + "/" + key}, "",
           NotFound::kMeansAbsent);
  if (response.status == 404)
    throw app::ObjectNotFound("no object " + key);
  return {.info = {.key = key,
                   .size = response.body.size(),
                   .content_type = response.Header("content-type")},
          .bytes = std::move(response.body)};
}

std::optional<app::ObjectInfo> S3ObjectStore::Head(const std::string& key) {
  app::CheckObjectKey(key);
  const S3Response response =
      Send("HEAD " + key, {.method = "HEAD", .path = "/" + settings_.bucket + "/" + key}, "",
           NotFound::kMeansAbsent);
  if (response.status == 404)
    return std::nullopt;
  const std::string length = response.Header("content-length");
  const std::optional<std::uint64_t> size = ParseObjectSize(length);
  if (!length.empty() && !size)
    throw app::ObjectStoreError("S3 HEAD " + key + " answered a Content-Length that is not a size");
  return app::ObjectInfo{
      .key = key, .size = size.value_or(0), .content_type = response.Header("content-type")};
}

void S3ObjectStore::Delete(const std::string& key) {
  app::CheckObjectKey(key);
  // S3 answers 204 for an absent key: a 404 here is a missing bucket, not a deletion.
  Send("DELETE " + key, {.method = "DELETE", .path = "/" + settings_.bucket + "/" + key});
}

std::vector<app::ObjectInfo> S3ObjectStore::List(const std::string& prefix) {
  app::CheckObjectPrefix(prefix);
  std::vector<app::ObjectInfo> objects;
  std::optional<std::string> token;
  do {
    SigV4Request request{.method = "GET", .path = "/" + settings_.bucket};
    request.query = {{"list-type", "2"}, {"prefix", prefix}};
    if (token)
      request.query.emplace_back("continuation-token", *token);
    const S3Response response = Send("LIST " + prefix, std::move(request));
    S3ListPage page = ParseListPage(response.body);
    for (const app::ObjectInfo& object : page.objects)
      CheckListedKey(prefix, object.key);
    objects.insert(objects.end(), page.objects.begin(), page.objects.end());
    token = page.next_token;
  } while (token);
  return objects;
}

std::string S3ObjectStore::PublicUrl(const std::string& key) const {
  app::CheckObjectKey(key);
  return settings_.public_base + key;
}

}  // namespace nedlia::object_stores
