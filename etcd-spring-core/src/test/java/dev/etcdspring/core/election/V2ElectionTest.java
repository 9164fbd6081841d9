package dev.etcdspring.core.election;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.ReadOptions;

/**
 * The election contract on v2: candidates are in-order keys with a time to live below the election's directory.
 */
class V2ElectionTest extends ElectionContractTest {

    @Override
    EtcdApi api() {
        return EtcdApi.V2;
    }

    @Override
    int candidates(String election) {
        try {
            return this.etcdTemplate.getResponse(election, ReadOptions.defaults().quorum(true)).node().nodes().size();
        }
        catch (EtcdKeyNotFoundException ex) {
            return 0;
        }
    }

    @Override
    void deleteBehindItsBack(String key) {
        this.etcdTemplate.delete(key);
    }
}
