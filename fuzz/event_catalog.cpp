// The event catalog's YAML loader (events/*.yaml, `nedlia events validate FILE.yaml`, `nedlia
// events check --against DIR`). The input is one or more files, each after a line
// "==> NAME <==" (text before the first such line is placement.created.v1.yaml). A catalog
// that loads must answer for every entry, describe each as a JSON Schema, and compare with
// itself without a change.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"
#include "events/compatibility.hpp"
#include "events/data_check.hpp"
#include "events/json_schema.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

constexpr std::string_view kOpen = "==> ";
constexpr std::string_view kClose = " <==";

std::vector<events::CatalogFile> FilesOf(std::string_view text) {
  std::vector<events::CatalogFile> files;
  std::string_view name = "placement.created.v1.yaml";
  std::size_t start = 0;
  std::size_t line = 0;
  while (line <= text.size()) {
    const std::size_t end = std::min(text.find('\n', line), text.size());
    const std::string_view current = text.substr(line, end - line);
    if (current.starts_with(kOpen) && current.ends_with(kClose) &&
        current.size() >= kOpen.size() + kClose.size()) {
      if (line > 0)
        files.push_back({name, text.substr(start, line - start)});
      name = current.substr(kOpen.size(), current.size() - kOpen.size() - kClose.size());
      start = end + 1;
    }
    line = end + 1;
  }
  if (start <= text.size())
    files.push_back({name, text.substr(start)});
  return files;
}

void CheckCatalog(const events::Catalog& catalog) {
  for (const events::EventSchema& entry : catalog.Entries()) {
    Check(catalog.Find(entry.VersionedType()) == &entry, "every entry is found by its type");
    for (const events::EventSchema* older : catalog.OlderVersions(entry))
      Check(older->type == entry.type && older->version < entry.version, "older is older");
    const nlohmann::json schema = events::ToJsonSchema(entry, "https://schemas.example/x");
    Check(schema.is_object(), "an entry is described as a JSON Schema");
    (void)events::CheckData(entry.data, nlohmann::json::object());
    (void)events::CheckData(entry.data, nlohmann::json::array());
    for (const std::string& consumer : entry.consumers)
      Check(!catalog.TypesFor(consumer).empty(), "a consumer is routed its types");
  }
  for (const events::SchemaChange& change : events::Compare(catalog, catalog))
    Fail("a catalog differs from itself: " + events::Describe(change));
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const auto files = FilesOf(AsText(data, size));
  const auto catalog = ParseOr<nedlia::events::CatalogError>(
      [&] { return nedlia::events::Catalog::Parse(files); },
      [](const nedlia::events::CatalogError& error) {
        const std::string what = error.what();
        Check(what.find(':') != std::string::npos, "a catalog error names its file and line");
      });
  if (catalog)
    CheckCatalog(*catalog);
  return 0;
}
