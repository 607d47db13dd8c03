#pragma once

#include <optional>
#include <string>

#include "app/ports/page.hpp"
#include "app/ports/row_lock.hpp"
#include "domain/webhook.hpp"

namespace nedlia::app {

struct WebhookFilter {
  std::optional<domain::Uuid> advertiser_id;
};

/// Webhooks and their delivery log in the system of record, within the caller's transaction.
class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  /// A live webhook, held as `lock` says.
  virtual std::optional<domain::Webhook> Find(const domain::Uuid& id, RowLock lock) = 0;
  virtual Page<domain::Webhook> List(const WebhookFilter& filter, const PageRequest& page) = 0;
  /// Holds off other callers of this for the same advertiser until the transaction ends, then
  /// counts the advertiser's live webhooks (disabled ones included): two creations at once
  /// cannot both see room for one more.
  virtual int LockAndCountLive(const domain::Uuid& advertiser_id) = 0;
  /// Inserts it with its signing secret; returns the stored row.
  virtual domain::Webhook Insert(const domain::Webhook& webhook, const std::string& secret) = 0;
  /// The signing secret of a live webhook: kept in its row alone, which must sign.
  virtual std::optional<std::string> SigningSecret(const domain::Uuid& id) = 0;
  /// Writes url, event types and status (disabled_at follows status; enabling again clears
  /// the failure count); returns the stored row.
  virtual domain::Webhook Update(const domain::Webhook& webhook) = 0;
  /// Marks it deleted and abandons its pending deliveries.
  virtual void SoftDelete(const domain::Uuid& id) = 0;
  /// An advertiser's erasure: each of its webhooks, live or deleted, is deleted and disabled,
  /// its URL and secret replaced, its pending deliveries abandoned, and what its deliveries
  /// recorded of the receiver (the error text) cleared.
  virtual void EraseAllOf(const domain::Uuid& advertiser_id) = 0;
  /// Its delivery log, newest first.
  virtual Page<domain::WebhookDelivery> Deliveries(const domain::Uuid& webhook_id,
                                                   const PageRequest& page) = 0;
};

}  // namespace nedlia::app
