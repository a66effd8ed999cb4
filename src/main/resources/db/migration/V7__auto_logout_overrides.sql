-- Auto-logout rules per site and per desk (issue 8): each field overrides the global auto-logout.*
-- setting (a desk's over its site's); NULL inherits. daily is 'off' or a time of day HH:MM[:SS].
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.

CREATE TABLE auto_logout_overrides (
    scope        VARCHAR(10)  NOT NULL,
    name         VARCHAR(100) NOT NULL,
    idle_seconds BIGINT,
    max_seconds  BIGINT,
    daily        VARCHAR(8),
    CONSTRAINT auto_logout_overrides_pk PRIMARY KEY (scope, name),
    CONSTRAINT auto_logout_overrides_scope_ck CHECK (scope IN ('site', 'desk')),
    CONSTRAINT auto_logout_overrides_idle_ck CHECK (idle_seconds IS NULL OR idle_seconds >= 0),
    CONSTRAINT auto_logout_overrides_max_ck CHECK (max_seconds IS NULL OR max_seconds >= 0)
);
