-- A bucket that instances may grant from as they last saw it full (a limit shared exactly,
-- one event each: see PostgreSqlBucketStore): when it last stopped being full, and how many
-- of the instances' events are still kept for them. For a few seconds after it stopped being
-- full, what instances ask of the database leaves those events.
alter table rate_limit_bucket add column drained_at timestamp with time zone;
alter table rate_limit_bucket add column reserved int;
