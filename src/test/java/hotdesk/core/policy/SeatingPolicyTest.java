package hotdesk.core.policy;

import hotdesk.core.model.EndReason;
import hotdesk.core.model.Extension;
import hotdesk.core.model.MultiLogin;
import hotdesk.core.model.Occupancy;
import hotdesk.core.model.SecretHash;
import hotdesk.core.model.User;
import hotdesk.core.policy.SeatingPolicy.Alert;
import hotdesk.core.policy.SeatingPolicy.Charge;
import hotdesk.core.policy.SeatingPolicy.Check;
import hotdesk.core.policy.SeatingPolicy.CheckCredential;
import hotdesk.core.policy.SeatingPolicy.Decision;
import hotdesk.core.policy.SeatingPolicy.Desk;
import hotdesk.core.policy.SeatingPolicy.LoginFacts;
import hotdesk.core.policy.SeatingPolicy.Refuse;
import hotdesk.core.policy.SeatingPolicy.Seat;
import hotdesk.core.policy.SeatingPolicy.Shown;
import hotdesk.core.policy.SeatingPolicy.Via;
import hotdesk.core.policy.SeatingPolicy.Why;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The seating decisions as tables: one row per rule, facts in, decision out. Defaults: 5 failures of an
 * extension at a desk, 10 at a desk, alert at 8 and lock at 12 for an extension at every desk, 15 min.
 */
class SeatingPolicyTest {

    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    static final String HERE = "hd-0015651234ab";
    static final String THERE = "hd-00156599cccc";
    static final Extension ALICE = Extension.of("101");
    static final Extension BOB = Extension.of("102");
    static final SecretHash HASH = new SecretHash("pbkdf2-sha256$1000$AAAA$AAAA");

    static User user(Extension ext, boolean hotdesk, Optional<MultiLogin> policy) {
        return new User(ext, "U" + ext.value(), HASH, hotdesk, "internal", "", "secret-secret-secret", false, policy);
    }

    static final User ALICE_USER = user(ALICE, true, Optional.empty());

    static List<Instant> failures(int n) {
        return Collections.nCopies(n, NOW.minusSeconds(60));
    }

    static Occupancy seat(String endpoint, Extension ext) {
        return new Occupancy(endpoint, ext, NOW.minusSeconds(3600), NOW.minusSeconds(3600));
    }

    /** A PIN login of Alice at an enabled, free, clean desk, her PIN right, seated nowhere. */
    static LoginFacts pin() {
        return new LoginFacts(NOW, Via.PIN, Optional.of(new Desk(HERE, true, List.of(), Optional.empty())),
                Optional.of(ALICE), Optional.of(ALICE_USER), Check.RIGHT, List.of(), List.of(), Map.of(), List.of(), false);
    }

    /** A code login whose code is Alice's (live, with her wrong-code counter given), right. */
    static LoginFacts code(int aliceCodeFailures) {
        return new LoginFacts(NOW, Via.CODE, Optional.of(new Desk(HERE, true, List.of(), Optional.empty())),
                Optional.empty(), Optional.of(ALICE_USER), Check.RIGHT, List.of(), failures(aliceCodeFailures),
                Map.of(ALICE, failures(aliceCodeFailures), BOB, List.of()), List.of(), false);
    }

    static LoginFacts with(LoginFacts f, UnaryOperator<Builder> change) {
        return change.apply(new Builder(f)).build();
    }

    /** Changes one fact of a row. */
    static final class Builder {
        Instant now;
        Via via;
        Optional<Desk> desk;
        Optional<Extension> typed;
        Optional<User> user;
        Check check;
        List<Instant> atDesk;
        List<Instant> userFailures;
        Map<Extension, List<Instant>> liveCodes;
        List<Occupancy> seats;
        boolean trusted;

        Builder(LoginFacts f) {
            now = f.now();
            via = f.via();
            desk = f.desk();
            typed = f.typed();
            user = f.user();
            check = f.check();
            atDesk = f.userAtDeskFailures();
            userFailures = f.userFailures();
            liveCodes = f.liveCodes();
            seats = f.seats();
            trusted = f.trustedDesk();
        }

        Builder noDesk() {
            desk = Optional.empty();
            return this;
        }

        Builder deskDisabled() {
            desk = desk.map(d -> new Desk(d.endpointId(), false, d.failures(), d.occupant()));
            return this;
        }

        Builder deskFailures(int n) {
            desk = desk.map(d -> new Desk(d.endpointId(), d.enabled(), failures(n), d.occupant()));
            return this;
        }

        Builder occupant(Extension ext) {
            desk = desk.map(d -> new Desk(d.endpointId(), d.enabled(), d.failures(), Optional.of(seat(HERE, ext))));
            return this;
        }

        Builder atDesk(int n) {
            atDesk = failures(n);
            return this;
        }

        Builder everywhere(int n) {
            userFailures = failures(n);
            return this;
        }

        Builder wrong() {
            check = Check.WRONG;
            return this;
        }

        Builder unknownUser() {
            user = Optional.empty();
            return this;
        }

        Builder user(User u) {
            user = Optional.of(u);
            return this;
        }

        Builder seatedAt(String... endpoints) {
            seats = Stream.of(endpoints).map(e -> seat(e, ALICE)).toList();
            return this;
        }

        /** This desk is one of the typed extension's recent desks. */
        Builder trusted() {
            trusted = true;
            return this;
        }

        LoginFacts build() {
            return new LoginFacts(now, via, desk, typed, user, check, atDesk, userFailures, liveCodes, seats, trusted);
        }
    }

    static final SeatingPolicy SINGLE = new SeatingPolicy(LoginLimits.defaults(), MultiLogin.SINGLE);
    static final SeatingPolicy DENY = new SeatingPolicy(LoginLimits.defaults(), MultiLogin.DENY);
    static final SeatingPolicy ALLOW = new SeatingPolicy(LoginLimits.defaults(), MultiLogin.ALLOW);

    static Refuse refuse(Shown shown, Why why) {
        return new Refuse(shown, why, Charge.NONE, List.of());
    }

    static Refuse pinFailure(Why why, Alert... alerts) {
        return new Refuse(Shown.BAD_CREDENTIALS, why, new Charge(true, Optional.of(ALICE), Set.of()), List.of(alerts));
    }

    static Seat seatAlice(Optional<Occupancy> replace, Optional<Occupancy> move) {
        return new Seat(ALICE_USER, replace, move.stream().toList(), false);
    }

    /** Alice seated here while she keeps her other desks (allow). */
    static Seat seatAliceAlongside(User alice, Optional<Occupancy> replace) {
        return new Seat(alice, replace, List.of(), true);
    }

    static Stream<Arguments> rules() {
        User notAllowed = user(ALICE, false, Optional.empty());
        User disabled = new User(ALICE, "U" + ALICE.value(), HASH, true, "internal", "", "secret-secret-secret", false,
                Optional.empty(), false);
        User ownDeny = user(ALICE, true, Optional.of(MultiLogin.DENY));
        User ownSingle = user(ALICE, true, Optional.of(MultiLogin.SINGLE));
        User ownAllow = user(ALICE, true, Optional.of(MultiLogin.ALLOW));
        return Stream.of(
                // rule, policy, facts, decision
                arguments("log in at a free desk", SINGLE, pin(), seatAlice(Optional.empty(), Optional.empty())),
                arguments("replace the desk's occupant", SINGLE, with(pin(), b -> b.occupant(BOB)),
                        seatAlice(Optional.of(seat(HERE, BOB)), Optional.empty())),
                arguments("log in again at one's own desk", SINGLE, with(pin(), b -> b.occupant(ALICE).seatedAt(HERE)),
                        seatAlice(Optional.empty(), Optional.empty())),
                arguments("single: move from another desk", SINGLE, with(pin(), b -> b.seatedAt(THERE)),
                        seatAlice(Optional.empty(), Optional.of(seat(THERE, ALICE)))),
                arguments("single: move and replace at once", SINGLE, with(pin(), b -> b.seatedAt(THERE).occupant(BOB)),
                        seatAlice(Optional.of(seat(HERE, BOB)), Optional.of(seat(THERE, ALICE)))),
                arguments("deny: refuse a second desk", DENY, with(pin(), b -> b.seatedAt(THERE)),
                        refuse(Shown.ALREADY_SEATED, Why.ALREADY_SEATED)),
                arguments("deny: one's own desk again is fine", DENY, with(pin(), b -> b.occupant(ALICE).seatedAt(HERE)),
                        seatAlice(Optional.empty(), Optional.empty())),
                arguments("deny: a free desk is fine", DENY, pin(), seatAlice(Optional.empty(), Optional.empty())),
                arguments("own deny beats global single", SINGLE, with(pin(), b -> b.user(ownDeny).seatedAt(THERE)),
                        refuse(Shown.ALREADY_SEATED, Why.ALREADY_SEATED)),
                arguments("own single beats global deny", DENY, with(pin(), b -> b.user(ownSingle).seatedAt(THERE)),
                        new Seat(ownSingle, Optional.empty(), List.of(seat(THERE, ALICE)), false)),
                arguments("allow: a second desk keeps the first", ALLOW, with(pin(), b -> b.seatedAt(THERE)),
                        seatAliceAlongside(ALICE_USER, Optional.empty())),
                arguments("allow: a third desk keeps both", ALLOW, with(pin(), b -> b.seatedAt(THERE, "hd-elsewhere")),
                        seatAliceAlongside(ALICE_USER, Optional.empty())),
                arguments("allow: replaces the desk's occupant", ALLOW, with(pin(), b -> b.seatedAt(THERE).occupant(BOB)),
                        seatAliceAlongside(ALICE_USER, Optional.of(seat(HERE, BOB)))),
                arguments("allow: a free desk is a seat alongside nothing", ALLOW, pin(),
                        seatAliceAlongside(ALICE_USER, Optional.empty())),
                arguments("own allow beats global single", SINGLE, with(pin(), b -> b.user(ownAllow).seatedAt(THERE)),
                        seatAliceAlongside(ownAllow, Optional.empty())),
                arguments("own single beats global allow: moves from every desk", ALLOW,
                        with(pin(), b -> b.user(ownSingle).seatedAt(THERE, "hd-elsewhere")),
                        new Seat(ownSingle, Optional.empty(), List.of(seat(THERE, ALICE), seat("hd-elsewhere", ALICE)), false)),
                arguments("own deny beats global allow", ALLOW, with(pin(), b -> b.user(ownDeny).seatedAt(THERE)),
                        refuse(Shown.ALREADY_SEATED, Why.ALREADY_SEATED)),
                arguments("allow: a wrong PIN is still a failure", ALLOW, with(pin(), b -> b.wrong().seatedAt(THERE)),
                        pinFailure(Why.WRONG_PIN)),
                arguments("not a desk", SINGLE, with(pin(), Builder::noDesk), refuse(Shown.NOT_A_DESK, Why.NOT_A_DESK)),
                arguments("desk disabled", SINGLE, with(pin(), Builder::deskDisabled),
                        refuse(Shown.DESK_DISABLED, Why.DESK_DISABLED)),
                arguments("desk locked at 10 failures", SINGLE, with(pin(), b -> b.deskFailures(10)),
                        refuse(Shown.LOCKED, Why.DESK_LOCKED)),
                arguments("desk at 9 failures still open", SINGLE, with(pin(), b -> b.deskFailures(9)),
                        seatAlice(Optional.empty(), Optional.empty())),
                arguments("extension locked at this desk at 5", SINGLE, with(pin(), b -> b.atDesk(5)),
                        refuse(Shown.LOCKED, Why.LOCKED_AT_DESK)),
                arguments("extension at 4 here still open", SINGLE, with(pin(), b -> b.atDesk(4)),
                        seatAlice(Optional.empty(), Optional.empty())),
                arguments("extension locked everywhere at 12", SINGLE, with(pin(), b -> b.everywhere(12)),
                        refuse(Shown.LOCKED, Why.USER_LOCKED)),
                arguments("extension at 11 everywhere still open", SINGLE, with(pin(), b -> b.everywhere(11)),
                        seatAlice(Optional.empty(), Optional.empty())),
                arguments("locked everywhere but at one of her recent desks", SINGLE, with(pin(), b -> b.everywhere(12).trusted()),
                        seatAlice(Optional.empty(), Optional.empty())),
                arguments("a recent desk still locks the extension there at 5", SINGLE,
                        with(pin(), b -> b.everywhere(12).atDesk(5).trusted()), refuse(Shown.LOCKED, Why.LOCKED_AT_DESK)),
                arguments("a recent desk still locks itself at 10", SINGLE,
                        with(pin(), b -> b.everywhere(12).deskFailures(10).trusted()), refuse(Shown.LOCKED, Why.DESK_LOCKED)),
                arguments("wrong PIN at a recent desk beyond the lock: still counted and alerted", SINGLE,
                        with(pin(), b -> b.wrong().everywhere(12).trusted()),
                        pinFailure(Why.WRONG_PIN, new Alert(ALICE, Via.PIN, 13, true))),
                arguments("an unknown extension locks alike", SINGLE, with(pin(), b -> b.unknownUser().wrong().atDesk(5)),
                        refuse(Shown.LOCKED, Why.LOCKED_AT_DESK)),
                arguments("wrong PIN: counted, no alert below 8", SINGLE, with(pin(), b -> b.wrong().everywhere(6)),
                        pinFailure(Why.WRONG_PIN)),
                arguments("wrong PIN: the 8th everywhere alerts", SINGLE, with(pin(), b -> b.wrong().everywhere(7)),
                        pinFailure(Why.WRONG_PIN, new Alert(ALICE, Via.PIN, 8, false))),
                arguments("wrong PIN: the 12th alerts and locks", SINGLE, with(pin(), b -> b.wrong().everywhere(11)),
                        pinFailure(Why.WRONG_PIN, new Alert(ALICE, Via.PIN, 12, true))),
                arguments("unknown extension: as a wrong PIN", SINGLE, with(pin(), b -> b.unknownUser().wrong()),
                        pinFailure(Why.UNKNOWN_EXTENSION)),
                arguments("not allowed: as a wrong PIN", SINGLE, with(pin(), b -> b.user(notAllowed)),
                        pinFailure(Why.NOT_ALLOWED)),
                arguments("disabled: as a wrong PIN", SINGLE, with(pin(), b -> b.user(disabled)),
                        pinFailure(Why.USER_DISABLED)),
                arguments("disabled: refused before deny", DENY, with(pin(), b -> b.user(disabled).seatedAt(THERE)),
                        pinFailure(Why.USER_DISABLED)),
                arguments("not allowed: refused before deny", DENY, with(pin(), b -> b.user(notAllowed).seatedAt(THERE)),
                        pinFailure(Why.NOT_ALLOWED)),
                arguments("code right: log in", SINGLE, code(0), seatAlice(Optional.empty(), Optional.empty())),
                arguments("code wrong: desk and every live code counted", SINGLE, with(code(0), b -> b.wrong().unknownUser()),
                        new Refuse(Shown.BAD_CREDENTIALS, Why.WRONG_CODE, new Charge(true, Optional.empty(), Set.of(ALICE, BOB)),
                                List.of())),
                arguments("code wrong: an owner's 8th wrong code alerts", SINGLE, with(code(7), b -> b.wrong().unknownUser()),
                        new Refuse(Shown.BAD_CREDENTIALS, Why.WRONG_CODE, new Charge(true, Optional.empty(), Set.of(ALICE, BOB)),
                                List.of(new Alert(ALICE, Via.CODE, 8, false)))),
                arguments("code of a user locked by wrong codes: not accepted, not charged", SINGLE, code(12),
                        new Refuse(Shown.BAD_CREDENTIALS, Why.WRONG_CODE, new Charge(true, Optional.empty(), Set.of(BOB)),
                                List.of())),
                arguments("code at a locked desk", SINGLE, with(code(0), b -> b.deskFailures(10)),
                        refuse(Shown.LOCKED, Why.DESK_LOCKED)),
                arguments("code: deny at a second desk", DENY, with(code(0), b -> b.seatedAt(THERE)),
                        refuse(Shown.ALREADY_SEATED, Why.ALREADY_SEATED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void each_rule_decides_as_its_row_says(String rule, SeatingPolicy policy, LoginFacts facts, Decision expected) {
        assertThat(policy.decide(facts)).isEqualTo(expected);
    }

    static Stream<Arguments> beforeTheCredential() {
        return Stream.of(
                arguments("not a desk", with(pin(), Builder::noDesk), refuse(Shown.NOT_A_DESK, Why.NOT_A_DESK)),
                arguments("desk disabled", with(pin(), Builder::deskDisabled), refuse(Shown.DESK_DISABLED, Why.DESK_DISABLED)),
                arguments("desk locked", with(pin(), b -> b.deskFailures(10)), refuse(Shown.LOCKED, Why.DESK_LOCKED)),
                arguments("locked here", with(pin(), b -> b.atDesk(5)), refuse(Shown.LOCKED, Why.LOCKED_AT_DESK)),
                arguments("locked everywhere", with(pin(), b -> b.everywhere(12)), refuse(Shown.LOCKED, Why.USER_LOCKED)),
                arguments("locked everywhere, but a recent desk: check it", with(pin(), b -> b.everywhere(12).trusted()),
                        new CheckCredential(Set.of())),
                arguments("PIN: check it", pin(), new CheckCredential(Set.of())),
                arguments("code: only codes of users not locked are hashed", code(12), new CheckCredential(Set.of(BOB))),
                arguments("code: every live code", code(0), new CheckCredential(Set.of(ALICE, BOB))),
                arguments("code at a locked desk: nothing hashed", with(code(0), b -> b.deskFailures(10)),
                        refuse(Shown.LOCKED, Why.DESK_LOCKED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beforeTheCredential")
    void what_is_decided_before_any_hashing(String rule, LoginFacts facts, Decision expected) {
        assertThat(SINGLE.before(with(facts, b -> {
            b.check = Check.UNCHECKED;
            return b;
        }))).isEqualTo(expected);
    }

    @Test
    void failures_older_than_the_window_no_longer_count() {
        LoginFacts aged = with(pin(), b -> {
            b.atDesk = Collections.nCopies(5, NOW.minus(Duration.ofMinutes(16)));
            return b;
        });

        assertThat(SINGLE.decide(aged)).isInstanceOf(Seat.class);
    }

    @Test
    void deciding_needs_the_credential_checked() {
        LoginFacts unchecked = with(pin(), b -> {
            b.check = Check.UNCHECKED;
            return b;
        });

        assertThatThrownBy(() -> SINGLE.decide(unchecked)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checked");
    }

    static Stream<Arguments> departures() {
        Occupancy one = seat(HERE, ALICE);
        return Stream.of(
                arguments("unknown place", Optional.empty(), new SeatingPolicy.UnknownPlace()),
                arguments("nobody seated", Optional.of(List.of()), new SeatingPolicy.NotSeated()),
                arguments("end the session", Optional.of(List.of(one)), new SeatingPolicy.Vacate(List.of(one), EndReason.LOGOUT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("departures")
    void leaving_a_desk(String rule, Optional<List<Occupancy>> seats, SeatingPolicy.Departure expected) {
        assertThat(SeatingPolicy.leave(seats, EndReason.LOGOUT)).isEqualTo(expected);
    }
}
