package io.eventbus.samples.listings;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the normalize stage reads one raw field, whatever way a scraper wrote it: prices such as
 * {@code "4 500 000 ₽"}, {@code "4,5 млн руб."}, {@code "$120,000"} or {@code "45 000 руб./мес."}; areas in m², with
 * a decimal comma, or in square feet; rooms as {@code "2-комн."} or {@code "студия"}; Russian phone numbers in any
 * of their written forms; e-mail addresses; image URLs; and the street of an address reduced to a key that two
 * spellings of the same address share.
 * <p>
 * Each rule returns the clean value or throws {@link IllegalArgumentException} whose message says why the text
 * cannot be read; the stage turns that into a validation error or warning naming the field. Stateless.
 */
public final class NormalizationRules {

    /** Square metres in a square foot. */
    static final double SQM_PER_SQFT = 0.09290304;

    private static final Pattern NUMBER = Pattern.compile("\\d[\\d\\s\\u00a0\\u202f'.,]*");
    private static final Pattern THOUSANDS_COMMA = Pattern.compile("\\d{1,3}(,\\d{3})+");
    private static final Pattern THOUSANDS_DOT = Pattern.compile("\\d{1,3}(\\.\\d{3})+");
    private static final Pattern ISO_CODE = Pattern.compile("\\b[A-Z]{3}\\b");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[\\p{L}]{2,}");
    private static final Set<String> STREET_TYPE_WORDS = Set.of("ул", "улица", "ul", "ulitsa", "street", "st", "д",
            "дом", "d", "house", "пр", "пр-т", "проспект", "prospekt", "pr-t", "avenue", "ave", "пер", "переулок",
            "lane", "наб", "набережная", "embankment", "ш", "шоссе", "highway", "бул", "бульвар", "blvd", "boulevard",
            "кв", "квартира", "apt", "flat", "г", "город");

    /** A price: the amount in its currency, and {@code month} for a rent's period. */
    public record Price(double amount, String currency, boolean currencyGiven, boolean perMonth) {
    }

    private NormalizationRules() {
    }

    /**
     * Reads a price written as a number or as text with its currency, multiplier and period. The currency is
     * an ISO code ({@code RUB}, {@code USD}, {@code EUR}, or the letters found, e.g. {@code BTC}, for the caller to
     * reject); {@code currencyGiven} is false when the text names none.
     */
    public static Price price(Object raw) {
        if (raw instanceof Number n) {
            return new Price(positive(n.doubleValue()), "RUB", false, false);
        }
        String text = text(raw).toLowerCase(Locale.ROOT);
        Matcher number = NUMBER.matcher(text);
        if (!number.find()) {
            throw new IllegalArgumentException("cannot read \"" + text(raw) + "\" as an amount");
        }
        double amount = decimal(number.group(), true);
        String rest = (text.substring(0, number.start()) + " " + text.substring(number.end())).trim();
        if (text.strip().startsWith("-") || text.strip().startsWith("−")) {
            throw new IllegalArgumentException("must be positive but was \"" + text(raw) + "\"");
        }
        if (containsWord(rest, "млн", "mln", "million", "m")) {
            amount *= 1_000_000;
        } else if (containsWord(rest, "тыс", "k", "thousand", "т")) {
            amount *= 1_000;
        }
        boolean perMonth = rest.contains("мес") || rest.contains("month") || rest.contains("/mo");
        String currency = currencyIn(rest, text(raw));
        return new Price(positive(Math.round(amount * 100) / 100.0), currency == null ? "RUB" : currency,
                currency != null, perMonth);
    }

    /** An ISO currency code from a symbol, code or word ({@code ₽}, {@code руб.}, {@code $}, {@code евро}). */
    public static String currency(Object raw) {
        String text = text(raw).toLowerCase(Locale.ROOT);
        String currency = currencyIn(text, text(raw));
        if (currency == null) {
            throw new IllegalArgumentException("cannot read \"" + text(raw) + "\" as a currency");
        }
        return currency;
    }

    /** The currency named in the lower-case text; an unknown one only as an upper-case code in the original. */
    private static String currencyIn(String text, String original) {
        if (text.contains("₽") || text.contains("руб") || containsWord(text, "р", "rub", "rur", "rubles", "roubles")) {
            return "RUB";
        }
        if (text.contains("$") || text.contains("долл") || containsWord(text, "usd", "dollars")) {
            return "USD";
        }
        if (text.contains("€") || text.contains("евро") || containsWord(text, "eur", "euro", "euros")) {
            return "EUR";
        }
        Matcher code = ISO_CODE.matcher(original);
        return code.find() ? code.group() : null;
    }

    /** An area in square metres, from a number or text in m² ({@code "54,3 м²"}) or square feet ({@code "580 sq ft"}). */
    public static double areaSqm(Object raw) {
        double area;
        if (raw instanceof Number n) {
            area = n.doubleValue();
        } else {
            String text = text(raw).toLowerCase(Locale.ROOT).strip();
            if (text.startsWith("-") || text.startsWith("−")) {
                throw new IllegalArgumentException("must be positive but was \"" + text(raw) + "\"");
            }
            Matcher number = NUMBER.matcher(text);
            if (!number.find()) {
                throw new IllegalArgumentException("cannot read \"" + text(raw) + "\" as an area");
            }
            area = decimal(number.group(), false);
            String unit = text.substring(number.end());
            if (unit.contains("ft") || unit.contains("фут")) {
                area *= SQM_PER_SQFT;
            }
        }
        area = Math.round(area * 10) / 10.0;
        if (area < 5 || area > 10_000) {
            throw new IllegalArgumentException("must be between 5 and 10000 m² but was " + area);
        }
        return area;
    }

    /** The number of rooms: 0 for a studio, {@code "2-комн."} is 2, {@code "5+"} is 5. */
    public static int rooms(Object raw) {
        int rooms;
        if (raw instanceof Number n) {
            if (n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException("expected a whole number but was " + n);
            }
            rooms = n.intValue();
        } else {
            String text = text(raw).toLowerCase(Locale.ROOT);
            if (text.contains("студ") || text.contains("studio")) {
                return 0;
            }
            Matcher digits = Pattern.compile("\\d+").matcher(text);
            if (!digits.find()) {
                throw new IllegalArgumentException("cannot read \"" + text(raw) + "\" as a number of rooms");
            }
            rooms = Integer.parseInt(digits.group());
        }
        if (rooms < 0 || rooms > 50) {
            throw new IllegalArgumentException("must be between 0 and 50 but was " + rooms);
        }
        return rooms;
    }

    /**
     * A phone number in E.164: Russian numbers in every usual form ({@code 8 (912) 345-67-89}, {@code 9123456789},
     * {@code +7 912 ...}) become {@code +79123456789}; a number written with {@code +} keeps its country code.
     */
    public static String phone(Object raw) {
        String text = text(raw);
        String digits = text.replaceAll("\\D", "");
        if (text.trim().startsWith("+")) {
            if (digits.length() >= 8 && digits.length() <= 15) {
                return "+" + digits;
            }
        } else if (digits.length() == 11 && (digits.startsWith("8") || digits.startsWith("7"))) {
            return "+7" + digits.substring(1);
        } else if (digits.length() == 10 && digits.startsWith("9")) {
            return "+7" + digits;
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a phone number");
    }

    /** An e-mail address, trimmed and in lower case. */
    public static String email(Object raw) {
        String email = text(raw).trim().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("\"" + text(raw) + "\" is not an e-mail address");
        }
        return email;
    }

    /**
     * An image URL in the form the reused-image index keys on: https, lower-case host, no query (sizes, crops,
     * tracking) and no fragment.
     */
    public static String imageUrl(Object raw) {
        String text = text(raw).trim();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("\"" + text + "\" is not an http(s) URL");
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return "https://" + uri.getHost().toLowerCase(Locale.ROOT) + path;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an http(s) URL");
        }
    }

    /** Text with its spacing tidied (a street, a title, a name), for display. */
    public static String tidy(Object raw) {
        String tidy = text(raw).trim().replaceAll("\\s+", " ");
        if (tidy.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        return tidy;
    }

    /**
     * The street reduced to what identifies it: lower case, {@code ё} as {@code е}, no punctuation, no type
     * words ({@code ул.}, {@code д.}, {@code street}, …), the words sorted; so {@code "ул. Ленина, д. 5"} and
     * {@code "Ленина ул 5"} share the key {@code "5 ленина"}.
     */
    public static String streetKey(String street) {
        if (street == null) {
            return "";
        }
        String cleaned = street.toLowerCase(Locale.ROOT).replace('ё', 'е').replaceAll("[^\\p{L}\\p{N}-]+", " ");
        List<String> words = new ArrayList<>();
        for (String word : cleaned.trim().split(" ")) {
            if (!word.isEmpty() && !STREET_TYPE_WORDS.contains(word)) {
                words.add(word);
            }
        }
        return String.join(" ", new TreeSet<>(words));
    }

    /** A place name as it is usually written: trimmed, single spaces, a leading {@code г.} removed, capitalised. */
    public static String placeName(Object raw) {
        String name = text(raw).trim().replaceAll("\\s+", " ").replaceFirst("^(?iu)г\\.?\\s+", "");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }

    /** The deal type, {@code sale} or {@code rent}, from English or Russian wording. */
    public static String dealType(Object raw) {
        String text = text(raw).trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "sale", "sell", "продажа", "продается", "продаётся" -> "sale";
            case "rent", "lease", "long_rent", "аренда", "сдается", "сдаётся" -> "rent";
            default -> throw new IllegalArgumentException("unknown value \"" + text(raw) + "\" (expected sale or rent)");
        };
    }

    /** The property type: {@code apartment}, {@code room} or {@code house}. */
    public static String propertyType(Object raw) {
        String text = text(raw).trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "apartment", "flat", "квартира", "studio", "студия" -> "apartment";
            case "room", "комната" -> "room";
            case "house", "дом", "cottage", "коттедж", "townhouse", "таунхаус" -> "house";
            default -> throw new IllegalArgumentException("unknown value \"" + text(raw)
                    + "\" (expected apartment, room or house)");
        };
    }

    /** Text of a raw value; a value of another JSON type is refused rather than turned into its string form. */
    static String text(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("expected text but was " + (raw == null ? "nothing" : raw));
    }

    private static boolean containsWord(String text, String... words) {
        for (String word : text.split("[^\\p{L}]+")) {
            for (String w : words) {
                if (word.equals(w)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A number with the separators people write: spaces and apostrophes group thousands; with both a comma and a
     * dot the last one is the decimal mark; a lone separator before exactly three digits groups thousands when
     * {@code groupsOfThree} is set (prices), else it is the decimal mark (areas).
     */
    private static double decimal(String written, boolean groupsOfThree) {
        String s = written.replaceAll("[\\s\\u00a0\\u202f']", "").replaceAll("[.,]+$", "");
        int comma = s.lastIndexOf(',');
        int dot = s.lastIndexOf('.');
        if (comma >= 0 && dot >= 0) {
            char decimalMark = comma > dot ? ',' : '.';
            char grouping = decimalMark == ',' ? '.' : ',';
            s = s.replace(String.valueOf(grouping), "").replace(decimalMark, '.');
        } else if (comma >= 0) {
            s = groupsOfThree && THOUSANDS_COMMA.matcher(s).matches() || s.indexOf(',') != comma
                    ? s.replace(",", "") : s.replace(',', '.');
        } else if (dot >= 0) {
            s = groupsOfThree && THOUSANDS_DOT.matcher(s).matches() || s.indexOf('.') != dot ? s.replace(".", "") : s;
        }
        return Double.parseDouble(s);
    }

    private static double positive(double amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("must be positive but was " + amount);
        }
        return amount;
    }
}
