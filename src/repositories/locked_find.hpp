#pragma once

#include <array>
#include <string>
#include <string_view>

#include "app/ports/row_lock.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// One find-by-key query prepared once per row-lock strength, so that a repository's Find
/// takes an app::RowLock instead of keeping a statement and a switch of its own per strength.
class LockedFind {
 public:
  /// `name` prefixes each statement's name; `of` names the table alias to lock when the query
  /// joins others ("p": FOR UPDATE OF p), empty to lock every row the query reads.
  LockedFind(std::string_view name, const std::string& sql, std::string_view of = {});
  LockedFind(const LockedFind&) = delete;
  LockedFind& operator=(const LockedFind&) = delete;
  LockedFind(LockedFind&&) = delete;
  LockedFind& operator=(LockedFind&&) = delete;
  ~LockedFind() = default;

  const pg::Statement& For(app::RowLock lock) const;

 private:
  static constexpr std::size_t kStrengths = 5;
  // pg::Statement holds views: these own the texts.
  std::array<std::string, kStrengths> names_;
  std::array<std::string, kStrengths> sqls_;
  std::array<pg::Statement, kStrengths> statements_;
};

}  // namespace nedlia::repositories
