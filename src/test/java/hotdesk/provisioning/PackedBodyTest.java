package hotdesk.provisioning;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackedBodyTest {

    @Test
    void a_desk_file_packs_smaller_and_unpacks_to_the_same_bytes() {
        StringBuilder b = new StringBuilder("#!version:1.0.0.1\n");
        for (int i = 1; i <= 40; i++) {
            b.append("linekey.").append(i).append(".type = 15\nlinekey.").append(i).append(".value = 10").append(i).append('\n');
        }
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);

        byte[] packed = PackedBody.pack(body);

        assertThat(packed.length).isLessThan(body.length / 3);
        assertThat(PackedBody.unpack(packed, body.length)).isEqualTo(body);
    }

    @Test
    void bytes_that_do_not_compress_and_an_empty_file_come_back_whole() {
        byte[] noise = new byte[70_000];
        new Random(7).nextBytes(noise);
        assertThat(PackedBody.unpack(PackedBody.pack(noise), noise.length)).isEqualTo(noise);
        assertThat(PackedBody.unpack(PackedBody.pack(new byte[0]), 0)).isEmpty();
    }

    @Test
    void a_wrong_length_or_damaged_bytes_fail_loudly_rather_than_serve_a_cut_file() {
        byte[] body = "account.1.label = Alice\n".repeat(20).getBytes(StandardCharsets.UTF_8);
        byte[] packed = PackedBody.pack(body);

        assertThatThrownBy(() -> PackedBody.unpack(packed, body.length + 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PackedBody.unpack(packed, body.length - 1)).isInstanceOf(IllegalStateException.class);
        byte[] damaged = packed.clone();
        damaged[0] ^= (byte) 0xff;
        assertThatThrownBy(() -> PackedBody.unpack(damaged, body.length)).isInstanceOf(IllegalStateException.class);
        // and the files unpacked after a failure are whole: nothing of a failed stream is kept for them
        assertThat(PackedBody.unpack(packed, body.length)).isEqualTo(body);
    }

    @Test
    void inflaters_are_kept_for_later_files_up_to_the_bound_and_each_file_unpacks_whole_on_any_of_them() throws Exception {
        byte[] one = "linekey.1.value = 101\n".repeat(30).getBytes(StandardCharsets.UTF_8);
        byte[] two = "account.1.label = Alice\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        byte[] packedOne = PackedBody.pack(one);
        byte[] packedTwo = PackedBody.pack(two);

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int k = 0; k < 400; k++) {
                boolean first = k % 2 == 0;
                results.add(pool.submit(() -> first
                        ? java.util.Arrays.equals(PackedBody.unpack(packedOne, one.length), one)
                        : java.util.Arrays.equals(PackedBody.unpack(packedTwo, two.length), two)));
            }
            for (java.util.concurrent.Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(PackedBody.kept()).isBetween(1, PackedBody.KEPT_INFLATERS);
    }

    @Test
    void a_body_unpacks_into_a_buffer_at_an_offset_and_a_buffer_too_small_is_refused_before_anything_is_read() {
        byte[] body = "account.1.label = Desk 4.12\n".repeat(40).getBytes(StandardCharsets.UTF_8);
        byte[] packed = PackedBody.pack(body);
        byte[] into = new byte[body.length + 20];
        java.util.Arrays.fill(into, (byte) '#');

        PackedBody.unpackInto(packed, body.length, into, 7);

        assertThat(java.util.Arrays.copyOfRange(into, 7, 7 + body.length)).isEqualTo(body);
        assertThat(java.util.Arrays.copyOfRange(into, 0, 7)).containsOnly((byte) '#');
        assertThat(java.util.Arrays.copyOfRange(into, 7 + body.length, into.length))
                .containsOnly((byte) '#');
        int kept = PackedBody.kept();
        assertThatThrownBy(() -> PackedBody.unpackInto(packed, body.length, new byte[body.length], 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PackedBody.kept()).isEqualTo(kept);
    }
}
