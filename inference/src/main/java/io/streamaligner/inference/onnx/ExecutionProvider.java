package io.streamaligner.inference.onnx;

/** Where ONNX Runtime runs the model. */
public enum ExecutionProvider {
    /** The default: the CPU, with ONNX Runtime's own kernels (MLAS). */
    CPU,
    /** An NVIDIA GPU: needs the {@code onnxruntime_gpu} artifact ({@code -Pcuda}), CUDA 12 and cuDNN 9. */
    CUDA
}
