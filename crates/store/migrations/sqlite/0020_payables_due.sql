-- Every payable has a due date. Those created by approval always had one; a payable copied
-- from a claim approved before due dates were recorded (0008) gets its approval date, so it
-- is flagged late at once rather than computed from a constant the bundle item no longer
-- sets (the payment item's limit decides due dates now; docs/settlement.md).
UPDATE payables SET due_on = owed_on WHERE due_on IS NULL;
