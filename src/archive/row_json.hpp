#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nedlia::archive {

/// How a column's value is written in JSON, as PostgreSQL's row_to_json writes it.
enum class JsonKind {
  kNumber,       ///< smallint, integer, bigint, numeric, real, double: bare (NaN, Infinity quoted)
  kBoolean,      ///< true / false
  kJson,         ///< json, jsonb: the document itself
  kTimestampTz,  ///< "2024-06-01T12:00:00.5+00:00"
  kTimestamp,    ///< "2024-06-01T12:00:00.5"
  kString,       ///< everything else (uuid, text, varchar, date, xid8, ...): a JSON string
};

/// The JSON kind of a column of type `type` (as format_type names it). Throws ArchiveError for
/// arrays and composites, which row_to_json nests and no archived table has.
JsonKind JsonKindOf(std::string_view column, std::string_view type);

struct ColumnShape {
  std::string name;
  JsonKind kind;
};

/// Turns rows as COPY's text format writes them (a session in UTC, DateStyle ISO) into the JSON
/// objects row_to_json would write for them, byte for byte. PostgreSQL's COPY of a table is
/// about twice as fast as row_to_json over it, and the conversion runs here, on the client's
/// core, beside the server's.
class RowJson {
 public:
  explicit RowJson(std::vector<ColumnShape> columns);

  /// The JSON object of `line` (one COPY row without its newline) into `out`, replacing it.
  /// Throws ArchiveError when the line does not have one field per column.
  void Convert(std::string_view line, std::string& out);
  /// The decoded text of the last converted row's `column`; empty for NULL.
  std::string_view Field(std::size_t column) const { return fields_[column]; }
  /// The index of the column `name`, or npos.
  std::size_t ColumnIndex(std::string_view name) const;

 private:
  void AppendValue(const ColumnShape& column, std::string_view text, std::string& out) const;

  std::vector<ColumnShape> columns_;
  std::vector<std::string> keys_;         ///< "\"name\":" for each column, escaped once
  std::vector<std::string_view> fields_;  ///< views into the line or into decoded_
  std::vector<std::string> decoded_;      ///< a field's text once COPY's escapes are undone
};

/// A timestamp as COPY writes it ("2024-06-01 12:00:00.5+00") in row_to_json's ISO form
/// ("2024-06-01T12:00:00.5+00:00"), without quotes.
std::string JsonTimestampText(std::string_view copy_text);

/// `text` as a JSON string (quotes included) appended to `out`, escaped as PostgreSQL's
/// escape_json does.
void AppendJsonString(std::string_view text, std::string& out);

}  // namespace nedlia::archive
