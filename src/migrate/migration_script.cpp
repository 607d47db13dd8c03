#include "migrate/migration_script.hpp"

#include <fstream>
#include <sstream>

#include "domain/utf8.hpp"
#include "migrate/sql_statements.hpp"

namespace nedlia::migrate {
namespace {

constexpr std::string_view kMagic = "-- nedlia migration";
constexpr std::string_view kUpMarker = "-- +up";
constexpr std::string_view kDownMarker = "-- +down";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

[[noreturn]] void Fail(const std::filesystem::path& path, int line, const std::string& what) {
  throw ScriptError(path.string() + ":" + std::to_string(line) + ": " + what);
}

std::vector<std::string> SplitRevisions(std::string_view text) {
  std::vector<std::string> revisions;
  if (text == "none")
    return revisions;
  while (!text.empty()) {
    const auto comma = text.find(',');
    revisions.emplace_back(Trim(text.substr(0, comma)));
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return revisions;
}

enum class Section { kHeader, kUp, kDown };

class Parser {
 public:
  explicit Parser(const std::filesystem::path& path) : path_(path) { script_.path = path; }

  void Line(std::string_view raw, int number) {
    const std::string_view line = Trim(raw);
    if (line == kUpMarker || line == kDownMarker)
      return Marker(line, number);
    if (section_ == Section::kUp)
      return Append(script_.up_sql, raw);
    if (section_ == Section::kDown)
      return Append(script_.down_sql, raw);
    if (line.empty())
      return;
    if (number == 1) {
      if (line != kMagic)
        Fail(path_, number, "not a migration: the first line must be '-- nedlia migration'");
      return;
    }
    Header(line, number);
  }

  MigrationScript Finish(int last_line) {
    if (last_line == 0)
      Fail(path_, 1, "not a migration: the file is empty");
    if (script_.revision.empty())
      Fail(path_, last_line, "missing '-- revision:' header");
    if (!saw_down_revision_)
      Fail(path_, last_line, "missing '-- down_revision:' header");
    if (!saw_up_)
      Fail(path_, last_line, "missing '-- +up' section");
    if (!saw_down_)
      Fail(path_, last_line, "missing '-- +down' section");
    return std::move(script_);
  }

 private:
  void Marker(std::string_view line, int number) {
    if (line == kUpMarker) {
      if (saw_up_ || saw_down_)
        Fail(path_, number, "'-- +up' must come once, before '-- +down'");
      saw_up_ = true;
      section_ = Section::kUp;
      script_.up_first_line = number + 1;
    } else {
      if (!saw_up_ || saw_down_)
        Fail(path_, number, "'-- +down' must come once, after '-- +up'");
      saw_down_ = true;
      section_ = Section::kDown;
      script_.down_first_line = number + 1;
    }
  }

  void Header(std::string_view line, int number) {
    if (!line.starts_with("-- "))
      Fail(path_, number, "SQL before the '-- +up' marker");
    line.remove_prefix(3);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return;  // a free comment in the header
    const std::string_view key = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (key == "revision") {
      if (!IsValidRevisionId(value))
        Fail(path_, number, "revision must be 12 lowercase hex digits");
      script_.revision = value;
    } else if (key == "down_revision") {
      script_.down_revisions = SplitRevisions(value);
      for (const auto& parent : script_.down_revisions) {
        if (!IsValidRevisionId(parent))
          Fail(path_, number, "bad down_revision '" + parent + "'");
      }
      saw_down_revision_ = true;
    } else if (key == "message") {
      script_.message = value;
    } else if (key == "created") {
      script_.created = value;
    } else if (key == "transactional") {
      if (value != "true" && value != "false")
        Fail(path_, number, "transactional must be true or false");
      script_.transactional = value == "true";
    } else if (key == "breaks") {
      if (value != kBreaksEarlierReleases) {
        Fail(path_, number,
             "breaks must say '" + std::string(kBreaksEarlierReleases) +
                 "' (a migration that no earlier release can run on, such as a contract step)");
      }
      script_.breaks_earlier_releases = true;
    }
  }

  static void Append(std::string& sql, std::string_view raw) {
    sql.append(raw);
    sql.push_back('\n');
  }

  const std::filesystem::path& path_;
  MigrationScript script_;
  Section section_ = Section::kHeader;
  bool saw_up_ = false;
  bool saw_down_ = false;
  bool saw_down_revision_ = false;
};

}  // namespace

bool IsValidRevisionId(std::string_view revision) {
  if (revision.size() != 12)
    return false;
  for (char c : revision) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  return true;
}

std::string ReadSqlFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ScriptError(path.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void CheckSqlSyntax(const MigrationScript& script) {
  const auto check = [&](const std::string& sql, int first_line) {
    try {
      ParsedSql parsed(sql);
    } catch (const SqlSyntaxError& error) {
      throw ScriptError(script.path.string() + ":" +
                        std::to_string(LineAt(sql, error.Offset(), first_line)) + ": " +
                        error.what());
    }
  };
  check(script.up_sql, script.up_first_line);
  check(script.down_sql, script.down_first_line);
}

MigrationScript ParseMigrationScript(const std::filesystem::path& path, std::string_view text) {
  // PostgreSQL reads a migration in the database's encoding, UTF-8, and so does the lint.
  if (const auto invalid = domain::InvalidUtf8At(text))
    Fail(path, domain::LineAt(text, *invalid), "not UTF-8");
  Parser parser(path);
  int number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    parser.Line(text.substr(0, newline), ++number);
    if (newline == std::string_view::npos)
      break;
    text.remove_prefix(newline + 1);
  }
  return parser.Finish(number);
}

std::string RenderMigrationScript(const MigrationScript& script) {
  std::ostringstream out;
  out << kMagic << "\n-- revision: " << script.revision << "\n-- down_revision: ";
  if (script.down_revisions.empty())
    out << "none";
  for (std::size_t i = 0; i < script.down_revisions.size(); ++i) {
    out << (i == 0 ? "" : ", ") << script.down_revisions[i];
  }
  out << "\n-- message: " << script.message << "\n-- created: " << script.created << "\n"
      << (script.transactional ? "" : "-- transactional: false\n")
      << (script.breaks_earlier_releases
              ? "-- breaks: " + std::string(kBreaksEarlierReleases) + "\n"
              : std::string())
      << "\n"
      << kUpMarker << "\n"
      << script.up_sql << "\n"
      << kDownMarker << "\n"
      << script.down_sql;
  return out.str();
}

}  // namespace nedlia::migrate
