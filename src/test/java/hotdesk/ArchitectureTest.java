package hotdesk;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The dependency rules of DESIGN.md §4, checked on the compiled production classes. */
class ArchitectureTest {

    static JavaClasses classes;
    static final String[] ADAPTERS = {"agi", "ami", "ari", "provisioning", "store", "cli", "asteriskconf"};

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("hotdesk");
    }

    @Test
    void the_core_depends_on_the_jdk_only() {
        classes().that().resideInAPackage("hotdesk.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("hotdesk.core..", "java..", "javax.crypto..")
                .check(classes);
    }

    @Test
    void adapters_never_import_each_other() {
        for (String a : ADAPTERS) {
            for (String b : ADAPTERS) {
                if (!a.equals(b)) {
                    noClasses().that().resideInAPackage("hotdesk." + a + "..")
                            .should().dependOnClassesThat().resideInAPackage("hotdesk." + b + "..")
                            .allowEmptyShould(true)
                            .check(classes);
                }
            }
        }
    }

    @Test
    void nothing_but_the_app_depends_on_the_app() {
        noClasses().that().resideOutsideOfPackage("hotdesk.app..")
                .should().dependOnClassesThat().resideInAPackage("hotdesk.app..")
                .check(classes);
    }

    @Test
    void asterisk_java_types_stay_inside_agi_and_ami() {
        noClasses().that().resideOutsideOfPackages("hotdesk.agi..", "hotdesk.ami..")
                .should().dependOnClassesThat().resideInAPackage("org.asteriskjava..")
                .check(classes);
    }
}
