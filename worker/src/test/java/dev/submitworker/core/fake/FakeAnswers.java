package dev.submitworker.core.fake;

import dev.submitworker.core.Answer;
import dev.submitworker.core.Outcome;
import dev.submitworker.core.ReplyAddress;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.port.Answers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Answers in memory, in the order they were committed. A published answer is kept whole; a repeated one is the stored
 * first answer, so a test sees exactly what a duplicate would get.
 */
public final class FakeAnswers implements Answers {

    /** One answer as a subscriber sees it. */
    public record Published(String requestId, Answer answer, StoredAnswer content, boolean duplicate) {

        public Outcome outcome() {
            return answer.outcome();
        }
    }

    private final FakeUnitOfWork unitOfWork;
    private final List<Published> committed = new ArrayList<>();
    private final List<Reply> replies = new ArrayList<>();
    private final List<Answer> stored = new ArrayList<>();
    private Predicate<String> failing = requestId -> false;

    public FakeAnswers(FakeUnitOfWork unitOfWork) {
        this.unitOfWork = unitOfWork;
    }

    /** Publishing an answer for a matching requestId throws, as a bug or a refused write half-way would. */
    public void failFor(Predicate<String> requestIds) {
        this.failing = requestIds;
    }

    @Override
    public StoredAnswer publish(Answer answer) {
        if (failing.test(answer.requestId().value())) {
            throw new IllegalStateException("injected failure publishing the answer of " + answer.requestId());
        }
        StoredAnswer content = new StoredAnswer(Integer.toString(stored.size()).getBytes(StandardCharsets.UTF_8));
        stored.add(answer);
        Published published = new Published(answer.requestId().value(), answer, content, false);
        unitOfWork.write(() -> committed.add(published));
        return content;
    }

    @Override
    public void repeat(RequestId requestId, StoredAnswer first) {
        Answer answer = stored.get(Integer.parseInt(new String(first.content(), StandardCharsets.UTF_8)));
        if (failing.test(answer.requestId().value())) {
            throw new IllegalStateException("injected failure publishing the answer of " + answer.requestId());
        }
        Published published = new Published(answer.requestId().value(), answer, first, true);
        unitOfWork.write(() -> committed.add(published));
    }

    /** One reply as its sender sees it: where, and the answer. */
    public record Reply(String destination, String requestId, Answer answer, boolean duplicate) {}

    @Override
    public void reply(ReplyAddress to, RequestId requestId, StoredAnswer answer, boolean duplicate) {
        Reply reply = new Reply(to.destination(), requestId.value(),
                stored.get(Integer.parseInt(new String(answer.content(), StandardCharsets.UTF_8))), duplicate);
        unitOfWork.write(() -> replies.add(reply));
    }

    /** Every committed reply, in order. */
    public List<Reply> replies() {
        return List.copyOf(replies);
    }

    /** Every committed answer of a request, in order. */
    public List<Published> of(String requestId) {
        return committed.stream().filter(answer -> answer.requestId().equals(requestId)).toList();
    }

    public List<Published> all() {
        return List.copyOf(committed);
    }
}
