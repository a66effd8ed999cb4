package hotdesk.core.model;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * One element of a civic address (RFC 4776 / RFC 5139), named as Asterisk's {@code res_geolocation}
 * names it in a {@code civicAddress} location ({@code geoloc show civicAddr_mapping}). The order of
 * the constants is the order in which a location is written.
 *
 * <p>{@link #option()} is the admin's word for it: the command-line option ({@code --state}) and
 * the CSV column. A site holds the address ({@link #SITE}); a desk holds where in the building it is
 * ({@link #DESK}); {@link #BLD} is both: a desk may be in another building of its site.
 */
public enum CivicField {
    COUNTRY("country", "country", 2),
    A1("A1", "state", 64),
    A2("A2", "county", 64),
    A3("A3", "city", 64),
    A4("A4", "district", 64),
    RD("RD", "street", 64),
    HNO("HNO", "number", 16),
    HNS("HNS", "number-suffix", 16),
    PC("PC", "postal-code", 16),
    NAM("NAM", "location-name", 64),
    BLD("BLD", "building", 32),
    UNIT("UNIT", "unit", 32),
    FLR("FLR", "floor", 16),
    ROOM("ROOM", "room", 32),
    SEAT("SEAT", "seat", 32),
    LOC("LOC", "location-note", 64);

    /** What a site's address may hold. */
    public static final Set<CivicField> SITE = Set.copyOf(EnumSet.of(COUNTRY, A1, A2, A3, A4, RD, HNO, HNS, PC, NAM, BLD));
    /** What a desk's own location may hold (its fields win over the site's). */
    public static final Set<CivicField> DESK = Set.copyOf(EnumSet.of(BLD, UNIT, FLR, ROOM, SEAT, LOC));

    private final String key;
    private final String option;
    private final int maxLength;

    CivicField(String key, String option, int maxLength) {
        this.key = key;
        this.option = option;
        this.maxLength = maxLength;
    }

    /** The key in Asterisk's {@code location_info}, e.g. {@code A1}, {@code FLR}, {@code country}. */
    public String key() {
        return key;
    }

    /** The admin's name: command-line option without dashes and CSV column, e.g. {@code state}. */
    public String option() {
        return option;
    }

    public int maxLength() {
        return maxLength;
    }

    /** How error messages name the field: {@code state (A1)}; {@code country} alone. */
    public String shown() {
        return key.equals(option) ? option : option + " (" + key + ")";
    }

    public static Optional<CivicField> byOption(String option) {
        return Arrays.stream(values()).filter(f -> f.option.equals(option)).findFirst();
    }
}
