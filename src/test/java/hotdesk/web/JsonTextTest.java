package hotdesk.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_kind_of_character_comes_back_as_it_went_in() throws Exception {
        StringBuilder all = new StringBuilder("\"'\\/<>&é😀 ");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u007f').append('\u2028').append('\u2029');
        String s = all.toString();

        String quoted = JsonText.quote(s);

        assertThat(JSON.readTree(quoted).asText()).isEqualTo(s);
        assertThat(quoted).doesNotContainPattern("[\\x00-\\x1f\\x7f\\u2028\\u2029]")
                .contains("\\n", "\\r", "\\t", "\\b", "\\f", "\\u0000", "\\u001f", "\\u007f", "\\u2028", "\\\"", "\\\\", "😀");
        assertThat(JsonText.quote(new StringBuilder("x"), s).toString()).isEqualTo("x" + quoted);
    }

    @Test
    void half_a_surrogate_pair_is_escaped_and_a_whole_one_kept() {
        assertThat(JsonText.quote("a\ud800b\udc00c")).isEqualTo("\"a\\ud800b\\udc00c\"");
        assertThat(JsonText.quote("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\"");
        assertThat(JsonText.quote("\ude00\ud83d")).isEqualTo("\"\\ude00\\ud83d\"");
    }

    @Test
    void for_a_page_no_tag_can_close_the_script() throws Exception {
        String s = "</script><b>";

        String quoted = JsonText.quoteForHtml(s);

        assertThat(quoted).doesNotContain("<").isEqualTo("\"\\u003c/script>\\u003cb>\"");
        assertThat(JSON.readTree(quoted).asText()).isEqualTo(s);
        assertThat(JsonText.quote(s)).isEqualTo("\"</script><b>\"");
    }
}
