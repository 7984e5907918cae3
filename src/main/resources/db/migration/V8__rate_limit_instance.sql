-- The instances that share the buckets, each with the last time it synchronised them (on the
-- database's clock): an instance counts those heard from lately and splits a tenth of each
-- limit's capacity between them, so that the fleet's overshoot stays a tenth however many there
-- are. A stopped instance deletes its row; a crashed one's row stops counting after a while.
create table rate_limit_instance (
    id       uuid                     not null,
    seen_at  timestamp with time zone not null,
    constraint pk_rate_limit_instance primary key (id)
);
