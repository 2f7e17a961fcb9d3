-- A claim's findings — the facts derived from shared data, what is missing, the rules'
-- decision with its explanation, and the derivation they came from — in a table of their
-- own (issue 16). They are ~4 KB of JSON a claim; in the claim row they pushed every
-- column after them onto overflow pages, so a look-up's summary, a settlement moving a
-- claim's status and every listing read (and an UPDATE rewrote) three pages per claim
-- instead of a share of one. Now the claim row is ~0.5 KB and the findings are read only
-- where they are asked for. A claim without a findings row has none (the old columns'
-- defaults: no facts, nothing missing, no decision).
CREATE TABLE ma_claim_findings (
    claim_id   TEXT PRIMARY KEY REFERENCES ma_claims (id),
    facts      TEXT NOT NULL DEFAULT '[]',
    missing    TEXT NOT NULL DEFAULT '[]',
    decision   TEXT,
    derivation TEXT
);

INSERT INTO ma_claim_findings (claim_id, facts, missing, decision, derivation)
SELECT id, facts, missing, decision, derivation FROM ma_claims;

ALTER TABLE ma_claims DROP COLUMN facts;
ALTER TABLE ma_claims DROP COLUMN missing;
ALTER TABLE ma_claims DROP COLUMN decision;
ALTER TABLE ma_claims DROP COLUMN derivation;
