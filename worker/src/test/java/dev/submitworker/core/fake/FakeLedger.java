package dev.submitworker.core.fake;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.port.Ledger;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One partition's ledger in memory; what the current unit of work recorded is seen at once, kept at commit. */
public final class FakeLedger implements Ledger {

    private final FakeUnitOfWork unitOfWork;
    private final Map<RequestId, LedgerEntry> committed = new LinkedHashMap<>();
    private final Map<RequestId, LedgerEntry> uncommitted = new HashMap<>();

    public FakeLedger(FakeUnitOfWork unitOfWork) {
        this.unitOfWork = unitOfWork;
        unitOfWork.onEnd(uncommitted::clear);
    }

    @Override
    public Optional<LedgerEntry> find(RequestId requestId) {
        LedgerEntry entry = uncommitted.get(requestId);
        return Optional.ofNullable(entry != null ? entry : committed.get(requestId));
    }

    @Override
    public void record(LedgerEntry entry) {
        uncommitted.put(entry.requestId(), entry);
        unitOfWork.write(() -> committed.put(entry.requestId(), entry));
    }

    @Override
    public List<LedgerEntry> pending() {
        return committed.values().stream().filter(entry -> entry.is(LedgerEntry.State.PENDING))
                .sorted(Comparator.comparing(LedgerEntry::at)).toList();
    }

    @Override
    public List<LedgerEntry> followed() {
        return committed.values().stream().filter(LedgerEntry::followed).toList();
    }

    /** The committed entry. */
    public Optional<LedgerEntry> committed(RequestId requestId) {
        return Optional.ofNullable(committed.get(requestId));
    }
}
