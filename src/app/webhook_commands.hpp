#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "domain/webhook.hpp"
#include "domain/webhook_rules.hpp"

namespace nedlia::app {

/// What the deployment allows webhooks to be: set once by the composition root.
struct WebhookPolicy {
  /// Which URLs are accepted: plain http to a loopback host (development only), and which
  /// non-public networks an IP-address host or an internal name may belong to.
  domain::WebhookUrlRules url;
  /// The versioned event types a webhook may subscribe to (the catalog's notifier events).
  std::vector<std::string> subscribable_types;
  /// Live webhooks (disabled ones included) one advertiser may have: each costs the notifier
  /// a delivery per event, so one tenant must not multiply its share without bound.
  int max_per_advertiser = 25;
};

/// The fields a client sets when it creates a webhook.
struct NewWebhook {
  /// Required from an admin key; an advertiser key may leave it out for its own advertiser.
  std::optional<domain::Uuid> advertiser_id;
  std::string url;
  std::vector<std::string> event_types;
};

/// A partial update; an empty member leaves the field alone.
struct WebhookPatch {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> event_types;
  /// kActive enables a disabled webhook again (its failure count starts over); kDisabled stops
  /// deliveries (pending ones are kept and resume when it is enabled).
  std::optional<domain::WebhookStatus> status;
};

/// A webhook just created, with the secret the client sees this once.
struct CreatedWebhook {
  domain::Webhook webhook;
  std::string secret;
};

/// Creates a webhook of a live advertiser the caller may see; emits
/// com.nedlia.webhook.created.v1 (without the secret).
CreatedWebhook CreateWebhook(Transaction& tx, const CallContext& context,
                             const WebhookPolicy& policy, const NewWebhook& input);
/// A live webhook the caller may see.
domain::Webhook GetWebhook(Transaction& tx, const Principal& caller, const domain::Uuid& id);
/// The signing secret of a webhook the caller may see, for replaying the answer to the request
/// that created it: stored answers never keep a secret. nullopt once the webhook is deleted.
std::optional<std::string> WebhookSigningSecret(Transaction& tx, const Principal& caller,
                                                const domain::Uuid& id);
/// Live webhooks the caller may see.
Page<domain::Webhook> ListWebhooks(Transaction& tx, const Principal& caller, WebhookFilter filter,
                                   const PageRequest& page);
/// Applies `patch` when `expected_version` is current; emits com.nedlia.webhook.updated.v1
/// when something changed.
domain::Webhook UpdateWebhook(Transaction& tx, const CallContext& context,
                              const WebhookPolicy& policy, const domain::Uuid& id,
                              std::int32_t expected_version, const WebhookPatch& patch);
/// Soft-deletes when `expected_version` is current; its pending deliveries are abandoned;
/// emits com.nedlia.webhook.deleted.v1.
void DeleteWebhook(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                   std::int32_t expected_version);
/// The delivery log of a webhook the caller may see, newest first.
Page<domain::WebhookDelivery> ListWebhookDeliveries(Transaction& tx, const Principal& caller,
                                                    const domain::Uuid& id,
                                                    const PageRequest& page);

}  // namespace nedlia::app
