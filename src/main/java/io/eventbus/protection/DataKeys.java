package io.eventbus.protection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.eventbus.transport.EventBusProperties;

/**
 * The AES-256 keys that encrypt and decrypt {@code data}, by key id: the {@link #currentId() current} one encrypts,
 * every one decrypts, so that keys rotate without a stop (configure the new key beside the old, make it current,
 * drop the old one once nothing it encrypted is left on the topics and dead-letter topics).
 * <p>
 * Keys come from configuration, so from environment variables and {@code _FILE} secrets as any key does:
 * {@code eventbus.encryption.key-ids} lists the ids, each key's 32 bytes in Base64 under
 * {@code eventbus.encryption.key.<id>.secret} ({@code EVENTBUS_ENCRYPTION_KEY_<ID>_SECRET}, or a file named by
 * {@code EVENTBUS_ENCRYPTION_KEY_<ID>_SECRET_FILE}); and from a Java keystore ({@code eventbus.encryption.keystore}, a
 * PKCS12 or JCEKS file whose secret-key entries' aliases are the ids). A key id is lower-case letters and digits, so
 * that it survives the mapping to an environment variable name and back.
 * <p>
 * Key material never leaves this class: not in {@link #toString()}, not in an error (errors name the key, never its
 * value).
 */
public final class DataKeys {

    static final String CURRENT_KEY = "eventbus.encryption.current-key";
    static final String KEY_IDS = "eventbus.encryption.key-ids";
    static final String KEYSTORE = "eventbus.encryption.keystore";
    static final String KEYSTORE_PASSWORD = "eventbus.encryption.keystore-password";
    static final String KEYSTORE_TYPE = "eventbus.encryption.keystore-type";
    static final String KEY_PREFIX = "eventbus.encryption.key.";
    /**
     * The last part of a key's name: Camel's own tools mask the value of a property whose last name part names a
     * secret ({@code secret}, {@code password}: its SensitiveUtils), as Camel Main's configuration summary does at
     * start; with the key id last, it printed the key in clear.
     */
    static final String KEY_SUFFIX = ".secret";
    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,64}");
    private static final int KEY_BYTES = 32;

    /** No keys: reads compressed data, refuses encrypted data naming its key id. */
    public static final DataKeys NONE = new DataKeys(Map.of(), null);

    private final Map<String, SecretKey> keys;
    private final String currentId;

    private DataKeys(Map<String, SecretKey> keys, String currentId) {
        this.keys = Collections.unmodifiableMap(keys);
        this.currentId = currentId;
    }

    /** Keys of those ids, the current one encrypting; for tests and tools that hold raw keys. */
    public static DataKeys of(Map<String, byte[]> raw, String currentId) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        raw.forEach((id, bytes) -> keys.put(checkId("key id", id), aes(id, bytes, "key " + id)));
        return checked(keys, currentId, "current key");
    }

    /**
     * The keys configuration gives; {@link #NONE} when it gives none.
     *
     * @throws IllegalArgumentException naming the key or variable at fault, never a key's value
     */
    public static DataKeys load(EventBusProperties properties) {
        EncryptionSettings settings = properties.settings(EncryptionSettings.class);
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String ids = settings.getEncryptionKeyIds();
        if (ids != null && !ids.isBlank()) {
            for (String listed : ids.split(",")) {
                String id = checkId(KEY_IDS, listed.trim());
                String key = KEY_PREFIX + id + KEY_SUFFIX;
                String value = properties.string(key).orElseThrow(() -> new IllegalArgumentException(KEY_IDS
                        + " lists key " + keyOf(id) + " but " + key + " is not set (nor " + variableOf(key)
                        + ", nor " + variableOf(key) + "_FILE)"));
                keys.put(id, aes(id, base64(key, value), key));
            }
        }
        String keystore = settings.getEncryptionKeystore();
        if (keystore != null && !keystore.isBlank()) {
            String password = settings.getEncryptionKeystorePassword();
            keys.putAll(fromKeystore(Path.of(keystore.trim()), password == null ? "" : password,
                    settings.getEncryptionKeystoreType(), keys.keySet()));
        }
        String current = settings.getEncryptionCurrentKey();
        return checked(keys, current == null || current.isBlank() ? null : current.trim(), CURRENT_KEY);
    }

    private static DataKeys checked(Map<String, SecretKey> keys, String currentId, String what) {
        if (currentId != null && !keys.containsKey(currentId)) {
            throw new IllegalArgumentException(what + ": key " + keyOf(currentId) + " is not among the configured "
                    + "keys " + keys.keySet() + " (" + KEY_IDS + ", " + KEYSTORE + ")");
        }
        return keys.isEmpty() ? NONE : new DataKeys(keys, currentId);
    }

    private static Map<String, SecretKey> fromKeystore(Path file, String password, String type, Set<String> taken) {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance(type);
            store.load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            // the cause's text is the JDK's ("keystore password was incorrect"), never the password
            throw new IllegalArgumentException(KEYSTORE + ": cannot open " + file + " as a " + type + " keystore ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "; check " + KEYSTORE_PASSWORD + " and "
                    + KEYSTORE_TYPE + ")");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                String id = checkId(KEYSTORE + " " + file + " alias", alias);
                if (taken.contains(id)) {
                    throw new IllegalArgumentException(KEYSTORE + ": key " + keyOf(id) + " is also given by "
                            + KEY_PREFIX + id + KEY_SUFFIX + "; give each key id once");
                }
                Key key = store.getKey(alias, password.toCharArray());
                if (!(key instanceof SecretKey secret)) {
                    continue; // a private key kept in the same store is not ours
                }
                keys.put(id, aes(id, secret.getEncoded(), KEYSTORE + " " + file + " entry " + alias));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(KEYSTORE + ": cannot read the entries of " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        return keys;
    }

    private static String checkId(String where, String id) {
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(where + ": key id \"" + id + "\" must be 1 to 64 lower-case letters "
                    + "and digits (it names an environment variable: EVENTBUS_ENCRYPTION_KEY_<ID>_SECRET)");
        }
        return id;
    }

    private static byte[] base64(String key, String value) {
        try {
            return Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": expected " + KEY_BYTES + " bytes in Base64 (openssl rand "
                    + "-base64 32), but the value is not Base64");
        }
    }

    private static SecretKey aes(String id, byte[] bytes, String where) {
        if (bytes == null || bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(where + ": an AES-256 key is " + KEY_BYTES + " bytes, but key "
                    + keyOf(id) + " has " + (bytes == null ? 0 : bytes.length));
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static String keyOf(String id) {
        return "\"" + id + "\"";
    }

    private static String variableOf(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The id of the key that encrypts, or null when none is configured. */
    public String currentId() {
        return currentId;
    }

    /** The key of that id, if configured. */
    Optional<SecretKey> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    /** The current key; throws naming {@value #CURRENT_KEY} when there is none. */
    SecretKey current(String forKey) {
        if (currentId == null) {
            throw new IllegalArgumentException(forKey + ": encryption needs a key: set " + CURRENT_KEY + " and the "
                    + "key itself (" + KEY_IDS + " with " + KEY_PREFIX + "<id>" + KEY_SUFFIX + ", or " + KEYSTORE
                    + ")");
        }
        return keys.get(currentId);
    }

    /** The configured key ids, never the keys. */
    public Set<String> ids() {
        return keys.keySet();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    @Override
    public String toString() {
        return "DataKeys" + keys.keySet() + (currentId == null ? "" : " current " + currentId);
    }
}
