package dev.etcdspring.autoconfigure.boot;

import dev.etcdspring.core.EtcdApi;

/**
 * The application on etcd's v3 API, the default: no {@code etcd.api} property at all.
 */
class EtcdApplicationV3Test extends AbstractEtcdApplicationTest {

    @Override
    EtcdApi api() {
        return EtcdApi.V3;
    }
}
