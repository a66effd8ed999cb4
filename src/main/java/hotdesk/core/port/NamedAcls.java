package hotdesk.core.port;

/**
 * The named ACLs Asterisk defines (acl.conf). A desk endpoint must name only an ACL that exists: Asterisk
 * refuses every request of an endpoint naming an unknown ACL, emergency calls included.
 */
public interface NamedAcls {

    /**
     * Whether Asterisk defines the named ACL with exactly these networks permitted (after a deny of
     * everything). Blocking; may answer from a cache of a few seconds.
     *
     * @throws PbxException when Asterisk cannot be asked
     */
    boolean defined(String name, java.util.List<String> networks);
}
