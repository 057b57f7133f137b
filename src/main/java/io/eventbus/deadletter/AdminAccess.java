package io.eventbus.deadletter;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may change dead letters over HTTP: a request that replays or purges must be a POST carrying the admin token
 * ({@value #TOKEN_KEY}) in the {@value #TOKEN_HEADER} header, and must not come from a page of another origin.
 * <ul>
 *   <li>No token configured: every replay and purge is refused (403), whatever the request carries; reading stays
 *       open, as it is on loopback.</li>
 *   <li>A missing or wrong token: 401. Tokens are compared in constant time.</li>
 *   <li>Cross-site request forgery: a page on another origin cannot set a custom header without a CORS preflight,
 *       which this server never grants, so the header alone stops a forged request; on top, a request whose
 *       {@code Origin} is not the server's own address, or that the browser marks {@code Sec-Fetch-Site:
 *       cross-site}, is refused (403) before the token is looked at.</li>
 * </ul>
 */
public final class AdminAccess {

    public static final String TOKEN_KEY = "eventbus.http.admin.token";
    public static final String TOKEN_HEADER = "X-Eventbus-Token";

    private final byte[] token;

    /** @param token the configured admin token; null or blank: nobody may replay or purge */
    public AdminAccess(String token) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a token is configured: replay and purge are possible at all. */
    public boolean enabled() {
        return token != null;
    }

    /**
     * Lets the request go on, or throws: {@link SecurityException} (403) for a foreign origin or no configured
     * token, {@link Unauthenticated} (401) for a missing or wrong token.
     */
    public void check(RoutingContext ctx, String operation) {
        String origin = ctx.request().getHeader("Origin");
        HostAndPort authority = ctx.request().authority();
        if (origin != null && !sameOrigin(origin, authority)
                || "cross-site".equals(ctx.request().getHeader("Sec-Fetch-Site"))) {
            throw new SecurityException(operation + " refused: the request comes from another origin ("
                    + (origin != null ? origin : "cross-site") + ")");
        }
        if (token == null) {
            throw new SecurityException(operation + " is disabled: set " + TOKEN_KEY
                    + " (or the EVENTBUS_HTTP_ADMIN_TOKEN_FILE secret) to allow it");
        }
        String given = ctx.request().getHeader(TOKEN_HEADER);
        if (given == null || given.isEmpty()) {
            throw new Unauthenticated(operation + " needs the admin token in the " + TOKEN_HEADER + " header");
        }
        if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            throw new Unauthenticated(operation + " refused: the " + TOKEN_HEADER + " header does not carry the "
                    + "admin token");
        }
    }

    /** Whether the origin names the host and port the request was sent to (its Host, or HTTP/2 authority). */
    private static boolean sameOrigin(String origin, HostAndPort authority) {
        if (authority == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            int asked = authority.port() != -1 ? authority.port() : port;
            return uri.getHost().equalsIgnoreCase(authority.host()) && port == asked;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The request did not prove it holds the admin token: answered 401. */
    public static final class Unauthenticated extends SecurityException {
        private static final long serialVersionUID = 1L;

        Unauthenticated(String message) {
            super(message);
        }
    }
}
