#pragma once

#include <cstdint>
#include <optional>

#include "domain/date.hpp"
#include "domain/field_error.hpp"

namespace nedlia::domain {

/// A campaign ends after it starts (the specification's chk_dates: end_date > start_date).
FieldErrors ValidateCampaignDates(const Date& start_date, const Date& end_date);

/// A budget may shrink, but never below what is already spent.
FieldErrors ValidateBudget(std::int64_t budget_hundredths, std::int64_t spent_hundredths);

/// What recording a spend does to a campaign's budget.
struct SpendOutcome {
  std::int64_t spent_hundredths = 0;  ///< the new total
  bool exhausted = false;             ///< the total now equals the budget
};

/// Adds `amount` (> 0) to `spent`; nullopt when the total would exceed `budget`, so that
/// spend never passes the budget. The database applies the same rule atomically.
std::optional<SpendOutcome> Spend(std::int64_t budget_hundredths, std::int64_t spent_hundredths,
                                  std::int64_t amount_hundredths);

}  // namespace nedlia::domain
