package io.eventbus.transport.redis.streams;

/** How a Redis client checks the server's TLS certificate ({@code tlsVerify}). */
public enum TlsVerification {
    /** The certificate chains up to a trusted certificate and names the host the client connected to. */
    FULL,
    /**
     * The certificate chains up to a trusted certificate, whatever host it names: for servers reached by an address
     * their certificate does not name. Anyone holding a certificate of the same authority can then pose as the
     * server.
     */
    CA
}
