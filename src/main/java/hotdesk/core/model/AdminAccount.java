package hotdesk.core.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Someone who may sign in to the desk board. The password is kept only as a salted hash.
 *
 * @param name lower-case letters, digits, dot, dash and underscore, 1 to 40 characters
 */
public record AdminAccount(String name, Role role, SecretHash passwordHash, Instant created) {

    /** What a signed-in person may do on the board. */
    public enum Role {
        /** Sees everything the board shows and may log desks out. */
        ADMIN,
        /** Sees everything the board shows; changes nothing. */
        VIEWER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code admin} or {@code viewer}; IllegalArgumentException naming {@code key} otherwise. */
        public static Role parse(String key, String value) {
            for (Role r : values()) {
                if (r.label().equals(value)) {
                    return r;
                }
            }
            throw new IllegalArgumentException(key + " must be admin or viewer, got '" + printable(value) + "'");
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,40}");

    public AdminAccount {
        name = checkName(name);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(created, "created");
    }

    /** The name if it is a valid account name; IllegalArgumentException otherwise. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an admin account name is 1 to 40 of a-z 0-9 . _ -, got '" + printable(name) + "'");
        }
        return name;
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
