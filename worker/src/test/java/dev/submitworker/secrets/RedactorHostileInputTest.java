package dev.submitworker.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Texts of about a megabyte built from near-misses of every recognised form. Each is redacted on a thread with the
 * JVM's default stack (where a recursion per character overflows), well within a generous bound: quadratic scanning or
 * backtracking would take minutes on these.
 */
class RedactorHostileInputTest {

    private static final int SIZE = 1 << 20;
    private final Redactor redactor = Redactor.withDefaults();

    static Stream<Arguments> nearMisses() {
        return Stream.of(
                unchanged("'a' = '"), unchanged("'"), unchanged("''x"), unchanged("\""), unchanged("\\"),
                unchanged("\\\"a\\\" "), unchanged("://"), unchanged("a://"), unchanged("a://b:"),
                unchanged("s3://k:/x/"), unchanged("password "), unchanged("password"),
                unchanged("?&"), unchanged("a="), unchanged("--a "), unchanged("Basic "), unchanged("x"),
                unchanged("jdbc:oracle:thin:u/"), unchanged("a.java:"),
                // these hold secrets: one value runs to the end, or every repetition is one masked pair
                Arguments.of("password=", false), Arguments.of("password: ", false), Arguments.of("'token'='", false),
                Arguments.of("Authorization: ", false), Arguments.of("Bearer ", false), Arguments.of("?token=", false),
                Arguments.of("\"secret\":\"", false), Arguments.of("a://b:c@", false),
                Arguments.of("h://u:p@@", false));
    }

    /**
     * Far above the linear time (a fraction of a second on a quiet machine, a few seconds on a loaded one), far below
     * what a regular expression that backtracks over a megabyte takes (hours): the test tells the two apart on any
     * machine. The speed itself is measured by the benchmarks.
     */
    private static final Duration BLOW_UP = Duration.ofSeconds(60);

    private static Arguments unchanged(String unit) {
        return Arguments.of(unit, true);
    }

    @ParameterizedTest
    @MethodSource("nearMisses")
    void aMegabyteOfNearMissesIsRedactedWithoutBacktrackingBlowUp(String unit, boolean unchanged) {
        String text = unit.repeat(SIZE / unit.length());
        String redacted = assertTimeoutPreemptively(BLOW_UP, () -> redactor.redactText(text));
        // not the texts themselves: a failure would print megabytes
        assertThat(redacted.equals(text)).as("unchanged").isEqualTo(unchanged);
        assertThat(redacted.contains(Redactor.MASK)).as("masked").isEqualTo(!unchanged);
    }

    /** A quoted option's value is redacted again with its doubled quotes undone: quotes nest the work. */
    static Stream<String> quotedNearMisses() {
        return nearMisses().map(arguments -> (String) arguments.get()[0]).filter(unit -> unit.contains("'"));
    }

    @ParameterizedTest
    @MethodSource("quotedNearMisses")
    void aMegabyteOfQuotedNearMissesInsideAnOptionValueIsRedactedWithoutBacktrackingBlowUp(String unit) {
        String value = unit.repeat(SIZE / unit.length()).replace("'", "''");
        String text = "SET 'pipeline.name' = '" + value + "'";
        String redacted = assertTimeoutPreemptively(BLOW_UP, () -> redactor.redactText(text));
        assertThat(redacted.startsWith("SET 'pipeline.name' = '")).isTrue();
    }
}
