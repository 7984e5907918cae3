-- The shared buckets in a layout of this service's own, which instances update in batches and
-- which PostgreSQL refills on its own clock: the tokens left at updated_at, the capacity and the
-- period of the limit as the instance that last wrote the row is configured (so that a changed
-- limit applies at once), and when the bucket will be full again (full_at), after which the row
-- may go. The rows of Bucket4j's layout are dropped: every bucket starts full once.
drop table rate_limit_bucket;

create table rate_limit_bucket (
    id          varchar(600)             not null,
    tokens      double precision         not null,
    capacity    double precision         not null,
    period_ms   bigint                   not null,
    updated_at  timestamp with time zone not null,
    full_at     timestamp with time zone not null,
    constraint pk_rate_limit_bucket primary key (id)
);

create index ix_rate_limit_bucket_full_at on rate_limit_bucket (full_at);
