// The catalog is the routing source: each worker subscribes to what the catalog routes to it,
// and what it routes is exactly what the worker acts on. A route without a handler (an event a
// worker would read and ignore) or a handler without a route (an event it never gets) fails
// here.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/consumer.hpp"
#include "events/catalog.hpp"
#include "notifier/notifier.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "pg/pool.hpp"
#include "placement_files/file_generator.hpp"
#include "readmodel/projector.hpp"
#include "validator/validator.hpp"

namespace nedlia::events {
namespace {

std::set<std::string> SetOf(const std::vector<std::string>& types) {
  return {types.begin(), types.end()};
}

/// Consumers are only built here: nothing connects to this pool.
pg::Pool& UnusedPool() {
  static pg::Pool pool(pg::PoolOptions{.url = "postgresql:///never-connected"});
  return pool;
}

const Catalog& TheCatalog() {
  return Catalog::Embedded();
}

TEST(WorkerRoutingTest, EachWorkerHandlesExactlyWhatTheCatalogRoutesToIt) {
  EXPECT_EQ(SetOf(TheCatalog().CurrentTypesFor(readmodel::kProjectorName)),
            SetOf(readmodel::ProjectorHandledTypes()));
  EXPECT_EQ(SetOf(TheCatalog().CurrentTypesFor(placement_files::kFileGeneratorName)),
            SetOf(placement_files::FileGeneratorHandledTypes()));
  EXPECT_EQ(TheCatalog().CurrentTypesFor(validator::kValidatorName),
            std::vector<std::string>{validator::kValidationRequested});
}

TEST(WorkerRoutingTest, EachWorkerReadsEveryVersionTheCatalogRoutesToIt) {
  const consumers::Consumer projector = readmodel::MakeProjector(UnusedPool());
  EXPECT_EQ(SetOf(projector.ReadTypes()), SetOf(TheCatalog().TypesFor(readmodel::kProjectorName)));

  object_stores::FilesystemObjectStore store(testing::TempDir());
  placement_files::Regenerator regenerator(UnusedPool(), store);
  const consumers::Consumer files =
      placement_files::MakeFileGenerator(UnusedPool(), regenerator, std::chrono::milliseconds(0));
  EXPECT_EQ(SetOf(files.ReadTypes()),
            SetOf(TheCatalog().TypesFor(placement_files::kFileGeneratorName)));

  const consumers::Consumer validator = validator::MakeValidator(UnusedPool(), {});
  EXPECT_EQ(SetOf(validator.ReadTypes()), SetOf(TheCatalog().TypesFor(validator::kValidatorName)));

  // The notifier hands events on as they were written (no upcasting): every routed version.
  const consumers::Consumer notifier = notifier::MakeRecorder(UnusedPool(), TheCatalog());
  EXPECT_EQ(SetOf(notifier.ReadTypes()), SetOf(TheCatalog().TypesFor(notifier::kNotifierName)));
}

TEST(WorkerRoutingTest, TheCatalogRoutesOnlyToWorkersThatExist) {
  const std::set<std::string> workers = {readmodel::kProjectorName,
                                         placement_files::kFileGeneratorName,
                                         validator::kValidatorName, notifier::kNotifierName};
  for (const EventSchema& entry : TheCatalog().Entries()) {
    for (const std::string& consumer : entry.consumers)
      EXPECT_TRUE(workers.contains(consumer)) << entry.file << " routes to " << consumer;
  }
}

/// A catalog file of `type` (without the com.nedlia. prefix) at `version`.
std::string EntryText(std::string_view type, int version, std::string_view consumers) {
  return "type: com.nedlia." + std::string(type) + "\nversion: " + std::to_string(version) +
         "\ndescription: d\ndata:\n  id:\n    type: string\nconsumers: " + std::string(consumers) +
         "\n";
}

TEST(WorkerRoutingTest, CurrentTypesAreTheNewestRoutedVersionOfEachType) {
  const std::string a1 = EntryText("a.made", 1, "[projector]");
  const std::string a2 = EntryText("a.made", 2, "[projector]");
  const std::string b1 = EntryText("b.made", 1, "[projector]");
  const std::string b2 = EntryText("b.made", 2, "[]");
  const std::string c1 = EntryText("c.made", 1, "[notifier]");
  const Catalog catalog = Catalog::Parse({{"a.made.v1.yaml", a1},
                                          {"a.made.v2.yaml", a2},
                                          {"b.made.v1.yaml", b1},
                                          {"b.made.v2.yaml", b2},
                                          {"c.made.v1.yaml", c1}});
  EXPECT_EQ(catalog.CurrentTypesFor("projector"),
            (std::vector<std::string>{"com.nedlia.a.made.v2", "com.nedlia.b.made.v1"}));
  EXPECT_EQ(catalog.CurrentTypesFor("nobody"), std::vector<std::string>{});
}

}  // namespace
}  // namespace nedlia::events
