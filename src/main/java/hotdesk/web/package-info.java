/**
 * What the HTTP listeners that people reach (the desk board, the self-service listener) share: the
 * plain-HTTP-only-on-loopback rule and the Jetty connector with or without TLS. A library for those
 * adapters, not an adapter: it depends on the JDK and Jetty only, never on the core or an adapter.
 */
package hotdesk.web;
