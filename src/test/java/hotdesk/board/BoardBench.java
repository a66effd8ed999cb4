package hotdesk.board;

import hotdesk.core.model.DeskLine;
import hotdesk.core.model.Device;
import hotdesk.core.model.Extension;
import hotdesk.core.model.Mac;
import hotdesk.core.usecase.LogIn;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures the desk board with many desks on an H2 file: the full page, the tiles a reconnect fetches,
 * and login → tile event on an open live view. Run by {@code scripts/bench-board [desks] [rounds]};
 * results go to BENCHMARKS.md by hand. Not a test: nothing is asserted.
 */
public final class BoardBench {

    private BoardBench() {
    }

    public static void main(String[] args) throws Exception {
        int desks = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("board-bench");
        try (BoardWorld world = new BoardWorld(dir)) {
            world.ledger.transact(tx -> {
                for (int i = 0; i < desks; i++) {
                    Mac mac = Mac.parse(String.format("0015670%05x", i));
                    tx.insertDevice(new Device(mac, "yealink", "T54W", "Desk " + i, "Site " + (i % 7), "911", true),
                            List.of(new DeskLine(mac.endpointId(), mac, 1, "bench-secret-" + i + "-0123456789")));
                }
                return null;
            });
            BoardServer board = world.start(BoardWorld.plain());
            try {
                BoardClient c = new BoardClient("http://127.0.0.1:" + board.port());
                c.signIn("victor", BoardWorld.VIEWER_PASSWORD);
                List<Long> page = new ArrayList<>();
                List<Long> tiles = new ArrayList<>();
                int bytes = 0;
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = c.get("/board");
                    page.add(System.nanoTime() - t0);
                    bytes = r.body().length();
                    t0 = System.nanoTime();
                    c.get("/board/tiles");
                    tiles.add(System.nanoTime() - t0);
                }
                BoardClient.Events events = c.events("/board/events");
                while (!String.valueOf(events.lines().poll(30, TimeUnit.SECONDS)).startsWith("event: hello")) {
                    // wait for the stream to open
                }
                List<Long> live = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    events.lines().clear();
                    long t0 = System.nanoTime();
                    if (i % 2 == 0) {
                        world.logIn.execute(BoardWorld.DESK, new LogIn.Pin(Extension.of("101"), BoardWorld.PIN), "bench");
                    } else {
                        world.logOut.forceUser(Extension.of("101"), "bench");
                    }
                    while (true) {
                        String line = events.lines().poll(30, TimeUnit.SECONDS);
                        if (line == null) {
                            throw new IllegalStateException("no tile event within 30 s");
                        }
                        if (line.startsWith("event: tile")) {
                            break;
                        }
                    }
                    live.add(System.nanoTime() - t0);
                }
                events.close();
                System.out.printf("desks %d, rounds %d%n", desks + 1, rounds);
                System.out.printf("GET /board (%d KiB): %s%n", bytes / 1024, stats(page));
                System.out.printf("GET /board/tiles: %s%n", stats(tiles));
                System.out.printf("login/logout committed -> tile event read by the client: %s%n", stats(live));
            } finally {
                board.close();
            }
        }
    }

    private static String stats(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return String.format("p50 %d ms, p95 %d ms, max %d ms", s.get(s.size() / 2) / 1_000_000,
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.95) - 1)) / 1_000_000, s.get(s.size() - 1) / 1_000_000);
    }
}
