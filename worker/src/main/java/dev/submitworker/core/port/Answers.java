package dev.submitworker.core.port;

import dev.submitworker.core.Answer;
import dev.submitworker.core.ReplyAddress;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.StoredAnswer;

/** Where answers go, keyed by requestId. Writes are part of the current unit of work. */
public interface Answers {

    /** Publishes an answer and returns it as published, to be kept for the duplicates. */
    StoredAnswer publish(Answer answer);

    /** Publishes a request's first answer again, flagged as a duplicate's. */
    void repeat(RequestId requestId, StoredAnswer first);

    /** Sends an answer to where a command's sender asked for it too; a duplicate's answer is flagged as one. */
    void reply(ReplyAddress to, RequestId requestId, StoredAnswer answer, boolean duplicate);
}
