package hotdesk.core.usecase;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SoftKeptTest {

    @Test
    void a_value_the_collector_dropped_reads_as_absent_and_its_entry_goes() {
        SoftKept<String, String> kept = new SoftKept<>();
        kept.put("a", "1");
        kept.put("b", "2");

        kept.dropAllAsTheCollectorMay();

        assertThat(kept.size()).as("entries stay until looked at").isEqualTo(2);
        assertThat(kept.held()).isZero();
        assertThat(kept.get("a")).isNull();
        assertThat(kept.containsKey("a")).isFalse();
        kept.removeIf(v -> false);
        assertThat(kept.size()).as("an emptied entry goes with any sweep").isZero();
    }

    @Test
    void update_replaces_a_held_value_keeps_it_when_unchanged_and_does_nothing_without_one() {
        SoftKept<String, String> kept = new SoftKept<>();
        kept.put("a", "1");

        kept.update("a", v -> v + "+");
        kept.update("a", v -> v);
        kept.update("none", v -> "made");

        assertThat(kept.get("a")).isEqualTo("1+");
        assertThat(kept.get("none")).isNull();
        kept.removeIf("1+"::equals);
        assertThat(kept.size()).isZero();
    }
}
