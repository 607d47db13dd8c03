#pragma once

#include <filesystem>
#include <string>

#include "app/ports/object_store.hpp"

namespace nedlia::object_stores {

/// Objects as files under a root directory (the default store, `./var/objects`). A put writes
/// a temporary file beside the target, fsyncs it, renames it over the target and fsyncs the
/// directory: a reader (or a crash) sees the old object or the new one, never part of one.
/// Directories it creates are synced into their parents. Each file holds a one-line header
/// with the content type, then the bytes. Files are 0600 and directories 0700 (from the root
/// down): no other local user reads, or lists, what is stored.
class FilesystemObjectStore : public app::ObjectStore {
 public:
  /// `public_base`: what PublicUrl puts before the key (nedlia serves placement files at
  /// /files/...).
  explicit FilesystemObjectStore(std::filesystem::path root, std::string public_base = "/files/");

  void Put(const std::string& key, const std::string& bytes,
           const app::PutOptions& options) override;
  app::StoredObject Get(const std::string& key) override;
  std::optional<app::ObjectInfo> Head(const std::string& key) override;
  void Delete(const std::string& key) override;
  std::vector<app::ObjectInfo> List(const std::string& prefix) override;
  std::string PublicUrl(const std::string& key) const override;

  const std::filesystem::path& Root() const { return root_; }

 private:
  std::filesystem::path PathOf(const std::string& key) const;

  std::filesystem::path root_;
  std::string public_base_;
};

}  // namespace nedlia::object_stores
