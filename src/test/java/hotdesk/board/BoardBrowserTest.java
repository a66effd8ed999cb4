package hotdesk.board;

import hotdesk.testing.Chromium;
import hotdesk.testing.RealAsterisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The desk board in a real headless Chromium over real loopback HTTP, on a real H2 ledger (no Asterisk:
 * logins come from {@code LogIn} directly; the Asterisk-kit login is {@code RealBoardTest}).
 */
class BoardBrowserTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private BoardWorld world;
    private BoardServer board;
    private WebDriver browser;
    private int port;

    @BeforeEach
    void start() throws IOException {
        Chromium.assumeInstalled();
        world = new BoardWorld(dir);
        port = RealAsterisk.freeTcpPort();
        board = world.start(settings());
        browser = Chromium.start(dir.resolve("profile"));
    }

    private BoardSettings settings() {
        return new BoardSettings("127.0.0.1", port, Optional.empty(), "");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (board != null) {
            board.close();
        }
        if (world != null) {
            world.close();
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void signIn(String name, String password) {
        browser.get(url("/board"));
        assertThat(browser.getCurrentUrl()).endsWith("/signin");
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("signin")).click();
        await().atMost(PATIENCE).until(() -> browser.getCurrentUrl().endsWith("/board"));
        awaitLive();
    }

    private void awaitLive() {
        await().atMost(PATIENCE).until(() -> "live".equals(browser.findElement(By.id("live")).getText()));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** The tile's text, read in one script run (a live update may replace the element at any moment). */
    private String tileText() {
        return String.valueOf(js("var t = document.getElementById('tile-" + BoardWorld.DESK + "'); return t ? t.innerText : '';"));
    }

    @Test
    void a_signed_out_browser_gets_the_sign_in_form_and_a_wrong_password_stays_there() {
        browser.get(url("/board/usage"));
        assertThat(browser.getCurrentUrl()).endsWith("/signin");

        browser.findElement(By.id("name")).sendKeys("anna");
        browser.findElement(By.id("password")).sendKeys("wrong password");
        browser.findElement(By.id("signin")).click();

        await().atMost(PATIENCE).until(() -> browser.getPageSource().contains("Wrong name or password."));
        assertThat(browser.findElements(By.id("tiles"))).isEmpty();
    }

    @Test
    void a_login_appears_on_the_open_board_through_server_sent_events_without_a_reload() {
        signIn("victor", BoardWorld.VIEWER_PASSWORD);
        Object loadedAt = js("return window.hotdeskBoard.loadedAt;");
        assertThat(tileText()).contains("free");

        world.logInAlice();

        await().atMost(PATIENCE).until(() -> tileText().contains("Alice Example (101) since"));
        assertThat(js("return window.hotdeskBoard.loadedAt;")).isEqualTo(loadedAt);
        assertThat((Long) js("return window.hotdeskBoard.tileEvents;")).isPositive();
    }

    @Test
    void an_admin_logs_a_desk_out_from_its_tile_after_confirming() {
        world.logInAlice();
        signIn("anna", BoardWorld.ADMIN_PASSWORD);
        WebElement button = browser.findElement(By.cssSelector("#tile-" + BoardWorld.DESK + " button.logout"));

        button.click();
        assertThat(browser.switchTo().alert().getText()).isEqualTo("Log Alice Example (101) out of Desk B1?");
        browser.switchTo().alert().dismiss();
        assertThat(world.seated()).isTrue();

        browser.findElement(By.cssSelector("#tile-" + BoardWorld.DESK + " button.logout")).click();
        browser.switchTo().alert().accept();

        await().atMost(PATIENCE).until(() -> !world.seated());
        await().atMost(PATIENCE).until(() -> tileText().contains("free"));
        assertThat(browser.findElements(By.cssSelector("#tile-" + BoardWorld.DESK + " button.logout"))).isEmpty();
        assertThat(world.audit()).anySatisfy(a -> assertThat(a.actor()).isEqualTo("board:anna"));
    }

    @Test
    void a_viewer_has_no_logout_button_and_a_logout_sent_from_their_page_is_refused() {
        world.logInAlice();
        signIn("victor", BoardWorld.VIEWER_PASSWORD);
        assertThat(browser.findElements(By.cssSelector("button.logout"))).isEmpty();

        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                var csrf = document.querySelector('meta[name="csrf-token"]').content;
                fetch('/board/desks/%s/logout', {method: 'POST', headers: {'X-CSRF-Token': csrf}})
                    .then(function (r) { done(r.status); });""".formatted(BoardWorld.DESK));

        assertThat(status).isEqualTo(403L);
        assertThat(world.seated()).isTrue();
    }

    @Test
    void the_search_box_filters_the_tiles_by_label_user_and_site() {
        world.addDesk("00:15:65:b5:1f:02", "Annex 1", "Annex");
        world.logInAlice();
        signIn("victor", BoardWorld.VIEWER_PASSWORD);
        WebElement filter = browser.findElement(By.id("filter"));

        filter.sendKeys("alice");
        assertThat(browser.findElement(By.id("tile-" + BoardWorld.DESK)).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("tile-hd-001565b51f02")).isDisplayed()).isFalse();
        filter.clear();
        filter.sendKeys("annex");

        assertThat(browser.findElement(By.id("tile-" + BoardWorld.DESK)).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("tile-hd-001565b51f02")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("count")).getText()).isEqualTo("1 of 2 desks");
    }

    @Test
    void after_a_restart_of_the_listener_the_board_reconnects_and_shows_what_changed_meanwhile() {
        signIn("victor", BoardWorld.VIEWER_PASSWORD);
        Object loadedAt = js("return window.hotdeskBoard.loadedAt;");

        board.close();
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("live")).getText().startsWith("reconnecting"));
        world.logInAlice(); // nobody is listening now
        board = world.start(settings());

        await().atMost(PATIENCE).until(() -> tileText().contains("Alice Example (101) since"));
        assertThat(js("return window.hotdeskBoard.loadedAt;")).isEqualTo(loadedAt);
        assertThat((Long) js("return window.hotdeskBoard.opens;")).isGreaterThanOrEqualTo(2L);
        awaitLive();
        // and live updates flow again on the new connection
        world.logOut.forceUser(hotdesk.core.model.Extension.of("101"), "test");
        await().atMost(PATIENCE).until(() -> tileText().contains("free"));
    }

    @Test
    void the_usage_page_shows_three_charts_and_the_table() {
        world.logInAlice();
        signIn("victor", BoardWorld.VIEWER_PASSWORD);

        browser.get(url("/board/usage"));

        assertThat(browser.findElements(By.cssSelector("figure.chart svg"))).hasSize(3);
        assertThat(browser.findElement(By.id("usage")).getText()).contains("Desk B1");
        Chromium.screenshot(browser, Path.of("target/board-screenshots/usage.png"));
    }
}
