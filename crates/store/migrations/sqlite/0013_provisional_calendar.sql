-- Issue 13: work goes on across the year end. A due date computed over a year without a
-- published holiday notice is marked provisional (预计) and recomputed when the notice is
-- loaded (the change is a DueDateRecomputed event on the case).
ALTER TABLE case_items ADD COLUMN due_on_provisional INTEGER NOT NULL DEFAULT 0;
CREATE INDEX case_items_provisional ON case_items (due_on_provisional);

-- Holiday notices loaded at run time (admin page, `onething calendar load`), merged over
-- the shipped ones at every start. The text is kept as loaded: the same JSON shape as
-- data/calendar/cn-holidays.json.
CREATE TABLE calendar_notices (
    year       INTEGER PRIMARY KEY,
    notice     TEXT NOT NULL,
    loaded_at  TEXT NOT NULL,
    loaded_by  TEXT NOT NULL
);
