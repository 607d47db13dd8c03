#include "object_stores/filesystem_object_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "object_stores/object_file.hpp"
#include "object_stores/store_directories.hpp"

namespace nedlia::object_stores {

FilesystemObjectStore::FilesystemObjectStore(std::filesystem::path root, std::string public_base)
    : root_(std::move(root)), public_base_(std::move(public_base)) {}

std::filesystem::path FilesystemObjectStore::PathOf(const std::string& key) const {
  app::CheckObjectKey(key);  // no "..", no leading '.': the path stays under the root
  return root_ / key;
}

void FilesystemObjectStore::Put(const std::string& key, const std::string& bytes,
                                const app::PutOptions& options) {
  if (options.content_type.find('\n') != std::string::npos)
    throw app::ObjectStoreError("content type must be one line");
  const std::filesystem::path path = PathOf(key);
  CreateStoreDirectories(root_, path.parent_path());
  WriteObjectFile(path, options.content_type, bytes);
}

app::StoredObject FilesystemObjectStore::Get(const std::string& key) {
  std::optional<ObjectFile> file = ReadObjectFile(PathOf(key), true);
  if (!file)
    throw app::ObjectNotFound("no object " + key);
  return {.info = {.key = key, .size = file->size, .content_type = file->content_type},
          .bytes = std::move(file->bytes)};
}

std::optional<app::ObjectInfo> FilesystemObjectStore::Head(const std::string& key) {
  const std::optional<ObjectFile> file = ReadObjectFile(PathOf(key), false);
  if (!file)
    return std::nullopt;
  return app::ObjectInfo{.key = key, .size = file->size, .content_type = file->content_type};
}

void FilesystemObjectStore::Delete(const std::string& key) {
  std::error_code error;
  std::filesystem::remove(PathOf(key), error);
  if (error)
    throw app::ObjectStoreUnavailable("cannot delete " + key + ": " + error.message());
}

std::vector<app::ObjectInfo> FilesystemObjectStore::List(const std::string& prefix) {
  app::CheckObjectPrefix(prefix);
  std::vector<app::ObjectInfo> objects;
  std::error_code error;
  if (!std::filesystem::exists(root_, error))
    return objects;  // nothing was ever written
  for (auto it = std::filesystem::recursive_directory_iterator(root_, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file() || IsTemporaryName(it->path().filename().string()))
      continue;
    const std::string key = it->path().lexically_relative(root_).generic_string();
    if (!key.starts_with(prefix))
      continue;
    if (std::optional<ObjectFile> file = ReadObjectFile(it->path(), false))
      objects.push_back({.key = key, .size = file->size, .content_type = file->content_type});
  }
  if (error)
    throw app::ObjectStoreUnavailable("cannot list " + root_.string() + ": " + error.message());
  std::sort(objects.begin(), objects.end(),
            [](const app::ObjectInfo& a, const app::ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

std::string FilesystemObjectStore::PublicUrl(const std::string& key) const {
  app::CheckObjectKey(key);
  return public_base_ + key;
}

}  // namespace nedlia::object_stores
