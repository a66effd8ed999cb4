package hotdesk.core.policy;

import hotdesk.core.model.PhoneModels;
import hotdesk.core.model.UserKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class KeyLayoutTest {

    private static UserKey blf(int position) {
        return new UserKey(position, UserKey.Type.BLF, Integer.toString(100 + position), "");
    }

    private static Optional<PhoneModels.Model> model(String vendor, String name) {
        return PhoneModels.bundled().find(vendor, name);
    }

    @Test
    void keys_follow_the_logout_key_in_position_order_with_the_gaps_dropped() {
        KeyLayout l = KeyLayout.of(model("yealink", "T54W"), 1, List.of(blf(9), blf(2), blf(5)));

        assertThat(l.logoutKey()).isEqualTo(2);
        assertThat(l.firstKey()).isEqualTo(3);
        assertThat(l.lastKey()).isEqualTo(27);
        assertThat(l.capacity()).isEqualTo(25);
        assertThat(l.placed()).extracting(KeyLayout.Placed::index).containsExactly(3, 4, 5);
        assertThat(l.placed()).extracting(p -> p.key().position()).containsExactly(2, 5, 9);
        assertThat(l.overflow()).isEmpty();
        assertThat(l.at(4)).contains(blf(5));
        assertThat(l.at(6)).isEmpty();
    }

    @Test
    void keys_that_do_not_fit_are_the_overflow_the_highest_positions_first_to_go() {
        // VVX250: 4 line keys; line 1, logout 2, room for 2
        KeyLayout l = KeyLayout.of(model("polycom", "VVX250"), 1, List.of(blf(4), blf(1), blf(3), blf(2)));

        assertThat(l.placed()).extracting(p -> p.key().position()).containsExactly(1, 2);
        assertThat(l.overflow()).containsExactly(blf(3), blf(4));
    }

    @Test
    void a_model_without_room_an_unknown_model_and_a_grandstream_without_physical_keys_overflow_everything() {
        assertThat(KeyLayout.of(model("yealink", "T31P"), 1, List.of(blf(1))).overflow()).containsExactly(blf(1));
        assertThat(KeyLayout.of(Optional.empty(), 1, List.of(blf(1))).overflow()).containsExactly(blf(1));
        assertThat(KeyLayout.of(model("grandstream", "GXP2170"), 1, List.of(blf(1))).overflow()).containsExactly(blf(1));
        assertThat(KeyLayout.of(model("grandstream", "HT814"), 4, List.of(blf(1))).capacity()).isZero();
    }

    @Test
    void grandstream_keys_start_at_multi_purpose_key_2_whatever_the_lines() {
        KeyLayout l = KeyLayout.of(model("grandstream", "GXP2160"), 1, List.of(blf(7)));

        assertThat(l.logoutKey()).isEqualTo(1);
        assertThat(l.firstKey()).isEqualTo(2);
        assertThat(l.lastKey()).isEqualTo(24);
        assertThat(l.placed()).extracting(KeyLayout.Placed::index).containsExactly(2);
    }

    @Test
    void for_any_keys_and_model_every_key_is_placed_or_overflows_once_in_order_within_the_models_keys() {
        Random random = new Random(20261202L);
        List<PhoneModels.Model> models = PhoneModels.bundled().vendors().stream().flatMap(v -> PhoneModels.bundled().of(v).stream()).toList();
        for (int run = 0; run < 500; run++) {
            PhoneModels.Model m = models.get(random.nextInt(models.size()));
            List<UserKey> keys = IntStream.rangeClosed(1, 99).filter(p -> random.nextInt(4) == 0).mapToObj(KeyLayoutTest::blf).toList();

            KeyLayout l = KeyLayout.of(Optional.of(m), m.ports(), keys);

            assertThat(l.placed().size() + l.overflow().size()).isEqualTo(keys.size());
            assertThat(l.placed().size()).isEqualTo(Math.min(keys.size(), l.capacity()));
            assertThat(l.placed()).allSatisfy(p -> assertThat(p.index()).isBetween(l.firstKey(), Math.max(m.lineKeys(), 0)));
            assertThat(l.firstKey()).isGreaterThan(l.logoutKey());
            List<Integer> order = new java.util.ArrayList<>(l.placed().stream().map(p -> p.key().position()).toList());
            order.addAll(l.overflow().stream().map(UserKey::position).toList());
            assertThat(order).isSorted();
            assertThat(l.placed()).extracting(KeyLayout.Placed::index)
                    .containsExactlyElementsOf(IntStream.range(l.firstKey(), l.firstKey() + l.placed().size()).boxed().toList());
        }
    }
}
