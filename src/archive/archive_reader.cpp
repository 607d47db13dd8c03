#include "archive/archive_reader.hpp"

#include "archive/archive_codec.hpp"

namespace nedlia::archive {

ArchiveManifest FetchManifest(app::ObjectStore& store, const std::string& prefix) {
  const std::string key = ManifestKey(prefix);
  try {
    return ParseManifest(store.Get(key).bytes);
  } catch (const app::ObjectNotFound&) {
    throw ArchiveError("no archive manifest at " + key);
  } catch (const ArchiveError& error) {
    throw ArchiveError(key + ": " + error.what());
  }
}

void ReadParts(app::ObjectStore& store, const ArchiveManifest& manifest,
               const std::function<void(std::vector<std::string>&& rows)>& rows) {
  for (const ArchivePart& part : manifest.parts) {
    std::string bytes;
    try {
      bytes = store.Get(part.key).bytes;
    } catch (const app::ObjectNotFound&) {
      throw ArchiveError("archive part " + part.key + " is missing");
    }
    std::vector<std::string> decoded;
    try {
      if (rows) {
        decoded = DecodeArchive(bytes, part.sha256, part.rows);
      } else {
        CheckArchive(bytes, part.sha256, part.rows);
      }
    } catch (const ArchiveError& error) {
      throw ArchiveError(part.key + ": " + error.what());
    }
    if (rows)
      rows(std::move(decoded));
  }
}

void VerifyStored(app::ObjectStore& store, const std::string& prefix,
                  const ArchiveManifest& expected) {
  if (ManifestToJson(FetchManifest(store, prefix)) != ManifestToJson(expected))
    throw ArchiveError("the manifest read back from " + prefix + " differs from the one written");
  ReadParts(store, expected);
}

void DeleteArchiveObjects(app::ObjectStore& store, const std::string& prefix) {
  store.Delete(ManifestKey(prefix));
  for (const app::ObjectInfo& object : store.List(prefix))
    store.Delete(object.key);
}

void DeleteRestoredArchive(app::ObjectStore& store, const std::string& prefix) {
  const std::string manifest = ManifestKey(prefix);
  for (const app::ObjectInfo& object : store.List(prefix)) {
    if (object.key != manifest)
      store.Delete(object.key);
  }
  store.Delete(manifest);
}

bool RemoveRestoredArchive(app::ObjectStore& store, const std::string& prefix) {
  if (!store.Head(ManifestKey(prefix)))
    return false;
  DeleteRestoredArchive(store, prefix);
  return true;
}

}  // namespace nedlia::archive
