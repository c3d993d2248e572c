package io.streamaligner.topology.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.inference.InferenceException;
import io.streamaligner.inference.template.TemplateArguments;
import io.streamaligner.topology.app.FolderPrompts;
import io.streamaligner.topology.config.ModelSettings;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code prompt}: prints exactly the prompt the loop sends a model, rendered with the model folder's chat template, so
 * a user can check a template before running anything:
 * <pre>
 * java -jar topology/target/stream-aligner.jar prompt --model ./Llama-3-8B-Instruct --question "What is 2 + 3?" --prefix "First," --json
 * java -jar topology/target/stream-aligner.jar prompt --aligner --question "What is 2 + 3?" --sentence "It is 6."
 * </pre>
 * The folder (by default the configured upstream's, or the aligner's with {@code --aligner}) needs only
 * {@code tokenizer.json} and {@code tokenizer_config.json}; the template and its arguments come from the configuration
 * ({@code streamaligner.<model>.template}, {@code .template-kwargs}) unless the flags say otherwise.
 */
@Command(name = "prompt",
        description = {"Prints the prompt the loop would send a model: the upstream's for a question and the aligned "
                + "prefix so far, or with --aligner the aligner's for a sentence, rendered with the folder's chat "
                + "template (its own Jinja template, or the built-in one it or the configuration names).",
                "A folder with only tokenizer.json and tokenizer_config.json is enough. Prints the prompt exactly, "
                        + "with no newline added; with --json as one JSON string."})
public final class PromptCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    private SettingsOptions config;

    @Option(names = "--model", paramLabel = "DIR",
            description = "The model folder (default: the configured upstream's, or the aligner's with --aligner).")
    private Path model;

    @Option(names = "--aligner", description = "The aligner's prompt for --sentence instead of the upstream's.")
    private boolean aligner;

    @Option(names = "--system", paramLabel = "TEXT", description = "The request's system prompt (upstream only).")
    private String system;

    @Option(names = "--question", paramLabel = "TEXT", required = true, description = "The user's question.")
    private String question;

    @Option(names = "--prefix", paramLabel = "TEXT", defaultValue = "",
            description = "The answer aligned so far, which the upstream continues (default: none, the first round).")
    private String prefix;

    @Option(names = "--sentence", paramLabel = "TEXT",
            description = "With --aligner: the upstream's sentence the aligner corrects.")
    private String sentence;

    @Option(names = "--template", paramLabel = "NAME",
            description = "A built-in template (plain, llama2, llama3, gemma, chatml, qwen, toy) in place of the folder's.")
    private String template;

    @Option(names = "--template-kwargs", paramLabel = "NAME=VALUE,...",
            description = "Arguments for the folder's Jinja template, e.g. enable_thinking=false "
                    + "(default: streamaligner.<model>.template-kwargs).")
    private String templateKwargs;

    @Option(names = "--json", description = "Print the prompt as one JSON string and a newline.")
    private boolean json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        if (aligner && sentence == null) {
            throw new ParameterException(spec.commandLine(), "--aligner needs --sentence, the sentence to correct");
        }
        if (!aligner && sentence != null) {
            throw new ParameterException(spec.commandLine(), "--sentence is for the aligner's prompt: add --aligner");
        }
        if (aligner && system != null) {
            throw new ParameterException(spec.commandLine(), "--system is for the upstream's prompt: the aligner's has none");
        }
        StreamAlignerConfig resolved = config.resolve();
        String prompt;
        try {
            FolderPrompts prompts = FolderPrompts.open(settings(aligner ? resolved.aligner() : resolved.upstream()));
            prompt = aligner ? prompts.aligner(question, prefix, sentence)
                    : prompts.upstream(system == null ? "" : system, question, prefix);
        } catch (InferenceException e) {
            throw new UserFixableException("cannot render the prompt: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(prompt));
        } else {
            out.print(prompt);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /** The configured model, with the flags' folder, template and arguments in place of the configured ones. */
    private ModelSettings settings(ModelSettings configured) {
        TemplateArguments arguments = configured.templateArguments();
        if (templateKwargs != null) {
            try {
                arguments = TemplateArguments.parse(templateKwargs);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--template-kwargs: " + e.getMessage());
            }
        }
        return new ModelSettings(model == null ? configured.folder() : model.toAbsolutePath().normalize(),
                template == null ? configured.template() : Optional.of(template), arguments, Optional.empty());
    }
}
