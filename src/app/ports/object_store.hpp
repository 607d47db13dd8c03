#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nedlia::app {

/// Why an object store operation failed: the key is absent, or the store cannot be reached
/// (retry later, nothing was changed), or the request itself was refused.
class ObjectStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The key names no object.
class ObjectNotFound : public ObjectStoreError {
 public:
  using ObjectStoreError::ObjectStoreError;
};

/// The store is down or unreachable (connection refused, timeout, 5xx): a transient outage.
/// Distinct from ObjectNotFound so that callers retry instead of concluding "absent".
class ObjectStoreUnavailable : public ObjectStoreError {
 public:
  using ObjectStoreError::ObjectStoreError;
};

/// What a put writes besides the bytes.
struct PutOptions {
  std::string content_type = "application/octet-stream";
  /// S3 storage class (STANDARD, GLACIER, DEEP_ARCHIVE, ...); empty: the store's default.
  /// The filesystem store has one class and ignores it.
  std::string storage_class;
};

/// An object's metadata.
struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string content_type;  ///< empty in listings (S3 does not list it)
};

/// An object's bytes and metadata.
struct StoredObject {
  ObjectInfo info;
  std::string bytes;
};

/// Objects (placement files, archives, backups) by key. Keys are relative paths of
/// non-empty segments of [A-Za-z0-9._-] separated by '/', none starting with '.'; anything
/// else is refused with ObjectStoreError before the store is touched. A put replaces the
/// object whole: readers see the old bytes or the new, never a mixture or a prefix.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual void Put(const std::string& key, const std::string& bytes, const PutOptions& options) = 0;
  /// Throws ObjectNotFound when absent.
  virtual StoredObject Get(const std::string& key) = 0;
  /// The metadata, or nullopt when absent.
  virtual std::optional<ObjectInfo> Head(const std::string& key) = 0;
  /// Deleting an absent key is not an error (as in S3).
  virtual void Delete(const std::string& key) = 0;
  /// Every object whose key starts with `prefix`, in key order.
  virtual std::vector<ObjectInfo> List(const std::string& prefix) = 0;
  /// Where a client downloads the object: absolute for S3, relative to the API's base for the
  /// filesystem store (which nedlia serves itself).
  virtual std::string PublicUrl(const std::string& key) const = 0;
};

/// Throws ObjectStoreError unless `key` is well formed (see ObjectStore).
void CheckObjectKey(const std::string& key);
/// Throws ObjectStoreError unless `prefix` uses only the keys' characters.
void CheckObjectPrefix(const std::string& prefix);

}  // namespace nedlia::app
