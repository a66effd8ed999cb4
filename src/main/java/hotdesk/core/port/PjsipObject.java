package hotdesk.core.port;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The complete desired field set of one PJSIP sorcery object ({@code auth}, {@code aor} or
 * {@code endpoint}). Pushes always carry every field: ARI merges on update, so a field left out
 * would keep its old value.
 */
public record PjsipObject(Type type, String id, Map<String, String> fields) {

    public enum Type {
        AUTH("auth"), AOR("aor"), ENDPOINT("endpoint");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        /** The name in ARI URLs: {@code auth}, {@code aor}, {@code endpoint}. */
        public String wire() {
            return wire;
        }
    }

    public PjsipObject {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public String toString() {
        // auth objects carry a password: never print field values
        return "PjsipObject[" + type.wire() + "/" + id + " " + fields.keySet() + "]";
    }
}
