package hotdesk.store;

import hotdesk.core.port.Ledger;
import hotdesk.testing.InMemoryLedger;
import hotdesk.testing.InMemoryLedger.Ended;
import hotdesk.testing.InMemoryLedger.Fetch;

import java.util.List;

/** The fake ledger the core tests use keeps the same contract as the real ones. */
class InMemoryLedgerContractTest extends LedgerContract {

    private InMemoryLedger memory;

    @Override
    protected Ledger emptyLedger() {
        memory = new InMemoryLedger();
        return memory;
    }

    @Override
    protected List<Ended> history() {
        return memory.history();
    }

    @Override
    protected List<Fetch> fetches() {
        return memory.fetches();
    }
}
