package hotdesk.asteriskconf;

import hotdesk.core.policy.DialCodePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsteriskConfSettingsTest {

    static final AsteriskConfSettings D = AsteriskConfSettings.defaults();

    static AsteriskConfSettings with(String key, String value) {
        return new AsteriskConfSettings(D.codes(),
                key.equals("asterisk.agi-url") ? value : D.agiUrl(),
                key.equals("pjsip.idle-context") ? value : D.idleContext(),
                D.idleInternalCalls(),
                key.equals("asterisk.internal-pattern") ? value : D.internalPattern(),
                key.equals("ami.user") ? value : D.amiUser(),
                key.equals("ami.secret") ? value : D.amiSecret(),
                key.equals("ari.user") ? value : D.ariUser(),
                key.equals("ari.password") ? value : D.ariPassword());
    }

    @Test
    void the_defaults_are_valid_and_match_hotdesks_configuration_defaults() {
        assertThat(D.codes()).isEqualTo(DialCodePlan.defaults());
        assertThat(D.agiUrl()).isEqualTo("agi://127.0.0.1:4573");
        assertThat(D.idleContext()).isEqualTo("hotdesk-idle");
        assertThat(D.idleInternalCalls()).isFalse();
        assertThat(D.internalPattern()).isEqualTo("_1XX");
        assertThat(D.amiUser()).isEqualTo("hotdesk");
        assertThat(D.amiSecret()).isEqualTo("hotdesk-ami-change-me");
        assertThat(D.ariUser()).isEqualTo("hotdesk");
        assertThat(D.ariPassword()).isEqualTo("hotdesk-ari-change-me");
        assertThat(D.pjsipWizard()).isEqualTo(AsteriskConfSettings.PjsipWizard.ASTDB);
        assertThat(D.amiTestUser()).isEqualTo("hotdesk-test");
        assertThat(D.amiTestSecret()).isEqualTo("hotdesk-ami-test-change-me");
    }

    @Test
    void the_test_call_user_is_checked_like_the_others_and_may_not_be_the_ami_user() {
        assertThatThrownBy(() -> new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), false, D.internalPattern(),
                D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard(), "HotDesk", "another-secret-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ami.test-user must differ from ami.user ('hotdesk')");
        assertThatThrownBy(() -> new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), false, D.internalPattern(),
                D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard(), "general", "another-secret-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ami.test-user cannot be 'general'");
        assertThatThrownBy(() -> new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), false, D.internalPattern(),
                D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard(), "hd-test", "short;1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ami.test-secret must be 8 to 128")
                .hasMessageNotContaining("short;1");
        assertThat(new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), false, D.internalPattern(),
                D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard(), "hd-test", "another-secret-1")
                .toString()).contains("ami.test-user=hd-test", "ami.test-secret=****").doesNotContain("another-secret-1");
        AsteriskConfSettings off = new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), false, D.internalPattern(),
                D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), D.pjsipWizard(), "", "x");
        assertThat(off.testCalls()).isFalse();
        assertThat(off.amiTestSecret()).isEmpty();
        assertThat(D.testCalls()).isTrue();
    }

    @Test
    void the_pjsip_wizard_is_memory_or_astdb_in_any_case_and_anything_else_fails_naming_the_key() {
        assertThat(AsteriskConfSettings.PjsipWizard.of("memory")).isEqualTo(AsteriskConfSettings.PjsipWizard.MEMORY);
        assertThat(AsteriskConfSettings.PjsipWizard.of(" AstDB ")).isEqualTo(AsteriskConfSettings.PjsipWizard.ASTDB);
        assertThat(AsteriskConfSettings.PjsipWizard.ASTDB).hasToString("astdb");

        for (String bad : new String[]{"realtime", "", "memory\n[evil]"}) {
            assertThatThrownBy(() -> AsteriskConfSettings.PjsipWizard.of(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("asterisk.pjsip-wizard must be memory or astdb")
                    .hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> new AsteriskConfSettings(D.codes(), D.agiUrl(), D.idleContext(), false, D.internalPattern(),
                D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("asterisk.pjsip-wizard");
    }

    @ParameterizedTest
    @ValueSource(strings = {"agi://127.0.0.1", "agi://127.0.0.1:4573", "agi://hotdesk.example.org:1", "agi://[::1]:4573",
            "agi://localhost:65535"})
    void agi_urls_of_host_and_port_are_accepted(String url) {
        assertThat(with("asterisk.agi-url", url).agiUrl()).isEqualTo(url);
    }

    static Stream<Arguments> bad_settings() {
        return Stream.of(
                Arguments.of("asterisk.agi-url", null, "asterisk.agi-url must look like agi://host[:port] (no path), got 'null'"),
                Arguments.of("asterisk.agi-url", "http://127.0.0.1:4573", "asterisk.agi-url must look like agi://host[:port]"),
                Arguments.of("asterisk.agi-url", "agi://127.0.0.1:4573/hotdesk-login", "asterisk.agi-url must look like"),
                Arguments.of("asterisk.agi-url", "agi://127.0.0.1:4573,x", "asterisk.agi-url must look like"),
                Arguments.of("asterisk.agi-url", "agi://a b", "asterisk.agi-url must look like"),
                Arguments.of("asterisk.agi-url", "agi://-bad-", "asterisk.agi-url must look like"),
                Arguments.of("asterisk.agi-url", "agi://127.0.0.1:0", "asterisk.agi-url port must be 1..65535, got 0"),
                Arguments.of("asterisk.agi-url", "agi://127.0.0.1:70000", "asterisk.agi-url port must be 1..65535, got 70000"),
                Arguments.of("asterisk.agi-url", "agi://127.0.0.1\n[evil]", "asterisk.agi-url must look like agi://host[:port] (no path), got 'agi://127.0.0.1?[evil]'"),
                Arguments.of("pjsip.idle-context", null, "pjsip.idle-context must be a dialplan context name"),
                Arguments.of("pjsip.idle-context", "", "pjsip.idle-context must be a dialplan context name"),
                Arguments.of("pjsip.idle-context", "idle;x", "pjsip.idle-context must be a dialplan context name"),
                Arguments.of("pjsip.idle-context", "idle]\n[evil", "pjsip.idle-context must be a dialplan context name"),
                Arguments.of("pjsip.idle-context", "a".repeat(80), "pjsip.idle-context must be a dialplan context name"),
                Arguments.of("pjsip.idle-context", "globals", "pjsip.idle-context cannot be 'globals': that name is taken (an extensions.conf section)"),
                Arguments.of("pjsip.idle-context", "General", "pjsip.idle-context cannot be 'General'"),
                Arguments.of("pjsip.idle-context", "hotdesk-codes", "pjsip.idle-context cannot be 'hotdesk-codes': that name is taken (a context the generated dialplan defines)"),
                Arguments.of("pjsip.idle-context", "hotdesk-emergency-out", "pjsip.idle-context cannot be 'hotdesk-emergency-out'"),
                Arguments.of("asterisk.internal-pattern", null, "asterisk.internal-pattern must be given"),
                Arguments.of("asterisk.internal-pattern", "", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: must be 1 to 40 characters"),
                Arguments.of("asterisk.internal-pattern", "_", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: a pattern needs at least one position"),
                Arguments.of("asterisk.internal-pattern", "_.", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: a pattern needs at least one position"),
                Arguments.of("asterisk.internal-pattern", "_1X!", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: '!' (overlap dialling) is not supported"),
                Arguments.of("asterisk.internal-pattern", "_1.X", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: '.' may only end the pattern"),
                Arguments.of("asterisk.internal-pattern", "_[1-", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: '[' without ']'"),
                Arguments.of("asterisk.internal-pattern", "_[]XX", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: a [set] may hold only"),
                Arguments.of("asterisk.internal-pattern", "_[a-c]XX", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: a [set] may hold only"),
                Arguments.of("asterisk.internal-pattern", "_1XX;", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: a pattern may hold only"),
                Arguments.of("asterisk.internal-pattern", "_1XX,1,Dial(x)", "asterisk.internal-pattern must be an Asterisk extension"),
                Arguments.of("asterisk.internal-pattern", "_1XX\n", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: a pattern may hold only 0-9 * # + X Z N [sets] and a final '.', got '_1XX?'"),
                Arguments.of("asterisk.internal-pattern", "1a", "asterisk.internal-pattern must be an Asterisk extension like 100 or pattern like _1XX: an exact number may hold only 0-9 * # +"),
                Arguments.of("asterisk.internal-pattern", "_X.", "asterisk.internal-pattern _X. also matches numbers that begin with the feature code 00* (codes.otp): choose a pattern no feature code can begin"),
                Arguments.of("asterisk.internal-pattern", "_00.", "asterisk.internal-pattern _00. also matches numbers that begin with the feature code 00* (codes.otp)"),
                Arguments.of("asterisk.internal-pattern", "_[*0-9]X.", "asterisk.internal-pattern _[*0-9]X. also matches numbers that begin with the feature code *70 (codes.login)"),
                Arguments.of("asterisk.internal-pattern", "_*7X.", "asterisk.internal-pattern _*7X. also matches numbers that begin with the feature code *70 (codes.login)"),
                Arguments.of("asterisk.internal-pattern", "_*77*XX", "asterisk.internal-pattern _*77*XX also matches numbers that begin with the feature code *77* (codes.login-star)"),
                Arguments.of("asterisk.internal-pattern", "*70123", "asterisk.internal-pattern *70123 also matches numbers that begin with the feature code *70 (codes.login)"),
                Arguments.of("asterisk.internal-pattern", "*71", "asterisk.internal-pattern *71 is also a feature code or emergency number"),
                Arguments.of("asterisk.internal-pattern", "112", "asterisk.internal-pattern 112 is also a feature code or emergency number"),
                Arguments.of("ami.user", null, "ami.user must be 1 to 64 letters, digits, _ . -, got 'null'"),
                Arguments.of("ami.user", "", "ami.user must be 1 to 64 letters"),
                Arguments.of("ami.user", "hot desk", "ami.user must be 1 to 64 letters"),
                Arguments.of("ami.user", "hotdesk]\n[admin", "ami.user must be 1 to 64 letters, digits, _ . -, got 'hotdesk]?[admin'"),
                Arguments.of("ami.user", "general", "ami.user cannot be 'general': [general] is the section that configures the whole module"),
                Arguments.of("ari.user", "GENERAL", "ari.user cannot be 'GENERAL'"),
                Arguments.of("ari.user", "a;b", "ari.user must be 1 to 64 letters"),
                Arguments.of("ari.user", "x".repeat(65), "ari.user must be 1 to 64 letters"));
    }

    @ParameterizedTest
    @MethodSource
    void bad_settings(String key, String value, String message) {
        assertThatThrownBy(() -> with(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "has space inside", "semi;colon-secret", "back\\slash-secret", "new\nline-secret",
            "tab\tinside-secret", "nul\u0000inside-secret", "ümlaut-secret", ""})
    void secrets_that_would_break_a_config_file_are_refused_without_being_echoed(String secret) {
        for (String key : new String[]{"ami.secret", "ari.password"}) {
            assertThatThrownBy(() -> with(key, secret))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + " must be 8 to 128 printable ASCII characters without spaces, ; or \\ (Asterisk config files read ; as a comment)");
        }
    }

    @Test
    void a_missing_secret_or_code_plan_is_refused() {
        assertThatThrownBy(() -> with("ami.secret", null)).hasMessageStartingWith("ami.secret must be 8 to 128");
        assertThatThrownBy(() -> with("ari.password", "x".repeat(129))).hasMessageStartingWith("ari.password must be 8 to 128");
        assertThatThrownBy(() -> new AsteriskConfSettings(null, D.agiUrl(), D.idleContext(), false, D.internalPattern(),
                D.amiUser(), D.amiSecret(), D.ariUser(), D.ariPassword()))
                .hasMessage("codes.* and emergency.numbers must be given");
    }

    @ParameterizedTest
    @ValueSource(strings = {"_1XX", "_[2-8]XX", "_1XXX", "_XXX", "_NXX", "_ZXX", "_+X.", "_1.", "100", "_2[0-4]X", "_1xx"})
    void internal_patterns_that_leave_the_feature_codes_alone_are_accepted(String pattern) {
        assertThat(with("asterisk.internal-pattern", pattern).internalPattern()).isEqualTo(pattern);
    }

    @Test
    void the_internal_pattern_is_checked_against_the_codes_actually_configured() {
        DialCodePlan custom = DialCodePlan.of("#1", "*8*", "**9", "#0,*9", "110,112");

        // _X. is harmless when no feature code begins with a digit
        AsteriskConfSettings s = new AsteriskConfSettings(custom, D.agiUrl(), D.idleContext(), true, "_X.", D.amiUser(),
                D.amiSecret(), D.ariUser(), D.ariPassword());
        assertThat(s.internalPattern()).isEqualTo("_X.");
        // but _#X. would compete with #1 + extension
        assertThatThrownBy(() -> new AsteriskConfSettings(custom, D.agiUrl(), D.idleContext(), true, "_#X.", D.amiUser(),
                D.amiSecret(), D.ariUser(), D.ariPassword()))
                .hasMessageStartingWith("asterisk.internal-pattern _#X. also matches numbers that begin with the feature code #1 (codes.login)");
    }

    @Test
    void to_string_shows_the_settings_but_never_the_secrets() {
        AsteriskConfSettings s = with("ami.secret", "Sup3r-Secret-AMI");
        s = new AsteriskConfSettings(s.codes(), s.agiUrl(), s.idleContext(), s.idleInternalCalls(), s.internalPattern(),
                s.amiUser(), s.amiSecret(), s.ariUser(), "Sup3r-Secret-ARI");

        assertThat(s.toString())
                .contains("asterisk.agi-url=agi://127.0.0.1:4573", "codes.login=*70", "ami.user=hotdesk", "ami.secret=****")
                .doesNotContain("Sup3r-Secret-AMI", "Sup3r-Secret-ARI");
    }
}
