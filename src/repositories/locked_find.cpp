#include "repositories/locked_find.hpp"

#include <cstddef>

namespace nedlia::repositories {
namespace {

struct Strength {
  app::RowLock lock;
  std::string_view suffix;  ///< of the statement's name
  std::string_view clause;  ///< appended to the query
};

// In the enum's order, which For() indexes by.
constexpr std::array<Strength, 5> kStrengthClauses{{
    {app::RowLock::kNone, "", ""},
    {app::RowLock::kKeyShare, "_for_key_share", " FOR KEY SHARE"},
    {app::RowLock::kShare, "_for_share", " FOR SHARE"},
    {app::RowLock::kNoKeyUpdate, "_for_no_key_update", " FOR NO KEY UPDATE"},
    {app::RowLock::kUpdate, "_for_update", " FOR UPDATE"},
}};

constexpr bool InEnumOrder() {
  for (std::size_t i = 0; i < kStrengthClauses.size(); ++i) {
    if (static_cast<std::size_t>(kStrengthClauses[i].lock) != i)
      return false;
  }
  return true;
}
static_assert(InEnumOrder(), "For() indexes the table by the enum's value");

}  // namespace

LockedFind::LockedFind(std::string_view name, const std::string& sql, std::string_view of) {
  static_assert(kStrengthClauses.size() == kStrengths);
  for (std::size_t i = 0; i < kStrengths; ++i) {
    const Strength& strength = kStrengthClauses[i];
    names_[i] = std::string(name) + std::string(strength.suffix);
    sqls_[i] = sql + std::string(strength.clause);
    if (!strength.clause.empty() && !of.empty())
      sqls_[i] += " OF " + std::string(of);
    statements_[i] = pg::Statement{names_[i], sqls_[i]};
  }
}

const pg::Statement& LockedFind::For(app::RowLock lock) const {
  const auto index = static_cast<std::size_t>(lock);
  return statements_[index < kStrengths ? index : 0];
}

}  // namespace nedlia::repositories
