package dev.etcdspring.config;

import java.util.Objects;

import org.springframework.boot.context.config.ConfigDataResource;

/**
 * One etcd path to load configuration from, resolved from an {@code etcd:} location.
 */
public final class EtcdConfigDataResource extends ConfigDataResource {

    private final String path;

    private final EtcdConfigFormat format;

    private final boolean mayBeAbsent;

    private final boolean optional;

    /**
     * Creates a resource.
     *
     * @param path the etcd path, with a leading and a trailing {@code /}
     * @param format how the path holds configuration
     * @param optional whether the location was {@code optional:}
     * @param mayBeAbsent whether the path is a profile's ({@code /config/myapp,dev/}) or a default context, whose
     *        absence is normal
     */
    EtcdConfigDataResource(String path, EtcdConfigFormat format, boolean optional, boolean mayBeAbsent) {
        super(optional);
        this.optional = optional;
        this.path = path;
        this.format = format;
        this.mayBeAbsent = mayBeAbsent;
    }

    /**
     * The etcd path.
     *
     * @return the path, such as {@code /config/myapp/}
     */
    public String getPath() {
        return this.path;
    }

    /**
     * How the path holds configuration.
     *
     * @return the format
     */
    public EtcdConfigFormat getFormat() {
        return this.format;
    }

    /**
     * Whether the start goes on without this path when it cannot be loaded: its location was {@code optional:},
     * or it is a profile's.
     *
     * @return whether the path is optional
     */
    public boolean isOptionalPath() {
        return this.optional;
    }

    /**
     * Whether the path's absence is normal: a profile's path, or one of the default contexts of a bare
     * {@code etcd:}. It then loads as an empty source.
     *
     * @return whether the path may be absent
     */
    public boolean isMayBeAbsent() {
        return this.mayBeAbsent;
    }

    /**
     * The name of the property source of this path: stable, so that a refresh replaces it rather than adding one.
     *
     * @return {@code etcd:} and the path
     */
    public String getPropertySourceName() {
        return EtcdConfigDataLocationResolver.PREFIX + this.path;
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof EtcdConfigDataResource that) && this.path.equals(that.path)
                && this.format == that.format;
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.path, this.format);
    }

    @Override
    public String toString() {
        return getPropertySourceName();
    }
}
