-- Sites carry what their desk phones are told and where they may register from (issue 9): SIP server,
-- port and transport, NTP server, registration expiry and the trusted networks of the site's desks.
--
-- Portable like V1: H2 2.x in PostgreSQL mode and PostgreSQL 15 (no TEXT, no ON CONFLICT; one column per
-- ALTER TABLE statement). '' and 0 mean "not set": the global provisioning.* key applies. networks holds
-- comma-separated CIDRs (at most 32, checked by the application), each also one permit line of the
-- site's named ACL in the generated acl_hotdesk.conf.
--
-- Never edit this file once released: add V16__… instead.

ALTER TABLE sites ADD COLUMN sip_server          VARCHAR(253)  NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN sip_port            INTEGER       NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN sip_transport       VARCHAR(3)    NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN ntp_server          VARCHAR(253)  NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN registration_expiry INTEGER       NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN networks            VARCHAR(2048) NOT NULL DEFAULT '';
