-- no-transaction
-- Issue 11 (the hospital window). Runs in its own transaction below, with foreign keys off
-- for the rebuild of `payables` (SQLite cannot change a CHECK constraint in place, and a
-- foreign-key pragma is ignored inside a transaction).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- A designated hospital's grade (医院等级 1/2/3), on which the maternity medical-cost
-- standards may depend (docs/hospital-window.md). Only hospitals have one.
ALTER TABLE departments ADD COLUMN hospital_level INTEGER
    CHECK (hospital_level IS NULL OR (hospital_level IN (1, 2, 3) AND kind = 'hospital'));

-- Every piece of the window's work is a case: the filing's and the reimbursement's case,
-- opened in the row's transaction (NULL for rows made before).
ALTER TABLE hospital_spouse_filings ADD COLUMN case_id TEXT REFERENCES cases(id);
ALTER TABLE hospital_reimbursements ADD COLUMN case_id TEXT REFERENCES cases(id);

-- The fund pays the hospital for the costs its window settled (PS-07/PS-06): payee kind
-- `hospital` (its corporate account, checked by a unit account's rules), no longer
-- recorded as `employer`. The same columns in the same order, the new CHECK.
CREATE TABLE payables_new (
    id                   TEXT PRIMARY KEY,
    -- The service that owes (`maternity_allowance`), and what the debt is for.
    service              TEXT NOT NULL,
    subject_type         TEXT NOT NULL,
    subject_id           TEXT NOT NULL,
    -- The case whose steps record the payment; `case_item` is completed when it is paid.
    case_id              TEXT REFERENCES cases(id),
    case_item            TEXT,
    -- Frozen copy of the payee and the account at approval (corrected only after a failure).
    payee_kind           TEXT CHECK (payee_kind IN ('employer', 'insured_person', 'hospital')),
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
INSERT INTO payables_new SELECT * FROM payables;
UPDATE payables_new SET payee_kind = 'hospital' WHERE service = 'maternity_reimbursement';
DROP TABLE payables;
ALTER TABLE payables_new RENAME TO payables;
CREATE UNIQUE INDEX payables_once ON payables (service, subject_id);
CREATE INDEX payables_due ON payables (status, owed_on);
CREATE INDEX payables_late ON payables (status, due_on);
CREATE INDEX payables_settlement ON payables (settlement_id);
CREATE INDEX payables_payment ON payables (payment_id);

COMMIT;
PRAGMA foreign_keys = ON;
