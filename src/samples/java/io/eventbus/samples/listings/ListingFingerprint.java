package io.eventbus.samples.listings;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.eventbus.envelope.Envelope;

/**
 * The dedupe stage's key: a fingerprint of what makes two listings the same offer, computed from the normalized
 * listing and set as the {@link ListingHeaders#FINGERPRINT} header for Camel's Idempotent Consumer.
 * <p>
 * The same flat re-posted — under a new {@code event_id}, another {@code original_id} or URL, on another site, with
 * the price, phone or street written differently — has the same fingerprint: deal type, city, district, the street
 * key ({@link NormalizationRules#streetKey}), area, rooms, price and currency as normalized, and the seller's phone
 * (else e-mail). Listing ids, URLs, titles, descriptions and photos are left out because re-posts change them.
 * A changed price makes a new offer, not a duplicate. Stateless and thread-safe.
 */
public final class ListingFingerprint implements Processor {

    @Override
    public void process(Exchange exchange) {
        Envelope normalized = exchange.getIn().getBody(Envelope.class);
        exchange.getIn().setHeader(ListingHeaders.FINGERPRINT, of(normalized.getData().path("listing_data")));
    }

    /** The fingerprint of a normalized listing ({@code listing_data}): 64 hex digits of SHA-256. */
    public static String of(JsonNode listing) {
        JsonNode address = listing.path("address");
        JsonNode price = listing.path("price");
        JsonNode contact = listing.path("contact");
        String seller = contact.hasNonNull("phone") ? contact.get("phone").asText() : contact.path("email").asText("");
        String canonical = String.join("|", List.of(
                listing.path("deal_type").asText(""),
                address.path("city").asText(""),
                address.path("district").asText(""),
                NormalizationRules.streetKey(address.path("street").asText(null)),
                number(listing.path("area_sqm")),
                listing.path("rooms").asText(""),
                number(price.path("amount")),
                price.path("currency").asText(""),
                seller));
        return HexFormat.of().formatHex(sha256(canonical));
    }

    /** A number in one spelling whatever its JSON form (54.3 and 54.30, 4500000 and 4.5E6 agree). */
    private static String number(JsonNode node) {
        return node.isNumber() ? BigDecimal.valueOf(node.asDouble()).stripTrailingZeros().toPlainString() : "";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
