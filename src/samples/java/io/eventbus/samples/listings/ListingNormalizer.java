package io.eventbus.samples.listings;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.FatalException;

/**
 * The normalize stage (the listings pipeline's first plugin): turns a {@code raw_listing} event into a
 * {@code normalized_listing} event, the listing in the unified data model plus {@code validation_errors},
 * {@code validation_warnings} and {@code is_valid}.
 * <p>
 * It reads the scraper's extracted fields ({@code data.raw_data.json}) with {@link NormalizationRules} — prices,
 * currencies and rent periods, areas, rooms, the address (city and district to their canonical names from the
 * {@link MarketReference}), contact phone and e-mail, image URLs — and converts the price to roubles at the
 * snapshot's rate to give {@code price_per_sqm_rub}. A value that makes the listing unusable (no readable price, an
 * unknown currency, no area, no city, no deal type, no way to reach the seller) is a validation error; anything
 * else that is wrong or missing is a warning and the value is left out.
 * <p>
 * The body becomes the new event, derived from the consumed one (the bus stamps {@code parent_event_id} and
 * {@code trace_id}); the headers {@link ListingHeaders#LISTING_ID}, {@link ListingHeaders#VALID} and
 * {@link ListingHeaders#VALIDATION_ERRORS} are set for the route. The stage itself fails (permanently, with
 * {@link FatalException} naming the field) only for an event it cannot read at all: another event type, or data
 * without {@code raw_data.json} (possible when a schema major the bus does not know is let through by the
 * {@code warn} policy). Stateless and thread-safe.
 */
public final class ListingNormalizer implements Processor {

    public static final String RAW_LISTING = "raw_listing";
    public static final String NORMALIZED_LISTING = "normalized_listing";
    /** The {@code source} of the events the pipeline derives. */
    public static final String PIPELINE_SOURCE = "listings-pipeline";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "raw_data.json.";

    private final MarketReference market;

    public ListingNormalizer(MarketReference market) {
        this.market = market;
    }

    @Override
    public void process(Exchange exchange) {
        Envelope raw = exchange.getIn().getBody(Envelope.class);
        Envelope normalized = normalize(raw);
        JsonNode data = normalized.getData();
        Message in = exchange.getIn();
        in.setBody(normalized);
        in.setHeader(ListingHeaders.LISTING_ID, data.path("listing_data").path("listing_id").asText());
        in.setHeader(ListingHeaders.VALID, data.path("is_valid").asBoolean());
        List<String> errors = new ArrayList<>();
        data.path("validation_errors").forEach(e -> errors.add(e.asText()));
        in.setHeader(ListingHeaders.VALIDATION_ERRORS, String.join("; ", errors));
    }

    /** The {@code normalized_listing} event of a {@code raw_listing} event. */
    public Envelope normalize(Envelope raw) {
        if (raw == null) {
            throw new FatalException("body: expected a raw_listing event but the body is empty");
        }
        if (!RAW_LISTING.equals(raw.getEventType())) {
            throw new FatalException("event_type: the listings pipeline reads raw_listing events, not \""
                    + raw.getEventType() + "\"");
        }
        JsonNode data = raw.getData();
        JsonNode fields = data.path("raw_data").path("json");
        if (!fields.isObject()) {
            throw new FatalException("data.raw_data.json: required object is missing (schema_version "
                    + raw.getSchemaVersion() + "); the normalize stage reads the scraper's extracted fields from it");
        }
        Result result = new Result(fields);
        ObjectNode listing = MAPPER.createObjectNode();
        String originalId = data.path("original_id").asText(null);
        listing.put("listing_id", raw.getSource() + ":" + originalId);
        listing.put("source", raw.getSource());
        listing.put("source_url", data.path("source_url").asText(null));
        listing.put("original_id", originalId);
        listing.put("scraped_at", data.path("scraped_at").asText(null));
        String dealType = result.required("deal_type", NormalizationRules::dealType, "deal_type", "offer_type");
        listing.put("deal_type", dealType);
        listing.put("property_type", Optional.ofNullable(
                result.optional("property_type", NormalizationRules::propertyType, "property_type")).orElse("apartment"));
        listing.put("title", result.optional("title", NormalizationRules::tidy, "title"));
        listing.put("description", result.optional("description", NormalizationRules::tidy, "description"));
        price(result, listing, dealType);
        Double area = result.required("area", NormalizationRules::areaSqm, "area", "total_area");
        listing.put("area_sqm", area);
        listing.put("price_per_sqm_rub", listing.hasNonNull("price_rub") && area != null
                ? Math.round(listing.get("price_rub").asDouble() / area * 100) / 100.0 : null);
        listing.put("rooms", result.optional("rooms", NormalizationRules::rooms, "rooms", "room_count"));
        address(result, listing.putObject("address"));
        contact(result, listing.putObject("contact"));
        images(result, listing.putArray("images"));

        ObjectNode out = MAPPER.createObjectNode();
        out.set("listing_data", listing);
        ArrayNode errors = out.putArray("validation_errors");
        result.errors.forEach(errors::add);
        ArrayNode warnings = out.putArray("validation_warnings");
        result.warnings.forEach(warnings::add);
        out.put("is_valid", result.errors.isEmpty());
        Envelope normalized = raw.derive(NORMALIZED_LISTING, out);
        normalized.setSource(PIPELINE_SOURCE);
        normalized.setKey(listing.get("listing_id").asText());
        return normalized;
    }

    private void price(Result result, ObjectNode listing, String dealType) {
        NormalizationRules.Price price = result.required("price", NormalizationRules::price, "price");
        String currency = result.optional("currency", NormalizationRules::currency, "currency");
        if (price == null) {
            listing.putNull("price");
            listing.putNull("price_rub");
            return;
        }
        if (currency == null) {
            currency = price.currency();
            if (!price.currencyGiven()) {
                result.warnings.add(JSON + "currency: not given; RUB assumed");
            }
        }
        ObjectNode node = listing.putObject("price");
        node.put("amount", price.amount());
        node.put("currency", currency);
        node.put("period", "rent".equals(dealType) ? "month" : null);
        Optional<Double> rate = market.rateRub(currency);
        if (rate.isEmpty()) {
            result.errors.add(JSON + "currency: no exchange rate for \"" + currency + "\" (known: "
                    + String.join(", ", market.currencies()) + ")");
            listing.putNull("price_rub");
        } else {
            listing.put("price_rub", Math.round(price.amount() * rate.get() * 100) / 100.0);
        }
    }

    private void address(Result result, ObjectNode address) {
        String cityWritten = result.required("city", NormalizationRules::placeName, "city");
        String city = cityWritten == null ? null : market.canonicalCity(cityWritten).orElse(cityWritten);
        String districtWritten = result.optional("district", NormalizationRules::placeName, "district");
        String district = null;
        if (city != null && market.canonicalCity(city).isEmpty()) {
            result.warnings.add(JSON + "city: \"" + cityWritten + "\" has no market reference; price rules are skipped");
            district = districtWritten;
        } else if (city != null && districtWritten == null) {
            result.warnings.add(JSON + "district: missing; the city-wide median applies");
        } else if (city != null) {
            district = market.canonicalDistrict(city, districtWritten).orElse(null);
            if (district == null) {
                result.warnings.add(JSON + "district: \"" + districtWritten + "\" is not a known district of " + city
                        + "; the city-wide median applies");
                district = districtWritten;
            }
        }
        address.put("city", city);
        address.put("district", district);
        address.put("street", result.optional("address", NormalizationRules::tidy, "address"));
    }

    private void contact(Result result, ObjectNode contact) {
        JsonNode nested = result.fields.path("contact");
        Result source = nested.isObject() ? new Result(nested, result, JSON + "contact.") : result;
        contact.put("name", source.optional("name", NormalizationRules::tidy, "name"));
        String phone = source.optional("phone", NormalizationRules::phone, "phone");
        String email = source.optional("email", NormalizationRules::email, "email");
        contact.put("phone", phone);
        contact.put("email", email);
        if (phone == null && email == null) {
            result.errors.add(JSON + "contact: neither a phone number nor an e-mail address to reach the seller");
        }
    }

    private void images(Result result, ArrayNode images) {
        JsonNode list = result.fields.has("images") ? result.fields.get("images") : result.fields.path("photos");
        String field = result.fields.has("images") ? "images" : "photos";
        Set<String> urls = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                if (!urls.add(NormalizationRules.imageUrl(value(list.get(i))))) {
                    result.warnings.add(JSON + field + "[" + i + "]: repeats an earlier image; kept once");
                }
            } catch (IllegalArgumentException e) {
                result.warnings.add(JSON + field + "[" + i + "]: " + e.getMessage() + "; dropped");
            }
        }
        if (urls.isEmpty()) {
            result.warnings.add(JSON + "images: none");
        }
        urls.forEach(images::add);
    }

    private static Object value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        return node.toString();
    }

    /** The raw fields being read, and the errors and warnings found so far. */
    private static final class Result {
        final JsonNode fields;
        final List<String> errors;
        final List<String> warnings;
        final String prefix;

        Result(JsonNode fields) {
            this.fields = fields;
            this.errors = new ArrayList<>();
            this.warnings = new ArrayList<>();
            this.prefix = JSON;
        }

        Result(JsonNode fields, Result parent, String prefix) {
            this.fields = fields;
            this.errors = parent.errors;
            this.warnings = parent.warnings;
            this.prefix = prefix;
        }

        /** The first of the names present, read by the rule; a missing or unreadable value is an error. */
        <T> T required(String field, Function<Object, T> rule, String... names) {
            return read(field, rule, errors, names);
        }

        /** The first of the names present, read by the rule; an unreadable value is a warning, missing is fine. */
        <T> T optional(String field, Function<Object, T> rule, String... names) {
            return read(field, rule, null, names);
        }

        private <T> T read(String field, Function<Object, T> rule, List<String> missingGoesTo, String... names) {
            for (String name : names) {
                JsonNode node = fields.get(name);
                if (node != null && !node.isNull()) {
                    try {
                        return rule.apply(value(node));
                    } catch (IllegalArgumentException e) {
                        (missingGoesTo != null ? errors : warnings).add(prefix + name + ": " + e.getMessage()
                                + (missingGoesTo != null ? "" : "; dropped"));
                        return null;
                    }
                }
            }
            if (missingGoesTo != null) {
                errors.add(prefix + field + ": missing");
            }
            return null;
        }
    }
}
