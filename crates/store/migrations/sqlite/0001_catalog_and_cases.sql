-- Catalogue versions: each is an immutable snapshot; cases keep the version they were opened under.
CREATE TABLE catalog_versions (
    version        BIGINT PRIMARY KEY,
    content        TEXT   NOT NULL,
    content_sha256 TEXT   NOT NULL,
    created_at     TEXT   NOT NULL,
    created_by     TEXT   NOT NULL,
    note           TEXT   NOT NULL
);

-- Cases (办件): the current-state projection. The truth is case_events.
CREATE TABLE cases (
    id              TEXT   PRIMARY KEY,
    bundle          TEXT   NOT NULL,
    catalog_version BIGINT NOT NULL REFERENCES catalog_versions(version),
    applicant       TEXT   NOT NULL,
    region          TEXT,
    status          TEXT   NOT NULL,
    version         BIGINT NOT NULL,
    opened_at       TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    due_on          TEXT
);
CREATE INDEX cases_applicant ON cases(applicant);

-- Append-only history: the database itself refuses UPDATE and DELETE (triggers below).
CREATE TABLE case_events (
    case_id         TEXT   NOT NULL REFERENCES cases(id),
    seq             BIGINT NOT NULL,
    at              TEXT   NOT NULL,
    actor           TEXT   NOT NULL,
    role            TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    item            TEXT,
    idempotency_key TEXT   NOT NULL UNIQUE,
    body            TEXT   NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

-- Per-item projection, for the department's work list and the due-date watch.
CREATE TABLE case_items (
    case_id     TEXT NOT NULL REFERENCES cases(id),
    item        TEXT NOT NULL,
    department  TEXT NOT NULL,
    state       TEXT NOT NULL,
    due_on      TEXT,
    accepted_on TEXT,
    finished_on TEXT,
    PRIMARY KEY (case_id, item)
);
CREATE INDEX case_items_open_due ON case_items(state, due_on);
CREATE INDEX case_items_department ON case_items(department, state);
