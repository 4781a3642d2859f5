package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void theTopMessageAndTheRootCauseAreKeptAndTheMiddleIsLeftOut() {
        Throwable failure = new IllegalArgumentException("Could not parse value 'two' for key 'parallelism.default'.",
                new IllegalStateException("middle layer", new NumberFormatException("For input string: \"two\"")));

        assertThat(Failures.explain(failure))
                .isEqualTo("Could not parse value 'two' for key 'parallelism.default': For input string: \"two\"");
    }

    @Test
    void aRootCauseTheTopAlreadyQuotesIsNotRepeated() {
        Throwable root = new IllegalStateException("no input topic given");
        Throwable failure = new RuntimeException("The main method caused an error: no input topic given",
                new RuntimeException(root));

        assertThat(Failures.explain(failure)).isEqualTo("The main method caused an error: no input topic given");
    }

    @Test
    void calcitesExpectedTokensAndFlinksClasspathAreCut() {
        Throwable parse = new RuntimeException("SQL parse failed. Encountered \"src\" at line 1, column 35.\n"
                + "Was expecting one of:\n" + "    \"FROM\" ...\n".repeat(500));
        Throwable program = new RuntimeException("The program caused an error: \n\nClasspath: [file:/tmp/a.jar]\n\n"
                + "System.out: (none)\n\nSystem.err: (none)", new IllegalStateException("static init says no"));

        assertThat(Failures.explain(parse)).isEqualTo("SQL parse failed. Encountered \"src\" at line 1, column 35.");
        assertThat(Failures.explain(program)).isEqualTo("The program caused an error: static init says no");
    }

    @Test
    void aRootCauseWithoutAMessageIsNamedByItsClassAndDescribeLeadsWithTheFailuresClass() {
        assertThat(Failures.explain(new StackOverflowError())).isEqualTo("java.lang.StackOverflowError");
        assertThat(Failures.explain(new RuntimeException("The program caused an error:", new StackOverflowError())))
                .isEqualTo("The program caused an error: java.lang.StackOverflowError");
        assertThat(Failures.describe(new StackOverflowError())).isEqualTo("java.lang.StackOverflowError");
        assertThat(Failures.describe(new ExceptionInInitializerError(new IllegalStateException("static init"))))
                .isEqualTo("java.lang.ExceptionInInitializerError: static init");
    }

    @Test
    void theTextIsBoundedAndACyclicChainEnds() {
        RuntimeException first = new RuntimeException("x".repeat(5000));
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(Failures.explain(first)).hasSize(2003).endsWith("...");
        assertThat(Failures.explain(second)).startsWith("second: xxx");
    }
}
