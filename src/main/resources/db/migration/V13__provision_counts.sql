-- Provision counter (issue 9, provisioning.max-provisions): how many times each desk's file was served
-- since an admin last reset it. Written by the fetch journal's flush (one UPDATE per desk and batch),
-- never on the request path; the provisioning server keeps its own count in memory, seeded from here.
-- A removed desk takes its count with it, so a desk added again starts at 0.
--
-- Portable like V1: runs unchanged on H2 2.x in PostgreSQL mode and on PostgreSQL 15.
CREATE TABLE provision_counts (
    mac      VARCHAR(12)                 NOT NULL,
    served   BIGINT                      NOT NULL,
    reset_at TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT provision_counts_pk PRIMARY KEY (mac),
    CONSTRAINT provision_counts_device_fk FOREIGN KEY (mac) REFERENCES devices (mac) ON DELETE CASCADE,
    CONSTRAINT provision_counts_served_ck CHECK (served >= 0)
);
