#pragma once

#include <optional>
#include <string>

#include "app/ports/object_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::placement_files {

/// Whether `store`, as this node opened it, is the store the placement files were written to:
/// nullopt when it is (or when nothing tells yet: no file written over a minute ago, or the
/// store is down), else why not, in one line. A directory store is one machine's disk: on
/// another node it is an empty directory of the same name, where none of the files the
/// database lists is found.
std::optional<std::string> WhyFilesAreNotVisible(pg::Connection& connection,
                                                 app::ObjectStore& store);

/// An object store that this node must not use: every call fails with ObjectStoreUnavailable
/// and `reason` (so GET /files/... answers 503 with Retry-After, never a wrong 404).
class UnreachableObjectStore : public app::ObjectStore {
 public:
  explicit UnreachableObjectStore(std::string reason) : reason_(std::move(reason)) {}

  void Put(const std::string&, const std::string&, const app::PutOptions&) override { Fail(); }
  app::StoredObject Get(const std::string&) override { Fail(); }
  std::optional<app::ObjectInfo> Head(const std::string&) override { Fail(); }
  void Delete(const std::string&) override { Fail(); }
  std::vector<app::ObjectInfo> List(const std::string&) override { Fail(); }
  std::string PublicUrl(const std::string& key) const override { return key; }

 private:
  [[noreturn]] void Fail() const { throw app::ObjectStoreUnavailable(reason_); }

  std::string reason_;
};

}  // namespace nedlia::placement_files
