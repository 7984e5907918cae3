-- Erasure forgets the mapping and remembers the ACS identity to delete in one transaction,
-- then deletes it at ACS. A row here is an identity that ACS still has and the service no
-- longer hands out; it is retried until ACS confirms.
create table pending_acs_deletion (
    communication_user_id  varchar(512)             not null,
    app_user_id            varchar(255)             not null,
    requested_at           timestamp with time zone not null,
    attempts               integer                  not null,
    next_attempt_at        timestamp with time zone not null,
    constraint pk_pending_acs_deletion primary key (communication_user_id)
);

create index ix_pending_acs_deletion_app_user on pending_acs_deletion (app_user_id);
create index ix_pending_acs_deletion_next_attempt on pending_acs_deletion (next_attempt_at);
