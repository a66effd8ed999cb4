-- What each desk phone last got (issue 9, provision diff): per desk and file name, the file as served
-- with every secret masked exactly as 'hotdesk provision render' masks it, never a SIP password or any
-- other secret of the ledger. secrets_digest is a SHA-256 (hex) of the desk's line secrets at the time
-- (salted with the MAC), so a change of secrets alone can be reported as "secrets changed"
-- without keeping them. masked_digest is a SHA-256 of the masked text; masked_text is NULL when the
-- masked file was longer than the stored limit (65,536 characters), and then only the digests compare.
-- Written off the request path by the fetch journal, the latest per desk and file; a removed desk takes
-- its rows with it.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.
CREATE TABLE served_files (
    mac            VARCHAR(12)                 NOT NULL,
    file_name      VARCHAR(100)                NOT NULL,
    served_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    masked_text    VARCHAR(65536),
    masked_digest  VARCHAR(64)                 NOT NULL,
    secrets_digest VARCHAR(64)                 NOT NULL,
    CONSTRAINT served_files_pk PRIMARY KEY (mac, file_name),
    CONSTRAINT served_files_device_fk FOREIGN KEY (mac) REFERENCES devices (mac) ON DELETE CASCADE
);
