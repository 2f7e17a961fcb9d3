-- Accounts, sessions, sign-in attempts and the general audit log (issue 5).

-- One row per account. The scope columns that apply depend on the role (Scope::for_role);
-- the others are NULL. Passwords are Argon2id PHC strings, never the password.
CREATE TABLE users (
    id            TEXT   PRIMARY KEY,
    username      TEXT   NOT NULL UNIQUE,
    role          TEXT   NOT NULL,
    employer_uscc TEXT,
    person_id     TEXT,
    dept_id       TEXT,
    dept_kind     TEXT,
    region        TEXT,
    password_hash TEXT   NOT NULL,
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT   NOT NULL
);

-- Sessions: only the SHA-256 of the token is stored, so a copy of the database cannot be
-- replayed as sign-ins. A session ends at expires_at, after idle_timeout_secs without use
-- (counted from last_seen_at), or when revoked (sign-out).
CREATE TABLE sessions (
    token_sha256      TEXT   PRIMARY KEY,
    user_id           TEXT   NOT NULL REFERENCES users(id),
    csrf_token        TEXT   NOT NULL,
    created_at        TEXT   NOT NULL,
    last_seen_at      TEXT   NOT NULL,
    expires_at        TEXT   NOT NULL,
    idle_timeout_secs BIGINT NOT NULL,
    revoked_at        TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Sign-in attempts, counted per account and per client address for throttling.
CREATE TABLE sign_in_attempts (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username  TEXT   NOT NULL,
    client    TEXT   NOT NULL,
    at        TEXT   NOT NULL,
    succeeded BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_username ON sign_in_attempts(username, at);
CREATE INDEX sign_in_attempts_client ON sign_in_attempts(client, at);
CREATE INDEX sign_in_attempts_at ON sign_in_attempts(at);

-- The general audit log: sign-ins, reveals of personal data, account changes, and later
-- decisions and data reads. Append-only: the database refuses UPDATE, DELETE and TRUNCATE.
CREATE TABLE audit_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    role         TEXT,
    action       TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    case_id      TEXT,
    detail       TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_type, subject_id);
CREATE INDEX audit_log_case ON audit_log(case_id);
CREATE INDEX audit_log_actor ON audit_log(actor);

CREATE FUNCTION refuse_audit_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_log_change();

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_log_change();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_log_change();
