package hotdesk.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code hotdesk completion [bash|zsh]}: prints a completion script for every command and option.
 * The script is picocli's; it serves zsh through zsh's bash-completion emulation.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a shell completion script for hotdesk's commands and options. "
                + "bash: source <(hotdesk completion bash), or save it as /etc/bash_completion.d/hotdesk. "
                + "zsh: source <(hotdesk completion zsh) in ~/.zshrc (it loads bashcompinit itself).")
public final class CompletionCommand implements Callable<Integer> {
    /** The shells the script is written for. */
    public enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash or zsh (default: bash)")
    Shell shell;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
