package io.eventbus.samples.listings;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The market snapshot: names, medians, and a precise error for a broken file. */
class MarketReferenceTest {

    private final MarketReference market = MarketReference.shipped();

    @Test
    void knowsCitiesAndDistrictsByAnyOfTheirNames() {
        assertEquals("Saint Petersburg", market.canonicalCity("СПб").orElseThrow());
        assertEquals("Moscow", market.canonicalCity(" г.  Москва ").orElseThrow());
        assertTrue(market.canonicalCity("Тверь").isEmpty());
        assertEquals("Sovetsky", market.canonicalDistrict("Novosibirsk", "Академгородок").orElseThrow());
        assertEquals("Verkh-Isetsky", market.canonicalDistrict("Yekaterinburg", "верх-исетский").orElseThrow());
    }

    @Test
    void theDistrictMedianElseTheCityMedian() {
        assertEquals(new MarketReference.Median(600_000, "Moscow/Khamovniki"),
                market.median("Moscow", "Khamovniki", "sale").orElseThrow());
        assertEquals(new MarketReference.Median(1_500, "Moscow"), market.median("Moscow", null, "rent").orElseThrow());
        assertTrue(market.median("Tver", null, "sale").isEmpty());
        assertEquals(92.5, market.rateRub("USD").orElseThrow());
        assertFalse(market.rateRub("BTC").isPresent());
    }

    @Test
    void aBrokenFileIsReportedWithTheEntry(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("market.yaml");
        Files.writeString(file, """
                currency_rates_rub: {RUB: 1}
                cities:
                  Moscow:
                    median_price_per_sqm_rub: {sale: "a lot"}
                price_rules: {too_low_below: 0.5, anomaly_above: 3}
                """);
        assertEquals("market reference " + file + ": cities.Moscow.median_price_per_sqm_rub.sale: expected a positive "
                + "number but was \"a lot\"", assertThrows(IllegalArgumentException.class,
                        () -> MarketReference.load(file.toString())).getMessage());
        assertEquals("market reference classpath:nowhere.yaml: file not found",
                assertThrows(IllegalArgumentException.class, () -> MarketReference.load("classpath:nowhere.yaml"))
                        .getMessage());
    }
}
