package io.streamaligner.topology.config;

import io.streamaligner.inference.http.HttpModelSettings;
import io.streamaligner.inference.template.TemplateArguments;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one of the loop's models comes from ({@code streamaligner.upstream.*} or {@code streamaligner.aligner.*}):
 * a model folder run on the embedded engine, or, when {@code streamaligner.<model>.url} is set, an OpenAI-compatible
 * server.
 *
 * @param folder            the model folder (optimum ONNX layout); with a server, read only for the upstream's
 *                          recommended sampling when it exists
 * @param template          a built-in chat template name overriding the folder's own, if set; with a server, the
 *                          template the completions API renders prompts with
 * @param templateArguments keyword arguments for the folder's own Jinja chat template ({@code enable_thinking=false});
 *                          with a server, sent as {@code chat_template_kwargs}
 * @param server            the server that runs the model, if it does not run here
 */
public record ModelSettings(Path folder, Optional<String> template, TemplateArguments templateArguments,
                            Optional<HttpModelSettings> server) {

    public ModelSettings {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(templateArguments, "templateArguments");
        Objects.requireNonNull(server, "server");
    }

    /** A model run here from its folder. */
    public ModelSettings(Path folder, Optional<String> template) {
        this(folder, template, TemplateArguments.NONE, Optional.empty());
    }

    /** Where the model runs, for a start-up line: its folder, or its server. */
    public String describe() {
        return server.map(http -> http.baseUrl() + " (" + http.server().configValue() + ", " + http.api().configValue()
                        + " API" + (http.servedModel().isEmpty() ? "" : ", model " + http.servedModel()) + ")")
                .orElseGet(folder::toString);
    }
}
