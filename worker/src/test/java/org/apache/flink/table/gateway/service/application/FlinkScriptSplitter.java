package org.apache.flink.table.gateway.service.application;

import java.io.OutputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.gateway.api.session.SessionEnvironment;
import org.apache.flink.table.gateway.api.session.SessionHandle;
import org.apache.flink.table.gateway.rest.util.SqlGatewayRestAPIVersion;
import org.apache.flink.table.gateway.service.context.DefaultContext;
import org.apache.flink.table.gateway.service.context.SessionContext;
import org.apache.flink.util.concurrent.Executors;

/**
 * Flink 2.2's own application-mode SQL driver splitting a script ({@code SqlDriver} runs {@link ScriptExecutor}), for
 * differential tests: its {@code ResultIterator} is package-private, hence this package. Only {@code hasNext()} is
 * called, which cuts and trial-parses each statement; nothing is executed.
 */
public final class FlinkScriptSplitter implements AutoCloseable {

    /** A statement as the driver cuts it, and the error its trial parse recorded, if any. */
    public record Piece(String text, Throwable failure) {}

    private final SessionContext context = SessionContext.create(new DefaultContext(new Configuration(), List.of()),
            SessionHandle.create(), SessionEnvironment.newBuilder()
                    .setSessionEndpointVersion(SqlGatewayRestAPIVersion.getDefaultVersion()).build(),
            Executors.newDirectExecutorService());
    private final Field statement;
    private final Field throwable;

    public FlinkScriptSplitter() throws ReflectiveOperationException {
        statement = ScriptExecutor.ResultIterator.class.getDeclaredField("statement");
        throwable = ScriptExecutor.ResultIterator.class.getDeclaredField("throwable");
        statement.setAccessible(true);
        throwable.setAccessible(true);
    }

    public List<Piece> split(String script) throws ReflectiveOperationException {
        ScriptExecutor executor = new ScriptExecutor(context, new Printer(OutputStream.nullOutputStream()));
        ScriptExecutor.ResultIterator iterator = executor.new ResultIterator(script);
        List<Piece> pieces = new ArrayList<>();
        while (true) {
            boolean more;
            try {
                more = iterator.hasNext();
            } catch (RuntimeException e) {
                // the last statement's parse is not caught by the driver: it fails the script
                pieces.add(new Piece((String) statement.get(iterator), e));
                return pieces;
            }
            if (!more) {
                return pieces;
            }
            // as next() does, so that an error is reported once
            pieces.add(new Piece((String) statement.get(iterator), (Throwable) throwable.get(iterator)));
            throwable.set(iterator, null);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
