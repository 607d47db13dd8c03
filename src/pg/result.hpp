#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/uuid.hpp"

namespace nedlia::pg {

namespace detail {
template <class T>
struct FromText;  // specialised in result.cpp for each supported type
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
}  // namespace detail

/// One value of a result row.
class Field {
 public:
  Field(const PGresult* result, int row, int column)
      : result_(result), row_(row), column_(column) {}

  bool IsNull() const { return PQgetisnull(result_, row_, column_) == 1; }
  /// The raw text; empty for NULL.
  std::string_view View() const;
  const char* Name() const { return PQfname(result_, column_); }

  /// The value as T; std::optional<T> maps NULL to nullopt, any other T throws UnexpectedNull.
  template <class T>
  T As() const {
    if constexpr (detail::IsOptional<T>::value) {
      if (IsNull())
        return std::nullopt;
      return detail::FromText<typename T::value_type>::Convert(View(), Name());
    } else {
      if (IsNull())
        ThrowUnexpectedNull();
      return detail::FromText<T>::Convert(View(), Name());
    }
  }

 private:
  [[noreturn]] void ThrowUnexpectedNull() const;

  const PGresult* result_;
  int row_;
  int column_;
};

/// Shared ownership of a PGresult, so that a Row outlives the Result it came from safely
/// (`auto row = connection.Execute(...).Single();` is a natural thing to write).
using ResultHandle = std::shared_ptr<PGresult>;

/// One row of a result; cheap to copy. A Field is valid while some Row or Result holds it.
class Row {
 public:
  Row(ResultHandle result, int row) : result_(std::move(result)), row_(row) {}

  Field operator[](int column) const { return Field(result_.get(), row_, column); }
  /// By column name; throws std::out_of_range if the result has no such column.
  Field operator[](std::string_view name) const;

  /// The first sizeof...(Ts) columns as a tuple: `auto [id, name] = row.As<Uuid, std::string>();`
  template <class... Ts>
  std::tuple<Ts...> As() const {
    return AsImpl<Ts...>(std::index_sequence_for<Ts...>{});
  }

  /// Maps the row onto an aggregate whose members are, in order, the given column types.
  template <class Struct, class... Ts>
  Struct To() const {
    return std::make_from_tuple<Struct>(As<Ts...>());
  }

 private:
  template <class... Ts, std::size_t... Is>
  std::tuple<Ts...> AsImpl(std::index_sequence<Is...>) const {
    return std::tuple<Ts...>((*this)[static_cast<int>(Is)].template As<Ts>()...);
  }

  ResultHandle result_;
  int row_;
};

/// Owns a PGresult (move-only) and iterates its rows.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result, &PQclear) {}

  int RowCount() const { return PQntuples(result_.get()); }
  int ColumnCount() const { return PQnfields(result_.get()); }
  bool Empty() const { return RowCount() == 0; }
  /// Rows touched by INSERT/UPDATE/DELETE (0 for other statements).
  std::int64_t AffectedRows() const;
  Row operator[](int row) const { return Row(result_, row); }
  /// The only row; throws std::logic_error when there is not exactly one.
  Row Single() const;
  /// The libpq handle (null for an empty Result).
  const PGresult* Native() const { return result_.get(); }

  class Iterator {
   public:
    Iterator(const ResultHandle* result, int row) : result_(result), row_(row) {}
    Row operator*() const { return Row(*result_, row_); }
    Iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return row_ == other.row_; }

   private:
    const ResultHandle* result_;
    int row_;
  };
  Iterator begin() const { return Iterator(&result_, 0); }
  Iterator end() const { return Iterator(&result_, RowCount()); }

  /// Every row mapped with Row::To<Struct, Ts...>().
  template <class Struct, class... Ts>
  std::vector<Struct> AsVectorOf() const {
    std::vector<Struct> out;
    out.reserve(static_cast<std::size_t>(RowCount()));
    for (Row row : *this)
      out.push_back(row.To<Struct, Ts...>());
    return out;
  }

 private:
  ResultHandle result_;
};

namespace detail {
template <>
struct FromText<std::string> {
  static std::string Convert(std::string_view text, const char*) { return std::string(text); }
};
template <>
struct FromText<bool> {
  static bool Convert(std::string_view text, const char* column);
};
template <>
struct FromText<std::int16_t> {
  static std::int16_t Convert(std::string_view text, const char* column);
};
template <>
struct FromText<std::int32_t> {
  static std::int32_t Convert(std::string_view text, const char* column);
};
template <>
struct FromText<std::int64_t> {
  static std::int64_t Convert(std::string_view text, const char* column);
};
template <>
struct FromText<double> {
  static double Convert(std::string_view text, const char* column);
};
template <>
struct FromText<domain::Uuid> {
  static domain::Uuid Convert(std::string_view text, const char* column);
};
}  // namespace detail

}  // namespace nedlia::pg
