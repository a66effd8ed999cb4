package hotdesk;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.Slice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency rules of DESIGN.md, checked on the compiled production classes.
 *
 * <p>Three layers: the core ({@code hotdesk.core..}), the wiring ({@code hotdesk.app..}) and the
 * adapters, which are every other package under {@code hotdesk}: a new adapter package falls under
 * these rules without being listed here. Each library is confined to the adapter that is its reason
 * to exist; using it anywhere else has to be a deliberate change of this test.
 */
class ArchitectureTest {

    private static final String CORE = "hotdesk.core..";
    private static final String APP = "hotdesk.app..";
    /** {@code web} is not an adapter but a library of the HTTP listeners (board, self-service; provisioning asks it what loopback is). */
    private static final Set<String> NOT_ADAPTERS = Set.of("core", "app", "web");

    private static final DescribedPredicate<JavaClass> ADAPTERS = resideInAPackage("hotdesk..")
            .and(not(resideInAnyPackage(CORE, APP)))
            .as("every package under hotdesk but core and app");

    static final ArchRule LAYERS = layeredArchitecture().consideringAllDependencies()
            .layer("Core").definedBy(CORE)
            .layer("Adapters").definedBy(ADAPTERS)
            .layer("App").definedBy(APP)
            .whereLayer("App").mayNotBeAccessedByAnyLayer()
            .whereLayer("Adapters").mayOnlyBeAccessedByLayers("App")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Adapters", "App");

    static final ArchRule ADAPTERS_APART = slices().matching("hotdesk.(*)..")
            .that(DescribedPredicate.describe("are adapters",
                    (Slice s) -> !NOT_ADAPTERS.contains(s.getNamePart(1))))
            .should().notDependOnEachOther();

    static final ArchRule CORE_ON_JDK_ONLY = classes().that().resideInAPackage(CORE)
            .should().onlyDependOnClassesThat().resideInAnyPackage(CORE, "java..", "javax.crypto..");

    static JavaClasses production;

    @BeforeAll
    static void load() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("hotdesk");
    }

    /** Only classes in {@code allowed} may use the library in {@code packages}. */
    static ArchRule onlyIn(String library, String[] packages, String... allowed) {
        return noClasses().that().resideOutsideOfPackages(allowed)
                .should().dependOnClassesThat().resideInAnyPackage(packages)
                .as(library + " is used only in " + String.join(", ", allowed));
    }

    @Test
    void the_core_depends_on_the_jdk_only() {
        CORE_ON_JDK_ONLY.check(production);
    }

    @Test
    void the_core_is_used_by_adapters_and_app_adapters_only_by_app_and_app_by_nobody() {
        LAYERS.check(production);
    }

    @Test
    void adapters_never_import_each_other() {
        ADAPTERS_APART.check(production);
    }

    @Test
    void asterisk_java_stays_in_agi() {
        onlyIn("asterisk-java", new String[] {"org.asteriskjava.."}, "hotdesk.agi..").check(production);
    }

    @Test
    void jackson_stays_in_ari() {
        onlyIn("Jackson", new String[] {"com.fasterxml.jackson.."}, "hotdesk.ari..").check(production);
    }

    @Test
    void velocity_stays_in_provisioning() {
        onlyIn("Velocity", new String[] {"org.apache.velocity.."}, "hotdesk.provisioning..").check(production);
    }

    @Test
    void javalin_and_jetty_stay_in_the_http_listeners() {
        onlyIn("Javalin and Jetty", new String[] {"io.javalin..", "org.eclipse.jetty.."},
                "hotdesk.provisioning..", "hotdesk.board..", "hotdesk.selfservice..", "hotdesk.web..", "hotdesk.metrics..").check(production);
    }

    @Test
    void the_self_service_listener_depends_on_the_core_its_web_server_the_qr_encoder_and_logging_only() {
        classes().that().resideInAPackage("hotdesk.selfservice..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("hotdesk.selfservice..", "hotdesk.web..", CORE, "java..",
                        "javax.net..", "io.javalin..", "org.eclipse.jetty..", "org.slf4j..", "kotlin..", "jakarta.servlet..",
                        "org.jetbrains..", "com.google.zxing..")
                .as("the self-service listener imports no other adapter: the application hands it the use cases")
                .check(production);
    }

    @Test
    void the_shared_listener_rules_depend_on_the_jdk_and_jetty_only() {
        classes().that().resideInAPackage("hotdesk.web..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("hotdesk.web..", "java..", "org.eclipse.jetty..")
                .check(production);
    }

    @Test
    void zxing_stays_in_the_self_service_listener() {
        onlyIn("ZXing", new String[] {"com.google.zxing.."}, "hotdesk.selfservice..").check(production);
    }

    @Test
    void micrometer_stays_in_metrics() {
        onlyIn("Micrometer and the Prometheus client", new String[] {"io.micrometer..", "io.prometheus.."},
                "hotdesk.metrics..").check(production);
    }

    @Test
    void the_board_depends_on_the_core_its_web_server_and_logging_only() {
        classes().that().resideInAPackage("hotdesk.board..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("hotdesk.board..", "hotdesk.web..", CORE, "java..", "javax.net..",
                        "io.javalin..", "org.eclipse.jetty..", "org.slf4j..", "kotlin..", "jakarta.servlet..", "org.jetbrains..")
                .as("the board imports no other adapter: the application hands it use cases and the chart renderer")
                .check(production);
    }

    @Test
    void jdbc_and_the_database_libraries_stay_in_store() {
        onlyIn("JDBC, HikariCP, Flyway, H2 and the PostgreSQL driver",
                new String[] {"java.sql..", "javax.sql..", "com.zaxxer.hikari..", "org.flywaydb..", "org.h2..", "org.postgresql.."},
                "hotdesk.store..").check(production);
    }

    @Test
    void picocli_stays_in_cli_and_app() {
        onlyIn("picocli", new String[] {"picocli.."}, "hotdesk.cli..", APP).check(production);
    }

    @Test
    void the_charting_libraries_and_awt_stay_in_report() {
        onlyIn("JFreeChart, JFreeSVG and AWT", new String[] {"org.jfree..", "java.awt.."}, "hotdesk.report..").check(production);
    }
}
