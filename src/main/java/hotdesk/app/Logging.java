package hotdesk.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Log output of the {@code hotdesk} process. {@code serve} logs as configured (logback.xml); an admin
 * command prints its result and its errors only, so its log lines (the ledger opening, the pool, the
 * migrations) are dropped unless {@code --verbose} asks for them. Called once, by {@link Main#main},
 * before the command runs: tests that run commands inside their own JVM keep their logging.
 */
final class Logging {

    private Logging() {
    }

    /** Drops every log event of this process from now on (the logging binding is logback, see the pom). */
    static void silence() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            TurboFilter dropAll = new TurboFilter() {
                @Override
                public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                                          Object[] params, Throwable t) {
                    return FilterReply.DENY;
                }
            };
            dropAll.setName("hotdesk-command-quiet");
            dropAll.start();
            context.addTurboFilter(dropAll);
        }
    }
}
