-- One ACS identity per app user. Both keys are unique: the database, not the code, decides
-- which of two instances racing on a user's first request wins.
create table acs_identity (
    app_user_id            varchar(255)             not null,
    communication_user_id  varchar(512)             not null,
    created_at             timestamp with time zone not null,
    tokens_revoked_at      timestamp with time zone,
    constraint pk_acs_identity primary key (app_user_id),
    constraint uq_acs_identity_communication_user_id unique (communication_user_id)
);
