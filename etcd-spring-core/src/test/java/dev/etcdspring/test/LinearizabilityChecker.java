package dev.etcdspring.test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a history of operations on one compare-and-set register for linearizability, the way Knossos and Porcupine
 * do (Wing and Gong's search with Lowe's memoization): it looks for an order of the operations that respects
 * real time (an operation that completed before another was invoked comes first) and in which every read sees the
 * value of the last write before it and every compare-and-set succeeds exactly when the register held its expected
 * value.
 *
 * <p>An operation whose outcome is unknown (a write that may or may not have been applied) may take effect at any
 * time after its invocation, or never: it is checked as completing at the end of time, where taking effect last
 * and never taking effect cannot be told apart. Failed operations (certainly not applied) and reads without an
 * answer are left out by whoever records the history.
 */
public final class LinearizabilityChecker {

    /** What an operation did. */
    public enum Kind {

        /** A read that returned {@link Op#value()}. */
        READ,

        /** A write of {@link Op#value()}. */
        WRITE,

        /** A compare-and-set from {@link Op#expected()} to {@link Op#value()}. */
        CAS
    }

    /**
     * One operation of the history.
     *
     * @param process the client that ran it, for messages
     * @param kind what it did
     * @param expected a compare-and-set's expected value
     * @param value the value read, written, or set
     * @param succeeded whether a compare-and-set succeeded (ignored otherwise)
     * @param invoked when it was invoked ({@link System#nanoTime()})
     * @param completed when its answer came; {@link Long#MAX_VALUE} when the outcome is unknown
     */
    public record Op(int process, Kind kind, String expected, String value, boolean succeeded, long invoked,
            long completed) {

        /**
         * Whether the outcome is unknown.
         *
         * @return whether it may or may not have taken effect
         */
        public boolean unknown() {
            return this.completed == Long.MAX_VALUE;
        }

        @Override
        public String toString() {
            String what = switch (this.kind) {
                case READ -> "read " + this.value;
                case WRITE -> "write " + this.value;
                case CAS -> "cas " + this.expected + "->" + this.value
                        + (unknown() ? "" : (this.succeeded ? " ok" : " failed"));
            };
            return "p" + this.process + " " + what + (unknown() ? " (unknown)" : "");
        }
    }

    /**
     * The verdict.
     *
     * @param linearizable whether an order was found
     * @param explored how many states the search visited
     * @param stuckAt when not linearizable, the operations linearized furthest before the search ran out of ways
     */
    public record Result(boolean linearizable, long explored, List<Op> stuckAt) {
    }

    private LinearizabilityChecker() {
    }

    /**
     * Checks a history.
     *
     * @param initial the register's value before the first operation
     * @param history the operations, in any order
     * @return the verdict
     */
    public static Result check(String initial, List<Op> history) {
        int n = history.size();
        // The entries: a call and a return per operation, by time; a return at the same instant as a call comes
        // after it, so that the two operations count as concurrent rather than ordered.
        List<long[]> events = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            events.add(new long[] { history.get(i).invoked(), 0, i });
            events.add(new long[] { history.get(i).completed(), 1, i });
        }
        events.sort(Comparator.<long[]>comparingLong((e) -> e[0]).thenComparingLong((e) -> e[1]));
        int size = events.size();
        // A doubly linked list over the entries, with a head sentinel at index size.
        int[] next = new int[size + 1];
        int[] prev = new int[size + 1];
        boolean[] isCall = new boolean[size];
        int[] opOf = new int[size];
        int[] match = new int[size];
        int[] callEntry = new int[n];
        int[] returnEntry = new int[n];
        for (int i = 0; i < size; i++) {
            isCall[i] = events.get(i)[1] == 0;
            opOf[i] = (int) events.get(i)[2];
            if (isCall[i]) {
                callEntry[opOf[i]] = i;
            }
            else {
                returnEntry[opOf[i]] = i;
            }
        }
        for (int i = 0; i < size; i++) {
            match[i] = isCall[i] ? returnEntry[opOf[i]] : callEntry[opOf[i]];
        }
        int head = size;
        next[head] = (size > 0) ? 0 : -1;
        for (int i = 0; i < size; i++) {
            prev[i] = (i == 0) ? head : i - 1;
            next[i] = (i + 1 < size) ? i + 1 : -1;
        }
        BitSet linearized = new BitSet(n);
        Set<Visited> cache = new HashSet<>();
        List<int[]> stack = new ArrayList<>();
        List<String> states = new ArrayList<>();
        String state = initial;
        int entry = next[head];
        long explored = 0;
        int deepest = 0;
        List<Op> stuckAt = List.of();
        while (next[head] != -1) {
            explored++;
            if (isCall[entry]) {
                Op op = history.get(opOf[entry]);
                String after = step(state, op);
                if (after != null) {
                    BitSet candidate = (BitSet) linearized.clone();
                    candidate.set(opOf[entry]);
                    if (cache.add(new Visited(candidate, after))) {
                        stack.add(new int[] { entry });
                        states.add(state);
                        state = after;
                        linearized.set(opOf[entry]);
                        lift(entry, match[entry], next, prev);
                        entry = next[head];
                        if (stack.size() > deepest) {
                            deepest = stack.size();
                            List<Op> path = new ArrayList<>(deepest);
                            for (int[] chosen : stack) {
                                path.add(history.get(opOf[chosen[0]]));
                            }
                            stuckAt = path;
                        }
                        continue;
                    }
                }
                entry = next[entry];
            }
            else {
                // An operation returned before any order placed it: undo the last choice.
                if (stack.isEmpty()) {
                    return new Result(false, explored, stuckAt);
                }
                int undone = stack.remove(stack.size() - 1)[0];
                state = states.remove(states.size() - 1);
                linearized.clear(opOf[undone]);
                unlift(undone, match[undone], next, prev);
                entry = next[undone];
            }
        }
        return new Result(true, explored, List.of());
    }

    /** The register after the operation, or {@code null} when the operation could not have happened in that state. */
    private static String step(String state, Op op) {
        return switch (op.kind()) {
            case READ -> Objects.equals(state, op.value()) ? state : null;
            case WRITE -> op.value();
            case CAS -> {
                boolean matches = Objects.equals(state, op.expected());
                if (op.unknown()) {
                    yield matches ? op.value() : state;
                }
                if (op.succeeded()) {
                    yield matches ? op.value() : null;
                }
                yield matches ? null : state;
            }
        };
    }

    private static void lift(int call, int ret, int[] next, int[] prev) {
        next[prev[call]] = next[call];
        if (next[call] != -1) {
            prev[next[call]] = prev[call];
        }
        next[prev[ret]] = next[ret];
        if (next[ret] != -1) {
            prev[next[ret]] = prev[ret];
        }
    }

    private static void unlift(int call, int ret, int[] next, int[] prev) {
        if (next[ret] != -1) {
            prev[next[ret]] = ret;
        }
        next[prev[ret]] = ret;
        if (next[call] != -1) {
            prev[next[call]] = call;
        }
        next[prev[call]] = call;
    }

    /** A set of linearized operations and the register's value after them: a state the search need not see twice. */
    private record Visited(BitSet linearized, String state) {
    }
}
