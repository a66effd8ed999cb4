package hotdesk.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputTest {

    @Test
    void json_writes_objects_lists_and_scalars_in_order() {
        // given
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("extension", "101");
        m.put("revision", 42L);
        m.put("inSync", true);
        m.put("lastError", null);
        m.put("lines", List.of(1, 2));

        // when / then
        assertThat(Output.json(List.of(m, Map.of())))
                .isEqualTo("[{\"extension\":\"101\",\"revision\":42,\"inSync\":true,\"lastError\":null,\"lines\":[1,2]},{}]");
    }

    @Test
    void every_string_survives_a_json_parser_unchanged() throws Exception {
        // given every control character, quotes, backslashes, non-ASCII and a surrogate pair
        StringBuilder nasty = new StringBuilder("quote \" backslash \\ slash / é € 😀 \u2028 \u007f ");
        for (char c = 0; c < 0x20; c++) {
            nasty.append(c);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(nasty.toString(), nasty.toString());
        m.put("list", Arrays.asList("a", null, false, Long.MAX_VALUE));

        // when
        String json = Output.json(m);

        // then
        assertThat(new ObjectMapper().readValue(json, Map.class)).isEqualTo(m);
        assertThat(json).doesNotContain("\n").contains("\\u0000", "\\n", "\\t", "\\\"", "\\\\");
    }

    @Test
    void a_json_listing_written_one_object_at_a_time_is_the_json_of_the_whole_list() {
        for (List<Integer> items : List.of(List.<Integer>of(), List.of(7), List.of(1, 2, 3))) {
            picocli.CommandLine.Model.CommandSpec spec = picocli.CommandLine.Model.CommandSpec.create();
            java.io.StringWriter out = new java.io.StringWriter();
            new picocli.CommandLine(spec).setOut(new java.io.PrintWriter(out));
            java.util.function.Function<Integer, Map<String, Object>> describe = i -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("n", i);
                m.put("name", "desk \"" + i + "\"");
                return m;
            };

            assertThat(Output.listing(spec, true, items, describe, List.of("N"), i -> List.of(i.toString()))).isZero();

            assertThat(out.toString()).isEqualTo(Output.json(items.stream().map(describe).toList()) + System.lineSeparator());
        }
    }

    @Test
    void a_table_pads_each_column_to_its_widest_cell_plus_two_and_drops_trailing_blanks() {
        List<String> header = List.of("ENDPOINT", "LABEL", "USER");
        List<List<String>> rows = List.of(
                List.of("hd-0015651234ab", "Desk 1", "101 Alice"),
                List.of("hd-2", "", ""),                         // empty cells at the end: no trailing blanks
                List.of("hd-3", "Büro 3 😀", "102 Bob  "),       // the last cell's own trailing blanks go too
                List.of("", "a very long label", "-"));
        java.io.StringWriter out = new java.io.StringWriter();

        Output.table(new java.io.PrintWriter(out), header, rows);

        String nl = System.lineSeparator();
        assertThat(out.toString()).isEqualTo(
                "ENDPOINT         LABEL              USER" + nl
                        + "hd-0015651234ab  Desk 1             101 Alice" + nl
                        + "hd-2" + nl
                        + "hd-3             Büro 3 😀          102 Bob" + nl
                        + "                 a very long label  -" + nl);
    }

    @Test
    void a_value_without_a_json_form_is_a_programming_error_naming_its_type() {
        assertThatThrownBy(() -> Output.json(Map.of("at", Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.time.Instant");
        assertThatThrownBy(() -> Output.json(Map.of(1, "one")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys must be strings");
    }
}
