package dev.etcdspring.core.v2;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How keys become v2 paths: each segment percent-encoded as UTF-8, nothing left for the server to reinterpret.
 */
class V2ProtocolPathTest {

    @Test
    void segmentsAreEncodedAndSlashesKept() {
        assertThat(V2Protocol.keyPath("/")).isEqualTo("/v2/keys/");
        assertThat(V2Protocol.keyPath("/a/b")).isEqualTo("/v2/keys/a/b");
        assertThat(V2Protocol.keyPath("/a b/100%/x?y#z")).isEqualTo("/v2/keys/a%20b/100%25/x%3Fy%23z");
        assertThat(V2Protocol.keyPath("/a+b&c=d")).isEqualTo("/v2/keys/a%2Bb%26c%3Dd");
        assertThat(V2Protocol.keyPath("/物")).isEqualTo("/v2/keys/%E7%89%A9");
        assertThat(V2Protocol.keyPath("/-._~")).isEqualTo("/v2/keys/-._~");
    }
}
