package hotdesk.provisioning;

/**
 * A phone template could not be rendered: missing, a syntax error, or (strict mode) a reference the
 * model does not define. Names the template and the line (0 when unknown). Never carries model values.
 */
public final class TemplateException extends RuntimeException {

    private final String templateName;
    private final int line;

    public TemplateException(String templateName, int line, String message, Throwable cause) {
        super("template " + templateName + (line > 0 ? " line " + line : "") + ": " + message, cause);
        this.templateName = templateName;
        this.line = line;
    }

    public String templateName() {
        return templateName;
    }

    /** 1-based line of the error, 0 when unknown. */
    public int line() {
        return line;
    }
}
