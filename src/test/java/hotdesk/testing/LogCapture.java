package hotdesk.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what a logger and its children write while open, for assertions on wording and for
 * secret-leak checks. Servers log on their own threads, so reads copy under the appender's lock.
 * Close it to detach and restore every level it changed.
 */
public final class LogCapture implements AutoCloseable {

    public static final String EVERYTHING = org.slf4j.Logger.ROOT_LOGGER_NAME;

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> lowered = new ArrayList<>();
    private final List<Level> previous = new ArrayList<>();

    private LogCapture(String loggerName, boolean debug, String... alsoAtDebug) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        if (debug) {
            lower(logger);
            for (String name : alsoAtDebug) {
                lower((Logger) LoggerFactory.getLogger(name));
            }
        }
        appender.start();
        logger.addAppender(appender);
    }

    private void lower(Logger l) {
        lowered.add(l);
        previous.add(l.getLevel());
        l.setLevel(Level.DEBUG);
    }

    /** What {@code loggerName} (or {@link #EVERYTHING}) writes at its configured levels. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName, false);
    }

    /**
     * What {@code loggerName} writes at DEBUG, with {@code alsoAtDebug} (libraries that set their own
     * level) lowered too: the widest net for a secret-leak check.
     */
    public static LogCapture atDebug(String loggerName, String... alsoAtDebug) {
        return new LogCapture(loggerName, true, alsoAtDebug);
    }

    public List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase.doAppend holds this lock while it adds
            return List.copyOf(appender.list);
        }
    }

    public List<ILoggingEvent> events(String loggerName) {
        return events().stream().filter(e -> e.getLoggerName().equals(loggerName)).toList();
    }

    public List<ILoggingEvent> atLeast(Level level) {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(level)).toList();
    }

    /** The formatted messages alone. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** {@code "LEVEL message | cause-class: cause-message…"} per event, every cause included. */
    public List<String> lines() {
        return events().stream().map(e -> e.getLevel() + " " + e.getFormattedMessage() + causes(e)).toList();
    }

    /** Every event with its logger, MDC and causes, one per line: for "was (not) logged anywhere" checks. */
    public String everything() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : events()) {
            sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ').append(e.getMDCPropertyMap())
                    .append(' ').append(e.getFormattedMessage()).append(causes(e)).append('\n');
        }
        return sb.toString();
    }

    private static String causes(ILoggingEvent e) {
        StringBuilder b = new StringBuilder();
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return b.toString();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        for (int i = lowered.size() - 1; i >= 0; i--) {
            lowered.get(i).setLevel(previous.get(i));
        }
    }
}
