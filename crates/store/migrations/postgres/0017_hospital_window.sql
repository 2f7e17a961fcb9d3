-- 生育保险报销一事联办 at the hospital window (seed 002, docs/hospital-window.md).

-- Spouse filings (备案登记, RB-2, 附件1): the hospital's window files the unemployed spouse
-- of an insured man after checking civil-affairs, HR and enrollment data. `reasons` and
-- `missing` are JSON arrays of codes; `form` the 附件1 fields (JSON).
CREATE TABLE hospital_spouse_filings (
    id                      TEXT PRIMARY KEY,
    request_key             TEXT NOT NULL UNIQUE,
    hospital_id             TEXT NOT NULL REFERENCES departments(id),
    region                  TEXT NOT NULL,
    husband_id              TEXT NOT NULL,
    wife_id                 TEXT NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('filed', 'refused', 'needs_supplement')),
    reasons                 TEXT NOT NULL,
    missing                 TEXT NOT NULL,
    marriage_certificate_no TEXT,
    form                    TEXT NOT NULL,
    filed_by                TEXT NOT NULL,
    created_at              TEXT NOT NULL
);
-- A wife is filed once per husband: filing her again returns the filing on record.
CREATE UNIQUE INDEX hospital_spouse_filings_once ON hospital_spouse_filings (wife_id, husband_id)
    WHERE status = 'filed';
CREATE INDEX hospital_spouse_filings_hospital ON hospital_spouse_filings (hospital_id, created_at);

-- Maternity medical costs settled at the window (RB-3): one row per delivery record, the
-- lines (JSON) computed by the region's parameters; the fund's share is a payable to the
-- hospital (`payables`, service `maternity_reimbursement`). The same delivery is
-- reimbursed once: the unique index is the rule (409 REIMBURSEMENT_EXISTS).
CREATE TABLE hospital_reimbursements (
    id                 TEXT PRIMARY KEY,
    request_key        TEXT NOT NULL UNIQUE,
    hospital_id        TEXT NOT NULL REFERENCES departments(id),
    region             TEXT NOT NULL,
    person_id          TEXT NOT NULL,
    delivery_record_id TEXT NOT NULL,
    event_type         TEXT NOT NULL,
    event_date         TEXT NOT NULL,
    coverage           TEXT NOT NULL CHECK (coverage IN ('insured', 'filed_spouse')),
    filing_id          TEXT REFERENCES hospital_spouse_filings(id),
    total_cost_fen     BIGINT NOT NULL,
    fund_pays_fen      BIGINT NOT NULL,
    person_pays_fen    BIGINT NOT NULL,
    lines              TEXT NOT NULL,
    explanation        TEXT NOT NULL,
    payable_id         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX hospital_reimbursements_once ON hospital_reimbursements (delivery_record_id);
CREATE INDEX hospital_reimbursements_hospital ON hospital_reimbursements (hospital_id, created_at);

-- The hospital's settlement account (对公账户), kept by its window; a reimbursement's
-- payable freezes the account in force when it is recorded.
CREATE TABLE hospital_accounts (
    hospital_id    TEXT PRIMARY KEY REFERENCES departments(id),
    account_name   TEXT NOT NULL,
    bank           TEXT NOT NULL,
    account_number TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- A maternity-allowance claim taken at a hospital's window (channel `hospital`, RB-4): which
-- hospital (its clerks see their own hospital's claims) and the 申报表's birth order (胎次).
-- Written in the claim's own transaction; the claim's duplicate rule is ma_claims_once,
-- the same for every channel (RB-6).
CREATE TABLE ma_claim_hospital (
    claim_id    TEXT PRIMARY KEY REFERENCES ma_claims(id),
    hospital_id TEXT NOT NULL REFERENCES departments(id),
    birth_order BIGINT NOT NULL CHECK (birth_order BETWEEN 1 AND 9),
    created_at  TEXT NOT NULL
);
CREATE INDEX ma_claim_hospital_hospital ON ma_claim_hospital (hospital_id);

-- 卫健局 审核计划生育情况 (seed 002 四): where the region's parameters say so
-- (`family_planning_review`), a claim taken at a hospital waits for the health
-- department's confirmation before the bureau may approve it.
CREATE TABLE ma_family_planning_reviews (
    claim_id   TEXT PRIMARY KEY REFERENCES ma_claims(id),
    status     TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'denied')),
    note       TEXT,
    decided_by TEXT,
    decided_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ma_family_planning_reviews_status ON ma_family_planning_reviews (status, created_at);
