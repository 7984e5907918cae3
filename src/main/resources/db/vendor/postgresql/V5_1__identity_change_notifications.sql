-- Every change of a user's identity mapping (a revocation, a replacement, an erasure) is announced
-- to every instance on the fleet's change feed, with the app user id, when it commits: instances
-- keep the mappings in memory and forget one when it changes (fleet/ChangeFeed). A trigger, so
-- that no writer (an operator's SQL included) can forget to announce. PostgreSQL only: local mode
-- on H2 is a single instance.
create function acs_identity_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('acs_fleet_changes', 'identity:' || old.app_user_id);
    return null;
end;
$$;

create trigger acs_identity_changed
    after update or delete on acs_identity
    for each row execute function acs_identity_changed();
