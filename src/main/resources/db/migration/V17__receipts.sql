-- Login receipt (issue 9): what each node told each desk's phone, and which phones are registered.
--
-- desk_notices: per node and desk line, the desk revision its phone was last sent check-sync for, when
-- the first NOTIFY of that revision went out and how many were sent (a phone that does not fetch its file
-- is told again with backoff, a bounded number of times). Whether the phone acted is read from
-- config_fetches: a fetch of its MAC at or after notified_at.
--
-- phone_contacts: per node (each node has its own Asterisk), the contacts registered on an AOR as
-- Asterisk's ContactStatus events report them, and since when this node has seen each.
--
-- Portable like V1 (H2 in PostgreSQL mode and PostgreSQL 15). Never edit once released.

CREATE TABLE desk_notices (
    node         VARCHAR(200)                NOT NULL,
    endpoint_id  VARCHAR(100)                NOT NULL,
    revision     BIGINT                      NOT NULL,
    notified_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    sends        INTEGER                     NOT NULL,
    CONSTRAINT desk_notices_pk PRIMARY KEY (node, endpoint_id)
);

CREATE TABLE phone_contacts (
    node        VARCHAR(200)                NOT NULL,
    aor         VARCHAR(100)                NOT NULL,
    uri         VARCHAR(512)                NOT NULL,
    user_agent  VARCHAR(256)                NOT NULL DEFAULT '',
    via         VARCHAR(100)                NOT NULL DEFAULT '',
    since       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT phone_contacts_pk PRIMARY KEY (node, aor, uri)
);
