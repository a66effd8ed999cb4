package hotdesk.cli;

import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnifiedDiffTest {

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "l" + i + "\n").collect(Collectors.joining());
    }

    @Test
    void the_same_lines_give_no_diff_whatever_the_line_ends() {
        assertThat(UnifiedDiff.of("a", "x\ny\n", "b", "x\r\ny")).isEmpty();
        assertThat(UnifiedDiff.of("a", "", "b", "")).isEmpty();
    }

    @Test
    void a_change_gets_three_lines_of_context_and_far_apart_changes_get_hunks_of_their_own() {
        String before = lines(1, 20);
        String after = before.replace("l2\n", "L2\n").replace("l18\n", "L18\n");

        assertThat(UnifiedDiff.of("old", before, "new", after)).isEqualTo("""
                --- old
                +++ new
                @@ -1,5 +1,5 @@
                 l1
                -l2
                +L2
                 l3
                 l4
                 l5
                @@ -15,6 +15,6 @@
                 l15
                 l16
                 l17
                -l18
                +L18
                 l19
                 l20
                """);
    }

    @Test
    void changes_close_together_share_a_hunk_and_additions_to_an_empty_file_start_at_zero() {
        String before = lines(1, 10);
        String after = before.replace("l3\n", "").replace("l8\n", "l8\nnew\n");

        assertThat(UnifiedDiff.of("old", before, "new", after)).isEqualTo("""
                --- old
                +++ new
                @@ -1,10 +1,10 @@
                 l1
                 l2
                -l3
                 l4
                 l5
                 l6
                 l7
                 l8
                +new
                 l9
                 l10
                """);
        assertThat(UnifiedDiff.of("old", "", "new", "a\n")).isEqualTo("--- old\n+++ new\n@@ -0,0 +1,1 @@\n+a\n");
    }

    @Test
    void texts_too_large_to_compare_are_refused() {
        String big = lines(1, 5000);
        assertThatThrownBy(() -> UnifiedDiff.of("a", big, "b", big + "x\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
    }
}
