package hotdesk.core.usecase;

import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Mac;
import hotdesk.core.model.PhoneModels;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManageDevicesModelsTest {

    private static final Set<String> VENDORS = Set.of("yealink", "polycom", "grandstream", "snom", "fanvil", "cisco");

    private final InMemoryLedger ledger = new InMemoryLedger();
    private final ManageDevices devices = new ManageDevices(ledger, new SecureRandom(), VENDORS,
            new MutableClock(Instant.parse("2025-03-03T08:00:00Z")));

    @Test
    void a_model_outside_the_vendors_list_is_refused_naming_the_models_that_are_eligible() {
        // when
        ManageDevices.Result r = devices.add(new ManageDevices.NewDevice("0015651234ab", "yealink", "T99", null, "", "", 1), "test");

        // then
        assertThat(r).isInstanceOfSatisfying(ManageDevices.Refused.class, refused -> assertThat(refused.why())
                .startsWith("model 'T99' is not in the list of supported yealink models and is not eligible for provisioning")
                .contains("T54W", "T46U", "T31P").doesNotContain("VVX411").endsWith("(hotdesk device models --vendor yealink)"));
        java.util.Optional<hotdesk.core.model.Device> stored = ledger.transact(tx -> tx.device(Mac.parse("0015651234ab")));
        assertThat(stored).isEmpty();
    }

    @Test
    void another_vendors_model_is_not_eligible_either() {
        ManageDevices.Result r = devices.add(new ManageDevices.NewDevice("0015651234ab", "snom", "T54W", null, "", "", 1), "test");

        assertThat(r).isInstanceOfSatisfying(ManageDevices.Refused.class,
                refused -> assertThat(refused.why()).contains("supported snom models").contains("D785"));
    }

    @Test
    void a_model_is_matched_case_insensitively_and_kept_in_the_lists_spelling() {
        ManageDevices.Result r = devices.add(new ManageDevices.NewDevice("0015651234ab", "yealink", "t54w", null, "", "", 1), "test");

        assertThat(r).isInstanceOfSatisfying(ManageDevices.Done.class, d -> assertThat(d.device().model()).isEqualTo("T54W"));
    }

    @Test
    void an_ht814_gateway_gets_one_desk_line_per_port() {
        // when
        ManageDevices.Result r = devices.add(new ManageDevices.NewDevice("c074ad000814", "grandstream", "HT814", null, "", "", 1), "test");

        // then
        assertThat(r).isInstanceOfSatisfying(ManageDevices.Done.class, d -> {
            assertThat(d.lines()).extracting(DeskLine::endpointId)
                    .containsExactly("hd-c074ad000814", "hd-c074ad000814-2", "hd-c074ad000814-3", "hd-c074ad000814-4");
            assertThat(d.lines()).extracting(DeskLine::port).containsExactly(1, 2, 3, 4);
            assertThat(d.lines()).extracting(DeskLine::secret).doesNotHaveDuplicates();
        });
        List<DeskLine> stored = ledger.transact(tx -> tx.linesOf(Mac.parse("c074ad000814")));
        assertThat(stored).hasSize(4);
    }

    @Test
    void every_ht8xx_has_its_ports_as_desk_lines() {
        for (String model : List.of("HT802", "HT812", "HT814", "HT818")) {
            int ports = PhoneModels.bundled().find("grandstream", model).orElseThrow().ports();
            String mac = "c074ad00" + String.format("%04d", ports * 100 + model.charAt(3) - '0');
            ManageDevices.Result r = devices.add(new ManageDevices.NewDevice(mac, "grandstream", model, null, "", "", 1), "test");
            assertThat(r).isInstanceOfSatisfying(ManageDevices.Done.class, d -> assertThat(d.lines()).hasSize(ports));
        }
    }

    @Test
    void asking_for_other_lines_than_the_model_has_is_refused() {
        ManageDevices.Result r = devices.add(new ManageDevices.NewDevice("c074ad000814", "grandstream", "HT814", null, "", "", 2), "test");

        assertThat(r).isInstanceOfSatisfying(ManageDevices.Refused.class,
                refused -> assertThat(refused.why()).isEqualTo("model HT814 is 4 desk line(s), got lines=2"));
    }

    @Test
    void set_refuses_an_unknown_model_and_one_with_other_desk_lines_but_takes_an_eligible_one() {
        // given
        devices.add(new ManageDevices.NewDevice("c074ad000802", "grandstream", "HT802", null, "", "", 1), "test");

        // when
        ManageDevices.Result unknown = devices.set("c074ad000802", new ManageDevices.DeviceChanges(null, null, null, "HT999", null), "t");
        ManageDevices.Result otherPorts = devices.set("c074ad000802", new ManageDevices.DeviceChanges(null, null, null, "HT814", null), "t");
        ManageDevices.Result samePorts = devices.set("c074ad000802", new ManageDevices.DeviceChanges(null, null, null, "ht812", null), "t");

        // then
        assertThat(unknown).isInstanceOfSatisfying(ManageDevices.Refused.class,
                refused -> assertThat(refused.why()).contains("'HT999' is not in the list of supported grandstream models"));
        assertThat(otherPorts).isInstanceOfSatisfying(ManageDevices.Refused.class,
                refused -> assertThat(refused.why()).contains("HT814 is 4 desk line(s) but device C0:74:AD:00:08:02 has 2"));
        assertThat(samePorts).isInstanceOfSatisfying(ManageDevices.Done.class, d -> assertThat(d.device().model()).isEqualTo("HT812"));
    }

    @Test
    void the_bundled_list_has_every_vendor_and_refuses_a_model_listed_twice() {
        assertThat(PhoneModels.bundled().vendors()).containsExactlyInAnyOrderElementsOf(VENDORS);
        assertThat(PhoneModels.bundled().find("snom", "D785")).isPresent();
        assertThat(PhoneModels.bundled().find("yealink", "T46U")).isPresent();
        assertThatThrownBy(() -> new PhoneModels(List.of(
                new PhoneModels.Model("snom", "D785", PhoneModels.Kind.PHONE, 12, 24, 1),
                new PhoneModels.Model("snom", "d785", PhoneModels.Kind.PHONE, 12, 24, 1))))
                .hasMessage("model d785 is listed twice for snom");
    }
}
