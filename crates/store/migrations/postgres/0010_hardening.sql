-- Hardening (issue #15): the replay cache of department signatures, record ownership, and
-- the audit log's hash chain.

-- Signatures of department requests already accepted, kept for the timestamp window (and a
-- margin): a request whose exact signature is here is a replay (401 REPLAYED_REQUEST).
CREATE TABLE seen_signatures (
    dept_id   TEXT NOT NULL,
    signature TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (dept_id, signature)
);
CREATE INDEX seen_signatures_at ON seen_signatures(at);

-- Which department owns each shared record: the first to push its key, until an
-- administrator transfers it (`onething dept transfer-records`). Only the owner may correct it.
CREATE TABLE record_owners (
    dataset    TEXT NOT NULL,
    record_key TEXT NOT NULL,
    dept_id    TEXT NOT NULL REFERENCES departments(id),
    since      TEXT NOT NULL,
    PRIMARY KEY (dataset, record_key)
);
INSERT INTO record_owners (dataset, record_key, dept_id, since)
    SELECT dataset, record_key, pushed_by, pushed_at FROM shared_records WHERE version = 1;

-- The hash chain: each entry carries the hash of the entry before it and its own hash over
-- that and its fields (crates/store/src/audit_chain.rs). Entries written before this
-- migration have neither: the chain starts at the first entry that has one.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
