package io.eventbus.samples.listings;

/**
 * The message headers the listings stages set, so that {@code routes/listings.camel.yaml} can filter and
 * deduplicate with plain header expressions instead of reading the envelope's JSON.
 */
public final class ListingHeaders {

    /** The listing's id, {@code <source>:<original_id>}. */
    public static final String LISTING_ID = "ListingId";
    /** Boolean: whether the normalized listing passed validation ({@code is_valid}). */
    public static final String VALID = "ListingValid";
    /** The validation errors of an invalid listing, joined by {@code "; "}; each names its field. */
    public static final String VALIDATION_ERRORS = "ListingValidationErrors";
    /** The listing's fingerprint, the key of the dedupe stage's idempotent consumer. */
    public static final String FINGERPRINT = "ListingFingerprint";
    /** The fraud score, 0 to 1. */
    public static final String FRAUD_SCORE = "ListingFraudScore";
    /** Boolean: whether the fraud score reached the fraud threshold, i.e. a fraud alert is due. */
    public static final String FRAUD_DETECTED = "ListingFraudDetected";

    private ListingHeaders() {
    }
}
