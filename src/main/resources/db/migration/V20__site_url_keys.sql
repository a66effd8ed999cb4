-- A site may have its own provisioning URL key (issue 9: one site's DHCP scope must not reveal another
-- site's key): the desks of such a site are served under that key only. The key itself is never stored:
-- url_key_sha256 holds its SHA-256 in lower-case hex (a key has at least 128 random bits, so a plain
-- hash is enough), and the provisioning server compares digests in constant time. '' means none: the
-- global provisioning.url-key rule applies to the site's desks.
--
-- Portable like V1: H2 2.x in PostgreSQL mode and PostgreSQL 15.
--
-- Never edit this file once released: add V21__… instead.

ALTER TABLE sites ADD COLUMN url_key_sha256 VARCHAR(64) NOT NULL DEFAULT '';
