-- The employer's proactive offers name a person by an opaque handle (`person_ref`): random,
-- bound to the employer it was given to, resolving to the shared record it stands for. It
-- reveals nothing and cannot be forged or used by another employer.
CREATE TABLE offer_handles (
    handle        TEXT PRIMARY KEY,
    employer_uscc TEXT NOT NULL,
    dataset       TEXT NOT NULL,
    record_key    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (employer_uscc, dataset, record_key)
);
