#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/date.hpp"
#include "domain/position.hpp"
#include "domain/statuses.hpp"
#include "domain/time_range.hpp"
#include "domain/uuid.hpp"

namespace nedlia::domain {

/// Instants are integer milliseconds since the Unix epoch (UTC).
using TimestampMs = std::int64_t;

/// What every stored entity carries: identity, audit columns and the optimistic-locking
/// version (the ETag).
struct Audit {
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::optional<Uuid> created_by;  ///< the principal (API key) that created it
  std::int32_t version = 1;
};

/// JSON documents the platform stores but does not interpret (billing details, assets, video
/// metadata, validation issues) travel through the domain as their serialized text.
using OpaqueJson = std::string;

struct Advertiser {
  Uuid id;
  std::string name;
  std::string contact_email;
  std::optional<OpaqueJson> billing_info;
  AdvertiserStatus status = AdvertiserStatus::kActive;
  Audit audit;
  std::optional<TimestampMs> erased_at;  ///< when its personal data was erased, if it was
};

struct Campaign {
  Uuid id;
  Uuid advertiser_id;
  std::string name;
  std::int64_t budget_hundredths = 0;
  std::int64_t spent_hundredths = 0;
  std::string currency = "USD";
  CampaignStatus status = CampaignStatus::kDraft;
  Date start_date;
  Date end_date;
  Audit audit;
};

struct Product {
  Uuid id;
  Uuid advertiser_id;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> category;
  OpaqueJson assets = "[]";
  Audit audit;
};

struct Video {
  Uuid id;
  std::string title;
  std::int64_t duration_ms = 0;
  std::optional<std::string> source_url;
  VideoStatus status = VideoStatus::kProcessing;
  OpaqueJson metadata = "{}";
  Audit audit;
};

struct Placement {
  Uuid id;
  Uuid video_id;
  Uuid product_id;
  TimeRange time_range;
  std::optional<std::string> description;
  std::optional<Position> position;
  PlacementStatus status = PlacementStatus::kActive;
  std::optional<std::string> file_url;
  Audit audit;
};

struct ValidationRun {
  Uuid id;
  Uuid video_id;
  ValidationRunStatus status = ValidationRunStatus::kPending;
  std::optional<TimestampMs> started_at;
  std::optional<TimestampMs> completed_at;
  OpaqueJson issues = "[]";
  std::optional<OpaqueJson> summary;
  std::optional<Uuid> requested_by;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

}  // namespace nedlia::domain
