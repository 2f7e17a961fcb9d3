-- Payables (issue 10, item 4): what a service owes someone. Approval freezes the payee's
-- account, the amount and the payment deadline into a payable; settlement runs, payment
-- files and bank results move payables, whatever service owes the money. A claim's
-- settlement columns stay as a projection of its payable.

CREATE TABLE payables (
    id                   TEXT PRIMARY KEY,
    -- The service that owes (`maternity_allowance`), and what the debt is for.
    service              TEXT NOT NULL,
    subject_type         TEXT NOT NULL,
    subject_id           TEXT NOT NULL,
    -- The case whose steps record the payment; `case_item` is completed when it is paid.
    case_id              TEXT REFERENCES cases(id),
    case_item            TEXT,
    -- Frozen copy of the payee and the account at approval (corrected only after a failure).
    payee_kind           TEXT CHECK (payee_kind IN ('employer', 'insured_person')),
    payee_name           TEXT,
    bank                 TEXT,
    account_number       TEXT,
    amount_fen           BIGINT NOT NULL,
    -- The China date the debt arose (approval): a run `until` a date takes what is owed by then.
    owed_on              TEXT NOT NULL,
    due_on               TEXT,
    due_on_provisional   BIGINT NOT NULL DEFAULT 0,
    region               TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('due', 'settled', 'paid', 'failed')),
    settlement_id        TEXT,
    payment_id           TEXT,
    account_corrected_at TEXT,
    paid_on              TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX payables_once ON payables (service, subject_id);
CREATE INDEX payables_due ON payables (status, owed_on);
CREATE INDEX payables_late ON payables (status, due_on);
CREATE INDEX payables_settlement ON payables (settlement_id);
CREATE INDEX payables_payment ON payables (payment_id);

-- Every account a payable was to be paid into: the frozen copy, then each correction.
CREATE TABLE payable_accounts (
    payable_id     TEXT NOT NULL REFERENCES payables(id),
    seq            BIGINT NOT NULL,
    payee_name     TEXT,
    bank           TEXT,
    account_number TEXT,
    reason         TEXT NOT NULL CHECK (reason IN ('approval', 'correction')),
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    PRIMARY KEY (payable_id, seq)
);

-- Which payables a payment carries (replaces payment_claims); `payments.claims` stays the
-- count of payables a payment carries. A failed payable re-batched is in two payments.
CREATE TABLE payment_lines (
    payment_id TEXT NOT NULL REFERENCES payments(id),
    payable_id TEXT NOT NULL REFERENCES payables(id),
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (payment_id, payable_id)
);
CREATE INDEX payment_lines_payable ON payment_lines (payable_id);

-- An upgraded database keeps working: every approved, settled, paid or failed claim gets
-- its payable, with the account it would have been paid into (the claim's, else the
-- employer's on file when the employer is paid).
INSERT INTO payables (id, service, subject_type, subject_id, case_id, case_item, payee_kind,
    payee_name, bank, account_number, amount_fen, owed_on, due_on, due_on_provisional, region,
    status, settlement_id, payment_id, account_corrected_at, paid_on, created_at, updated_at)
SELECT 'ma_claim-' || c.id, 'maternity_allowance', 'ma_claim', c.id, c.case_id, 'PS-05', c.payee,
    COALESCE(c.account_name, e.account_name), COALESCE(c.bank, e.bank),
    COALESCE(c.account_number, e.number), COALESCE(c.amount_fen, 0),
    COALESCE(c.approved_on, substr(c.created_at, 1, 10)), c.payment_due,
    c.payment_due_provisional, COALESCE(c.region, substr(c.employer_uscc, 3, 6)),
    CASE c.status WHEN 'approved' THEN 'due' WHEN 'payment_failed' THEN 'failed' ELSE c.status END,
    c.settlement_id, c.payment_id, c.account_corrected_at, c.paid_on,
    COALESCE(c.reviewed_at, c.updated_at), c.updated_at
FROM ma_claims c
LEFT JOIN employer_accounts e ON e.employer_uscc = c.employer_uscc AND c.payee = 'employer'
WHERE c.status IN ('approved', 'settled', 'paid', 'payment_failed');

INSERT INTO payable_accounts (payable_id, seq, payee_name, bank, account_number, reason,
    changed_at, changed_by)
SELECT id, 1, payee_name, bank, account_number, 'approval', created_at, 'migration'
FROM payables;

INSERT INTO payment_lines (payment_id, payable_id, amount_fen)
SELECT pc.payment_id, 'ma_claim-' || pc.claim_id, pc.amount_fen FROM payment_claims pc;

DROP TABLE payment_claims;
