package io.streamaligner.inference.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.streamaligner.inference.ExecutionProviderException;
import io.streamaligner.inference.ModelFolderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Opens an ONNX Runtime session on the execution provider the options ask for, tuned for decoding. */
final class SessionOpener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOpener.class);

    /** Diagnostic knob: ONNX Runtime writes a per-operator profile to files starting with this prefix. */
    static final String PROFILE_PROPERTY = "streamaligner.ortProfile";

    static final String CUDA_REQUIREMENTS = "onnxruntime_gpu 1.23 needs CUDA 12 (libcudart.so.12, cuBLAS 12, "
            + "cuFFT 11, cuRAND 10) and cuDNN 9 on the library path (LD_LIBRARY_PATH)";

    private static final Pattern MISSING_LIBRARY = Pattern.compile(
            "([A-Za-z0-9_.+-]+\\.(?:so(?:\\.[0-9]+)*|dll|dylib))\\s*:\\s*cannot open shared object file");

    /** What a session ended up running on. */
    record OpenSession(OrtSession session, ExecutionProvider provider) {
    }

    private SessionOpener() {
    }

    static OpenSession open(OrtEnvironment env, Path modelFile, EngineOptions options) {
        if (options.provider() == ExecutionProvider.CUDA) {
            try {
                return new OpenSession(create(env, modelFile, options, true), ExecutionProvider.CUDA);
            } catch (ExecutionProviderException e) {
                if (!options.fallbackToCpu()) {
                    throw e;
                }
                LOG.warn("{}; falling back to the CPU as the options allow", e.getMessage());
            }
        }
        return new OpenSession(create(env, modelFile, options, false), ExecutionProvider.CPU);
    }

    private static OrtSession create(OrtEnvironment env, Path modelFile, EngineOptions options, boolean cuda) {
        try (SessionOptions session = new SessionOptions()) {
            session.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            session.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            session.setInterOpNumThreads(1);
            if (options.intraOpThreads() > 0) {
                session.setIntraOpNumThreads(options.intraOpThreads());
            }
            String profile = System.getProperty(PROFILE_PROPERTY);
            if (profile != null) {
                session.enableProfiling(profile);
            }
            if (cuda) {
                addCuda(session, options.deviceIndex());
            }
            return env.createSession(modelFile.toString(), session);
        } catch (OrtException e) {
            if (cuda && isCudaFailure(String.valueOf(e.getMessage()))) {
                throw new ExecutionProviderException(describeCudaFailure(e.getMessage(), options.deviceIndex()), e);
            }
            throw new ModelFolderException("ONNX Runtime cannot load " + modelFile + ": " + e.getMessage(), e);
        }
    }

    private static void addCuda(SessionOptions session, int deviceIndex) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new ExecutionProviderException("CUDA was requested (device " + deviceIndex + ") but the ONNX "
                    + "Runtime on the classpath is the CPU-only build; build with -Pcuda to use onnxruntime_gpu ("
                    + CUDA_REQUIREMENTS + ")");
        }
        try {
            session.addCUDA(deviceIndex);
        } catch (OrtException | UnsatisfiedLinkError e) {
            throw new ExecutionProviderException(describeCudaFailure(e.getMessage(), deviceIndex), e);
        }
    }

    private static boolean isCudaFailure(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return MISSING_LIBRARY.matcher(message).find() || lower.contains("cuda") || lower.contains("cudnn")
                || lower.contains("cublas");
    }

    /** A message naming the shared library that could not be loaded, when ONNX Runtime's error names one. */
    static String describeCudaFailure(String ortMessage, int deviceIndex) {
        String message = String.valueOf(ortMessage);
        Matcher missing = MISSING_LIBRARY.matcher(message);
        String what = missing.find() ? "missing library " + missing.group(1) : "it could not be loaded";
        return "CUDA was requested (device " + deviceIndex + ") but its execution provider cannot run: " + what
                + "; " + CUDA_REQUIREMENTS + ". ONNX Runtime said: " + message.strip();
    }
}
