package hotdesk.core.policy;

import hotdesk.core.model.SecretHash;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretHasherTest {

    final SecretHasher hasher = new SecretHasher(1000, new SecureRandom());

    @Test
    void a_hash_verifies_its_secret_and_nothing_else() {
        SecretHash h = hasher.hash("4711");

        assertThat(hasher.verify("4711", h)).isTrue();
        assertThat(hasher.verify("4712", h)).isFalse();
        assertThat(hasher.verify("", h)).isFalse();
        assertThat(h.encoded()).doesNotContain("4711").startsWith("pbkdf2-sha256$1000$");
        assertThat(h.toString()).doesNotContain(h.encoded());
    }

    @Test
    void the_same_secret_hashes_differently_each_time() {
        assertThat(hasher.hash("4711")).isNotEqualTo(hasher.hash("4711"));
    }

    @Test
    void the_iteration_count_is_read_from_the_hash_so_it_can_be_raised_later() {
        SecretHash old = new SecretHasher(1000, new SecureRandom()).hash("4711");

        assertThat(new SecretHasher(5000, new SecureRandom()).verify("4711", old)).isTrue();
    }

    @Test
    void a_hash_the_jdks_own_derivation_made_verifies() {
        // Hashes stored before hotdesk derived them itself were made by the JDK's PBKDF2WithHmacSHA256.
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        SecretHash stored = new SecretHash("pbkdf2-sha256$1000$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(Pbkdf2Sha256.jdk("4711".toCharArray(), salt, 1000, 32)));

        assertThat(hasher.verify("4711", stored)).isTrue();
        assertThat(hasher.verify("4712", stored)).isFalse();
    }

    private static byte[] saltOf(SecretHash h) {
        return Base64.getDecoder().decode(h.encoded().split("\\$")[2]);
    }

    @Test
    void codes_live_at_once_share_a_salt_so_a_typed_code_is_derived_once_for_all_of_them() {
        Instant now = Instant.parse("2026-12-05T09:00:00Z");
        List<SecretHash> live = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            live.add(hasher.hash(String.format("%06d", 100000 + i), hasher.codeSalt(live, now.plusSeconds(i))));
        }

        assertThat(live).extracting(SecretHasherTest::saltOf).allSatisfy(salt -> assertThat(salt).isEqualTo(saltOf(live.get(0))));
        SecretHasher.Matcher right = hasher.matcher("100007");
        assertThat(live).filteredOn(right::matches).containsExactly(live.get(7));
        assertThat(right.derivations()).isEqualTo(1);
        SecretHasher.Matcher wrong = hasher.matcher("999999");
        assertThat(live).noneMatch(wrong::matches);
        assertThat(wrong.derivations()).isEqualTo(1);
    }

    @Test
    void a_code_salt_is_drawn_anew_after_its_lifetime_and_salts_of_another_form_are_never_reused() {
        Instant drawn = Instant.parse("2026-12-05T09:00:00Z");
        SecretHash first = hasher.hash("123456", hasher.codeSalt(List.of(), drawn));
        Instant late = drawn.plus(SecretHasher.CODE_SALT_LIFETIME).plusSeconds(1);

        assertThat(hasher.codeSalt(List.of(first), drawn.plus(SecretHasher.CODE_SALT_LIFETIME))).isEqualTo(saltOf(first));
        byte[] fresh = hasher.codeSalt(List.of(first), late);
        assertThat(fresh).isNotEqualTo(saltOf(first)).hasSize(16);
        assertThat(ByteBuffer.wrap(fresh, 8, 8).getLong()).isEqualTo(late.getEpochSecond());
        // a salt of its own per code (every hash before codes shared them) is not taken up
        SecretHash own = hasher.hash("654321");
        assertThat(hasher.codeSalt(List.of(own), drawn)).isNotEqualTo(saltOf(own));
        // the newest of the salts still in their lifetime wins
        SecretHash newer = hasher.hash("111111", hasher.codeSalt(List.of(), drawn.plusSeconds(300)));
        assertThat(hasher.codeSalt(List.of(first, newer), drawn.plusSeconds(400))).isEqualTo(saltOf(newer));
    }

    @Test
    void a_matcher_derives_once_per_salt_and_count_and_answers_as_verify_does() {
        List<SecretHash> own = List.of(hasher.hash("4711"), hasher.hash("4712"), hasher.hash("4711"),
                new SecretHasher(2000, new SecureRandom()).hash("4711"));
        SecretHasher.Matcher m = hasher.matcher("4711");

        for (SecretHash h : own) {
            assertThat(m.matches(h)).isEqualTo(hasher.verify("4711", h));
        }
        assertThat(own).filteredOn(m::matches).hasSize(3);
        assertThat(m.derivations()).isEqualTo(4);
        assertThat(hasher.matcher(null).matches(hasher.hash(""))).isTrue();
    }

    @Test
    void a_matcher_hashes_with_a_salt_it_has_derived_under_without_deriving_again() {
        Instant now = Instant.parse("2026-12-05T09:00:00Z");
        SecretHash other = hasher.hash("111111", hasher.codeSalt(List.of(), now));
        byte[] salt = hasher.codeSalt(List.of(other), now.plusSeconds(1));
        SecretHasher.Matcher digits = hasher.matcher("222222");

        assertThat(digits.matches(other)).isFalse();
        SecretHash mine = digits.hash(salt);

        assertThat(digits.derivations()).isEqualTo(1);
        assertThat(mine).isEqualTo(hasher.hash("222222", salt));
        assertThat(hasher.verify("222222", mine)).isTrue();
        assertThat(hasher.verify("111111", mine)).isFalse();
        // a salt it has not derived under costs a derivation of its own
        digits.hash(hasher.codeSalt(List.of(), now));
        assertThat(digits.derivations()).isEqualTo(2);
    }

    @Test
    void a_damaged_hash_matches_nothing_gives_no_salt_and_costs_no_derivation() {
        // ledger rows changed outside hotdesk: the shape SecretHash itself checks, contents that do not read
        Instant now = Instant.parse("2026-12-05T09:00:00Z");
        SecretHash good = hasher.hash("123456", hasher.codeSalt(List.of(), now));
        String salt = "$" + Base64.getEncoder().withoutPadding().encodeToString(saltOf(good)) + "$";
        List<SecretHash> damaged = List.of(
                new SecretHash("pbkdf2-sha256$many" + salt + "AAAA"),
                new SecretHash("pbkdf2-sha256$0" + salt + "AAAA"),
                new SecretHash("pbkdf2-sha256$-5" + salt + "AAAA"),
                // a count past the bound would make one login derive for minutes
                new SecretHash("pbkdf2-sha256$" + (SecretHasher.MAX_ITERATIONS + 1) + salt + "AAAA"),
                new SecretHash("pbkdf2-sha256$1000" + salt + "not*base64"),
                new SecretHash("pbkdf2-sha256$1000" + salt + "="),
                new SecretHash("pbkdf2-sha256$1000$$AAAA"),
                // what the ledger reads a hash not in this form as
                SecretHash.stored("4711"), SecretHash.UNREADABLE);
        SecretHasher.Matcher m = hasher.matcher("123456");

        for (SecretHash h : damaged) {
            assertThat(SecretHasher.readable(h)).as(h.encoded()).isFalse();
            assertThat(m.matches(h)).as(h.encoded()).isFalse();
            assertThat(hasher.verify("123456", h)).as(h.encoded()).isFalse();
        }
        assertThat(m.derivations()).isZero();
        assertThat(SecretHasher.readable(good)).isTrue();
        assertThat(m.matches(good)).isTrue();
        // a damaged row among the live codes neither stops a new code's salt nor is taken up: the good one's is
        List<SecretHash> live = new ArrayList<>(damaged);
        live.add(good);
        assertThat(hasher.codeSalt(live, now.plusSeconds(5))).isEqualTo(saltOf(good));
        assertThat(hasher.codeSalt(damaged, now.plusSeconds(5))).isNotEqualTo(saltOf(good)).hasSize(16);
    }

    @Test
    void too_few_iterations_are_a_configuration_error() {
        assertThatThrownBy(() -> new SecretHasher(10, new SecureRandom())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iterations");
    }
}
