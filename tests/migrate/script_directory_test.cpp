#include "migrate/script_directory.hpp"

#include <gtest/gtest.h>

#include "migrate/migration_files.hpp"

namespace nedlia::migrate {
namespace {

using testing::MigrationFiles;

TEST(ScriptDirectoryTest, LinearChainHasOneHeadAndParentsComeFirst) {
  MigrationFiles files;
  files.Add("cccccccccccc", "bbbbbbbbbbbb", "", "");
  files.Add("aaaaaaaaaaaa", "none", "", "");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "", "");
  const auto scripts = ScriptDirectory::Load(files.Dir());
  EXPECT_EQ(scripts.Heads(), (RevisionSet{"cccccccccccc"}));
  const auto order = scripts.TopologicalOrder();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0]->revision, "aaaaaaaaaaaa");
  EXPECT_EQ(order[2]->revision, "cccccccccccc");
}

TEST(ScriptDirectoryTest, TwoChildrenOfOneParentAreTwoHeads) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "", "");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "", "");
  files.Add("cccccccccccc", "aaaaaaaaaaaa", "", "");
  EXPECT_EQ(ScriptDirectory::Load(files.Dir()).Heads(),
            (RevisionSet{"bbbbbbbbbbbb", "cccccccccccc"}));
}

TEST(ScriptDirectoryTest, ResolveAcceptsAUniquePrefix) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "", "");
  files.Add("abbbbbbbbbbb", "aaaaaaaaaaaa", "", "");
  const auto scripts = ScriptDirectory::Load(files.Dir());
  EXPECT_EQ(scripts.Resolve("ab").revision, "abbbbbbbbbbb");
  EXPECT_THROW(scripts.Resolve("a"), ScriptError);
  EXPECT_THROW(scripts.Resolve("ff"), ScriptError);
}

TEST(ScriptDirectoryTest, UnknownParentIsRejected) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "ffffffffffff", "", "");
  EXPECT_THROW(ScriptDirectory::Load(files.Dir()), ScriptError);
}

TEST(ScriptDirectoryTest, DuplicateRevisionIsRejected) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "", "");
  std::filesystem::copy(files.Dir() / "aaaaaaaaaaaa_step.sql", files.Dir() / "copy.sql");
  EXPECT_THROW(ScriptDirectory::Load(files.Dir()), ScriptError);
}

TEST(ScriptDirectoryTest, CycleIsRejected) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "bbbbbbbbbbbb", "", "");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "", "");
  EXPECT_THROW(ScriptDirectory::Load(files.Dir()), ScriptError);
}

TEST(ScriptDirectoryTest, MissingDirectoryIsAClearError) {
  EXPECT_THROW(ScriptDirectory::Load("/nonexistent/migrations"), ScriptError);
}

}  // namespace
}  // namespace nedlia::migrate
