#pragma once

#include <optional>
#include <string_view>

namespace nedlia::domain {

/// The lifecycles of the specification's entities (its chk_status constraints) and the moves
/// each allows. Text forms are the database's and the API's.

enum class AdvertiserStatus { kActive, kSuspended };
enum class CampaignStatus { kDraft, kActive, kPaused, kCompleted };
enum class VideoStatus { kProcessing, kReady, kArchived };
enum class PlacementStatus { kDraft, kActive, kArchived };
enum class ValidationRunStatus { kPending, kRunning, kCompleted, kFailed };

std::string_view ToString(AdvertiserStatus status);
std::string_view ToString(CampaignStatus status);
std::string_view ToString(VideoStatus status);
std::string_view ToString(PlacementStatus status);
std::string_view ToString(ValidationRunStatus status);

/// Parses the text form; nullopt for an unknown value. Use as ParseStatus<VideoStatus>("ready").
template <typename Status>
std::optional<Status> ParseStatus(std::string_view text);
template <>
std::optional<AdvertiserStatus> ParseStatus(std::string_view text);
template <>
std::optional<CampaignStatus> ParseStatus(std::string_view text);
template <>
std::optional<VideoStatus> ParseStatus(std::string_view text);
template <>
std::optional<PlacementStatus> ParseStatus(std::string_view text);
template <>
std::optional<ValidationRunStatus> ParseStatus(std::string_view text);

/// advertiser: active ⇄ suspended
bool CanMove(AdvertiserStatus from, AdvertiserStatus to);
/// campaign: draft → active ⇄ paused → completed (active → completed too)
bool CanMove(CampaignStatus from, CampaignStatus to);
/// video: processing → ready → archived
bool CanMove(VideoStatus from, VideoStatus to);
/// placement: draft ⇄ active → archived
bool CanMove(PlacementStatus from, PlacementStatus to);
/// validation run: pending → running → completed | failed
bool CanMove(ValidationRunStatus from, ValidationRunStatus to);

/// The values of a status type, in declaration order (for error messages and the API document).
template <typename Status>
std::string_view AllowedValues();
template <>
std::string_view AllowedValues<AdvertiserStatus>();
template <>
std::string_view AllowedValues<CampaignStatus>();
template <>
std::string_view AllowedValues<VideoStatus>();
template <>
std::string_view AllowedValues<PlacementStatus>();
template <>
std::string_view AllowedValues<ValidationRunStatus>();

}  // namespace nedlia::domain
