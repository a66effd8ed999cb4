-- The desk board (issue 12): who may sign in to the admin HTTP listener, and
-- their signed-in sessions.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.

-- One account per name; password_hash is the same self-describing PBKDF2 hash
-- as a PIN's. role: 'admin' (may log desks out) or 'viewer' (reads only).
CREATE TABLE admin_accounts (
    name          VARCHAR(40)                 NOT NULL,
    role          VARCHAR(10)                 NOT NULL,
    password_hash VARCHAR(300)                NOT NULL,
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT admin_accounts_pk PRIMARY KEY (name),
    CONSTRAINT admin_accounts_role_ck CHECK (role IN ('admin', 'viewer'))
);

-- Signed-in sessions live in the ledger, not in one process's memory: a board
-- stays signed in across a restart of hotdesk (its live view reconnects) and
-- on every node of a cluster. Only the SHA-256 of the cookie's token is kept,
-- so a copy of the database does not give anyone a session. Removing an
-- account ends its sessions.
CREATE TABLE admin_sessions (
    token_hash VARCHAR(64)                 NOT NULL,
    name       VARCHAR(40)                 NOT NULL,
    csrf_token VARCHAR(64)                 NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT admin_sessions_pk PRIMARY KEY (token_hash),
    CONSTRAINT admin_sessions_account_fk FOREIGN KEY (name) REFERENCES admin_accounts (name) ON DELETE CASCADE
);
CREATE INDEX admin_sessions_expiry_ix ON admin_sessions (expires_at);
