package hotdesk.board;

import hotdesk.core.policy.OccupancyStats;
import hotdesk.core.usecase.BoardSignIn;
import hotdesk.core.usecase.DeskStatus;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The board's HTML, rendered on the server. Every value from the ledger goes through {@link #esc};
 * nothing here reads a PIN hash, one-time code or SIP secret (a desk line's secret and a user's are
 * never touched). Pure functions, thread-safe.
 */
final class BoardPages {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private BoardPages() {
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return b.toString();
    }

    static String when(Instant t, ZoneId zone) {
        return WHEN.format(t.atZone(zone));
    }

    /** The element id of a desk line's tile. */
    static String tileId(String endpointId) {
        return "tile-" + endpointId;
    }

    /** Why the desk is unhappy; empty when it is fine. */
    static List<String> troubles(DeskStatus.Watched w) {
        DeskStatus.Line l = w.line();
        List<String> why = new ArrayList<>();
        l.lastError().ifPresent(e -> why.add("Asterisk refused the desk: " + e));
        l.occupantError().ifPresent(e -> why.add("Asterisk refused the occupant's endpoint: " + e));
        if (l.lastError().isEmpty() && !l.deskApplied()) {
            why.add("waiting for Asterisk to take the latest change");
        }
        if (w.lastFetch().isEmpty() && l.device().enabled()) {
            why.add("the phone has never fetched its configuration");
        }
        if (!l.located().hasElin()) {
            why.add("no ELIN for emergency calls");
        }
        l.located().unknownSite().ifPresent(s -> why.add("site '" + s + "' is not defined"));
        return why;
    }

    static String tile(DeskStatus.Watched w, ZoneId zone, boolean admin) {
        DeskStatus.Line l = w.line();
        String ep = l.line().endpointId();
        String label = l.device().label() + (l.line().port() > 1 ? " port " + l.line().port() : "");
        String site = l.device().site();
        String state;
        String stateText;
        String userText = "";
        if (!l.device().enabled()) {
            state = "disabled";
            stateText = "disabled";
        } else if (l.occupancy().isPresent()) {
            state = "occupied";
            String who = l.occupant().map(u -> u.name() + " (" + u.extension().value() + ")")
                    .orElse(l.occupancy().get().extension().value());
            userText = who;
            stateText = who + " since " + when(l.occupancy().get().since(), zone);
        } else {
            state = "free";
            stateText = "free";
        }
        List<String> troubles = troubles(w);
        StringBuilder b = new StringBuilder(600);
        b.append("<article class=\"tile ").append(state).append(troubles.isEmpty() ? "" : " unhappy")
                .append("\" id=\"").append(esc(tileId(ep))).append("\" data-desk=\"").append(esc(ep))
                .append("\" data-label=\"").append(esc(label.toLowerCase(Locale.ROOT)))
                .append("\" data-user=\"").append(esc(userText.toLowerCase(Locale.ROOT)))
                .append("\" data-site=\"").append(esc(site.toLowerCase(Locale.ROOT))).append("\">");
        b.append("<h3 class=\"label\">").append(esc(label)).append("</h3>");
        b.append("<p class=\"site\">").append(site.isEmpty() ? "(no site)" : esc(site)).append("</p>");
        b.append("<p class=\"state\">").append(esc(stateText)).append("</p>");
        b.append("<p class=\"sync ").append(l.inSync() ? "in-sync\">Asterisk: in sync" : "out-of-sync\">Asterisk: not in sync")
                .append("</p>");
        b.append("<p class=\"fetch\">config fetched: ")
                .append(w.lastFetch().map(t -> esc(when(t, zone))).orElse("never")).append("</p>");
        b.append("<p class=\"registered\">registered: not known to hotdesk</p>");
        if (!troubles.isEmpty()) {
            b.append("<ul class=\"why\">");
            troubles.forEach(t -> b.append("<li>").append(esc(t)).append("</li>"));
            b.append("</ul>");
        }
        if (admin && l.occupancy().isPresent()) {
            b.append("<button type=\"button\" class=\"logout\" data-desk=\"").append(esc(ep)).append("\" data-who=\"")
                    .append(esc(userText)).append("\" data-label=\"").append(esc(label)).append("\">Log out</button>");
        }
        b.append("</article>");
        return b.toString();
    }

    static String tiles(List<DeskStatus.Watched> lines, ZoneId zone, boolean admin) {
        StringBuilder b = new StringBuilder(lines.size() * 600 + 64);
        lines.forEach(w -> b.append(tile(w, zone, admin)).append('\n'));
        return b.toString();
    }

    private static String head(String title, BoardSignIn.Signed s) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + (s == null ? "" : "<meta name=\"csrf-token\" content=\"" + esc(s.csrfToken()) + "\">")
                + "<link rel=\"stylesheet\" href=\"/board/board.css\"></head>\n<body>";
    }

    private static String nav(BoardSignIn.Signed s, String csrf) {
        return "<header><nav><a href=\"/board\">Desks</a> <a href=\"/board/usage\">Usage</a></nav>"
                + "<form method=\"post\" action=\"/signout\" class=\"signout\"><span class=\"who\">" + esc(s.name()) + " ("
                + s.role().label() + ")</span> <input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">"
                + "<button type=\"submit\">Sign out</button></form></header>\n";
    }

    static String board(List<DeskStatus.Watched> lines, List<String> sites, Optional<String> site, ZoneId zone,
                        BoardSignIn.Signed s) {
        StringBuilder b = new StringBuilder(lines.size() * 620 + 4096);
        b.append(head("Desk board", s)).append(nav(s, s.csrfToken()));
        b.append("<main><h1>Desk board").append(site.map(x -> ": " + esc(x)).orElse("")).append("</h1>");
        b.append("<div class=\"controls\"><label>Search <input id=\"filter\" type=\"search\" placeholder=\"label, user or site\""
                + " autocomplete=\"off\"></label> <span>Site: <a href=\"/board\">all</a>");
        for (String x : sites) {
            b.append(" <a href=\"/board?site=").append(esc(java.net.URLEncoder.encode(x, java.nio.charset.StandardCharsets.UTF_8)))
                    .append("\">").append(esc(x)).append("</a>");
        }
        b.append("</span> <span id=\"live\" class=\"live\">connecting…</span> <span id=\"count\"></span>"
                + " <span id=\"message\" role=\"status\"></span></div>\n");
        b.append("<section id=\"tiles\" class=\"tiles\">\n").append(tiles(lines, zone, s.admin())).append("</section></main>");
        b.append("<script src=\"/board/board.js\"></script></body></html>\n");
        return b.toString();
    }

    static String signIn(String csrf, String problem) {
        return head("Sign in: hotdesk", null) + "<main class=\"signin\"><h1>hotdesk desk board</h1>"
                + (problem.isEmpty() ? "" : "<p class=\"problem\" role=\"alert\">" + esc(problem) + "</p>")
                + "<form method=\"post\" action=\"/signin\"><input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">"
                + "<label>Name <input id=\"name\" name=\"name\" autocomplete=\"username\" required></label>"
                + "<label>Password <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
                + "<button id=\"signin\" type=\"submit\">Sign in</button></form></main></body></html>\n";
    }

    static String usage(OccupancyStats.Report r, List<String> svgs, String fromText, String toText, Optional<String> site,
                        String problem, BoardSignIn.Signed s) {
        StringBuilder b = new StringBuilder(64_000);
        b.append(head("Desk usage", s)).append(nav(s, s.csrfToken()));
        b.append("<main><h1>Desk usage</h1><form method=\"get\" action=\"/board/usage\" class=\"controls\">"
                + "<label>From <input type=\"date\" name=\"from\" value=\"").append(esc(fromText)).append("\"></label>"
                + " <label>To <input type=\"date\" name=\"to\" value=\"").append(esc(toText)).append("\"></label>"
                + " <label>Site <input name=\"site\" value=\"").append(esc(site.orElse(""))).append("\"></label>"
                + " <button type=\"submit\">Show</button></form>");
        if (!problem.isEmpty()) {
            b.append("<p class=\"problem\" role=\"alert\">").append(esc(problem)).append("</p></main></body></html>\n");
            return b.toString();
        }
        b.append("<p>").append(esc(when(r.from(), r.zone()))).append(" to ").append(esc(when(r.to(), r.zone())))
                .append(" (").append(esc(r.zone().getId())).append(")</p>");
        b.append("<div class=\"charts\">");
        svgs.forEach(svg -> b.append("<figure class=\"chart\">").append(svg).append("</figure>"));
        b.append("</div><table id=\"usage\"><thead><tr><th>Desk</th><th>Site</th><th>Hours occupied</th><th>Utilisation</th>"
                + "<th>Logins</th><th>Distinct users</th></tr></thead><tbody>");
        for (OccupancyStats.DeskRow d : r.desks()) {
            b.append("<tr><td>").append(esc(d.desk().label())).append("</td><td>").append(esc(d.desk().site())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", d.occupiedHours())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.0f %%", d.utilisation() * 100)).append("</td><td>").append(d.logins())
                    .append("</td><td>").append(d.distinctUsers()).append("</td></tr>");
        }
        b.append("</tbody><tfoot>");
        for (OccupancyStats.SiteRow x : r.sites()) {
            b.append("<tr class=\"site\"><td>site total</td><td>").append(esc(x.site())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", x.occupiedHours())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.0f %%", x.utilisation() * 100)).append("</td><td>").append(x.logins())
                    .append("</td><td>").append(x.distinctUsers()).append("</td></tr>");
        }
        b.append("</tfoot></table></main></body></html>\n");
        return b.toString();
    }

    /** A JSON string literal. */
    static String json(String s) {
        return hotdesk.web.JsonText.quoteForHtml(s);
    }
}
