-- One TOKEN_REUSE row per user, resource and period for the whole fleet: each instance adds its
-- counts to it (insert ... on conflict do update). The period's start is occurred_at, so the
-- index holds the column that a partitioned audit_event is partitioned by.
create unique index ux_audit_event_reuse on audit_event (subject, resource, occurred_at)
    where action = 'TOKEN_REUSE';
