package hotdesk.core.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A civic location: some {@link CivicField}s with their values, validated. Empty values are not
 * kept ("not set"). Immutable; equal when the same fields hold the same values.
 *
 * <p>Every value is at most its field's {@link CivicField#maxLength()} characters of the
 * {@linkplain #isSafe safe set}: letters and digits of any script, space and {@code . - _ / # ' + : @}.
 * That leaves out everything that means something on the way to the trunk: {@code , =} (they separate
 * the elements of {@link #locationInfo()}), {@code " \ $ { } ; ( ) [ ]} (Asterisk's argument parsing
 * and variable substitution), {@code < > &} (the PIDF-LO XML) and line breaks. The country is an ISO
 * 3166-1 alpha-2 code, kept in upper case. A bad value is refused with a message naming the field.
 */
public record CivicLocation(Map<CivicField, String> values) {

    public static final CivicLocation EMPTY = new CivicLocation(Map.of());

    private static final Pattern SAFE = Pattern.compile("[\\p{L}\\p{M}\\p{Nd} ._/#'+:@-]*");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    /** What the refusal of an unsafe value lists. */
    public static final String SAFE_CHARACTERS = "letters, digits, spaces and . - _ / # ' + : @";

    public CivicLocation {
        if (values.isEmpty()) {
            values = Map.of(); // most desks have no location of their own: no EnumMap for each of them
        }
        EnumMap<CivicField, String> checked = values.isEmpty() ? null : new EnumMap<>(CivicField.class);
        for (Map.Entry<CivicField, String> e : values.entrySet()) {
            String v = check(e.getKey(), e.getValue());
            if (!v.isEmpty()) {
                checked.put(e.getKey(), v);
            }
        }
        if (checked != null) {
            values = checked.isEmpty() ? Map.of() : Collections.unmodifiableMap(checked);
        }
    }

    /**
     * The value as it is kept (stripped; the country in upper case), or IllegalArgumentException naming
     * the field and the value. Empty (or null) means "not set" and is always accepted.
     */
    public static String check(CivicField field, String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return "";
        }
        if (field == CivicField.COUNTRY) {
            String upper = v.toUpperCase(Locale.ROOT);
            if (!COUNTRIES.contains(upper)) {
                throw new IllegalArgumentException("country must be a 2-letter ISO 3166 country code such as US, DE or GB, got '"
                        + shown(v) + "'");
            }
            return upper;
        }
        if (v.length() > field.maxLength() || !isSafe(v)) {
            throw new IllegalArgumentException(field.shown() + " must be at most " + field.maxLength() + " characters: "
                    + SAFE_CHARACTERS + ", got '" + shown(v) + "'");
        }
        return v;
    }

    /** Whether every character of {@code text} is in the safe set (see the class comment). */
    public static boolean isSafe(String text) {
        return text != null && SAFE.matcher(text).matches();
    }

    /** {@code text} with every character outside the safe set replaced by a space, spaces collapsed. */
    public static String sanitize(String text) {
        if (text == null) {
            return "";
        }
        // status on 10,000 desks sanitizes every desk's label: one pass over the code points, no regex or
        // String per character (the old form was a tenth of a cold status run)
        StringBuilder b = new StringBuilder(text.length());
        boolean space = true; // drops leading spaces and collapses runs
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == ' ' || !isSafeCodePoint(cp)) {
                if (!space) {
                    b.append(' ');
                    space = true;
                }
            } else {
                b.appendCodePoint(cp);
                space = false;
            }
        }
        return b.toString().strip();
    }

    /** One code point of the safe set: {@code [\p{L}\p{M}\p{Nd} ._/#'+:@-]}. */
    static boolean isSafeCodePoint(int cp) {
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER:
                return true;
            default:
                return cp < 128 && " ._/#'+:@-".indexOf(cp) >= 0;
        }
    }

    public static CivicLocation of(Map<CivicField, String> values) {
        return new CivicLocation(values);
    }

    /** The value of a field, empty when it is not set. */
    public String get(CivicField field) {
        return values.getOrDefault(field, "");
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** This location with these fields replaced (an empty value removes the field). */
    public CivicLocation with(Map<CivicField, String> changes) {
        EnumMap<CivicField, String> all = new EnumMap<>(CivicField.class);
        all.putAll(values);
        all.putAll(changes);
        return new CivicLocation(all);
    }

    /** This location (a site's address) completed by {@code more} (a desk's fields): the values of {@code more} win. */
    public CivicLocation overriddenBy(CivicLocation more) {
        // status resolves every desk: most have no fields of their own, many no site address either
        if (more.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return more;
        }
        return with(more.values);
    }

    /** Refuses fields outside {@code allowed}, naming them and {@code what} holds them. */
    public CivicLocation requireOnly(Set<CivicField> allowed, String what) {
        TreeSet<String> extra = new TreeSet<>();
        values.keySet().stream().filter(f -> !allowed.contains(f)).forEach(f -> extra.add(f.option()));
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException(what + " cannot hold " + String.join(", ", extra));
        }
        return this;
    }

    /**
     * The location as Asterisk's {@code GEOLOC_PROFILE(location_info)} takes it for format
     * {@code civicAddress}: {@code country=US,A1=NY,A3=New York,FLR=3}, fields in {@link CivicField}
     * order; empty when no field is set.
     */
    public String locationInfo() {
        StringJoiner j = new StringJoiner(",");
        values.forEach((f, v) -> j.add(f.key() + "=" + v));
        return j.toString();
    }

    @Override
    public String toString() {
        return "CivicLocation[" + locationInfo() + "]";
    }

    private static String shown(String v) {
        String s = v.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?");
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
