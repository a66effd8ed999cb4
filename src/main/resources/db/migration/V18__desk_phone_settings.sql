-- A desk may carry its own phone settings (issue 9: B3's per-device SIP domain, NTP server and protocol,
-- a proxy per phone): SIP server, port and transport, NTP server, time zone and registration expiry. They
-- win over the desk's site (V15) and the global provisioning.* keys; a gateway's lines share their device's.
--
-- Portable like V1: H2 2.x in PostgreSQL mode and PostgreSQL 15 (one column per ALTER TABLE statement).
-- '' and 0 mean "not set": the site's value applies, else the global key's. The application checks the
-- values (transport udp|tcp|tls, expiry 30..600 seconds, host names, IANA zone ids).
--
-- Never edit this file once released: add V19__… instead.

ALTER TABLE devices ADD COLUMN sip_server          VARCHAR(253) NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN sip_port            INTEGER      NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN sip_transport       VARCHAR(3)   NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN ntp_server          VARCHAR(253) NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN time_zone           VARCHAR(64)  NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN registration_expiry INTEGER      NOT NULL DEFAULT 0;
