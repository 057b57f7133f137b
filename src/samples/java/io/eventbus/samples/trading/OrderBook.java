package io.eventbus.samples.trading;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

/**
 * The trading system's order book service (OBS) as a pipeline stage: matches a {@code place_order} event against the resting
 * orders of its symbol (price-time priority, limit and market orders) and answers with the outcome.
 * <p>
 * The exchange's body becomes the reply ({@code order_result}: {@code order_id}, {@code status} filled,
 * partially_filled or resting, {@code filled_quantity}, {@code fills}); the trades it made are left in the exchange
 * property {@value #TRADES} as {@code trade_executed} envelopes, for the route to publish. One book per stage
 * instance, for one consumer at a time (the route consumes with concurrency 1).
 */
public class OrderBook implements Processor {

    /** Exchange property holding the {@code List<Envelope>} of trades the order made. */
    public static final String TRADES = "tradingTrades";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, PriorityQueue<Resting>> bids = new HashMap<>();
    private final Map<String, PriorityQueue<Resting>> asks = new HashMap<>();
    private long sequence;

    @Override
    public synchronized void process(Exchange exchange) {
        Envelope order = exchange.getIn().getBody(Envelope.class);
        JsonNode data = order.getData();
        String orderId = data.path("order_id").asText(order.getEventId());
        String symbol = data.path("symbol").asText();
        boolean buy = "buy".equalsIgnoreCase(data.path("side").asText());
        double quantity = data.path("quantity").asDouble();
        boolean market = "market".equalsIgnoreCase(data.path("order_type").asText("limit"));
        double price = market ? (buy ? Double.MAX_VALUE : 0) : data.path("price").asDouble();
        if (symbol.isEmpty() || quantity <= 0) {
            throw new IllegalArgumentException("order " + orderId + ": symbol and a positive quantity are required");
        }

        PriorityQueue<Resting> opposite = (buy ? asks : bids).computeIfAbsent(symbol, s -> book(!buy));
        List<Map<String, Object>> fills = new ArrayList<>();
        List<Envelope> trades = new ArrayList<>();
        double remaining = quantity;
        while (remaining > 0 && !opposite.isEmpty() && crosses(buy, price, opposite.peek().price)) {
            Resting best = opposite.peek();
            double traded = Math.min(remaining, best.remaining);
            remaining -= traded;
            best.remaining -= traded;
            if (best.remaining <= 0) {
                opposite.poll();
            }
            Map<String, Object> fill = new LinkedHashMap<>();
            fill.put("trade_id", UUID.randomUUID().toString());
            fill.put("symbol", symbol);
            fill.put("price", best.price);
            fill.put("quantity", traded);
            fill.put("buy_order_id", buy ? orderId : best.orderId);
            fill.put("sell_order_id", buy ? best.orderId : orderId);
            fills.add(fill);
            trades.add(Envelope.create("trade_executed", "order-book", MAPPER.valueToTree(fill)).setKey(symbol));
        }
        if (remaining > 0 && !market) {
            (buy ? bids : asks).computeIfAbsent(symbol, s -> book(buy))
                    .add(new Resting(orderId, price, remaining, sequence++));
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("order_id", orderId);
        result.put("symbol", symbol);
        result.put("status", remaining <= 0 ? "filled" : fills.isEmpty() ? "resting" : "partially_filled");
        result.put("filled_quantity", quantity - remaining);
        result.put("fills", fills);
        exchange.setProperty(TRADES, trades);
        exchange.getMessage().setBody(result);
        exchange.getMessage().setHeader(BusConstants.EVENT_TYPE, "order_result");
    }

    private static boolean crosses(boolean buy, double price, double restingPrice) {
        return buy ? price >= restingPrice : price <= restingPrice;
    }

    /** Bids best-first by highest price, asks by lowest; then by arrival. */
    private static PriorityQueue<Resting> book(boolean bids) {
        Comparator<Resting> byPrice = Comparator.comparingDouble(r -> r.price);
        return new PriorityQueue<>((bids ? byPrice.reversed() : byPrice).thenComparingLong(r -> r.sequence));
    }

    private static final class Resting {
        final String orderId;
        final double price;
        double remaining;
        final long sequence;

        Resting(String orderId, double price, double remaining, long sequence) {
            this.orderId = orderId;
            this.price = price;
            this.remaining = remaining;
            this.sequence = sequence;
        }
    }
}
