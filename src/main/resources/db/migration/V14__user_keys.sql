-- A user's own speed-dial and BLF keys (issue 9): they follow the user to every desk, placed after the
-- desk's own keys when the desk file is rendered. One row per key; position is the user's own numbering
-- (1..99), so it is unique per user. The keys go with the user.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.
CREATE TABLE user_keys (
    extension VARCHAR(10) NOT NULL,
    position  INTEGER     NOT NULL,
    key_type  VARCHAR(16) NOT NULL,
    key_value VARCHAR(32) NOT NULL,
    label     VARCHAR(80) NOT NULL,
    CONSTRAINT user_keys_pk PRIMARY KEY (extension, position),
    CONSTRAINT user_keys_user_fk FOREIGN KEY (extension) REFERENCES users (extension) ON DELETE CASCADE,
    CONSTRAINT user_keys_position_ck CHECK (position BETWEEN 1 AND 99),
    CONSTRAINT user_keys_type_ck CHECK (key_type IN ('speed-dial', 'blf'))
);
