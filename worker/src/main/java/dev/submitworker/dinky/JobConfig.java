package dev.submitworker.dinky;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * Dinky's JobConfig as far as it applies to a submission by this worker. Fields that only make sense inside Dinky
 * (its database ids, result preview) are present with neutral values, so that a Dinky client reads the document.
 */
@JsonPropertyOrder({"type", "checkpoint", "savePointStrategy", "savePointPath", "parallelism", "clusterId",
        "clusterConfigurationId", "step", "configJson", "useResult", "useChangeLog", "useAutoCancel", "useRemote",
        "address", "taskId", "jarFiles", "pyFiles", "jobName", "fragment", "statementSet", "batchModel", "maxRowNum",
        "gatewayConfig", "variables"})
public record JobConfig(String type, Long checkpoint, String savePointStrategy, String savePointPath,
                        Integer parallelism, Integer clusterId, Integer clusterConfigurationId, Integer step,
                        Map<String, String> configJson, boolean useResult, boolean useChangeLog, boolean useAutoCancel,
                        boolean useRemote, String address, Integer taskId, List<String> jarFiles, List<String> pyFiles,
                        String jobName, Boolean fragment, Boolean statementSet, Boolean batchModel, Integer maxRowNum,
                        GatewayConfig gatewayConfig, Map<String, String> variables) {

    /** Dinky's gateway configuration: the run mode and the Flink options the job was submitted with. */
    public record GatewayConfig(String type, Integer taskId, FlinkConfig flinkConfig) {}

    public record FlinkConfig(String jobName, String jobId, Map<String, String> configuration, String savePoint,
                              String action, String flinkVersion) {}
}
