-- User and desk lifecycle (issue 8): a user account can be disabled without removing it (logged
-- out everywhere, logins refused, own endpoint taken off Asterisk), and the audit trail is read
-- by subject (hotdesk audit --user/--desk) newest first.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.

ALTER TABLE users ADD COLUMN enabled BOOLEAN DEFAULT TRUE NOT NULL;

CREATE INDEX audit_log_subject_ix ON audit_log (subject, id);
