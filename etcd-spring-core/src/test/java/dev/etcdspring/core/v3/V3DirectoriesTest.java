package dev.etcdspring.core.v3;

import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdKeyspaceConflictException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNodeExistsException;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.EtcdJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * v2's directories built from v3 keys (and the keys they refuse rather than skip), and the v2 errors a failed
 * transaction's reads mean, without a server.
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
            kv("/d/_hidden", "h", 4, 4), kv("/d/é", "3", 6, 6), kv("/d/z", "4", 7, 7));

    private static EtcdNode directory(String dir, List<JsonNode> kvs, ReadOptions options, boolean hidden) {
        return V3Directories.directory(dir, kvs, options, hidden, 12, (shown) -> Map.of());
    }

    private static EtcdKeyspaceConflictException conflict(String dir, JsonNode... kvs) {
        return catchThrowableOfType(EtcdKeyspaceConflictException.class,
                () -> directory(dir, List.of(kvs), ReadOptions.defaults(), false));
    }

    @Test
    void segmentsBecomeNestedDirectoriesWithTheirRevisions() {
        EtcdNode dir = directory("/d", KEYS, ReadOptions.defaults().recursive(true), false);
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
        EtcdNode dir = directory("/d", KEYS, ReadOptions.defaults().sorted(true), false);
        assertThat(dir.nodes()).extracting(EtcdNode::key).containsExactly("/d/a", "/d/b", "/d/z", "/d/é");
        assertThat(dir.nodes().get(0).nodes()).isEmpty();
    }

    @Test
    void hiddenNamesOnlyWhenAskedFor() {
        assertThat(directory("/d", KEYS, ReadOptions.defaults(), true).nodes()).extracting(EtcdNode::key)
            .contains("/d/_hidden");
        assertThat(directory("/d", KEYS, ReadOptions.defaults(), false).nodes()).extracting(EtcdNode::key)
            .doesNotContain("/d/_hidden");
    }

    @Test
    void aKeyWithAValueAndKeysBelowFailsTheListingWhicheverComesFirst() {
        EtcdKeyspaceConflictException valueFirst = conflict("/cfg", kv("/cfg/server", "x", 2, 2),
                kv("/cfg/server/port", "8080", 3, 3));
        assertThat(valueFirst.getErrorCode()).isEqualTo(EtcdException.KEYSPACE_CONFLICT);
        assertThat(valueFirst.getConflictingKey()).isEqualTo("/cfg/server");
        assertThat(valueFirst.getKey()).isEqualTo("/cfg");
        assertThat(valueFirst.getIndex()).isEqualTo(12);
        assertThat(valueFirst.getMessage()).startsWith("etcd key '/cfg/server' holds a value and has keys below it "
                + "('/cfg/server/port'); the directory API cannot show both: read it with opsForKeyValue()")
            .contains("[etcd error 900, HTTP 200, key /cfg, index 12]")
            .doesNotContain("): /cfg/server");
        EtcdKeyspaceConflictException keysFirst = conflict("/cfg", kv("/cfg/server/a/b", "1", 3, 3),
                kv("/cfg/server", "x", 2, 2));
        assertThat(keysFirst.getConflictingKey()).isEqualTo("/cfg/server");
        assertThat(keysFirst.getMessage()).contains("('/cfg/server/a/b')");
    }

    @Test
    void aConflictDeeperThanAListingShowsStillFailsIt() {
        assertThat(catchThrowableOfType(EtcdKeyspaceConflictException.class,
                () -> directory("/", List.of(kv("/a/b/c", "1", 2, 2), kv("/a/b/c/d", "2", 3, 3)),
                        ReadOptions.defaults(), false)).getConflictingKey())
            .isEqualTo("/a/b/c");
    }

    @Test
    void anEmptySegmentFailsTheListing() {
        for (String key : List.of("/d//b", "/d/b/", "/d/", "/d/a//")) {
            EtcdKeyspaceConflictException empty = conflict("/d", kv("/d/a/x", "1", 2, 2), kv(key, "e", 5, 5));
            assertThat(empty.getConflictingKey()).isEqualTo(key);
            assertThat(empty.getMessage()).startsWith("etcd key '" + key + "' has an empty segment, which the "
                    + "directory API cannot show");
        }
        assertThat(conflict("/", kv("//x", "1", 2, 2)).getConflictingKey()).isEqualTo("//x");
    }

    @Test
    void hiddenKeysStayHiddenWhateverTheyHold() {
        List<JsonNode> kvs = List.of(kv("/d/a", "1", 2, 2), kv("/d/a/_h", "2", 3, 3), kv("/d/_h/x", "3", 4, 4),
                kv("/d/_h//y", "4", 5, 5));
        assertThat(directory("/d", kvs, ReadOptions.defaults(), false).nodes()).extracting(EtcdNode::key)
            .containsExactly("/d/a");
        assertThatThrownBy(() -> V3Directories.check("/d", kvs, true, 12))
            .isInstanceOf(EtcdKeyspaceConflictException.class);
    }

    @Test
    void aValueStandsAloneOnlyWithNothingShownBelowIt() {
        V3Directories.checkLeaf("/cfg/server", List.of(kv("/cfg/server/_h", "1", 2, 2)), 12);
        assertThat(catchThrowableOfType(EtcdKeyspaceConflictException.class,
                () -> V3Directories.checkLeaf("/cfg/server", List.of(kv("/cfg/server/_h", "1", 2, 2),
                        kv("/cfg/server/port", "8080", 3, 3)), 12)).getConflictingKey())
            .isEqualTo("/cfg/server");
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
