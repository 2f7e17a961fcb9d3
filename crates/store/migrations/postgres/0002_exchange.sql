-- Same schema as the SQLite migration: nothing here needs product-specific SQL.
-- Department exchange (issue 3): registered department systems, their signing keys, a
-- receipt per authenticated push, and the shared records with their full history.

CREATE TABLE departments (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    webhook_url TEXT,
    created_at  TEXT NOT NULL
);

-- Public keys (SPKI PEM). Rotation: the new key is added while the old one stays valid until
-- `valid_until` (the overlap); a compromised key is revoked at once. `key_id` is the first
-- 16 hex digits of the SHA-256 of the raw 32-byte key, so the same key is never added twice.
CREATE TABLE department_keys (
    dept_id        TEXT NOT NULL REFERENCES departments(id),
    key_id         TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    valid_from     TEXT NOT NULL,
    valid_until    TEXT,
    revoked_at     TEXT,
    PRIMARY KEY (dept_id, key_id)
);

-- One receipt per authenticated push (X-Road style): who sent what, when, signed how, with
-- what result. Written in the same transaction as the records it stored.
CREATE TABLE exchange_pushes (
    id          TEXT   PRIMARY KEY,
    dept_id     TEXT   NOT NULL REFERENCES departments(id),
    dataset     TEXT   NOT NULL,
    received_at TEXT   NOT NULL,
    key_id      TEXT,
    body_sha256 TEXT,
    signature   TEXT,
    received    BIGINT NOT NULL,
    accepted    BIGINT NOT NULL,
    duplicates  BIGINT NOT NULL,
    rejected    BIGINT NOT NULL
);
CREATE INDEX exchange_pushes_dept ON exchange_pushes(dept_id, received_at);

-- Every version of every record. A correction adds version n+1 and clears is_current on
-- version n; nothing is ever deleted. The typed columns are what the query layer looks up.
CREATE TABLE shared_records (
    dataset        TEXT   NOT NULL,
    record_key     TEXT   NOT NULL,
    version        BIGINT NOT NULL,
    content        TEXT   NOT NULL,
    content_sha256 TEXT   NOT NULL,
    subject_id     TEXT,
    other_id       TEXT,
    employer_uscc  TEXT,
    event_date     TEXT,
    pushed_by      TEXT   NOT NULL REFERENCES departments(id),
    pushed_at      TEXT   NOT NULL,
    push_id        TEXT   NOT NULL REFERENCES exchange_pushes(id),
    is_current     BIGINT NOT NULL,
    PRIMARY KEY (dataset, record_key, version)
);
-- At most one current version per key (queries say `is_current = 1` literally so the
-- planner can use it).
CREATE UNIQUE INDEX shared_records_current ON shared_records(dataset, record_key) WHERE is_current = 1;
CREATE INDEX shared_records_subject ON shared_records(dataset, subject_id);
CREATE INDEX shared_records_other ON shared_records(dataset, other_id);
CREATE INDEX shared_records_employer ON shared_records(dataset, employer_uscc);
