package hotdesk.core.model;

import java.util.Objects;

/**
 * Something the reconciler projects into Asterisk: a desk line ({@code desk:hd-0015651234ab}) or a
 * user's own endpoint ({@code user:101}). Every ledger change bumps the revision of the targets it touches.
 */
public record Target(Kind kind, String id) {
    public enum Kind { DESK, USER }

    public Target {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Target desk(String endpointId) {
        return new Target(Kind.DESK, endpointId);
    }

    public static Target user(Extension extension) {
        return new Target(Kind.USER, extension.value());
    }

    public String key() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }

    public static Target parse(String key) {
        int colon = key.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("target key must be kind:id, got '" + key + "'");
        }
        return new Target(Kind.valueOf(key.substring(0, colon).toUpperCase(java.util.Locale.ROOT)), key.substring(colon + 1));
    }

    @Override
    public String toString() {
        return key();
    }
}
