package io.streamaligner.eval.judge;

/** The judge endpoint could not be asked or gave no usable reply. */
public class JudgeException extends RuntimeException {

    public JudgeException(String message) {
        super(message);
    }

    public JudgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
