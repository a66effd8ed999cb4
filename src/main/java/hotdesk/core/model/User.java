package hotdesk.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A person who can hot-desk.
 *
 * @param extension  their number, also the id of their own PJSIP endpoint
 * @param name       display name, shown as caller ID name and on the desk phone
 * @param pinHash    hashed login PIN
 * @param hotdeskEnabled whether they may log in to desk phones
 * @param context    dialplan context their calls run in once logged in
 * @param mailbox    voicemail box for MWI ({@code 101@default}), empty for none
 * @param sipSecret  password of their own endpoint (softphone/own phone); a generated one nobody
 *                   knows when the admin gave none, so the endpoint is never open
 * @param ownDevice  whether the admin gave a SIP secret, i.e. the user may register their own phone
 * @param multiLogin the user's own multi-login policy; empty: the global {@code login.multi-login}
 * @param enabled    false: the account is disabled (logged out everywhere, logins refused as a wrong PIN,
 *                   own endpoint taken off Asterisk) but kept, with its history
 */
public record User(Extension extension, String name, SecretHash pinHash, boolean hotdeskEnabled,
                   String context, String mailbox, String sipSecret, boolean ownDevice, Optional<MultiLogin> multiLogin,
                   boolean enabled) {
    public User {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pinHash, "pinHash");
        Objects.requireNonNull(context, "context");
        mailbox = mailbox == null ? "" : mailbox;
        Objects.requireNonNull(sipSecret, "sipSecret");
        multiLogin = multiLogin == null ? Optional.empty() : multiLogin;
    }

    /** An enabled user. */
    public User(Extension extension, String name, SecretHash pinHash, boolean hotdeskEnabled,
                String context, String mailbox, String sipSecret, boolean ownDevice, Optional<MultiLogin> multiLogin) {
        this(extension, name, pinHash, hotdeskEnabled, context, mailbox, sipSecret, ownDevice, multiLogin, true);
    }

    /** An enabled user who follows the global multi-login policy. */
    public User(Extension extension, String name, SecretHash pinHash, boolean hotdeskEnabled,
                String context, String mailbox, String sipSecret, boolean ownDevice) {
        this(extension, name, pinHash, hotdeskEnabled, context, mailbox, sipSecret, ownDevice, Optional.empty(), true);
    }

    /** The policy that applies to this user: their own, else {@code global}. */
    public MultiLogin multiLoginOr(MultiLogin global) {
        return multiLogin.orElse(global);
    }

    public Optional<String> mailboxIfAny() {
        return mailbox.isEmpty() ? Optional.empty() : Optional.of(mailbox);
    }

    public User withPin(SecretHash hash) {
        return new User(extension, name, hash, hotdeskEnabled, context, mailbox, sipSecret, ownDevice, multiLogin, enabled);
    }

    @Override
    public String toString() {
        return "User[" + extension + " '" + name + "' context=" + context + (enabled ? "" : " disabled") + "]";
    }
}
