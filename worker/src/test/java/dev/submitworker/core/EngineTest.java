package dev.submitworker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.submitworker.core.fake.FakeAnswers;
import dev.submitworker.core.fake.FakeAnswers.Published;
import dev.submitworker.core.fake.FakeCluster;
import dev.submitworker.core.fake.FakeLedger;
import dev.submitworker.core.fake.World;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.RefusedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The decision table of exactly-once submission, row by row, on in-memory fakes of every port: no broker, no
 * cluster. The end-to-end tests prove the same on real Kafka and Flink.
 */
class EngineTest {

    /** The core runs on fakes in this thread: poll at once and often, not at Awaitility's default of 100 ms. */
    private static ConditionFactory fast() {
        return Awaitility.await().pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1));
    }


    private World world = new World();

    @AfterEach
    void stop() {
        world.close();
    }

    private List<Published> answers(String requestId) {
        return world.answers.of(requestId);
    }

    private Published only(String requestId) {
        assertThat(answers(requestId)).hasSize(1);
        return answers(requestId).get(0);
    }

    private static String jobId(String requestId) {
        return new RequestId(requestId).jobId();
    }

    private LedgerEntry entry(String requestId) {
        return world.ledger(0).committed(new RequestId(requestId)).orElseThrow();
    }

    /** Follows until the condition holds, moving the clock an interval on between observations. */
    private void followUntil(java.util.function.BooleanSupplier condition) {
        fast().atMost(Duration.ofSeconds(10)).until(() -> {
            world.clock.advance(World.STATUS_INTERVAL);
            world.engine.follow();
            return condition.getAsBoolean();
        });
    }

    @Nested
    class NewCommands {

        @Test
        void aNewCommandIsSubmittedWithTheRequestsJobIdAnsweredAndRecorded() {
            world.round(world.submit("r-1", 1));

            Published answer = only("r-1");
            assertThat(answer.outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(answer.outcome().message()).isEqualTo("Task 1 (task-1) submitted as job " + jobId("r-1"));
            assertThat(answer.duplicate()).isFalse();
            assertThat(world.session.jobs()).containsOnlyKeys(jobId("r-1"));
            assertThat(entry("r-1").state()).isEqualTo(LedgerEntry.State.DONE);
            assertThat(entry("r-1").answer()).isEqualTo(answer.content());
        }

        @Test
        void anUnknownTaskIsRefusedAndRecorded() {
            world.round(world.submit("r-1", 424242));

            assertThat(only("r-1").outcome()).isEqualTo(new Outcome.Refused(
                    "Task 424242 is not in the task catalog", "unknown task id 424242"));
            assertThat(entry("r-1").state()).isEqualTo(LedgerEntry.State.DONE);
        }

        @Test
        void aTaskWhoseFileDoesNotLoadIsRefusedSayingWhy() {
            world.catalog.broken(7, "task 7 exists (file 7.yaml) but cannot be used: a FlinkSql task needs a "
                    + "'statement'");
            world.round(world.submit("r-1", 7));

            assertThat(only("r-1").outcome().message()).contains("7.yaml").contains("needs a 'statement'")
                    .doesNotContain("not in the task catalog");
        }

        @Test
        void aRunModeTheWorkerCannotServeIsRefused() {
            world.catalog.add(new Task(5, "yarn", Dialect.FlinkSql, RunMode.YARN_PER_JOB, "session", null, 0,
                    SavePointStrategy.NONE, null, true, null, true, false, null, "INSERT INTO t SELECT 1", null));
            world.round(world.submit("r-1", 5));

            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.Refused.class);
            assertThat(only("r-1").outcome().message()).contains("yarn-per-job").contains("not supported");
            assertThat(world.compiler.compiles()).isZero();
        }

        @Test
        void aCommandThatDoesNotFitItsTaskIsABadCommand() {
            world.round(world.submit(0, new SubmitCommand(new RequestId("r-1"), 1, null, Map.of("bad", "x"))));

            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.BadCommand.class);
            assertThat(only("r-1").outcome().message()).isEqualTo("The command does not fit task 1 (task-1)");
            assertThat(only("r-1").outcome().detail()).contains("'bad'");
            assertThat(world.session.jobs()).isEmpty();
        }

        @Test
        void aTaskThatDoesNotCompileIsRefusedAndNothingIsSubmitted() {
            world.compiler.failing(1, () -> new RefusedException("Task 1 (task-1) could not be compiled into a Flink "
                    + "job", "Statement 3 (line 3 of the script) failed: Object 'nope' not found", null));
            world.round(world.submit("r-1", 1));

            assertThat(only("r-1").outcome()).isEqualTo(new Outcome.Refused("Task 1 (task-1) could not be compiled "
                    + "into a Flink job", "Statement 3 (line 3 of the script) failed: Object 'nope' not found"));
            assertThat(world.session.jobs()).isEmpty();
        }

        @Test
        void anErrorFromTheTasksOwnCodeFailsThatCommandOnly() {
            world.catalog.add(2, "session");
            world.compiler.failing(2, () -> new ExceptionInInitializerError("static init of com.acme.Udf failed"));
            world.round(world.submit("r-1", 2), world.submit("r-2", 1));

            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.Failed.class);
            assertThat(only("r-1").outcome().message()).isEqualTo("Task 2 (task-2) failed while its job was being "
                    + "built");
            assertThat(only("r-1").outcome().detail()).contains("ExceptionInInitializerError")
                    .contains("static init of com.acme.Udf failed");
            assertThat(only("r-2").outcome()).isInstanceOf(Outcome.Submitted.class);
        }

        @Test
        void aVirtualMachineErrorIsNotSwallowed() {
            world.compiler.failing(1, () -> new OutOfMemoryError("Java heap space"));

            assertThatThrownBy(() -> world.round(world.submit("r-1", 1))).isInstanceOf(OutOfMemoryError.class);
            assertThat(answers("r-1")).isEmpty();
        }

        @Test
        void aRefusalByTheClusterIsFinal() {
            world.session.refuse("org.apache.flink.runtime.client.JobSubmissionException: Could not instantiate "
                    + "JobManager: ClassNotFoundException: com.acme.Missing");
            world.round(world.submit("r-1", 1));

            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.Refused.class);
            assertThat(only("r-1").outcome().detail()).contains("ClassNotFoundException");
            assertThat(entry("r-1").state()).isEqualTo(LedgerEntry.State.DONE);
        }
    }

    @Nested
    class Duplicates {

        @Test
        void aDuplicateGetsTheFirstAnswerAgainAndTheClusterIsNotAsked() {
            world.round(world.submit("r-1", 1));
            int calls = world.session.calls();
            world.round(world.submit("r-1", 1));

            assertThat(answers("r-1")).hasSize(2);
            assertThat(answers("r-1").get(1).duplicate()).isTrue();
            assertThat(answers("r-1").get(1).content()).isEqualTo(answers("r-1").get(0).content());
            assertThat(world.session.calls()).isEqualTo(calls);
            assertThat(world.compiler.compiles()).isEqualTo(1);
        }

        @Test
        void aRequestIdTwiceInOneRoundIsSubmittedOnceAndAnsweredFirstThenAsADuplicate() {
            world.round(world.submit("r-1", 1), world.submit("r-1", 1), world.submit("r-1", 1));

            assertThat(answers("r-1")).extracting(Published::duplicate).containsExactly(false, true, true);
            assertThat(world.compiler.compiles()).isEqualTo(1);
            assertThat(world.session.jobs()).hasSize(1);
        }

        @Test
        void theSameRequestIdForAnotherCommandIsRefusedAndTheFirstStands() {
            world.catalog.add(2, "session");
            world.round(world.submit("r-1", 1));
            world.round(world.submit("r-1", 2));

            Published conflict = answers("r-1").get(1);
            assertThat(conflict.outcome()).isInstanceOf(Outcome.Conflict.class);
            assertThat(conflict.outcome().message()).startsWith("requestId 'r-1' was already used for a different "
                    + "command (task 1, job " + jobId("r-1") + "); that submission stands.");
            assertThat(entry("r-1").taskId()).isEqualTo(1);
            assertThat(world.session.jobs()).hasSize(1);
        }

        @Test
        void otherVariablesOrAnotherSavepointMakeAnotherCommand() {
            world.round(world.submit(0, new SubmitCommand(new RequestId("r-1"), 1, null, Map.of("day", "1"))));
            world.round(world.submit(0, new SubmitCommand(new RequestId("r-1"), 1, null, Map.of("day", "2"))),
                    world.submit(0, new SubmitCommand(new RequestId("r-1"), 1, "s3://sp/1", Map.of("day", "1"))),
                    world.submit(0, new SubmitCommand(new RequestId("r-1"), 1, "  ", Map.of("day", "1"))));

            assertThat(answers("r-1")).extracting(answer -> answer.outcome().getClass().getSimpleName())
                    .containsExactly("Submitted", "Conflict", "Conflict", "Submitted");
            assertThat(answers("r-1").get(3).duplicate()).isTrue();
        }

        @Test
        void variablesThatReadTheSameRunTogetherAreAnotherCommand() {
            world.round(world.submit(0, new SubmitCommand(new RequestId("r-1"), 1, null, Map.of("a", "1;b=2"))));
            world.round(world.submit(0, new SubmitCommand(new RequestId("r-1"), 1, null, Map.of("a", "1", "b", "2"))));

            assertThat(answers("r-1")).extracting(answer -> answer.outcome().getClass().getSimpleName())
                    .containsExactly("Submitted", "Conflict");
        }

        @Test
        void aConflictAndADuplicateInOneRoundAreAnsweredInTheirOrder() {
            world.catalog.add(2, "session");
            world.round(world.submit("r-1", 1));
            world.round(world.submit("r-1", 2), world.submit("r-1", 1));

            assertThat(answers("r-1")).extracting(answer -> answer.outcome().getClass().getSimpleName() + "/"
                    + answer.duplicate()).containsExactly("Submitted/false", "Conflict/false", "Submitted/true");
        }

        @Test
        void aConflictIsNotRecorded() {
            world.catalog.add(2, "session");
            world.round(world.submit("r-1", 1));
            LedgerEntry before = entry("r-1");
            world.round(world.submit("r-1", 2));

            assertThat(entry("r-1")).isEqualTo(before);
        }
    }

    @Nested
    class Records {

        @Test
        void anInvalidCommandIsAnsweredWithItsReasonAndDeadLetteredWhenAskedTo() {
            Incoming invalid = world.record(0, new Incoming.Invalid(new RequestId("r-1"), true,
                    "the value is not valid JSON: Unexpected end-of-input"));
            world.round(invalid);

            assertThat(only("r-1").outcome()).isEqualTo(new Outcome.BadCommand("Invalid command: the value is not "
                    + "valid JSON: Unexpected end-of-input", "the value is not valid JSON: Unexpected end-of-input"));
            assertThat(world.intake.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.record()).isEqualTo(invalid);
                assertThat(letter.reason()).isEqualTo("the value is not valid JSON: Unexpected end-of-input");
            });
            assertThat(world.ledger(0).committed(new RequestId("r-1"))).isEmpty();
        }

        @Test
        void aRecordWithNobodyToAnswerIsOnlyDeadLettered() {
            world.round(world.record(0, new Incoming.Invalid(null, true, "the record has no value")));

            assertThat(world.answers.all()).isEmpty();
            assertThat(world.intake.deadLetters()).hasSize(1);
        }

        @Test
        void aCommandOfAnotherPartitionsRequestIdIsPassedOnUnanswered() {
            Incoming misrouted = world.record(0, new Incoming.Elsewhere(new SubmitCommand(new RequestId("r-1"), 1,
                    null, null), 3));
            world.round(misrouted);

            assertThat(world.intake.forwarded()).singleElement()
                    .satisfies(forwarded -> assertThat(forwarded.partition()).isEqualTo(3));
            assertThat(world.answers.all()).isEmpty();
            assertThat(world.session.jobs()).isEmpty();
        }
    }

    @Nested
    class UnreachableClusters {

        @Test
        void aCommandWaitsForItsClusterAndIsSubmittedOnceWhenItIsBack() {
            world.session.down(true);
            world.round(world.submit("r-1", 1));

            assertThat(answers("r-1")).isEmpty();
            assertThat(entry("r-1").state()).isEqualTo(LedgerEntry.State.PENDING);
            assertThat(entry("r-1").firstFailure()).isEqualTo(world.clock.instant());
            assertThat(world.engine.nextDue()).contains(world.clock.instant().plus(World.BACKOFF));

            world.session.down(false);
            world.clock.advance(World.BACKOFF);
            world.round();

            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(world.session.jobs()).containsOnlyKeys(jobId("r-1"));
            assertThat(entry("r-1").state()).isEqualTo(LedgerEntry.State.DONE);
        }

        @Test
        void aRetryAsksTheClusterFirstSoAJobThatGotThereIsNotSubmittedAgain() {
            world.session.down(true);
            world.round(world.submit("r-1", 1));
            world.session.down(false);
            world.session.has(jobId("r-1"), "task-1"); // it had reached the cluster before the answer was lost
            world.clock.advance(World.BACKOFF);
            world.round();

            assertThat(only("r-1").outcome()).isEqualTo(new Outcome.Submitted("Task 1 (task-1) was already on the "
                    + "cluster as job " + jobId("r-1"), true));
        }

        @Test
        void atTheDeadlineTheCommandIsAnsweredGaveUpAndTheSameCommandIsTriedAgain() {
            world.session.down(true);
            world.round(world.submit("r-1", 1), world.submit("r-1", 1));
            for (int i = 0; i < 20 && answers("r-1").isEmpty(); i++) {
                world.clock.advance(Duration.ofSeconds(20));
                world.round();
            }

            assertThat(answers("r-1")).extracting(Published::duplicate).containsExactly(false, true);
            Outcome gaveUp = answers("r-1").get(0).outcome();
            assertThat(gaveUp).isInstanceOf(Outcome.GaveUp.class);
            assertThat(gaveUp.message()).isEqualTo("Cluster 'session' (session:8081) could not be reached; gave up "
                    + "after PT3M of retries");
            assertThat(entry("r-1").state()).isEqualTo(LedgerEntry.State.GAVE_UP);

            world.session.down(false);
            world.round(world.submit("r-1", 1));
            assertThat(answers("r-1").get(2).outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(answers("r-1").get(2).duplicate()).isFalse();
        }

        @Test
        void whileAClusterIsDownOneRequestAtATimeTriesItAndEveryOneIsAnsweredAtItsDeadline() {
            world.session.down(true);
            world.round(world.submit("r-0", 1));
            int callsAfterFirst = world.session.calls();
            Incoming[] more = new Incoming[50];
            for (int i = 0; i < more.length; i++) {
                more[i] = world.submit("r-" + (i + 1), 1);
            }
            world.round(more);
            // the cluster is known to be down: the newcomers wait without a failed try of their own
            assertThat(world.session.calls()).isEqualTo(callsAfterFirst);

            int rounds = 0;
            while (world.answers.all().size() < 51 && rounds++ < 100) {
                world.clock.advance(Duration.ofSeconds(10));
                world.round();
            }
            assertThat(world.answers.all()).hasSize(51)
                    .allSatisfy(answer -> assertThat(answer.outcome()).isInstanceOf(Outcome.GaveUp.class));
            // one probe at a time: a few tries per backoff step, not one per waiting request
            assertThat(world.session.calls()).isLessThan(40);
        }

        @Test
        void whenTheClusterAnswersAgainTheOthersWaitingForItNeedNotWaitOutTheirBackoff() {
            world.session.down(true);
            world.round(world.submit("r-1", 1));
            world.round(world.submit("r-2", 1), world.submit("r-3", 1));
            world.session.down(false);
            world.clock.advance(World.BACKOFF);
            world.round(); // r-1's retry is due and reaches the cluster
            world.round(); // the others, released

            assertThat(List.of("r-1", "r-2", "r-3")).allSatisfy(id ->
                    assertThat(only(id).outcome()).isInstanceOf(Outcome.Submitted.class));
        }
    }

    @Nested
    class SlowSubmissions {

        @Test
        void aSubmissionLongerThanTheHoldIsHandedOffWithoutHoldingBackTheOthers() {
            world.close();
            world = new World(Duration.ofMillis(50));
            CompletableFuture<Void> slow = world.compiler.hold(new RequestId("r-slow"));
            world.round(world.submit("r-slow", 1), world.submit("r-fast", 1), world.submit("r-slow", 1));

            assertThat(only("r-fast").outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(answers("r-slow")).isEmpty();
            LedgerEntry handedOff = entry("r-slow");
            assertThat(handedOff.state()).isEqualTo(LedgerEntry.State.PENDING);
            assertThat(handedOff.waitingDuplicates()).isEqualTo(1);

            slow.complete(null);
            fast().until(() -> {
                world.round();
                return !answers("r-slow").isEmpty();
            });
            assertThat(answers("r-slow")).extracting(Published::duplicate).containsExactly(false, true);
            assertThat(entry("r-slow").state()).isEqualTo(LedgerEntry.State.DONE);
            assertThat(world.session.jobs()).containsKeys(jobId("r-slow"), jobId("r-fast"));
        }

        @Test
        void aDuplicateOfAHandedOffRequestIsAnsweredWithItsFirstAnswer() {
            world.close();
            world = new World(Duration.ofMillis(50));
            CompletableFuture<Void> slow = world.compiler.hold(new RequestId("r-slow"));
            world.round(world.submit("r-slow", 1));
            world.round(world.submit("r-slow", 1));
            assertThat(entry("r-slow").waitingDuplicates()).isEqualTo(1);

            slow.complete(null);
            fast().until(() -> {
                world.round();
                return answers("r-slow").size() == 2;
            });
            assertThat(answers("r-slow").get(1).duplicate()).isTrue();
        }

        @Test
        void everySenderThatAskedForAReplyGetsOneWithTheFirstAnswerAcrossRounds() {
            world.close();
            world = new World(Duration.ofMillis(50));
            CompletableFuture<Void> slow = world.compiler.hold(new RequestId("r-slow"));
            world.round(World.replyingTo(world.submit("r-slow", 1), "first"));
            world.round(World.replyingTo(world.submit("r-slow", 1), "joining"), world.submit("r-silent", 1));
            assertThat(world.answers.replies()).isEmpty();

            slow.complete(null);
            org.awaitility.Awaitility.await().pollInSameThread().until(() -> {
                world.round();
                return answers("r-slow").size() == 2;
            });
            world.round(World.replyingTo(world.submit("r-slow", 1), "later"));

            assertThat(world.answers.replies()).extracting(FakeAnswers.Reply::destination,
                    FakeAnswers.Reply::requestId, FakeAnswers.Reply::duplicate).containsExactly(
                    tuple("first", "r-slow", false), tuple("joining", "r-slow", true),
                    tuple("later", "r-slow", true));
            assertThat(world.answers.replies()).extracting(reply -> reply.answer().outcome())
                    .allMatch(Outcome.Submitted.class::isInstance);
        }
    }

    @Nested
    class Failures {

        @Test
        void aRoundThatFailsHalfWayWritesNothingAndItsRecordIsDeadLetteredAfterThreeTries() {
            world.answers.failFor(id -> id.startsWith("fault-"));
            Incoming before = world.submit("r-before", 1);
            Incoming beforeAgain = world.submit("r-before", 1);
            Incoming failing = world.submit("fault-1", 1);
            Incoming after = world.submit("r-after", 1);

            for (int attempt = 1; attempt <= 3; attempt++) {
                assertThatThrownBy(() -> world.round(World.again(before), World.again(beforeAgain),
                        World.again(failing), World.again(after)))
                        .isInstanceOf(Engine.RoundFailedException.class)
                        .satisfies(e -> assertThat(((Engine.RoundFailedException) e).blamed()).isEqualTo(failing));
                assertThat(world.answers.all()).isEmpty();
            }
            world.round(World.again(before), World.again(beforeAgain), World.again(failing), World.again(after));

            assertThat(answers("r-before")).extracting(Published::duplicate).containsExactly(false, true);
            assertThat(only("r-after").outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(answers("fault-1")).isEmpty();
            assertThat(world.intake.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.record()).isEqualTo(failing);
                assertThat(letter.reason()).isEqualTo("injected failure publishing the answer of fault-1");
            });
            // every job was submitted once, whatever the rounds that rolled back did
            assertThat(world.session.jobs()).containsOnlyKeys(jobId("r-before"), jobId("fault-1"), jobId("r-after"));
        }

        @Test
        void aRecordsFailedTriesAreForgottenWithItsPartition() {
            world.answers.failFor(id -> id.startsWith("fault-"));
            Incoming failing = world.submit("fault-1", 1);
            for (int attempt = 1; attempt <= 2; attempt++) {
                assertThatThrownBy(() -> world.round(World.again(failing)))
                        .isInstanceOf(Engine.RoundFailedException.class);
            }
            world.engine.close(0);
            world.open(0);

            // its next owner tries it three times again before it gives it up
            for (int attempt = 1; attempt <= 2; attempt++) {
                assertThatThrownBy(() -> world.round(World.again(failing)))
                        .isInstanceOf(Engine.RoundFailedException.class);
            }
            assertThat(world.intake.deadLetters()).isEmpty();
        }

        @Test
        void aWriteRefusedAtCommitIsBlamedOnItsRecord() {
            Incoming first = world.submit("r-1", 1);
            Incoming second = world.submit("r-2", 1);
            world.unitOfWork.refuseWritesFor(second::equals);

            assertThatThrownBy(() -> world.round(first, second)).isInstanceOf(Engine.RoundFailedException.class)
                    .satisfies(e -> assertThat(((Engine.RoundFailedException) e).blamed()).isEqualTo(second));
            assertThat(world.answers.all()).isEmpty();
        }

        @Test
        void aCommitThatFailsForNoRecordBlamesNoneAndTheRoundCanBeDoneAgain() {
            Incoming first = world.submit("r-1", 1);
            world.unitOfWork.refuseWritesFor(cause -> true);
            assertThatThrownBy(() -> world.round(first)).isInstanceOf(Engine.RoundFailedException.class);

            world.unitOfWork.refuseWritesFor(cause -> false);
            world.round(World.again(first));
            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(world.compiler.compiles()).isEqualTo(1);
        }
    }

    @Nested
    class Ownership {

        @Test
        void anOpenedPartitionsPendingRequestsAreFinishedAskingTheClusterFirst() {
            World previous = world;
            world.session.down(true);
            world.round(world.submit("r-1", 1));
            FakeCluster session = world.session;
            session.down(false);
            session.has(jobId("r-1"), "task-1");

            // another engine (the new owner) opens the partition and takes the request up from the ledger
            world = new World();
            world.clusters.add("session").has(jobId("r-1"), "task-1");
            world.ledger(0).record(previous.ledger(0).committed(new RequestId("r-1")).orElseThrow());
            world.unitOfWork.commit();
            world.engine.open(0, world.ledger(0));
            world.round();
            previous.close();

            assertThat(only("r-1").outcome()).isEqualTo(new Outcome.Submitted("Task 1 (task-1) was already on the "
                    + "cluster as job " + jobId("r-1"), true));
            assertThat(world.compiler.compiles()).isEqualTo(1);
        }

        @Test
        void aJobIdTakenByAnotherJobIsNotTakenForThisRequestsJob() {
            world.session.down(true);
            world.round(world.submit("r-1", 1));
            world.session.down(false);
            world.session.has(jobId("r-1"), "someone-elses-job");
            world.clock.advance(World.BACKOFF);
            world.round();

            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.Refused.class);
            assertThat(only("r-1").outcome().message()).contains("is taken on the cluster by job "
                    + "'someone-elses-job'");
        }

        @Test
        void aClosedPartitionGetsNoAnswerFromThisEngine() {
            world.close();
            world = new World(Duration.ofMillis(50));
            CompletableFuture<Void> slow = world.compiler.hold(new RequestId("r-slow"));
            world.round(world.submit("r-slow", 1));
            world.engine.close(0);
            slow.complete(null);
            world.round();
            world.round();

            assertThat(world.answers.all()).isEmpty();
            assertThat(entry("r-slow").state()).isEqualTo(LedgerEntry.State.PENDING);
        }
    }

    @Nested
    class FollowingJobs {

        private List<StatusEvent> events(String requestId) {
            return world.statusEvents.of(requestId);
        }

        private void set(String requestId, String status, Long start, Long end, String failure) {
            world.session.set(new ClusterGateway.JobState(jobId(requestId), "task-1", status, start, end, failure,
                    null));
        }

        @Test
        void statusEventsAreNotHeldBackBySubmissionsTakingEveryThread() {
            world.close();
            world = new World(Duration.ofMillis(50));
            world.round(world.submit("r-1", 1));
            set("r-1", "RUNNING", 1000L, null, null);
            List<String> busy = java.util.stream.IntStream.range(0, 2 * World.SUBMISSION_THREADS)
                    .mapToObj(i -> "r-busy-" + i).toList();
            List<CompletableFuture<Void>> held = busy.stream()
                    .map(requestId -> world.compiler.hold(new RequestId(requestId))).toList();
            world.round(busy.stream().map(requestId -> world.submit(requestId, 1)).toArray(Incoming[]::new));

            followUntil(() -> events("r-1").size() == 1);

            assertThat(events("r-1").get(0).status()).isEqualTo("RUNNING");
            assertThat(busy).allSatisfy(requestId -> assertThat(answers(requestId)).isEmpty());
            held.forEach(submission -> submission.complete(null));
        }

        @Test
        void aSubmittedJobIsFollowedToItsEndWithIncreasingSequencesAndNothingAfter() {
            world.round(world.submit("r-1", 1));
            set("r-1", "RUNNING", 1000L, null, null);
            followUntil(() -> events("r-1").size() == 1);
            set("r-1", "FINISHED", 1000L, 5000L, null);
            followUntil(() -> events("r-1").size() == 2);
            set("r-1", "RUNNING", 1000L, null, null); // a cluster that goes back is not believed
            for (int i = 0; i < 3; i++) {
                world.clock.advance(World.STATUS_INTERVAL);
                world.engine.follow();
            }

            assertThat(events("r-1")).extracting(StatusEvent::status, StatusEvent::previousStatus,
                    StatusEvent::sequence, StatusEvent::terminal).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("RUNNING", null, 1, false),
                    org.assertj.core.groups.Tuple.tuple("FINISHED", "RUNNING", 2, true));
            assertThat(events("r-1").get(1).endTime()).isEqualTo(5000L);
            assertThat(entry("r-1").following().terminal()).isTrue();
            assertThat(entry("r-1").following().sequence()).isEqualTo(2);
            assertThat(world.engine.followed()).isZero();
        }

        @Test
        void aFailedJobWhoseCauseIsNotReportedYetIsAskedAgainBeforeItsEndIsPublished() {
            world.round(world.submit("r-1", 1));
            long end = world.clock.instant().toEpochMilli();
            set("r-1", "FAILED", 1000L, end, null);
            int before = world.session.calls();
            followUntil(() -> world.session.calls() >= before + 3);
            assertThat(events("r-1")).isEmpty();

            set("r-1", "FAILED", 1000L, end, "java.lang.NumberFormatException: For input string: 'x'");
            followUntil(() -> events("r-1").size() == 1);
            assertThat(events("r-1").get(0).failure()).contains("NumberFormatException");
        }

        @Test
        void aFailedJobWhoseCauseNeverComesEndsWithoutOne() {
            world.round(world.submit("r-1", 1));
            set("r-1", "FAILED", 1000L, world.clock.instant().toEpochMilli(), null);
            followUntil(() -> events("r-1").size() == 1);

            assertThat(events("r-1").get(0).failure()).isNull();
            assertThat(events("r-1").get(0).observedAt()).isAfterOrEqualTo(
                    java.time.Instant.ofEpochMilli(events("r-1").get(0).endTime()).plusSeconds(10));
        }

        @Test
        void eachClusterIsAskedOncePerIntervalHoweverManyJobsItRuns() {
            Incoming[] many = new Incoming[200];
            for (int i = 0; i < many.length; i++) {
                many[i] = world.submit("r-" + i, 1);
            }
            world.round(many);
            for (int i = 0; i < many.length; i++) {
                set("r-" + i, "RUNNING", 1000L, null, null);
            }
            int before = world.session.calls();
            followUntil(() -> world.statusEvents.all().size() == 200);

            assertThat(world.session.calls() - before).isEqualTo(1);
        }

        @Test
        void aJobItsClusterNoLongerKnowsEndsUnknownWithAReason() {
            world.round(world.submit("r-1", 1));
            set("r-1", "RUNNING", 1000L, null, null);
            followUntil(() -> events("r-1").size() == 1);
            world.session.forget(jobId("r-1"));
            followUntil(() -> events("r-1").size() == 2);

            StatusEvent last = events("r-1").get(1);
            assertThat(last.status()).isEqualTo(StatusEvent.UNKNOWN);
            assertThat(last.terminal()).isTrue();
            assertThat(last.reason()).contains("no longer knows it");
        }

        @Test
        void aJobWhoseClusterEntryWasRemovedEndsUnknownWithAReason() {
            world.round(world.submit("r-1", 1));
            set("r-1", "RUNNING", 1000L, null, null);
            followUntil(() -> events("r-1").size() == 1);
            world.clusters.remove("session");
            followUntil(() -> events("r-1").size() == 2);

            StatusEvent last = events("r-1").get(1);
            assertThat(last.status()).isEqualTo(StatusEvent.UNKNOWN);
            assertThat(last.terminal()).isTrue();
            assertThat(last.reason()).contains("'session' is no longer configured");
            assertThat(entry("r-1").following().terminal()).isTrue();
        }

        @Test
        void whileItsClusterIsUnreachableNothingIsInventedAndItIsGivenUpAfterLostAfter() {
            world.round(world.submit("r-1", 1));
            set("r-1", "RUNNING", 1000L, null, null);
            followUntil(() -> events("r-1").size() == 1);
            world.session.down(true);
            followUntil(() -> entry("r-1").following().unreachableSince() != null);
            assertThat(events("r-1")).hasSize(1);

            world.session.down(false);
            set("r-1", "FAILED", 1000L, 9000L, "java.lang.NumberFormatException: For input string: \"x\"");
            followUntil(() -> events("r-1").size() == 2);
            assertThat(events("r-1").get(1).failure()).contains("NumberFormatException");
            assertThat(entry("r-1").following().unreachableSince()).isNull();

            world.round(world.submit("r-2", 1));
            set("r-2", "RUNNING", 1000L, null, null);
            followUntil(() -> events("r-2").size() == 1);
            world.session.down(true);
            followUntil(() -> entry("r-2").following().unreachableSince() != null);
            world.clock.advance(World.LOST_AFTER);
            followUntil(() -> events("r-2").size() == 2);
            assertThat(events("r-2").get(1).status()).isEqualTo(StatusEvent.UNKNOWN);
            assertThat(events("r-2").get(1).reason()).contains("could not be asked for PT10M");
        }

        @Test
        void aNewOwnerGoesOnWithTheNextSequenceFromTheLedger() {
            world.round(world.submit("r-1", 1));
            set("r-1", "RUNNING", 1000L, null, null);
            followUntil(() -> events("r-1").size() == 1);
            world.engine.close(0);

            World next = new World();
            next.clusters.add("session").set(new ClusterGateway.JobState(jobId("r-1"), "task-1", "FINISHED", 1000L,
                    2000L, null, null));
            next.ledger(0).record(entry("r-1"));
            next.unitOfWork.commit();
            next.engine.open(0, next.ledger(0));
            fast().atMost(Duration.ofSeconds(10)).until(() -> {
                next.clock.advance(World.STATUS_INTERVAL);
                next.engine.follow();
                return !next.statusEvents.of("r-1").isEmpty();
            });
            next.close();

            assertThat(next.statusEvents.of("r-1")).singleElement().satisfies(event -> {
                assertThat(event.sequence()).isEqualTo(2);
                assertThat(event.previousStatus()).isEqualTo("RUNNING");
            });
        }

        @Test
        void anApplicationClusterIsReleasedOnlyOnceItsJobsEndIsRecorded() {
            world.catalog.add(new Task(9, "app", Dialect.FlinkSql, RunMode.KUBERNETES_APPLICATION, "apps", 1, 0,
                    SavePointStrategy.NONE, null, true, null, true, false, null, "INSERT INTO t SELECT 1", null));
            FakeCluster apps = world.clusters.add("apps").application();
            world.round(world.submit("r-1", 9));
            apps.set(new ClusterGateway.JobState(jobId("r-1"), "app", "RUNNING"));
            followUntil(() -> events("r-1").size() == 1);
            assertThat(apps.released()).isEmpty();

            apps.set(new ClusterGateway.JobState(jobId("r-1"), "app", "FINISHED"));
            followUntil(() -> !apps.released().isEmpty());
            followUntil(() -> entry("r-1").following().released());
            assertThat(apps.released()).containsExactly(jobId("r-1"));
            assertThat(world.engine.followed()).isZero();
        }

        @Test
        void eventsThatCannotBeWrittenAreWrittenLaterWithTheSameSequences() {
            world.round(world.submit("r-1", 1));
            set("r-1", "RUNNING", 1000L, null, null);
            world.unitOfWork.refuseWritesFor(cause -> true);
            for (int i = 0; i < 5; i++) {
                world.clock.advance(World.STATUS_INTERVAL);
                world.engine.follow();
            }
            assertThat(events("r-1")).isEmpty();

            world.unitOfWork.refuseWritesFor(cause -> false);
            world.clock.advance(Duration.ofMinutes(1));
            followUntil(() -> events("r-1").size() == 1);
            assertThat(events("r-1").get(0).sequence()).isEqualTo(1);
        }
    }

    @Nested
    class ControlCommands {

        private Incoming control(String requestId, Control.Action action, String target) {
            return world.submit(0, SubmitCommand.control(new RequestId(requestId),
                    new Control(action, new RequestId(target), false)));
        }

        private String running(String requestId) {
            world.round(world.submit(requestId, 1));
            world.session.set(new ClusterGateway.JobState(jobId(requestId), "task-1", "RUNNING"));
            return jobId(requestId);
        }

        private String triggerId(String requestId) {
            return new RequestId(requestId).triggerId();
        }

        @Test
        void aSavepointSentThreeTimesIsTakenOnceIntoTheTasksDirectoryAndTheJobKeepsRunning() {
            String job = running("r-1");
            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"), control("r-9", Control.Action.SAVEPOINT,
                    "r-1"));
            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"));

            assertThat(answers("r-9")).extracting(Published::duplicate).containsExactly(false, true, true);
            String directory = "file:/savepoints/1/trigger-" + triggerId("r-9");
            String path = directory + "/savepoint-" + triggerId("r-9").substring(0, 6);
            assertThat(only("r-1").outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(answers("r-9").get(0).outcome()).isEqualTo(new Outcome.Controlled("Savepoint of job " + job
                    + " (request r-1) taken: " + path, path));
            assertThat(answers("r-9").get(0).answer().taskId()).isEqualTo(1);
            assertThat(world.session.triggers()).isEqualTo(1);
            assertThat(world.session.savepoints().get(triggerId("r-9"))).isEqualTo(new FakeCluster.Savepoint(job,
                    directory, false, new ClusterGateway.SavepointStatus(true, path, null)));
            assertThat(world.session.jobs().get(job).status()).isEqualTo("RUNNING");
            assertThat(entry("r-9").state()).isEqualTo(LedgerEntry.State.DONE);
            assertThat(entry("r-9").following()).isNull(); // a control command has no job of its own to follow
        }

        @Test
        void aStopSentThreeTimesStopsTheJobOnceWithASavepoint() {
            String job = running("r-1");
            for (int i = 0; i < 3; i++) {
                world.round(control("r-10", Control.Action.STOP, "r-1"));
            }

            assertThat(answers("r-10")).extracting(Published::duplicate).containsExactly(false, true, true);
            assertThat(answers("r-10").get(0).outcome().message()).startsWith("Job " + job + " (request r-1) stopped "
                    + "with savepoint file:/savepoints/1/trigger-" + triggerId("r-10") + "/savepoint-");
            assertThat(world.session.triggers()).isEqualTo(1);
            assertThat(world.session.jobs().get(job).status()).isEqualTo("FINISHED");
        }

        @Test
        void aCancelSentThreeTimesCancelsOnce() {
            String job = running("r-1");
            for (int i = 0; i < 3; i++) {
                world.round(control("r-11", Control.Action.CANCEL, "r-1"));
            }

            assertThat(answers("r-11")).extracting(Published::duplicate).containsExactly(false, true, true);
            assertThat(answers("r-11").get(0).outcome()).isEqualTo(new Outcome.Controlled("Job " + job
                    + " (request r-1) cancelled", null));
            assertThat(world.session.cancels()).isEqualTo(1);
            assertThat(world.session.jobs().get(job).status()).isEqualTo("CANCELED");
        }

        @Test
        void anAttemptMakesEveryCallOnItsTargetsJobThroughOneHandleThatItClosesHoweverOftenItPolls() {
            String stopped = running("r-1");
            String cancelled = running("r-2");
            world.session.savepointsInProgressFor(3);
            world.round(control("r-10", Control.Action.STOP, "r-1"), control("r-11", Control.Action.CANCEL, "r-2"));

            assertThat(only("r-10").outcome()).isInstanceOf(Outcome.Controlled.class);
            assertThat(only("r-11").outcome()).isInstanceOf(Outcome.Controlled.class);
            // the stop: its savepoint read, the job's state, the trigger, three polls in progress, the complete one;
            // the cancel: the job's state and the cancel
            assertThat(world.session.handles()).extracting(FakeCluster.Handle::jobId, FakeCluster.Handle::calls,
                    FakeCluster.Handle::closed).containsExactlyInAnyOrder(tuple(stopped, 7, true),
                    tuple(cancelled, 2, true));
            assertThat(world.session.directControlCalls()).isZero();
        }

        @Test
        void onAnApplicationClusterASavepointKeepsItAndAStopEndsItsJobWhoseClusterIsReleasedOnceTheEndIsRecorded() {
            world.catalog.add(new Task(9, "app", Dialect.FlinkSql, RunMode.KUBERNETES_APPLICATION, "apps", 1, 0,
                    SavePointStrategy.NONE, null, true, null, true, false, null, "INSERT INTO t SELECT 1", null));
            FakeCluster apps = world.clusters.add("apps").application();
            world.round(world.submit("r-1", 9));
            String job = jobId("r-1");
            apps.set(new ClusterGateway.JobState(job, "app", "RUNNING"));

            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"));
            followUntil(() -> !world.statusEvents.of("r-1").isEmpty());
            assertThat(answers("r-9").get(0).outcome()).isInstanceOf(Outcome.Controlled.class);
            assertThat(apps.jobs().get(job).status()).isEqualTo("RUNNING");
            assertThat(apps.released()).isEmpty();

            world.round(control("r-10", Control.Action.STOP, "r-1"));
            assertThat(answers("r-10").get(0).outcome().message()).startsWith("Job " + job + " (request r-1) stopped "
                    + "with savepoint file:/savepoints/9/trigger-" + triggerId("r-10") + "/savepoint-");
            assertThat(apps.triggers()).isEqualTo(2);
            followUntil(() -> entry("r-1").following().released());
            assertThat(apps.released()).containsExactly(job);

            // a restart of it deploys an application cluster of its own for the new job, restoring from the stop's
            String path = apps.savepoints().get(triggerId("r-10")).status().path();
            world.round(restart("r-12", "r-1", 9, path));
            assertThat(answers("r-12").get(0).outcome().message()).startsWith("Restarted the job of request r-1 from "
                    + path + ": ");
            assertThat(answers("r-12").get(0).answer().clusterId()).isEqualTo("job-" + jobId("r-12"));
            assertThat(answers("r-12").get(0).answer().job().savepointPath()).isEqualTo(path);
            assertThat(apps.jobs()).containsKey(jobId("r-12"));
        }

        @Test
        void theSameRequestIdForAnotherControlCommandIsRefusedAndTheFirstStands() {
            running("r-1");
            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"));
            world.round(control("r-9", Control.Action.CANCEL, "r-1"), world.submit("r-9", 1));

            assertThat(answers("r-9")).extracting(answer -> answer.outcome().getClass().getSimpleName())
                    .containsExactly("Controlled", "Conflict", "Conflict");
            assertThat(answers("r-9").get(1).outcome().message()).isEqualTo("requestId 'r-9' was already used for a "
                    + "different command; that one stands. Use a new requestId for a new command.");
            assertThat(world.session.cancels()).isZero();
            assertThat(world.session.jobs()).hasSize(1);
        }

        @Test
        void anUnknownTargetIsABadCommand() {
            world.round(control("r-9", Control.Action.STOP, "r-nobody"));

            assertThat(only("r-9").outcome()).isInstanceOf(Outcome.BadCommand.class);
            assertThat(only("r-9").outcome().message()).startsWith("Unknown target: request 'r-nobody' is not known");
            assertThat(only("r-9").answer().taskId()).isNull();
            assertThat(entry("r-9").state()).isEqualTo(LedgerEntry.State.DONE);
            assertThat(world.session.calls()).isZero();
        }

        @Test
        void aTargetThatDidNotSubmitAJobIsRefused() {
            world.round(world.submit("r-1", 424242));
            world.round(control("r-9", Control.Action.CANCEL, "r-1"));

            assertThat(only("r-9").outcome()).isEqualTo(new Outcome.Refused("The target request 'r-1' did not submit "
                    + "a job: nothing to cancel", "its answer was not a submission"));
        }

        @Test
        void aTargetStillUnderWayIsRefused() {
            world.close();
            world = new World(Duration.ofMillis(50));
            CompletableFuture<Void> slow = world.compiler.hold(new RequestId("r-1"));
            world.round(world.submit("r-1", 1));
            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"));

            assertThat(only("r-9").outcome().message()).startsWith("The target request 'r-1' has not been answered "
                    + "yet");
            assertThat(world.session.triggers()).isZero();
            slow.complete(null);
        }

        @Test
        void aTargetWhoseJobHasEndedIsRefusedNamingItsStatus() {
            String job = running("r-1");
            world.session.set(new ClusterGateway.JobState(job, "task-1", "FAILED"));
            world.round(control("r-10", Control.Action.STOP, "r-1"), control("r-11", Control.Action.CANCEL, "r-1"));

            assertThat(only("r-10").outcome()).isEqualTo(new Outcome.Refused("The job of request r-1 (" + job
                    + ") has ended FAILED: nothing to stop", "job " + job + " is FAILED"));
            assertThat(only("r-11").outcome().message()).contains("has ended FAILED");
            assertThat(world.session.triggers()).isZero();
            assertThat(world.session.cancels()).isZero();
        }

        @Test
        void aTargetWhoseEndTheLedgerHasSeenIsRefusedWithoutAskingTheCluster() {
            String job = running("r-1");
            world.session.set(new ClusterGateway.JobState(job, "task-1", "CANCELED"));
            org.awaitility.Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
                world.clock.advance(World.STATUS_INTERVAL);
                world.engine.follow();
                return entry("r-1").following().terminal();
            });
            int calls = world.session.calls();
            world.round(control("r-10", Control.Action.SAVEPOINT, "r-1"));

            assertThat(only("r-10").outcome()).isEqualTo(new Outcome.Refused("The job of request r-1 (" + job
                    + ") has ended CANCELED: nothing to savepoint", "job " + job + " is CANCELED"));
            assertThat(world.session.calls()).isEqualTo(calls);
        }

        @Test
        void aSavepointFlinkFailsToTakeIsRefusedWithItsReasonAndTheJobKeepsRunning() {
            String job = running("r-1");
            world.session.failSavepoints("org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint "
                    + "expired before completing.");
            world.round(control("r-10", Control.Action.STOP, "r-1"));

            assertThat(only("r-10").outcome()).isEqualTo(new Outcome.Refused("Flink could not take the stop with "
                    + "savepoint of job " + job + " (request r-1)", "org.apache.flink.runtime."
                    + "checkpoint.CheckpointException: Checkpoint expired before completing."));
            assertThat(world.session.jobs().get(job).status()).isEqualTo("RUNNING");
        }

        @Test
        void anUnreachableClusterParksTheCommandWhichTakesOneSavepointWhenItIsBack() {
            running("r-1");
            world.session.down(true);
            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"));

            assertThat(answers("r-9")).isEmpty();
            assertThat(entry("r-9").state()).isEqualTo(LedgerEntry.State.PENDING);
            assertThat(entry("r-9").command().control().action()).isEqualTo(Control.Action.SAVEPOINT);

            world.session.down(false);
            world.clock.advance(World.BACKOFF);
            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"));

            assertThat(answers("r-9")).extracting(Published::duplicate).containsExactly(false, true);
            assertThat(answers("r-9").get(0).outcome()).isInstanceOf(Outcome.Controlled.class);
            assertThat(world.session.triggers()).isEqualTo(1);
        }

        @Test
        void aStopTriggeredBeforeACrashIsJoinedNotRefusedAsEndedNorTriggeredAgain() {
            String job = running("r-1");
            // the owner before the crash triggered the stop under r-10's trigger id, and died before answering
            world.session.triggerSavepoint(job, triggerId("r-10"), "file:/savepoints/1", true, false);
            world.round(control("r-10", Control.Action.STOP, "r-1"));

            assertThat(only("r-10").outcome()).isInstanceOf(Outcome.Controlled.class);
            assertThat(((Outcome.Controlled) only("r-10").outcome()).savepointPath())
                    .isEqualTo(world.session.savepoints().get(triggerId("r-10")).status().path());
            assertThat(world.session.triggers()).isEqualTo(1);
        }

        @Test
        void aSavepointTheClusterHasForgottenIsFoundInItsTriggersDirectoryAndNotTakenAgain() {
            running("r-1");
            // an earlier attempt took it and died; the cluster forgot the trigger meanwhile (rest.async.store-duration)
            String path = "file:/savepoints/1/trigger-" + triggerId("r-9") + "/savepoint-abc";
            world.compiler.onDisk(triggerId("r-9"), path);
            world.round(control("r-9", Control.Action.SAVEPOINT, "r-1"));

            assertThat(only("r-9").outcome()).isEqualTo(new Outcome.Controlled("Savepoint of job " + jobId("r-1")
                    + " (request r-1) taken: " + path, path));
            assertThat(world.session.triggers()).isZero();
        }

        @Test
        void aStopTheClusterHasForgottenIsAnsweredWithItsSavepointOnceItsJobHasEnded() {
            String stopped = running("r-1");
            String running = running("r-2");
            world.session.set(new ClusterGateway.JobState(stopped, "task-1", "FINISHED"));
            world.compiler.onDisk(triggerId("r-10"), "file:/savepoints/1/trigger-" + triggerId("r-10") + "/sp");
            world.compiler.onDisk(triggerId("r-11"), "file:/savepoints/1/trigger-" + triggerId("r-11") + "/sp");
            world.round(control("r-10", Control.Action.STOP, "r-1"), control("r-11", Control.Action.STOP, "r-2"));

            assertThat(only("r-10").outcome().message()).isEqualTo("Job " + stopped + " (request r-1) stopped with "
                    + "savepoint file:/savepoints/1/trigger-" + triggerId("r-10") + "/sp");
            // a savepoint whose job still runs did not stop it: the stop is sent again, into the same directory
            assertThat(world.session.triggers()).isOne();
            assertThat(world.session.jobs().get(running).status()).isEqualTo("FINISHED");
            assertThat(world.session.savepoints().get(triggerId("r-11")).status().path())
                    .startsWith("file:/savepoints/1/trigger-" + triggerId("r-11") + "/");
        }

        private Incoming restart(String requestId, String target, String savePointPath) {
            return restart(requestId, target, 1, savePointPath);
        }

        private Incoming restart(String requestId, String target, Integer taskId, String savePointPath) {
            return world.submit(0, restartCommand(requestId, target, taskId, savePointPath));
        }

        private SubmitCommand restartCommand(String requestId, String target, Integer taskId, String savePointPath) {
            return SubmitCommand.restart(new RequestId(requestId), new RequestId(target), taskId, savePointPath, null);
        }

        @Test
        void aRestartSentThreeTimesStopsTheJobOnceAndSubmitsItsTaskFromTheSavepointAsItsOwnJob() {
            String job = running("r-1");
            world.round(restart("r-12", "r-1", null), restart("r-12", "r-1", null));
            world.round(restart("r-12", "r-1", null));

            assertThat(answers("r-12")).extracting(Published::duplicate).containsExactly(false, true, true);
            String path = world.session.savepoints().get(triggerId("r-12")).status().path();
            assertThat(answers("r-12").get(0).outcome()).isEqualTo(new Outcome.Submitted("Restarted the job of "
                    + "request r-1 from " + path + ": Task 1 (task-1) submitted as job " + jobId("r-12"), false));
            assertThat(answers("r-12").get(0).answer().job().savepointPath()).isEqualTo(path);
            assertThat(world.session.triggers()).isEqualTo(1);
            assertThat(world.session.jobs().get(job).status()).isEqualTo("FINISHED");
            assertThat(world.session.jobs()).containsOnlyKeys(job, jobId("r-12"));
            assertThat(entry("r-12").followed()).isTrue(); // the new job is followed under the restart's requestId
        }

        @Test
        void aRestartThatNamesNoTaskSubmitsItsTargetsTaskChecked() {
            world.catalog.add(7, "session");
            world.round(world.submit("r-1", 7));
            world.session.set(new ClusterGateway.JobState(jobId("r-1"), "task-7", "RUNNING"));
            world.round(restart("r-12", "r-1", null, null), restart("r-12", "r-1", null, null));

            assertThat(answers("r-12")).extracting(Published::duplicate).containsExactly(false, true);
            assertThat(answers("r-12").get(0).outcome().message()).contains(": Task 7 (task-7) submitted as job "
                    + jobId("r-12"));
            assertThat(answers("r-12").get(0).answer().taskId()).isEqualTo(7);
            assertThat(world.session.jobs().get(jobId("r-12")).name()).isEqualTo("task-7");
            assertThat(world.session.triggers()).isEqualTo(1);
        }

        @Test
        void aRestartIsCheckedInItsTargetsLedgerBeforeAnythingIsAskedOfTheCluster() {
            world.round(world.submit("r-0", 424242));
            world.round(restart("r-12", "r-nobody", null, null), restart("r-13", "r-0", 1, null));

            assertThat(only("r-12").outcome()).isInstanceOf(Outcome.BadCommand.class);
            assertThat(only("r-12").outcome().message()).startsWith("Unknown target: request 'r-nobody' is not known");
            assertThat(only("r-12").answer().taskId()).isNull();
            assertThat(only("r-13").outcome()).isEqualTo(new Outcome.Refused("The target request 'r-0' did not "
                    + "submit a job: nothing to restart", "its answer was not a submission"));
            assertThat(only("r-13").answer().taskId()).isEqualTo(1);
            assertThat(world.session.calls()).isZero();
        }

        @Test
        void aCopyOfARestartCheckedAfterItsOwnStopEndedTheTargetIsStillItsDuplicate() {
            running("r-1");
            world.round(restart("r-12", "r-1", null, null));
            followUntil(() -> entry("r-1").following().terminal());
            // a copy sent before the answer, and read after the target's end was recorded: checked, it passes too
            world.round(world.record(0, new Incoming.Command(restartCommand("r-12", "r-1", null, null).checking())));
            world.round(restart("r-12", "r-1", null, null));

            assertThat(answers("r-12")).extracting(Published::duplicate).containsExactly(false, true, true);
            assertThat(answers("r-12").get(1).outcome()).isEqualTo(answers("r-12").get(0).outcome());
            assertThat(world.session.triggers()).isEqualTo(1);
        }

        @Test
        void aStopLeftPendingBeforeCommandsOnJobsWentInStepsIsFinishedWhereItWas() {
            String job = running("r-1");
            // as a worker before the steps left it: unchecked, in its target's partition
            SubmitCommand stop = SubmitCommand.control(new RequestId("r-10"),
                    new Control(Control.Action.STOP, new RequestId("r-1"), false));
            world.ledger(0).record(LedgerEntry.pending(stop, world.clock.instant(), null, 0));
            world.unitOfWork.commit();
            world.engine.close(0);
            world.engine.open(0, world.ledger(0));
            world.round();

            assertThat(only("r-10").outcome().message()).startsWith("Job " + job + " (request r-1) stopped with "
                    + "savepoint ");
            assertThat(entry("r-10").fingerprint()).isEqualTo(stop.fingerprint());
        }

        @Test
        void aCopyOfAStopCheckedAfterTheStopEndedItsTargetIsItsDuplicateNotARefusal() {
            running("r-1");
            world.round(control("r-10", Control.Action.STOP, "r-1"));
            followUntil(() -> entry("r-1").following().terminal());
            SubmitCommand stop = SubmitCommand.control(new RequestId("r-10"),
                    new Control(Control.Action.STOP, new RequestId("r-1"), false));
            world.round(world.record(0, new Incoming.Command(stop.checking())));

            assertThat(answers("r-10")).extracting(Published::duplicate).containsExactly(false, true);
            assertThat(answers("r-10").get(1).outcome()).isEqualTo(answers("r-10").get(0).outcome())
                    .isInstanceOf(Outcome.Controlled.class);
        }

        @Test
        void aCommandOnAJobIsDecidedOnWhatItsTargetsPartitionFoundNotOnTheLedgerAtHand() {
            running("r-1");
            SubmitCommand cancel = SubmitCommand.control(new RequestId("r-11"),
                    new Control(Control.Action.CANCEL, new RequestId("r-1"), false));
            world.round(world.record(0, new Incoming.Command(cancel.checked(Control.Found.of(entry("r-1"), false)))));

            assertThat(only("r-11").outcome()).isInstanceOf(Outcome.Controlled.class);
            assertThat(entry("r-11").state()).isEqualTo(LedgerEntry.State.DONE);
            // a found target that is unknown is refused there too, by what was found, not by the ledger at hand
            world.round(world.record(0, new Incoming.Command(SubmitCommand.control(new RequestId("r-12"),
                    new Control(Control.Action.CANCEL, new RequestId("r-1"), false))
                    .checked(Control.Found.of(null, false)))));
            assertThat(only("r-12").outcome()).isInstanceOf(Outcome.BadCommand.class);
        }

        @Test
        void aRestartThatNamesNoTaskIsAnotherCommandThanOneThatNamesItsTargetsTask() {
            running("r-1");
            world.round(restart("r-12", "r-1", null, null));
            world.round(restart("r-12", "r-1", 1, null));

            assertThat(answers("r-12")).extracting(published -> published.outcome().getClass().getSimpleName())
                    .containsExactly("Submitted", "Conflict");
        }

        @Test
        void aRestartFromAGivenSavepointCancelsTheRunningJobAndTakesNoSavepoint() {
            String job = running("r-1");
            world.round(restart("r-12", "r-1", "s3://savepoints/sp-1"));

            assertThat(only("r-12").outcome().message()).startsWith("Restarted the job of request r-1 from "
                    + "s3://savepoints/sp-1: ");
            assertThat(only("r-12").answer().job().savepointPath()).isEqualTo("s3://savepoints/sp-1");
            assertThat(world.session.triggers()).isZero();
            assertThat(world.session.jobs().get(job).status()).isEqualTo("CANCELED");
        }

        @Test
        void aRestartFromAGivenSavepointOfAStoppedTargetOnlySubmits() {
            String job = running("r-1");
            world.round(control("r-10", Control.Action.STOP, "r-1"));
            String path = ((Outcome.Controlled) only("r-10").outcome()).savepointPath();
            org.awaitility.Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
                world.clock.advance(World.STATUS_INTERVAL);
                world.engine.follow();
                return entry("r-1").following().terminal();
            });
            world.round(restart("r-12", "r-1", path), restart("r-13", "r-1", null));

            assertThat(only("r-12").outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(only("r-12").answer().job().savepointPath()).isEqualTo(path);
            assertThat(only("r-13").outcome().message()).isEqualTo("The job of request r-1 (" + job + ") has ended "
                    + "FINISHED: nothing to restart");
            assertThat(world.session.triggers()).isEqualTo(1);
        }

        @Test
        void aRestartFromAGivenSavepointOfAJobThatEndedBehindStaleDetailsStillSubmits() {
            String job = running("r-1");
            // its details still say RUNNING, and the cluster refuses to cancel it, as Flink does a job that has ended
            world.session.refuseCancels(true);
            world.round(restart("r-12", "r-1", "s3://savepoints/sp-1"));

            assertThat(only("r-12").outcome()).isInstanceOf(Outcome.Submitted.class);
            assertThat(world.session.jobs()).containsKey(jobId("r-12"));
        }

        @Test
        void aRestartKilledAfterItsStopResumesWithThatSavepointAndItsOwnJobId() {
            String job = running("r-1");
            // the owner before the crash stopped the job under r-12's trigger id, and died before submitting
            world.session.triggerSavepoint(job, triggerId("r-12"), "file:/savepoints/1", true, false);
            world.round(restart("r-12", "r-1", null));

            String path = world.session.savepoints().get(triggerId("r-12")).status().path();
            assertThat(only("r-12").outcome().message()).isEqualTo("Restarted the job of request r-1 from " + path
                    + ": Task 1 (task-1) submitted as job " + jobId("r-12"));
            assertThat(world.session.triggers()).isEqualTo(1);
        }

        @Test
        void aRestartKilledAfterItsSubmitAnswersWithTheJobThatIsThere() {
            String job = running("r-1");
            world.session.triggerSavepoint(job, triggerId("r-12"), "file:/savepoints/1", true, false);
            world.session.has(jobId("r-12"), "task-1");
            world.round(restart("r-12", "r-1", null));

            assertThat(only("r-12").outcome().message()).endsWith("Task 1 (task-1) was already on the cluster as "
                    + "job " + jobId("r-12"));
            assertThat(world.session.triggers()).isEqualTo(1);
            assertThat(world.session.jobs()).hasSize(2);
        }
    }

    @Nested
    class Explain {

        private Incoming explain(String requestId, Map<String, String> variables) {
            return world.submit(0, SubmitCommand.explain(new RequestId(requestId), 1, variables));
        }

        @Test
        void anExplainAnswersThePlanOfItsTaskCompiledAsASubmitAndSubmitsNothing() {
            world.round(explain("r-13", Map.of("day", "2026-11-28")));

            Published answer = only("r-13");
            assertThat(answer.outcome()).isEqualTo(new Outcome.Explained("Task 1 (task-1) compiles into job 'task-1' "
                    + "of 1 vertex; nothing was submitted", new JobPlan("== Optimized Execution Plan ==\n"
                    + world.catalog.find(1).orElseThrow().statement(), List.of(new JobPlan.Vertex(
                    dev.submitworker.core.fake.FakeCompiler.VERTEX, "task-1", 1, List.of())))));
            assertThat(answer.answer().taskId()).isEqualTo(1);
            assertThat(answer.answer().job().variables()).isEqualTo(Map.of("day", "2026-11-28"));
            assertThat(answer.answer().jobManagerAddress()).isNull();
            assertThat(world.compiler.compiles()).isEqualTo(1);
            assertThat(world.session.jobs()).isEmpty();
            assertThat(world.session.calls()).isZero(); // the cluster is not even asked
            assertThat(entry("r-13").state()).isEqualTo(LedgerEntry.State.DONE);
            assertThat(entry("r-13").following()).isNull();
        }

        @Test
        void aTaskThatDoesNotCompileGetsTheAnswerItsSubmitGets() {
            world.compiler.failing(1, () -> new RefusedException("Task 1 (task-1) could not be compiled into a Flink "
                    + "job", "Statement 3 (line 3 of the script) failed: Object 'nope' not found", null));
            world.round(explain("r-13", null), world.submit("r-1", 1));

            assertThat(only("r-13").outcome()).isEqualTo(new Outcome.Refused("Task 1 (task-1) could not be compiled "
                    + "into a Flink job", "Statement 3 (line 3 of the script) failed: Object 'nope' not found"))
                    .isEqualTo(only("r-1").outcome());
            assertThat(world.session.jobs()).isEmpty();
        }

        @Test
        void anExplainSentThreeTimesIsCompiledOnceAndAnotherBodyIsRefused() {
            world.round(explain("r-13", null), explain("r-13", null));
            world.round(explain("r-13", null), explain("r-13", Map.of("day", "2026-11-29")));

            assertThat(answers("r-13")).extracting(Published::duplicate).containsExactly(false, true, true, false);
            assertThat(answers("r-13")).extracting(published -> published.outcome().getClass().getSimpleName())
                    .containsExactly("Explained", "Explained", "Explained", "Conflict");
            // a duplicate is the first answer again, byte for byte
            assertThat(answers("r-13").get(1).content()).isEqualTo(answers("r-13").get(0).content());
            assertThat(answers("r-13").get(2).content()).isEqualTo(answers("r-13").get(0).content());
            assertThat(world.compiler.compiles()).isEqualTo(1);
        }

        @Test
        void anExplainNeedsNoClusterAndLeavesItsHealthAlone() {
            world.round(world.submit("r-1", 1));
            world.session.down(true);
            world.round(world.submit("r-2", 1), explain("r-13", null));

            assertThat(only("r-13").outcome()).isInstanceOf(Outcome.Explained.class);
            assertThat(answers("r-2")).isEmpty(); // waits for its cluster, which the explain did not vouch for
            assertThat(world.engine.snapshot().reachable()).containsEntry("session", false);
        }
    }
}
