package io.streamaligner.inference;

import java.util.List;

/**
 * What the topology calls to run a model: complete a batch of prompts, streaming decoded text as it goes.
 *
 * <p>Implementations are thread-safe: one instance serves many concurrent callers, and an implementation
 * that batches (the ONNX engine) may merge the requests of concurrent callers into one forward pass.
 * The call returns when every request of this batch has finished; results are in request order.
 */
public interface TextGenerator extends AutoCloseable {

    /**
     * @param requests prompts to complete; ids must be unique within the batch
     * @param listener receives each request's decoded text deltas, never splitting a UTF-8 character;
     *                 called on the calling thread or an engine thread, never concurrently for one request.
     *                 On an engine thread it holds up the whole batch: keep it short, and never call
     *                 {@code generate} from it
     * @throws InferenceException if a prompt cannot be run ({@link PromptTooLongException}) or generation
     *                            fails ({@link GenerationException}, also when interrupted or closed)
     */
    List<Completion> generate(List<CompletionRequest> requests, DeltaListener listener);

    default List<Completion> generate(List<CompletionRequest> requests) {
        return generate(requests, DeltaListener.NONE);
    }

    @Override
    void close();
}
