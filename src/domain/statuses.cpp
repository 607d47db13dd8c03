#include "domain/statuses.hpp"

#include <array>
#include <utility>

namespace nedlia::domain {
namespace {

template <typename Status, std::size_t N>
using Names = std::array<std::pair<Status, std::string_view>, N>;

constexpr Names<AdvertiserStatus, 2> kAdvertiserNames = {
    {{AdvertiserStatus::kActive, "active"}, {AdvertiserStatus::kSuspended, "suspended"}}};
constexpr Names<CampaignStatus, 4> kCampaignNames = {{{CampaignStatus::kDraft, "draft"},
                                                      {CampaignStatus::kActive, "active"},
                                                      {CampaignStatus::kPaused, "paused"},
                                                      {CampaignStatus::kCompleted, "completed"}}};
constexpr Names<VideoStatus, 3> kVideoNames = {{{VideoStatus::kProcessing, "processing"},
                                                {VideoStatus::kReady, "ready"},
                                                {VideoStatus::kArchived, "archived"}}};
constexpr Names<PlacementStatus, 3> kPlacementNames = {{{PlacementStatus::kDraft, "draft"},
                                                        {PlacementStatus::kActive, "active"},
                                                        {PlacementStatus::kArchived, "archived"}}};
constexpr Names<ValidationRunStatus, 4> kValidationRunNames = {
    {{ValidationRunStatus::kPending, "pending"},
     {ValidationRunStatus::kRunning, "running"},
     {ValidationRunStatus::kCompleted, "completed"},
     {ValidationRunStatus::kFailed, "failed"}}};

template <typename Status, std::size_t N>
std::string_view NameOf(const Names<Status, N>& names, Status status) {
  for (const auto& [value, name] : names) {
    if (value == status)
      return name;
  }
  return "?";
}

template <typename Status, std::size_t N>
std::optional<Status> ValueOf(const Names<Status, N>& names, std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text)
      return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(AdvertiserStatus status) {
  return NameOf(kAdvertiserNames, status);
}
std::string_view ToString(CampaignStatus status) {
  return NameOf(kCampaignNames, status);
}
std::string_view ToString(VideoStatus status) {
  return NameOf(kVideoNames, status);
}
std::string_view ToString(PlacementStatus status) {
  return NameOf(kPlacementNames, status);
}
std::string_view ToString(ValidationRunStatus status) {
  return NameOf(kValidationRunNames, status);
}

template <>
std::optional<AdvertiserStatus> ParseStatus(std::string_view text) {
  return ValueOf(kAdvertiserNames, text);
}
template <>
std::optional<CampaignStatus> ParseStatus(std::string_view text) {
  return ValueOf(kCampaignNames, text);
}
template <>
std::optional<VideoStatus> ParseStatus(std::string_view text) {
  return ValueOf(kVideoNames, text);
}
template <>
std::optional<PlacementStatus> ParseStatus(std::string_view text) {
  return ValueOf(kPlacementNames, text);
}
template <>
std::optional<ValidationRunStatus> ParseStatus(std::string_view text) {
  return ValueOf(kValidationRunNames, text);
}

template <>
std::string_view AllowedValues<AdvertiserStatus>() {
  return "active, suspended";
}
template <>
std::string_view AllowedValues<CampaignStatus>() {
  return "draft, active, paused, completed";
}
template <>
std::string_view AllowedValues<VideoStatus>() {
  return "processing, ready, archived";
}
template <>
std::string_view AllowedValues<PlacementStatus>() {
  return "draft, active, archived";
}
template <>
std::string_view AllowedValues<ValidationRunStatus>() {
  return "pending, running, completed, failed";
}

bool CanMove(AdvertiserStatus from, AdvertiserStatus to) {
  return from != to;
}

bool CanMove(CampaignStatus from, CampaignStatus to) {
  using enum CampaignStatus;
  switch (from) {
    case kDraft:
      return to == kActive;
    case kActive:
      return to == kPaused || to == kCompleted;
    case kPaused:
      return to == kActive || to == kCompleted;
    case kCompleted:
      return false;
  }
  return false;
}

bool CanMove(VideoStatus from, VideoStatus to) {
  using enum VideoStatus;
  return (from == kProcessing && to == kReady) || (from == kReady && to == kArchived);
}

bool CanMove(PlacementStatus from, PlacementStatus to) {
  using enum PlacementStatus;
  switch (from) {
    case kDraft:
      return to == kActive;
    case kActive:
      return to == kDraft || to == kArchived;
    case kArchived:
      return false;
  }
  return false;
}

bool CanMove(ValidationRunStatus from, ValidationRunStatus to) {
  using enum ValidationRunStatus;
  if (from == kPending)
    return to == kRunning || to == kFailed;
  if (from == kRunning)
    return to == kCompleted || to == kFailed;
  return false;
}

}  // namespace nedlia::domain
