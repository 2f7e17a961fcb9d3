-- 新生儿出生一件事 (seed 003): the one form's applications, the notices the window issued
-- (each with a number and a verification code anyone can check), the materials uploaded
-- after a one-time notice, and the family's rating of a finished case. The case itself,
-- its items and the items' results (service steps `item_result`) are the case engine's.

CREATE TABLE newborn_applications (
    id                   TEXT PRIMARY KEY,
    -- The client's idempotency key: the same request again returns the same application.
    request_key          TEXT NOT NULL UNIQUE,
    mother_id            TEXT NOT NULL,
    father_id            TEXT NOT NULL,
    birth_certificate_no TEXT,
    born_on              TEXT,
    -- The city the bundle serves ([newborn] city); clerks and supervisors see their region's.
    region               TEXT NOT NULL,
    channel              TEXT NOT NULL CHECK (channel IN ('online', 'window')),
    filed_by             TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('accepted', 'needs_supplement', 'refused')),
    form                 TEXT NOT NULL,
    reasons              TEXT NOT NULL,
    missing              TEXT NOT NULL,
    prefilled            TEXT NOT NULL,
    case_id              TEXT REFERENCES cases(id),
    version              BIGINT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX newborn_applications_mother ON newborn_applications (mother_id, created_at);
CREATE INDEX newborn_applications_region ON newborn_applications (region, status);

CREATE TABLE newborn_notices (
    number            TEXT PRIMARY KEY,
    application_id    TEXT NOT NULL REFERENCES newborn_applications(id),
    -- 1, 2, … per application: the latest is the application's current notice.
    seq               BIGINT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('acceptance', 'supplement', 'refusal')),
    verification_code TEXT NOT NULL,
    issued_on         TEXT NOT NULL,
    issued_at         TEXT NOT NULL,
    applicant_masked  TEXT NOT NULL,
    -- What the notice says (reasons, missing materials, the promise), so its PDF is the same
    -- whenever it is printed.
    content           TEXT NOT NULL
);
CREATE UNIQUE INDEX newborn_notices_application ON newborn_notices (application_id, seq);

CREATE TABLE newborn_materials (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES newborn_applications(id),
    material       TEXT NOT NULL,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           BIGINT NOT NULL,
    bytes          BLOB NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TEXT NOT NULL,
    -- Set when a clerk accepts the application after checking it.
    checked_by     TEXT,
    checked_at     TEXT
);
CREATE INDEX newborn_materials_application ON newborn_materials (application_id, material);

-- 好差评 (NB-12, SV-1): one rating per case, by its applicant, once every item has ended.
CREATE TABLE case_ratings (
    case_id  TEXT PRIMARY KEY REFERENCES cases(id),
    score    BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment  TEXT,
    rated_by TEXT NOT NULL,
    rated_at TEXT NOT NULL
);

-- A delivery either asks a department to handle an item (`item`) or hands it another
-- item's result (`result`, 附件2 五(三)); only `item` deliveries take results back.
ALTER TABLE deliveries ADD COLUMN purpose TEXT NOT NULL DEFAULT 'item';

-- The certificate counterfoils' quarterly handover (NB-11): per issuing hospital and
-- quarter, the hospital records handing them over and the police station receiving them.
CREATE TABLE counterfoil_handovers (
    institution_code TEXT   NOT NULL,
    quarter          TEXT   NOT NULL,
    due_on           TEXT   NOT NULL,
    certificates     BIGINT NOT NULL,
    handed_by        TEXT,
    handed_on        TEXT,
    received_by      TEXT,
    received_on      TEXT,
    PRIMARY KEY (institution_code, quarter)
);
