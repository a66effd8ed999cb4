package hotdesk.agi;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An AgiScript that asterisk-java's default mapping would happily instantiate when a request names
 * its class ({@code agi://host/hotdesk.agi.Tripwire}): counts how often that happened.
 */
public final class Tripwire implements AgiScript {

    static final AtomicInteger CREATED = new AtomicInteger();

    public Tripwire() {
        CREATED.incrementAndGet();
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) {
        // never reached in a correct server
    }
}
