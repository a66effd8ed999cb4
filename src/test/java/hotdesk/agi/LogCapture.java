package hotdesk.agi;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Collects the log events of the whole JVM while a test runs (the server logs on its own threads). */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return List.copyOf(appender.list);
        }
    }

    List<ILoggingEvent> events(String loggerName) {
        return events().stream().filter(e -> e.getLoggerName().equals(loggerName)).toList();
    }

    List<ILoggingEvent> atLeast(Level level) {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(level)).toList();
    }

    /** Every message, formatted, with its MDC and stack trace class; for assertions on what was (not) logged. */
    String everything() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : events()) {
            sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ').append(e.getMDCPropertyMap())
                    .append(' ').append(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                sb.append(" !").append(e.getThrowableProxy().getClassName()).append(": ")
                        .append(e.getThrowableProxy().getMessage());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
