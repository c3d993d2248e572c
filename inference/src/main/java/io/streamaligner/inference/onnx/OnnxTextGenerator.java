package io.streamaligner.inference.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.PromptTooLongException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.inference.model.ModelConfig;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.template.ChatTemplate;
import io.streamaligner.inference.template.FolderTemplate;
import io.streamaligner.inference.template.TemplateArguments;
import io.streamaligner.inference.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a decoder exported in optimum's ONNX layout: the {@link TextGenerator} the topology uses for both the
 * upstream and the aligner.
 *
 * <pre>{@code
 * try (OnnxTextGenerator model = OnnxTextGenerator.open(Path.of("models/toy-math-aligner"), EngineOptions.cpu())) {
 *     String prompt = model.chatTemplate().alignerPrompt(new AlignerInput(question, prefix, sentence));
 *     Completion fixed = model.generate(List.of(CompletionRequest.greedy("r1", prompt, 64))).get(0);
 * }
 * }</pre>
 *
 * <p>One instance serves many concurrent callers: their requests are batched together on one engine thread
 * (continuous batching, see {@link BatchScheduler}); deltas are delivered on that thread. {@link #submit} returns at
 * once: its prompt is encoded on the engine's encoder thread, then the sequence joins the running batch at the next
 * step. {@link #generate} encodes its prompts on the caller's thread and admits them together.
 */
public final class OnnxTextGenerator implements TextGenerator {

    private final ModelFolder folder;
    private final Tokenizer tokenizer;
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final ModelSignature signature;
    private final DecodingSequence.EndTokens endTokens;
    private final BatchScheduler scheduler;
    private final Thread engineThread;
    /** Encodes submitted prompts off the callers' threads and off the engine thread. */
    private final ExecutorService encoder;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OnnxTextGenerator(ModelFolder folder, Tokenizer tokenizer, SessionOpener.OpenSession opened,
                              ModelSignature signature, DecodingSequence.EndTokens endTokens, EngineOptions options) {
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.session = opened.session();
        this.provider = opened.provider();
        this.signature = signature;
        this.endTokens = endTokens;
        long pad = folder.config().padTokenId().orElse(endTokens.eosIds().length > 0 ? endTokens.eosIds()[0] : 0);
        ForwardPass forward = new ForwardPass(OrtEnvironment.getEnvironment(), session, signature);
        this.scheduler = new BatchScheduler(OrtEnvironment.getEnvironment(), forward, options.maxBatchSize(), pad,
                options.prefixCacheBytes());
        this.engineThread = new Thread(scheduler, "onnx-engine-" + folder.directory().getFileName());
        this.engineThread.setDaemon(true);
        this.engineThread.start();
        String encoderName = "onnx-encoder-" + folder.directory().getFileName();
        this.encoder = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, encoderName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Loads a model folder and starts its engine thread.
     *
     * @throws ModelFolderException if the folder, tokenizer or model does not have the expected layout
     * @throws io.streamaligner.inference.ExecutionProviderException if CUDA was asked for and cannot load
     */
    public static OnnxTextGenerator open(Path modelFolder, EngineOptions options) {
        return open(ModelFolder.open(Objects.requireNonNull(modelFolder, "modelFolder")), options);
    }

    public static OnnxTextGenerator open(ModelFolder folder, EngineOptions options) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(options, "options");
        folder.chatTemplateName().ifPresent(name -> {
            try {
                ChatTemplate.named(name);
            } catch (IllegalArgumentException e) {
                throw new ModelFolderException(ModelFolder.SETTINGS_FILE + ": " + e.getMessage(), e);
            }
        });
        Tokenizer tokenizer = Tokenizer.load(folder.tokenizerFile());
        SessionOpener.OpenSession opened = null;
        try {
            int endOfAnswer = folder.endOfAnswerToken().map(token -> tokenizer.addedTokenId(token).orElseThrow(
                    () -> new ModelFolderException(ModelFolder.SETTINGS_FILE + " names end-of-answer token '"
                            + token + "', which " + ModelFolder.TOKENIZER_FILE + " does not have")))
                    .orElse(DecodingSequence.EndTokens.NONE);
            int[] eos = folder.eosTokenIds().stream().mapToInt(Integer::intValue).filter(id -> id != endOfAnswer)
                    .toArray();
            opened = SessionOpener.open(OrtEnvironment.getEnvironment(), folder.modelFile(), options);
            ModelSignature signature = ModelSignature.discover(opened.session(), folder.config());
            return new OnnxTextGenerator(folder, tokenizer, opened, signature,
                    new DecodingSequence.EndTokens(eos, endOfAnswer), options);
        } catch (RuntimeException e) {
            tokenizer.close();
            if (opened != null) {
                closeQuietly(opened.session(), e);
            }
            throw e;
        }
    }

    /** What the engine has done since it started: prefilled and reused prompt tokens, decode steps, forward time. */
    public EngineStatistics statistics() {
        return scheduler.statistics();
    }

    public ModelFolder modelFolder() {
        return folder;
    }

    public ModelConfig config() {
        return folder.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Where the model actually runs (CPU after an allowed fallback from CUDA). */
    public ExecutionProvider executionProvider() {
        return provider;
    }

    /**
     * The model folder's chat template ({@link FolderTemplate}: the one {@code stream_aligner.json} pins, else the
     * folder's own Jinja template), with this tokenizer's special tokens reserved.
     *
     * @throws ModelFolderException if the folder has none (use {@link #chatTemplate(String)}) or it does not render
     */
    public ChatTemplate chatTemplate() {
        return chatTemplate(Optional.empty(), TemplateArguments.NONE);
    }

    /** A built-in chat template by name, with this tokenizer's special tokens reserved. */
    public ChatTemplate chatTemplate(String name) {
        return chatTemplate(Optional.of(name), TemplateArguments.NONE);
    }

    /**
     * The chat template {@link FolderTemplate} chooses: the built-in one named by {@code override}, else the folder's.
     *
     * @param arguments the Jinja template's keyword arguments ({@code enable_thinking=false})
     * @throws ModelFolderException if no template applies, a name is unknown, the folder's template does not render,
     *                              or arguments are given for a built-in template
     */
    public ChatTemplate chatTemplate(Optional<String> override, TemplateArguments arguments) {
        return FolderTemplate.resolve(folder.directory(), override, folder.chatTemplateName(), folder.tokenizerConfig(),
                arguments, tokenizer.specialTokens().keySet());
    }

    /** The prompt's token ids as the model sees them (with the BOS token where the model's tokenizer adds one). */
    public int[] encodePrompt(String prompt) {
        int[] ids = tokenizer.encode(prompt);
        if (folder.addBosToken() && folder.config().bosTokenId().isPresent()) {
            int bos = folder.config().bosTokenId().getAsInt();
            if (ids.length == 0 || ids[0] != bos) {
                int[] withBos = new int[ids.length + 1];
                withBos[0] = bos;
                System.arraycopy(ids, 0, withBos, 1, ids.length);
                return withBos;
            }
        }
        return ids;
    }

    @Override
    public Generation submit(CompletionRequest request, DeltaListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            return Generation.failed(closedError());
        }
        SubmittedSequence submitted = new SubmittedSequence();
        try {
            encoder.execute(() -> submitted.start(request, listener));
        } catch (RejectedExecutionException e) {
            return Generation.failed(closedError());
        }
        return submitted;
    }

    /** As the default, but every prompt is encoded first and the sequences join the running batch together. */
    @Override
    public List<Completion> generate(List<CompletionRequest> requests, DeltaListener listener) {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(listener, "listener");
        requireOpen();
        long submittedNanos = System.nanoTime();
        Set<String> ids = new HashSet<>();
        List<DecodingSequence> sequences = new ArrayList<>(requests.size());
        for (CompletionRequest request : requests) {
            Objects.requireNonNull(request, "requests contains null");
            if (!ids.add(request.id())) {
                throw new IllegalArgumentException("request id '" + request.id() + "' appears twice in one batch");
            }
            try {
                sequences.add(sequence(request, listener, submittedNanos));
            } catch (IllegalStateException e) {
                requireOpen(); // the tokenizer was closed under us
                throw e;
            }
        }
        if (sequences.isEmpty()) {
            return List.of();
        }
        scheduler.submit(sequences);
        return await(sequences);
    }

    private DecodingSequence sequence(CompletionRequest request, DeltaListener listener, long submittedNanos) {
        int[] promptIds = encodePrompt(request.prompt());
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("request " + request.id() + ": the prompt encodes to no tokens");
        }
        int room = folder.config().maxPositions() - promptIds.length;
        if (room <= 0) {
            throw new PromptTooLongException(request.id(), promptIds.length, folder.config().maxPositions());
        }
        return new DecodingSequence(request, promptIds, Math.min(request.maxNewTokens(), room), endTokens, tokenizer,
                signature.vocabSize(), listener, submittedNanos);
    }

    private static List<Completion> await(List<DecodingSequence> sequences) {
        List<Generation> generations = new ArrayList<>(sequences.size());
        for (DecodingSequence sequence : sequences) {
            generations.add(Generation.of(sequence.result(), sequence::cancel));
        }
        return TextGenerator.awaitAll(generations);
    }

    /** A submitted request: encoded on the encoder thread, then decoded by the engine thread. */
    private final class SubmittedSequence implements Generation {

        private final CompletableFuture<Completion> completion = new CompletableFuture<>();
        private final long submittedNanos = System.nanoTime();
        private volatile DecodingSequence sequence;
        private volatile boolean cancelled;

        void start(CompletionRequest request, DeltaListener listener) {
            if (cancelled) {
                return;
            }
            DecodingSequence encoded;
            try {
                encoded = sequence(request, listener, submittedNanos);
            } catch (InferenceException e) {
                completion.completeExceptionally(e);
                return;
            } catch (RuntimeException e) {
                completion.completeExceptionally(closed.get() ? closedError()
                        : new GenerationException("request " + request.id() + ": " + e.getMessage(), e));
                return;
            }
            // handle, not whenComplete, whose unread stage would wrap each failure (every cancelled request's) in a
            // new exception and its stack trace
            encoded.result().handle((done, failure) -> failure != null
                    ? completion.completeExceptionally(failure) : completion.complete(done));
            sequence = encoded;
            if (cancelled) {
                encoded.cancel();
            }
            scheduler.submit(List.of(encoded));
        }

        @Override
        public CompletableFuture<Completion> completion() {
            return completion;
        }

        @Override
        public void cancel() {
            cancelled = true;
            DecodingSequence started = sequence;
            if (started != null) {
                started.cancel();
            } else {
                completion.completeExceptionally(new GenerationException("cancelled before it started"));
            }
        }
    }

    /** Sequences submitted but not yet in the running batch (for tests that join a batch mid-run). */
    int waitingCount() {
        return scheduler.waitingCount();
    }

    private void requireOpen() {
        if (closed.get()) {
            throw closedError();
        }
    }

    private GenerationException closedError() {
        return new GenerationException("the engine for " + folder.directory() + " is closed");
    }

    /** Stops the engine thread (unfinished requests fail) and frees the session and the tokenizer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        encoder.shutdown();
        scheduler.close();
        try {
            engineThread.join();
            // the encoder still uses the tokenizer for what was queued; those sequences fail on the closed scheduler
            encoder.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new GenerationException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }

    private static void closeQuietly(OrtSession session, RuntimeException primary) {
        try {
            session.close();
        } catch (OrtException e) {
            primary.addSuppressed(e);
        }
    }
}
