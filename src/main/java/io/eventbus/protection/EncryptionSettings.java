package io.eventbus.protection;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import io.eventbus.transport.ConfigKey;

/**
 * Where the keys that encrypt topics' {@code data} come from (see {@link DataKeys}); which topics encrypt is said
 * per topic ({@code eventbus.topics.<topic>.encryption}). Options of the {@code bus} component like the others;
 * read with {@code EventBusProperties.settings(EncryptionSettings.class)}.
 */
@UriParams
public class EncryptionSettings {

    /**
     * The id of the key that encrypts; every configured key decrypts, so a new key is rotated in by adding it and
     * making it current. Needed when a topic encrypts.
     */
    @UriParam(label = "security")
    @ConfigKey("eventbus.encryption.current-key")
    private String encryptionCurrentKey;

    /**
     * The ids of the keys given in configuration, comma-separated (lower-case letters and digits); each key is 32
     * bytes in Base64 under eventbus.encryption.key.ID.secret, from EVENTBUS_ENCRYPTION_KEY_ID_SECRET or a secret
     * file named by EVENTBUS_ENCRYPTION_KEY_ID_SECRET_FILE. Never logged.
     */
    @UriParam(label = "security")
    @ConfigKey("eventbus.encryption.key-ids")
    private String encryptionKeyIds;

    /** A Java keystore file whose secret-key entries (AES, 256 bits) are keys, their aliases the key ids. */
    @UriParam(label = "security")
    @ConfigKey("eventbus.encryption.keystore")
    private String encryptionKeystore;

    /** The keystore's password, also its entries'; from EVENTBUS_ENCRYPTION_KEYSTORE_PASSWORD(_FILE). Never logged. */
    @UriParam(label = "security", secret = true)
    @ConfigKey("eventbus.encryption.keystore-password")
    private String encryptionKeystorePassword;

    /** The keystore's type: PKCS12 or JCEKS. */
    @UriParam(label = "security", defaultValue = "PKCS12")
    @ConfigKey("eventbus.encryption.keystore-type")
    private String encryptionKeystoreType = "PKCS12";

    public String getEncryptionCurrentKey() {
        return encryptionCurrentKey;
    }

    public void setEncryptionCurrentKey(String encryptionCurrentKey) {
        this.encryptionCurrentKey = encryptionCurrentKey;
    }

    public String getEncryptionKeyIds() {
        return encryptionKeyIds;
    }

    public void setEncryptionKeyIds(String encryptionKeyIds) {
        this.encryptionKeyIds = encryptionKeyIds;
    }

    public String getEncryptionKeystore() {
        return encryptionKeystore;
    }

    public void setEncryptionKeystore(String encryptionKeystore) {
        this.encryptionKeystore = encryptionKeystore;
    }

    public String getEncryptionKeystorePassword() {
        return encryptionKeystorePassword;
    }

    public void setEncryptionKeystorePassword(String encryptionKeystorePassword) {
        this.encryptionKeystorePassword = encryptionKeystorePassword;
    }

    public String getEncryptionKeystoreType() {
        return encryptionKeystoreType;
    }

    public void setEncryptionKeystoreType(String encryptionKeystoreType) {
        this.encryptionKeystoreType = encryptionKeystoreType;
    }

    @Override
    public String toString() {
        // never the keystore password
        return "EncryptionSettings[currentKey=" + encryptionCurrentKey + ", keyIds=" + encryptionKeyIds
                + ", keystore=" + encryptionKeystore + "]";
    }
}
