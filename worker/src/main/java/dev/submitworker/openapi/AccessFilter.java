package dev.submitworker.openapi;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Keeps the front apart from the worker's management port: {@code /openapi/**} is served on the front's port only,
 * and nothing else is; and, unless the front runs open, asks every call for an accepted {@code dinky-token}: without
 * one, HTTP 401 with Dinky's code 7.
 */
public final class AccessFilter extends HttpFilter {

    public static final String TOKEN_HEADER = "dinky-token";
    static final String PREFIX = "/openapi/";

    private final IntSupplier frontPort;
    private final Tokens tokens;
    private final DinkyResults results;

    /** @param tokens null when the front runs open (a trusted network, or make run) */
    public AccessFilter(IntSupplier frontPort, Tokens tokens, DinkyResults results) {
        this.frontPort = frontPort;
        this.tokens = tokens;
        this.results = results;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean api = request.getRequestURI().startsWith(PREFIX);
        if (api != (request.getLocalPort() == frontPort.getAsInt())) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        if (api && tokens != null && !tokens.accepts(request.getHeader(TOKEN_HEADER))) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(results.result(DinkyResults.NOT_AUTHORISED, request.getHeader(TOKEN_HEADER)
                    == null ? "Not authorised: send an API token in the dinky-token header"
                    : "Not authorised: the dinky-token is not an accepted token", null).toString());
            return;
        }
        chain.doFilter(request, response);
    }
}
