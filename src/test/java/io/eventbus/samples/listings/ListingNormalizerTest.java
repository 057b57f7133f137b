package io.eventbus.samples.listings;

import java.util.List;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.FatalException;

import static io.eventbus.samples.listings.RawListingBuilder.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The normalize stage: raw listing in, normalized listing with its validation out. */
class ListingNormalizerTest {

    private final ListingNormalizer normalizer = new ListingNormalizer(MarketReference.shipped());

    @Test
    void mapsAListingToTheUnifiedModel() {
        Envelope raw = listing().originalId("300100").price("4,5 млн руб.").currency(null).area("54,3 м²")
                .rooms("2-комн.").city("г. Москва").district("марьино").address("  ул. Ленина,   д. 5 ")
                .phone("8 (912) 345-67-89").email("Anna@Mail.RU")
                .images("http://IMG.cian.example/p/1.jpg?size=1024", "https://img.cian.example/p/1.jpg", "not a url")
                .build();

        Envelope normalized = normalizer.normalize(raw);

        assertEquals("normalized_listing", normalized.getEventType());
        assertEquals(raw.getEventId(), normalized.getParentEventId());
        assertEquals(raw.getTraceId(), normalized.getTraceId());
        assertNotEquals(raw.getEventId(), normalized.getEventId());
        assertEquals("listings-pipeline", normalized.getSource());
        assertEquals("cian:300100", normalized.getKey());
        JsonNode data = normalized.getData();
        assertTrue(data.get("is_valid").asBoolean());
        assertEquals("[]", data.get("validation_errors").toString());
        assertEquals(List.of("raw_data.json.images[1]: repeats an earlier image; kept once",
                "raw_data.json.images[2]: \"not a url\" is not an http(s) URL; dropped"),
                texts(data.get("validation_warnings")));
        JsonNode listing = data.get("listing_data");
        assertEquals("cian:300100", listing.get("listing_id").asText());
        assertEquals("sale", listing.get("deal_type").asText());
        assertEquals("apartment", listing.get("property_type").asText());
        assertEquals("{\"amount\":4500000.0,\"currency\":\"RUB\",\"period\":null}", listing.get("price").toString());
        assertEquals(4_500_000.0, listing.get("price_rub").asDouble());
        assertEquals(54.3, listing.get("area_sqm").asDouble());
        assertEquals(82_872.93, listing.get("price_per_sqm_rub").asDouble());
        assertEquals(2, listing.get("rooms").asInt());
        assertEquals("{\"city\":\"Moscow\",\"district\":\"Maryino\",\"street\":\"ул. Ленина, д. 5\"}",
                listing.get("address").toString());
        assertEquals("{\"name\":\"Анна\",\"phone\":\"+79123456789\",\"email\":\"anna@mail.ru\"}",
                listing.get("contact").toString());
        assertEquals("[\"https://img.cian.example/p/1.jpg\"]", listing.get("images").toString());
    }

    @Test
    void convertsForeignCurrenciesAndRentsAtTheSnapshotRate() {
        JsonNode sale = normalizer.normalize(listing().price("$120,000").currency(null).area(40).build())
                .getData().get("listing_data");
        assertEquals(11_100_000.0, sale.get("price_rub").asDouble());
        assertEquals(277_500.0, sale.get("price_per_sqm_rub").asDouble());

        JsonNode rent = normalizer.normalize(listing().dealType("аренда").price("60 000 ₽/мес.").area(40).build())
                .getData().get("listing_data");
        assertEquals("{\"amount\":60000.0,\"currency\":\"RUB\",\"period\":\"month\"}", rent.get("price").toString());
        assertEquals(1_500.0, rent.get("price_per_sqm_rub").asDouble());
    }

    @Test
    void warnsAboutWhatItCannotPlaceButKeepsTheListingValid() {
        JsonNode data = normalizer.normalize(listing().currency(null).city("Тверь").district("Заволжский").rooms("many")
                .images().build()).getData();

        assertTrue(data.get("is_valid").asBoolean());
        assertEquals(List.of("raw_data.json.currency: not given; RUB assumed",
                "raw_data.json.rooms: cannot read \"many\" as a number of rooms; dropped",
                "raw_data.json.city: \"Тверь\" has no market reference; price rules are skipped",
                "raw_data.json.images: none"), texts(data.get("validation_warnings")));
        assertEquals("Тверь", data.get("listing_data").get("address").get("city").asText());
        assertNull(data.get("listing_data").get("rooms").numberValue());

        JsonNode unknownDistrict = normalizer.normalize(listing().district("Новые Черёмушки").build()).getData();
        assertEquals(List.of("raw_data.json.district: \"Новые Черёмушки\" is not a known district of Moscow; "
                + "the city-wide median applies"), texts(unknownDistrict.get("validation_warnings")));
    }

    @Test
    void aListingItCannotUseIsInvalidWithEveryFieldNamed() {
        JsonNode data = normalizer.normalize(listing().price("договорная").area(null).city(null).dealType("обмен")
                .phone("звоните").build()).getData();

        assertFalse(data.get("is_valid").asBoolean());
        assertEquals(List.of("raw_data.json.deal_type: unknown value \"обмен\" (expected sale or rent)",
                "raw_data.json.price: cannot read \"договорная\" as an amount",
                "raw_data.json.area: missing",
                "raw_data.json.city: missing",
                "raw_data.json.contact: neither a phone number nor an e-mail address to reach the seller"),
                texts(data.get("validation_errors")));
        assertEquals(List.of("raw_data.json.contact.phone: \"звоните\" is not a phone number; dropped"),
                texts(data.get("validation_warnings")));
        assertTrue(data.get("listing_data").get("price").isNull());
        assertTrue(data.get("listing_data").get("price_per_sqm_rub").isNull());
    }

    @Test
    void anUnknownCurrencyIsAnError() {
        JsonNode data = normalizer.normalize(listing().price(250).currency("BTC").build()).getData();
        assertEquals(List.of("raw_data.json.currency: no exchange rate for \"BTC\" (known: RUB, USD, EUR)"),
                texts(data.get("validation_errors")));
    }

    @Test
    void eventsItCannotReadFailTheStagePermanently() {
        assertEquals("event_type: the listings pipeline reads raw_listing events, not \"price_changed\"",
                assertThrows(FatalException.class, () -> normalizer.normalize(listing().build()
                        .setEventType("price_changed"))).getMessage());
        Envelope majorTwo = listing().build().setSchemaVersion("2.0.0");
        ((ObjectNode) majorTwo.getData()).remove("raw_data");
        assertEquals("data.raw_data.json: required object is missing (schema_version 2.0.0); the normalize stage "
                + "reads the scraper's extracted fields from it",
                assertThrows(FatalException.class, () -> normalizer.normalize(majorTwo)).getMessage());
    }

    @Test
    void setsTheHeadersTheRouteFiltersOn() throws Exception {
        CamelContext context = new DefaultCamelContext();
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(listing().originalId("9").price(null).phone(null).build());

        normalizer.process(exchange);

        assertEquals("normalized_listing", exchange.getIn().getBody(Envelope.class).getEventType());
        assertEquals("cian:9", exchange.getIn().getHeader(ListingHeaders.LISTING_ID));
        assertEquals(false, exchange.getIn().getHeader(ListingHeaders.VALID));
        assertEquals("raw_data.json.price: missing; "
                + "raw_data.json.contact: neither a phone number nor an e-mail address to reach the seller",
                exchange.getIn().getHeader(ListingHeaders.VALIDATION_ERRORS));
        context.close();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
