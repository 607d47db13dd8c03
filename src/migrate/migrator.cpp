#include "migrate/migrator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "migrate/sql_statements.hpp"
#include "pg/errors.hpp"

namespace nedlia::migrate {
namespace {

// An arbitrary constant shared by every nedlia migrator ("nedlia" in ASCII, then 1).
constexpr std::int64_t kMigrationLockKey = 0x6E65646C69610001;

/// Holds the migration advisory lock for its lifetime (session-level, so it spans the
/// per-migration transactions; the server releases it if the migrator dies).
class MigrationLock {
 public:
  explicit MigrationLock(pg::Connection& connection) : connection_(connection) {
    // Polled rather than waited for in pg_advisory_lock: a statement waiting there holds a
    // snapshot, and the holder's CREATE INDEX CONCURRENTLY waits for every snapshot older than
    // its own to go, so the two would deadlock.
    auto pause = std::chrono::milliseconds(50);
    while (!TryLock()) {
      if (pause == std::chrono::milliseconds(50))
        spdlog::info("another migrator holds the migration lock; waiting for it to finish");
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;
  MigrationLock(MigrationLock&&) = delete;
  MigrationLock& operator=(MigrationLock&&) = delete;
  ~MigrationLock() {
    try {
      if (connection_.InTransaction())
        connection_.ExecuteScript("ROLLBACK");
      connection_.Execute("SELECT pg_advisory_unlock($1)", pg::Params(kMigrationLockKey));
    } catch (const std::exception& error) {
      spdlog::warn(
          "could not release the migration lock (the server drops it with the "
          "session): {}",
          error.what());
    }
  }

 private:
  bool TryLock() {
    return connection_.Execute("SELECT pg_try_advisory_lock($1)", pg::Params(kMigrationLockKey))
        .Single()[0]
        .As<bool>();
  }

  pg::Connection& connection_;
};

int ParseCount(std::string_view text, std::string_view target) {
  int count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || end != text.data() + text.size() || count <= 0) {
    throw MigrationError("bad relative target '" + std::string(target) + "'");
  }
  return count;
}

// Maps a server error position (1-based, in characters) to a line of the migration file.
int LineOf(std::string_view sql, int first_line, int position) {
  int line = first_line;
  int characters = 0;
  for (char c : sql) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++characters;  // count UTF-8 lead bytes
    if (characters >= position)
      break;
    if (c == '\n')
      ++line;
  }
  return line;
}

}  // namespace

std::string JoinRevisions(const RevisionSet& revisions) {
  if (revisions.empty())
    return "base";
  std::string text;
  for (const auto& revision : revisions)
    text += (text.empty() ? "" : ", ") + revision;
  return text;
}

RevisionSet ResolveTarget(const ScriptDirectory& scripts, std::string_view target) {
  if (target == "base")
    return {};
  if (target == "heads")
    return scripts.Heads();
  if (target == "head") {
    RevisionSet heads = scripts.Heads();
    if (heads.size() > 1) {
      throw MigrationError("multiple heads (" + JoinRevisions(heads) +
                           "): two migrations share a parent. Name one revision, use 'heads', "
                           "or join them with 'nedlia migrate merge heads -m MESSAGE'");
    }
    return heads;
  }
  return {scripts.Resolve(target).revision};
}

RevisionSet Migrator::Current() {
  RevisionSet current = ReadVersionTable(connection_).heads;
  for (const auto& revision : current) {
    if (!scripts_.Contains(revision)) {
      throw MigrationError("the database is at revision " + revision + ", which no file in " +
                           scripts_.Dir().string() +
                           " knows: it is ahead of these migrations; refusing to run");
    }
  }
  return current;
}

namespace {

std::vector<MigrationStep> LinearSteps(const ScriptDirectory& scripts, const RevisionSet& current,
                                       int count, Direction direction) {
  if (current.size() > 1) {
    throw MigrationError("relative targets need one current revision, the database is at " +
                         JoinRevisions(current));
  }
  std::string position = current.empty() ? std::string() : *current.begin();
  std::vector<MigrationStep> steps;
  for (int taken = 0; taken < count; ++taken) {
    if (direction == Direction::kDown) {
      if (position.empty()) {
        throw MigrationError("cannot go down " + std::to_string(count) + ": only " +
                             std::to_string(taken) + " migration(s) are applied");
      }
      const MigrationScript& script = scripts.Resolve(position);
      if (script.down_revisions.size() > 1) {
        throw MigrationError(position + " merges several parents; name the target revision");
      }
      steps.push_back({&script, Direction::kDown});
      position = script.down_revisions.empty() ? std::string() : script.down_revisions.front();
      continue;
    }
    const RevisionSet next = scripts.Children(position);
    if (next.empty()) {
      throw MigrationError("cannot go up " + std::to_string(count) + ": only " +
                           std::to_string(taken) + " migration(s) remain above the current one");
    }
    if (next.size() > 1) {
      throw MigrationError("the history branches after " +
                           (position.empty() ? std::string("base") : position) + " (" +
                           JoinRevisions(next) + "); name the target revision");
    }
    position = *next.begin();
    steps.push_back({&scripts.Resolve(position), Direction::kUp});
  }
  return steps;
}

}  // namespace

std::vector<MigrationStep> PlanUpgrade(const ScriptDirectory& scripts, const RevisionSet& current,
                                       std::string_view target) {
  if (target.starts_with('+')) {
    return LinearSteps(scripts, current, ParseCount(target.substr(1), target), Direction::kUp);
  }
  const RevisionSet wanted = ResolveTarget(scripts, target);
  const RevisionSet have = scripts.Ancestors(current);
  const RevisionSet need = scripts.Ancestors(wanted);
  std::vector<MigrationStep> steps;
  for (const MigrationScript* script : scripts.TopologicalOrder()) {
    if (need.contains(script->revision) && !have.contains(script->revision)) {
      steps.push_back({script, Direction::kUp});
    }
  }
  return steps;
}

std::vector<MigrationStep> PlanDowngrade(const ScriptDirectory& scripts, const RevisionSet& current,
                                         std::string_view target) {
  if (target.starts_with('-')) {
    return LinearSteps(scripts, current, ParseCount(target.substr(1), target), Direction::kDown);
  }
  RevisionSet keep;
  if (target != "base") {
    const std::string& revision = scripts.Resolve(target).revision;
    if (!scripts.Ancestors(current).contains(revision)) {
      throw MigrationError("revision " + revision + " is not below the current revision (" +
                           JoinRevisions(current) + ")");
    }
    keep = scripts.Ancestors({revision});
  }
  const RevisionSet have = scripts.Ancestors(current);
  std::vector<MigrationStep> steps;
  const auto order = scripts.TopologicalOrder();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (have.contains((*it)->revision) && !keep.contains((*it)->revision)) {
      steps.push_back({*it, Direction::kDown});
    }
  }
  return steps;
}

std::vector<MigrationStep> Migrator::Upgrade(std::string_view target, const StepObserver& observe) {
  return Run(Direction::kUp, target, observe);
}

std::vector<MigrationStep> Migrator::Downgrade(std::string_view target,
                                               const StepObserver& observe) {
  return Run(Direction::kDown, target, observe);
}

std::vector<MigrationStep> Migrator::Run(Direction direction, std::string_view target,
                                         const StepObserver& observe) {
  MigrationLock lock(connection_);
  connection_.ExecuteScript(kCreateVersionTableSql);
  // Read the position only under the lock: another migrator may just have moved it.
  RevisionSet applied = scripts_.Ancestors(Current());
  CompleteVersionTable(applied);
  const RevisionSet heads = scripts_.HeadsOf(applied);
  auto steps = direction == Direction::kUp ? PlanUpgrade(scripts_, heads, target)
                                           : PlanDowngrade(scripts_, heads, target);
  for (const MigrationStep& step : steps) {
    if (observe)
      observe(step);
    Apply(step, applied);
  }
  return steps;
}

void Migrator::Apply(const MigrationStep& step, RevisionSet& applied) {
  const MigrationScript& script = *step.script;
  const bool up = step.direction == Direction::kUp;
  RevisionSet after = applied;
  if (up) {
    after.insert(script.revision);
  } else {
    after.erase(script.revision);
  }
  const std::string& sql = up ? script.up_sql : script.down_sql;
  const int first_line = up ? script.up_first_line : script.down_first_line;
  const auto fail = [&](const pg::Error& error, std::string_view part, int part_line) {
    if (connection_.InTransaction())
      connection_.ExecuteScript("ROLLBACK");
    const int line = error.Details().position > 0
                         ? LineOf(part, part_line, error.Details().position)
                         : part_line;
    return MigrationError(script.path.string() + ":" + std::to_string(line) + ": " +
                          (up ? "upgrade to " : "downgrade from ") + script.revision +
                          " failed: " + error.what() + "; the database stays at " +
                          JoinRevisions(scripts_.HeadsOf(applied)) +
                          (script.transactional ? ""
                                                : " (the statements before this one committed: "
                                                  "the migration runs again from its start)"));
  };
  if (script.transactional) {
    connection_.ExecuteScript("BEGIN");
    try {
      connection_.ExecuteScript(sql);
    } catch (const pg::Error& error) {
      throw fail(error, sql, first_line);
    }
  } else {
    // Statement by statement, each committing on its own (one statement per query string:
    // PostgreSQL runs a multi-statement string as one transaction).
    const ParsedSql parsed(sql);
    for (const SqlStatement& statement : parsed.Statements()) {
      const std::string_view text = parsed.Text(statement);
      try {
        connection_.ExecuteScript(text);
      } catch (const pg::Error& error) {
        throw fail(error, text, LineAt(sql, statement.offset, first_line));
      }
    }
    connection_.ExecuteScript("BEGIN");
  }
  WriteVersionTable(connection_, RecordOf(scripts_, after));
  connection_.ExecuteScript("COMMIT");
  applied = std::move(after);
}

void Migrator::CompleteVersionTable(const RevisionSet& applied) {
  if (ReadVersionTable(connection_).complete)
    return;
  connection_.ExecuteScript("BEGIN");
  WriteVersionTable(connection_, RecordOf(scripts_, applied));
  connection_.ExecuteScript("COMMIT");
}

RevisionSet Migrator::Stamp(std::string_view target, bool purge) {
  RevisionSet heads = scripts_.HeadsOf(ResolveTarget(scripts_, target));
  MigrationLock lock(connection_);
  connection_.ExecuteScript(kCreateVersionTableSql);
  if (!purge)
    Current();  // refuses a database ahead of the files
  connection_.ExecuteScript("BEGIN");
  WriteVersionTable(connection_, RecordOf(scripts_, scripts_.Ancestors(heads)));
  connection_.ExecuteScript("COMMIT");
  return heads;
}

}  // namespace nedlia::migrate
