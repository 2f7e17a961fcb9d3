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
