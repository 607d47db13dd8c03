#include "app/webhook_commands.hpp"

#include <nlohmann/json.hpp>

#include "app/errors.hpp"
#include "app/tenancy.hpp"
#include "app/webhook_secret.hpp"
#include "domain/url_origin.hpp"
#include "domain/webhook_rules.hpp"

namespace nedlia::app {
namespace {

domain::Webhook FindVisible(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                            RowLock lock) {
  return RequireVisibleBy(
      tx.Webhooks().Find(id, lock), caller,
      [](const domain::Webhook& webhook) { return webhook.advertiser_id; }, "webhook");
}

domain::FieldErrors Validate(const domain::Webhook& webhook, const WebhookPolicy& policy) {
  domain::FieldErrors errors = domain::ValidateWebhookUrl(webhook.url, policy.url);
  for (auto& error :
       domain::ValidateWebhookEventTypes(webhook.event_types, policy.subscribable_types))
    errors.push_back(std::move(error));
  return errors;
}

/// Refuses one more webhook for an advertiser at its cap. Holds other creations for the same
/// advertiser off until the transaction ends, so that concurrent ones cannot pass it together.
void CheckRoomForOneMore(Transaction& tx, const domain::Uuid& advertiser_id,
                         const WebhookPolicy& policy) {
  const int live = tx.Webhooks().LockAndCountLive(advertiser_id);
  if (live >= policy.max_per_advertiser) {
    throw Error(ErrorKind::kConflict,
                "the advertiser has " + std::to_string(live) +
                    " webhooks, the most allowed: delete one before adding another (a webhook "
                    "may subscribe to many event types)");
  }
}

/// Applies the patch; returns the changed fields as the event's "changes" object.
nlohmann::json Apply(const WebhookPatch& patch, domain::Webhook& webhook) {
  nlohmann::json changes = nlohmann::json::object();
  if (patch.url && *patch.url != webhook.url) {
    webhook.url = *patch.url;
    changes["url_origin"] = domain::UrlOrigin(webhook.url);  // a token may be in the rest
  }
  if (patch.event_types && *patch.event_types != webhook.event_types) {
    webhook.event_types = *patch.event_types;
    changes["event_types"] = webhook.event_types;
  }
  if (patch.status && *patch.status != webhook.status) {
    webhook.status = *patch.status;
    changes["status"] = std::string(domain::WebhookStatusName(webhook.status));
  }
  return changes;
}

}  // namespace

CreatedWebhook CreateWebhook(Transaction& tx, const CallContext& context,
                             const WebhookPolicy& policy, const NewWebhook& input) {
  domain::Webhook webhook{.id = domain::Uuid::NewV7(),
                          .url = input.url,
                          .event_types = input.event_types,
                          .audit = {.created_by = context.principal.id}};
  domain::FieldErrors errors = Validate(webhook, policy);
  const auto owner = OwnerForNew(context.principal, input.advertiser_id, errors);
  ThrowIfInvalid(std::move(errors));
  // Locks the advertiser against a concurrent delete until this webhook is committed.
  if (!owner || !tx.Advertisers().Find(*owner, RowLock::kKeyShare))
    ThrowIfInvalid({kNoSuchAdvertiser});
  CheckRoomForOneMore(tx, *owner, policy);
  webhook.advertiser_id = *owner;
  CreatedWebhook created{.webhook = {}, .secret = NewWebhookSecret()};
  created.webhook = tx.Webhooks().Insert(webhook, created.secret);
  tx.Outbox().Append({.type = "com.nedlia.webhook.created.v2",
                      .aggregate_type = "webhook",
                      .aggregate_id = webhook.id,
                      .advertiser_id = webhook.advertiser_id,
                      .data = {{"webhook_id", webhook.id.ToString()},
                               {"advertiser_id", webhook.advertiser_id.ToString()},
                               // The path and query may hold a token: never in an event.
                               {"url_origin", domain::UrlOrigin(webhook.url)},
                               {"event_types", webhook.event_types},
                               {"created_by", context.principal.id.ToString()}}});
  return created;
}

domain::Webhook GetWebhook(Transaction& tx, const Principal& caller, const domain::Uuid& id) {
  return FindVisible(tx, caller, id, RowLock::kNone);
}

std::optional<std::string> WebhookSigningSecret(Transaction& tx, const Principal& caller,
                                                const domain::Uuid& id) {
  const auto webhook = tx.Webhooks().Find(id, RowLock::kNone);
  if (!webhook || !caller.CanSee(webhook->advertiser_id))
    return std::nullopt;
  return tx.Webhooks().SigningSecret(id);
}

Page<domain::Webhook> ListWebhooks(Transaction& tx, const Principal& caller, WebhookFilter filter,
                                   const PageRequest& page) {
  if (!NarrowToTenant(caller, filter.advertiser_id))
    return {};
  return tx.Webhooks().List(filter, page);
}

domain::Webhook UpdateWebhook(Transaction& tx, const CallContext& context,
                              const WebhookPolicy& policy, const domain::Uuid& id,
                              std::int32_t expected_version, const WebhookPatch& patch) {
  domain::Webhook webhook = FindVisible(tx, context.principal, id, RowLock::kNoKeyUpdate);
  CheckVersion(expected_version, webhook.audit.version, "webhook");
  const nlohmann::json changes = Apply(patch, webhook);
  if (changes.empty())
    return webhook;
  ThrowIfInvalid(Validate(webhook, policy));
  webhook = tx.Webhooks().Update(webhook);
  tx.Outbox().Append({.type = "com.nedlia.webhook.updated.v2",
                      .aggregate_type = "webhook",
                      .aggregate_id = id,
                      .advertiser_id = webhook.advertiser_id,
                      .data = {{"webhook_id", id.ToString()},
                               {"changes", changes},
                               {"previous_version", expected_version},
                               {"new_version", webhook.audit.version}}});
  return webhook;
}

void DeleteWebhook(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                   std::int32_t expected_version) {
  const domain::Webhook webhook = FindVisible(tx, context.principal, id, RowLock::kNoKeyUpdate);
  CheckVersion(expected_version, webhook.audit.version, "webhook");
  tx.Webhooks().SoftDelete(id);
  tx.Outbox().Append({.type = "com.nedlia.webhook.deleted.v1",
                      .aggregate_type = "webhook",
                      .aggregate_id = id,
                      .advertiser_id = webhook.advertiser_id,
                      .data = {{"webhook_id", id.ToString()},
                               {"advertiser_id", webhook.advertiser_id.ToString()},
                               {"deleted_by", context.principal.id.ToString()}}});
}

Page<domain::WebhookDelivery> ListWebhookDeliveries(Transaction& tx, const Principal& caller,
                                                    const domain::Uuid& id,
                                                    const PageRequest& page) {
  FindVisible(tx, caller, id, RowLock::kNone);
  return tx.Webhooks().Deliveries(id, page);
}

}  // namespace nedlia::app
