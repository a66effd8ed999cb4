package hotdesk.provisioning;

import hotdesk.core.model.Mac;

import java.util.Locale;
import java.util.Optional;

/**
 * A file name made of a fixed prefix, a MAC as 12 hex digits in either case, and a fixed suffix
 * ({@code <mac>.cfg}, {@code cfg<mac>.xml}): matched character by character, without a regex, because
 * every fetch asks each vendor profile whether the name is one of its desk files (six regex matches a
 * request were a third of a fetch's CPU). Prefix and suffix match exactly, case included. Immutable.
 */
record MacFileName(String prefix, String suffix) {

    MacFileName {
        if (prefix == null || suffix == null) {
            throw new IllegalArgumentException("prefix and suffix are required");
        }
    }

    /** The MAC this name carries when it is {@code prefix + 12 hex digits + suffix}; else empty. */
    Optional<Mac> match(String name) {
        int from = prefix.length();
        if (name == null || name.length() != from + 12 + suffix.length() || !name.startsWith(prefix)
                || !name.endsWith(suffix)) {
            return Optional.empty();
        }
        for (int i = from; i < from + 12; i++) {
            if (!Mac.isHexDigit(name.charAt(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(new Mac(name.substring(from, from + 12).toLowerCase(Locale.ROOT)));
    }
}
