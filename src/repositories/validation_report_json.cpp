#include "repositories/validation_report_json.hpp"

#include <cstdio>

#include "domain/decimal.hpp"

namespace nedlia::repositories {
namespace {

void AppendString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

void AppendSeconds(std::string& out, std::int64_t ms) {
  out += domain::FormatDecimal(ms, domain::kSecondsDecimals);
}

}  // namespace

std::string IssuesJson(const std::vector<domain::ValidationIssue>& issues) {
  std::string out = "[";
  out.reserve(issues.size() * 256);
  for (std::size_t i = 0; i < issues.size(); ++i) {
    const domain::ValidationIssue& issue = issues[i];
    out += i == 0 ? "{\"placement_id\":\"" : ",{\"placement_id\":\"";
    out += issue.placement_id.ToString();
    out += "\",\"issue_type\":\"";
    out += domain::ToString(issue.type);
    out += "\",\"severity\":\"";
    out += domain::ToString(issue.severity);
    out += "\",\"message\":";
    AppendString(out, issue.message);
    out += ",\"time_range\":{\"start_time\":";
    AppendSeconds(out, issue.time_range.start_ms);
    out += ",\"end_time\":";
    AppendSeconds(out, issue.time_range.end_ms);
    out += "}}";
  }
  out += ']';
  return out;
}

std::string SummaryJson(const domain::ValidationSummary& summary) {
  return "{\"total_placements\":" + std::to_string(summary.total_placements) +
         ",\"valid_placements\":" + std::to_string(summary.valid_placements) +
         ",\"issues_count\":" + std::to_string(summary.issues_count) +
         ",\"is_valid\":" + (summary.is_valid ? "true" : "false") + "}";
}

}  // namespace nedlia::repositories
