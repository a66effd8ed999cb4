package hotdesk.core.model;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * A site's or a desk's own auto-logout rules: each present field replaces the global setting (a desk's
 * over its site's), an empty one inherits. {@code daily} is {@code off} or a time of day.
 */
public record AutoLogoutOverride(Optional<Duration> idle, Optional<Duration> max, Optional<String> daily) {

    public AutoLogoutOverride {
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(daily, "daily");
        if (idle.filter(Duration::isNegative).isPresent() || max.filter(Duration::isNegative).isPresent()) {
            throw new IllegalArgumentException("auto-logout durations must not be negative");
        }
        daily.ifPresent(AutoLogoutOverride::dailyTime);
    }

    public static final AutoLogoutOverride NONE = new AutoLogoutOverride(Optional.empty(), Optional.empty(), Optional.empty());

    public boolean isEmpty() {
        return idle.isEmpty() && max.isEmpty() && daily.isEmpty();
    }

    /** {@code off} as empty, else the time of day ({@code HH:MM} or {@code HH:MM:SS}); anything else is refused. */
    public static Optional<LocalTime> dailyTime(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        if (!v.matches("\\d{1,2}:\\d{2}(:\\d{2})?")) {
            throw new IllegalArgumentException("daily must be off or HH:MM (24 h), got '" + v + "'");
        }
        try {
            return Optional.of(LocalTime.parse(v.indexOf(':') == 1 ? "0" + v : v));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("daily must be off or HH:MM (24 h), got '" + v + "'");
        }
    }
}
