package dev.etcdspring.core.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The headers of one answer as parsed, in arrival order, looked up by a case-insensitive scan: an answer from etcd
 * has about seven, so a scan costs less than hashing a lower-cased copy of every name, which is what
 * {@link org.springframework.http.HttpHeaders}' own map does. Read through an {@code HttpHeaders} view; not for
 * writing.
 */
final class AnswerHeaders extends AbstractMap<String, List<String>> {

    private final List<String> names = new ArrayList<>(12);

    private final List<List<String>> values = new ArrayList<>(12);

    /** Adds a value, to the values of an earlier header of the same name if there is one. */
    void add(String name, String value) {
        int index = indexOf(name);
        if (index >= 0) {
            List<String> existing = this.values.get(index);
            List<String> more = new ArrayList<>(existing.size() + 1);
            more.addAll(existing);
            more.add(value);
            this.values.set(index, List.copyOf(more));
        }
        else {
            this.names.add(name);
            this.values.add(List.of(value));
        }
    }

    @Override
    public List<String> get(Object name) {
        int index = (name instanceof String text) ? indexOf(text) : -1;
        return (index >= 0) ? this.values.get(index) : null;
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String text && indexOf(text) >= 0;
    }

    @Override
    public int size() {
        return this.names.size();
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, List<String>>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return this.next < AnswerHeaders.this.names.size();
                    }

                    @Override
                    public Map.Entry<String, List<String>> next() {
                        if (!hasNext()) {
                            throw new java.util.NoSuchElementException();
                        }
                        int index = this.next++;
                        return Map.entry(AnswerHeaders.this.names.get(index), AnswerHeaders.this.values.get(index));
                    }
                };
            }

            @Override
            public int size() {
                return AnswerHeaders.this.names.size();
            }
        };
    }

    private int indexOf(String name) {
        for (int i = 0; i < this.names.size(); i++) {
            if (this.names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
