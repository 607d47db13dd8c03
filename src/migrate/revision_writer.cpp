#include "migrate/revision_writer.hpp"

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>

namespace nedlia::migrate {
namespace {

std::string NewRevisionId(const ScriptDirectory& scripts) {
  std::random_device device;
  for (;;) {
    std::uniform_int_distribution<std::uint64_t> bits(0, (std::uint64_t{1} << 48) - 1);
    char text[13];
    std::snprintf(text, sizeof text, "%012llx", static_cast<unsigned long long>(bits(device)));
    if (!scripts.Contains(text))
      return text;
  }
}

std::string Slug(const std::string& message) {
  std::string slug;
  for (char c : message) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word)
      slug.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (!word && !slug.empty() && slug.back() != '_')
      slug.push_back('_');
    if (slug.size() >= 40)
      break;
  }
  while (!slug.empty() && slug.back() == '_')
    slug.pop_back();
  return slug.empty() ? "migration" : slug;
}

std::string UtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

std::filesystem::path WriteRevision(const ScriptDirectory& scripts, const NewRevision& revision) {
  if (revision.message.empty() || revision.message.find_first_of("\r\n") != std::string::npos)
    throw ScriptError("the message must be one line, not empty");
  MigrationScript script;
  script.revision = NewRevisionId(scripts);
  script.down_revisions.assign(revision.parents.begin(), revision.parents.end());
  script.message = revision.message;
  script.created = UtcNow();
  script.up_sql = revision.up_sql;
  script.down_sql = revision.down_sql;
  script.breaks_earlier_releases = revision.breaks_earlier_releases;
  auto path = scripts.Dir() / (script.revision + "_" + Slug(revision.message) + ".sql");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << RenderMigrationScript(script);
  if (!out.flush())
    throw ScriptError("cannot write " + path.string());
  return path;
}

}  // namespace nedlia::migrate
