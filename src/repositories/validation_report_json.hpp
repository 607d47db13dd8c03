#pragma once

#include <string>
#include <vector>

#include "domain/validation_report.hpp"

namespace nedlia::repositories {

/// validation_runs.issues: [{"placement_id", "issue_type", "severity", "message",
/// "time_range": {"start_time", "end_time"}}] with times in seconds, as the API shows
/// placements. Written directly as text: a run may hold hundreds of thousands of issues.
std::string IssuesJson(const std::vector<domain::ValidationIssue>& issues);

/// validation_runs.summary of a completed run: {"total_placements", "valid_placements",
/// "issues_count", "is_valid"}.
std::string SummaryJson(const domain::ValidationSummary& summary);

}  // namespace nedlia::repositories
