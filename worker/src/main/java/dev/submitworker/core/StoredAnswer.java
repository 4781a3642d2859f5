package dev.submitworker.core;

import java.util.Arrays;

/**
 * A first answer as it was published, kept in the ledger so that every duplicate gets it again, byte for byte (but
 * for being flagged a duplicate). Its content is the wire format's; the core only keeps and passes it.
 */
public record StoredAnswer(byte[] content) {

    public StoredAnswer {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredAnswer that && Arrays.equals(content, that.content);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "StoredAnswer[" + content.length + " bytes]";
    }
}
