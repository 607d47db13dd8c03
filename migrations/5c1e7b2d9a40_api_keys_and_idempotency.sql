-- nedlia migration
-- revision: 5c1e7b2d9a40
-- down_revision: 0a897d19dd28
-- message: API keys and idempotency keys
-- created: 2026-11-25T12:30:00Z

-- +up
-- Bearer API keys, stored only as the SHA-256 of their secret. An admin key sees everything;
-- an advertiser key is bound to one advertiser and sees only that advertiser's data.
CREATE TABLE api_keys (
    id UUID PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    role VARCHAR(20) NOT NULL,
    advertiser_id UUID REFERENCES advertisers(id),
    secret_hash CHAR(64) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMPTZ,

    CONSTRAINT chk_role CHECK (role IN ('admin', 'advertiser')),
    CONSTRAINT chk_role_advertiser CHECK ((role = 'advertiser') = (advertiser_id IS NOT NULL)),
    CONSTRAINT chk_secret_hash CHECK (secret_hash ~ '^[0-9a-f]{64}$')
);

CREATE UNIQUE INDEX idx_api_keys_secret_hash ON api_keys(secret_hash);
CREATE INDEX idx_api_keys_advertiser ON api_keys(advertiser_id) WHERE advertiser_id IS NOT NULL;

COMMENT ON TABLE api_keys IS
    'Bearer API keys; secret_hash is the hex SHA-256 of the secret, which is never stored.';

-- The first answer to each POST that carried an Idempotency-Key, per principal, written in the
-- same transaction as the change it guards. Keys count for 24 hours.
CREATE TABLE idempotency_keys (
    principal_id UUID NOT NULL,
    key VARCHAR(255) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    location TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),

    PRIMARY KEY (principal_id, key)
);

CREATE INDEX idx_idempotency_keys_created ON idempotency_keys(created_at);

-- +down
DROP TABLE idempotency_keys;
DROP TABLE api_keys;
