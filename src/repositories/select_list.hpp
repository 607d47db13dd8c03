#pragma once

#include <string>
#include <string_view>

namespace nedlia::repositories {

/// A query's select list built together with the position of each column, so that the SQL and
/// the code that reads its rows agree by construction rather than by counting. A repository
/// derives a struct whose members are its columns, in order, and reads rows by member:
///
///   struct WebhookColumns : SelectList {
///     int id = Add("w.id");
///     int url = Add("w.url");
///   };
///   const WebhookColumns kColumn;
///   ... "SELECT " + kColumn.Sql() + " FROM webhooks w" ...
///   row[kColumn.url].As<std::string>()
class SelectList {
 public:
  /// The columns, comma separated: what follows SELECT or RETURNING.
  const std::string& Sql() const { return sql_; }
  /// How many columns: the position the next column of a longer list (a join's) gets.
  int Count() const { return count_; }

 protected:
  /// Appends `expression` and returns its position.
  int Add(std::string_view expression) {
    if (count_ > 0)
      sql_ += ", ";
    sql_ += expression;
    return count_++;
  }

 private:
  std::string sql_;
  int count_ = 0;
};

}  // namespace nedlia::repositories
