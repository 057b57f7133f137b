package io.eventbus.samples.listings;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.eventbus.samples.listings.RawListingBuilder.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dedupe key: one per offer, whatever the site, the event and the spelling. */
class ListingFingerprintTest {

    private final ListingNormalizer normalizer = new ListingNormalizer(MarketReference.shipped());

    @Test
    void aRepostElsewhereWrittenDifferentlyHasTheSameFingerprint() {
        String original = fingerprint(listing().source("cian").originalId("cian-1").price(39_000_000).area(65)
                .address("ул. Пречистенка, д. 10").city("Москва").district("Хамовники").phone("+7 (912) 345-67-89")
                .title("2-комн. квартира").images("https://img.cian.example/1.jpg"));
        String repost = fingerprint(listing().source("avito").originalId("avito-77").price("39 млн ₽").currency(null)
                .area("65,0 м²").address("Пречистенка ул 10").city("MSK").district("хамовники")
                .phone("8 912 345 67 89").title("Квартира у метро").images("https://cdn.avito.example/9.jpg")
                .dealType("продажа").rooms("2-комн."));

        assertEquals(original, repost);
        assertTrue(original.matches("[0-9a-f]{64}"), original);
    }

    @Test
    void whatMakesAnotherOfferChangesIt() {
        String base = fingerprint(listing());
        assertNotEquals(base, fingerprint(listing().price(38_500_000)), "price");
        assertNotEquals(base, fingerprint(listing().area(66)), "area");
        assertNotEquals(base, fingerprint(listing().rooms(3)), "rooms");
        assertNotEquals(base, fingerprint(listing().address("ул. Пречистенка, д. 12")), "house");
        assertNotEquals(base, fingerprint(listing().district("Тверской")), "district");
        assertNotEquals(base, fingerprint(listing().dealType("rent")), "deal type");
        assertNotEquals(base, fingerprint(listing().phone("+7 912 000 00 00")), "seller");
        assertNotEquals(base, fingerprint(listing().price(39_000_000).currency("USD")), "currency");
    }

    @Test
    void aSellerWithoutPhoneIsKnownByEmail() {
        assertNotEquals(fingerprint(listing().phone(null).email("a@mail.ru")),
                fingerprint(listing().phone(null).email("b@mail.ru")));
        assertEquals(fingerprint(listing().phone(null).email("a@mail.ru")),
                fingerprint(listing().phone(null).email(" A@Mail.ru")));
    }

    private String fingerprint(RawListingBuilder raw) {
        JsonNode listing = normalizer.normalize(raw.build()).getData().get("listing_data");
        return ListingFingerprint.of(listing);
    }
}
