package dev.submitworker.core;

import java.util.List;

/**
 * What an explain reports of a compiled job: the planner's plan and the JobGraph the cluster would have received.
 *
 * @param optimizedPlan Flink's explanation of the job's INSERT statements (abstract syntax tree, optimized physical
 *                      plan, optimized execution plan); null for a jar program, which has no SQL plan
 * @param vertices      the JobGraph's vertices, from its sources to its sinks
 */
public record JobPlan(String optimizedPlan, List<Vertex> vertices) {

    public JobPlan {
        vertices = List.copyOf(vertices);
    }

    /**
     * One vertex of the JobGraph: a chain of operators that run together.
     *
     * @param id          the vertex id, 32 hex characters
     * @param name        the names of its operators, as the Flink web UI shows them
     * @param parallelism its parallelism, or null when the job leaves it to the cluster's {@code parallelism.default}
     * @param inputs      the ids of the vertices it reads from
     */
    public record Vertex(String id, String name, Integer parallelism, List<String> inputs) {

        public Vertex {
            inputs = List.copyOf(inputs);
        }
    }
}
