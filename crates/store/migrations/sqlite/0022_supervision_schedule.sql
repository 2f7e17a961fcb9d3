-- The periodic reports (周通报、月考评、季分析、年考核, seed 004 三(三)): one per kind, closed
-- period and region, made once by the schedule or `onething report`. The content is the
-- frozen figures (JSON) the PDF and the .xlsx are drawn from; its SHA-256 is kept beside it.
CREATE TABLE period_reports (
    id             TEXT NOT NULL PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('week', 'month', 'quarter', 'year')),
    period_from    TEXT NOT NULL,
    period_to      TEXT NOT NULL,
    region         TEXT NOT NULL,
    generated_at   TEXT NOT NULL,
    generated_by   TEXT NOT NULL,
    content        TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (kind, period_from, region)
);
CREATE INDEX period_reports_region ON period_reports (region, period_from);

-- Near-due notices and daily digests (SV-3) sent once: a near-due item's notice per case,
-- item and due date (`key` = 'case/item/due_on'), a department's digest per day
-- (`key` = 'department/day'). The row is written with the message, in one transaction.
CREATE TABLE due_notices (
    kind    TEXT NOT NULL CHECK (kind IN ('near_due', 'digest')),
    key     TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
