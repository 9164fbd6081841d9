package dev.etcdspring.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy itself: in front of a target that is down, a client's connection is hung up on at once (the client reads
 * the end of the stream), not left open with nothing behind it.
 */
class TcpProxyTest {

    @Test
    void aConnectionToATargetThatIsDownIsHungUpOnAtOnce() throws IOException {
        // A port handed out once and listened on by nobody: connecting to it is refused.
        try (TcpProxy proxy = TcpProxy.to("http://127.0.0.1:" + EtcdCluster.freePort());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(
                        proxy.url().substring(proxy.url().lastIndexOf(':') + 1)))) {
            // Generous: a proxy that keeps the connection open makes the read time out instead.
            client.setSoTimeout(10_000);
            client.getOutputStream()
                .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            int read;
            try {
                read = in.read();
            }
            catch (java.net.SocketException ex) {
                // a reset is a hang-up too
                read = -1;
            }
            assertThat(read).as("the end of the stream, not an answer nor a timeout").isEqualTo(-1);
            assertThat(proxy.connections()).isEqualTo(1);
        }
    }
}
