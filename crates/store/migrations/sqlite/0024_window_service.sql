-- A home visit (预约上门服务) is a case visit of its own kind, counted as no run for the
-- applicant. SQLite cannot change a CHECK in place: the table is rebuilt, rows kept.
CREATE TABLE case_visits_v2 (
    id              TEXT   PRIMARY KEY,
    case_id         TEXT   NOT NULL REFERENCES cases(id),
    kind            TEXT   NOT NULL CHECK (kind IN ('submission', 'supplement', 'pickup', 'consultation', 'home_visit')),
    visited_at      TEXT   NOT NULL,
    region          TEXT,
    recorded_by     TEXT   NOT NULL,
    priority        BIGINT NOT NULL DEFAULT 0,
    note            TEXT,
    idempotency_key TEXT   NOT NULL UNIQUE
);
INSERT INTO case_visits_v2 (id, case_id, kind, visited_at, region, recorded_by, priority, note,
    idempotency_key)
SELECT id, case_id, kind, visited_at, region, recorded_by, priority, note, idempotency_key
FROM case_visits;
DROP TABLE case_visits;
ALTER TABLE case_visits_v2 RENAME TO case_visits;
CREATE INDEX case_visits_case ON case_visits (case_id);

-- Priority service and reach at the window (SV-4).
--
-- The window's 取号/叫号 queue (SV-4: 老年人、残疾人优先办理). One row per ticket taken at
-- an office (the clerk's region) on a day; the number is per office, day and class
-- (Y… priority, A… ordinary) and unique, so two clerks issuing at once never share one.
-- Serving a ticket for a case records its window visit (case_visits) in the same
-- transaction, with the ticket's priority.
-- A called visitor who is not there is 过号 (`missed`; who called and when in
-- served_by/served_at); when he comes back he is served from the day's missed list.
CREATE TABLE window_tickets (
    id              TEXT   PRIMARY KEY,
    region          TEXT   NOT NULL,
    day             TEXT   NOT NULL,
    number          TEXT   NOT NULL,
    seq             BIGINT NOT NULL,
    citizen_id      TEXT   NOT NULL,
    name            TEXT   NOT NULL,
    case_id         TEXT   REFERENCES cases(id),
    disabled        BIGINT NOT NULL DEFAULT 0,
    priority_reason TEXT   CHECK (priority_reason IN ('elderly', 'disabled')),
    issued_at       TEXT   NOT NULL,
    issued_by       TEXT   NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('waiting', 'served', 'missed')),
    served_at       TEXT,
    served_by       TEXT,
    visit_id        TEXT   REFERENCES case_visits(id),
    UNIQUE (region, day, number),
    CHECK (status = 'waiting' OR (served_at IS NOT NULL AND served_by IS NOT NULL))
);
CREATE INDEX window_tickets_waiting ON window_tickets (region, status, day);

-- Home-visit appointments (预约上门服务, SV-4). An office (the publisher's region) offers
-- slots on working days; `booked` counts the live bookings and the CHECK keeps it within
-- the capacity, so an overbooking is refused by the database itself. One live booking per
-- case (the partial unique index). A visit done is a case visit of kind `home_visit`.
CREATE TABLE home_visit_slots (
    id           TEXT   PRIMARY KEY,
    region       TEXT   NOT NULL,
    day          TEXT   NOT NULL,
    starts       TEXT   NOT NULL,
    ends         TEXT   NOT NULL,
    capacity     BIGINT NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    booked       BIGINT NOT NULL DEFAULT 0,
    published_by TEXT   NOT NULL,
    published_at TEXT   NOT NULL,
    CHECK (booked >= 0 AND booked <= capacity),
    CHECK (starts < ends),
    UNIQUE (region, day, starts)
);
CREATE INDEX home_visit_slots_day ON home_visit_slots (region, day);

CREATE TABLE home_visit_bookings (
    id           TEXT   PRIMARY KEY,
    slot_id      TEXT   NOT NULL REFERENCES home_visit_slots(id),
    case_id      TEXT   NOT NULL REFERENCES cases(id),
    applicant    TEXT   NOT NULL,
    address      TEXT   NOT NULL,
    phone        TEXT,
    booked_by    TEXT   NOT NULL,
    booked_at    TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('booked', 'cancelled', 'visited')),
    cancelled_by TEXT,
    cancelled_at TEXT,
    visit_id     TEXT   REFERENCES case_visits(id),
    CHECK (status <> 'visited' OR visit_id IS NOT NULL),
    CHECK (status <> 'cancelled' OR cancelled_at IS NOT NULL)
);
CREATE UNIQUE INDEX home_visit_one_live_booking ON home_visit_bookings (case_id) WHERE status = 'booked';
CREATE INDEX home_visit_bookings_slot ON home_visit_bookings (slot_id);
