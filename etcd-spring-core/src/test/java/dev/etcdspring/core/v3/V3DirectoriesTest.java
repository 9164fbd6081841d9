package dev.etcdspring.core.v3;

import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNodeExistsException;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.EtcdJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * v2's directories built from v3 keys, and the v2 errors a failed transaction's reads mean, without a server.
 */
class V3DirectoriesTest {

    private static JsonNode kv(String key, String value, long created, long modified) {
        return EtcdJson.MAPPER.createObjectNode()
            .put("key", V3Keys.base64(key))
            .put("value", V3Keys.base64(value))
            .put("create_revision", Long.toString(created))
            .put("mod_revision", Long.toString(modified));
    }

    private static final List<JsonNode> KEYS = List.of(kv("/d/b", "2", 3, 3), kv("/d/a/x", "1", 2, 9),
            kv("/d/_hidden", "h", 4, 4), kv("/d//empty", "e", 5, 5), kv("/d/é", "3", 6, 6), kv("/d/z", "4", 7, 7));

    @Test
    void segmentsBecomeNestedDirectoriesWithTheirRevisions() {
        EtcdNode dir = V3Directories.directory("/d", KEYS, ReadOptions.defaults().recursive(true), false, Map.of());
        assertThat(dir.key()).isEqualTo("/d");
        assertThat(dir.dir()).isTrue();
        assertThat(dir.nodes()).extracting(EtcdNode::key).containsExactly("/d/b", "/d/a", "/d/é", "/d/z");
        EtcdNode a = dir.nodes().get(1);
        assertThat(a.dir()).isTrue();
        assertThat(a.createdIndex()).isEqualTo(2);
        assertThat(a.modifiedIndex()).isEqualTo(9);
        assertThat(a.nodes()).extracting(EtcdNode::value).containsExactly("1");
        assertThat(dir.createdIndex()).isEqualTo(2);
        assertThat(dir.modifiedIndex()).isEqualTo(9);
    }

    @Test
    void sortedByCodePointsAndOneLevelUnlessRecursive() {
        EtcdNode dir = V3Directories.directory("/d", KEYS, ReadOptions.defaults().sorted(true), false, Map.of());
        assertThat(dir.nodes()).extracting(EtcdNode::key).containsExactly("/d/a", "/d/b", "/d/z", "/d/é");
        assertThat(dir.nodes().get(0).nodes()).isEmpty();
    }

    @Test
    void hiddenNamesOnlyWhenAskedFor() {
        EtcdNode dir = V3Directories.directory("/d", KEYS, ReadOptions.defaults(), true, Map.of());
        assertThat(dir.nodes()).extracting(EtcdNode::key).contains("/d/_hidden").doesNotContain("/d//empty");
    }

    @Test
    void aKeyOnThePathIsNotADirectory() {
        JsonNode responses = EtcdJson.MAPPER.readTree("[{}, {}, {\"response_range\":{}},"
                + " {\"response_range\":{\"count\":\"1\"}}]");
        EtcdException blocked = V3Directories.blockedPath("/a/b/c", List.of("/a", "/a/b"), responses, 2, 8);
        assertThat(blocked.getErrorCode()).isEqualTo(EtcdException.NOT_DIRECTORY);
        assertThat(blocked.getEtcdCause()).isEqualTo("/a/b");
        assertThat(blocked.getKey()).isEqualTo("/a/b/c");
        assertThat(V3Directories.blockedPath("/a/b/c", List.of("/a"), responses, 2, 8)).isNull();
    }

    @Test
    void failedPreconditionsInV2Codes() {
        assertThat(V3Directories.preconditionFailed("/k", WriteOptions.defaults().prevValue("x"), List.of(), 4))
            .isInstanceOf(EtcdKeyNotFoundException.class);
        assertThat(V3Directories.preconditionFailed("/k", WriteOptions.defaults().prevExist(false),
                List.of(kv("/k", "v", 2, 3)), 4))
            .isInstanceOf(EtcdNodeExistsException.class);
        EtcdException failed = V3Directories.preconditionFailed("/k",
                WriteOptions.defaults().prevValue("x").prevIndex(2L), List.of(kv("/k", "v", 2, 3)), 4);
        assertThat(failed).isInstanceOf(EtcdCompareFailedException.class);
        assertThat(failed.getEtcdCause()).isEqualTo("[x != v] [2 != 3]");
        assertThat(((EtcdCompareFailedException) failed).getCurrentNode().value()).isEqualTo("v");
    }
}
