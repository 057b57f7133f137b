package io.eventbus.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates made at test time, for brokers that speak TLS on loopback: a certificate authority, a server
 * certificate it signed for {@code 127.0.0.1} and {@code localhost}, a client certificate it signed (mutual TLS), and
 * a second authority that signed nothing here (a client trusting only it must refuse the server). EC P-256 keys,
 * valid for two days, written under a directory the test names (in {@code target/}).
 * <p>
 * Each party gets the formats its software reads: PKCS12 stores for the JVM (Kafka, the bus), PEM certificate and
 * PKCS#8 key files for {@code redis-server}.
 * <p>
 * The certificates are encoded here, in DER, with the JDK's signature and key classes: the JDK has no public API to
 * issue a certificate, {@code keytool} (a JVM per step) took a minute for the set on a busy build machine, and
 * neither OpenSSL's command nor BouncyCastle is certain to be there. Only what TLS clients check is written:
 * subject and issuer names, validity, key, basic constraints, key usage, extended key usage, subject alternative
 * names and key identifiers.
 */
public final class TestCertificates {

    /** The password of every store made here; a test value, never a secret. */
    public static final String STORE_PASSWORD = "test-store-secret";

    private static final byte[] ECDSA_WITH_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);
    private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);
    private static final byte[] SUBJECT_KEY_IDENTIFIER = oid(2, 5, 29, 14);
    private static final byte[] KEY_USAGE = oid(2, 5, 29, 15);
    private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);
    private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);
    private static final byte[] AUTHORITY_KEY_IDENTIFIER = oid(2, 5, 29, 35);
    private static final byte[] EXTENDED_KEY_USAGE = oid(2, 5, 29, 37);
    private static final byte[] SERVER_AUTH = oid(1, 3, 6, 1, 5, 5, 7, 3, 1);
    private static final byte[] CLIENT_AUTH = oid(1, 3, 6, 1, 5, 5, 7, 3, 2);
    private static final SecureRandom RANDOM = new SecureRandom();

    public final Path dir;
    /** The authority's certificate, PEM. */
    public final Path caPem;
    /** A PKCS12 trust store holding only the authority's certificate. */
    public final Path trustStore;
    /** The server's key and certificate chain (PKCS12), and the same as PEM files. */
    public final Path serverKeyStore;
    public final Path serverCertPem;
    public final Path serverKeyPem;
    /** The client's key and certificate chain (PKCS12), for mutual TLS. */
    public final Path clientKeyStore;
    /** A PKCS12 trust store (and PEM) of another authority, which signed neither the server nor the client. */
    public final Path otherTrustStore;
    public final Path otherCaPem;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.trustStore = dir.resolve("truststore.p12");
        this.serverKeyStore = dir.resolve("server.p12");
        this.serverCertPem = dir.resolve("server.pem");
        this.serverKeyPem = dir.resolve("server.key");
        this.clientKeyStore = dir.resolve("client.p12");
        this.otherTrustStore = dir.resolve("other-truststore.p12");
        this.otherCaPem = dir.resolve("other-ca.pem");
    }

    /** Makes the certificates in {@code dir} (created; existing files are replaced). */
    public static TestCertificates create(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCertificates c = new TestCertificates(dir);
        Issued ca = Issued.authority("eventbus-test-ca");
        Issued other = Issued.authority("eventbus-other-ca");
        Issued server = ca.issue("eventbus-test-server", true,
                san(dnsName("localhost"), ipAddress("127.0.0.1")));
        Issued client = ca.issue("eventbus-test-client", false, san(dnsName("eventbus-client")));
        Files.writeString(c.caPem, pem("CERTIFICATE", ca.certificate.getEncoded()));
        Files.writeString(c.otherCaPem, pem("CERTIFICATE", other.certificate.getEncoded()));
        Files.writeString(c.serverCertPem, pem("CERTIFICATE", server.certificate.getEncoded()));
        Files.writeString(c.serverKeyPem, pem("PRIVATE KEY", server.keys.getPrivate().getEncoded()));
        trustStore(c.trustStore, ca.certificate);
        trustStore(c.otherTrustStore, other.certificate);
        keyStore(c.serverKeyStore, "server", server.keys.getPrivate(), server.certificate, ca.certificate);
        keyStore(c.clientKeyStore, "client", client.keys.getPrivate(), client.certificate, ca.certificate);
        return c;
    }

    /** A key pair and its certificate. */
    private record Issued(KeyPair keys, X509Certificate certificate, byte[] keyId) {

        /** A self-signed authority. */
        static Issued authority(String name) throws Exception {
            KeyPair keys = keyPair();
            byte[] keyId = keyIdOf(keys);
            byte[] extensions = seq(
                    extension(BASIC_CONSTRAINTS, true, seq(tlv(0x01, new byte[] {(byte) 0xFF}))),
                    // keyCertSign and cRLSign: bits 5 and 6
                    extension(KEY_USAGE, true, tlv(0x03, new byte[] {1, 0x06})),
                    extension(SUBJECT_KEY_IDENTIFIER, false, tlv(0x04, keyId)));
            return new Issued(keys, sign(name, name, keys.getPublic().getEncoded(), extensions, keys.getPrivate()),
                    keyId);
        }

        /** An end entity this authority signed, for a server (serverAuth) or a client (clientAuth). */
        Issued issue(String name, boolean server, byte[] subjectAltNames) throws Exception {
            KeyPair issued = keyPair();
            byte[] extensions = seq(
                    extension(BASIC_CONSTRAINTS, true, seq()),
                    // digitalSignature: bit 0
                    extension(KEY_USAGE, true, tlv(0x03, new byte[] {7, (byte) 0x80})),
                    extension(EXTENDED_KEY_USAGE, false, seq(tlv(0x06, server ? SERVER_AUTH : CLIENT_AUTH))),
                    extension(SUBJECT_ALT_NAME, false, subjectAltNames),
                    extension(SUBJECT_KEY_IDENTIFIER, false, tlv(0x04, keyIdOf(issued))),
                    extension(AUTHORITY_KEY_IDENTIFIER, false, seq(tlv(0x80, keyId))));
            String issuer = certificate.getSubjectX500Principal().getName().substring("CN=".length());
            return new Issued(issued, sign(name, issuer, issued.getPublic().getEncoded(), extensions,
                    keys.getPrivate()), keyIdOf(issued));
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** SHA-1 of the encoded public key, as key identifiers are commonly made. */
    private static byte[] keyIdOf(KeyPair keys) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-1").digest(keys.getPublic().getEncoded());
    }

    /** An X.509 v3 certificate: the TBSCertificate, signed with ECDSA over SHA-256 by {@code signer}. */
    private static X509Certificate sign(String subject, String issuer, byte[] publicKey, byte[] extensions,
            PrivateKey signer) throws Exception {
        Instant now = Instant.now();
        byte[] algorithm = seq(tlv(0x06, ECDSA_WITH_SHA256));
        byte[] tbs = seq(
                tlv(0xA0, tlv(0x02, new byte[] {2})), // version 3
                tlv(0x02, new BigInteger(63, RANDOM).add(BigInteger.ONE).toByteArray()),
                algorithm,
                name(issuer),
                seq(time(now.minus(Duration.ofHours(1))), time(now.plus(Duration.ofDays(2)))),
                name(subject),
                publicKey,
                tlv(0xA3, extensions));
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(signer);
        signature.update(tbs);
        byte[] signed = seq(tbs, algorithm, bitString(signature.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(signed));
    }

    private static byte[] name(String commonName) {
        return seq(tlv(0x31, seq(tlv(0x06, COMMON_NAME), tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] time(Instant instant) {
        String text = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
        return tlv(0x17, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
        return critical ? seq(tlv(0x06, oid), tlv(0x01, new byte[] {(byte) 0xFF}), tlv(0x04, value))
                : seq(tlv(0x06, oid), tlv(0x04, value));
    }

    private static byte[] san(byte[]... names) {
        return seq(names);
    }

    private static byte[] dnsName(String name) {
        return tlv(0x82, name.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] ipAddress(String address) throws IOException {
        return tlv(0x87, InetAddress.getByName(address).getAddress());
    }

    private static byte[] bitString(byte[] bits) {
        byte[] content = new byte[bits.length + 1];
        System.arraycopy(bits, 0, content, 1, bits.length);
        return tlv(0x03, content);
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, parts);
    }

    /** A DER type-length-value with the parts, concatenated, as its value. */
    private static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            value.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.size();
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xFF);
        }
        out.writeBytes(value.toByteArray());
        return out.toByteArray();
    }

    /** An object identifier's DER content (without tag and length). */
    private static byte[] oid(int... arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            List<Integer> groups = new ArrayList<>();
            do {
                groups.add(0, arc & 0x7F);
                arc >>>= 7;
            } while (arc > 0);
            for (int g = 0; g < groups.size(); g++) {
                out.write(groups.get(g) | (g < groups.size() - 1 ? 0x80 : 0));
            }
        }
        return out.toByteArray();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void trustStore(Path file, X509Certificate authority) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", authority);
        save(store, file);
    }

    private static void keyStore(Path file, String alias, PrivateKey key, Certificate... chain) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(alias, key, STORE_PASSWORD.toCharArray(), chain);
        save(store, file);
    }

    private static void save(KeyStore store, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
    }
}
