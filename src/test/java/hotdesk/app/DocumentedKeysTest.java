package hotdesk.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration key named in the documentation (README files, the shipped Asterisk files and
 * templates, scripts) and in the string literals of the production code (error messages, generated
 * files) is a key {@link Config} accepts: an admin who follows a message or a document can set it.
 */
class DocumentedKeysTest {

    private static final String FAMILIES = "db|agi|ami|ari|provisioning|pjsip|users|security|login|lockout|otp|reconcile|codes|"
            + "emergency|asterisk|notify|node|prompts";
    /** {@code family.name[.more]}, not part of a longer dotted name, a path or a Velocity reference. */
    private static final Pattern KEY = Pattern.compile("(?<![\\w.$/@-])(?:" + FAMILIES + ")\\.[a-z0-9*<][a-z0-9_*<>-]*(?:\\.[a-z0-9*<][a-z0-9_*<>-]*)*");
    /** A file name such as pjsip.conf, not a key. */
    private static final Set<String> FILE_SUFFIXES = Set.of("conf", "cfg", "md", "java", "xml", "vm", "properties", "sql", "txt", "jar", "service");
    /** Dotted names of another kind that share a family's first word: audit actions, a ledger column, the webhook's event names. */
    private static final Set<String> NOT_KEYS = Set.of("otp.issue", "login.rejected", "login.alert", "users.login_policy",
            "emergency.call", "emergency.test");
    private static final Set<String> DOC_SUFFIXES = Set.of(".md", ".conf", ".vm", ".cfg", ".xml", ".properties", ".sh");

    @Test
    void every_key_named_in_docs_and_messages_is_a_real_key() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (Path doc : docs()) {
            check(doc, Files.readString(doc, StandardCharsets.UTF_8), false, unknown);
        }
        try (Stream<Path> java = Files.walk(Path.of("src/main/java"))) {
            for (Path source : java.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String literal : stringLiterals(Files.readString(source, StandardCharsets.UTF_8))) {
                    check(source, literal, true, unknown);
                }
            }
        }
        assertThat(unknown).as("names of keys that Config does not accept").isEmpty();
    }

    @Test
    void the_scan_finds_keys_in_literals_and_docs_and_knows_a_false_one() {
        List<String> found = new ArrayList<>();
        for (String literal : stringLiterals("x(\"provisioning.template-dir must\" + a, \"agi.prompt.\" + k, 'c', \"pjsip.conf\");")) {
            check(Path.of("X.java"), literal, true, found);
        }
        check(Path.of("README.md"), "set `ami.secret`. See `notify.event.<vendor>`, `codes.*` and `hotdesk.agi.Prompts`.", false, found);

        assertThat(found).containsExactly("X.java: provisioning.template-dir", "X.java: agi.prompt.");
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md"), Path.of("BENCHMARKS.md"), Path.of("Dockerfile")));
        for (String dir : List.of("asterisk-conf", "templates", "scripts", "src/main/resources", ".ci")) {
            try (Stream<Path> files = Files.walk(Path.of(dir))) {
                files.filter(Files::isRegularFile)
                        .filter(p -> p.startsWith("scripts") || p.startsWith(".ci")
                                || DOC_SUFFIXES.stream().anyMatch(s -> p.toString().endsWith(s)))
                        .forEach(docs::add);
            }
        }
        return docs;
    }

    private static void check(Path where, String text, boolean literal, List<String> unknown) {
        Matcher m = KEY.matcher(text);
        while (m.find()) {
            String name = m.group();
            String last = name.substring(name.lastIndexOf('.') + 1);
            if (FILE_SUFFIXES.contains(last) || NOT_KEYS.contains(name)) {
                continue;
            }
            // "agi.prompt." + key in a message names a family; so do notify.event.<vendor> and codes.*
            boolean family = literal && m.end() == text.length() - 1 && text.charAt(m.end()) == '.';
            int open = firstOf(name, '*', '<');
            String prefix = open >= 0 ? name.substring(0, open) : family ? name + "." : null;
            boolean real = prefix == null ? Config.accepts(name)
                    : Config.accepts(prefix + "x") || Config.KEYS.stream().anyMatch(k -> k.name().startsWith(prefix));
            if (!real) {
                unknown.add(where + ": " + (prefix == null ? name : prefix));
            }
        }
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /** The contents of the string literals and text blocks of a Java source, comments skipped. */
    static List<String> stringLiterals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                i = Math.max(src.indexOf('\n', i), i + 1);
                if (src.indexOf('\n', i - 1) < 0) {
                    break;
                }
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? src.length() : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? src.length() : end;
                out.add(src.substring(i + 3, end));
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != c) {
                    if (src.charAt(j) == '\\' && j + 1 < src.length()) {
                        char e = src.charAt(j + 1);
                        b.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                        j += 2;
                    } else {
                        b.append(src.charAt(j++));
                    }
                }
                if (c == '"') {
                    out.add(b.toString());
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
