-- nedlia migration
-- revision: 846e28194705
-- down_revision: 7d2e4c1a9b30
-- message: bus-relay: one partition, publishing the whole log in its order
-- created: 2026-12-01T20:30:00Z

-- +up
-- The relay now reads the log as one partition: a single process publishes at several times
-- the rate of four partitions read in turn, and JetStream's stream follows the log's order.
-- Its partitions merge at the earliest of their positions: events between that position and a
-- partition's own are published again, and JetStream (within its deduplication window) or the
-- JetStream consumers (by processed_events) drop them. Nothing is skipped.
WITH merged AS (
    DELETE FROM event_subscriptions WHERE consumer = 'bus-relay' AND partitions <> 1
    RETURNING last_transaction_id, last_position, handled_count
)
INSERT INTO event_subscriptions
    (consumer, partition, partitions, last_transaction_id, last_position, handled_count)
SELECT 'bus-relay', 0, 1, earliest.last_transaction_id, earliest.last_position,
       (SELECT sum(handled_count) FROM merged)
FROM (SELECT last_transaction_id, last_position FROM merged
      ORDER BY last_transaction_id, last_position LIMIT 1) AS earliest;

-- +down
-- Back to four partitions, each starting where the single one stands.
WITH single AS (
    DELETE FROM event_subscriptions WHERE consumer = 'bus-relay' AND partitions = 1
    RETURNING last_transaction_id, last_position, handled_count
)
INSERT INTO event_subscriptions
    (consumer, partition, partitions, last_transaction_id, last_position, handled_count)
SELECT 'bus-relay', p, 4, single.last_transaction_id, single.last_position,
       CASE WHEN p = 0 THEN single.handled_count ELSE 0 END
FROM single CROSS JOIN generate_series(0, 3) AS p;
