-- Multi-login allow (issue 8): a user may sit at several desk lines at once when their policy (or
-- login.multi-login) is allow. The database still keeps "one desk per user" for every other seat:
-- a seat taken as the user's one seat has slot '' and a seat taken alongside others has its own
-- endpoint id as slot, and (extension, slot) is unique. So two exclusive seats of one user remain
-- impossible whatever the code does, on H2 and PostgreSQL alike.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.

-- H2 hands the dropped unique constraint's index to the foreign key on extension (and so kept one
-- seat per user): the foreign key is dropped first and made again on the new unique constraint.
ALTER TABLE occupancy ADD COLUMN slot VARCHAR(100) DEFAULT '' NOT NULL;
ALTER TABLE occupancy DROP CONSTRAINT occupancy_user_fk;
ALTER TABLE occupancy DROP CONSTRAINT occupancy_user_uq;
ALTER TABLE occupancy ADD CONSTRAINT occupancy_user_slot_uq UNIQUE (extension, slot);
ALTER TABLE occupancy ADD CONSTRAINT occupancy_user_fk FOREIGN KEY (extension) REFERENCES users (extension);

-- A user's own policy may now be allow too.
ALTER TABLE users DROP CONSTRAINT users_login_policy_ck;
ALTER TABLE users ADD CONSTRAINT users_login_policy_ck CHECK (login_policy IN ('single', 'deny', 'allow'));
