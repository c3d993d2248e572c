package io.streamaligner.server;

/**
 * What an {@link OpenAiServer} has generated since it started.
 *
 * @param inFlight  generations submitted to the engine and not yet ended
 * @param completed generations that ended with a completion
 * @param cancelled generations the server gave up (the client disconnected, or the server closed)
 * @param failed    generations the engine failed (a prompt too long, an engine error)
 */
public record ServerStats(int inFlight, long completed, long cancelled, long failed) {
}
