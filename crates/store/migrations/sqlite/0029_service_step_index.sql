-- A claim's latest step is its case's last service event (kind 'service:<step>'). Found
-- through the case's every event, a look-up read the events back from the last one until
-- it met a service step: eight rows for an approved claim whose items were then worked.
-- This partial index holds only the service events (about four of a claim's seventeen),
-- so the latest is one index entry away (issue 16, docs/benchmarks.md "API").
CREATE INDEX case_events_service ON case_events (case_id, seq) WHERE kind LIKE 'service:%';
