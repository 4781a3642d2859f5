package dev.submitworker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

/** Local ports for the tests' own servers and processes. */
public final class Ports {

    private Ports() {}

    /** A port nobody listens on now: for a process's or a server's port, or an address where nothing answers. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP address on the loopback interface where nothing listens: connections to it are refused. */
    public static URI deadAddress() {
        return URI.create("http://127.0.0.1:" + freePort());
    }
}
