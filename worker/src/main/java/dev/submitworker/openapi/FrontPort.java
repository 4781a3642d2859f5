package dev.submitworker.openapi;

import java.util.function.IntSupplier;
import org.apache.catalina.connector.Connector;

/** The front's own HTTP connector, beside the worker's management port; its port is known once it has started. */
public final class FrontPort implements IntSupplier {

    private final Connector connector;

    /** @param port the configured port; 0 takes a free one */
    public FrontPort(int port) {
        this.connector = new Connector("HTTP/1.1");
        connector.setPort(port);
    }

    public Connector connector() {
        return connector;
    }

    /** The port it listens on; -1 before the server has started. */
    @Override
    public int getAsInt() {
        return connector.getLocalPort();
    }
}
