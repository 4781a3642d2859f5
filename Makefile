# submit-worker. `make run` starts the worker on its embedded default; `make test` runs the whole suite.
MVN ?= mvn -B
JAVA ?= java
CLASSPATH_FILE := target/classpath.txt
RUN_JVM_OPTS ?= -Xmx2g -XX:+UseParallelGC
TASK ?= 1

.PHONY: build run demo test clean

$(CLASSPATH_FILE): pom.xml $(shell find src/main -type f 2>/dev/null)
	$(MVN) -q -DskipTests compile dependency:build-classpath -Dmdep.outputFile=$(CLASSPATH_FILE) -Dmdep.includeScope=runtime

build: $(CLASSPATH_FILE)

## run: the worker with an embedded Kafka broker and an embedded Flink cluster, on the sample tasks in tasks/
run: $(CLASSPATH_FILE)
	$(JAVA) $(RUN_JVM_OPTS) -cp target/classes:$$(cat $(CLASSPATH_FILE)) dev.submitworker.embedded.EmbeddedLauncher

## demo: send one command (TASK=<id>) to the worker started by `make run` and print its answer
demo: $(CLASSPATH_FILE)
	$(JAVA) -Dlogback.configurationFile=logback-demo.xml -Ddemo.task=$(TASK) -cp target/classes:$$(cat $(CLASSPATH_FILE)) dev.submitworker.embedded.DemoClient

## test: the whole suite, on a real embedded Kafka broker and a real Flink MiniCluster
test:
	$(MVN) verify

clean:
	$(MVN) -q clean
