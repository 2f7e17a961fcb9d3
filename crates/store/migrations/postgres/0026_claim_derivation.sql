-- A claim's last derivation from shared data (JSON, `claims::Derivation`): the hash of the
-- versions of the current records it looked at, the wage basis it used and the rules input
-- it gave. Submission reuses the input while one query on the versions finds them unchanged
-- (docs/maternity-allowance.md, "Submission without a second derivation").
ALTER TABLE ma_claims ADD COLUMN derivation TEXT;
