# submit-worker. `make run` starts the worker on its embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
MVN ?= mvn -B
JAVA ?= java
RUN_JVM_OPTS ?= -Xmx2g -XX:+UseParallelGC
ARGS ?=
TASK ?= 1
REPEAT ?= 1
VARS ?=
REQUEST_ID ?=
BOOTSTRAP ?=
DEMO_TIMEOUT ?=
FOLLOW ?=
FOLLOW_SECONDS ?= 20
CHAOS_COMMANDS ?= 1000
CHAOS_KILLS ?= 5
CHAOS_STOPS ?= 2
CHAOS_UNAVAILABLE ?= 2
CHAOS_UNRESPONSIVE ?= 2
FUZZ_RECORDS ?= 100000
# make bench: N distinct jobs per route, duplicates sent, and the JVM flags (fixed, pre-touched heap, C1 only; see BENCHMARKS.md)
BENCH_N ?= 200
BENCH_DUPLICATES ?= 10000
BENCH_DUPLICATES_RATE ?= 5000
BENCH_JVM_OPTS ?= -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1 -XX:+UseParallelGC
BENCH_WORKER_JVM_OPTS ?= -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1 -XX:+UseParallelGC
BENCH_WORKER_ARGS ?=

# Each module's runtime classpath, written by one build: the worker's alone (make worker) and the dev module's, which
# adds the embedded broker (make run, make demo). Rebuilt when a pom or a source changes, then touched: the plugin
# leaves an unchanged file as it was, and make would rebuild it every time. (-DincludeScope is the plugin's property;
# -Dmdep.includeScope would be ignored.)
WORKER_CP := worker/target/classpath.txt
DEV_CP := dev/target/classpath.txt
BENCH_CP := worker/target/bench-classpath.txt
SOURCES := $(shell find pom.xml worker/pom.xml dev/pom.xml worker/src/main dev/src/main schemas -type f 2>/dev/null)

BENCH_LEDGER_ENTRIES ?= 100000,1000000
BENCH_FOLLOW_JOBS ?= 1000,10000

.PHONY: build run worker dist demo cli lifecycle test test-containers chaos fuzz bench bench-follow follow-bench bench-ledger clean

$(WORKER_CP) $(DEV_CP) &: $(SOURCES)
	$(MVN) -q -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime
	touch $(WORKER_CP) $(DEV_CP)

build: $(WORKER_CP) $(DEV_CP)

## run: the worker with an embedded Kafka broker and an embedded Flink cluster, on the sample tasks in tasks/
run: $(DEV_CP)
	$(JAVA) $(RUN_JVM_OPTS) -cp dev/target/classes:$$(cat $(DEV_CP)) dev.submitworker.dev.EmbeddedLauncher $(ARGS)

## worker: the worker alone, on its runtime classpath, against the Kafka and Flink clusters its configuration names
worker: $(WORKER_CP)
	$(JAVA) $(RUN_JVM_OPTS) -cp worker/target/classes:$$(cat $(WORKER_CP)) dev.submitworker.app.SubmitWorkerApplication $(ARGS)

## dist: the distribution, target/dist/submit-worker-<version>/ and its .tar.gz: bin/submit-worker, lib/ (the
##       runtime classpath), config/application.yml, connectors/, tasks/ (docs/distribution.md). The archive is
##       built by the worker module's package phase (worker/src/assembly/dist.xml), where bin/submit-task, the
##       command-line client, is to be added once it exists.
dist:
	$(MVN) -q -pl worker -am package -DskipTests
	rm -rf target/dist
	mkdir -p target/dist
	cp worker/target/dist/submit-worker-*.tar.gz target/dist/
	tar -xzf target/dist/submit-worker-*.tar.gz -C target/dist
	@ls -d target/dist/submit-worker-*/ target/dist/submit-worker-*.tar.gz

## demo: send one command (TASK=<id>, VARS="k=v,k2=v2", REQUEST_ID=<id>) to the worker started by `make run` (or to
##       the broker BOOTSTRAP=host:port), print its answer, and fail unless the answer's code is 0 (DEMO_TIMEOUT=240 s by
##       default, past the 3-minute retry deadline); REPEAT=20 sends 20 (requestIds <id>-1..-20, one after another) and
##       prints their latencies and median; FOLLOW=1 then prints the job's status events until it ends, or for
##       FOLLOW_SECONDS (20), and a last line "status: requestId=.. final=.. events=.."
demo: $(DEV_CP)
	$(JAVA) -Dlogback.configurationFile=logback-demo.xml -Ddemo.task='$(TASK)' -Ddemo.repeat='$(REPEAT)' \
		-Ddemo.follow='$(FOLLOW)' -Ddemo.follow-seconds='$(FOLLOW_SECONDS)' \
		-Ddemo.vars='$(VARS)' -Ddemo.request-id='$(REQUEST_ID)' -Ddemo.timeout='$(DEMO_TIMEOUT)' \
		-Ddemo.bootstrap='$(BOOTSTRAP)' -cp dev/target/classes:$$(cat $(DEV_CP)) dev.submitworker.dev.DemoClient

CLI_JAR := cli/target/submit-task.jar
CLI_SOURCES := $(shell find pom.xml cli/pom.xml cli/src/main -type f 2>/dev/null)

$(CLI_JAR): $(CLI_SOURCES)
	$(MVN) -q -pl cli -DskipTests package

## cli: the submit-task CLI (bin/submit-task over cli/target/submit-task.jar), e.g.
##      make cli ARGS="submit --bootstrap-servers=$$(cat target/embedded/bootstrap-servers) --task 1 --request-id r-1 --wait terminal"
cli: $(CLI_JAR)
	bin/submit-task $(ARGS)

## lifecycle: against the worker of `make run` (or BOOTSTRAP=host:port): submit task TASK (2, streaming), trigger a
##            savepoint, stop it with a savepoint, restart it from that savepoint, cancel the restarted job; prints
##            each answer and status event and one last line "lifecycle: submitted=.. ... violations=<n>"
lifecycle: $(DEV_CP)
	$(JAVA) -Dlogback.configurationFile=logback-demo.xml -Ddemo.task='$(if $(filter command line,$(origin TASK)),$(TASK),2)' \
		-Ddemo.bootstrap='$(BOOTSTRAP)' -cp dev/target/classes:$$(cat $(DEV_CP)) dev.submitworker.dev.LifecycleClient

## test: the whole suite, on a real embedded Kafka broker and a real Flink MiniCluster
test:
	$(MVN) verify

## test-containers: the tests against Kafka in a container (Testcontainers; not part of make test). Without a
##                  reachable Docker engine they are skipped, and this target says why and fails: a skip is no pass
test-containers:
	$(MVN) verify -pl worker -am -Dtest='dev.submitworker.containers.*Test' -Dsurefire.failIfNoSpecifiedTests=false
	@if grep -q '<skipped' worker/target/surefire-reports/TEST-dev.submitworker.containers.*.xml; then \
		grep -ho 'Assumption failed: .*' worker/target/surefire-reports/TEST-dev.submitworker.containers.*.xml \
			| sed 's/^Assumption failed: /test-containers: SKIPPED, not passed: /' | sort -u; exit 1; fi

## chaos: the chaos test at a larger scale (two workers; SIGKILLs, SIGSTOPs past the session timeout, a cluster
##        answering 503 or not at all, slow compiles); prints its seed, each fault, and
##        "chaos: commands=... violations=... stops=... unavailable503=... unresponsive=... slowCompiles=..." (0 violations is the only pass)
chaos:
	$(MVN) verify -pl worker -am -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
		-Dchaos.commands=$(CHAOS_COMMANDS) -Dchaos.kills=$(CHAOS_KILLS) -Dchaos.stops=$(CHAOS_STOPS) \
		-Dchaos.unavailable=$(CHAOS_UNAVAILABLE) -Dchaos.unresponsive=$(CHAOS_UNRESPONSIVE) \
		| grep -aE '^chaos[: ]|Tests run:|BUILD|\[ERROR\]'

## fuzz: the hostile-input fuzz test at a larger scale; prints "fuzz: records=... lagAfter=..." (FUZZ_RECORDS bad records)
fuzz:
	$(MVN) verify -pl worker -am -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfuzz.records=$(FUZZ_RECORDS) | grep -aE '^fuzz:|Tests run:|BUILD|ERROR'

## bench: worker vs floor (builder + RestClusterClient) vs Flink SQL Gateway, duplicates, cold start, memory;
##        prints a table and writes worker/target/bench/results.json (BENCH_N=200 jobs per route by default, < 15 min)
bench: $(WORKER_CP)
	$(MVN) -q -pl worker -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=test
	cd worker && $(JAVA) $(BENCH_JVM_OPTS) -Dbench.n=$(BENCH_N) -Dbench.duplicates=$(BENCH_DUPLICATES) \
		-Dbench.duplicatesRate=$(BENCH_DUPLICATES_RATE) -Dbench.worker.jvm="$(BENCH_WORKER_JVM_OPTS)" \
		-Dbench.worker.args="$(BENCH_WORKER_ARGS)" -Dbench.worker.classpath=target/classes:$$(cat ../$(WORKER_CP)) \
		-cp target/test-classes:target/classes:$$(cat ../$(BENCH_CP)) dev.submitworker.bench.SubmitBenchmark
	$(MAKE) --no-print-directory follow-bench

## bench-follow: the status events' rows of make bench alone: end of a job -> its terminal event (p50/p99), and the
##               worker's CPU per poll with BENCH_FOLLOW_JOBS=1000,10000 followed jobs (a stand-in JobManager)
bench-follow: $(WORKER_CP)
	$(MVN) -q -pl worker -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=test
	$(MAKE) --no-print-directory follow-bench

follow-bench:
	cd worker && $(JAVA) $(BENCH_JVM_OPTS) -Dbench.follow.jobs=$(BENCH_FOLLOW_JOBS) \
		-Dbench.worker.jvm="$(BENCH_WORKER_JVM_OPTS)" -Dbench.worker.classpath=target/classes:$$(cat ../$(WORKER_CP)) \
		-cp target/test-classes:target/classes:$$(cat ../$(BENCH_CP)) dev.submitworker.bench.FollowBenchmark

## bench-ledger: the ledger at scale (BENCH_LEDGER_ENTRIES=100000,1000000): a new owner's restore, a restart on the
##               local stores, heap, disk per entry, duplicate look-ups; prints "ledger: entries=..." lines
bench-ledger: $(WORKER_CP)
	$(MVN) -q -pl worker -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=test
	cd worker && $(JAVA) -Xmx1g -XX:+UseParallelGC -Dbench.ledger.entries=$(BENCH_LEDGER_ENTRIES) \
		-cp target/test-classes:target/classes:$$(cat ../$(BENCH_CP)) dev.submitworker.kafka.LedgerBenchmark

clean:
	$(MVN) -q clean
