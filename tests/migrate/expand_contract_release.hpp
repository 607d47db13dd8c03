#pragma once

// The next release of the expand-contract example (examples/expand-contract/): the real
// migrations/ and the example's three, chained onto the real chain's head (whatever it is by
// then), in a temporary directory. The real migrations/ are the release before it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "migrate/migration_script.hpp"
#include "migrate/script_directory.hpp"
#include "support/test_database.hpp"

namespace nedlia::migrate {

inline constexpr const char* kExpand = "3ec141e9601d";
inline constexpr const char* kBackfill = "5ad5cfbb1b22";
inline constexpr const char* kContract = "1635326d1730";

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string RealHead() {
  const auto heads = ScriptDirectory::Load(testing::SourceDir() + "/migrations").Heads();
  EXPECT_EQ(heads.size(), 1u);
  return heads.empty() ? "" : *heads.begin();
}

/// Rewrites a migration's '-- down_revision: ' header line to name `parent`.
inline void ReplaceParent(std::string& text, const std::string& parent) {
  const std::string key = "\n-- down_revision: ";
  const auto value = text.find(key);
  ASSERT_NE(value, std::string::npos) << "no down_revision line in:\n" << text;
  const auto begin = value + key.size();
  text.replace(begin, text.find('\n', begin) - begin, parent);
}

/// Copies migrations/*.sql and examples/expand-contract/*.sql into `dir`, the expand chained
/// onto `head`: the real chain grows after the example was written, and the example follows.
inline ScriptDirectory CopyAndLoad(const std::filesystem::path& dir, const std::string& head) {
  const std::filesystem::path source = testing::SourceDir();
  for (const auto& entry : std::filesystem::directory_iterator(source / "migrations")) {
    if (entry.path().extension() == ".sql")
      std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(source / "examples" / "expand-contract")) {
    if (entry.path().extension() != ".sql")
      continue;
    std::string text = ReadText(entry.path());
    if (ParseMigrationScript(entry.path(), text).revision == kExpand)
      ReplaceParent(text, head);
    std::ofstream(dir / entry.path().filename()) << text;
  }
  return ScriptDirectory::Load(dir);
}

}  // namespace nedlia::migrate
