package hotdesk.store;

import hotdesk.core.model.CivicField;
import hotdesk.core.model.CivicLocation;
import hotdesk.core.model.DeskLine;
import hotdesk.core.model.DeskPhoneSettings;
import hotdesk.core.model.Device;
import hotdesk.core.model.Mac;
import hotdesk.core.model.ProvisionCount;
import hotdesk.core.model.Site;
import hotdesk.core.model.SitePhoneSettings;
import hotdesk.core.model.UrlKeyHash;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Devices, their desk lines, sites, the desks' own location fields and provision counts. */
final class JdbcDesks extends TableGroup {

    JdbcDesks(Statements statements) {
        super(statements);
    }

    // ---- devices and lines

    private static final String DEVICE_COLUMNS = "mac, vendor, model, label, site, elin, enabled, "
            + "sip_server, sip_port, sip_transport, ntp_server, time_zone, registration_expiry";

    private Device device(ResultSet rs) throws SQLException {
        return new Device(new Mac(rs.getString("mac")), shared(rs, "vendor"), shared(rs, "model"),
                rs.getString("label"), shared(rs, "site"), rs.getString("elin"), rs.getBoolean("enabled"),
                new DeskPhoneSettings(shared(rs, "sip_server"), rs.getInt("sip_port"), shared(rs, "sip_transport"),
                        shared(rs, "ntp_server"), shared(rs, "time_zone"), rs.getInt("registration_expiry")));
    }

    /**
     * A column most desks share the few values of (vendor, model, site, phone settings), as one string per value:
     * the provisioning server keeps the view of every desk fetching, and read from PostgreSQL each desk held copies
     * of its own (H2 hands out cached strings already).
     */
    private static String shared(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : s.intern();
    }

    private DeskLine line(ResultSet rs) throws SQLException {
        return new DeskLine(rs.getString("endpoint_id"), new Mac(rs.getString("mac")), rs.getInt("port"),
                rs.getString("secret"));
    }

    public Optional<Device> device(Mac mac) {
        return one("read device " + mac, "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE mac = ?", this::device,
                mac.value());
    }

    public List<Device> devices() {
        List<Device> all = list("list devices", "SELECT " + DEVICE_COLUMNS + " FROM devices", this::device);
        all.sort(Comparator.comparing(d -> d.mac().value()));
        return List.copyOf(all);
    }

    public void insertDevice(Device d, List<DeskLine> lines) {
        guarded("insert device " + d.mac(), "device " + d.mac().display() + " or one of its desk lines exists already",
                () -> {
                    DeskPhoneSettings p = d.phones();
                    insert("INSERT INTO devices (" + DEVICE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            d.mac().value(), d.vendor(), d.model(), d.label(), d.site(), d.elin(), d.enabled(),
                            p.sipServer(), p.sipPort(), p.sipTransport(), p.ntpServer(), p.timeZone(), p.expirySeconds());
                    for (DeskLine l : lines) {
                        insert("INSERT INTO desk_lines (endpoint_id, mac, port, secret) VALUES (?, ?, ?, ?)",
                                l.endpointId(), l.mac().value(), l.port(), l.secret());
                    }
                });
    }

    public void updateDevice(Device d) {
        int n = update("update device " + d.mac(), """
                UPDATE devices SET vendor = ?, model = ?, label = ?, site = ?, elin = ?, enabled = ?, sip_server = ?,
                                   sip_port = ?, sip_transport = ?, ntp_server = ?, time_zone = ?, registration_expiry = ?
                WHERE mac = ?""", d.vendor(), d.model(), d.label(), d.site(), d.elin(), d.enabled(),
                d.phones().sipServer(), d.phones().sipPort(), d.phones().sipTransport(), d.phones().ntpServer(),
                d.phones().timeZone(), d.phones().expirySeconds(), d.mac().value());
        if (n == 0) {
            throw new IllegalStateException("no device " + d.mac().display());
        }
    }

    public void deleteDevice(Mac mac) {
        // its lines go with it (ON DELETE CASCADE); an occupied line makes the database refuse
        update("delete device " + mac, "DELETE FROM devices WHERE mac = ?", mac.value());
    }

    public Optional<DeskLine> line(String endpointId) {
        return one("read desk line " + endpointId,
                "SELECT endpoint_id, mac, port, secret FROM desk_lines WHERE endpoint_id = ?", this::line, endpointId);
    }

    public List<DeskLine> lines() {
        List<DeskLine> all = list("list desk lines", "SELECT endpoint_id, mac, port, secret FROM desk_lines", this::line);
        all.sort(Comparator.comparing(DeskLine::endpointId));
        return List.copyOf(all);
    }

    /** A desk line with its device and the desk's own location fields, read in one row. */
    record LineRow(DeskLine line, Device device, CivicLocation location) {
    }

    /** The lines that exist of these endpoint ids, each with its device and location (see {@link #slices}). */
    public List<LineRow> linesWithDevices(java.util.Collection<String> endpointIds) {
        // the device's columns less its mac (the line's), then the location's: deskLocation reads those by position
        String deviceColumns = java.util.Arrays.stream(DEVICE_COLUMNS.split(", ")).filter(c -> !c.equals("mac"))
                .map(c -> "d." + c).collect(java.util.stream.Collectors.joining(", "));
        int locationAt = 4 + deviceColumns.split(", ").length + 1;
        String sql = "SELECT l.endpoint_id, l.mac, l.port, l.secret, " + deviceColumns + ", "
                + java.util.Arrays.stream(DESK_COLUMNS.split(", ")).map(c -> "d." + c).collect(java.util.stream.Collectors.joining(", "))
                + " FROM desk_lines l JOIN devices d ON d.mac = l.mac WHERE l.endpoint_id IN " + IN_LIST;
        List<LineRow> out = new ArrayList<>();
        for (List<Object> slice : slices(endpointIds)) {
            out.addAll(list("read " + endpointIds.size() + " desk lines with their devices", sql,
                    rs -> new LineRow(line(rs), device(rs), deskLocation(rs, locationAt)), slice.toArray()));
        }
        return out;
    }

    public List<DeskLine> linesOf(Mac mac) {
        return List.copyOf(list("list desk lines of " + mac,
                "SELECT endpoint_id, mac, port, secret FROM desk_lines WHERE mac = ? ORDER BY port", this::line,
                mac.value()));
    }

    private static ProvisionCount provisionCountOf(ResultSet rs) throws SQLException {
        return new ProvisionCount(rs.getLong("served"), Optional.ofNullable(instant(rs, "reset_at")));
    }

    public void addProvisions(Mac mac, long n) {
        if (n <= 0) {
            return;
        }
        // an UPDATE, or the first row of a desk that still exists (a desk removed since its fetch adds nothing)
        if (update("count provisions of " + mac, "UPDATE provision_counts SET served = served + ? WHERE mac = ?",
                n, mac.value()) == 0) {
            update("count provisions of " + mac, """
                    INSERT INTO provision_counts (mac, served, reset_at)
                    SELECT mac, ?, NULL FROM devices WHERE mac = ?""", n, mac.value());
        }
    }

    public void resetProvisions(Mac mac, Instant at) {
        if (update("reset provisions of " + mac, "UPDATE provision_counts SET served = 0, reset_at = ? WHERE mac = ?",
                at, mac.value()) == 0) {
            update("reset provisions of " + mac, """
                    INSERT INTO provision_counts (mac, served, reset_at)
                    SELECT mac, 0, ? FROM devices WHERE mac = ?""", at, mac.value());
        }
    }

    public ProvisionCount provisionCount(Mac mac) {
        return one("read provision count of " + mac, "SELECT served, reset_at FROM provision_counts WHERE mac = ?",
                JdbcDesks::provisionCountOf, mac.value()).orElse(ProvisionCount.NONE);
    }

    public Map<Mac, ProvisionCount> provisionCounts() {
        Map<Mac, ProvisionCount> out = new LinkedHashMap<>();
        list("read provision counts", "SELECT mac, served, reset_at FROM provision_counts ORDER BY mac",
                rs -> out.put(Mac.parse(rs.getString("mac")), provisionCountOf(rs)));
        return Collections.unmodifiableMap(out);
    }

    // ---- sites and desk locations

    /** Site address fields and their columns, in the order of {@link #SITE_COLUMNS}. */
    private static final List<CivicField> SITE_FIELDS = List.of(CivicField.COUNTRY, CivicField.A1, CivicField.A2,
            CivicField.A3, CivicField.A4, CivicField.RD, CivicField.HNO, CivicField.HNS, CivicField.PC, CivicField.NAM,
            CivicField.BLD);
    private static final String SITE_COLUMNS = "name, elin, country, a1, a2, a3, a4, rd, hno, hns, pc, nam, bld, time_zone, "
            + "sip_server, sip_port, sip_transport, ntp_server, registration_expiry, networks, url_key_sha256";
    /** A desk's own fields and their columns on devices, in the same order. */
    private static final List<CivicField> DESK_FIELDS = List.of(CivicField.BLD, CivicField.UNIT, CivicField.FLR,
            CivicField.ROOM, CivicField.SEAT, CivicField.LOC);
    private static final String DESK_COLUMNS = "loc_bld, loc_unit, loc_flr, loc_room, loc_seat, loc_loc";

    private Site site(ResultSet rs) throws SQLException {
        EnumMap<CivicField, String> address = new EnumMap<>(CivicField.class);
        for (int i = 0; i < SITE_FIELDS.size(); i++) {
            address.put(SITE_FIELDS.get(i), rs.getString(3 + i));
        }
        String networks = rs.getString("networks");
        SitePhoneSettings phones = new SitePhoneSettings(rs.getString("sip_server"), rs.getInt("sip_port"),
                rs.getString("sip_transport"), rs.getString("ntp_server"), rs.getInt("registration_expiry"),
                networks.isEmpty() ? List.of() : List.of(networks.split(",")));
        String urlKey = rs.getString("url_key_sha256");
        return new Site(rs.getString("name"), rs.getString("elin"), CivicLocation.of(address), rs.getString("time_zone"),
                phones, urlKey.isEmpty() ? Optional.empty() : Optional.of(UrlKeyHash.fromHex(urlKey)));
    }

    private Object[] siteValues(Site site, boolean nameLast) {
        List<Object> v = new ArrayList<>();
        if (!nameLast) {
            v.add(site.name());
        }
        v.add(site.elin());
        SITE_FIELDS.forEach(f -> v.add(site.address().get(f)));
        v.add(site.timeZone());
        SitePhoneSettings p = site.phones();
        v.add(p.sipServer());
        v.add(p.sipPort());
        v.add(p.sipTransport());
        v.add(p.ntpServer());
        v.add(p.expirySeconds());
        v.add(String.join(",", p.networks()));
        v.add(site.urlKey().map(UrlKeyHash::hex).orElse(""));
        if (nameLast) {
            v.add(site.name());
        }
        return v.toArray();
    }

    public Optional<Site> site(String name) {
        return one("read site " + name, "SELECT " + SITE_COLUMNS + " FROM sites WHERE name = ?", this::site, name);
    }

    public List<Site> sites() {
        List<Site> all = list("list sites", "SELECT " + SITE_COLUMNS + " FROM sites", this::site);
        all.sort(Comparator.comparing(Site::name));
        return List.copyOf(all);
    }

    public void insertSite(Site site) {
        guarded("insert site " + site.name(), "site " + site.name() + " exists already", () -> insert(
                "INSERT INTO sites (" + SITE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                siteValues(site, false)));
    }

    public void updateSite(Site site) {
        int n = update("update site " + site.name(), """
                UPDATE sites SET elin = ?, country = ?, a1 = ?, a2 = ?, a3 = ?, a4 = ?, rd = ?, hno = ?, hns = ?, pc = ?,
                                 nam = ?, bld = ?, time_zone = ?, sip_server = ?, sip_port = ?, sip_transport = ?,
                                 ntp_server = ?, registration_expiry = ?, networks = ?, url_key_sha256 = ?
                WHERE name = ?""", siteValues(site, true));
        if (n == 0) {
            throw new IllegalStateException("no site " + site.name());
        }
    }

    public void deleteSite(String name) {
        update("delete site " + name, "DELETE FROM sites WHERE name = ?", name);
    }

    private CivicLocation deskLocation(ResultSet rs) throws SQLException {
        return deskLocation(rs, 2);
    }

    /** The desk's own location fields, from the result's column {@code first} on, in {@link #DESK_COLUMNS}' order. */
    private static CivicLocation deskLocation(ResultSet rs, int first) throws SQLException {
        EnumMap<CivicField, String> fields = null; // most desks have none of their own: no map for them
        for (int i = 0; i < DESK_FIELDS.size(); i++) {
            String v = rs.getString(first + i);
            if (v != null && !v.isEmpty()) {
                if (fields == null) {
                    fields = new EnumMap<>(CivicField.class);
                }
                fields.put(DESK_FIELDS.get(i), v);
            }
        }
        return fields == null ? CivicLocation.EMPTY : CivicLocation.of(fields);
    }

    public CivicLocation deskLocation(Mac mac) {
        return one("read location of device " + mac, "SELECT mac, " + DESK_COLUMNS + " FROM devices WHERE mac = ?",
                this::deskLocation, mac.value()).orElse(CivicLocation.EMPTY);
    }

    public Map<Mac, CivicLocation> deskLocations() {
        Map<Mac, CivicLocation> all = new LinkedHashMap<>();
        list("list device locations", "SELECT mac, " + DESK_COLUMNS + " FROM devices ORDER BY mac",
                rs -> Map.entry(new Mac(rs.getString("mac")), deskLocation(rs)))
                .stream().filter(e -> !e.getValue().isEmpty())
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Mac::value)))
                .forEach(e -> all.put(e.getKey(), e.getValue()));
        return java.util.Collections.unmodifiableMap(all);
    }

    public void setDeskLocation(Mac mac, CivicLocation location) {
        location.requireOnly(CivicField.DESK, "a desk's own location");
        List<Object> v = new ArrayList<>();
        DESK_FIELDS.forEach(f -> v.add(location.get(f)));
        v.add(mac.value());
        int n = update("set location of device " + mac, """
                UPDATE devices SET loc_bld = ?, loc_unit = ?, loc_flr = ?, loc_room = ?, loc_seat = ?, loc_loc = ?
                WHERE mac = ?""", v.toArray());
        if (n == 0) {
            throw new IllegalStateException("no device " + mac);
        }
    }
}
