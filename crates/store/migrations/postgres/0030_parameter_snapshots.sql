-- The parameters a decision used, stored once per distinct content (issue 16). Every claim
-- of a parameter period carried the same ~1.7 KB copy in `ma_claims.params_used`, which
-- pushed a claim row past one 4 KB page (SQLite spilled it to an overflow page: two pages
-- read by every look-up, ~8 KB written per claim). A snapshot is keyed by the SHA-256 (hex)
-- of its exact text, so the same parameters are one row however many claims use them, and
-- a snapshot can never change under the claims that name it.
CREATE TABLE parameter_snapshots (
    digest    TEXT PRIMARY KEY,
    body      TEXT NOT NULL,
    stored_at TEXT NOT NULL
);

-- A claim decided from now on names its snapshot here and leaves `params_used` NULL.
-- Claims decided before keep their inline copy: reads take `params_used` when it is set,
-- else the snapshot's body, so nothing is moved and nothing is lost.
ALTER TABLE ma_claims ADD COLUMN params_digest TEXT REFERENCES parameter_snapshots (digest);
