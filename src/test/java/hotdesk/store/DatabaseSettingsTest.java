package hotdesk.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSettingsTest {

    @Test
    void the_embedded_ledger_is_an_absolute_h2_file_in_postgresql_mode_shared_through_the_auto_server() {
        DatabaseSettings s = DatabaseSettings.h2(Path.of("data", "hotdesk"));

        String file = Path.of("data", "hotdesk").toAbsolutePath().normalize().toString();
        assertThat(s.url()).isEqualTo("jdbc:h2:file:" + file
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000;AUTO_SERVER=TRUE"
                + ";QUERY_CACHE_SIZE=64");
        assertThat(s.user()).isEqualTo(DatabaseSettings.H2_APP_USER); // its password comes from the credentials file
        assertThat(s.password()).isEmpty();
        assertThat(s.h2File()).isEqualTo(Path.of(file));
        assertThat(s.poolSize()).isBetween(1, 8);
        assertThat(s.isH2()).isTrue();
        assertThat(s.isPostgreSql()).isFalse();
    }

    @Test
    void db_path_names_the_directory_of_the_embedded_ledger_whose_files_are_called_hotdesk() {
        DatabaseSettings s = DatabaseSettings.embedded(Path.of("/var/lib/hotdesk"));

        assertThat(s).isEqualTo(DatabaseSettings.h2(Path.of("/var/lib/hotdesk/hotdesk")));
        assertThat(s.h2File()).isEqualTo(Path.of("/var/lib/hotdesk/hotdesk"));
        assertThatThrownBy(() -> DatabaseSettings.embedded(Path.of(""))).hasMessageStartingWith("db.path must name the directory");
    }

    @Test
    void an_h2_url_written_by_hand_with_every_option_the_ledger_needs_is_the_embedded_ledger_at_that_file() {
        DatabaseSettings byHand = new DatabaseSettings("jdbc:h2:/var/lib/hotdesk/ledger;AUTO_SERVER=TRUE;LOCK_TIMEOUT=5000"
                + ";mode=postgresql;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;TRACE_LEVEL_FILE=0", "", "", 4);
        DatabaseSettings postgres = new DatabaseSettings("jdbc:postgresql://127.0.0.1:5432/test", "", "", 4);

        assertThat(byHand.user()).isEqualTo(DatabaseSettings.H2_APP_USER);
        assertThat(byHand.h2File()).isEqualTo(Path.of("/var/lib/hotdesk/ledger"));
        assertThat(postgres.user()).isEmpty();
    }

    static java.util.stream.Stream<String> requiredOptions() {
        return DatabaseSettings.H2_REQUIRED.keySet().stream();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("requiredOptions")
    void an_h2_url_written_by_hand_that_lacks_an_option_the_ledger_needs_is_refused_naming_it(String option) {
        String complete = DatabaseSettings.h2(Path.of("/var/lib/hotdesk/ledger")).url();
        String without = complete.replaceAll(";" + option + "=[^;]*", "");

        assertThatThrownBy(() -> new DatabaseSettings(without, "", "", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.url '" + without + "' lacks " + option + "=" + DatabaseSettings.H2_REQUIRED.get(option))
                .hasMessageContaining("db.path");
    }

    @Test
    void the_url_of_the_defect_report_is_refused_naming_every_missing_option() {
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:h2:file:/var/lib/hotdesk/ledger", "", "", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.url 'jdbc:h2:file:/var/lib/hotdesk/ledger' lacks MODE=PostgreSQL, DATABASE_TO_LOWER=TRUE, "
                        + "DEFAULT_NULL_ORDERING=HIGH, LOCK_TIMEOUT=10000, AUTO_SERVER=TRUE")
                .hasMessageContaining("set db.path to the directory of the ledger");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AUTO_SERVER=FALSE", "MODE=MySQL", "DATABASE_TO_LOWER=FALSE", "DEFAULT_NULL_ORDERING=LOW",
            "LOCK_TIMEOUT=0", "LOCK_TIMEOUT=soon"})
    void an_h2_url_that_contradicts_an_option_the_ledger_needs_is_refused_naming_it(String contradiction) {
        String option = contradiction.substring(0, contradiction.indexOf('='));
        String url = DatabaseSettings.h2(Path.of("/var/lib/hotdesk/ledger")).url().replaceAll(option + "=[^;]*", contradiction);

        assertThatThrownBy(() -> new DatabaseSettings(url, "", "", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.url '" + url + "' has " + contradiction + " (needs " + option + "=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:h2:mem:ledger", "jdbc:h2:tcp://localhost/~/ledger", "jdbc:h2:file:", "jdbc:h2:zip:/x.zip!/ledger"})
    void an_h2_url_that_is_not_a_file_is_refused_naming_db_path(String url) {
        assertThatThrownBy(() -> new DatabaseSettings(url + DatabaseSettings.H2_OPTIONS, "", "", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.url: the embedded ledger must be an H2 file")
                .hasMessageContaining("db.path");
    }

    @Test
    void the_embedded_ledger_takes_no_user_or_password_from_the_configuration_or_the_url() {
        String url = DatabaseSettings.h2(Path.of("/var/lib/hotdesk/ledger")).url();

        assertThatThrownBy(() -> new DatabaseSettings(url, "sa", "", 4))
                .hasMessageStartingWith("db.user must be empty for the embedded H2 ledger").hasMessageContaining("'sa'");
        assertThatThrownBy(() -> new DatabaseSettings(url, "", "secret-1", 4))
                .hasMessageStartingWith("db.password must be empty for the embedded H2 ledger")
                .hasMessageNotContaining("secret-1");
        assertThatThrownBy(() -> new DatabaseSettings(url + ";USER=sa", "", "", 4))
                .hasMessageStartingWith("db.url must not set USER");
        assertThatThrownBy(() -> new DatabaseSettings(url + ";PASSWORD=secret-2", "", "", 4))
                .hasMessageStartingWith("db.url must not set PASSWORD")
                .hasMessageContaining("PASSWORD=****")
                .hasMessageNotContaining("secret-2");
    }

    @Test
    void a_file_name_given_with_the_h2_suffix_means_the_same_file() {
        assertThat(DatabaseSettings.h2(Path.of("/var/lib/hotdesk/ledger.mv.db")).url())
                .startsWith("jdbc:h2:file:/var/lib/hotdesk/ledger;");
    }

    @Test
    void a_file_name_with_a_semicolon_is_refused_because_it_would_add_h2_options() {
        assertThatThrownBy(() -> DatabaseSettings.h2(Path.of("/tmp/x;INIT=RUNSCRIPT FROM 'evil'")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.path must not contain ';'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://db/hotdesk", "postgresql://db/hotdesk", "jdbc:h2mem:x", "data/hotdesk"})
    void a_url_of_another_kind_is_refused_naming_db_url(String url) {
        assertThatThrownBy(() -> new DatabaseSettings(url, "u", "p", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.url must start with jdbc:h2: or jdbc:postgresql:")
                .hasMessageContaining(url);
    }

    @Test
    void a_refused_url_does_not_echo_a_password_written_into_it() {
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:mysql://db/hotdesk?user=x&password=hunter22", "u", "p", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("db.url")
                .hasMessageContaining("password=****")
                .hasMessageNotContaining("hunter22");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void a_missing_url_is_refused_naming_db_url(String url) {
        assertThatThrownBy(() -> new DatabaseSettings(url, "u", "p", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("db.url is required");
        assertThatThrownBy(() -> new DatabaseSettings(null, "u", "p", 4)).hasMessageStartingWith("db.url is required");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65, 1000})
    void a_pool_size_outside_1_to_64_is_refused_naming_db_pool_size(int size) {
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:postgresql://db/hotdesk", "u", "p", size))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("db.pool-size must be between 1 and 64, got " + size);
    }

    @Test
    void pool_sizes_1_and_64_are_fine_and_user_and_password_may_be_left_out() {
        DatabaseSettings one = new DatabaseSettings(" jdbc:postgresql://db/hotdesk ", null, null, 1);
        DatabaseSettings many = new DatabaseSettings("JDBC:PostgreSQL://db/hotdesk", "hotdesk", "pw", 64);

        assertThat(one.url()).isEqualTo("jdbc:postgresql://db/hotdesk");
        assertThat(one.user()).isEmpty();
        assertThat(one.password()).isEmpty();
        assertThat(many.isPostgreSql()).isTrue();
    }

    @Test
    void a_control_character_in_url_or_user_is_refused() {
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:postgresql://db/x\rmore", "u", "p", 4)).hasMessageStartingWith("db.url");
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:postgresql://db/x", "u\tx", "p", 4)).hasMessageStartingWith("db.user");
    }

    @Test
    void to_string_masks_the_password_also_where_the_url_carries_one() {
        DatabaseSettings s = new DatabaseSettings("jdbc:postgresql://db:5432/hotdesk?ssl=true&password=inurl-secret&x=1",
                "hotdesk", "field-secret", 8);

        assertThat(s.toString())
                .contains("jdbc:postgresql://db:5432/hotdesk?ssl=true&password=****&x=1", "user=hotdesk", "poolSize=8")
                .doesNotContain("inurl-secret", "field-secret");
        assertThat(s.password()).isEqualTo("field-secret");
    }

    @Test
    void masking_covers_h2_style_options_and_user_info() {
        assertThat(DatabaseSettings.mask("jdbc:h2:file:/x;USER=sa;PASSWORD=abc;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:file:/x;USER=sa;PASSWORD=****;MODE=PostgreSQL");
        assertThat(DatabaseSettings.mask("jdbc:postgresql://admin:topsecret@db:5432/hotdesk"))
                .isEqualTo("jdbc:postgresql://admin:****@db:5432/hotdesk");
    }
}
