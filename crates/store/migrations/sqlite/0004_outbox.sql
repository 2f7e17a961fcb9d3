-- Outbox (EX-6): every message to a department is a row written in the same transaction as
-- the case change that causes it; a sender claims due rows with a conditional UPDATE.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    dept_id         TEXT NOT NULL REFERENCES departments(id),
    case_id         TEXT NOT NULL REFERENCES cases(id),
    item            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_case_item ON deliveries (case_id, item);

-- The platform's own Ed25519 key, generated on first start, signing outgoing deliveries.
CREATE TABLE platform_keys (
    id          TEXT PRIMARY KEY,
    private_pem TEXT NOT NULL,
    public_pem  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
