-- An employer's standing consent to 免申即享 (issue 16): where the region's parameters do
-- not turn automatic claims on, an employer may still ask the platform to open, derive and
-- decide its employees' allowance claims itself. One row while the consent stands; giving
-- and withdrawing it are audited (`automatic_consent_given` / `_withdrawn`), so the audit
-- log holds its history.
CREATE TABLE automatic_claim_consents (
    employer_uscc TEXT PRIMARY KEY,
    given_at      TEXT NOT NULL,
    given_by      TEXT NOT NULL
);
