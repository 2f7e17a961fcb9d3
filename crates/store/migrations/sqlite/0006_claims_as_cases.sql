-- Every application is a case (issue 10): a maternity-allowance claim opens a case of the
-- `maternity_allowance` bundle; its steps are that case's append-only events (the database
-- already refuses UPDATE and DELETE on case_events), so the claim row is a projection.

ALTER TABLE ma_claims ADD COLUMN case_id TEXT REFERENCES cases(id);
-- The payment deadline runs into a year without a published holiday notice: a forecast
-- (预计), recomputed with the case's payment item when the notice is loaded.
ALTER TABLE ma_claims ADD COLUMN payment_due_provisional BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX ma_claims_case ON ma_claims (case_id);

-- Who filed a case on the applicant's behalf (an employer for its employee's claim): the
-- filer sees the case as the applicant does.
ALTER TABLE cases ADD COLUMN filer TEXT;
CREATE INDEX cases_filer ON cases (filer);

-- The claim's steps now live in case_events (kind 'service:<step>').
DROP TABLE ma_claim_steps;

-- Notifications are an outbox: written in the transaction of the change that causes them;
-- in-site messages are delivered by being written, SMS rows are sent by the outbox worker.
ALTER TABLE notifications ADD COLUMN sent_at TEXT;
ALTER TABLE notifications ADD COLUMN send_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN last_error TEXT;
CREATE INDEX notifications_unsent ON notifications (channel, sent_at);

-- Every version of an employer's account on file, whoever changed it (page or API).
CREATE TABLE employer_account_history (
    employer_uscc TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    account_name  TEXT NOT NULL,
    bank          TEXT NOT NULL,
    number        TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    changed_by    TEXT NOT NULL,
    PRIMARY KEY (employer_uscc, seq)
);
