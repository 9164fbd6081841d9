package dev.etcdspring.autoconfigure;

/**
 * An {@code etcd.*} property holds a value the client cannot work with, such as an endpoint that is not a URL or
 * a timeout that is not positive. {@link InvalidEtcdPropertyFailureAnalyzer} turns it into a start-up message.
 */
public class InvalidEtcdPropertyException extends RuntimeException {

    private final String property;

    private final Object value;

    /**
     * Creates the exception.
     *
     * @param property the property's name, such as {@code etcd.endpoints}
     * @param value the value it holds
     * @param cause what the client said about it
     */
    public InvalidEtcdPropertyException(String property, Object value, IllegalArgumentException cause) {
        super("Invalid value '" + value + "' for property '" + property + "': " + cause.getMessage(), cause);
        this.property = property;
        this.value = value;
    }

    /**
     * The property's name.
     *
     * @return the name
     */
    public String getProperty() {
        return this.property;
    }

    /**
     * The value the property holds.
     *
     * @return the value
     */
    public Object getValue() {
        return this.value;
    }
}
