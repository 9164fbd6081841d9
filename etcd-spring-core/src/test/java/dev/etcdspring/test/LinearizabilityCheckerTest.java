package dev.etcdspring.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.etcdspring.test.LinearizabilityChecker.Kind;
import dev.etcdspring.test.LinearizabilityChecker.Op;
import dev.etcdspring.test.LinearizabilityChecker.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker against histories whose verdict is known: it must reject what is not linearizable (or the test of the
 * client proves nothing) and accept every order real concurrency allows.
 */
class LinearizabilityCheckerTest {

    private static final long UNKNOWN = Long.MAX_VALUE;

    private static Op read(int process, String value, long invoked, long completed) {
        return new Op(process, Kind.READ, null, value, true, invoked, completed);
    }

    private static Op write(int process, String value, long invoked, long completed) {
        return new Op(process, Kind.WRITE, null, value, true, invoked, completed);
    }

    private static Op cas(int process, String expected, String value, boolean succeeded, long invoked,
            long completed) {
        return new Op(process, Kind.CAS, expected, value, succeeded, invoked, completed);
    }

    @Test
    void aSequentialHistoryIsLinearizable() {
        Result result = LinearizabilityChecker.check("0", List.of(write(1, "1", 0, 1), read(2, "1", 2, 3),
                cas(1, "1", "2", true, 4, 5), cas(2, "1", "3", false, 6, 7), read(1, "2", 8, 9)));
        assertThat(result.linearizable()).isTrue();
    }

    @Test
    void aStaleReadAfterACompletedWriteIsRejected() {
        Result result = LinearizabilityChecker.check("0", List.of(write(1, "1", 0, 10), read(2, "0", 11, 12)));
        assertThat(result.linearizable()).isFalse();
        assertThat(result.stuckAt()).extracting(Op::toString).containsExactly("p1 write 1");
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
        assertThat(LinearizabilityChecker.check("0", List.of(write(1, "1", 0, 10), read(2, "0", 5, 15)))
            .linearizable()).isTrue();
        assertThat(LinearizabilityChecker.check("0", List.of(write(1, "1", 0, 10), read(2, "1", 5, 15)))
            .linearizable()).isTrue();
    }

    @Test
    void readsThatSeeTheNewValueThenTheOldOneAreRejected() {
        // The write spans both reads; the first read sees it, a later read does not: no single point fits.
        Result result = LinearizabilityChecker.check("0",
                List.of(write(1, "1", 0, 100), read(2, "1", 10, 20), read(3, "0", 30, 40)));
        assertThat(result.linearizable()).isFalse();
    }

    @Test
    void aCompareAndSetThatSucceededAgainstTheWrongValueIsRejected() {
        Result result = LinearizabilityChecker.check("0",
                List.of(write(1, "1", 0, 1), cas(2, "0", "5", true, 2, 3)));
        assertThat(result.linearizable()).isFalse();
    }

    @Test
    void aFailedCompareAndSetMustHaveSeenAnotherValue() {
        assertThat(LinearizabilityChecker.check("0", List.of(cas(1, "0", "5", false, 0, 1))).linearizable())
            .isFalse();
        assertThat(LinearizabilityChecker.check("0", List.of(cas(1, "9", "5", false, 0, 1), read(2, "0", 2, 3)))
            .linearizable()).isTrue();
    }

    @Test
    void aWriteOfUnknownOutcomeMayTakeEffectLateOrNever() {
        // Seen long after it was sent: fine.
        assertThat(LinearizabilityChecker.check("0",
                List.of(write(1, "1", 0, UNKNOWN), read(2, "0", 10, 20), read(2, "1", 1000, 1010)))
            .linearizable()).isTrue();
        // Never seen: fine too.
        assertThat(LinearizabilityChecker.check("0", List.of(write(1, "1", 0, UNKNOWN), read(2, "0", 10, 20)))
            .linearizable()).isTrue();
        // But not before it was sent.
        assertThat(LinearizabilityChecker.check("0", List.of(read(2, "1", 0, 5), write(1, "1", 10, UNKNOWN)))
            .linearizable()).isFalse();
    }

    @Test
    void aValueNobodyWroteCannotBeRead() {
        assertThat(LinearizabilityChecker.check("0", List.of(write(1, "1", 0, 10), read(2, "7", 5, 15)))
            .linearizable()).isFalse();
    }

    @Test
    void aLongConcurrentHistoryOfAnAtomicRegisterIsAccepted() {
        // Five processes on a register that applies each operation at one random instant inside its interval.
        Random random = new Random(42);
        List<Op> history = new ArrayList<>();
        String value = "0";
        long[] busyUntil = new long[5];
        List<long[]> pending = new ArrayList<>();
        for (long now = 0; history.size() < 2000; now++) {
            for (int p = 0; p < 5; p++) {
                if (busyUntil[p] <= now && random.nextInt(3) == 0) {
                    long completed = now + 1 + random.nextInt(20);
                    busyUntil[p] = completed + 1;
                    pending.add(new long[] { p, now, completed, random.nextInt(3), random.nextInt(4),
                            now + random.nextInt((int) (completed - now) + 1) });
                    history.add(null);
                }
            }
            // Apply, in order of their instants, the operations whose instant is now.
            for (long[] op : new ArrayList<>(pending)) {
                if (op[5] == now) {
                    int index = history.indexOf(null);
                    String written = Long.toString(op[4]);
                    Op done = switch ((int) op[3]) {
                        case 0 -> read((int) op[0], value, op[1], op[2]);
                        case 1 -> write((int) op[0], written, op[1], op[2]);
                        default -> cas((int) op[0], Long.toString(op[4] % 2), written,
                                value.equals(Long.toString(op[4] % 2)), op[1], op[2]);
                    };
                    if (done.kind() == Kind.WRITE || (done.kind() == Kind.CAS && done.succeeded())) {
                        value = written;
                    }
                    history.set(index, done);
                    pending.remove(op);
                }
            }
        }
        history.removeIf(java.util.Objects::isNull);
        Result result = LinearizabilityChecker.check("0", history);
        assertThat(result.linearizable()).isTrue();
        assertThat(history).hasSizeGreaterThan(1900);
    }
}
