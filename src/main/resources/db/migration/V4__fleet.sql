-- What every instance of the fleet must see alike.

-- Token buckets (Bucket4j's layout): the per-user and per-address limits and the ACS budget.
-- expires_at (epoch milliseconds) is when a bucket would be full again and may be deleted.
create table rate_limit_bucket (
    id          varchar(600) not null,
    state       bytea,
    expires_at  bigint,
    constraint pk_rate_limit_bucket primary key (id)
);

create index ix_rate_limit_bucket_expires_at on rate_limit_bucket (expires_at);

-- Counts the revocations of the identity's tokens. A cached token is reused only while the
-- generation it was issued under is still current: exact across instances, whatever their clocks.
alter table acs_identity add column revocation_generation bigint default 0 not null;

-- ShedLock's lock rows: a background job runs on one instance at a time. Times are the
-- database's own, never an instance's clock.
create table shedlock (
    name        varchar(64)  not null,
    lock_until  timestamp    not null,
    locked_at   timestamp    not null,
    locked_by   varchar(255) not null,
    constraint pk_shedlock primary key (name)
);
