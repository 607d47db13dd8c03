#include "migrate/scratch_database.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include "migrate/sql_statements.hpp"
#include "pg/errors.hpp"

namespace nedlia::migrate {
namespace {

std::string QuotedValue(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\')
      quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string RandomSuffix() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> bits;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(bits(device)));
  return text;
}

// Characters PostgreSQL takes in an unquoted identifier, lowercase.
std::string IdentifierPart(const std::string& text, std::size_t length) {
  std::string part;
  for (const char c : text) {
    if (part.size() == length)
      break;
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
      part += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return part;
}

// Named after the database it serves ("<db>_scratch_<random>", within the 63 bytes a name may
// have), so that whoever looks at the server sees whose it is, and tests running side by side
// on one server can tell theirs from the others'.
std::string ScratchName(const std::string& server_url) {
  std::string database;
  char* error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(server_url.c_str(), &error)) {
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
      if (std::string(option->keyword) == "dbname" && option->val != nullptr)
        database = option->val;
    }
    PQconninfoFree(options);
  }
  PQfreemem(error);
  const std::string owner = IdentifierPart(database, 37);  // 37 + 9 + 16 < 64
  return (owner.empty() ? "nedlia" : owner) + "_scratch_" + RandomSuffix();
}

}  // namespace

std::string WithDatabase(const std::string& url, const std::string& database) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error != nullptr ? error : "cannot parse the database URL";
    PQfreemem(error);
    throw std::invalid_argument(message);
  }
  std::string conninfo;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    const std::string keyword = option->keyword;
    if (keyword == "dbname" || option->val == nullptr)
      continue;
    conninfo += keyword + "=" + QuotedValue(option->val) + " ";
  }
  PQconninfoFree(options);
  return conninfo + "dbname=" + QuotedValue(database);
}

ScratchDatabase::ScratchDatabase(const std::string& server_url)
    : server_url_(server_url), name_(ScratchName(server_url)) {
  pg::Connection admin =
      pg::Connection::Open(server_url_, std::chrono::seconds(10), pg::TargetSession::kReadWrite);
  admin.ExecuteScript("CREATE DATABASE " + name_ + " TEMPLATE template0");
  url_ = WithDatabase(server_url_, name_);
}

ScratchDatabase::~ScratchDatabase() {
  try {
    pg::Connection admin =
        pg::Connection::Open(server_url_, std::chrono::seconds(10), pg::TargetSession::kReadWrite);
    admin.ExecuteScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& error) {
    spdlog::warn("could not drop the scratch database {}: {}", name_, error.what());
  }
}

pg::Connection ScratchDatabase::Connect() const {
  return pg::Connection::Open(url_, std::chrono::seconds(10), pg::TargetSession::kReadWrite);
}

void BuildDeclaredSchema(pg::Connection& connection, const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir))
    throw ScriptError(dir.string() + ": schema directory not found (set NEDLIA_SCHEMA_DIR)");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  std::vector<std::unique_ptr<ParsedSql>> parsed;
  for (const auto& file : files) {
    texts.push_back(ReadSqlFile(file));
    try {
      parsed.push_back(std::make_unique<ParsedSql>(texts.back()));
    } catch (const SqlSyntaxError& error) {
      throw ScriptError(file.string() + ":" +
                        std::to_string(LineAt(texts.back(), error.Offset(), 1)) + ": " +
                        error.what());
    }
  }
  // Statement by statement, so that an error names its statement's line even when the server
  // gives no position (a missing table in ALTER TABLE, for one).
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (const SqlStatement& statement : parsed[i]->Statements()) {
      const std::string_view text = parsed[i]->Text(statement);
      try {
        connection.ExecuteScript(text);
      } catch (const pg::Error& error) {
        const int position = error.Details().position;
        const std::size_t offset =
            statement.offset + (position > 0 ? static_cast<std::size_t>(position - 1)
                                             : text.find_first_not_of(" \t\r\n"));
        throw ScriptError(files[i].string() + ":" + std::to_string(LineAt(texts[i], offset, 1)) +
                          ": " + error.what());
      }
    }
  }
}

}  // namespace nedlia::migrate
