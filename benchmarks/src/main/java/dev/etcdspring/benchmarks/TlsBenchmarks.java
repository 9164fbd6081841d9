package dev.etcdspring.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLContext;

import dev.etcdspring.benchmarks.Scenario.Column;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdHttpBackend;
import dev.etcdspring.test.EtcdCluster;
import dev.etcdspring.test.TestSslContexts;

/**
 * GET over TLS (scenarios named {@code tls ...}, selected by {@code -Dbench.only=tls}): a second etcd member of the
 * run that serves {@code https} with a server certificate from the harness's test CA, and, in the same rounds, ours
 * with the socket backend (the default) and with Jetty over {@code https}, {@code wrk} over {@code https}, the JDK
 * {@code HttpClient}, etcd4j (v2) and jetcd (v3) over TLS, all trusting that CA; beside them, ours and {@code wrk}
 * on the plain {@code http} etcd of the rest of the run, the baseline the TLS cost is measured against.
 */
final class TlsBenchmarks {

    static final String NAME = "tls ";

    private TlsBenchmarks() {
    }

    static boolean isTls(Scenario s) {
        return s.name.startsWith(NAME);
    }

    /**
     * The TLS scenarios: GET of the seeded key, linearizable and local, 1 and 8 threads, both APIs.
     *
     * @param tlsEtcd the member that serves https
     * @param plain the clients of the plain http member, ours among them ({@link Column#OURS})
     * @param plainEndpoint the plain http member's endpoint, for wrk's baseline
     * @param wrk {@code wrk}, or {@code null} when not installed
     * @param closeables where the clients made here go, to be closed at the end
     */
    static List<Scenario> scenarios(Runner runner, EtcdCluster tlsEtcd, Map<EtcdApi, Map<Column, Object>> plain,
            String plainEndpoint, Wrk wrk, List<AutoCloseable> closeables) throws Exception {
        String endpoint = tlsEtcd.endpoint();
        SSLContext sslContext = TestSslContexts.trusting(tlsEtcd.tls().caCertificate());
        io.netty.handler.ssl.SslContext grpc = io.grpc.netty.GrpcSslContexts.forClient()
            .trustManager(tlsEtcd.tls().caCertificate().toFile())
            .build();
        // etcd4j makes its engines without the peer's host, which Netty 4.2's hostname verification refuses
        // ("Hostname or IP address is undefined"): it runs without, the only contender that does.
        io.netty.handler.ssl.SslContext netty = io.netty.handler.ssl.SslContextBuilder.forClient()
            .trustManager(tlsEtcd.tls().caCertificate().toFile())
            .endpointIdentificationAlgorithm(null)
            .build();
        List<Scenario> scenarios = new ArrayList<>();
        for (EtcdApi api : EtcdApi.values()) {
            TemplateClient seeder = new TemplateClient(endpoint, api, sslContext, null);
            closeables.add(seeder);
            seeder.set(EtcdBenchmarks.KEY, EtcdBenchmarks.VALUE);
            Map<Column, Object> clients = new java.util.EnumMap<>(Column.class);
            clients.put(Column.OURS, seeder);
            clients.put(Column.OURS_JETTY,
                    EtcdBenchmarks.open(() -> new TemplateClient(endpoint, api, sslContext, EtcdHttpBackend.JETTY),
                            closeables));
            clients.put(Column.OURS_HTTP, plain.get(api).get(Column.OURS));
            clients.put(Column.JDK, EtcdBenchmarks.open(() -> new JdkClient(endpoint, api, sslContext), closeables));
            if (api == EtcdApi.V2) {
                clients.put(Column.ETCD4J, EtcdBenchmarks.open(() -> new Etcd4jClient(endpoint, netty), closeables));
            }
            else {
                clients.put(Column.JETCD, EtcdBenchmarks.open(() -> new JetcdClient(endpoint, grpc), closeables));
            }
            for (boolean linearizable : new boolean[] { true, false }) {
                for (int threads : new int[] { 1, 8 }) {
                    Scenario s = new Scenario(String.format(Locale.ROOT, "%sGET %s %s, %d thread%s", NAME,
                            api.name().toLowerCase(Locale.ROOT), linearizable ? "linearizable" : "local", threads,
                            (threads == 1) ? "" : "s"), threads);
                    if (wrk != null) {
                        s.with(Column.WRK, wrk.get(endpoint, api, EtcdBenchmarks.KEY, linearizable));
                        s.with(Column.WRK_HTTP, wrk.get(plainEndpoint, api, EtcdBenchmarks.KEY, linearizable));
                    }
                    else {
                        s.note(Column.WRK, "not installed").note(Column.WRK_HTTP, "not installed");
                    }
                    clients.forEach((column, client) -> EtcdBenchmarks.add(s, column, client, runner, (c) -> () -> {
                        String value = c.get(EtcdBenchmarks.KEY, linearizable);
                        if (!EtcdBenchmarks.VALUE.equals(value)) {
                            throw new IllegalStateException(column.label + " read " + value + " for "
                                    + EtcdBenchmarks.KEY);
                        }
                    }));
                    scenarios.add(s);
                }
            }
        }
        return scenarios;
    }

    /**
     * The table of the TLS scenarios: requests/s (the median of the rounds) per contender, then, each the median of
     * the same-round ratios, ours over TLS ÷ ours on plain http (the target: at least 1 ÷ 1.3 = 0.77), ours
     * ÷ ours with Jetty, ours ÷ the best Java peer over TLS, and ours ÷ wrk over https.
     */
    static String markdown(List<Scenario> scenarios) {
        Column[] columns = { Column.WRK, Column.WRK_HTTP, Column.OURS, Column.OURS_HTTP, Column.OURS_JETTY,
                Column.JDK, Column.ETCD4J, Column.JETCD };
        StringBuilder md = new StringBuilder("""
                ## GET over TLS (`-Dbench.only=tls`), requests/s

                A second etcd member serves `https` (server certificate from the harness's test CA, no client \
                certificate); every TLS client trusts that CA. "wrk" and "EtcdTemplate" are over `https`; "wrk, plain \
                http" and "EtcdTemplate, plain http" are the same requests to the run's plain `http` member, in the \
                same rounds. "EtcdTemplate" is the default socket backend, "EtcdTemplate, Jetty" the Jetty backend. A \
                ratio is the median of the same-round ratios; "TLS ÷ plain" is ours over TLS ÷ ours on plain http \
                (a rate: 0.77 is 1.3× the time), "best Java peer" the fastest of the JDK HttpClient, etcd4j and jetcd \
                over TLS in that round.

                | scenario |""");
        for (Column column : columns) {
            md.append(' ').append((column == Column.OURS) ? "**" + column.label + "**" : column.label).append(" |");
        }
        md.append(" ours TLS ÷ plain | ours × Jetty | ours × best Java peer | ours × wrk https |\n|---|")
            .append("---:|".repeat(columns.length + 4))
            .append('\n');
        List<String> failures = new ArrayList<>();
        for (Scenario s : scenarios) {
            md.append("| ").append(s.name.substring(NAME.length())).append(" |");
            for (Column column : columns) {
                String cell;
                if (s.measured(column)) {
                    cell = String.format(Locale.ROOT, "%,.0f", s.median(column));
                    cell = (column == Column.OURS) ? "**" + cell + "**" : cell;
                }
                else {
                    cell = s.notes.getOrDefault(column, "–");
                    if (cell.startsWith("failed")) {
                        failures.add(s.name + ", " + column.label + ": " + cell);
                        cell = "failed";
                    }
                }
                md.append(' ').append(cell).append(" |");
            }
            md.append(' ').append(Report.ratioAndRange(s, Column.OURS, Column.OURS_HTTP))
                .append(" | ").append(Report.ratioAndRange(s, Column.OURS, Column.OURS_JETTY))
                .append(" | ").append(Report.ratioAndRange(s, Column.OURS, s.javaClients()))
                .append(" | ").append(Report.ratioAndRange(s, Column.OURS, Column.WRK))
                .append(" |\n");
        }
        if (!failures.isEmpty()) {
            md.append("\nFailures:\n\n");
            failures.forEach((f) -> md.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        return md.toString();
    }
}
