#include "cli/object_store_factory.hpp"

#include "cli/command.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "object_stores/s3_object_store.hpp"

namespace nedlia::cli {

std::unique_ptr<app::ObjectStore> MakeObjectStore(const Settings& settings) {
  if (!settings.s3_endpoint)
    return std::make_unique<object_stores::FilesystemObjectStore>(settings.objects_dir);
  if (!settings.s3_bucket || !settings.s3_access_key_id || !settings.s3_secret_access_key) {
    throw UserError(
        "NEDLIA_S3_ENDPOINT is set: set NEDLIA_S3_BUCKET, NEDLIA_S3_ACCESS_KEY_ID and "
        "NEDLIA_S3_SECRET_ACCESS_KEY too");
  }
  std::string endpoint = *settings.s3_endpoint;
  while (endpoint.ends_with('/'))
    endpoint.pop_back();
  std::string public_base = settings.s3_public_url.value_or("");
  if (!public_base.empty() && !public_base.ends_with('/'))
    public_base += '/';
  return std::make_unique<object_stores::S3ObjectStore>(object_stores::S3Settings{
      .endpoint = {.url = endpoint,
                   .credentials = {.access_key_id = *settings.s3_access_key_id,
                                   .secret_access_key = *settings.s3_secret_access_key,
                                   .region = settings.s3_region,
                                   .service = "s3"}},
      .bucket = *settings.s3_bucket,
      .public_base = public_base});
}

}  // namespace nedlia::cli
