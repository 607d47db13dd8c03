#include "archive/row_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "archive/archive_codec.hpp"

namespace nedlia::archive {
namespace {

constexpr std::string_view kNull = "\\N";

// COPY's text format escapes a backslash and the control characters; undo that.
std::string_view Unescape(std::string_view field, std::string& scratch) {
  if (field.find('\\') == std::string_view::npos)
    return field;
  scratch.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c != '\\' || i + 1 == field.size()) {
      scratch += c;
      continue;
    }
    c = field[++i];
    switch (c) {
      case 'b':
        scratch += '\b';
        break;
      case 'f':
        scratch += '\f';
        break;
      case 'n':
        scratch += '\n';
        break;
      case 'r':
        scratch += '\r';
        break;
      case 't':
        scratch += '\t';
        break;
      case 'v':
        scratch += '\v';
        break;
      case 'x': {
        int value = 0;
        int digits = 0;
        while (digits < 2 && i + 1 < field.size() &&
               std::isxdigit(static_cast<unsigned char>(field[i + 1]))) {
          const char h = field[++i];
          value = value * 16 +
                  (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (h | 0x20) - 'a' + 10);
          ++digits;
        }
        scratch += static_cast<char>(value);
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          int value = c - '0';
          for (int digits = 1;
               digits < 3 && i + 1 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '7';
               ++digits)
            value = value * 8 + (field[++i] - '0');
          scratch += static_cast<char>(value);
        } else {
          scratch += c;  // "\\" and any other escaped character stand for themselves
        }
    }
  }
  return scratch;
}

// "2024-06-01 12:00:00.5+00" (COPY, DateStyle ISO) -> "2024-06-01T12:00:00.5+00:00".
void AppendTimestamp(std::string_view text, bool with_zone, std::string& out) {
  out += '"';
  if (text.size() < 19 || text[10] != ' ') {  // infinity, -infinity
    out += text;
    out += '"';
    return;
  }
  out += text.substr(0, 10);
  out += 'T';
  out += text.substr(11);
  if (with_zone) {
    // The offset is +HH, +HH:MM or +HH:MM:SS; JSON's ISO form always has the minutes.
    const std::size_t sign = text.find_last_of("+-");
    if (sign != std::string_view::npos && sign > 18 && text.size() - sign == 3)
      out += ":00";
  }
  out += '"';
}

}  // namespace

std::string JsonTimestampText(std::string_view copy_text) {
  std::string quoted;
  AppendTimestamp(copy_text, copy_text.find_last_of("+-") > 18, quoted);
  return quoted.substr(1, quoted.size() - 2);
}

JsonKind JsonKindOf(std::string_view column, std::string_view type) {
  if (type.ends_with("]")) {
    throw ArchiveError(
        fmt::format("column {} ({}) cannot be archived: arrays are not supported", column, type));
  }
  if (type == "smallint" || type == "integer" || type == "bigint" || type == "real" ||
      type == "double precision" || type.starts_with("numeric"))
    return JsonKind::kNumber;
  if (type == "boolean")
    return JsonKind::kBoolean;
  if (type == "json" || type == "jsonb")
    return JsonKind::kJson;
  if (type.starts_with("timestamp") && type.ends_with("with time zone") &&
      !type.ends_with("without time zone"))
    return JsonKind::kTimestampTz;
  if (type.starts_with("timestamp"))
    return JsonKind::kTimestamp;
  return JsonKind::kString;
}

void AppendJsonString(std::string_view text, std::string& out) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

RowJson::RowJson(std::vector<ColumnShape> columns)
    : columns_(std::move(columns)), fields_(columns_.size()), decoded_(columns_.size()) {
  for (const ColumnShape& column : columns_) {
    std::string key;
    AppendJsonString(column.name, key);
    keys_.push_back(key + ":");
  }
}

std::size_t RowJson::ColumnIndex(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name)
      return i;
  }
  return std::string_view::npos;
}

void RowJson::Convert(std::string_view line, std::string& out) {
  out.clear();
  out += '{';
  std::size_t start = 0;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::size_t end = line.find('\t', start);
    if ((end == std::string_view::npos) != (i + 1 == columns_.size())) {
      throw ArchiveError(fmt::format("a row of {} fields where {} columns were expected",
                                     std::count(line.begin(), line.end(), '\t') + 1,
                                     columns_.size()));
    }
    const std::string_view raw =
        line.substr(start, end == std::string_view::npos ? line.npos : end - start);
    start = end + 1;
    if (i > 0)
      out += ',';
    out += keys_[i];
    if (raw == kNull) {
      fields_[i] = {};
      out += "null";
      continue;
    }
    fields_[i] = Unescape(raw, decoded_[i]);
    AppendValue(columns_[i], fields_[i], out);
  }
  out += '}';
}

void RowJson::AppendValue(const ColumnShape& column, std::string_view text,
                          std::string& out) const {
  switch (column.kind) {
    case JsonKind::kNumber:
      if (text == "NaN" || text.ends_with("Infinity")) {
        AppendJsonString(text, out);
      } else {
        out += text;
      }
      return;
    case JsonKind::kBoolean:
      out += text == "t" ? "true" : "false";
      return;
    case JsonKind::kJson:
      // A json value keeps its text as written, line breaks included; outside strings (where
      // they cannot be raw) they are only whitespace, and a JSON Lines row must be one line.
      if (text.find_first_of("\r\n") == std::string_view::npos) {
        out += text;
      } else {
        for (const char c : text)
          out += c == '\n' || c == '\r' ? ' ' : c;
      }
      return;
    case JsonKind::kTimestampTz:
      AppendTimestamp(text, true, out);
      return;
    case JsonKind::kTimestamp:
      AppendTimestamp(text, false, out);
      return;
    case JsonKind::kString:
      AppendJsonString(text, out);
      return;
  }
}

}  // namespace nedlia::archive
