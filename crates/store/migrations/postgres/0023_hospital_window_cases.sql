-- Issue 11 (the hospital window).

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
-- recorded as `employer`.
ALTER TABLE payables DROP CONSTRAINT payables_payee_kind_check;
ALTER TABLE payables ADD CONSTRAINT payables_payee_kind_check
    CHECK (payee_kind IN ('employer', 'insured_person', 'hospital'));
UPDATE payables SET payee_kind = 'hospital' WHERE service = 'maternity_reimbursement';
