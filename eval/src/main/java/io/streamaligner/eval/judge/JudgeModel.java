package io.streamaligner.eval.judge;

/** A model that judges: given a system prompt (the rubric) and a user message, its reply. Thread-safe. */
@FunctionalInterface
public interface JudgeModel {

    /** @throws JudgeException when no reply can be had */
    String reply(String systemPrompt, String userMessage);
}
