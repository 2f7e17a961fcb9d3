-- Maternity-allowance claims (MA-1..MA-7, RB-4..RB-6), their settlement and payment.

-- An employer's bank account on file (MA-2: the employer checks its account before submitting).
CREATE TABLE employer_accounts (
    employer_uscc TEXT PRIMARY KEY,
    account_name  TEXT NOT NULL,
    bank          TEXT NOT NULL,
    number        TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);

-- One claim for one claimant's event. `duplicate_key` (claimant id | event date) is unique
-- among claims that are not rejected: the same mother and delivery can be claimed once,
-- across employers, channels and re-submissions (RB-6), enforced here and not only in code.
CREATE TABLE ma_claims (
    id              TEXT PRIMARY KEY,
    employer_uscc   TEXT NOT NULL,
    person_id       TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('online', 'window', 'hospital')),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'rejected',
                                                     'settled', 'paid', 'payment_failed')),
    duplicate_key   TEXT NOT NULL,
    certificate_no  TEXT,
    event_date      TEXT,
    region          TEXT,
    wage_basis      TEXT CHECK (wage_basis IN ('avg_wage', 'avg_base')),
    facts           TEXT NOT NULL DEFAULT '[]',
    missing         TEXT NOT NULL DEFAULT '[]',
    decision        TEXT,
    -- The parameter period the amount was computed with, frozen at approval.
    params_used     TEXT,
    amount_fen      BIGINT,
    payee           TEXT CHECK (payee IN ('employer', 'insured_person')),
    needs_review    BIGINT NOT NULL DEFAULT 0,
    authorization_ref TEXT,
    account_name    TEXT,
    bank            TEXT,
    account_number  TEXT,
    reject_code     TEXT,
    reject_note     TEXT,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    submitted_at    TEXT,
    reviewed_at     TEXT,
    reviewed_by     TEXT,
    approved_on     TEXT,
    payment_due     TEXT,
    settlement_id   TEXT,
    payment_id      TEXT,
    -- Set when a failed payment's account is corrected: the claim goes into the next batch.
    account_corrected_at TEXT,
    paid_on         TEXT,
    updated_at      TEXT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ma_claims_once ON ma_claims (duplicate_key) WHERE status <> 'rejected';
CREATE INDEX ma_claims_employer ON ma_claims (employer_uscc, status);
CREATE INDEX ma_claims_person ON ma_claims (person_id);
CREATE INDEX ma_claims_status ON ma_claims (status, approved_on);

-- Each step of a claim with its date and actor (MA-6: the employee sees every step).
CREATE TABLE ma_claim_steps (
    claim_id TEXT NOT NULL REFERENCES ma_claims(id),
    seq      BIGINT NOT NULL,
    step     TEXT NOT NULL,
    at       TEXT NOT NULL,
    by_actor TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (claim_id, seq)
);

-- Photos uploaded when shared data can't be fetched (EX-5); a clerk reviews them.
CREATE TABLE ma_attachments (
    id           TEXT PRIMARY KEY,
    claim_id     TEXT NOT NULL REFERENCES ma_claims(id),
    kind         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX ma_attachments_claim ON ma_attachments (claim_id);

-- A refused duplicate attempt, kept for supervision (RB-6).
CREATE TABLE ma_duplicate_attempts (
    id             TEXT PRIMARY KEY,
    duplicate_key  TEXT NOT NULL,
    existing_claim TEXT NOT NULL,
    employer_uscc  TEXT NOT NULL,
    channel        TEXT NOT NULL,
    attempted_by   TEXT NOT NULL,
    attempted_at   TEXT NOT NULL
);

-- Messages to the people a step concerns: in-site messages and SMS (through an adapter).
CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    recipient   TEXT NOT NULL,   -- 'person:<id>' or 'employer:<uscc>'
    channel     TEXT NOT NULL CHECK (channel IN ('in_site', 'sms')),
    subject_type TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_recipient ON notifications (recipient, created_at);

-- A settlement run (MA-5): every approved, unsettled claim up to `until`, exactly once.
CREATE TABLE settlements (
    id         TEXT PRIMARY KEY,
    until      TEXT NOT NULL,
    claims     BIGINT NOT NULL,
    total_fen  BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One transfer per payee account in a settlement.
CREATE TABLE payments (
    id            TEXT PRIMARY KEY,
    settlement_id TEXT NOT NULL REFERENCES settlements(id),
    payee_name    TEXT NOT NULL,
    bank          TEXT NOT NULL,
    account       TEXT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    claims        BIGINT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
    reason        TEXT,
    result_at     TEXT
);
CREATE INDEX payments_settlement ON payments (settlement_id);

-- Which claims a payment carries; a claim is in at most one pending or paid payment.
CREATE TABLE payment_claims (
    payment_id TEXT NOT NULL REFERENCES payments(id),
    claim_id   TEXT NOT NULL REFERENCES ma_claims(id),
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (payment_id, claim_id)
);
CREATE INDEX payment_claims_claim ON payment_claims (claim_id);
