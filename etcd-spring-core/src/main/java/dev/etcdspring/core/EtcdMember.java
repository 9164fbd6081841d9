package dev.etcdspring.core;

import java.util.List;

/**
 * One member of an etcd cluster.
 *
 * @param id the member id in hexadecimal, as {@code etcdctl member list} shows it
 * @param name the member's name; empty for a member that was added but has not started
 * @param peerUrls the URLs the member talks to its peers on
 * @param clientUrls the URLs the member serves clients on
 */
public record EtcdMember(String id, String name, List<String> peerUrls, List<String> clientUrls) {

    /**
     * Creates a member; the URL lists are copied and may be {@code null} for none.
     */
    public EtcdMember {
        peerUrls = (peerUrls != null) ? List.copyOf(peerUrls) : List.of();
        clientUrls = (clientUrls != null) ? List.copyOf(clientUrls) : List.of();
    }
}
