#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "app/ports/page.hpp"
#include "pg/connection.hpp"
#include "pg/params.hpp"

namespace nedlia::repositories {

/// A listing in the order of its id column, one page at a time, continued after the last id of
/// the page before (keyset paging: no OFFSET, so a page costs the same however deep it is).
/// Filters add fixed SQL fragments chosen by which filters are present; every value is a bound
/// parameter, never text in the query.
class KeysetQuery {
 public:
  /// `select` is the query up to its WHERE clause's conditions, at least one of them
  /// ("SELECT … FROM advertisers a WHERE a.deleted_at IS NULL"); `id` the key column ("a.id").
  KeysetQuery(std::string select, std::string_view id) : sql_(std::move(select)), id_(id) {}

  /// Adds " AND <condition> $n" with `value` bound as $n: `condition` ends with its operator
  /// ("a.status =").
  template <class T>
  KeysetQuery& Where(std::string_view condition, const T& value) {
    params_.Add(value);
    sql_ += " AND ";
    sql_ += condition;
    sql_ += " $" + std::to_string(params_.Count());
    return *this;
  }
  /// The same, only when the filter is present.
  template <class T>
  KeysetQuery& WhereIf(std::string_view condition, const std::optional<T>& value) {
    return value ? Where(condition, *value) : *this;
  }

  /// Runs the query for `page`, mapping each row with `map`; `key_of` gives an item's id, from
  /// which the next page continues. Completes the query: call it once.
  template <class Map, class KeyOf>
  auto ReadPage(pg::Connection& connection, const app::PageRequest& page, Map&& map,
                KeyOf&& key_of) {
    using Item = std::decay_t<decltype(map(std::declval<const pg::Row&>()))>;
    WhereIf(id_ + " >", page.after);
    // One row more than asked for says whether another page follows.
    params_.Add(page.limit + 1);
    sql_ += " ORDER BY " + id_ + " LIMIT $" + std::to_string(params_.Count());
    app::Page<Item> result;
    for (const pg::Row& row : connection.Execute(sql_, params_))
      result.items.push_back(map(row));
    if (static_cast<int>(result.items.size()) > page.limit) {
      result.items.pop_back();
      result.next_after = key_of(result.items.back());
    }
    return result;
  }

 private:
  std::string sql_;
  std::string id_;
  pg::Params params_;
};

/// The key of an item that has an `id`.
inline constexpr auto kIdOf = [](const auto& item) { return item.id; };

}  // namespace nedlia::repositories
