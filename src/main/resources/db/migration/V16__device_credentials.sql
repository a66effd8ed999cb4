-- Per-device provisioning credentials (issue 9): the password a desk phone sends with HTTP Basic
-- authentication when it fetches its own file (user name hd-<mac>, derived, not stored). Only the
-- SHA-256 (hex) of the random 192-bit password is kept: it is shown once, when made, and a lost one
-- is replaced (hotdesk device credentials MAC --rotate). A removed desk takes its credentials with it.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.
CREATE TABLE device_credentials (
    mac         VARCHAR(12)                 NOT NULL,
    secret_hash VARCHAR(64)                 NOT NULL,
    created_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT device_credentials_pk PRIMARY KEY (mac),
    CONSTRAINT device_credentials_device_fk FOREIGN KEY (mac) REFERENCES devices (mac) ON DELETE CASCADE
);
