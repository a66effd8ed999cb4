package hotdesk.selfservice;

/**
 * The desk page's HTML: small, mobile-first, no script, every value escaped. The wording of a refusal
 * is the phone's: a wrong PIN, an unknown extension and a user without hot-desk rights all read
 * {@link #BAD_CREDENTIALS}, as the phone says "Login incorrect".
 */
final class Pages {

    static final String BAD_CREDENTIALS = "Login incorrect.";
    static final String LOCKED = "Too many failed logins: please try again later.";
    static final String ALREADY_SEATED = "You are logged in at another desk: log out there first.";
    static final String NOT_AVAILABLE = "This desk is not available for hot desking right now.";

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:0;padding:1.2rem;max-width:26rem;margin:auto;color:#111}
            h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}
            input{font-size:1.3rem;width:100%;box-sizing:border-box;padding:.5rem}
            button{font-size:1.2rem;width:100%;padding:.7rem;margin-top:1rem}
            .problem{color:#a00;font-weight:bold}""";

    private Pages() {
    }

    static String html(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + html(title) + "</title><style>" + STYLE + "</style></head>\n<body>\n" + body + "\n</body></html>\n";
    }

    static String signIn(String label, String key, String csrf, String problem) {
        return page("Sign in at " + label, "<h1>" + html(label) + "</h1>\n"
                + (problem.isEmpty() ? "" : "<p class=\"problem\" role=\"alert\">" + html(problem) + "</p>\n")
                + "<form method=\"post\" action=\"/desk/" + html(key) + "\">\n"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + html(csrf) + "\">\n"
                + "<label for=\"extension\">Extension</label>"
                + "<input id=\"extension\" name=\"extension\" inputmode=\"numeric\" pattern=\"[0-9]*\" autocomplete=\"username\" required>\n"
                + "<label for=\"pin\">PIN</label>"
                + "<input id=\"pin\" name=\"pin\" type=\"password\" inputmode=\"numeric\" pattern=\"[0-9]*\" "
                + "autocomplete=\"current-password\" required>\n"
                + "<button type=\"submit\">Use this desk</button>\n</form>");
    }

    static String signedIn(String label, String name, String key, String csrf, String seat) {
        return page(label, "<h1>" + html(label) + "</h1>\n<p>This desk is yours, " + html(name)
                + ". The phone shows your line within a few seconds.</p>\n"
                + "<form method=\"post\" action=\"/desk/" + html(key) + "/logout\">\n"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + html(csrf) + "\">\n"
                + "<input type=\"hidden\" name=\"seat\" value=\"" + html(seat) + "\">\n"
                + "<button type=\"submit\">Log out of this desk</button>\n</form>");
    }

    static String message(String title, String text) {
        return page(title, "<h1>" + html(title) + "</h1>\n<p>" + html(text) + "</p>");
    }

    /** The one page of every unknown path and every unknown desk key. */
    static String notFound() {
        return page("Not found", "<h1>Not found</h1>\n<p>There is nothing here.</p>");
    }
}
