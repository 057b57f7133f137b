package io.eventbus.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.eventbus.transport.SettlingDelivery;

/**
 * One delivery of a Kafka record to a group member. {@link #ack()} lets the partition's commit pass the record;
 * {@link #reject()} schedules it for redelivery by the same member after the binding's redelivery delay, the
 * commit staying behind it meanwhile.
 */
final class KafkaDelivery extends SettlingDelivery {

    private final ConsumerRecord<String, byte[]> record;
    private final PartitionOffsets offsets;
    private final int deliveryCount;
    private final Runnable redeliver;

    KafkaDelivery(ConsumerRecord<String, byte[]> record, PartitionOffsets offsets, int deliveryCount,
            Runnable redeliver) {
        this.record = record;
        this.offsets = offsets;
        this.deliveryCount = deliveryCount;
        this.redeliver = redeliver;
    }

    /** {@code <topic>-<partition>@<offset>}. */
    @Override
    public String id() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    @Override
    public byte[] body() {
        return record.value() == null ? new byte[0] : record.value();
    }

    @Override
    public String header(String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    @Override
    public int deliveryCount() {
        return deliveryCount;
    }

    @Override
    protected void onAck() {
        offsets.ack(record.offset());
    }

    @Override
    protected void onReject() {
        if (offsets.reject(record.offset())) {
            redeliver.run();
        }
    }

    /**
     * Waits until settled, or until the member lost the partition: the next owner redelivers the record then, and
     * this member's worker goes on with its other partitions.
     */
    @Override
    protected void awaitSettled() throws InterruptedException {
        while (!awaitSettled(100, TimeUnit.MILLISECONDS)) {
            if (offsets.isClosed()) {
                return;
            }
        }
    }
}
