#pragma once

#include "app/ports/webhook_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// WebhookStore over PostgreSQL, inside the connection's open transaction.
class WebhookRows : public app::WebhookStore {
 public:
  explicit WebhookRows(pg::Connection& connection) : connection_(connection) {}

  std::optional<domain::Webhook> Find(const domain::Uuid& id, app::RowLock lock) override;
  app::Page<domain::Webhook> List(const app::WebhookFilter& filter,
                                  const app::PageRequest& page) override;
  int LockAndCountLive(const domain::Uuid& advertiser_id) override;
  domain::Webhook Insert(const domain::Webhook& webhook, const std::string& secret) override;
  std::optional<std::string> SigningSecret(const domain::Uuid& id) override;
  domain::Webhook Update(const domain::Webhook& webhook) override;
  void SoftDelete(const domain::Uuid& id) override;
  void EraseAllOf(const domain::Uuid& advertiser_id) override;
  app::Page<domain::WebhookDelivery> Deliveries(const domain::Uuid& webhook_id,
                                                const app::PageRequest& page) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
