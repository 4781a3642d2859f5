package dev.submitworker.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dinky 1.x's {@code /openapi} paths, as DolphinScheduler's DINKY task and scripts call them. Business outcomes are
 * HTTP 200 with Dinky's code, as Dinky answers; only a missing or refused token is not (401, {@link AccessFilter}).
 * {@code Idempotency-Key} names the request; {@code Prefer: wait=<seconds>} (RFC 7240) shortens the wait for the
 * worker's answer.
 */
@RestController
@RequestMapping(path = "/openapi", produces = MediaType.APPLICATION_JSON_VALUE)
public class OpenApiController {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern PREFER_WAIT = Pattern.compile("(?i)(?:^|[,;\\s])wait\\s*=\\s*(\\d{1,6})");

    private final DinkyFront front;

    public OpenApiController(DinkyFront front) {
        this.front = front;
    }

    @GetMapping("/version")
    public ResponseEntity<String> version() {
        return ok(front.version());
    }

    @PostMapping("/submitTask")
    public ResponseEntity<String> submitTask(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                             @RequestHeader(name = "Prefer", required = false) String prefer,
                                             @RequestBody(required = false) String body) throws InterruptedException {
        return ok(front.submitTask(key, body, wait(prefer)));
    }

    @PostMapping("/explainSql")
    public ResponseEntity<String> explainSql(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                             @RequestHeader(name = "Prefer", required = false) String prefer,
                                             @RequestBody(required = false) String body) throws InterruptedException {
        return ok(front.explainSql(key, body, wait(prefer)));
    }

    @PostMapping("/getJobPlan")
    public ResponseEntity<String> getJobPlan(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                             @RequestHeader(name = "Prefer", required = false) String prefer,
                                             @RequestBody(required = false) String body) throws InterruptedException {
        return ok(front.getJobPlan(key, body, wait(prefer)));
    }

    @GetMapping("/getJobInstance")
    public ResponseEntity<String> getJobInstance(@RequestParam(required = false) String id)
            throws InterruptedException {
        return ok(front.getJobInstance(id == null ? "" : id));
    }

    @GetMapping("/getJobInstanceByTaskId")
    public ResponseEntity<String> getJobInstanceByTaskId(@RequestParam(required = false) String id)
            throws InterruptedException {
        return ok(front.getJobInstanceByTaskId(id));
    }

    @PostMapping("/savepointTask")
    public ResponseEntity<String> savepointTask(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                                @RequestHeader(name = "Prefer", required = false) String prefer,
                                                @RequestBody(required = false) String body)
            throws InterruptedException {
        return ok(front.savepointTask(key, body, wait(prefer)));
    }

    @PostMapping("/savepoint")
    public ResponseEntity<String> savepoint(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                            @RequestHeader(name = "Prefer", required = false) String prefer,
                                            @RequestBody(required = false) String body) throws InterruptedException {
        return ok(front.savepoint(key, body, wait(prefer)));
    }

    @GetMapping("/cancel")
    public ResponseEntity<String> cancel(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                         @RequestHeader(name = "Prefer", required = false) String prefer,
                                         @RequestParam(required = false) String id,
                                         @RequestParam(defaultValue = "false") boolean withSavePoint)
            throws InterruptedException {
        return ok(front.cancel(key, id, withSavePoint, wait(prefer)));
    }

    @GetMapping("/restartTask")
    public ResponseEntity<String> restartTask(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
                                              @RequestHeader(name = "Prefer", required = false) String prefer,
                                              @RequestParam(required = false) String id,
                                              @RequestParam(required = false) String savePointPath)
            throws InterruptedException {
        return ok(front.restartTask(key, id, savePointPath, wait(prefer)));
    }

    private static Duration wait(String prefer) {
        Matcher wait = prefer == null ? null : PREFER_WAIT.matcher(prefer);
        return wait != null && wait.find() ? Duration.ofSeconds(Long.parseLong(wait.group(1))) : null;
    }

    private static ResponseEntity<String> ok(ObjectNode result) {
        return ResponseEntity.ok(result.toString());
    }
}
