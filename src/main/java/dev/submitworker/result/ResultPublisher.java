package dev.submitworker.result;

/** Where answers go. The Kafka implementation writes them to the results topic keyed by requestId. */
public interface ResultPublisher {

    /** Publishes the envelope and returns once it is durably written (or throws). */
    void publish(ResultEnvelope envelope);
}
