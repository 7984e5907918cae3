-- Several ACS resources (acs.resources.*): a user has at most one identity per resource, and
-- each pending deletion and audit row names its resource. Existing rows are in the resource
-- that acs.* configures, "default".

alter table acs_identity add column resource varchar(32) default 'default' not null;
alter table acs_identity drop constraint pk_acs_identity;
alter table acs_identity add constraint pk_acs_identity primary key (app_user_id, resource);

alter table pending_acs_deletion add column resource varchar(32) default 'default' not null;

alter table audit_event add column resource varchar(32);
