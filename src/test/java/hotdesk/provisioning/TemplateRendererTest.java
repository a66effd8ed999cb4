package hotdesk.provisioning;

import hotdesk.core.model.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateRendererTest {

    private static final Mac MAC = new Mac("0015651234ab");

    @TempDir
    Path dir;

    private void write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void the_bundled_yealink_template_is_found_on_the_classpath_without_a_user_directory() {
        // given
        TemplateRenderer renderer = new TemplateRenderer(Optional.empty());

        // when
        Optional<String> name = renderer.templateFor("yealink", "T54W", MAC, "cfg");

        // then
        assertThat(name).hasValue("yealink/mac.cfg.vm");
        assertThat(getClass().getClassLoader().getResource("templates/yealink/mac.cfg.vm")).isNotNull();
    }

    @Test
    void lookup_goes_per_mac_then_per_model_then_vendor_base_with_the_user_directory_first() throws Exception {
        // given
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));

        // then: only the bundled base exists
        assertThat(renderer.templateFor("yealink", "T54W", MAC, "cfg")).hasValue("yealink/mac.cfg.vm");
        // when a model file appears (model names are looked up in lower case)
        write("yealink/t54w.cfg.vm", "model");
        assertThat(renderer.templateFor("yealink", "T54W", MAC, "cfg")).hasValue("yealink/t54w.cfg.vm");
        assertThat(renderer.templateFor("yealink", "T46U", MAC, "cfg")).hasValue("yealink/mac.cfg.vm");
        // when a per-MAC file appears
        write("yealink/0015651234ab.cfg.vm", "one phone");
        assertThat(renderer.templateFor("yealink", "T54W", MAC, "cfg")).hasValue("yealink/0015651234ab.cfg.vm");
        assertThat(renderer.render("yealink", "T54W", MAC, "cfg", Map.of())).isEqualTo("one phone");
    }

    @Test
    void desks_of_one_model_share_a_lookup_unless_a_user_directory_could_hold_a_file_of_each() {
        // given: 200 desks of one model, rendered once each
        TemplateRenderer bundledOnly = new TemplateRenderer(Optional.empty());
        TemplateRenderer withUserDir = new TemplateRenderer(Optional.of(dir));
        for (int i = 0; i < 200; i++) {
            Mac mac = new Mac(String.format("0015650%05x", i));
            bundledOnly.resolve("yealink", "T54W", mac, "cfg");
            withUserDir.resolve("yealink", "T54W", mac, "cfg");
        }

        // then: one lookup for the model without a user directory; with one, each desk may have its own file
        assertThat(bundledOnly.lookupsKept()).isEqualTo(1);
        assertThat(withUserDir.lookupsKept()).isEqualTo(200);
        assertThat(bundledOnly.resolve("yealink", "T54W", MAC, "cfg"))
                .isSameAs(bundledOnly.resolve("yealink", "T54W", new Mac("0015650000aa"), "cfg"));
    }

    @Test
    void a_model_name_that_could_leave_the_vendor_folder_names_no_template() throws Exception {
        // given
        write("yealink/...cfg.vm", "dots");
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));

        // when / then
        assertThat(renderer.templateFor("yealink", "..", MAC, "cfg")).hasValue("yealink/mac.cfg.vm");
        assertThat(renderer.templateFor("yealink", "mac", MAC, "cfg")).hasValue("yealink/mac.cfg.vm");
    }

    @Test
    void every_inserted_value_loses_line_breaks_and_control_characters_in_a_cfg_file() throws Exception {
        // given
        write("acme/mac.cfg.vm", "a = ${x}\nb = ${n}\n");
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));

        // when
        String out = renderer.render("acme", "x1", MAC, "cfg", Map.of("x", "1\r\nb = 2\u0000\u001b\u2028\u0085\t!", "n", 7));

        // then
        assertThat(out).isEqualTo("a = 1b = 2!\nb = 7\n");
    }

    @Test
    void values_are_escaped_as_xml_in_an_xml_file() throws Exception {
        // given
        write("acme/mac.xml.vm", "<a v=\"${x}\">${x}</a>");
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));

        // when
        String out = renderer.render("acme", "x1", MAC, "xml", Map.of("x", "<b>&\"'\n"));

        // then
        assertThat(out).isEqualTo("<a v=\"&lt;b&gt;&amp;&quot;&apos;\">&lt;b&gt;&amp;&quot;&apos;</a>");
    }

    @Test
    void records_in_the_model_are_read_through_their_accessors() throws Exception {
        // given
        write("acme/mac.cfg.vm", "k = ${key.label}/${key.index}");
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));

        // when
        String out = renderer.render("acme", "x1", MAC, "cfg",
                Map.of("key", new YealinkProfile.LineKey(2, 13, 1, "*32", "Logout")));

        // then
        assertThat(out).isEqualTo("k = Logout/2");
    }

    @Test
    void an_undefined_reference_throws_naming_template_and_line() throws Exception {
        // given
        write("acme/mac.cfg.vm", "a = ${x}\n\nb = ${missing}\n");
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));

        // when / then
        assertThatThrownBy(() -> renderer.render("acme", "x1", MAC, "cfg", Map.of("x", "1")))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.templateName()).isEqualTo("acme/mac.cfg.vm");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("acme/mac.cfg.vm line 3").doesNotContain("\n");
                });
    }

    @Test
    void a_syntax_error_throws_naming_template_and_line() throws Exception {
        // given
        write("acme/mac.cfg.vm", "a = 1\n#foreach( $x in )\n#end\n");
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));

        // when / then
        assertThatThrownBy(() -> renderer.render("acme", "x1", MAC, "cfg", Map.of()))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.templateName()).isEqualTo("acme/mac.cfg.vm");
                    assertThat(e.line()).isEqualTo(2);
                });
    }

    @Test
    void a_vendor_without_any_template_throws_naming_the_names_looked_for() {
        // given
        TemplateRenderer renderer = new TemplateRenderer(Optional.of(dir));
        TemplateRenderer bundledOnly = new TemplateRenderer(Optional.empty());

        // when / then: the desk's own file is named where a user directory could hold it
        assertThatThrownBy(() -> renderer.render("acme", "X1", MAC, "cfg", Map.of()))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("acme/0015651234ab.cfg.vm").hasMessageContaining("acme/x1.cfg.vm")
                .hasMessageContaining("acme/mac.cfg.vm");
        assertThatThrownBy(() -> bundledOnly.render("acme", "X1", MAC, "cfg", Map.of()))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("acme/x1.cfg.vm").hasMessageContaining("acme/mac.cfg.vm")
                .hasMessageNotContaining("0015651234ab");
    }

    @Test
    void a_vendor_or_file_kind_that_cannot_name_a_template_is_refused() {
        // given
        TemplateRenderer renderer = new TemplateRenderer(Optional.empty());

        // when / then
        assertThatThrownBy(() -> renderer.render("../etc", "X1", MAC, "cfg", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vendor");
        assertThatThrownBy(() -> renderer.render("yealink", "X1", MAC, "c/g", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file kind");
        assertThatThrownBy(() -> renderer.render("yealink", "X1", MAC, "txt", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escaping");
    }
}
