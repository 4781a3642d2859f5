# submit-worker. `make run` starts the worker on its embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
MVN ?= mvn -B
JAVA ?= java
CLASSPATH_FILE := target/classpath.txt
RUN_JVM_OPTS ?= -Xmx2g -XX:+UseParallelGC
ARGS ?=
TASK ?= 1
REPEAT ?= 1
CHAOS_COMMANDS ?= 1000
CHAOS_KILLS ?= 5
FUZZ_RECORDS ?= 100000
# make bench: N distinct jobs per route, duplicates sent, and the JVM flags (fixed, pre-touched heap, C1 only; see BENCHMARKS.md)
BENCH_N ?= 200
BENCH_DUPLICATES ?= 10000
BENCH_DUPLICATES_RATE ?= 5000
BENCH_JVM_OPTS ?= -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1 -XX:+UseParallelGC
BENCH_WORKER_JVM_OPTS ?= -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1 -XX:+UseParallelGC
BENCH_WORKER_ARGS ?=
BENCH_CLASSPATH_FILE := target/bench-classpath.txt

.PHONY: build run worker demo test chaos fuzz bench clean

$(CLASSPATH_FILE): pom.xml $(shell find src/main -type f 2>/dev/null)
	$(MVN) -q -DskipTests compile dependency:build-classpath -Dmdep.outputFile=$(CLASSPATH_FILE) -Dmdep.includeScope=runtime

build: $(CLASSPATH_FILE)

## run: the worker with an embedded Kafka broker and an embedded Flink cluster, on the sample tasks in tasks/
run: $(CLASSPATH_FILE)
	$(JAVA) $(RUN_JVM_OPTS) -cp target/classes:$$(cat $(CLASSPATH_FILE)) dev.submitworker.embedded.EmbeddedLauncher $(ARGS)

## worker: the worker alone, against the Kafka and Flink clusters its configuration names (ARGS="--key=value ...")
worker: $(CLASSPATH_FILE)
	$(JAVA) $(RUN_JVM_OPTS) -cp target/classes:$$(cat $(CLASSPATH_FILE)) dev.submitworker.SubmitWorkerApplication $(ARGS)

## demo: send one command (TASK=<id>) to the worker started by `make run` and print its answer;
##       REPEAT=20 sends 20 (fresh requestIds, one after another) and prints their latencies and median
demo: $(CLASSPATH_FILE)
	$(JAVA) -Dlogback.configurationFile=logback-demo.xml -Ddemo.task=$(TASK) -Ddemo.repeat=$(REPEAT) -cp target/classes:$$(cat $(CLASSPATH_FILE)) dev.submitworker.embedded.DemoClient

## test: the whole suite, on a real embedded Kafka broker and a real Flink MiniCluster
test:
	$(MVN) verify

## chaos: the SIGKILL chaos test at a larger scale; prints "chaos: commands=... violations=..." (0 is the only pass)
chaos:
	$(MVN) verify -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
		-Dchaos.commands=$(CHAOS_COMMANDS) -Dchaos.kills=$(CHAOS_KILLS) | grep -E '^chaos:|Tests run:|BUILD|ERROR'

## fuzz: the hostile-input fuzz test at a larger scale; prints "fuzz: records=... lagAfter=..." (FUZZ_RECORDS bad records)
fuzz:
	$(MVN) verify -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfuzz.records=$(FUZZ_RECORDS) | grep -aE '^fuzz:|Tests run:|BUILD|ERROR'

## bench: worker vs floor (builder + RestClusterClient) vs Flink SQL Gateway, duplicates, cold start, memory;
##        prints a table and writes target/bench/results.json (BENCH_N=200 jobs per route by default, < 15 min)
bench: $(CLASSPATH_FILE)
	$(MVN) -q test-compile dependency:build-classpath -Dmdep.outputFile=$(BENCH_CLASSPATH_FILE) -Dmdep.includeScope=test
	$(JAVA) $(BENCH_JVM_OPTS) -Dbench.n=$(BENCH_N) -Dbench.duplicates=$(BENCH_DUPLICATES) -Dbench.duplicatesRate=$(BENCH_DUPLICATES_RATE) \
		-Dbench.worker.jvm="$(BENCH_WORKER_JVM_OPTS)" -Dbench.worker.args="$(BENCH_WORKER_ARGS)" -Dbench.worker.classpath=target/classes:$$(cat $(CLASSPATH_FILE)) \
		-cp target/test-classes:target/classes:$$(cat $(BENCH_CLASSPATH_FILE)) dev.submitworker.bench.SubmitBenchmark

clean:
	$(MVN) -q clean
