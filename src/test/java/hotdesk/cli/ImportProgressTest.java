package hotdesk.cli;

import hotdesk.core.usecase.Import;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class ImportProgressTest {

    private final StringWriter err = new StringWriter();

    @Test
    void a_short_file_without_a_terminal_shows_nothing() {
        assertThat(ImportProgress.of(new PrintWriter(err), ImportProgress.LARGE, false)).isSameAs(Import.Progress.NONE);
    }

    @Test
    void a_large_file_without_a_terminal_gets_a_plain_line_per_tenth() {
        Import.Progress p = ImportProgress.of(new PrintWriter(err), ImportProgress.LARGE + 1, false);

        for (int i = 0; i <= 200; i++) {
            p.step("pins", i, 200);
        }

        assertThat(err.toString().lines()).hasSize(11).startsWith("hotdesk: pins 0/200 (0%)", "hotdesk: pins 20/200 (10%)")
                .endsWith("hotdesk: pins 200/200 (100%)");
        assertThat(err.toString()).doesNotContain("\r");
    }

    @Test
    void a_terminal_gets_one_line_rewritten_per_percent_and_ended_at_the_end() {
        Import.Progress p = ImportProgress.of(new PrintWriter(err), 3, true);

        for (int i = 0; i <= 200; i++) {
            p.step("pins", i, 200);
        }

        assertThat(err.toString()).startsWith("\rhotdesk: pins 0/200 (0%)\rhotdesk: pins 2/200 (1%)")
                .endsWith("\rhotdesk: pins 200/200 (100%)\n");
        assertThat(err.toString().split("\r")).hasSize(102);
    }
}
