package io.eventbus.transport.redis.streams;

/**
 * A Redis stream entry id, {@code <milliseconds>-<sequence>}, compared numerically (string order puts
 * {@code 9-0} after {@code 10-0}). Trimming needs the order and the next id after one.
 *
 * @param millis   the milliseconds part
 * @param sequence the sequence part
 */
public record StreamEntryId(long millis, long sequence) implements Comparable<StreamEntryId> {

    public static final StreamEntryId ZERO = new StreamEntryId(0, 0);

    public static StreamEntryId parse(String id) {
        int dash = id.indexOf('-');
        if (dash < 0) {
            return new StreamEntryId(Long.parseUnsignedLong(id), 0);
        }
        return new StreamEntryId(Long.parseUnsignedLong(id.substring(0, dash)),
                Long.parseUnsignedLong(id.substring(dash + 1)));
    }

    /** The smallest id greater than this one: {@code XTRIM MINID next()} drops this entry and all before it. */
    public StreamEntryId next() {
        return sequence == -1L ? new StreamEntryId(millis + 1, 0) : new StreamEntryId(millis, sequence + 1);
    }

    public static StreamEntryId min(StreamEntryId a, StreamEntryId b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public int compareTo(StreamEntryId other) {
        int byMillis = Long.compareUnsigned(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compareUnsigned(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(millis) + "-" + Long.toUnsignedString(sequence);
    }
}
