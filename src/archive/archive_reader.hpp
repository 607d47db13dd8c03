#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/ports/object_store.hpp"
#include "archive/archive_manifest.hpp"

namespace nedlia::archive {

/// The manifest stored under `prefix`; throws ArchiveError when it is absent or unreadable
/// (app::ObjectStoreUnavailable when the store cannot be reached).
ArchiveManifest FetchManifest(app::ObjectStore& store, const std::string& prefix);

/// Reads every part of `manifest` back and checks it (SHA-256, complete zstd stream, row
/// count), handing each part's rows to `rows` (when given) once that part has passed.
/// Throws ArchiveError naming the first part that fails. Parts are read one at a time, so
/// memory holds one part.
void ReadParts(app::ObjectStore& store, const ArchiveManifest& manifest,
               const std::function<void(std::vector<std::string>&& rows)>& rows = {});

/// Checks the manifest stored under `prefix` is `expected` and every part reads back intact.
void VerifyStored(app::ObjectStore& store, const std::string& prefix,
                  const ArchiveManifest& expected);

/// Deletes an archive's objects, the manifest first: an archive without its manifest is not
/// restorable, so a deletion cut short never leaves a half archive that looks whole.
void DeleteArchiveObjects(app::ObjectStore& store, const std::string& prefix);

/// Deletes a restored archive's objects, the manifest last, so that its presence says whether
/// a deletion cut short left anything (RemoveRestoredArchive looks only at the manifest).
void DeleteRestoredArchive(app::ObjectStore& store, const std::string& prefix);
/// Finishes DeleteRestoredArchive if its manifest is still there; true if it was.
bool RemoveRestoredArchive(app::ObjectStore& store, const std::string& prefix);

}  // namespace nedlia::archive
