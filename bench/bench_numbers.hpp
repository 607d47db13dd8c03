#pragma once
// Numbers for the benchmark programs: command-line values and nearest-rank quantiles. No
// project headers, so that the standalone load clients can use them too.

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace nedlia::bench {

/// A command-line number: the whole of `text` read as a double, or nullopt.
inline std::optional<double> ParseNumber(const std::string& text) {
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return used == text.size() ? std::optional<double>(number) : std::nullopt;
}

struct Quantiles {
  double p50 = 0, p99 = 0, max = 0, mean = 0;
};

/// The nearest-rank quantiles of `values` (all zero when empty).
inline Quantiles Summarize(std::vector<double> values) {
  if (values.empty())
    return {};
  std::sort(values.begin(), values.end());
  const auto at = [&values](double quantile) {
    const auto index = static_cast<std::size_t>(quantile * static_cast<double>(values.size()));
    return values[std::min(index, values.size() - 1)];
  };
  double sum = 0;
  for (const double value : values)
    sum += value;
  return {.p50 = at(0.50),
          .p99 = at(0.99),
          .max = values.back(),
          .mean = sum / static_cast<double>(values.size())};
}

}  // namespace nedlia::bench
