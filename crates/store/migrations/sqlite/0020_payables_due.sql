-- Every allowance payable has a due date (PS-05's limit, fixed at approval). A payable copied
-- from a claim approved before due dates were recorded (0008) gets its approval date, so it
-- is flagged late at once rather than computed from a constant the bundle item no longer
-- sets (docs/settlement.md). Other services' payables without a due date are those whose
-- paying item has no limit in the catalogue.
UPDATE payables SET due_on = owed_on WHERE due_on IS NULL AND service = 'maternity_allowance';
