package io.eventbus.samples.listings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The market snapshot the listings stages compare a listing with: city and district names with their aliases,
 * median prices per square metre per deal type, exchange rates, the price rules' ratios, images known to be
 * reused and contacts known from fraud cases (see {@code listings/market-reference.yaml}, shipped in the jar).
 * <p>
 * A fixed table rather than statistics gathered from the listings flowing by: a running median or a "seen this
 * image before" store would make a listing's fraud score depend on the order events arrive in and on how many
 * consumers run, and the pipeline's results must be the same on every run. Immutable and thread-safe.
 */
public final class MarketReference {

    /** Where the shipped snapshot is; {@code eventbus.listings.market-reference} may name another. */
    public static final String DEFAULT_LOCATION = "classpath:listings/market-reference.yaml";

    private final String location;
    private final Map<String, Double> ratesRub;
    private final Map<String, City> cities;
    private final Map<String, String> cityAliases;
    private final double tooLowBelow;
    private final double anomalyAbove;
    private final Set<String> reusedImages;
    private final Set<String> blockedPhones;
    private final Set<String> blockedEmails;
    private final Set<String> disposableEmailDomains;

    /** A city of the snapshot: its medians and districts (canonical name → district). */
    public record City(String name, Map<String, Double> medians, Map<String, District> districts,
            Map<String, String> districtAliases) {
    }

    /** A district of a city and its medians per deal type ({@code sale}, {@code rent}). */
    public record District(String name, Map<String, Double> medians) {
    }

    /** A median price per square metre and the area it is the median of, e.g. "Moscow/Khamovniki". */
    public record Median(double pricePerSqmRub, String area) {
    }

    private MarketReference(String location, Map<String, Object> root) {
        this.location = location;
        this.ratesRub = Collections.unmodifiableMap(rates(map(root, "currency_rates_rub", "currency_rates_rub")));
        Map<String, City> cityMap = new LinkedHashMap<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        map(root, "cities", "cities").forEach((name, value) -> {
            String path = "cities." + name;
            Map<String, Object> city = asMap(value, path);
            Map<String, District> districts = new LinkedHashMap<>();
            Map<String, String> districtAliases = new LinkedHashMap<>();
            Map<String, Object> districtNodes = city.containsKey("districts")
                    ? map(city, "districts", path + ".districts") : Map.of();
            districtNodes.forEach((districtName, districtValue) -> {
                String districtPath = path + ".districts." + districtName;
                Map<String, Object> district = asMap(districtValue, districtPath);
                districts.put(districtName, new District(districtName, medians(district, districtPath)));
                aliasesOf(districtName, district, districtPath).forEach(a -> districtAliases.put(a, districtName));
            });
            Map<String, Double> cityMedians = medians(map(city, "median_price_per_sqm_rub",
                    path + ".median_price_per_sqm_rub"), path + ".median_price_per_sqm_rub");
            cityMap.put(name, new City(name, cityMedians, Collections.unmodifiableMap(districts),
                    Collections.unmodifiableMap(districtAliases)));
            aliasesOf(name, city, path).forEach(a -> aliases.put(a, name));
        });
        this.cities = Collections.unmodifiableMap(cityMap);
        this.cityAliases = Collections.unmodifiableMap(aliases);
        Map<String, Object> rules = map(root, "price_rules", "price_rules");
        this.tooLowBelow = positive(rules.get("too_low_below"), "price_rules.too_low_below");
        this.anomalyAbove = positive(rules.get("anomaly_above"), "price_rules.anomaly_above");
        this.reusedImages = strings(root.get("reused_images"), "reused_images", false);
        Map<String, Object> blocked = root.containsKey("blocked_contacts")
                ? map(root, "blocked_contacts", "blocked_contacts") : Map.of();
        this.blockedPhones = strings(blocked.get("phones"), "blocked_contacts.phones", false);
        this.blockedEmails = strings(blocked.get("emails"), "blocked_contacts.emails", true);
        this.disposableEmailDomains = strings(root.get("disposable_email_domains"), "disposable_email_domains", true);
    }

    /**
     * Reads a snapshot from {@code classpath:<resource>}, {@code file:<path>} or a plain file path; for YAML bean
     * definitions ({@code factoryMethod: load}).
     *
     * @throws IllegalArgumentException naming the location and the offending entry when the file is unusable
     */
    public static MarketReference load(String location) {
        String where = location == null || location.isBlank() ? DEFAULT_LOCATION : location.trim();
        Object root;
        try (InputStream in = open(where)) {
            root = new Load(LoadSettings.builder().setLabel(where).build()).loadFromInputStream(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("market reference " + where + ": file not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("market reference " + where + ": cannot read it: " + e.getMessage(), e);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException("market reference " + where + ": invalid YAML: " + e.getMessage(), e);
        }
        try {
            return new MarketReference(where, asMap(root, "the document"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("market reference " + where + ": " + e.getMessage(), e);
        }
    }

    /** The shipped snapshot. */
    public static MarketReference shipped() {
        return load(DEFAULT_LOCATION);
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
            // this bundle's own class loader, not the thread's: the snapshot ships with these classes
            InputStream in = MarketReference.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new NoSuchFileException(location);
            }
            return in;
        }
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        return Files.newInputStream(Path.of(path));
    }

    public String location() {
        return location;
    }

    /** The canonical name of a city written any known way ("г. Москва", "MSK"), or empty when unknown. */
    public Optional<String> canonicalCity(String city) {
        return Optional.ofNullable(cityAliases.get(aliasKey(city)));
    }

    /** The canonical name of a district of a known city, or empty when the city or district is unknown. */
    public Optional<String> canonicalDistrict(String city, String district) {
        City known = cities.get(city);
        return known == null ? Optional.empty() : Optional.ofNullable(known.districtAliases().get(aliasKey(district)));
    }

    /** The median price per m² for the deal type, the district's when known, else the city's; empty if none. */
    public Optional<Median> median(String city, String district, String dealType) {
        City known = cities.get(city);
        if (known == null) {
            return Optional.empty();
        }
        District d = district == null ? null : known.districts().get(district);
        if (d != null && d.medians().containsKey(dealType)) {
            return Optional.of(new Median(d.medians().get(dealType), city + "/" + district));
        }
        Double cityMedian = known.medians().get(dealType);
        return cityMedian == null ? Optional.empty() : Optional.of(new Median(cityMedian, city));
    }

    /** Roubles per unit of the ISO currency, or empty when the snapshot has no rate for it. */
    public Optional<Double> rateRub(String currency) {
        return Optional.ofNullable(ratesRub.get(currency));
    }

    /** The currencies the snapshot has rates for. */
    public Set<String> currencies() {
        return ratesRub.keySet();
    }

    public double tooLowBelow() {
        return tooLowBelow;
    }

    public double anomalyAbove() {
        return anomalyAbove;
    }

    public boolean isReusedImage(String normalizedUrl) {
        return reusedImages.contains(normalizedUrl);
    }

    public boolean isBlockedPhone(String phone) {
        return phone != null && blockedPhones.contains(phone);
    }

    public boolean isBlockedEmail(String email) {
        return email != null && blockedEmails.contains(email.toLowerCase(Locale.ROOT));
    }

    public boolean isDisposableEmail(String email) {
        if (email == null || email.indexOf('@') < 0) {
            return false;
        }
        return disposableEmailDomains.contains(email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
    }

    private static String aliasKey(String name) {
        return name == null ? "" : name.trim().replaceAll("\\s+", " ").replace('ё', 'е').toLowerCase(Locale.ROOT);
    }

    private static List<String> aliasesOf(String name, Map<String, Object> node, String path) {
        List<String> aliases = new ArrayList<>();
        aliases.add(aliasKey(name));
        if (node.containsKey("aliases")) {
            strings(node.get("aliases"), path + ".aliases", true).forEach(a -> aliases.add(aliasKey(a)));
        }
        return aliases;
    }

    private static Map<String, Double> medians(Map<String, Object> node, String path) {
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String dealType : List.of("sale", "rent")) {
            if (node.containsKey(dealType)) {
                medians.put(dealType, positive(node.get(dealType), path + "." + dealType));
            }
        }
        if (medians.isEmpty()) {
            throw new IllegalArgumentException(path + ": needs a sale or rent median");
        }
        return Collections.unmodifiableMap(medians);
    }

    private static Map<String, Double> rates(Map<String, Object> node) {
        Map<String, Double> rates = new LinkedHashMap<>();
        node.forEach((currency, rate) -> rates.put(currency.toUpperCase(Locale.ROOT),
                positive(rate, "currency_rates_rub." + currency)));
        return rates;
    }

    private static double positive(Object value, String path) {
        if (value instanceof Number n && n.doubleValue() > 0) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(path + ": expected a positive number but was " + describe(value));
    }

    private static Set<String> strings(Object value, String path, boolean lowerCase) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(path + ": expected a list of strings but was " + describe(value));
        }
        Set<String> strings = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (!(item instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(path + "[" + i + "]: expected a string but was " + describe(item));
            }
            strings.add(lowerCase ? s.trim().toLowerCase(Locale.ROOT) : s.trim());
        }
        return Collections.unmodifiableSet(strings);
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key, String path) {
        if (!parent.containsKey(key)) {
            throw new IllegalArgumentException(path + ": required entry is missing");
        }
        return asMap(parent.get(key), path);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String path) {
        if (value instanceof Map<?, ?> m) {
            for (Object key : m.keySet()) {
                if (!(key instanceof String)) {
                    throw new IllegalArgumentException(path + ": keys must be strings but found " + describe(key));
                }
            }
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(path + ": expected a mapping but was " + describe(value));
    }

    private static String describe(Object value) {
        return value == null ? "nothing" : value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
