package dev.etcdspring.test;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real etcd cluster for a test class. Register it on a {@code static} field for one cluster per class,
 * or on an instance field for one per test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdClusterExtension etcd = EtcdClusterExtension.single();
 * }</pre>
 *
 * {@link #withTls()} and {@link #withClientCertAuth()} make the client URLs {@code https}, with certificates made for
 * the run in the cluster's temporary directory ({@link #tls()}).
 * <p>
 * It needs Debian's {@code etcd-server} (or {@code ETCD_BINARY}); without it the tests fail with a message that
 * says how to install it.
 */
public final class EtcdClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final int size;

    private final boolean v2;

    private final ClientTls clientTls;

    private final List<String> extraFlags;

    private EtcdCluster cluster;

    private boolean perTest;

    private EtcdClusterExtension(int size, boolean v2, ClientTls clientTls) {
        this(size, v2, clientTls, List.of());
    }

    private EtcdClusterExtension(int size, boolean v2, ClientTls clientTls, List<String> extraFlags) {
        this.extraFlags = List.copyOf(extraFlags);
        this.size = size;
        this.v2 = v2;
        this.clientTls = clientTls;
    }

    /**
     * One etcd member.
     *
     * @return the extension
     */
    public static EtcdClusterExtension single() {
        return new EtcdClusterExtension(1, true, ClientTls.NONE);
    }

    /**
     * A cluster of {@code size} members.
     *
     * @param size the number of members
     * @return the extension
     */
    public static EtcdClusterExtension ofSize(int size) {
        return new EtcdClusterExtension(size, true, ClientTls.NONE);
    }

    /**
     * The same cluster without the v2 API, as etcd 3.4 and 3.5 run by default.
     *
     * @return a new extension
     */
    public EtcdClusterExtension withoutV2() {
        return new EtcdClusterExtension(this.size, false, this.clientTls, this.extraFlags);
    }

    /**
     * The same cluster serving its client URLs over {@code https} ({@code --cert-file}, {@code --key-file}) with a
     * server certificate from the test CA; clients need not present a certificate. Peer URLs stay {@code http}.
     *
     * @return a new extension
     */
    public EtcdClusterExtension withTls() {
        ClientTls tls = (this.clientTls == ClientTls.CLIENT_CERT_AUTH) ? ClientTls.CLIENT_CERT_AUTH : ClientTls.TLS;
        return new EtcdClusterExtension(this.size, this.v2, tls, this.extraFlags);
    }

    /**
     * The same cluster serving {@code https} as {@link #withTls()} does, and refusing clients that do not present
     * a certificate signed by the test CA ({@code --client-cert-auth}, {@code --trusted-ca-file}).
     *
     * @return a new extension
     */
    public EtcdClusterExtension withClientCertAuth() {
        return new EtcdClusterExtension(this.size, this.v2, ClientTls.CLIENT_CERT_AUTH, this.extraFlags);
    }

    /**
     * The same, every member started with more of etcd's flags.
     *
     * @param flags the flags, such as {@code --auth-token-ttl=1}
     * @return a new extension
     */
    public EtcdClusterExtension withFlags(String... flags) {
        List<String> all = new java.util.ArrayList<>(this.extraFlags);
        all.addAll(List.of(flags));
        return new EtcdClusterExtension(this.size, this.v2, this.clientTls, all);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        this.cluster = EtcdCluster.start(this.size, this.v2, this.clientTls, this.extraFlags);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (this.cluster == null) {
            this.perTest = true;
            this.cluster = EtcdCluster.start(this.size, this.v2, this.clientTls, this.extraFlags);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (this.perTest) {
            close();
        }
    }

    private void close() {
        if (this.cluster != null) {
            this.cluster.close();
            this.cluster = null;
        }
    }

    /**
     * The running cluster.
     *
     * @return the cluster
     */
    public EtcdCluster cluster() {
        if (this.cluster == null) {
            throw new IllegalStateException("the etcd cluster is not running outside a test");
        }
        return this.cluster;
    }

    /**
     * The client URL of the first member.
     *
     * @return an endpoint
     */
    public String endpoint() {
        return cluster().endpoint();
    }

    /**
     * The client URLs of every member.
     *
     * @return the endpoints
     */
    public List<String> endpoints() {
        return cluster().endpoints();
    }

    /**
     * The certificates of a cluster started {@link #withTls()} or {@link #withClientCertAuth()}.
     *
     * @return the certificates
     * @throws IllegalStateException outside a test, or if the cluster serves plain {@code http}
     */
    public TestCertificates tls() {
        return cluster().tls();
    }
}
