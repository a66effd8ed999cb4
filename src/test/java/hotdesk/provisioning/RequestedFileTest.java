package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one routing of a fetch: what each file name asks for among the bundled profiles. The server decides
 * both the URL key and the answer from it, so what is pinned here is whose file a name is for both.
 */
class RequestedFileTest {

    private static RequestedFile of(String name) {
        return RequestedFile.of(name, VendorProfiles.all());
    }

    private static Set<String> vendors(String list) {
        return list == null ? Set.of() : Set.of(list.split(","));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0015651234ab.cfg          | 0015651234ab | yealink,fanvil  | polycom",
            "0015651234AB.cfg          | 0015651234ab | yealink,fanvil  | polycom",
            "0004f2aa0001-hotdesk.cfg  | 0004f2aa0001 | polycom         |",
            "cfg000b82aa0009.xml       | 000b82aa0009 | grandstream     |",
            "000413aa0005.xml          | 000413aa0005 | snom,cisco      |",
            "snomD785-000413AA0006.htm | 000413aa0006 | snom            |",
    })
    void a_desks_file_names_its_mac_and_every_vendor_whose_phones_ask_for_it(String name, String mac, String desk,
                                                                             String master) {
        RequestedFile r = of(name);

        assertThat(r).isEqualTo(new RequestedFile.Desk(Mac.parse(mac), vendors(desk), vendors(master)));
        assertThat(r.desk()).contains(Mac.parse(mac));
    }

    @Test
    void common_unserved_and_unknown_names_belong_to_no_desk() {
        RequestedFile yealink = of("y000000000000.cfg");
        RequestedFile perModel = of("y000000000028.cfg");
        RequestedFile polycom = of("000000000000.cfg");
        RequestedFile binary = of("cfg000b82aa0009");
        RequestedFile generic = of("cfg.xml");

        assertThat(yealink).isInstanceOf(RequestedFile.YealinkCommon.class);
        assertThat(perModel).isInstanceOf(RequestedFile.YealinkCommon.class);
        assertThat(polycom).isInstanceOfSatisfying(RequestedFile.Common.class, c -> {
            assertThat(c.profile().vendor()).isEqualTo("polycom");
            assertThat(c.template()).isEqualTo("master");
        });
        assertThat(List.of(binary, generic)).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(RequestedFile.Unserved.class,
                u -> assertThat(u.profile().vendor()).isEqualTo("grandstream")));
        for (String name : List.of("hello.txt", "0015651234a.cfg", "0015651234abc.cfg", "0015651234ab.txt", "", "../0015651234ab.cfg")) {
            assertThat(of(name)).as(name).isInstanceOf(RequestedFile.Unknown.class);
        }
        for (String name : List.of("y000000000000.cfg", "000000000000.cfg", "cfg000b82aa0009", "cfg.xml", "hello.txt")) {
            assertThat(of(name).desk()).as(name).isEmpty();
        }
    }

    /**
     * Seeded names in every form the profiles know, with random MACs and case: a name is a desk's file exactly
     * when some profile claims it and it is no common or unserved name, and then its MAC is every claim's MAC
     * and its vendors are exactly the claiming profiles.
     */
    @Test
    void a_name_is_a_desks_file_exactly_when_a_profile_claims_it_and_for_that_profiles_mac() {
        Random random = new Random(20261203);
        List<String> forms = List.of("%s.cfg", "%s.xml", "%s-hotdesk.cfg", "cfg%s.xml", "cfg%s", "snomD785-%s.htm",
                "y%s.cfg", "%s.htm", "x%s.cfg");
        List<String> names = new ArrayList<>(List.of("000000000000.cfg", "y000000000000.cfg", "cfg000000000000.xml"));
        for (int i = 0; i < 500; i++) {
            StringBuilder hex = new StringBuilder();
            for (int d = 0; d < 12; d++) {
                hex.append("0123456789abcdefABCDEF".charAt(random.nextInt(i % 10 == 0 ? 16 : 22)));
            }
            String digits = i % 7 == 0 ? "0".repeat(11) + random.nextInt(10) : hex.toString();
            names.add(String.format(forms.get(random.nextInt(forms.size())), digits));
        }
        int desks = 0;
        for (String name : names) {
            RequestedFile r = of(name);
            Set<String> deskClaims = new TreeSet<>();
            Set<String> masterClaims = new TreeSet<>();
            Set<Mac> macs = new java.util.HashSet<>();
            boolean commonOrUnserved = RequestedFile.YEALINK_COMMON.matcher(name).matches();
            for (VendorProfile p : VendorProfiles.all()) {
                commonOrUnserved |= p.commonFile(name).isPresent() || p.askedButUnserved(name);
                p.deskFile(name).ifPresent(m -> {
                    deskClaims.add(p.vendor());
                    macs.add(m);
                });
                p.masterFile(name).ifPresent(m -> {
                    masterClaims.add(p.vendor());
                    macs.add(m);
                });
            }
            if (commonOrUnserved || macs.isEmpty()) {
                assertThat(r.desk()).as(name).isEmpty();
                assertThat(r).as(name).isNotInstanceOf(RequestedFile.Desk.class);
                continue;
            }
            desks++;
            assertThat(macs).as(name).hasSize(1);
            Optional<Mac> mac = r.desk();
            assertThat(mac).as(name).contains(macs.iterator().next());
            RequestedFile.Desk d = (RequestedFile.Desk) r;
            assertThat(new TreeSet<>(d.deskVendors())).as(name).isEqualTo(deskClaims);
            assertThat(new TreeSet<>(d.masterVendors())).as(name).isEqualTo(masterClaims);
        }
        assertThat(desks).as("the seed reaches desk files").isGreaterThan(100);
    }
}
