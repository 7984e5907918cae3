-- The fleet's key of erased users' pseudonyms when token-service.audit.erasure.pseudonym-key is
-- not set: made by the first instance that starts (one row, the primary key decides a race) and
-- read by every other and after every restart, so that one erased user has one pseudonym. A secret:
-- whoever holds it and an app user id can find that user's rows.
create table audit_pseudonym_key (
    id         smallint                 not null,
    secret     varchar(64)              not null,
    created_at timestamp with time zone not null,
    constraint pk_audit_pseudonym_key primary key (id),
    constraint ck_audit_pseudonym_key_one_row check (id = 1)
);
