package dev.etcdspring.autoconfigure.boot;

import dev.etcdspring.core.EtcdApi;

import org.springframework.test.context.TestPropertySource;

/**
 * The application on etcd's v2 API.
 */
@TestPropertySource(properties = "etcd.api=v2")
class EtcdApplicationV2Test extends AbstractEtcdApplicationTest {

    @Override
    EtcdApi api() {
        return EtcdApi.V2;
    }
}
