-- Supervision and evaluation (seed 004, seed 003 八; SV-1, SV-2): ratings per item (一事一评)
-- beside the case's own (一次一评), the rectification every bad rating opens, window visits
-- (跑动次数) and complaints (投诉).

-- The case's rating gains reasons from the dictionary (JSON array of codes).
ALTER TABLE case_ratings ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]';

-- 一事一评: each item of a case rated once, with the case's rating.
CREATE TABLE item_ratings (
    case_id  TEXT   NOT NULL REFERENCES cases(id),
    item     TEXT   NOT NULL,
    score    BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    reasons  TEXT   NOT NULL,
    comment  TEXT,
    rated_by TEXT   NOT NULL,
    rated_at TEXT   NOT NULL,
    PRIMARY KEY (case_id, item)
);

-- A bad rating's rectification (差评整改): one per rated subject; `item` is '' for the
-- case's own rating. Owned by the department kind and the office (region) that handled it.
CREATE TABLE rectifications (
    id                 TEXT   PRIMARY KEY,
    case_id            TEXT   NOT NULL REFERENCES cases(id),
    item               TEXT   NOT NULL,
    score              BIGINT NOT NULL CHECK (score BETWEEN 1 AND 2),
    reasons            TEXT   NOT NULL,
    comment            TEXT,
    owner_department   TEXT   NOT NULL,
    owner_region       TEXT,
    status             TEXT   NOT NULL CHECK (status IN ('open', 'rectified', 'revisited')),
    opened_at          TEXT   NOT NULL,
    due_on             TEXT   NOT NULL,
    due_on_provisional BIGINT NOT NULL DEFAULT 0,
    -- The supervision period the due date was computed under (data/params/supervision.toml).
    due_source         TEXT   NOT NULL,
    investigation      TEXT,
    investigated_by    TEXT,
    investigated_at    TEXT,
    rectification      TEXT,
    rectified_by       TEXT,
    rectified_at       TEXT,
    revisit_outcome    TEXT CHECK (revisit_outcome IN ('satisfied', 'unsatisfied', 'unreachable')),
    revisit_note       TEXT,
    revisited_by       TEXT,
    revisited_at       TEXT,
    version            BIGINT NOT NULL,
    UNIQUE (case_id, item),
    -- Closed only through the revisit, rectified only with the record (also in code).
    CHECK (status = 'open' OR (investigation IS NOT NULL AND rectification IS NOT NULL)),
    CHECK (status <> 'revisited' OR revisit_outcome IS NOT NULL)
);
CREATE INDEX rectifications_status ON rectifications (status, due_on);

-- Window visits (跑动次数): every time the applicant (or someone for them) came to a
-- window for the case.
CREATE TABLE case_visits (
    id              TEXT   PRIMARY KEY,
    case_id         TEXT   NOT NULL REFERENCES cases(id),
    kind            TEXT   NOT NULL CHECK (kind IN ('submission', 'supplement', 'pickup', 'consultation')),
    visited_at      TEXT   NOT NULL,
    region          TEXT,
    recorded_by     TEXT   NOT NULL,
    priority        BIGINT NOT NULL DEFAULT 0,
    note            TEXT,
    idempotency_key TEXT   NOT NULL UNIQUE
);
CREATE INDEX case_visits_case ON case_visits (case_id);

-- Complaints (投诉) about a case, an item or an office, each with its answer deadline.
CREATE TABLE complaints (
    id                 TEXT   PRIMARY KEY,
    filed_by           TEXT   NOT NULL,
    complainant        TEXT   NOT NULL,
    subject            TEXT   NOT NULL CHECK (subject IN ('case', 'item', 'office')),
    case_id            TEXT REFERENCES cases(id),
    item               TEXT,
    region             TEXT,
    body               TEXT   NOT NULL,
    filed_at           TEXT   NOT NULL,
    filed_on           TEXT   NOT NULL,
    due_on             TEXT   NOT NULL,
    due_on_provisional BIGINT NOT NULL DEFAULT 0,
    due_source         TEXT   NOT NULL,
    status             TEXT   NOT NULL CHECK (status IN ('open', 'answered')),
    answer             TEXT,
    answered_by        TEXT,
    answered_at        TEXT,
    answered_on        TEXT,
    escalated_at       TEXT,
    CHECK (status = 'open' OR answer IS NOT NULL)
);
CREATE INDEX complaints_status ON complaints (status, due_on);

-- 信用记录 (SV-5, seed 004 二(七)): people and institutions found to have obtained benefits
-- by deceit, with the decision, its basis and period. Removal is recorded, never deleted.
CREATE TABLE credit_records (
    id             TEXT PRIMARY KEY,
    subject_kind   TEXT NOT NULL CHECK (subject_kind IN ('person', 'institution')),
    subject_id     TEXT NOT NULL,
    subject_name   TEXT,
    decision       TEXT NOT NULL,
    basis          TEXT NOT NULL,
    valid_from     TEXT NOT NULL,
    valid_to       TEXT,
    region         TEXT,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    removed_by     TEXT,
    removed_at     TEXT,
    removal_reason TEXT,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (removed_at IS NULL OR removal_reason IS NOT NULL)
);
CREATE INDEX credit_records_subject ON credit_records (subject_id);
