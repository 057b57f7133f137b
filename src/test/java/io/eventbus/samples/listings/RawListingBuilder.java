package io.eventbus.samples.listings;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventbus.envelope.Envelope;

/**
 * Builds {@code raw_listing} events as a scraper publishes them, for the stage tests, the route test and the
 * sample generator. Starts from a clean two-room flat for sale in Moscow/Khamovniki at the district's median;
 * every field can be changed, set to a raw text form, or removed ({@code null}).
 */
final class RawListingBuilder {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String eventId = UUID.randomUUID().toString();
    private String source = "cian";
    private String originalId = "cian-100001";
    private String sourceUrl;
    private String scrapedAt = "2025-11-28T09:59:00Z";
    private String traceId;
    private String publishedAt = "2025-11-28T10:00:00Z";
    private Object dealType = "sale";
    private Object propertyType = "flat";
    private Object title = "2-комн. квартира, 65 м²";
    private Object price = 39_000_000;
    private Object currency = "RUB";
    private Object area = 65;
    private Object rooms = 2;
    private Object city = "Москва";
    private Object district = "Хамовники";
    private Object address = "ул. Пречистенка, д. 10";
    private Object contactName = "Анна";
    private Object phone = "+7 (912) 345-67-89";
    private Object email;
    private List<Object> images = new ArrayList<>(List.of("https://img.cian.example/photos/100001-1.jpg",
            "https://img.cian.example/photos/100001-2.jpg"));
    private Object description = "Светлая квартира рядом с метро";

    static RawListingBuilder listing() {
        return new RawListingBuilder();
    }

    RawListingBuilder eventId(String v) {
        eventId = v;
        return this;
    }

    RawListingBuilder source(String v) {
        source = v;
        return this;
    }

    RawListingBuilder originalId(String v) {
        originalId = v;
        return this;
    }

    RawListingBuilder sourceUrl(String v) {
        sourceUrl = v;
        return this;
    }

    RawListingBuilder traceId(String v) {
        traceId = v;
        return this;
    }

    RawListingBuilder publishedAt(String v) {
        publishedAt = v;
        return this;
    }

    RawListingBuilder scrapedAt(String v) {
        scrapedAt = v;
        return this;
    }

    RawListingBuilder dealType(Object v) {
        dealType = v;
        return this;
    }

    RawListingBuilder propertyType(Object v) {
        propertyType = v;
        return this;
    }

    RawListingBuilder title(Object v) {
        title = v;
        return this;
    }

    RawListingBuilder price(Object v) {
        price = v;
        return this;
    }

    RawListingBuilder currency(Object v) {
        currency = v;
        return this;
    }

    RawListingBuilder area(Object v) {
        area = v;
        return this;
    }

    RawListingBuilder rooms(Object v) {
        rooms = v;
        return this;
    }

    RawListingBuilder city(Object v) {
        city = v;
        return this;
    }

    RawListingBuilder district(Object v) {
        district = v;
        return this;
    }

    RawListingBuilder address(Object v) {
        address = v;
        return this;
    }

    RawListingBuilder contactName(Object v) {
        contactName = v;
        return this;
    }

    RawListingBuilder phone(Object v) {
        phone = v;
        return this;
    }

    RawListingBuilder email(Object v) {
        email = v;
        return this;
    }

    RawListingBuilder images(Object... v) {
        images = new ArrayList<>(List.of(v));
        return this;
    }

    RawListingBuilder description(Object v) {
        description = v;
        return this;
    }

    /** The event's {@code data}. */
    ObjectNode data() {
        ObjectNode data = MAPPER.createObjectNode();
        ObjectNode json = MAPPER.createObjectNode();
        put(json, "deal_type", dealType);
        put(json, "property_type", propertyType);
        put(json, "title", title);
        put(json, "price", price);
        put(json, "currency", currency);
        put(json, "area", area);
        put(json, "rooms", rooms);
        put(json, "city", city);
        put(json, "district", district);
        put(json, "address", address);
        ObjectNode contact = MAPPER.createObjectNode();
        put(contact, "name", contactName);
        put(contact, "phone", phone);
        put(contact, "email", email);
        json.set("contact", contact);
        json.set("images", MAPPER.valueToTree(images));
        put(json, "description", description);
        ObjectNode rawData = data.putObject("raw_data");
        rawData.put("html", "<div class=\"offer\"><h1>" + (title == null ? "" : title) + "</h1><span class=\"price\">"
                + price + "</span></div>");
        rawData.set("json", json);
        data.put("source_url", sourceUrl != null ? sourceUrl : "https://" + source + ".example/offer/" + originalId);
        data.put("scraped_at", scrapedAt);
        data.put("original_id", originalId);
        return data;
    }

    /** The event. */
    Envelope build() {
        Envelope envelope = Envelope.create("raw_listing", source, data());
        envelope.setEventId(eventId);
        envelope.setTraceId(traceId != null ? traceId : "trace-" + originalId);
        envelope.setPublishedAt(publishedAt);
        envelope.getTags().put("environment", "sample");
        return envelope;
    }

    private static void put(ObjectNode node, String field, Object value) {
        if (value != null) {
            node.set(field, MAPPER.valueToTree(value));
        }
    }
}
