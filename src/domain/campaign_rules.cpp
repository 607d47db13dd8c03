#include "domain/campaign_rules.hpp"

#include "domain/decimal.hpp"
#include "domain/money.hpp"

namespace nedlia::domain {

FieldErrors ValidateCampaignDates(const Date& start_date, const Date& end_date) {
  if (end_date > start_date)
    return {};
  return {{"/end_date", "must be after start_date"}};
}

FieldErrors ValidateBudget(std::int64_t budget_hundredths, std::int64_t spent_hundredths) {
  if (budget_hundredths >= spent_hundredths)
    return {};
  return {{"/budget", "must not be less than what is already spent (" +
                          FormatDecimal(spent_hundredths, kMoneyDecimals) + ")"}};
}

std::optional<SpendOutcome> Spend(std::int64_t budget_hundredths, std::int64_t spent_hundredths,
                                  std::int64_t amount_hundredths) {
  if (amount_hundredths <= 0 || spent_hundredths > budget_hundredths ||
      amount_hundredths > budget_hundredths - spent_hundredths) {
    return std::nullopt;
  }
  const std::int64_t total = spent_hundredths + amount_hundredths;
  return SpendOutcome{total, total == budget_hundredths};
}

}  // namespace nedlia::domain
