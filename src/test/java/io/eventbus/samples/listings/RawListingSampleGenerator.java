package io.eventbus.samples.listings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;

/**
 * Writes {@code samples/listings/raw.jsonl}, the listings sample fed by the README's first command: a fixed,
 * seeded mix of what scrapers publish on {@code listings.raw}, every kind counted in {@link Expected}:
 * <ul>
 * <li>clean listings in five cities and their districts (plus a few cities the market reference does not know),
 * sales and monthly rents, in roubles, dollars and euros, each site writing prices, areas, rooms, phones, cities
 * and streets its own way; a few with a mistyped price ({@code price_anomaly}, scored low);</li>
 * <li>fraudulent listings: price far under the district median, reused stock photos, contacts known from fraud
 * cases or throw-away mailboxes, alone and combined;</li>
 * <li>exact re-sends (same event) and re-posts (new event, another site, the same offer written differently);</li>
 * <li>listings the normalize stage finds invalid (unreadable or missing price, unknown currency, no area, no city,
 * no deal type, no contact);</li>
 * <li>events the bus rejects before any route: malformed JSON, not an object, no {@code event_type}, data failing
 * the {@code raw_listing} schema (missing fields, wrong types), a bad {@code schema_version}, {@code retry_count}
 * or {@code published_at};</li>
 * <li>{@code raw_listing} events of schema major 2 (delivered by the default {@code warn} policy, unreadable by the
 * normalize stage) and events of other types sent to the topic by mistake.</li>
 * </ul>
 * Run {@code main} (from the repository root) to rewrite the file; {@link ListingsSampleTest} checks the committed
 * file is this generator's output.
 */
public final class RawListingSampleGenerator {

    /** Where the sample lives, relative to the repository root. */
    static final Path SAMPLE = Path.of("samples/listings/raw.jsonl");

    /** The figures the sample is designed to give; the sample's README states them. */
    record Expected(int clean, int fraudulent, int fraudDetected, int exactResends, int reposts, int invalidListings,
            int rejectedByBus, int otherMajor, int otherTypes) {

        int published() {
            return clean + fraudulent + exactResends + reposts + invalidListings + rejectedByBus + otherMajor + otherTypes;
        }

        int processed() {
            return clean + fraudulent;
        }

        int deduplicated() {
            return exactResends + reposts;
        }

        int deadLettered() {
            return invalidListings + rejectedByBus + otherMajor + otherTypes;
        }

        /** normalized_listing events: every raw_listing of major 1 that the route reads. */
        int normalized() {
            return processed() + deduplicated() + invalidListings;
        }
    }

    static final Expected EXPECTED = new Expected(420, 45, 31, 25, 30, 14, 13, 2, 3);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final Instant START = Instant.parse("2025-11-28T10:00:00Z");

    private static final List<String> SOURCES = List.of("cian", "avito", "domclick", "yandex");
    private static final Map<String, List<String>> CITY_SPELLINGS = Map.of(
            "Moscow", List.of("Москва", "г. Москва", "Moscow", "MSK"),
            "Saint Petersburg", List.of("Санкт-Петербург", "СПб", "Saint Petersburg", "Питер"),
            "Kazan", List.of("Казань", "г. Казань", "Kazan"),
            "Novosibirsk", List.of("Новосибирск", "Novosibirsk", "НСК"),
            "Yekaterinburg", List.of("Екатеринбург", "Yekaterinburg", "ЕКБ"));
    private static final List<String> CITIES = List.of("Moscow", "Moscow", "Moscow", "Saint Petersburg",
            "Saint Petersburg", "Kazan", "Novosibirsk", "Yekaterinburg");
    private static final Map<String, List<String>> DISTRICTS = Map.of(
            "Moscow", List.of("Хамовники", "Тверской", "Марьино", "Бутово"),
            "Saint Petersburg", List.of("Центральный", "Василеостровский", "Приморский", "Фрунзенский"),
            "Kazan", List.of("Вахитовский", "Советский", "Приволжский"),
            "Novosibirsk", List.of("Центральный", "Ленинский", "Академгородок"),
            "Yekaterinburg", List.of("Верх-Исетский", "Кировский", "Ленинский"));
    private static final List<String> UNKNOWN_CITIES = List.of("Тверь", "Калуга", "Сочи");
    private static final List<String> STREETS = List.of("Ленина", "Гагарина", "Мира", "Садовая", "Советская",
            "Пушкина", "Кирова", "Лесная", "Молодёжная", "Школьная", "Центральная", "Заречная", "Чехова", "Некрасова",
            "Луговая", "Строителей", "Победы", "Октябрьская");
    private static final List<String> NAMES = Arrays.asList("Анна", "Иван", "Ольга", "Сергей", "Мария", "Алексей",
            "Елена", "Дмитрий", "Наталья", "Павел", null);
    private static final List<String> DESCRIPTIONS = List.of("Светлая квартира рядом с метро.",
            "Хороший ремонт, вся мебель и техника остаются.", "Тихий двор, рядом школа и парк.",
            "Собственник, без комиссии.", "Окна во двор, застеклённый балкон.", "Новый дом, закрытая территория.");
    private static final List<String> REUSED_IMAGES = List.of(
            "https://img.stockflat.example/interior/living-room-01.jpg",
            "https://img.stockflat.example/interior/kitchen-02.jpg?w=1200",
            "https://img.stockflat.example/interior/bedroom-03.jpg",
            "https://cdn.avito.example/photos/5f1c9e2a.jpg?size=640x480");
    private static final List<String> SUSPICIOUS_PHONES = List.of("+7 (999) 000-11-22", "8 999 000 33 44",
            "+79005556677");
    private static final List<String> SUSPICIOUS_EMAILS = List.of("quick.rent@mailinator.com",
            "owner.abroad@mail.ru", "keys.today@yopmail.com", "fast.deal.realty@gmail.com");

    private final Random random = new Random(20251128L);
    private final MarketReference market = MarketReference.shipped();
    private int sequence;
    private int phoneSequence;

    /** One offer: the facts a re-post keeps, whatever the site and its spelling. */
    private record Offer(String city, String cityWritten, String district, String street, String dealType, int rooms,
            double areaSqm, Integer areaSqft, long amount, String currency, String phone, String email, String name,
            List<String> images, String description) {
    }

    public static void main(String[] args) throws IOException {
        List<String> lines = new RawListingSampleGenerator().lines();
        Files.write(SAMPLE, lines, StandardCharsets.UTF_8);
        System.out.println("wrote " + lines.size() + " events to " + SAMPLE + ": " + EXPECTED);
    }

    /** The sample's lines, the same on every call. */
    List<String> lines() {
        List<String> originals = new ArrayList<>();
        List<Offer> offers = new ArrayList<>();
        List<String> offerLines = new ArrayList<>();
        for (int i = 0; i < EXPECTED.clean() + EXPECTED.fraudulent(); i++) {
            Offer offer = i >= EXPECTED.clean() ? fraud(i - EXPECTED.clean())
                    : i % 84 == 83 ? anomaly() : i % 50 == 49 ? unknownCity() : clean();
            String line = render(offer, pick(SOURCES), i % 7);
            originals.add(line);
            offers.add(offer);
            offerLines.add(line);
        }
        originals.addAll(invalidListings());
        originals.addAll(rejectedByBus());
        originals.addAll(otherMajor());
        originals.addAll(otherTypes());
        shuffle(originals);

        // duplicates come after the listing they repeat, as re-sends and re-posts do
        List<String> lines = new ArrayList<>(originals);
        List<Integer> chosen = distinctIndexes(offers.size(), EXPECTED.exactResends() + EXPECTED.reposts());
        for (int k = 0; k < chosen.size(); k++) {
            int index = chosen.get(k);
            String original = offerLines.get(index);
            String duplicate = k < EXPECTED.exactResends() ? original
                    : render(offers.get(index), otherSource(original), 3 + k % 4);
            int after = lines.indexOf(original);
            lines.add(after + 1 + random.nextInt(lines.size() - after), duplicate);
        }
        return lines;
    }

    private Offer clean() {
        String city = pick(CITIES);
        return offer(city, pick(DISTRICTS.get(city)), 0.75 + random.nextDouble() * 0.6, phone(), null, images(false));
    }

    private Offer unknownCity() {
        String city = pick(UNKNOWN_CITIES);
        Offer base = offer("Moscow", "Бутово", 1, phone(), null, images(false));
        long step = base.dealType().equals("sale") ? 10_000 : 1_000;
        long rub = Math.round(base.amount() * market.rateRub(base.currency()).orElseThrow() / 3);
        return new Offer(city, city, null, base.street(), base.dealType(), base.rooms(), base.areaSqm(), null,
                Math.max(step, rub / step * step), "RUB", base.phone(), base.email(), base.name(), base.images(),
                base.description());
    }

    /** A price typed with three zeros too many or a sale price on a rent: over 3× the median, scored low. */
    private Offer anomaly() {
        String city = pick(CITIES);
        Offer base = offer(city, pick(DISTRICTS.get(city)), 1, phone(), null, images(false));
        return withAmount(base, Math.round(base.amount() * market.rateRub(base.currency()).orElseThrow() * 10), "RUB");
    }

    /** The fraudulent offers: which signals each carries follows from its number. */
    private Offer fraud(int i) {
        String city = pick(CITIES);
        String district = pick(DISTRICTS.get(city));
        boolean cheap = i < 20 || i >= 39;
        boolean reusedPhotos = i >= 20 && i < 28 || i >= 34;
        boolean suspicious = i >= 28 && i < 39 || i >= 43;
        String phone = suspicious && i % 2 == 0 ? NormalizationRules.phone(pick(SUSPICIOUS_PHONES)) : phone();
        String email = suspicious && i % 2 == 1 ? pick(SUSPICIOUS_EMAILS) : null;
        double factor = cheap ? 0.2 + random.nextDouble() * 0.25 : 0.8 + random.nextDouble() * 0.4;
        return offer(city, district, factor, phone, email, images(reusedPhotos));
    }

    private Offer offer(String city, String district, double priceFactor, String phone, String email,
            List<String> images) {
        String dealType = random.nextInt(10) < 7 ? "sale" : "rent";
        int rooms = random.nextInt(5);
        double[][] areaByRooms = {{24, 34}, {32, 46}, {44, 72}, {62, 105}, {85, 150}};
        Integer sqft = null;
        double area;
        if (random.nextInt(40) == 0) {
            sqft = (int) Math.round((areaByRooms[rooms][0] + random.nextDouble() * 20) / NormalizationRules.SQM_PER_SQFT);
            area = Math.round(sqft * NormalizationRules.SQM_PER_SQFT * 10) / 10.0;
        } else {
            area = Math.round((areaByRooms[rooms][0] + random.nextDouble()
                    * (areaByRooms[rooms][1] - areaByRooms[rooms][0])) * 10) / 10.0;
        }
        // a listing without its district is compared with the city's median, so it is priced from that one
        String written = random.nextInt(15) == 0 ? null : district;
        String canonicalDistrict = written == null ? null : market.canonicalDistrict(city, written).orElseThrow();
        double median = market.median(city, canonicalDistrict, dealType).orElseThrow().pricePerSqmRub();
        long rub = Math.round(median * area * priceFactor);
        String currency = "RUB";
        long amount;
        if (dealType.equals("sale")) {
            int c = random.nextInt(20);
            currency = c == 0 ? "EUR" : c < 3 ? "USD" : "RUB";
            double inCurrency = rub / market.rateRub(currency).orElseThrow();
            amount = currency.equals("RUB") ? Math.round(inCurrency / 10_000) * 10_000 : Math.round(inCurrency / 1_000) * 1_000;
        } else {
            amount = Math.round(rub / 1_000.0) * 1_000;
        }
        String street = pick(STREETS) + " " + (1 + random.nextInt(150));
        return new Offer(city, pick(CITY_SPELLINGS.get(city)), written, street, dealType, rooms, area, sqft, amount,
                currency, phone, email, pick(NAMES), images, pick(DESCRIPTIONS));
    }

    private static Offer withAmount(Offer o, long amount, String currency) {
        return new Offer(o.city(), o.cityWritten(), o.district(), o.street(), o.dealType(), o.rooms(), o.areaSqm(),
                o.areaSqft(), amount, currency, o.phone(), o.email(), o.name(), o.images(), o.description());
    }

    /** The offer as a site publishes it; {@code style} picks how prices, areas, phones and streets are written. */
    private String render(Offer o, String source, int style) {
        String originalId = source + "-" + (300_000 + sequence);
        RawListingBuilder b = RawListingBuilder.listing()
                .eventId(UUID.nameUUIDFromBytes(("raw-listing-" + sequence).getBytes(StandardCharsets.UTF_8)).toString())
                .source(source).originalId(originalId).sourceUrl(url(source, o.dealType(), originalId))
                .traceId("trace-" + originalId)
                .publishedAt(START.plusSeconds(sequence).toString())
                .scrapedAt(START.plusSeconds(sequence - 60L).toString())
                .dealType(style % 2 == 0 ? o.dealType() : o.dealType().equals("sale") ? "продажа" : "аренда")
                .propertyType(style % 3 == 0 ? "квартира" : "flat")
                .title(title(o))
                .price(price(o, style)).currency(style % 3 == 1 || price(o, style) instanceof Long
                        && !o.currency().equals("RUB") ? o.currency() : null)
                .area(area(o, style))
                .rooms(o.rooms() == 0 && style % 2 == 0 ? "студия" : style % 3 == 2 ? o.rooms() + "-комн." : o.rooms())
                .city(style % 4 == 3 ? o.cityWritten().toUpperCase(Locale.ROOT) : o.cityWritten())
                .district(o.district() == null ? null : style % 2 == 1 ? o.district().toLowerCase(Locale.ROOT) : o.district())
                .address(street(o.street(), style))
                .contactName(o.name()).phone(o.phone() == null ? null : phoneWritten(o.phone(), style))
                .email(o.email()).description(o.description());
        b.images(o.images().toArray());
        sequence++;
        return line(b.build());
    }

    private static String url(String source, String dealType, String originalId) {
        String id = originalId.substring(originalId.indexOf('-') + 1);
        return switch (source) {
            case "cian" -> "https://www.cian.ru/" + dealType + "/flat/" + id + "/";
            case "avito" -> "https://www.avito.ru/items/" + id;
            case "domclick" -> "https://domclick.ru/card/" + dealType + "__flat__" + id;
            default -> "https://realty.yandex.ru/offer/" + id + "/";
        };
    }

    private static String title(Offer o) {
        String what = o.rooms() == 0 ? "Студия" : o.rooms() + "-комн. квартира";
        return (o.dealType().equals("rent") ? "Сдаётся " + what.toLowerCase(Locale.ROOT) : what) + ", "
                + String.format(Locale.ROOT, "%.1f", o.areaSqm()).replace('.', ',') + " м²";
    }

    private static Object price(Offer o, int style) {
        long a = o.amount();
        String spaced = String.format(Locale.ROOT, "%,d", a).replace(',', ' ');
        if (o.dealType().equals("rent")) {
            return switch (style % 3) {
                case 0 -> a;
                case 1 -> spaced + " ₽/мес.";
                default -> spaced + " руб. в месяц";
            };
        }
        if (o.currency().equals("USD")) {
            return style % 2 == 0 ? String.format(Locale.ROOT, "$%,d", a) : a;
        }
        if (o.currency().equals("EUR")) {
            return style % 2 == 0 ? spaced + " €" : a;
        }
        return switch (style % 4) {
            case 0 -> a;
            case 1 -> a % 100_000 == 0 ? String.format(Locale.ROOT, "%s млн руб.", millions(a)) : spaced + " ₽";
            case 2 -> spaced + " ₽";
            default -> String.format(Locale.ROOT, "%,d", a).replace(',', '.') + " RUB";
        };
    }

    private static String millions(long amount) {
        String text = String.format(Locale.ROOT, "%.1f", amount / 1_000_000.0);
        return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text).replace('.', ',');
    }

    private static Object area(Offer o, int style) {
        if (o.areaSqft() != null && style % 2 == 0) {
            return o.areaSqft() + " sq ft";
        }
        String one = String.format(Locale.ROOT, "%.1f", o.areaSqm());
        return switch (style % 4) {
            case 0 -> o.areaSqm();
            case 1 -> one.replace('.', ',') + " м²";
            case 2 -> one + " m2";
            default -> one.replace('.', ',') + " кв.м";
        };
    }

    private static String street(String street, int style) {
        int space = street.lastIndexOf(' ');
        String name = street.substring(0, space);
        String house = street.substring(space + 1);
        return switch (style % 4) {
            case 0 -> "ул. " + name + ", д. " + house;
            case 1 -> name + " ул., " + house;
            case 2 -> "улица " + name + " " + house;
            default -> name + ", " + house;
        };
    }

    private static String phoneWritten(String e164, int style) {
        if (!e164.startsWith("+7")) {
            return e164;
        }
        String d = e164.substring(2);
        return switch (style % 5) {
            case 0 -> "+7 (" + d.substring(0, 3) + ") " + d.substring(3, 6) + "-" + d.substring(6, 8) + "-" + d.substring(8);
            case 1 -> "8 " + d.substring(0, 3) + " " + d.substring(3, 6) + " " + d.substring(6, 8) + " " + d.substring(8);
            case 2 -> "8" + d;
            case 3 -> "+7" + d;
            default -> d;
        };
    }

    private String phone() {
        phoneSequence++;
        return "+79" + String.format(Locale.ROOT, "%02d", 10 + phoneSequence % 80)
                + String.format(Locale.ROOT, "%07d", 1_000_000 + phoneSequence * 7_919 % 8_000_000);
    }

    private List<String> images(boolean withReused) {
        List<String> images = new ArrayList<>();
        int own = 1 + random.nextInt(4);
        for (int i = 0; i < own; i++) {
            images.add("https://img.listings.example/photos/" + Long.toHexString(random.nextLong() & 0xffffffffffL)
                    + ".jpg" + (random.nextInt(3) == 0 ? "?size=1024" : ""));
        }
        if (withReused) {
            images.add(random.nextInt(images.size() + 1), pick(REUSED_IMAGES));
        }
        return images;
    }

    /** Listings the normalize stage marks is_valid=false: each breaks one rule or two. */
    private List<String> invalidListings() {
        List<String> lines = new ArrayList<>();
        List<UnaryOperator<RawListingBuilder>> breaks = List.of(
                b -> b.price("договорная"),
                b -> b.price("цена по запросу").currency(null),
                b -> b.price("-5 000 000 ₽"),
                b -> b.price(0),
                b -> b.price(250).currency("BTC"),
                b -> b.area(null),
                b -> b.area(null).price(null),
                b -> b.area("большая"),
                b -> b.area(2),
                b -> b.dealType("обмен"),
                b -> b.dealType(null),
                b -> b.phone("звоните").email(null),
                b -> b.phone(null).email("owner@").contactName(null),
                b -> b.city(null));
        for (var broken : breaks) {
            Offer offer = clean();
            lines.add(line(broken.apply(builder(offer)).build()));
        }
        return lines;
    }

    /** Lines the bus dead-letters before any route: each names the broken field in its dead letter. */
    private List<String> rejectedByBus() {
        List<String> lines = new ArrayList<>();
        String truncated = line(builder(clean()).build());
        lines.add(truncated.substring(0, truncated.length() / 2));
        lines.add(line(builder(clean()).build()).replace("\"data\":{", "\"data\":{{"));
        lines.add("<html><body>403 Forbidden</body></html>");
        lines.add("[" + line(builder(clean()).build()) + "]");
        lines.add(json(builder(clean()).build(), json -> json.remove("event_type")));
        lines.add(json(builder(clean()).build(), json -> ((ObjectNode) json.get("data")).remove("source_url")));
        lines.add(json(builder(clean()).build(), json -> ((ObjectNode) json.get("data").get("raw_data")).remove("json")));
        lines.add(json(builder(clean()).build(), json -> ((ObjectNode) json.get("data")).remove("original_id")));
        lines.add(json(builder(clean()).build(),
                json -> ((ObjectNode) json.get("data").get("raw_data").get("json")).put("price", true)));
        lines.add(json(builder(clean()).build(), json -> ((ObjectNode) json.get("data").get("raw_data").get("json"))
                .put("images", "https://img.listings.example/photos/one.jpg")));
        lines.add(json(builder(clean()).build(), json -> json.put("retry_count", "zero")));
        lines.add(json(builder(clean()).build(), json -> json.put("schema_version", "1.0")));
        lines.add(json(builder(clean()).build(), json -> json.put("published_at", "2025-11-28 10:00:00")));
        return lines;
    }

    /** raw_listing of schema major 2, whose data the normalize stage (major 1) cannot read. */
    private List<String> otherMajor() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < EXPECTED.otherMajor(); i++) {
            lines.add(json(builder(clean()).build(), json -> {
                json.put("schema_version", "2.0.0");
                ObjectNode data = (ObjectNode) json.get("data");
                data.set("listing", data.get("raw_data").get("json"));
                data.remove("raw_data");
            }));
        }
        return lines;
    }

    /** Events of other types published to listings.raw by mistake. */
    private List<String> otherTypes() {
        List<String> lines = new ArrayList<>();
        for (String type : List.of("price_changed", "listing_archived", "raw_listings")) {
            lines.add(json(builder(clean()).build(), json -> {
                json.put("event_type", type);
                if (!type.equals("raw_listings")) {
                    ObjectNode data = MAPPER.createObjectNode();
                    data.put("original_id", json.get("data").get("original_id").asText());
                    data.put("new_price", 4_200_000);
                    json.set("data", data);
                }
            }));
        }
        return lines;
    }

    private RawListingBuilder builder(Offer offer) {
        String line = render(offer, pick(SOURCES), 0);
        Envelope parsed = CODEC.decode(line.getBytes(StandardCharsets.UTF_8));
        ObjectNode fields = (ObjectNode) parsed.getData().get("raw_data").get("json");
        ObjectNode contact = (ObjectNode) fields.get("contact");
        return RawListingBuilder.listing().eventId(parsed.getEventId()).source(parsed.getSource())
                .originalId(parsed.getData().get("original_id").asText())
                .sourceUrl(parsed.getData().get("source_url").asText()).traceId(parsed.getTraceId())
                .publishedAt(parsed.getPublishedAt()).scrapedAt(parsed.getData().get("scraped_at").asText())
                .dealType(fields.get("deal_type").asText()).propertyType(fields.get("property_type").asText())
                .title(fields.get("title").asText()).price(fields.get("price").isNumber()
                        ? fields.get("price").numberValue() : fields.get("price").asText())
                .currency(fields.has("currency") ? fields.get("currency").asText() : null)
                .area(fields.get("area").isNumber() ? fields.get("area").numberValue() : fields.get("area").asText())
                .rooms(fields.get("rooms").isNumber() ? fields.get("rooms").numberValue() : fields.get("rooms").asText())
                .city(fields.get("city").asText()).district(fields.has("district") ? fields.get("district").asText() : null)
                .address(fields.get("address").asText())
                .contactName(contact.has("name") ? contact.get("name").asText() : null)
                .phone(contact.has("phone") ? contact.get("phone").asText() : null)
                .email(contact.has("email") ? contact.get("email").asText() : null)
                .images(MAPPER.convertValue(fields.get("images"), String[].class))
                .description(fields.get("description").asText());
    }

    private String otherSource(String line) {
        String source = CODEC.decode(line.getBytes(StandardCharsets.UTF_8)).getSource();
        List<String> others = new ArrayList<>(SOURCES);
        others.remove(source);
        return pick(others);
    }

    private static String line(Envelope envelope) {
        return new String(CODEC.encode(envelope), StandardCharsets.UTF_8);
    }

    private static String json(Envelope envelope, Consumer<ObjectNode> change) {
        ObjectNode json = CODEC.toJson(envelope);
        change.accept(json);
        return json.toString();
    }

    private List<Integer> distinctIndexes(int bound, int count) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < bound; i++) {
            all.add(i);
        }
        shuffle(all);
        return all.subList(0, count);
    }

    private <T> void shuffle(List<T> list) {
        Collections.shuffle(list, random);
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
