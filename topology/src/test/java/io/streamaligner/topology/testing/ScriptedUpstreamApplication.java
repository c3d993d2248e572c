package io.streamaligner.topology.testing;

import io.streamaligner.inference.http.HttpModelSettings;
import io.streamaligner.inference.http.HttpTextGenerator;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.topology.app.AlignmentApplication;
import io.streamaligner.topology.app.ApplicationPort;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.net.URI;

/**
 * The application over an upstream behind a {@link ScriptedChatServer} (it writes the sentences a test scripted, over
 * real HTTP) and the {@link ScriptedAligner} (it corrects "wrong" to "right"): model text a test chooses, such as
 * hostile markup.
 */
public final class ScriptedUpstreamApplication implements AutoCloseable {

    private final HttpTextGenerator upstream;
    private final AlignmentApplication application;

    private ScriptedUpstreamApplication(HttpTextGenerator upstream, AlignmentApplication application) {
        this.upstream = upstream;
        this.application = application;
    }

    public static ScriptedUpstreamApplication start(StreamAlignerConfig config, ScriptedChatServer server) {
        HttpTextGenerator upstream = HttpTextGenerator.open(HttpModelSettings.defaults(URI.create(server.baseUrl()))
                .withServedModel(ScriptedChatServer.MODEL));
        try {
            return new ScriptedUpstreamApplication(upstream, AlignmentApplication.start(config,
                    new AlignmentModels(upstream, TestPrompts.UPSTREAM, new ScriptedAligner(), TestPrompts.ALIGNER)));
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    /** The application's HTTP port, which the configuration must open. */
    public String baseUrl() {
        return application.http().map(ApplicationPort::baseUrl).orElseThrow();
    }

    @Override
    public void close() {
        try {
            application.close();
        } finally {
            upstream.close();
        }
    }
}
