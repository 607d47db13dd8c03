// Archive manifests (archive/<table>/<YYYY>/<MM>/<id>/manifest.json) as `nedlia archive
// verify` and `restore` read them from an object store they do not trust: the JSON, then the
// check against the archive journal. A manifest that reads must write back the same, and one
// the journal vouches for names only the archive's own part keys.
#include "archive/archive_manifest.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

#include "archive/archive_codec.hpp"
#include "archive/archive_restore.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

using archive::ArchiveError;
using archive::ArchiveManifest;

bool Same(const ArchiveManifest& a, const ArchiveManifest& b) {
  if (a.parts.size() != b.parts.size())
    return false;
  for (std::size_t i = 0; i < a.parts.size(); ++i) {
    const auto& [key, rows, bytes, sha256] = a.parts[i];
    if (key != b.parts[i].key || rows != b.parts[i].rows || bytes != b.parts[i].bytes ||
        sha256 != b.parts[i].sha256)
      return false;
  }
  return a.id == b.id && a.table == b.table && a.partition == b.partition &&
         a.schema_revision == b.schema_revision && a.time_column == b.time_column &&
         a.first_at == b.first_at && a.last_at == b.last_at && a.cutoff == b.cutoff &&
         a.created_at == b.created_at && a.rows == b.rows;
}

/// The journal's entry for an archive of this id and table, as the archiver records it.
archive::JournalEntry EntryFor(const ArchiveManifest& manifest) {
  return {.id = manifest.id,
          .table = manifest.table,
          .partition = manifest.partition,
          .key_prefix = "archive/" + manifest.table + "/2026/12/" + manifest.id + "/",
          .status = "complete",
          .rows = manifest.rows,
          .schema_revision = manifest.schema_revision};
}

void CheckJournal(const ArchiveManifest& manifest) {
  const archive::JournalEntry entry = EntryFor(manifest);
  const bool vouched = ParseOr<ArchiveError>([&] {
                         archive::CheckAgainstJournal(manifest, entry);
                         return true;
                       }).has_value();
  if (!vouched)
    return;
  for (std::size_t i = 0; i < manifest.parts.size(); ++i)
    Check(manifest.parts[i].key == archive::PartKey(entry.key_prefix, static_cast<int>(i) + 1),
          "a vouched-for manifest names only the archive's own parts");
  archive::JournalEntry pending = entry;
  pending.status = "pending";
  Check(!ParseOr<ArchiveError>([&] {
    archive::CheckAgainstJournal(manifest, pending);
    return true;
  }),
        "an archive whose run never finished is refused");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const auto manifest =
      ParseOr<ArchiveError>([&] { return nedlia::archive::ParseManifest(AsText(data, size)); });
  if (!manifest)
    return 0;
  std::int64_t rows = 0;
  for (const auto& part : manifest->parts) {
    Check(part.rows >= 0 && part.bytes >= 0 && part.sha256.size() == 64, "parts are possible");
    rows += part.rows;
  }
  Check(rows == manifest->rows, "the parts' rows add up");
  Check(manifest->Bytes() >= 0, "the parts' sizes add up");
  const auto again = ParseOr<ArchiveError>(
      [&] { return nedlia::archive::ParseManifest(nedlia::archive::ManifestToJson(*manifest)); },
      [](const ArchiveError& error) {
        Fail(std::string("a manifest written back is refused: ") + error.what());
      });
  Check(Same(*again, *manifest), "a manifest writes back the same");
  CheckJournal(*manifest);
  return 0;
}
