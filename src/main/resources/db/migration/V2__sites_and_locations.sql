-- Emergency locations (issue 10): sites with their civic address and ELIN, and the per-desk part of
-- the location (floor, room, seat…) on the device, so the location follows the desk, not the person.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15 (no TEXT, no
-- ON CONFLICT; ALTER TABLE … ADD COLUMN one column per statement, which both accept).
--
-- Column names follow the civic address keys of RFC 4776/5139 as Asterisk's res_geolocation names
-- them (country, A1…A4, RD, HNO, HNS, PC, NAM, BLD; FLR, UNIT, ROOM, SEAT, LOC on the desk). Values
-- are checked by the application (a safe character set, bounded lengths); '' means "not set".
--
-- devices.site stays free text without a foreign key: it was free text before this migration, so a
-- device may name a site that is not in this table. Such a desk gets no site address or site ELIN
-- (status and doctor say so), and removing a site that devices name is refused by the application,
-- which names the desks.
--
-- Never edit this file once released: add V3__… instead.

CREATE TABLE sites (
    name          VARCHAR(64)  NOT NULL,
    elin          VARCHAR(32)  NOT NULL DEFAULT '',
    country       VARCHAR(2)   NOT NULL DEFAULT '',
    a1            VARCHAR(64)  NOT NULL DEFAULT '',
    a2            VARCHAR(64)  NOT NULL DEFAULT '',
    a3            VARCHAR(64)  NOT NULL DEFAULT '',
    a4            VARCHAR(64)  NOT NULL DEFAULT '',
    rd            VARCHAR(64)  NOT NULL DEFAULT '',
    hno           VARCHAR(16)  NOT NULL DEFAULT '',
    hns           VARCHAR(16)  NOT NULL DEFAULT '',
    pc            VARCHAR(16)  NOT NULL DEFAULT '',
    nam           VARCHAR(64)  NOT NULL DEFAULT '',
    bld           VARCHAR(32)  NOT NULL DEFAULT '',
    time_zone     VARCHAR(64)  NOT NULL DEFAULT 'UTC',
    CONSTRAINT sites_pk PRIMARY KEY (name)
);

ALTER TABLE devices ADD COLUMN loc_bld  VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN loc_unit VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN loc_flr  VARCHAR(16) NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN loc_room VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN loc_seat VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN loc_loc  VARCHAR(64) NOT NULL DEFAULT '';
