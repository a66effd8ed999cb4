package hotdesk.store;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Captures everything logged anywhere (ours, HikariCP, Flyway, the drivers) at DEBUG while open, for
 * secret-leak checks.
 */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<Logger> quietened = List.of("com.zaxxer.hikari", "org.flywaydb").stream()
            .map(n -> (Logger) LoggerFactory.getLogger(n)).toList();
    private final List<Level> previous = quietened.stream().map(Logger::getLevel).toList();
    private final Level previousRoot = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
        quietened.forEach(l -> l.setLevel(Level.DEBUG));
    }

    /** Formatted messages, with any attached throwable's messages appended. */
    List<String> lines() {
        return appender.list.stream().map(e -> {
            StringBuilder b = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            return b.toString();
        }).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previousRoot);
        for (int i = 0; i < quietened.size(); i++) {
            quietened.get(i).setLevel(previous.get(i));
        }
    }
}
