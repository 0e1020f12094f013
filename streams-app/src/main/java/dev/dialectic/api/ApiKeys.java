package dev.dialectic.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The API keys and the tenant each one acts for, written {@code KEY=TENANT,KEY=TENANT}; a key written
 * {@code KEY=TENANT:read} may only read, and one written {@code KEY=TENANT:admin} may also change the service's
 * live settings (the canary's), which act on every tenant's tasks. Immutable; {@link #toString()} never shows a key.
 *
 * <p>A presented key is compared with every known key, each through a SHA-256 digest and
 * {@link MessageDigest#isEqual}, and the loop never stops early, so the time taken tells nothing about how much
 * of a key was right, nor which key matched.
 */
public final class ApiKeys {

    /** What a key allows; each right includes those before it. */
    public enum Right { READ, WRITE, ADMIN }

    /** Who presented a key: the tenant it acts for and the most it may do. */
    public record Caller(String tenant, Right right) {

        /** Whether this caller has {@code wanted}. */
        public boolean has(Right wanted) {
            return right.compareTo(wanted) >= 0;
        }
    }

    private static final String READ_ONLY_SUFFIX = ":read";
    private static final String ADMIN_SUFFIX = ":admin";

    private record Entry(byte[] digest, Caller caller) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No keys at all. */
    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /**
     * Parses {@code KEY=TENANT[:read|:admin]} entries separated by commas or line breaks; blank entries are skipped.
     *
     * @throws IllegalArgumentException naming the entry's position (never the key) when one is malformed or a
     *     key repeats
     */
    public static ApiKeys parse(String text) {
        List<Entry> entries = new ArrayList<>();
        if (text == null) {
            return none();
        }
        String[] parts = text.split("[,\\n\\r]+");
        int position = 0;
        for (String part : parts) {
            String entry = part.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            position++;
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("API key entry " + position + " is not KEY=TENANT");
            }
            String key = entry.substring(0, eq).strip();
            String tenant = entry.substring(eq + 1).strip();
            Right right = Right.WRITE;
            if (tenant.endsWith(READ_ONLY_SUFFIX)) {
                tenant = tenant.substring(0, tenant.length() - READ_ONLY_SUFFIX.length()).strip();
                right = Right.READ;
            } else if (tenant.endsWith(ADMIN_SUFFIX)) {
                tenant = tenant.substring(0, tenant.length() - ADMIN_SUFFIX.length()).strip();
                right = Right.ADMIN;
            }
            if (key.isEmpty() || tenant.isEmpty()) {
                throw new IllegalArgumentException("API key entry " + position + " is not KEY=TENANT");
            }
            byte[] digest = digest(key);
            for (Entry known : entries) {
                if (MessageDigest.isEqual(known.digest(), digest)) {
                    throw new IllegalArgumentException("API key entry " + position + " repeats an earlier key");
                }
            }
            entries.add(new Entry(digest, new Caller(tenant, right)));
        }
        return new ApiKeys(entries);
    }

    /** These keys and those of {@code other}. */
    public ApiKeys and(ApiKeys other) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new ApiKeys(all);
    }

    /** Whether no key is configured. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** How many keys there are. */
    public int size() {
        return entries.size();
    }

    /** The caller {@code presented} identifies; empty when it is no known key. */
    public Optional<Caller> caller(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = digest(presented);
        Caller found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry.caller();
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeys[" + entries.size() + " keys]";
    }
}
