package io.eventbus.samples.listings;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each field rule of the normalize stage, on the spellings scrapers produce. */
class NormalizationRulesTest {

    static Stream<Arguments> prices() {
        return Stream.of(
                Arguments.of(4_500_000, 4_500_000.0, "RUB", false, false),
                Arguments.of("4 500 000 ₽", 4_500_000.0, "RUB", true, false),
                Arguments.of("4\u00a0500\u00a0000 руб.", 4_500_000.0, "RUB", true, false),
                Arguments.of("4,5 млн руб.", 4_500_000.0, "RUB", true, false),
                Arguments.of("39 млн ₽", 39_000_000.0, "RUB", true, false),
                Arguments.of("12.340.000 RUB", 12_340_000.0, "RUB", true, false),
                Arguments.of("$120,000", 120_000.0, "USD", true, false),
                Arguments.of("1 200 000 €", 1_200_000.0, "EUR", true, false),
                Arguments.of("45 000 ₽/мес.", 45_000.0, "RUB", true, true),
                Arguments.of("45000 руб. в месяц", 45_000.0, "RUB", true, true),
                Arguments.of("250 BTC", 250.0, "BTC", true, false),
                Arguments.of("45 000 per month", 45_000.0, "RUB", false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prices")
    void readsPricesAsSitesWriteThem(Object written, double amount, String currency, boolean currencyGiven,
            boolean perMonth) {
        assertEquals(new NormalizationRules.Price(amount, currency, currencyGiven, perMonth),
                NormalizationRules.price(written));
    }

    @Test
    void refusesPricesThatAreNoAmount() {
        assertEquals("cannot read \"договорная\" as an amount",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.price("договорная")).getMessage());
        assertEquals("must be positive but was \"-5 000 000 ₽\"",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.price("-5 000 000 ₽")).getMessage());
        assertEquals("must be positive but was 0.0",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.price(0)).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"руб, RUB", "₽, RUB", "RUB, RUB", "usd, USD", "$, USD", "€, EUR", "евро, EUR", "BTC, BTC"})
    void readsCurrencies(String written, String iso) {
        assertEquals(iso, NormalizationRules.currency(written));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"54,3 м²|54.3", "54.3 m2|54.3", "54 кв.м|54.0", "580 sq ft|53.9",
            "1 200 м²|1200.0"})
    void readsAreasInSquareMetres(String written, double sqm) {
        assertEquals(sqm, NormalizationRules.areaSqm(written));
    }

    @Test
    void areasOutsideWhatAFlatCanBeAreRefused() {
        assertEquals(65.0, NormalizationRules.areaSqm(65));
        assertEquals("must be between 5 and 10000 m² but was 2.0",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.areaSqm(2)).getMessage());
        assertEquals("cannot read \"большая\" as an area",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.areaSqm("большая")).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"2-комн., 2", "студия, 0", "Studio, 0", "5+, 5", "3, 3"})
    void readsRooms(String written, int rooms) {
        assertEquals(rooms, NormalizationRules.rooms(written));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"+7 (912) 345-67-89|+79123456789", "8 912 345 67 89|+79123456789",
            "89123456789|+79123456789", "9123456789|+79123456789", "+7 912 345 6789|+79123456789",
            "+49 30 1234567|+49301234567"})
    void writesPhonesInE164(String written, String e164) {
        assertEquals(e164, NormalizationRules.phone(written));
    }

    @Test
    void refusesWhatIsNoPhoneOrEmail() {
        assertEquals("\"звоните\" is not a phone number",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.phone("звоните")).getMessage());
        assertEquals("\"owner@\" is not an e-mail address",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.email("owner@")).getMessage());
        assertEquals("owner@mail.ru", NormalizationRules.email("  Owner@Mail.RU "));
    }

    @Test
    void imagesAreKeyedWithoutQueryAndInHttps() {
        assertEquals("https://img.stockflat.example/interior/kitchen-02.jpg",
                NormalizationRules.imageUrl("http://IMG.stockflat.example/interior/kitchen-02.jpg?w=800#top"));
        assertEquals("\"ftp://example.org/a.jpg\" is not an http(s) URL", assertThrows(IllegalArgumentException.class,
                () -> NormalizationRules.imageUrl("ftp://example.org/a.jpg")).getMessage());
    }

    @Test
    void twoSpellingsOfOneStreetShareAKey() {
        assertEquals("10 пречистенка", NormalizationRules.streetKey("ул. Пречистенка, д. 10"));
        assertEquals("10 пречистенка", NormalizationRules.streetKey("Пречистенка ул 10"));
        assertEquals("10 пречистенка", NormalizationRules.streetKey("улица Пречистенка 10"));
        assertEquals("5 молодежная", NormalizationRules.streetKey("Молодёжная, 5"));
    }

    @Test
    void placesDealsAndPropertyTypes() {
        assertEquals("Москва", NormalizationRules.placeName("  г. Москва "));
        assertEquals("sale", NormalizationRules.dealType("Продажа"));
        assertEquals("rent", NormalizationRules.dealType("аренда"));
        assertEquals("unknown value \"обмен\" (expected sale or rent)",
                assertThrows(IllegalArgumentException.class, () -> NormalizationRules.dealType("обмен")).getMessage());
        assertEquals("apartment", NormalizationRules.propertyType("квартира"));
        assertEquals("house", NormalizationRules.propertyType("Cottage"));
    }
}
