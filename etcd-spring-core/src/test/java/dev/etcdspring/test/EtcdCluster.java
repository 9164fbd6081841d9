package dev.etcdspring.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real etcd cluster of one or more members on free loopback ports, each with its own temporary data
 * directory, for tests. With {@link ClientTls} other than {@code NONE} the members serve their client URLs over
 * {@code https} with {@link #tls() certificates} made in the cluster's temporary directory. {@link #close()} stops
 * every member and deletes the directories.
 */
public final class EtcdCluster implements AutoCloseable {

    /** How long a member may take to become healthy. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    /** Every port {@link #freePort()} returned, never returned again. */
    private static final java.util.Set<Integer> handedOut = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final HttpClient plainHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path baseDir;

    private final List<EtcdProcess> members = new ArrayList<>();

    private final TestCertificates tls;

    // What the harness itself asks the members with (health, leader): it must get through the members' TLS.
    private final HttpClient http;

    private EtcdCluster(int size, boolean v2, ClientTls clientTls, List<String> extraFlags) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one member, got " + size);
        }
        Path binary = EtcdBinary.locate();
        try {
            this.baseDir = Files.createTempDirectory("etcd-test-");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.tls = clientTls.enabled() ? TestCertificates.generate(this.baseDir.resolve("tls")) : null;
        // Presenting the client certificate costs nothing where etcd does not ask for one (plain TLS).
        this.http = (this.tls != null) ? HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .sslContext(TestSslContexts.trusting(this.tls.caCertificate(), this.tls.clientCertificate(),
                    this.tls.clientKey()))
            .build() : plainHttp;
        for (int i = 0; i < size; i++) {
            this.members.add(new EtcdProcess("member" + i, freePort(), freePort(), this.baseDir, clientTls.enabled(),
                    this.http));
        }
        String initialCluster = this.members.stream()
            .map((m) -> m.name() + "=" + m.peerUrl())
            .collect(Collectors.joining(","));
        String token = "test-" + UUID.randomUUID();
        List<String> flags = new ArrayList<>(clientTls.etcdFlags(this.tls));
        flags.addAll(extraFlags);
        this.members.forEach((m) -> m.configure(binary, initialCluster, token, v2, flags));
    }

    /**
     * Starts a cluster of {@code size} members and waits until every one is healthy.
     *
     * @param size the number of members: 1 or 3, usually
     * @return the running cluster
     */
    public static EtcdCluster start(int size) {
        return start(size, true);
    }

    /**
     * Starts a cluster of {@code size} members, with or without the v2 API, and waits until every one is healthy.
     *
     * @param size the number of members
     * @param v2 whether the members serve the v2 API ({@code --enable-v2})
     * @return the running cluster
     */
    public static EtcdCluster start(int size, boolean v2) {
        return start(size, v2, ClientTls.NONE);
    }

    /**
     * Starts a cluster of {@code size} members, with or without the v2 API, securing the client URLs as
     * {@code clientTls} says, and waits until every one is healthy.
     *
     * @param size the number of members
     * @param v2 whether the members serve the v2 API ({@code --enable-v2})
     * @param clientTls how the client URLs are secured
     * @return the running cluster
     */
    public static EtcdCluster start(int size, boolean v2, ClientTls clientTls) {
        return start(size, v2, clientTls, List.of());
    }

    /**
     * Starts a cluster as {@link #start(int, boolean, ClientTls)} does, each member with more flags of etcd's.
     *
     * @param size the number of members
     * @param v2 whether the members serve the v2 API ({@code --enable-v2})
     * @param clientTls how the client URLs are secured
     * @param extraFlags more flags, such as {@code --auth-token-ttl=1}
     * @return the running cluster
     */
    public static EtcdCluster start(int size, boolean v2, ClientTls clientTls, List<String> extraFlags) {
        EtcdCluster cluster = new EtcdCluster(size, v2, clientTls, extraFlags);
        try {
            cluster.members.forEach(EtcdProcess::start);
            cluster.members.forEach((m) -> m.awaitHealthy(STARTUP_TIMEOUT));
            return cluster;
        }
        catch (RuntimeException ex) {
            cluster.close();
            throw ex;
        }
    }

    /**
     * The member at {@code index}.
     *
     * @param index from 0
     * @return the member
     */
    public EtcdProcess member(int index) {
        return this.members.get(index);
    }

    /**
     * Every member.
     *
     * @return the members
     */
    public List<EtcdProcess> members() {
        return List.copyOf(this.members);
    }

    /**
     * The certificates of a TLS cluster: the CA to trust, the client certificate and key to present, and a wrong CA.
     *
     * @return the certificates
     * @throws IllegalStateException if the cluster serves plain {@code http}
     */
    public TestCertificates tls() {
        if (this.tls == null) {
            throw new IllegalStateException(this + " serves plain http: start it with TLS to have certificates");
        }
        return this.tls;
    }

    /**
     * The leader, as the running members report it on {@code /v2/members/leader}.
     *
     * @return the leader
     */
    public EtcdProcess leader() {
        String report = leaderReport();
        return this.members.stream()
            .filter((m) -> report.contains("\"name\":\"" + m.name() + "\""))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no member of " + this + " is the leader " + report));
    }

    /**
     * The running members that are not the leader, as the leader reports it on {@code /v2/members/leader}.
     *
     * @return the followers
     */
    public List<EtcdProcess> followers() {
        String report = leaderReport();
        return this.members.stream()
            .filter((m) -> m.isRunning() && !report.contains("\"name\":\"" + m.name() + "\""))
            .toList();
    }

    /** The first running member's answer to {@code /v2/members/leader}. */
    private String leaderReport() {
        for (EtcdProcess member : this.members) {
            if (!member.isRunning()) {
                continue;
            }
            try {
                HttpResponse<String> leader = this.http.send(
                        HttpRequest.newBuilder(URI.create(member.clientUrl() + "/v2/members/leader")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (leader.statusCode() == 200) {
                    return leader.body();
                }
            }
            catch (IOException ex) {
                // ask the next member
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
        throw new IllegalStateException("no member of " + this + " names a leader");
    }

    /**
     * The client URL of every member, in member order.
     *
     * @return the endpoints
     */
    public List<String> endpoints() {
        return this.members.stream().map(EtcdProcess::clientUrl).toList();
    }

    /**
     * The client URL of the first member.
     *
     * @return an endpoint
     */
    public String endpoint() {
        return this.members.get(0).clientUrl();
    }

    /**
     * Starts a stopped member again and waits until it is healthy.
     *
     * @param index the member
     */
    public void restart(int index) {
        EtcdProcess member = this.members.get(index);
        member.start();
        member.awaitHealthy(STARTUP_TIMEOUT);
    }

    @Override
    public void close() {
        this.members.forEach(EtcdProcess::kill);
        try (Stream<Path> paths = Files.walk(this.baseDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        }
        catch (IOException ex) {
            // a leftover temporary directory is not worth failing a test for
        }
    }

    /**
     * A port that was free a moment ago on 127.0.0.1, and that this method has not handed out before in this JVM.
     *
     * <p>The kernel picks each port at random among the free ones, and a port is free again as soon as the probe
     * socket closes: two calls in a row return the same port about once in 14,000, so a three-member cluster's six
     * ports held a duplicate about once in 400 starts, and etcd then exited with "address already in use". Each port
     * is therefore handed out once: the ports of one cluster differ, and a port handed out as "nowhere" or kept by
     * a stopped member is not given to another cluster.
     *
     * @return a port number
     */
    public static int freePort() {
        while (true) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                port = socket.getLocalPort();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (handedOut.add(port)) {
                return port;
            }
        }
    }

    @Override
    public String toString() {
        return "EtcdCluster" + this.members;
    }
}
