package io.streamaligner.topology.metrics;

/**
 * The loop's figures at one moment, for a quick look (the web view's panel) rather than for a monitoring system, which
 * scrapes the meters themselves.
 *
 * @param requestsInFlight requests this instance holds model work for now
 * @param roundsAligned    rounds aligned since the instance started (one per sentence the aligner corrected or kept)
 * @param upstreamP50Ms    median upstream model time of a round, over the last two minutes or so; 0 before the first
 * @param alignerP50Ms     median aligner model time of a round, likewise
 * @param kafkaP50Ms       median feedback hop of a round (the aligner's forward to the upstream step reading it), likewise
 */
public record LoopFigures(int requestsInFlight, long roundsAligned, double upstreamP50Ms, double alignerP50Ms,
                          double kafkaP50Ms) {
}
