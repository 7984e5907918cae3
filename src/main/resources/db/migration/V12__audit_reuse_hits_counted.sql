-- Reuse hits are counted, not rowed: one TOKEN_REUSE row per user, resource and period, whose
-- occurred_at is the period's start, with how many hits it counts and when the first and the last
-- were. Every other row counts one event, at occurred_at.
alter table audit_event add column occurrences integer default 1 not null;
alter table audit_event add column first_occurred_at timestamp with time zone;
alter table audit_event add column last_occurred_at timestamp with time zone;
