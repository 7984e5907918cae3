-- The sliding windows of the ACS budget: a window that admits N events in any period is N rows,
-- each holding when it was last used. An event takes the oldest row whose time has left the
-- period, so no period holds more than N events, whichever instance sends them.
create table sliding_window_slot (
    window_key  varchar(200)             not null,
    slot        integer                  not null,
    used_at     timestamp with time zone not null,
    constraint pk_sliding_window_slot primary key (window_key, slot)
);

create index ix_sliding_window_slot_used_at on sliding_window_slot (window_key, used_at);
