package dev.etcdspring.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.etcdspring.benchmarks.Scenario.Column;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.kv.Compare;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.Op;
import dev.etcdspring.core.kv.TxnResult;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * The v3-native API ({@code EtcdTemplate.opsForKeyValue()}) beside jetcd's {@code KV} (blocking on its futures) and
 * the raw socket sending the same gateway request, in the rounds of {@link EtcdBenchmarks}: a put and a get of one
 * small key, a read of a prefix of {@value #PREFIX_KEYS} keys in one answer ({@code getPrefix}) and in pages of
 * {@value #PAGE} ({@code scan}; jetcd reads the prefix in one answer), and a transaction comparing the mod revision,
 * then putting, otherwise getting. At 1 and 8 threads. Every request is timed, so the table gives p50 and p99
 * beside the rate. The scenarios' names start with {@code kv }: {@code -Dbench.only=kv} runs only these.
 */
final class KvBenchmarks {

    /** The start of every scenario's name here. */
    static final String NAME = "kv ";

    static final String KEY = "bench/kv/key";

    static final String VALUE = "value";

    static final String PREFIX = "bench/kv/prefix/";

    static final int PREFIX_KEYS = 10_000;

    static final int PAGE = 1_000;

    /** etcd's default {@code --max-txn-ops}. */
    private static final int TXN_OPS = 128;

    private static final byte[] PREFIX_END = prefixEnd(PREFIX.getBytes(StandardCharsets.UTF_8));

    private static final GetOption JETCD_PREFIX = GetOption.builder().isPrefix(true).build();

    private KvBenchmarks() {
    }

    static boolean isKv(Scenario s) {
        return s.name.startsWith(NAME);
    }

    /**
     * Writes what the reads read: {@value #KEY} and the {@value #PREFIX_KEYS} keys of {@value #PREFIX}
     * ({@code k00000} = {@code value number 0}, ...), in transactions of {@value #TXN_OPS} puts.
     */
    static void seed(EtcdKeyValueOperations kv) {
        kv.put(KEY, VALUE);
        kv.deletePrefix(PREFIX);
        for (int from = 0; from < PREFIX_KEYS; from += TXN_OPS) {
            List<Op> puts = new ArrayList<>();
            for (int i = from; i < Math.min(PREFIX_KEYS, from + TXN_OPS); i++) {
                puts.add(Op.put(prefixKey(i), "value number " + i));
            }
            BulkBenchmarks.check(kv.txn().then(puts).commit().succeeded(), "seeding transaction");
        }
        long count = kv.getPrefix(PREFIX).kvs().size();
        BulkBenchmarks.check(count == PREFIX_KEYS, "seeded " + count + " keys under " + PREFIX);
    }

    static String prefixKey(int i) {
        return String.format(Locale.ROOT, "%sk%05d", PREFIX, i);
    }

    /**
     * The scenarios, at 1 and 8 threads each.
     *
     * @param v3 the v3 clients by column, as {@link EtcdBenchmarks} opened them: a {@link Client}, or the reason
     * there is none
     */
    static List<Scenario> scenarios(Runner runner, Map<Column, Object> v3) {
        Object raw = v3.get(Column.RAW);
        Object jetcd = v3.get(Column.JETCD);
        Object ours = v3.get(Column.OURS);
        List<Scenario> scenarios = new ArrayList<>();
        for (int threads : new int[] { 1, 8 }) {
            Scenario put = scenario("put of one small key", threads);
            timed(put, Column.RAW, raw, RawSocketClient.class, runner,
                    (c) -> () -> c.set(putKey(Column.RAW), VALUE));
            timed(put, Column.JETCD, jetcd, JetcdClient.class, runner,
                    (c) -> () -> c.kv().put(bytes(putKey(Column.JETCD)), bytes(VALUE)).get());
            timed(put, Column.OURS, ours, TemplateClient.class, runner, (c) -> {
                EtcdKeyValueOperations kv = c.template().opsForKeyValue();
                return () -> kv.put(putKey(Column.OURS), VALUE);
            });
            scenarios.add(put);

            Scenario get = scenario("get of one small key", threads);
            timed(get, Column.RAW, raw, RawSocketClient.class, runner,
                    (c) -> () -> checkValue(c.get(KEY, true), "raw socket"));
            timed(get, Column.JETCD, jetcd, JetcdClient.class, runner, (c) -> () -> {
                GetResponse response = c.kv().get(bytes(KEY)).get();
                checkValue(response.getKvs().isEmpty() ? null
                        : response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8), "jetcd");
            });
            timed(get, Column.OURS, ours, TemplateClient.class, runner, (c) -> {
                EtcdKeyValueOperations kv = c.template().opsForKeyValue();
                return () -> {
                    KeyValue found = kv.get(KEY);
                    checkValue((found != null) ? found.value() : null, "opsForKeyValue");
                };
            });
            scenarios.add(get);

            for (boolean paged : new boolean[] { false, true }) {
                Scenario prefix = scenario(paged
                        ? String.format(Locale.ROOT, "prefix of %,d keys in pages of %,d (scan)", PREFIX_KEYS, PAGE)
                        : String.format(Locale.ROOT, "prefix of %,d keys in one answer (getPrefix)", PREFIX_KEYS),
                        threads);
                timed(prefix, Column.RAW, raw, RawSocketClient.class, runner,
                        (c) -> paged ? () -> checkCount(rawScan(c), "raw socket") : () -> rawPrefix(c));
                timed(prefix, Column.JETCD, jetcd, JetcdClient.class, runner, (c) -> () -> checkCount(
                        c.kv().get(bytes(PREFIX), JETCD_PREFIX).get().getKvs().size(), "jetcd"));
                timed(prefix, Column.OURS, ours, TemplateClient.class, runner, (c) -> {
                    EtcdKeyValueOperations kv = c.template().opsForKeyValue();
                    return paged ? () -> checkCount(kv.scan(PREFIX, PAGE).count(), "scan")
                            : () -> checkCount(kv.getPrefix(PREFIX).kvs().size(), "getPrefix");
                });
                scenarios.add(prefix);
            }

            Scenario txn = scenario("txn: compare mod revision, then put, else get", threads);
            timed(txn, Column.RAW, raw, RawSocketClient.class, runner, (c) -> txnOp(Column.RAW, threads,
                    (key) -> c.set(key, "start"), (key, revision) -> Wire.writtenIndex(EtcdApi.V3,
                            c.post("/v3/kv/txn", rawTxn(key, revision)), true)));
            timed(txn, Column.JETCD, jetcd, JetcdClient.class, runner, (c) -> {
                KV kv = c.kv();
                return txnOp(Column.JETCD, threads,
                        (key) -> kv.put(bytes(key), bytes("start")).get().getHeader().getRevision(),
                        (key, revision) -> {
                            ByteSequence k = bytes(key);
                            TxnResponse response = kv.txn()
                                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(revision)))
                                .Then(io.etcd.jetcd.op.Op.put(k, bytes(VALUE), PutOption.DEFAULT))
                                .Else(io.etcd.jetcd.op.Op.get(k, GetOption.DEFAULT))
                                .commit()
                                .get();
                            BulkBenchmarks.check(response.isSucceeded(), "jetcd's comparison of " + key);
                            return response.getHeader().getRevision();
                        });
            });
            timed(txn, Column.OURS, ours, TemplateClient.class, runner, (c) -> {
                EtcdKeyValueOperations kv = c.template().opsForKeyValue();
                return txnOp(Column.OURS, threads, (key) -> kv.put(key, "start").revision(), (key, revision) -> {
                    TxnResult result = kv.txn()
                        .when(Compare.modRevision(key).isEqualTo(revision))
                        .then(Op.put(key, VALUE))
                        .otherwise(Op.get(key))
                        .commit();
                    BulkBenchmarks.check(result.succeeded(), "our comparison of " + key);
                    return result.revision();
                });
            });
            scenarios.add(txn);
        }
        return scenarios;
    }

    private static Scenario scenario(String what, int threads) {
        return new Scenario(String.format(Locale.ROOT, "%s%s, %d thread%s", NAME, what, threads,
                (threads == 1) ? "" : "s"), threads);
    }

    /** Adds a timed load: each turn leaves its latencies with the scenario. Or the client's failure to start. */
    private static <C> void timed(Scenario s, Column column, Object client, Class<C> type, Runner runner,
            Function<C, Runner.Op> op) {
        if (type.isInstance(client)) {
            Runner.Op o = op.apply(type.cast(client));
            s.with(column, (threads, duration) -> {
                Runner.Timing timing = runner.measureTimed(o, threads, duration);
                s.timed(column, timing.nanos());
                return timing.rate();
            });
        }
        else {
            s.with(column, (threads, duration) -> Double.NaN).note(column, String.valueOf(client));
        }
    }

    private static String putKey(Column column) {
        return "bench/kv/put-" + column.name().toLowerCase(Locale.ROOT);
    }

    @FunctionalInterface
    private interface Start {

        long put(String key) throws Exception;
    }

    @FunctionalInterface
    private interface Swap {

        long commit(String key, long revision) throws Exception;
    }

    /**
     * A transaction on a key of the thread's own, so that its comparison always holds: the first call writes the key,
     * each commit compares the mod revision the last one returned.
     */
    private static Runner.Op txnOp(Column column, int threads, Start start, Swap swap) {
        final class State {

            final String key = "bench/kv/txn-" + column.name().toLowerCase(Locale.ROOT) + "-" + threads + "-"
                    + Thread.currentThread().getName();

            long revision;
        }
        ThreadLocal<State> states = ThreadLocal.withInitial(State::new);
        return () -> {
            State state = states.get();
            if (state.revision == 0) {
                state.revision = start.put(state.key);
            }
            state.revision = swap.commit(state.key, state.revision);
        };
    }

    /** The same transaction as the gateway takes it from ours. */
    private static String rawTxn(String key, long revision) {
        String k = Wire.base64(key);
        return "{\"compare\":[{\"key\":\"" + k + "\",\"target\":\"MOD\",\"result\":\"EQUAL\",\"mod_revision\":\""
                + revision + "\"}],\"success\":[{\"request_put\":{\"key\":\"" + k + "\",\"value\":\""
                + Wire.base64(VALUE) + "\"}}],\"failure\":[{\"request_range\":{\"key\":\"" + k + "\"}}]}";
    }

    /** The prefix in one answer, read by {@code Content-Length} and left unparsed but for its count. */
    private static void rawPrefix(RawSocketClient raw) throws Exception {
        String body = raw.post("/v3/kv/range", "{\"key\":\"" + base64(PREFIX.getBytes(StandardCharsets.UTF_8))
                + "\",\"range_end\":\"" + base64(PREFIX_END) + "\"}");
        BulkBenchmarks.check(body.contains("\"count\":\"" + PREFIX_KEYS + "\""), "raw socket's prefix read");
    }

    /**
     * The prefix page by page as ours reads it: {@value #PAGE} keys a request, from the key after the last one
     * read, at the first page's revision; the last key found by string search.
     *
     * @return the keys read
     */
    private static long rawScan(RawSocketClient raw) throws Exception {
        byte[] next = PREFIX.getBytes(StandardCharsets.UTF_8);
        long revision = 0;
        long keys = 0;
        while (true) {
            String body = raw.post("/v3/kv/range", "{\"key\":\"" + base64(next) + "\",\"range_end\":\""
                    + base64(PREFIX_END) + "\",\"limit\":\"" + PAGE + "\""
                    + ((revision > 0) ? ",\"revision\":\"" + revision + "\"" : "") + "}");
            if (revision == 0) {
                revision = Wire.writtenIndex(EtcdApi.V3, body, false);
            }
            int page = 0;
            for (int at = body.indexOf("{\"key\":\""); at >= 0; at = body.indexOf("{\"key\":\"", at + 8)) {
                page++;
            }
            keys += page;
            if (page == 0 || !body.contains("\"more\":true")) {
                return keys;
            }
            int last = body.lastIndexOf("{\"key\":\"") + 8;
            byte[] lastKey = Base64.getDecoder().decode(body.substring(last, body.indexOf('"', last)));
            next = Arrays.copyOf(lastKey, lastKey.length + 1);
        }
    }

    private static void checkValue(String value, String who) {
        BulkBenchmarks.check(VALUE.equals(value), who + " read " + value + " for " + KEY);
    }

    private static void checkCount(long count, String who) {
        BulkBenchmarks.check(count == PREFIX_KEYS, who + " read " + count + " keys under " + PREFIX);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        end[end.length - 1]++;
        return end;
    }
}
