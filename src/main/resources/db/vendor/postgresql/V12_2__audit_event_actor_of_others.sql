-- An erasure renames the rows in which the erased user acted on someone else (a look-up, an
-- admin's action): few rows, found through this index; their own rows are found by subject.
create index ix_audit_event_actor_of_others on audit_event (actor) where actor <> subject;
