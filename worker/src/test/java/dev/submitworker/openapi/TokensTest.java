package dev.submitworker.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    @TempDir
    Path directory;

    @Test
    void theTokensOfTheListAndOfTheFileAreAcceptedAndNothingElse() throws IOException {
        Path file = Files.writeString(directory.resolve("tokens"), """
                # the scheduler's
                  from-the-file\s

                # retired: old-token
                second-from-file
                """);
        Tokens tokens = Tokens.of(List.of("from-the-list", " "), file);

        assertThat(tokens.isEmpty()).isFalse();
        assertThat(List.of("from-the-list", "from-the-file", "second-from-file")).allMatch(tokens::accepts);
        assertThat(List.of("", " ", "# the scheduler's", "# retired: old-token", "old-token", "from-the-fil",
                "from-the-file ", "FROM-THE-LIST")).noneMatch(tokens::accepts);
        assertThat(tokens.accepts(null)).isFalse();
    }

    @Test
    void aFileOfCommentsAndBlankLinesIsNoToken() throws IOException {
        Path file = Files.writeString(directory.resolve("tokens"), "# none yet\n\n   \n");

        assertThat(Tokens.of(List.of(), file).isEmpty()).isTrue();
        assertThat(Tokens.of(List.of(), null).isEmpty()).isTrue();
    }

    @Test
    void aFileThatCannotBeReadIsNamedInTheFailure() {
        Path missing = directory.resolve("no-such-file");

        assertThatThrownBy(() -> Tokens.of(List.of("t"), missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("The OpenAPI tokens file " + missing + " cannot be read");
    }
}
