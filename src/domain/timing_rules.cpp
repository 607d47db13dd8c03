#include "domain/timing_rules.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <tuple>

namespace nedlia::domain {
namespace {

std::vector<std::size_t> Indices(std::size_t count) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  return order;
}

TimeRange Intersection(const TimeRange& a, const TimeRange& b) {
  return {.start_ms = std::max(a.start_ms, b.start_ms), .end_ms = std::min(a.end_ms, b.end_ms)};
}

PlacementIssue OverlapIssue(std::span<const PlacementToValidate> placements, std::size_t index,
                            std::size_t other) {
  const TimeRange overlap =
      Intersection(placements[index].time_range, placements[other].time_range);
  return {index,
          {.placement_id = placements[index].id,
           .type = IssueType::kProductOverlap,
           .severity = Severity::kError,
           // A product is one advertiser's, so the other placement is the same tenant's;
           // should it not be reported, its id is not named all the same.
           .message =
               (placements[other].reported ? "overlaps placement " + placements[other].id.ToString()
                                           : std::string("overlaps another placement")) +
               " of the same product from " + Describe(overlap),
           .time_range = overlap}};
}

/// One product's placements, sorted by start: a placement overlaps an earlier one exactly when
/// the furthest end before it lies after its start, and a later one exactly when the next
/// start lies before its end (the next one starts earliest among the later ones).
void SweepProduct(std::span<const PlacementToValidate> placements,
                  std::span<const std::size_t> group, std::vector<PlacementIssue>& issues) {
  std::size_t furthest = group.front();  // the placement reaching furthest so far
  for (std::size_t i = 0; i < group.size(); ++i) {
    const TimeRange& range = placements[group[i]].time_range;
    if (i > 0 && placements[furthest].time_range.end_ms > range.start_ms) {
      issues.push_back(OverlapIssue(placements, group[i], furthest));
    } else if (i + 1 < group.size() &&
               placements[group[i + 1]].time_range.start_ms < range.end_ms) {
      issues.push_back(OverlapIssue(placements, group[i], group[i + 1]));
    }
    if (i == 0 || range.end_ms > placements[furthest].time_range.end_ms)
      furthest = group[i];
  }
}

}  // namespace

void FindProductOverlaps(std::span<const PlacementToValidate> placements,
                         std::vector<PlacementIssue>& issues) {
  std::vector<std::size_t> order = Indices(placements.size());
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const PlacementToValidate& x = placements[a];
    const PlacementToValidate& y = placements[b];
    return std::tie(x.product_id, x.time_range.start_ms, x.time_range.end_ms, x.id) <
           std::tie(y.product_id, y.time_range.start_ms, y.time_range.end_ms, y.id);
  });
  for (std::size_t begin = 0; begin < order.size();) {
    std::size_t end = begin + 1;
    while (end < order.size() &&
           placements[order[end]].product_id == placements[order[begin]].product_id) {
      ++end;
    }
    SweepProduct(placements, std::span(order).subspan(begin, end - begin), issues);
    begin = end;
  }
}

namespace {

/// A placement appearing (kStart) or leaving the screen. At one instant leaving comes first:
/// ranges are half-open, so one that ends at 10 s and one that starts then are never together.
struct ScreenChange {
  std::int64_t at_ms;
  int kind;  // 0 = end, 1 = start
  std::size_t placement;

  friend bool operator<(const ScreenChange& a, const ScreenChange& b) {
    return std::tie(a.at_ms, a.kind, a.placement) < std::tie(b.at_ms, b.kind, b.placement);
  }
};

/// The sweep's state: what is on screen, and the crowded stretch in progress.
class CrowdingSweep {
 public:
  CrowdingSweep(std::span<const PlacementToValidate> placements, int max_simultaneous,
                std::vector<PlacementIssue>& issues)
      : placements_(placements),
        max_(max_simultaneous),
        issues_(issues),
        on_screen_(placements.size(), false),
        flagged_(placements.size(), false) {}

  void Apply(const ScreenChange& change) {
    if (change.kind == 0) {
      on_screen_[change.placement] = false;
      --count_;
      if (crowded_ && count_ <= max_)
        CloseStretch(change.at_ms);
      return;
    }
    on_screen_[change.placement] = true;
    unflagged_.push_back(change.placement);
    ++count_;
    if (count_ <= max_)
      return;
    if (!crowded_) {
      crowded_ = true;
      stretch_start_ = change.at_ms;
      peak_ = count_;
    }
    peak_ = std::max(peak_, count_);
    // Every placement on screen now is part of the crowd; each enters unflagged_ once, so
    // flagging is O(n) over the whole sweep.
    for (const std::size_t index : unflagged_) {
      if (on_screen_[index] && !flagged_[index]) {
        flagged_[index] = true;
        members_.push_back(index);
      }
    }
    unflagged_.clear();
  }

 private:
  void CloseStretch(std::int64_t end_ms) {
    const TimeRange stretch{.start_ms = stretch_start_, .end_ms = end_ms};
    // One message per stretch, copied to its members: formatting it for each was most of the
    // rule's time on a crowded video.
    const std::string message = std::to_string(peak_) + " placements on screen at once (" +
                                std::to_string(max_) + " at most) from " + Describe(stretch);
    for (const std::size_t index : members_) {
      const TimeRange part = Intersection(placements_[index].time_range, stretch);
      issues_.push_back({index,
                         {.placement_id = placements_[index].id,
                          .type = IssueType::kTooManySimultaneous,
                          .severity = Severity::kError,
                          .message = message,
                          .time_range = part}});
    }
    members_.clear();
    crowded_ = false;
  }

  std::span<const PlacementToValidate> placements_;
  int max_;
  std::vector<PlacementIssue>& issues_;
  std::vector<bool> on_screen_;
  std::vector<bool> flagged_;
  std::vector<std::size_t> unflagged_;  // started since the last crowd, perhaps ended since
  std::vector<std::size_t> members_;    // flagged in the stretch in progress
  int count_ = 0;
  bool crowded_ = false;
  std::int64_t stretch_start_ = 0;
  int peak_ = 0;
};

}  // namespace

void FindCrowding(std::span<const PlacementToValidate> placements, int max_simultaneous,
                  std::vector<PlacementIssue>& issues) {
  std::vector<ScreenChange> changes;
  changes.reserve(placements.size() * 2);
  for (std::size_t i = 0; i < placements.size(); ++i) {
    changes.push_back({placements[i].time_range.start_ms, 1, i});
    changes.push_back({placements[i].time_range.end_ms, 0, i});
  }
  std::sort(changes.begin(), changes.end());
  CrowdingSweep sweep(placements, max_simultaneous, issues);
  for (const ScreenChange& change : changes)
    sweep.Apply(change);
}

}  // namespace nedlia::domain
