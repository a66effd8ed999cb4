/**
 * Records and value objects of the hot-desking domain: desks, lines, users, occupancy, hashed secrets.
 * Depends on the JDK only.
 */
package hotdesk.core.model;
