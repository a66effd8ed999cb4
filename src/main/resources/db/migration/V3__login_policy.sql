-- Desk rules (issue 8): a user's own multi-login policy, and a faster look-up of
-- failed logins by time (windowed lockout counters and the alerts of status).
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.

-- 'single' or 'deny'; NULL: the global setting login.multi-login applies.
ALTER TABLE users ADD COLUMN login_policy VARCHAR(10);
ALTER TABLE users ADD CONSTRAINT users_login_policy_ck CHECK (login_policy IN ('single', 'deny'));

-- Keys are user:<ext>, at:<ext>@<endpoint>, desk:<endpoint>, code:<ext>: the
-- status view counts every user:/code: key of the last window at once.
CREATE INDEX login_failures_time_ix ON login_failures (failed_at);
